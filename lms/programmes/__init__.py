"""Programmes: paths through several courses (required ones and "any N of these" groups), progress, certificates."""

from flask import Blueprint

bp = Blueprint("programmes", __name__)
