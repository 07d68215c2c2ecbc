"""Catalogue, course, lesson and media pages of synced courses."""

from __future__ import annotations

import re
import shutil

import pytest

from tests import factories
from tests.courses.builders import write_course

EMAIL = "learner@example.kz"


@pytest.fixture
def synced(runner, courses_root, course_dir):
    """The builder's course, synced through the CLI."""
    result = runner.invoke(args=["courses", "sync"])
    assert result.exit_code == 0, result.output
    return course_dir


@pytest.fixture
def catalogue(runner, courses_root):
    """Three synced courses that differ in area, level, languages and title."""
    write_course(courses_root / "alpha", course_id="alpha", title={"en": "Alpha basics", "ru": "Основы альфа"},
                 competency_area="foundations", level="beginner", languages=("en", "ru"))
    write_course(courses_root / "beta", course_id="beta", title={"en": "Beta ethics"},
                 competency_area="ethics-law", level="advanced", languages=("en",))
    write_course(courses_root / "gamma", course_id="gamma",
                 title={"en": "Gamma: 100% clean data", "ru": "Гамма: чистые данные", "kk": "Гамма деректері"},
                 competency_area="data", level="intermediate", languages=("en", "ru", "kk"))
    result = runner.invoke(args=["courses", "sync"])
    assert result.exit_code == 0, result.output


@pytest.fixture
def user_client(app, login_as):
    """A client signed in as a learner whose UI language is the default (en)."""
    with app.app_context():
        factories.user(EMAIL)
    return login_as(EMAIL)


def client_in(app, login_as, locale: str):
    with app.app_context():
        factories.user(f"{locale}-learner@example.kz", locale=locale)
    return login_as(f"{locale}-learner@example.kz")


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.get_data(as_text=True)


def listed(html: str) -> set[str]:
    """Keys of the courses listed in a catalogue page."""
    return set(re.findall(r'<h2><a href="/courses/([a-z0-9-]+)">', html))


# --- catalogue ------------------------------------------------------------------------------------

def test_catalogue_lists_the_synced_course(synced, user_client):
    html = page(user_client, "/courses/")
    assert listed(html) == {"test-course"}
    assert "Test course" in html and "Summary of Test course" in html


def test_catalogue_lists_every_live_course(catalogue, user_client):
    assert listed(page(user_client, "/courses/")) == {"alpha", "beta", "gamma"}


@pytest.mark.parametrize(("area", "expected"), [("foundations", {"alpha"}), ("ethics-law", {"beta"}),
                                                ("data", {"gamma"}), ("management", set())])
def test_catalogue_filters_by_area(catalogue, user_client, area, expected):
    assert listed(page(user_client, f"/courses/?area={area}")) == expected


@pytest.mark.parametrize(("level", "expected"), [("beginner", {"alpha"}), ("intermediate", {"gamma"}),
                                                  ("advanced", {"beta"})])
def test_catalogue_filters_by_level(catalogue, user_client, level, expected):
    assert listed(page(user_client, f"/courses/?level={level}")) == expected


@pytest.mark.parametrize(("language", "expected"), [("en", {"alpha", "beta", "gamma"}), ("ru", {"alpha", "gamma"}),
                                                    ("kk", {"gamma"})])
def test_catalogue_filters_by_language(catalogue, user_client, language, expected):
    assert listed(page(user_client, f"/courses/?language={language}")) == expected


def test_catalogue_combines_filters(catalogue, user_client):
    assert listed(page(user_client, "/courses/?language=ru&level=beginner")) == {"alpha"}
    assert listed(page(user_client, "/courses/?language=kk&area=foundations")) == set()


def test_catalogue_ignores_unknown_filter_values(catalogue, user_client):
    assert listed(page(user_client, "/courses/?area=nope&level=x&language=de")) == {"alpha", "beta", "gamma"}


@pytest.mark.parametrize(("q", "expected"), [("alpha", {"alpha"}), ("ETHICS", {"beta"}), ("  gamma ", {"gamma"}),
                                             ("nothing-like-this", set())])
def test_catalogue_searches_titles(catalogue, user_client, q, expected):
    assert listed(user_client.get("/courses/", query_string={"q": q}).get_data(as_text=True)) == expected


