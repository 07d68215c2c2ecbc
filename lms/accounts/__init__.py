"""People: accounts, sign-in, roles and the access policy."""

from flask import Blueprint

bp = Blueprint("accounts", __name__)
