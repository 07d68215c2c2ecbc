"""Course evaluations (Kirkpatrick level 1): a short optional questionnaire after completing a course, answered
anonymously; satisfaction figures in reports and the comments for the course's authors."""

from flask import Blueprint

bp = Blueprint("evaluations", __name__)
