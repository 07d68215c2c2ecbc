"""Exports of reports and of managers' teams: jobs run by the task worker, their CSV and XLSX files, their pages."""

from flask import Blueprint

bp = Blueprint("exports", __name__, url_prefix="/reports/exports")
