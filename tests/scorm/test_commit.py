"""The lesson page launches a SCORM package from the content origin, and its runtime's commits are recorded: CSRF
and the learner's own session required, newest data kept whatever order commits arrive in, resumed on the next
visit, and a finished package completes the lesson (and the course) through the same use case as our lessons."""

from __future__ import annotations

import time

import pytest
from itsdangerous import TimestampSigner, URLSafeTimedSerializer
from sqlalchemy import select

from lms.certificates.models import Certificate
from lms.extensions import db
from lms.learning.models import CourseCompletion, Enrollment, LessonProgress
from lms.scorm.models import ScormAttempt
from tests import factories
from tests.scorm.conftest import commit, runtime_config

LESSON_12 = "/courses/scorm-course/lessons/sco-12"
LESSON_2004 = "/courses/scorm-course/lessons/sco-2004"


def cmi_12(status="incomplete", *, location="", suspend="", score="", session="", exit=""):
    return {"core": {"lesson_status": status, "lesson_location": location, "score": {"raw": score, "min": "",
                                                                                     "max": "100"},
                     "session_time": session, "exit": exit}, "suspend_data": suspend}


def cmi_2004(completion="incomplete", success="unknown", *, location="", suspend="", scaled="", session=""):
    return {"completion_status": completion, "success_status": success, "location": location,
            "suspend_data": suspend, "score": {"scaled": scaled, "raw": "", "min": "", "max": ""},
            "session_time": session, "exit": ""}


def attempt(app, lesson_key: str = "sco-12") -> ScormAttempt | None:
    from lms.courses.models import Lesson

    with app.app_context():
        lesson = db.session.scalar(select(Lesson).where(Lesson.key == lesson_key))
        row = db.session.scalar(select(ScormAttempt).where(ScormAttempt.lesson_id == lesson.id))
        if row is not None:
            db.session.expunge(row)
        return row


# --- the lesson page ----------------------------------------------------------------------------------------

def test_the_lesson_page_frames_the_package_from_the_content_origin(app, enrolled):
    response = enrolled.get(LESSON_12)
    html = response.get_data(as_text=True)
    origin = app.config["SCORM_CONTENT_ORIGIN"]
    assert origin == "http://localhost:5001"
    assert response.headers["Content-Security-Policy"].endswith(f"frame-src {origin}")
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    config = runtime_config(enrolled, LESSON_12)
    assert config["frameSrc"].startswith(f"{origin}/scorm-content/launch/")
    assert config["contentOrigin"] == origin and config["version"] == "1.2"
    assert config["commitUrl"] == f"{LESSON_12}/scorm/commit"
    assert config["frameTitle"] == "Activity: Activity 1.2"  # plain text: the script sets it as the frame's title
    assert config["cmi"]["core"]["entry"] == "ab-initio"
    assert config["cmi"]["core"]["student_name"] == "Aigerim Sadykova"
    assert "vendor/scorm-again/scorm12.min.js" in html and "js/scorm-runtime.js" in html
    assert "I have finished this lesson" not in html  # the package finishes it
    assert "needs JavaScript" in html  # in a <noscript>


def test_a_2004_lesson_loads_the_2004_api(enrolled):
    config = runtime_config(enrolled, LESSON_2004)
    assert config["version"] == "2004"
    assert config["cmi"]["entry"] == "ab-initio" and config["cmi"]["learner_name"] == "Aigerim Sadykova"
    assert "vendor/scorm-again/scorm2004.min.js" in enrolled.get(LESSON_2004).get_data(as_text=True)


def test_without_an_enrolment_the_page_offers_to_enrol_and_launches_nothing(client, login_as, scorm_key, learner):
    login_as("scorm-learner@example.kz")
    html = client.get(LESSON_12).get_data(as_text=True)
    assert "scorm-player" not in html
    assert "Enrol in the course to open it" in html
    assert f"/courses/{scorm_key}/enroll" in html