@pytest.mark.parametrize(("q", "expected"), [("альфа", {"alpha"}), ("АЛЬФА", {"alpha"}), ("Гамма", {"gamma"}),
                                             ("деректері", {"gamma"}), ("ӘЛЕМ", set())])
def test_catalogue_search_with_a_cyrillic_term(catalogue, user_client, q, expected):
    assert listed(user_client.get("/courses/", query_string={"q": q}).get_data(as_text=True)) == expected


@pytest.mark.parametrize(("q", "expected"), [("%", {"gamma"}), ("100%", {"gamma"}), ("%%", set()), ("_", set()),
                                             ("a%b", set()), ("\\", set())])
def test_catalogue_search_with_wildcards_matches_them_literally(catalogue, user_client, q, expected):
    assert listed(user_client.get("/courses/", query_string={"q": q}).get_data(as_text=True)) == expected


def test_catalogue_search_term_is_escaped_in_the_page(catalogue, user_client):
    html = user_client.get("/courses/", query_string={"q": '"><script>alert(1)</script>'}).get_data(as_text=True)
    assert "<script>alert(1)" not in html


# --- course page ----------------------------------------------------------------------------------

def test_course_page_shows_the_syllabus(synced, user_client):
    html = page(user_client, "/courses/test-course")
    syllabus = html.split('<ol class="syllabus">', 1)[1].split("</ol>", 1)[0]
    links = re.findall(r'href="/courses/test-course/lessons/([a-z-]+)"', syllabus)
    assert links == ["intro", "data-basics", "wrap-up"]
    assert "Intro lesson" in syllabus and "Data Basics lesson" in syllabus and "Wrap Up lesson" in syllabus


def test_course_page_shows_the_estimated_time_and_languages(synced, user_client):
    html = page(user_client, "/courses/test-course")
    assert "45 minutes" in html
    assert '<span lang="ru">Русский</span>, <span lang="en">English</span>' in html


def test_course_page_shows_the_ai_content_label(synced, user_client):
    html = page(user_client, "/courses/test-course")
    assert re.search(r'<p class="ai-label" role="note">.*AI-assisted content · Tool: Test Assistant', html)


def test_course_page_shows_the_quiz(synced, user_client):
    html = page(user_client, "/courses/test-course")
    assert "5 questions" in html and "Pass mark: 70%" in html


# --- lesson page ----------------------------------------------------------------------------------

def test_lesson_page_renders_the_lesson(synced, user_client):
    html = page(user_client, "/courses/test-course/lessons/intro")
    assert re.search(r"<h1[^>]*>Intro lesson</h1>", html)
    assert "English text of intro." in html
    assert '<h2 id="main-idea">Main idea</h2>' in html
    assert 'href="/courses/test-course/lessons/data-basics"' in html
    assert 'src="/courses/test-course/files/media/diagram.svg"' in html


def test_lesson_page_labels_an_ai_generated_image(synced, user_client):
    html = page(user_client, "/courses/test-course/lessons/intro")
    assert re.search(r'<img src="/courses/test-course/files/media/diagram.svg"[^>]*>'
                     r'<span class="ai-label">AI-generated content · Tool: Diagram Bot', html)


def test_lesson_page_shows_the_ai_content_label(synced, user_client):
    html = page(user_client, "/courses/test-course/lessons/data-basics")
    assert re.search(r'<p class="ai-label" role="note">.*AI-assisted content · Tool: Test Assistant', html)


def test_lesson_page_links_to_previous_and_next_lessons(synced, user_client):
    middle = page(user_client, "/courses/test-course/lessons/data-basics")
    assert re.search(r'<a rel="prev" href="/courses/test-course/lessons/intro">[^<]*Intro lesson', middle)
    assert re.search(r'<a rel="next" href="/courses/test-course/lessons/wrap-up">[^<]*Wrap Up lesson', middle)
    first = page(user_client, "/courses/test-course/lessons/intro")
    assert 'rel="prev"' not in first and 'rel="next" href="/courses/test-course/lessons/data-basics"' in first
    last = page(user_client, "/courses/test-course/lessons/wrap-up")
    assert 'rel="next"' not in last and 'rel="prev" href="/courses/test-course/lessons/data-basics"' in last


