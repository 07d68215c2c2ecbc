"""The programmes list and a programme's page: its courses, the learner's progress and programme certificate."""

from __future__ import annotations

from flask import abort, render_template
from flask_login import current_user, login_required

from lms.certificates import serials
from lms.config import LOCALES
from lms.db import utcnow
from lms.programmes import bp, services


@bp.get("/programmes/")
@login_required
def index():
    programmes = services.list_live_programmes()
    return render_template("programmes/index.html",
                           standings=services.list_standings(current_user, programmes, now=utcnow()))


@bp.get("/programmes/<programme_key>")
@login_required
def programme(programme_key: str):
    found = services.get_live_programme(programme_key)
    if found is None:
        abort(404)
    [standing] = services.list_standings(current_user, [found], now=utcnow())
    return render_template("programmes/programme.html", standing=standing, programme=found,
                           courses=services.get_courses_by_key([found]), display=serials.display, locales=LOCALES)
