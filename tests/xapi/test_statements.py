"""The statement builder (lms.xapi.statements): pure functions, tested without an app."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from lms.xapi import statements as st

BASE = "https://lms.example.kz"
AT = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)
ACTOR = st.agent_account(BASE, "3f8a1c52-0a4e-4d0b-9d7e-0c1b2a3d4e5f")
DISPLAY = {"en": "completed", "ru": "завершил(а)", "kk": "аяқтады"}


def _event(verb: str, **fields) -> st.Event:
    values = {"statement_id": "6fbd600f-d17c-4c74-801a-2ec2e53231c9", "verb": verb, "at": AT, "actor": ACTOR,
              "course_key": "ai-basics", "course_titles": {"en": "AI basics", "ru": "Основы ИИ", "kk": ""},
              "content_version": "v-abc", "language": "ru",
              "agency": st.Agency("MDAI", {"kk": "ЦДИАӨМ", "ru": "МЦРИАП", "en": "MDDIAI"})}
    return st.Event(**{**values, **fields})


def _build(event: st.Event) -> dict:
    return st.build_statement(event, base_url=BASE, platform="AI Competency Academy", verb_display=DISPLAY)


def test_the_actor_is_an_account_of_the_deployment_not_an_email():
    statement = _build(_event("enrolled"))
    assert statement["actor"] == {"objectType": "Agent",
                                  "account": {"homePage": BASE, "name": "3f8a1c52-0a4e-4d0b-9d7e-0c1b2a3d4e5f"}}
    assert "mbox" not in statement["actor"]


def test_an_mbox_actor_when_configured_so():
    assert st.agent_mbox("a.b@gov.kz") == {"objectType": "Agent", "mbox": "mailto:a.b@gov.kz"}


def test_enrolment_is_registered_in_the_course_with_its_titles_as_a_language_map():
    statement = _build(_event("enrolled"))
    assert statement["verb"] == {"id": "http://adlnet.gov/expapi/verbs/registered", "display": DISPLAY}
    assert statement["object"] == {"objectType": "Activity", "id": f"{BASE}/courses/ai-basics",
                                   "definition": {"type": "http://adlnet.gov/expapi/activities/course",
                                                  "name": {"en": "AI basics", "ru": "Основы ИИ"}}}
    assert "result" not in statement


def test_the_context_carries_the_content_version_language_and_agency_as_a_group():
    context = _build(_event("course_completed"))["context"]
    assert context["extensions"] == {f"{BASE}/xapi/extensions/content-version": "v-abc"}
    assert context["revision"] == "v-abc"
    assert context["language"] == "ru"
    assert context["team"] == {"objectType": "Group", "name": "МЦРИАП",
                               "account": {"homePage": f"{BASE}/agencies", "name": "MDAI"}}


def test_a_learner_without_an_agency_has_no_team():
    assert "team" not in _build(_event("enrolled", agency=None))["context"]


def test_a_lesson_completion_names_the_lesson_under_its_course():
    statement = _build(_event("lesson_completed", lesson_key="intro", lesson_titles={"en": "Intro"}))
    assert statement["verb"]["id"] == "http://adlnet.gov/expapi/verbs/completed"
    assert statement["object"]["id"] == f"{BASE}/courses/ai-basics/lessons/intro"
    assert statement["object"]["definition"]["type"] == "http://adlnet.gov/expapi/activities/lesson"
    assert statement["context"]["contextActivities"] == {
        "parent": [{"objectType": "Activity", "id": f"{BASE}/courses/ai-basics"}]}
    assert statement["result"] == {"completion": True}


@pytest.mark.parametrize("verb, iri, success", [
    ("quiz_passed", "http://adlnet.gov/expapi/verbs/passed", True),
    ("quiz_failed", "http://adlnet.gov/expapi/verbs/failed", False),
])
def test_a_graded_attempt_has_its_score_success_and_duration(verb, iri, success):
    statement = _build(_event(verb, attempt=2, score_percent=82.5, pass_mark=70, duration_seconds=95))
    assert statement["verb"]["id"] == iri
    assert statement["object"]["id"] == f"{BASE}/courses/ai-basics/quiz"
    assert statement["object"]["definition"]["type"] == "http://adlnet.gov/expapi/activities/assessment"
    assert statement["result"] == {"success": success, "completion": True, "duration": "PT95S",
                                   "score": {"scaled": 0.825, "raw": 82.5, "min": 0, "max": 100},
                                   "extensions": {f"{BASE}/xapi/extensions/pass-mark": 70}}
    assert statement["context"]["extensions"][f"{BASE}/xapi/extensions/attempt"] == 2


def test_starting_an_attempt_is_attempted_without_a_result():
    statement = _build(_event("quiz_started", attempt=1))
    assert statement["verb"]["id"] == "http://adlnet.gov/expapi/verbs/attempted"
    assert "result" not in statement


def test_a_certificate_is_earned_and_revoked_at_its_verification_page():
    earned = _build(_event("certificate_issued", serial="ABCD-EFGH"))
    revoked = _build(_event("certificate_revoked", serial="ABCD-EFGH"))
    assert earned["verb"]["id"] == "http://id.tincanapi.com/verb/earned"
    assert revoked["verb"]["id"] == f"{BASE}/xapi/verbs/revoked"
    assert earned["object"]["id"] == revoked["object"]["id"] == f"{BASE}/verify/ABCD-EFGH"


def test_the_timestamp_is_utc_and_the_same_event_gives_the_same_statement():
    local = AT.astimezone(timezone(timedelta(hours=5)))
    assert _build(_event("enrolled", at=local)) == _build(_event("enrolled"))
    assert _build(_event("enrolled"))["timestamp"] == "2026-03-01T09:30:00.000+00:00"
    assert _build(_event("enrolled"))["version"] == "1.0.3"


def test_events_that_are_not_a_learners_experience_make_no_statement():
    assert "assignment_created" not in st.REPORTED
    with pytest.raises(KeyError):
        _build(_event("assignment_created"))
