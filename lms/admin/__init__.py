"""Administration in the browser: people, the audit log, the outbox, content status."""

from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")
