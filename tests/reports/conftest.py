"""Fixtures for the report tests: two synced courses and a small organisation with learners in every status.

The `world` organisation (see the fixture for who is where) and its expected figures at NOW:

    ROOT (HR: hr-root)        r-new: alpha not started; r-half: alpha one lesson done
      MID                     m-cert: alpha certified (kk), beta in progress; m-revoked: alpha completed (ru),
                              certificate revoked
        LEAF                  l-cert: alpha certified (ru); l-gone: alpha certified, then deactivated
    OTHER (HR: hr-other)      o-cert: alpha certified (en); o-beta: beta completed (beta gives no certificate);
                              alpha is mandatory for OTHER (due BASE + 10 days): hr-other and o-beta are overdue
                              (the assignment enrolled them: alpha not started)
    (no agency)               admin, prog (programme office)
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from lms.accounts.models import Role
from lms.extensions import db
from tests.courses.builders import write_course
from tests.courses.conftest import courses_root  # noqa: F401 - fixture used below
from tests.learning.conftest import sync
from tests.reports import builders as b

ROOT_NAMES = {"name_en": "Ministry of Digital Development", "name_ru": "Министерство цифрового развития",
              "name_kk": "Цифрлық даму министрлігі"}

#: Whole-country totals of `world` at NOW.
WORLD_TOTAL = {"headcount": 11, "enrolled": 10, "not_started": 3, "in_progress": 2, "completed": 5, "certified": 3,
               "certified_people": 3, "overdue": 2}


@pytest.fixture
def courses(app, courses_root):  # noqa: F811 - the imported fixture
    """alpha (three lessons in en/ru/kk, gives a certificate, AI-assisted) and beta (three lessons, no certificate,
    no AI-content declaration)."""
    write_course(courses_root / "alpha", course_id="alpha", quiz=False, languages=("en", "ru", "kk"),
                 title={"en": "Alpha course", "ru": "Курс Альфа", "kk": "Альфа курсы"})
    beta = write_course(courses_root / "beta", course_id="beta", quiz=False,
                        title={"en": "Beta course", "ru": "Курс Бета"}, ai_content=False, media_ai_content=False)
    manifest = beta / "course.yml"
    manifest.write_text(manifest.read_text(encoding="utf-8").replace("certificate: true", "certificate: false"),
                        encoding="utf-8")
    with app.app_context():
        sync(courses_root)
    return ("alpha", "beta")


def build_world() -> None:
    """Create the `world` organisation (inside an app context), in one transaction."""
    root = b.new_agency("ROOT", **ROOT_NAMES)
    mid = b.new_agency("MID", parent=root)
    leaf = b.new_agency("LEAF", parent=mid)
    other = b.new_agency("OTHER")
    b.new_user("hr-root@example.kz", roles={Role.LEARNER, Role.HR}, agency=root, full_name="Root HR")
    hr_other = b.new_user("hr-other@example.kz", roles={Role.LEARNER, Role.HR}, agency=other, full_name="Other HR")
    admin = b.new_user("admin@example.kz", roles={Role.ADMIN}, full_name="Admin")
    b.new_user("prog@example.kz", roles={Role.PROGRAMME}, full_name="Programme")

    b.enrol(b.new_user("r-new@example.kz", agency=root, full_name="Roza New"), "alpha", commit=False)
    b.enrol(b.new_user("r-half@example.kz", agency=root, full_name="Ruslan Half"), "alpha", lessons=1, commit=False)
    m_cert = b.new_user("m-cert@example.kz", agency=mid, full_name="Әсел Құрманғазықызы", position="Analyst")
    b.complete(m_cert, "alpha", language="kk", commit=False)
    b.enrol(m_cert, "beta", lessons=2, commit=False)
    revoked = b.complete(b.new_user("m-revoked@example.kz", agency=mid, full_name="Marat Revoked"), "alpha",
                         language="ru", commit=False)
    b.revoke_certificate(revoked, by=admin, commit=False)
    b.complete(b.new_user("l-cert@example.kz", agency=leaf, full_name="Lyazzat Leaf"), "alpha", language="ru",
               commit=False)
    gone = b.new_user("l-gone@example.kz", agency=leaf, full_name="Gone Person")
    b.complete(gone, "alpha", commit=False)
    b.deactivate(gone, commit=False)
    b.complete(b.new_user("o-cert@example.kz", agency=other, full_name="Olzhas Cert"), "alpha", commit=False)
    b.complete(b.new_user("o-beta@example.kz", agency=other, full_name="Oksana Beta"), "beta", commit=False)
    b.assign("alpha", by=hr_other, target=other, due=b.BASE + timedelta(days=10), commit=False)
    db.session.commit()


@pytest.fixture
def world(app, courses):
    with app.app_context():
        build_world()


@pytest.fixture
def offices(app):
    """A light organisation without courses, for tests of access rules: ROOT > MID and OTHER, their HR officers
    (hr-root, hr-other), an admin, the programme office (prog) and a learner in ROOT (r-new)."""
    with app.app_context():
        root = b.new_agency("ROOT", **ROOT_NAMES)
        b.new_agency("MID", parent=root)
        other = b.new_agency("OTHER")
        b.new_user("hr-root@example.kz", roles={Role.LEARNER, Role.HR}, agency=root, full_name="Root HR")
        b.new_user("hr-other@example.kz", roles={Role.LEARNER, Role.HR}, agency=other, full_name="Other HR")
        b.new_user("admin@example.kz", roles={Role.ADMIN}, full_name="Admin")
        b.new_user("prog@example.kz", roles={Role.PROGRAMME}, full_name="Programme")
        b.new_user("r-new@example.kz", agency=root, full_name="Roza New")
        db.session.commit()
