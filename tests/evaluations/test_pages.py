"""The questionnaire on the course page, answering and declining it, the satisfaction report (scope, threshold), the
comments page for authors (escaped, anonymous) and the export."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from lms.agencies.models import Agency
from lms.evaluations.models import EvaluationParticipation, EvaluationResponse
from lms.exports.models import ExportJob
from lms.extensions import db
from tests.conftest import post_form
from tests.evaluations.conftest import complete, get_course, get_user, respondents

ANSWERS = {"q_overall": "5", "q_relevance": "4", "q_clarity": "4", "q_confidence": "3"}


def _agency(code: str) -> Agency:
    return db.session.scalar(select(Agency).where(Agency.code == code))


@pytest.fixture
def done(app, people, evaluation_courses):
    with app.app_context():
        complete(get_user(people.learner), get_course("plain"))


def test_the_course_page_offers_the_questionnaire_once_completed(app, login_as, people, evaluation_courses):
    client = login_as(people.learner)
    assert "How was this course?" not in client.get("/courses/plain").get_data(as_text=True)
    with app.app_context():
        complete(get_user(people.learner), get_course("plain"))
    page = client.get("/courses/plain").get_data(as_text=True)
    assert "How was this course?" in page and 'href="/courses/plain/evaluation"' in page


def test_the_questionnaire_is_not_found_before_completion(login_as, people, evaluation_courses):
    assert login_as(people.other).get("/courses/plain/evaluation").status_code == 404


def test_the_learner_answers_and_is_not_asked_again(app, login_as, people, done):
    client = login_as(people.learner)
    page = client.get("/courses/plain/evaluation").get_data(as_text=True)
    assert "How relevant is the course to your work?" in page and "without your name" in page
    response = post_form(client, "/courses/plain/evaluation", {**ANSWERS, "comment": "More examples"})
    assert response.status_code == 303 and response.headers["Location"].endswith("/courses/plain")
    page = client.get("/courses/plain").get_data(as_text=True)
    assert "your answers are recorded without your name" in page and "How was this course?" not in page
    with app.app_context():
        assert db.session.scalar(select(EvaluationResponse.comment)) == "More examples"
    # The form again (another tab): it says so and sends the learner back.
    again = client.get("/courses/plain/evaluation")
    assert again.status_code == 303


def test_a_missing_answer_is_shown_and_nothing_is_recorded(app, login_as, people, done):
    client = login_as(people.learner)
    response = post_form(client, "/courses/plain/evaluation", {"q_overall": "5"})
    assert response.status_code == 400
    assert "Choose a point from 1 to 5." in response.get_data(as_text=True)
    response = post_form(client, "/courses/plain/evaluation", {**ANSWERS, "q_overall": "9"})
    assert response.status_code == 400
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(EvaluationParticipation)) == 0


def test_no_thanks_hides_the_offer_for_good(app, login_as, people, done):
    client = login_as(people.learner)
    response = post_form(client, "/courses/plain/evaluation/dismiss", {}, token_from="/courses/plain")
    assert response.status_code == 303
    assert "How was this course?" not in client.get("/courses/plain").get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(EvaluationResponse)) == 0


def test_a_course_without_a_comment_shows_its_own_questions_and_no_comment_box(app, login_as, people,
                                                                                evaluation_courses):
    with app.app_context():
        complete(get_user(people.learner), get_course("own-questions"))
    page = login_as(people.learner).get("/courses/own-questions/evaluation").get_data(as_text=True)
    assert "The pace suited me" in page and 'name="comment"' not in page


def test_satisfaction_below_the_threshold_shows_no_figures(app, login_as, people, evaluation_courses):
    with app.app_context():
        respondents(get_course("plain"), _agency("C"), 4)
    page = login_as(people.hr).get("/reports/satisfaction").get_data(as_text=True)
    assert "fewer than 5 responses" in page.lower()
    assert "4,00" not in page and ">4.0<" not in page


def test_satisfaction_shows_courses_and_agencies_rolled_up_for_the_hr_officer(app, login_as, people,
                                                                              evaluation_courses):
    with app.app_context():
        respondents(get_course("plain"), _agency("C"), 5, score=4)
        respondents(get_course("plain"), _agency("U"), 5, score=2)
    page = login_as(people.hr).get("/reports/satisfaction").get_data(as_text=True)
    assert "Satisfaction: Agency P" in page
    # P's officer sees C's five (4 of 5 each), not U's.
    assert ">4.0<" in page and ">2.0<" not in page


def test_an_hr_officer_of_another_agency_sees_only_theirs(app, login_as, people, evaluation_courses):
    with app.app_context():
        respondents(get_course("plain"), _agency("C"), 5, score=4)
        respondents(get_course("plain"), _agency("U"), 5, score=2)
    page = login_as(people.hr_other).get("/reports/satisfaction").get_data(as_text=True)
    assert ">2.0<" in page and ">4.0<" not in page


def test_the_admin_sees_the_country_per_agency_and_per_question(app, login_as, people, evaluation_courses):
    with app.app_context():
        respondents(get_course("plain"), _agency("C"), 5, score=4)
        respondents(get_course("plain"), _agency("U"), 5, score=2)
    client = login_as(people.admin)
    page = client.get("/reports/satisfaction").get_data(as_text=True)
    assert ">3.0<" in page  # the country: half 4, half 2
    assert 'href="/reports/satisfaction?agency=P"' in page and 'href="/reports/satisfaction?agency=U"' in page
    page = client.get("/reports/satisfaction?course=plain").get_data(as_text=True)
    assert "How clear were the lessons and materials?" in page


def test_the_dashboard_shows_each_course_satisfaction(app, login_as, people, evaluation_courses):
    with app.app_context():
        respondents(get_course("plain"), _agency("C"), 5, score=5)
        respondents(get_course("own-questions"), _agency("C"), 2, score=5)
    page = login_as(people.hr).get("/reports/").get_data(as_text=True)
    assert "Satisfaction (1-5)" in page and ">5.0<" in page and "fewer than 5 responses" in page


def test_comments_are_escaped_and_anonymous(app, login_as, people, evaluation_courses):
    with app.app_context():
        made = respondents(get_course("plain"), _agency("C"), 5, comment="<script>alert(1)</script> too fast")
        names = [person.full_name for person in made]
    page = login_as(people.author).get("/courses/plain/evaluation/comments").get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt; too fast" in page and "<script>alert(1)" not in page
    assert not any(name in page for name in names)
    assert "Agency C" in page  # five of C's people answered


def test_comments_wait_for_the_threshold_and_hide_small_agencies(app, login_as, people, evaluation_courses):
    with app.app_context():
        respondents(get_course("plain"), _agency("U"), 1, comment="Lonely voice")
    client = login_as(people.author)
    page = client.get("/courses/plain/evaluation/comments").get_data(as_text=True)
    assert "Lonely voice" not in page and "Fewer than 5 responses so far" in page
    with app.app_context():
        respondents(get_course("plain"), _agency("C"), 4)
    page = client.get("/courses/plain/evaluation/comments").get_data(as_text=True)
    assert "Lonely voice" in page and "Agency U" not in page


def test_comments_are_grouped_so_a_lone_month_does_not_stand_out(app, login_as, people, evaluation_courses):
    with app.app_context():
        course = get_course("plain")
        respondents(course, _agency("C"), 5, comment="Autumn", now=datetime(2026, 10, 5, tzinfo=UTC))
        respondents(course, _agency("C"), 1, comment="Lone December", now=datetime(2026, 12, 5, tzinfo=UTC))
    page = login_as(people.admin).get("/courses/plain/evaluation/comments").get_data(as_text=True)
    assert "2026-10 to 2026-12" in page and ">2026-12<" not in page


def test_the_comments_page_is_for_authors_and_admins(login_as, people, evaluation_courses):
    assert login_as(people.hr).get("/courses/plain/evaluation/comments").status_code == 403


def test_the_export_writes_the_figures_with_the_threshold(app, login_as, people, evaluation_courses):
    with app.app_context():
        respondents(get_course("plain"), _agency("C"), 5, score=4)
        respondents(get_course("own-questions"), _agency("C"), 1, score=4)
    client = login_as(people.hr)
    response = post_form(client, "/reports/satisfaction/export", {"format": "csv"}, token_from="/reports/satisfaction")
    assert response.status_code == 303
    with app.app_context():
        job = db.session.scalar(select(ExportJob))
        assert job.status == "done" and job.filters["kind"] == "satisfaction"
        token = job.token
    download = client.get(f"/reports/exports/{token}/download")
    assert download.status_code == 200 and "satisfaction-" in download.headers["Content-Disposition"]
    text = download.get_data(as_text=True)
    download.close()
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0][:3] == ["Group", "Course ID", "Course"]
    plain = next(row for row in rows if row[1] == "plain" and row[0] == "Course")
    assert plain[7:] == ["5", "4.0", "100.0"]
    own = next(row for row in rows if row[1] == "own-questions" and row[0] == "Course")
    assert own[7:] == ["<5", "", ""]


def test_the_threshold_is_a_setting(app, login_as, people, evaluation_courses):
    with app.app_context():
        respondents(get_course("plain"), _agency("C"), 2, score=3)
    previous = app.config["EVALUATION_MIN_RESPONDENTS"]
    app.config["EVALUATION_MIN_RESPONDENTS"] = 2
    try:
        page = login_as(people.hr).get("/reports/satisfaction").get_data(as_text=True)
    finally:
        app.config["EVALUATION_MIN_RESPONDENTS"] = previous
    assert ">3.0<" in page and "fewer than 2 responses" not in page.lower()


def test_the_course_page_links_authors_to_the_comments(login_as, people, evaluation_courses):
    page = login_as(people.author).get("/courses/plain").get_data(as_text=True)
    assert 'href="/courses/plain/evaluation/comments"' in page


def test_the_course_page_does_not_link_learners_to_the_comments(login_as, people, evaluation_courses):
    page = login_as(people.learner).get("/courses/plain").get_data(as_text=True)
    assert "/evaluation/comments" not in page


def test_the_error_summary_links_to_the_unanswered_question(login_as, people, done):
    response = post_form(login_as(people.learner), "/courses/plain/evaluation", {"q_overall": "5"})
    page = response.get_data(as_text=True)
    assert 'href="#q_relevance-0"' in page and 'id="q_relevance-0"' in page
