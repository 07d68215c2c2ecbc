"""Templates look their translations up once per request and locale, and force_locale (mails, certificates) still
switches them inside its block and back after it."""

from __future__ import annotations

from flask import render_template_string
from flask_babel import force_locale

PAGE = "{{ _('My learning') }}|{{ ngettext('%(num)d day', '%(num)d days', 2) }}"


def test_templates_follow_force_locale_and_return_to_the_request_locale(app):
    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert render_template_string(PAGE).startswith("My learning|")
        with force_locale("ru"):
            assert render_template_string(PAGE).startswith("Моё обучение|")
            with force_locale("kk"):
                assert render_template_string(PAGE).startswith("Менің оқуым|")
            assert render_template_string(PAGE).startswith("Моё обучение|")
        assert render_template_string(PAGE).startswith("My learning|")


def test_each_request_gets_its_own_locale(app):
    for language, expected in (("ru", "Моё обучение"), ("en", "My learning"), ("kk", "Менің оқуым")):
        with app.test_request_context(headers={"Accept-Language": language}):
            assert render_template_string(PAGE).startswith(expected + "|")


def test_python_gettext_follows_force_locale_too(app):
    from flask_babel import gettext, lazy_gettext

    lazy = lazy_gettext("My learning")
    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert gettext("My learning") == "My learning"
        with force_locale("ru"):
            assert gettext("My learning") == "Моё обучение" and str(lazy) == "Моё обучение"
        assert str(lazy) == "My learning"