def test_the_page_says_so_when_no_content_origin_is_configured(app, enrolled):
    previous = app.config["SCORM_CONTENT_ORIGIN"]
    app.config["SCORM_CONTENT_ORIGIN"] = ""
    try:
        html = enrolled.get(LESSON_12).get_data(as_text=True)
    finally:
        app.config["SCORM_CONTENT_ORIGIN"] = previous
    assert "scorm-player" not in html
    assert "content address is not configured" in html


NEEDS_JS = ("This lesson is an interactive activity that needs JavaScript. Turn JavaScript on in your browser to open "
            "it.")


def _translated(locale: str, msgid: str) -> str:
    from babel.messages.pofile import read_po

    from lms import PROJECT_ROOT

    with (PROJECT_ROOT / "lms" / "translations" / locale / "LC_MESSAGES" / "messages.po").open("rb") as fh:
        return read_po(fh, locale=locale).get(msgid).string


@pytest.mark.parametrize("locale", ["kk", "ru"])
def test_the_lesson_page_says_in_the_learners_language_that_it_needs_javascript(enrolled, locale):
    from tests.conftest import post_form

    post_form(enrolled, "/account/preferences", {"locale": locale}, token_from="/account")
    html = enrolled.get(LESSON_12).get_data(as_text=True)
    assert {"kk": "Тапсырма 1.2", "ru": "Задание 1.2"}[locale] in html
    assert _translated(locale, NEEDS_JS) in html and NEEDS_JS not in html
    assert runtime_config(enrolled, LESSON_12)["cmi"]["student_preference"]["language"] == locale


# --- commits ------------------------------------------------------------------------------------------------

def test_a_commit_needs_the_csrf_header(app, enrolled):
    config = runtime_config(enrolled, LESSON_12)
    response = commit(enrolled, config, 1, cmi_12(), csrf=False)
    assert response.status_code == 400
    assert attempt(app) is None


def test_a_commit_is_stored_per_learner_and_package_version(app, enrolled):
    config = runtime_config(enrolled, LESSON_12)
    response = commit(enrolled, config, 1, cmi_12(location="page-2", suspend="page=2", score="40",
                                                  session="0000:00:30.00"))
    assert response.status_code == 200, response.json
    assert response.json == {"result": "true", "errorCode": 0, "stale": False, "done": False,
                             "course_completed": False}
    row = attempt(app)
    assert (row.status, row.location, row.suspend_data, row.score_raw, row.session_seconds) == (
        "incomplete", "page-2", "page=2", 40.0, 30.0)
    assert row.version == "1.2" and len(row.package_sha256) == 64 and row.commits == 1


def test_an_older_or_repeated_commit_never_overwrites_newer_data(app, enrolled):
    config = runtime_config(enrolled, LESSON_12)
    assert commit(enrolled, config, 2, cmi_12(location="page-3", suspend="page=3")).json["stale"] is False
    late = commit(enrolled, config, 1, cmi_12(location="page-1", suspend="page=1"))
    again = commit(enrolled, config, 2, cmi_12(location="page-9", suspend="page=9"))
    assert late.status_code == again.status_code == 200
    assert late.json["stale"] is True and again.json["stale"] is True
    row = attempt(app)
    assert (row.location, row.suspend_data, row.seq, row.commits) == ("page-3", "page=3", 2, 1)


def test_a_later_page_load_wins_over_an_earlier_sessions_commits(app, enrolled):
    first = runtime_config(enrolled, LESSON_12)
    assert commit(enrolled, first, 5, cmi_12(location="tab-1", session="0000:01:00")).json["stale"] is False
    time.sleep(0.002)
    second = runtime_config(enrolled, LESSON_12)
    assert commit(enrolled, second, 1, cmi_12(location="tab-2", session="0000:00:10")).json["stale"] is False
    assert commit(enrolled, first, 6, cmi_12(location="tab-1 again")).json["stale"] is True
    row = attempt(app)
    assert row.location == "tab-2"
    assert (row.previous_seconds, row.session_seconds) == (60.0, 10.0)  # the first session's time is kept


