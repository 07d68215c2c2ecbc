"""Quizzes: drawing questions, attempts with server-side time limits, grading, review."""

from flask import Blueprint

bp = Blueprint("quizzes", __name__)
