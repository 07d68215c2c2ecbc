"""The site shell: home page, language switch, health check, security headers."""

from flask import Blueprint

bp = Blueprint("site", __name__)
