"""Assignments: mandatory training with due dates, recurrence and reminders."""

from flask import Blueprint

bp = Blueprint("assignments", __name__)