def test_lesson_is_shown_in_russian_when_the_ui_is_russian(app, login_as, synced):
    client = client_in(app, login_as, "ru")
    html = page(client, "/courses/test-course/lessons/intro")
    assert '<article class="lesson" lang="ru">' in html
    assert re.search(r"<h1[^>]*>Урок Intro</h1>", html) and "Русский text of intro." in html
    assert '<p class="notice" role="note">' not in html


def test_lesson_without_a_kazakh_file_falls_back_to_the_default_language(app, login_as, synced):
    client = client_in(app, login_as, "kk")
    html = page(client, "/courses/test-course/lessons/intro")
    assert '<html lang="kk">' in html
    assert '<p class="notice" role="note">' in html
    assert '<article class="lesson" lang="en">' in html
    assert re.search(r"<h1[^>]*>Intro lesson</h1>", html) and "English text of intro." in html


@pytest.mark.parametrize("locale", ["en", "ru", "kk"])
@pytest.mark.parametrize("url", ["/courses/", "/courses/test-course", "/courses/test-course/lessons/wrap-up"])
def test_pages_are_in_the_ui_language(app, login_as, synced, locale, url):
    client = client_in(app, login_as, locale)
    html = page(client, url)
    assert f'<html lang="{locale}">' in html


# --- media ----------------------------------------------------------------------------------------

def test_media_file_is_served_with_caching_and_a_restrictive_csp(synced, user_client):
    with user_client.get("/courses/test-course/files/media/diagram.svg") as response:
        assert response.status_code == 200
        body = response.get_data()
    assert response.mimetype == "image/svg+xml"
    assert body == (synced / "media" / "diagram.svg").read_bytes()
    assert response.cache_control.max_age == 24 * 3600
    assert response.cache_control.private and not response.cache_control.public
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'none'" in csp and "sandbox" in csp and "script-src" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("path", [
    "course.yml",
    "quiz.yml",
    "lessons/intro.en.md",
    "media/../course.yml",
    "media/../quiz.yml",
    "media/%2e%2e/quiz.yml",
    "media%2f..%2fquiz.yml",
    "media/../lessons/picture.svg",
    "lessons/picture.svg",
    "media/../../test-course/quiz.yml",
    "media/missing.svg",
    "media/diagram.svg.yml",
    "media",
])
def test_course_files_outside_media_answer_404(synced, user_client, path):
    (synced / "lessons" / "picture.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
    (synced / "media" / "diagram.svg.yml").write_text("secret: answers\n")
    with user_client.get(f"/courses/test-course/files/{path}") as response:
        assert response.status_code == 404
        body = response.get_data(as_text=True)
    assert "correct" not in body and "pass_mark" not in body and "secret" not in body


def test_quiz_answers_are_not_on_the_course_or_lesson_pages(synced, user_client):
    for url in ("/courses/test-course", "/courses/test-course/lessons/intro"):
        html = page(user_client, url)
        assert "The right one" not in html and "q-single" not in html


# --- retired, unknown, anonymous ------------------------------------------------------------------

def test_retired_course_answers_404(runner, synced, user_client):
    assert user_client.get("/courses/test-course").status_code == 200
    shutil.rmtree(synced)
    assert runner.invoke(args=["courses", "sync", "--allow-retire"]).exit_code == 0  # the only course: all of them
    for url in ("/courses/test-course", "/courses/test-course/lessons/intro",
                "/courses/test-course/files/media/diagram.svg"):
        with user_client.get(url) as response:
            assert response.status_code == 404, url
    assert listed(page(user_client, "/courses/")) == set()


@pytest.mark.parametrize("url", ["/courses/no-such-course", "/courses/no-such-course/lessons/intro",
                                 "/courses/no-such-course/files/media/diagram.svg",
                                 "/courses/test-course/lessons/no-such-lesson"])
def test_unknown_course_or_lesson_answers_404(synced, user_client, url):
    assert user_client.get(url).status_code == 404


@pytest.mark.parametrize("url", ["/courses/", "/courses/test-course", "/courses/test-course/lessons/intro",
                                 "/courses/test-course/files/media/diagram.svg"])
def test_anonymous_users_are_redirected_to_sign_in(synced, client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")
