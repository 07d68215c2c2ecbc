"""The JSON API for BI tools (/api/v1, bearer tokens) and the page where people manage their API tokens.

Two blueprints: the API takes a token and never the browser session (no CSRF, its own authentication hook); the
tokens page is an ordinary signed-in page with CSRF-protected forms.
"""

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")
tokens_bp = Blueprint("api_tokens", __name__, url_prefix="/reports/api-tokens")
