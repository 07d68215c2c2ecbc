"""Courses as content files: format, check, sync into the database, catalogue and lesson pages."""

from flask import Blueprint

bp = Blueprint("courses", __name__, url_prefix="/courses")
