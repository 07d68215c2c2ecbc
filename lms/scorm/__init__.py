"""SCORM lessons at runtime: the learners' CMI data, the commit endpoint, and the separate content origin."""

from flask import Blueprint

#: The site's side: the commit endpoint the lesson page's runtime talks to.
bp = Blueprint("scorm", __name__)
#: The content origin's side (lms.create_content_app only): package files and the frame that holds them.
content_bp = Blueprint("scorm_content", __name__, url_prefix="/scorm-content")
