"""Approvals: a learner's self-enrolment in a course that asks for it waits for their line manager's approval."""

from flask import Blueprint

bp = Blueprint("approvals", __name__)
