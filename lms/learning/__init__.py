"""Learning: enrolments, lesson progress, course completion and the activity record."""

from flask import Blueprint

bp = Blueprint("learning", __name__)
