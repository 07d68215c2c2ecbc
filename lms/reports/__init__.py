"""Read-only reports: dashboards, exports and the JSON API."""

from flask import Blueprint

bp = Blueprint("reports", __name__, url_prefix="/reports")
api_bp = Blueprint("api", __name__, url_prefix="/api/v1")
