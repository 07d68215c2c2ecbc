"""Read-only reports: dashboards, queries, charts, targets and snapshots."""

from flask import Blueprint

bp = Blueprint("reports", __name__, url_prefix="/reports")
