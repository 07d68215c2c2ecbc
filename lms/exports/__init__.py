"""Report exports: jobs run by the task worker, the CSV and XLSX files they write, and their pages."""

from flask import Blueprint

bp = Blueprint("exports", __name__, url_prefix="/reports/exports")
