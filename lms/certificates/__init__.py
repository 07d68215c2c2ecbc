"""Certificates: issue on completion, PDF, public verification, revocation, signed Open Badges 3.0 credentials."""

from flask import Blueprint

bp = Blueprint("certificates", __name__)