def test_the_next_visit_resumes_where_the_learner_left(app, enrolled):
    config = runtime_config(enrolled, LESSON_12)
    commit(enrolled, config, 1, cmi_12(location="page-4", suspend="page=4", score="55", session="0000:02:05.50",
                                       exit="suspend"))
    resumed = runtime_config(enrolled, LESSON_12)["cmi"]
    assert resumed["core"]["entry"] == "resume"
    assert resumed["core"]["lesson_location"] == "page-4" and resumed["suspend_data"] == "page=4"
    assert resumed["core"]["total_time"] == "0000:02:05.50"
    assert resumed["core"]["score"]["raw"] == "55"


def test_a_closed_tab_without_suspend_still_resumes_from_its_data(app, enrolled):
    config = runtime_config(enrolled, LESSON_2004)
    commit(enrolled, config, 1, cmi_2004(location="slide-7", suspend="s=7", session="PT1M"))
    resumed = runtime_config(enrolled, LESSON_2004)["cmi"]
    assert (resumed["entry"], resumed["location"], resumed["suspend_data"]) == ("resume", "slide-7", "s=7")
    assert resumed["total_time"] == "PT0H1M0S"


def test_a_finished_package_completes_the_lesson_and_the_course(app, enrolled):
    config = runtime_config(enrolled, LESSON_12)
    done = commit(enrolled, config, 1, cmi_12("passed", score="85", session="0000:01:05"))
    assert done.json["done"] is True and done.json["course_completed"] is False  # the 2004 lesson is left
    assert "You have finished this lesson." in enrolled.get(LESSON_12).get_data(as_text=True)
    config = runtime_config(enrolled, LESSON_2004)
    finished = commit(enrolled, config, 1, cmi_2004("completed", "passed", scaled="0.9"))
    assert finished.json == {"result": "true", "errorCode": 0, "stale": False, "done": True,
                             "course_completed": True}
    with app.app_context():
        assert len(db.session.scalars(select(LessonProgress)).all()) == 2
        enrollment = db.session.scalar(select(Enrollment))
        assert enrollment.lessons_completed == 2 and enrollment.completed_at is not None
        assert db.session.scalar(select(CourseCompletion)) is not None
        assert db.session.scalar(select(Certificate)) is not None  # the course gives one
    again = commit(enrolled, config, 2, cmi_2004("completed", "passed", scaled="0.9"))
    assert again.json["course_completed"] is False  # completed once


def test_a_failed_package_does_not_complete_the_lesson(app, enrolled):
    assert commit(enrolled, runtime_config(enrolled, LESSON_12), 1, cmi_12("failed", score="20")).json["done"] is False
    config = runtime_config(enrolled, LESSON_2004)
    assert commit(enrolled, config, 1, cmi_2004("completed", "failed")).json["done"] is False
    with app.app_context():
        assert db.session.scalar(select(LessonProgress)) is None


def test_values_the_data_model_refuses_are_answered_400(app, enrolled):
    config = runtime_config(enrolled, LESSON_12)
    bad_status = commit(enrolled, config, 1, cmi_12("done"))
    assert bad_status.status_code == 400 and "cmi.core.lesson_status" in bad_status.json["error"]
    too_long = commit(enrolled, config, 2, cmi_12(suspend="x" * 4097))
    assert too_long.status_code == 400 and "4096" in too_long.json["error"]
    assert attempt(app) is None
    config = runtime_config(enrolled, LESSON_2004)
    assert commit(enrolled, config, 1, cmi_2004(suspend="x" * 64000)).status_code == 200


