"""The SCORM runtime data (CMI) a package commits, checked against the specifications, and what a learner resumes with.

Pure functions, no Flask, no database. A commit is the `cmi` object scorm-again renders (dataCommitFormat "json"):
SCORM 1.2 keeps the learner's standing under `core`, SCORM 2004 at the top. The values the platform reads are
checked against the data model's types and lengths (SCORM 1.2 RTE 3.4, SCORM 2004 4th edition RTE 4.2); everything
else is kept as sent, within the size and nesting limits below, so that objectives and the like come back on resume.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass

#: The data model versions the runtime speaks.
VERSIONS = ("1.2", "2004")
#: The most a stored commit may hold (its `cmi` object as JSON).
MAX_CMI_BYTES = 256 * 1024
MAX_DEPTH = 8

STATUS_12 = ("passed", "completed", "failed", "incomplete", "browsed", "not attempted")
EXIT_12 = ("time-out", "suspend", "logout", "")
COMPLETION_2004 = ("completed", "incomplete", "not attempted", "unknown")
SUCCESS_2004 = ("passed", "failed", "unknown")
EXIT_2004 = ("time-out", "suspend", "logout", "normal", "")
#: (location, suspend_data) length limits: CMIString255 / CMIString4096 in 1.2; 1000 / 64000 characters in 2004.
LIMITS = {"1.2": (255, 4096), "2004": (1000, 64000)}

_TIMESPAN_12 = re.compile(r"^(\d{2,4}):(\d{2}):(\d{2})(\.\d{1,2})?$")
_DURATION_2004 = re.compile(
    r"^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d{1,2})?)S)?)?$")


class InvalidCmi(ValueError):
    """A committed value is not what the data model allows; `element` names it (cmi.core.lesson_status)."""

    def __init__(self, element: str, reason: str):
        super().__init__(f"{element}: {reason}")
        self.element = element


@dataclass(frozen=True)
class Standing:
    """The values of a commit the platform reads (the rest is kept in `data`)."""

    #: lesson_status (1.2) or completion_status (2004).
    status: str
    #: success_status (2004 only; None for 1.2, whose lesson_status says passed or failed).
    success_status: str | None
    score_raw: float | None
    score_min: float | None
    score_max: float | None
    score_scaled: float | None
    location: str
    suspend_data: str
    exit: str
    #: The session's time as the package reports it, in seconds.
    session_seconds: float
    #: The whole `cmi` object as sent (checked for size and nesting).
    data: dict


def parse_timespan_12(value: str) -> float:
    """Seconds in a SCORM 1.2 CMITimespan (HHHH:MM:SS.SS); raises ValueError."""
    match = _TIMESPAN_12.match(value)
    if not match or int(match[2]) > 59 or int(match[3]) > 59:
        raise ValueError(value)
    return int(match[1]) * 3600 + int(match[2]) * 60 + int(match[3]) + float(match[4] or 0)


def parse_duration_2004(value: str) -> float:
    """Seconds in a SCORM 2004 timeinterval (ISO 8601 duration, e.g. PT1H2M3.5S); raises ValueError."""
    match = _DURATION_2004.match(value)
    if not match or value in ("P", "PT") or value.endswith("T"):
        raise ValueError(value)
    years, months, days, hours, minutes = (int(part or 0) for part in match.groups()[:5])
    # The data model's own reading of years and months (RTE 4.2.1): 365 and 30 days are close enough for time spent.
    return (((years * 365 + months * 30 + days) * 24 + hours) * 60 + minutes) * 60 + float(match[6] or 0)


def format_timespan_12(seconds: float) -> str:
    """A CMITimespan for `seconds` (hours capped at 9999)."""
    centis = round(max(seconds, 0) * 100)
    hours, rest = divmod(centis, 360000)
    minutes, rest = divmod(rest, 6000)
    whole, hundredths = divmod(rest, 100)
    return f"{min(hours, 9999):04d}:{minutes:02d}:{whole:02d}.{hundredths:02d}"


def format_duration_2004(seconds: float) -> str:
    """A timeinterval for `seconds`, e.g. PT1H2M3.5S."""
    centis = round(max(seconds, 0) * 100)
    hours, rest = divmod(centis, 360000)
    minutes, rest = divmod(rest, 6000)
    text = f"{rest / 100:.2f}".rstrip("0").rstrip(".")
    return f"PT{hours}H{minutes}M{text}S"


def _check_shape(value, depth: int = 0) -> None:
    if depth > MAX_DEPTH:
        raise InvalidCmi("cmi", f"nests more than {MAX_DEPTH} levels")
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str) or len(key) > 100:
                raise InvalidCmi("cmi", "keys must be short strings")
            _check_shape(item, depth + 1)
    elif isinstance(value, list):
        for item in value:
            _check_shape(item, depth + 1)
    elif not (value is None or isinstance(value, str | bool | int | float)):
        raise InvalidCmi("cmi", "values must be strings, numbers, booleans, lists or objects")


def _text(part: dict, key: str, element: str, limit: int) -> str:
    value = part.get(key, "")
    if value is None:
        return ""
    if not isinstance(value, str):
        raise InvalidCmi(element, "must be a string")
    if len(value) > limit:
        raise InvalidCmi(element, f"is {len(value)} characters; the limit is {limit}")
    return value


def _choice(part: dict, key: str, element: str, allowed: tuple[str, ...], default: str) -> str:
    value = part.get(key, default)
    if value in (None, ""):
        value = default
    if value not in allowed:
        raise InvalidCmi(element, f"{value!r} is not one of {', '.join(repr(a) for a in allowed)}")
    return value


def _number(part: dict, key: str, element: str, low: float | None = None, high: float | None = None) -> float | None:
    value = part.get(key, "")
    if value in (None, ""):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise InvalidCmi(element, f"{value!r} is not a number") from None
    if not math.isfinite(number) or (low is not None and number < low) or (high is not None and number > high):
        raise InvalidCmi(element, f"{value!r} is out of range")
    return number


def _time(part: dict, key: str, element: str, parse) -> float:
    value = part.get(key, "")
    if value in (None, ""):
        return 0.0
    try:
        return parse(str(value))
    except ValueError:
        raise InvalidCmi(element, f"{value!r} is not a valid time") from None


def _object(part: dict, key: str, element: str) -> dict:
    value = part.get(key) or {}
    if not isinstance(value, dict):
        raise InvalidCmi(element, "must be an object")
    return value


def parse_commit(version: str, cmi) -> Standing:
    """Check a committed `cmi` object of the data model `version` ("1.2" or "2004"); raise InvalidCmi."""
    if not isinstance(cmi, dict):
        raise InvalidCmi("cmi", "must be an object")
    _check_shape(cmi)
    if len(json.dumps(cmi, ensure_ascii=False)) > MAX_CMI_BYTES:
        raise InvalidCmi("cmi", f"is larger than {MAX_CMI_BYTES} bytes")
    location_limit, suspend_limit = LIMITS[version]
    if version == "1.2":
        core = _object(cmi, "core", "cmi.core")
        score = _object(core, "score", "cmi.core.score")
        return Standing(
            status=_choice(core, "lesson_status", "cmi.core.lesson_status", STATUS_12, "not attempted"),
            success_status=None,
            score_raw=_number(score, "raw", "cmi.core.score.raw", 0, 100),
            score_min=_number(score, "min", "cmi.core.score.min", 0, 100),
            score_max=_number(score, "max", "cmi.core.score.max", 0, 100),
            score_scaled=None,
            location=_text(core, "lesson_location", "cmi.core.lesson_location", location_limit),
            suspend_data=_text(cmi, "suspend_data", "cmi.suspend_data", suspend_limit),
            exit=_choice(core, "exit", "cmi.core.exit", EXIT_12, ""),
            session_seconds=_time(core, "session_time", "cmi.core.session_time", parse_timespan_12),
            data=cmi)
    score = _object(cmi, "score", "cmi.score")
    return Standing(
        status=_choice(cmi, "completion_status", "cmi.completion_status", COMPLETION_2004, "unknown"),
        success_status=_choice(cmi, "success_status", "cmi.success_status", SUCCESS_2004, "unknown"),
        score_raw=_number(score, "raw", "cmi.score.raw"),
        score_min=_number(score, "min", "cmi.score.min"),
        score_max=_number(score, "max", "cmi.score.max"),
        score_scaled=_number(score, "scaled", "cmi.score.scaled", -1, 1),
        location=_text(cmi, "location", "cmi.location", location_limit),
        suspend_data=_text(cmi, "suspend_data", "cmi.suspend_data", suspend_limit),
        exit=_choice(cmi, "exit", "cmi.exit", EXIT_2004, ""),
        session_seconds=_time(cmi, "session_time", "cmi.session_time", parse_duration_2004),
        data=cmi)


def is_done(version: str, status: str, success_status: str | None) -> bool:
    """Does the package say the learner finished it? SCORM 1.2: lesson_status passed or completed. SCORM 2004:
    success_status passed, or completion_status completed unless success_status is failed."""
    if version == "1.2":
        return status in ("passed", "completed")
    return success_status == "passed" or (status == "completed" and success_status != "failed")


@dataclass(frozen=True)
class Learner:
    """Who runs the package: their opaque id, name and language (cmi.core.student_* / cmi.learner_*)."""

    id: str
    name: str
    language: str


def initial_data(version: str, stored: dict | None, *, learner: Learner, total_seconds: float, entry: str,
                 mastery_score: str | None = None, launch_data: str | None = None) -> dict:
    """The `cmi` object a session starts with (scorm-again's loadFromJSON): the learner, what the last accepted
    commit left (status, score, location, suspend data, objectives, preferences), `entry` and the total time. The
    preferred language is always the learner's language on the site now (they may have switched it since)."""
    stored = stored or {}
    if version == "1.2":
        core = stored.get("core") if isinstance(stored.get("core"), dict) else {}
        preference = stored.get("student_preference") if isinstance(stored.get("student_preference"), dict) else {}
        return {
            "core": {"student_id": learner.id, "student_name": learner.name, "credit": "credit",
                     "lesson_status": core.get("lesson_status") or "not attempted", "entry": entry,
                     "lesson_location": core.get("lesson_location", ""), "lesson_mode": "normal",
                     "score": core.get("score") or {}, "total_time": format_timespan_12(total_seconds)},
            "suspend_data": stored.get("suspend_data", ""), "launch_data": launch_data or "",
            "comments": stored.get("comments", ""),
            "objectives": stored.get("objectives") or {},
            "student_data": {"mastery_score": mastery_score or ""},
            "student_preference": {**preference, "language": learner.language},
        }
    preference = stored.get("learner_preference") if isinstance(stored.get("learner_preference"), dict) else {}
    data = {key: stored[key] for key in ("completion_status", "success_status", "location", "suspend_data",
                                         "progress_measure", "objectives", "comments_from_learner", "score")
            if key in stored and stored[key] not in (None, "")}
    return {**data, "learner_id": learner.id, "learner_name": learner.name, "credit": "credit", "mode": "normal",
            "entry": entry, "total_time": format_duration_2004(total_seconds), "launch_data": launch_data or "",
            "learner_preference": {**preference, "language": learner.language}}


def entry_for(version: str, *, has_attempt: bool, exit: str, location: str, suspend_data: str) -> str:
    """cmi.core.entry / cmi.entry for a new session: "ab-initio" the first time, "resume" when the learner left
    something to resume (suspended, or a location or suspend data kept, e.g. after the tab was closed), else ""."""
    if not has_attempt:
        return "ab-initio"
    if exit == "suspend" or location or suspend_data:
        return "resume"
    return ""
