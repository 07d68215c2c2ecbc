"""Notifications: the inbox and e-mails that deliver lms.events.Notice, as each person's preferences say."""

from flask import Blueprint

bp = Blueprint("notifications", __name__, url_prefix="/notifications")
