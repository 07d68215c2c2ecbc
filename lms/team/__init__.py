"""Line managers' "My team": the training of the people who report to them, their records and exports."""

from flask import Blueprint

bp = Blueprint("team", __name__, url_prefix="/team")
