"""The commit endpoint of the lesson page's SCORM runtime: JSON in, JSON out, for the learner's own session only.

The page's runtime (static/js/scorm-runtime.js, with scorm-again's API) posts each commit with the session cookie,
the CSRF token in the X-CSRFToken header (Flask-WTF checks it as for every POST) and the runtime token the page was
given. The package itself never calls this: it runs on the content origin and reaches the API through postMessage.
"""

from __future__ import annotations

from flask import current_app, request
from flask_babel import get_locale
from flask_login import current_user

from lms.accounts import policy
from lms.courses import services as courses
from lms.courses.lookups import live_course_or_404
from lms.db import utcnow
from lms.extensions import db
from lms.learning.services import NotEnrolled
from lms.scorm import bp, launch, services

#: The largest commit body taken (a SCORM 2004 commit with full suspend data and interactions fits well within it).
MAX_COMMIT_BYTES = 512 * 1024
#: scorm-again's general commit failure code (SCORM 2004 391, used for 1.2 too).
COMMIT_FAILED = 391


def _answer(status: int, *, error: str | None = None, **fields):
    ok = status == 200
    body = {"result": "true" if ok else "false", "errorCode": 0 if ok else COMMIT_FAILED, **fields}
    if error:
        body["error"] = error
    return body, status


@bp.post("/courses/<key>/lessons/<lesson_key>/scorm/commit")
def commit(key: str, lesson_key: str):
    """Record a commit of the learner's SCORM session; 401 signed out, 404 not theirs, 400 bad data, 410 expired."""
    if not current_user.is_authenticated:
        return _answer(401, error="signed out")
    course = live_course_or_404(key)
    lesson = next((item for item in courses.list_live_lessons(course) if item.key == lesson_key), None)
    if lesson is None or lesson.package is None:
        return _answer(404, error="no such SCORM lesson")
    if (request.content_length or 0) > MAX_COMMIT_BYTES:
        return _answer(413, error="commit too large")
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or not isinstance(body.get("runtime"), str) or not isinstance(body.get("cmi"), dict):
        return _answer(400, error="expected {runtime, seq, cmi}")
    seq = body.get("seq")
    if isinstance(seq, bool) or not isinstance(seq, int) or not 1 <= seq <= 1_000_000_000:
        return _answer(400, error="seq must be a whole number from 1")
    try:
        runtime = launch.read_runtime(current_app.config["SECRET_KEY"], body["runtime"],
                                      max_age=current_app.config["SESSION_HOURS"] * 3600)
    except launch.TokenExpired:
        return _answer(410, error="the session is too old; reload the page")
    if runtime is None:
        return _answer(400, error="not a runtime token")
    if not policy.can_record_learning_of(current_user, runtime.user_id) or runtime.lesson_id != lesson.id:
        return _answer(404, error="no such session")  # someone else's session: nothing to tell
    language = lesson.language_for(str(get_locale()), course.default_language)
    try:
        result = services.record_commit(current_user, course, lesson, runtime, seq=seq, data=body["cmi"],
                                        now=utcnow(), language=language)
    except services.CommitRefused as exc:
        db.session.rollback()
        return _answer(400, error=exc.reason)
    except NotEnrolled:
        db.session.rollback()
        return _answer(409, error="not enrolled")
    db.session.commit()
    return _answer(200, stale=result.stale, done=result.done, course_completed=result.course_completed)
