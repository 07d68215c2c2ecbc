"""The demo programmes (lms.demo.programmes): after `lms courses sync` and `lms demo-data`, one demo person holds a
programme certificate, the assigned programme shows on My learning, and the programme report has figures."""

from __future__ import annotations

from sqlalchemy import select

from lms import PROJECT_ROOT
from lms.accounts.models import User
from lms.certificates.models import Certificate
from lms.extensions import db
from tests.conftest import post_form


def _seed(app, runner):
    previous = app.config["COURSES_DIR"]
    app.config["COURSES_DIR"] = str(PROJECT_ROOT / "courses")
    try:
        assert runner.invoke(args=["courses", "sync"]).exit_code == 0
        result = runner.invoke(args=["demo-data"])
        assert result.exit_code == 0, result.output
    finally:
        app.config["COURSES_DIR"] = previous


def test_the_demo_has_a_completed_programme_with_its_certificate(app, runner):
    _seed(app, runner)
    with app.app_context():
        [certificate] = db.session.scalars(select(Certificate).where(Certificate.programme_id.is_not(None)))
        assert certificate.user.email == "assel.kassenova@demo.lms.kz"
        assert [e["course"] for e in certificate.evidence] == ["ai-foundations", "generative-ai-at-work",
                                                                "labelling-ai-content"]
        assert db.session.scalar(select(User.id).where(User.email == "learner@demo.lms.kz"))


def test_the_demo_learner_sees_programme_progress(app, runner):
    _seed(app, runner)
    client = app.test_client()
    post_form(client, "/login", {"email": "learner@demo.lms.kz", "password": "learner-demo-2026"})
    page = client.get("/my-learning").get_data(as_text=True)
    assert "/programmes/ai-basics" in page and "1 of 3 courses done" in page


def test_the_demo_programme_report_has_figures(app, runner):
    _seed(app, runner)
    client = app.test_client()
    post_form(client, "/login", {"email": "hr@demo.lms.kz", "password": "hr-demo-2026"})
    page = client.get("/reports/programmes?programme=ai-basics&agency=MDAI-IT").get_data(as_text=True)
    total = page[page.find("<tfoot>"):page.find("</tfoot>")]
    # people, assigned (3 named), in progress, completed (1), overdue
    assert '<td class="num">3</td>' in total and '<td class="num">1</td>' in total
