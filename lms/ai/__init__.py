"""AI assistance under the AI law's rules: a course tutor, question drafts, summaries; every output labelled, logged."""

from flask import Blueprint

bp = Blueprint("ai", __name__)
