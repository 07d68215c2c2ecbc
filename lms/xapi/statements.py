"""xAPI 1.0.3 statements built from learning events: pure functions, no Flask, no database.

Verbs and activity types come from the ADL vocabulary (adlnet.gov/expapi) and the xAPI registry's TinCan entries
(id.tincanapi.com); the registry has no verb for a revoked credential, so that one is the deployment's own IRI.
Activity ids are addresses under the deployment's base URL made of the content's stable ids (course and lesson
keys, certificate serials), never of database rows; the same event always gives the same statement.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime

XAPI_VERSION = "1.0.3"

#: Activity types.
COURSE = "http://adlnet.gov/expapi/activities/course"
LESSON = "http://adlnet.gov/expapi/activities/lesson"
ASSESSMENT = "http://adlnet.gov/expapi/activities/assessment"
BADGE = "http://id.tincanapi.com/activitytype/badge"

#: The event's verb (lms.learning.models.Verb values) -> the xAPI verb IRI; "{base}" is the deployment's base URL.
VERB_IRIS = {
    "enrolled": "http://adlnet.gov/expapi/verbs/registered",
    "lesson_completed": "http://adlnet.gov/expapi/verbs/completed",
    "course_completed": "http://adlnet.gov/expapi/verbs/completed",
    "quiz_started": "http://adlnet.gov/expapi/verbs/attempted",
    "quiz_passed": "http://adlnet.gov/expapi/verbs/passed",
    "quiz_failed": "http://adlnet.gov/expapi/verbs/failed",
    "certificate_issued": "http://id.tincanapi.com/verb/earned",
    "certificate_revoked": "{base}/xapi/verbs/revoked",
}

#: Events that make statements (the others, e.g. an assignment made by HR, are not a learner's experience).
REPORTED = frozenset(VERB_IRIS)


@dataclass(frozen=True)
class Agency:
    """The learner's agency: its stable code and its names by language."""

    code: str
    names: Mapping[str, str]


@dataclass(frozen=True)
class Event:
    """Everything a statement says about one learning event (lms.xapi.outbox gathers it from the database)."""

    statement_id: str
    verb: str
    at: datetime
    #: The actor as xAPI wants it (agent_account or agent_mbox).
    actor: Mapping
    course_key: str
    course_titles: Mapping[str, str]
    content_version: str | None = None
    #: The learner's language for this event (kk, ru, en).
    language: str | None = None
    agency: Agency | None = None
    lesson_key: str | None = None
    lesson_titles: Mapping[str, str] = field(default_factory=dict)
    attempt: int | None = None
    score_percent: float | None = None
    pass_mark: int | None = None
    duration_seconds: int | None = None
    serial: str | None = None


def agent_account(base_url: str, name: str) -> dict:
    """An agent known by an account of this deployment (homePage = base URL, name = an opaque stable id)."""
    return {"objectType": "Agent", "account": {"homePage": base_url, "name": name}}


def agent_mbox(email: str) -> dict:
    """An agent known by email address (when the deployment is configured so)."""
    return {"objectType": "Agent", "mbox": "mailto:" + email}


def course_id(base_url: str, course_key: str) -> str:
    """The activity id of a course (its catalogue page)."""
    return f"{base_url}/courses/{course_key}"


def lesson_id(base_url: str, course_key: str, lesson_key: str) -> str:
    """The activity id of a lesson (its page)."""
    return f"{base_url}/courses/{course_key}/lessons/{lesson_key}"


def quiz_id(base_url: str, course_key: str) -> str:
    """The activity id of a course's final quiz (its page)."""
    return f"{base_url}/courses/{course_key}/quiz"


def certificate_id(base_url: str, serial: str) -> str:
    """The activity id of a certificate (its public verification page)."""
    return f"{base_url}/verify/{serial}"


def extension(base_url: str, name: str) -> str:
    """The IRI of one of the platform's context or result extensions."""
    return f"{base_url}/xapi/extensions/{name}"


def language_map(texts: Mapping[str, str | None]) -> dict[str, str]:
    """A language map of the non-empty texts (keys are RFC 5646 tags: kk, ru, en)."""
    return {language: text for language, text in texts.items() if text}


def _activity(activity_id: str, type_iri: str, names: Mapping[str, str | None]) -> dict:
    definition: dict = {"type": type_iri}
    name = language_map(names)
    if name:
        definition["name"] = name
    return {"objectType": "Activity", "id": activity_id, "definition": definition}


def _timestamp(at: datetime) -> str:
    if at.tzinfo is None:
        raise ValueError("naive datetime given")
    return at.astimezone(UTC).isoformat(timespec="milliseconds")


def build_statement(event: Event, *, base_url: str, platform: str,
                    verb_display: Mapping[str, str]) -> dict:
    """The xAPI statement of `event`, as a JSON-ready dict; `verb_display` is the verb's language map.

    Raises KeyError for an event that makes no statement (not in REPORTED).
    """
    verb_iri = VERB_IRIS[event.verb].format(base=base_url)
    course = _activity(course_id(base_url, event.course_key), COURSE, event.course_titles)
    parents: list[dict] = []
    result: dict = {}
    extensions: dict = {}
    if event.content_version:
        extensions[extension(base_url, "content-version")] = event.content_version
    if event.verb == "lesson_completed":
        target = _activity(lesson_id(base_url, event.course_key, event.lesson_key or ""), LESSON,
                           event.lesson_titles)
        parents.append(course)
        result = {"completion": True}
    elif event.verb in ("quiz_started", "quiz_passed", "quiz_failed"):
        target = _activity(quiz_id(base_url, event.course_key), ASSESSMENT, {})
        parents.append(course)
        if event.attempt is not None:
            extensions[extension(base_url, "attempt")] = event.attempt
        if event.verb != "quiz_started":
            result = _quiz_result(event, base_url)
    elif event.verb in ("certificate_issued", "certificate_revoked"):
        target = _activity(certificate_id(base_url, event.serial or ""), BADGE, {})
        parents.append(course)
    else:  # enrolled, course_completed
        target = course
        if event.verb == "course_completed":
            result = {"completion": True}
    context: dict = {"platform": platform}
    if event.content_version:
        context["revision"] = event.content_version
    if event.language:
        context["language"] = event.language
    if parents:
        context["contextActivities"] = {"parent": [{"objectType": "Activity", "id": p["id"]} for p in parents]}
    if event.agency is not None:
        team: dict = {"objectType": "Group", "account": {"homePage": f"{base_url}/agencies",
                                                         "name": event.agency.code}}
        name = event.agency.names.get(event.language or "") or next(iter(language_map(event.agency.names).values()),
                                                                   "")
        if name:
            team["name"] = name
        context["team"] = team
    if extensions:
        context["extensions"] = extensions
    statement = {
        "id": event.statement_id,
        "version": XAPI_VERSION,
        "actor": dict(event.actor),
        "verb": {"id": verb_iri, "display": dict(verb_display)},
        "object": target,
        "context": context,
        "timestamp": _timestamp(event.at),
    }
    if result:
        statement["result"] = result
    return statement


def _quiz_result(event: Event, base_url: str) -> dict:
    result: dict = {"success": event.verb == "quiz_passed", "completion": True}
    if event.score_percent is not None:
        raw = round(float(event.score_percent), 2)
        result["score"] = {"scaled": round(raw / 100, 4), "raw": raw, "min": 0, "max": 100}
    if event.duration_seconds is not None:
        result["duration"] = f"PT{max(0, event.duration_seconds)}S"
    if event.pass_mark is not None:
        result["extensions"] = {extension(base_url, "pass-mark"): event.pass_mark}
    return result
