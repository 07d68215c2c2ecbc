"""Government agencies as a tree, and who belongs where."""

from flask import Blueprint

bp = Blueprint("agencies", __name__, url_prefix="/agencies")
