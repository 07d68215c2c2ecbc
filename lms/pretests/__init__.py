"""Pre-tests: an ungraded test drawn from a course's final-quiz pool before the first lesson (the learning gain)."""

from flask import Blueprint

bp = Blueprint("pretests", __name__)
