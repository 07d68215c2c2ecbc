"""Fixtures of the SCORM tests: a synced course of SCORM lessons, an enrolled learner, and the lesson page's runtime
settings read from the page as the browser would."""

from __future__ import annotations

import json
import re
from html import unescape

import pytest

from lms.extensions import db
from tests import factories
from tests.conftest import post_form
from tests.courses.conftest import courses_root  # noqa: F401 - fixture used below
from tests.learning.conftest import sync
from tests.scorm.packages import scorm_course

CONFIG = re.compile(r"id=\"scorm-player\" data-config='([^']*)'")


@pytest.fixture
def scorm_key(app, courses_root):  # noqa: F811 - the imported fixture
    """A synced course "scorm-course" with a SCORM 1.2 lesson (sco-12) and a SCORM 2004 lesson (sco-2004)."""
    scorm_course(courses_root / "scorm-course", lessons={"sco-12": "1.2", "sco-2004": "2004"})
    with app.app_context():
        sync(courses_root)
    return "scorm-course"


@pytest.fixture
def learner(app):
    with app.app_context():
        user = factories.user("scorm-learner@example.kz", full_name="Aigerim Sadykova")
        db.session.commit()
        return user.id


@pytest.fixture
def enrolled(app, client, login_as, scorm_key, learner):
    """The client signed in as the learner, enrolled in the SCORM course."""
    login_as("scorm-learner@example.kz")
    response = post_form(client, f"/courses/{scorm_key}/enroll", {}, token_from=f"/courses/{scorm_key}")
    assert response.status_code == 303
    return client


def runtime_config(client, path: str) -> dict:
    """The runtime settings the lesson page at `path` gives its script (the data-config attribute)."""
    response = client.get(path)
    assert response.status_code == 200, response.status_code
    match = CONFIG.search(response.get_data(as_text=True))
    assert match, "no SCORM player on the page"
    return json.loads(unescape(match.group(1)))


def commit(client, config: dict, seq: int, cmi: dict, *, csrf: bool = True, runtime: str | None = None):
    """POST a commit as the page's runtime does (JSON, the CSRF header, the runtime token)."""
    headers = {"X-CSRFToken": config["csrf"]} if csrf else {}
    return client.post(config["commitUrl"], json={"runtime": runtime or config["runtime"], "seq": seq, "cmi": cmi},
                       headers={**headers, "Accept": "application/json"})
