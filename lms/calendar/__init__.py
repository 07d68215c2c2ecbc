"""Calendar feeds: each person's secret iCalendar feed of their due dates, and one due date as an .ics download."""

from flask import Blueprint

bp = Blueprint("calendar", __name__)
