"""A course written in one language only (here Kazakh): what check says and what a learner of another language sees.

docs/authoring.md ("A course in one language") describes this behaviour; these tests keep it true.
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from lms.certificates.models import Certificate
from lms.extensions import db
from lms.learning.models import CourseCompletion
from tests import factories
from tests.conftest import post_form
from tests.courses.builders import write_course
from tests.learning.conftest import sync

TITLE = "Қазақ тіліндегі курс"


@pytest.fixture
def kk_only(app, courses_root):
    """A synced course with Kazakh files only (default language kk), three lessons, no quiz, a certificate."""
    write_course(courses_root / "kk-only", course_id="kk-only", title={"kk": TITLE}, languages=("kk",),
                 default_language="kk", quiz=False)
    with app.app_context():
        sync(courses_root)
    return courses_root


@pytest.fixture
def ru_client(app, login_as):
    with app.app_context():
        factories.user("ru-learner@example.kz", locale="ru")
    return login_as("ru-learner@example.kz")


def _page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.get_data(as_text=True)


def test_check_reports_no_missing_translation_for_languages_the_course_does_not_offer(runner, kk_only):
    result = runner.invoke(args=["courses", "check", str(kk_only), "--strict"])
    assert result.exit_code == 0, result.output
    assert "1 course(s), 0 error(s), 0 warning(s)." in result.output


def test_the_catalogue_lists_it_for_everyone_with_its_kazakh_title(kk_only, ru_client):
    html = _page(ru_client, "/courses/")
    assert f'<a href="/courses/kk-only">{TITLE}</a>' in html
    assert "kk-only" not in re.findall(r'/courses/([a-z-]+)"', _page(ru_client, "/courses/?language=ru"))
    assert "/courses/kk-only" in _page(ru_client, "/courses/?language=kk")


def test_the_course_page_says_the_lessons_are_shown_in_kazakh(kk_only, ru_client):
    html = _page(ru_client, "/courses/kk-only")
    assert '<html lang="ru">' in html
    assert TITLE in html
    assert '<p class="notice">' in html
    assert re.search(r'<a href="/courses/kk-only/lessons/intro" lang="kk"', html)


def test_a_lesson_is_shown_in_kazakh_with_a_note_in_the_learners_language(kk_only, ru_client):
    html = _page(ru_client, "/courses/kk-only/lessons/intro")
    assert '<html lang="ru">' in html
    assert '<p class="notice" role="note">' in html
    assert '<article class="lesson" lang="kk">' in html
    assert "Қазақша text of intro." in html


def test_finishing_it_records_the_completion_and_certificate_in_kazakh(app, kk_only, ru_client):
    post_form(ru_client, "/courses/kk-only/enroll", {}, token_from="/courses/kk-only")
    for lesson in ("intro", "data-basics", "wrap-up"):
        post_form(ru_client, f"/courses/kk-only/lessons/{lesson}/complete", {}, token_from="/courses/kk-only")
    with app.app_context():
        assert db.session.scalar(select(CourseCompletion.language)) == "kk"
        assert db.session.scalar(select(Certificate.language)) == "kk"