def test_a_commit_of_someone_elses_session_is_not_found(app, client, enrolled, login_as):
    config = runtime_config(enrolled, LESSON_12)
    with app.app_context():
        factories.user("other@example.kz")
    client.post("/logout", headers={"X-CSRFToken": config["csrf"]})
    login_as("other@example.kz")
    from tests.conftest import post_form

    post_form(client, "/courses/scorm-course/enroll", {}, token_from="/courses/scorm-course")
    own = runtime_config(client, LESSON_12)
    response = commit(client, {**own, "runtime": config["runtime"]}, 1, cmi_12("passed"))
    assert response.status_code == 404
    assert attempt(app) is None


def test_a_session_of_another_lesson_is_not_found(enrolled):
    config = runtime_config(enrolled, LESSON_2004)
    response = enrolled.post(f"{LESSON_12}/scorm/commit", json={"runtime": config["runtime"], "seq": 1,
                                                                "cmi": cmi_12()},
                             headers={"X-CSRFToken": config["csrf"]})
    assert response.status_code == 404


def test_a_forged_or_expired_runtime_token_is_refused(app, enrolled):
    config = runtime_config(enrolled, LESSON_12)
    assert commit(enrolled, config, 1, cmi_12(), runtime=config["runtime"][:-2] + "xx").status_code == 400

    class Yesterday(TimestampSigner):
        def get_timestamp(self):
            return int(time.time()) - 2 * 86400

    old = URLSafeTimedSerializer(app.config["SECRET_KEY"], salt="scorm-runtime", signer=Yesterday)
    token = old.dumps(old.loads(config["runtime"]))
    response = commit(enrolled, config, 1, cmi_12(), runtime=token)
    assert response.status_code == 410 and "reload" in response.json["error"]


def test_signed_out_commits_are_answered_401_json(app, client, scorm_key):
    from tests.conftest import csrf_token

    token = csrf_token(client, "/login")
    response = client.post(f"{LESSON_12}/scorm/commit", json={}, headers={"X-CSRFToken": token,
                                                                        "Accept": "application/json"})
    assert response.status_code == 401 and response.json["result"] == "false"
    refused = client.post(f"{LESSON_12}/scorm/commit", json={}, headers={"Accept": "application/json"})
    assert refused.status_code == 400 and refused.is_json  # no CSRF header: refused first, in JSON too


def test_commits_to_a_markdown_lesson_are_not_found(app, enrolled, courses_root):
    from tests.courses.builders import write_course
    from tests.learning.conftest import sync

    write_course(courses_root / "plain", course_id="plain", quiz=False)
    with app.app_context():
        sync(courses_root)
    config = runtime_config(enrolled, LESSON_12)
    response = enrolled.post("/courses/plain/lessons/intro/scorm/commit", json={"runtime": config["runtime"],
                                                                                "seq": 1, "cmi": {}},
                             headers={"X-CSRFToken": config["csrf"]})
    assert response.status_code == 404


def test_a_learner_who_left_the_course_cannot_commit(app, enrolled):
    config = runtime_config(enrolled, LESSON_12)
    with app.app_context():
        db.session.execute(Enrollment.__table__.delete())
        db.session.commit()
    response = commit(enrolled, config, 1, cmi_12())
    assert response.status_code == 409


def test_the_frame_title_is_plain_text_in_the_runtime_settings(app, client, login_as, courses_root, learner):
    from tests.conftest import post_form
    from tests.courses.builders import replace_in
    from tests.learning.conftest import sync
    from tests.scorm.packages import scorm_course

    course = scorm_course(courses_root / "q-and-a", course_id="q-and-a")
    replace_in(course / "course.yml", "      en: Activity 1.2", '      en: "Q&A <drill>"')
    with app.app_context():
        sync(courses_root)
    login_as("scorm-learner@example.kz")
    post_form(client, "/courses/q-and-a/enroll", {}, token_from="/courses/q-and-a")
    assert runtime_config(client, "/courses/q-and-a/lessons/sco-12")["frameTitle"] == "Activity: Q&A <drill>"
