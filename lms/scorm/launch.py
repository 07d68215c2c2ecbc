"""Signed links and tokens of a SCORM session, made when the lesson page opens (itsdangerous, with the secret key).

- The launch link (content origin, /scorm-content/launch/<token>) opens the package's frame; it names the learner,
  the lesson and the package version and can be opened for SCORM_LAUNCH_MINUTES only.
- The files token (in the path of every package file, /scorm-content/files/<token>/<path>) lets the package load
  its own files for as long as a session lasts (SESSION_HOURS); it names a package version, nothing of the learner's.
- The runtime token goes with every commit to the site (beside the session cookie and the CSRF header): it binds
  the commit to the learner, lesson and package version it was launched for, and carries the launch time in
  microseconds, which orders sessions (a later page load wins over an earlier one).

Pure: no Flask; callers pass the secret and the limits.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

_SHA = re.compile(r"^[0-9a-f]{64}$")


class TokenExpired(Exception):
    """The token was genuine but is too old."""


@dataclass(frozen=True)
class Launch:
    """What a launch link says: who opens which lesson's package, and how."""

    user_id: int
    lesson_id: int
    sha256: str
    version: str
    launch: str  # the launch file's path in the package (with its query string)
    locale: str
    title: str


@dataclass(frozen=True)
class Runtime:
    """What a runtime token says: whose attempt, at which package version, from which page load."""

    user_id: int
    lesson_id: int
    sha256: str
    version: str
    #: The page load's time in microseconds since the epoch: orders sessions.
    launched_us: int


def _serializer(secret: str, salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret, salt=salt)


def _load(secret: str, salt: str, token: str, max_age: int):
    try:
        return _serializer(secret, salt).loads(token, max_age=max_age)
    except SignatureExpired:
        raise TokenExpired() from None
    except BadSignature:
        return None


def launch_token(secret: str, launch: Launch) -> str:
    """The token of a launch link."""
    return _serializer(secret, "scorm-launch").dumps(
        [launch.user_id, launch.lesson_id, launch.sha256, launch.version, launch.launch, launch.locale, launch.title])


def read_launch(secret: str, token: str, *, max_age: int) -> Launch | None:
    """The launch a token names, or None when it is not genuine; raises TokenExpired after `max_age` seconds."""
    data = _load(secret, "scorm-launch", token, max_age)
    try:
        launch = Launch(*data)
    except TypeError:
        return None
    return launch if _SHA.match(str(launch.sha256)) else None


def files_token(secret: str, sha256: str) -> str:
    """The token in the path of a package version's files."""
    return _serializer(secret, "scorm-files").dumps(sha256)


def read_files(secret: str, token: str, *, max_age: int) -> str | None:
    """The package version (SHA-256) a files token names, or None; raises TokenExpired."""
    sha256 = _load(secret, "scorm-files", token, max_age)
    return sha256 if isinstance(sha256, str) and _SHA.match(sha256) else None


def runtime_token(secret: str, runtime: Runtime) -> str:
    """The token the page's runtime sends with each commit."""
    return _serializer(secret, "scorm-runtime").dumps(
        [runtime.user_id, runtime.lesson_id, runtime.sha256, runtime.version, runtime.launched_us])


def read_runtime(secret: str, token: str, *, max_age: int) -> Runtime | None:
    """The session a runtime token names, or None; raises TokenExpired."""
    data = _load(secret, "scorm-runtime", token, max_age)
    try:
        runtime = Runtime(*data)
    except TypeError:
        return None
    return runtime if isinstance(runtime.launched_us, int) and isinstance(runtime.user_id, int) else None


def microseconds(at: datetime) -> int:
    """`at` as whole microseconds since the epoch (the order of page loads)."""
    return int(at.timestamp()) * 1_000_000 + at.microsecond
