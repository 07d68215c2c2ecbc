"""Catalogue, course page, lesson page and course media files."""

from __future__ import annotations

import posixpath

from flask import abort, current_app, make_response, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from lms.approvals.queries import get_latest_request_of
from lms.assignments.learner import get_course_state
from lms.courses import ai_marks, bp, services
from lms.courses.content import COMPETENCY_AREAS, LANGUAGES, LEVELS, CompetencyArea, Level
from lms.courses.lessontypes import template_of
from lms.courses.loader import MEDIA_SUFFIXES
from lms.courses.lookups import live_course_or_404
from lms.courses.markdown import CALLOUTS, lesson_images, render_lesson
from lms.db import utcnow
from lms.extensions import db
from lms.i18n import LANGUAGE_NAMES, LANGUAGE_NAMES_TRANSLATED
from lms.pretests import services as pretests
from lms.quizzes import services as quizzes
from lms.scorm import services as scorm
from lms.site.headers import csp_with_frames

AREA_NAMES = {
    CompetencyArea.FOUNDATIONS: _l("AI foundations"),
    CompetencyArea.GENERATIVE_AI: _l("Generative AI"),
    CompetencyArea.ETHICS_LAW: _l("Ethics, law and risk"),
    CompetencyArea.DATA: _l("Data"),
    CompetencyArea.MANAGEMENT: _l("Management and strategy"),
}
LEVEL_NAMES = {Level.BEGINNER: _l("Beginner"), Level.INTERMEDIATE: _l("Intermediate"), Level.ADVANCED: _l("Advanced")}
CALLOUT_TITLES = {"note": _l("Note"), "tip": _l("Tip"), "warning": _l("Warning"), "important": _l("Important")}
MEDIA_MAX_AGE = 24 * 3600


def ai_label(ai_content: dict | None) -> str:
    """The visible label for AI-generated or AI-assisted content, in the current language ("" when none)."""
    if not ai_content:
        return ""
    parts = [_("AI-generated content") if ai_content["kind"] == "generated" else _("AI-assisted content")]
    if ai_content.get("tool"):
        parts.append(_("Tool: %(tool)s", tool=ai_content["tool"]))
    if ai_content.get("reviewer"):
        parts.append(_("Reviewed by: %(reviewer)s", reviewer=ai_content["reviewer"]))
    else:
        parts.append(_("Not yet reviewed by a person"))
    return " · ".join(parts)


@bp.app_context_processor
def _course_helpers():
    return {"ai_label": ai_label, "ai_block_marks": ai_marks.block_marks, "ai_page_marks": ai_marks.page_marks,
            "area_names": AREA_NAMES, "level_names": LEVEL_NAMES, "content_language_names": LANGUAGE_NAMES_TRANSLATED}


@bp.get("/")
@login_required
def catalogue():
    area = request.args.get("area") if request.args.get("area") in COMPETENCY_AREAS else None
    level = request.args.get("level") if request.args.get("level") in LEVELS else None
    language = request.args.get("language") if request.args.get("language") in LANGUAGES else None
    search = request.args.get("q", "").strip()[:100] or None
    courses = list(db.session.scalars(services.catalogue_query(area=area, level=level, language=language,
                                                                search=search)))
    return render_template("courses/catalogue.html", courses=courses, area=area, level=level, language=language,
                           search=search or "", areas=COMPETENCY_AREAS, levels=LEVELS, languages=LANGUAGES,
                           language_names=LANGUAGE_NAMES)


@bp.get("/<key>")
@login_required
def course(key: str):
    course = live_course_or_404(key)
    lessons = services.list_live_lessons(course)
    quiz = services.get_current_quiz(course)
    now = utcnow()
    state = get_course_state(current_user, course, now=now)
    progress = state.progress(lessons) if state.enrollment else None
    attempts = quizzes.list_attempts(current_user, course) if quiz is not None else []
    # A course that needs approval shows the learner's request (one statement, only while they are not enrolled).
    enrollment_request = get_latest_request_of(current_user, course) \
        if course.enrollment_approval and state.enrollment is None and state.assignment is None else None
    return render_template("courses/course.html", course=course, lessons=lessons, quiz=quiz,
                           enrollment=state.enrollment, progress=progress, assignment=state.assignment,
                           attempts=attempts, locale=str(get_locale()), now=now,
                           enrollment_request=enrollment_request,
                           passed_attempt=quizzes.first_passed(attempts, since=state.since),
                           pretest_offer=pretests.get_offer(current_user, course, quiz, state.enrollment,
                                                            has_attempts=any(not a.is_preview for a in attempts)))


@bp.get("/<key>/lessons/<lesson_key>")
@login_required
def lesson(key: str, lesson_key: str):
    course = live_course_or_404(key)
    lessons = services.list_live_lessons(course)
    index = next((i for i, item in enumerate(lessons) if item.key == lesson_key), None)
    if index is None:
        abort(404)
    current = lessons[index]
    locale = str(get_locale())
    language, variant = services.get_lesson_variant(current, locale, course.default_language)
    html, labelled_images = "", []
    if current.package is None:
        media_labels = tuple(sorted((path, ai_label(ai)) for path, ai in course.media.items()))
        html = render_lesson(
            variant["body"],
            lesson_url=url_for("courses.lesson", key=key, lesson_key="LESSON").replace("LESSON", "{id}"),
            media_url=url_for("courses.media", key=key, filename=""),
            media_labels=media_labels,
            media_marks=tuple(sorted((path, ai_marks.block_attributes(ai)) for path, ai in course.media.items())),
            callout_titles=tuple((kind, str(CALLOUT_TITLES[kind])) for kind in CALLOUTS),
        )
        labelled_images = [course.media[path] for path in lesson_images(variant["body"]) if path in course.media]
    state = get_course_state(current_user, course)
    # The first lesson leads to a pre-test not taken nor skipped yet (the learner may go on without it).
    pretest_offer = pretests.get_offer(current_user, course, services.get_current_quiz(course), state.enrollment) \
        if index == 0 and state.enrollment is not None else None
    session = None
    if current.package is not None and state.enrollment is not None and current_app.config["SCORM_CONTENT_ORIGIN"]:
        session = scorm.start_session(current_user, current, now=utcnow(), locale=locale, title=variant["title"],
                                      settings=_launch_settings())
    response = make_response(render_template(
        "courses/lesson.html", course=course, lesson=current, title=variant["title"], html=html,
        language=language, fallback=language != locale, locale=locale, language_names=LANGUAGE_NAMES,
        ai_content=variant.get("ai_content") or course.ai_content, labelled_images=labelled_images,
        position=index + 1, total=len(lessons),
        previous=lessons[index - 1] if index > 0 else None,
        next=lessons[index + 1] if index + 1 < len(lessons) else None,
        enrollment=state.enrollment, assignment=state.assignment, is_done=state.is_done(current),
        pretest_offer=pretest_offer if pretest_offer is not None and pretest_offer.is_pending else None,
        lesson_template=template_of(current.kind), scorm=session,
        # Built here, not in the template: it goes into JSON, where an escaped title would show its entities.
        scorm_frame_title=_("Activity: %(title)s", title=variant["title"]) if session is not None else "",
        scorm_unavailable=current.package is not None and not current_app.config["SCORM_CONTENT_ORIGIN"],
    ))
    if session is not None:  # the page frames the package's content origin, and nothing else
        response.headers["Content-Security-Policy"] = csp_with_frames(session.content_origin)
    return response


def _launch_settings() -> scorm.LaunchSettings:
    config = current_app.config
    return scorm.LaunchSettings(secret=config["SECRET_KEY"], content_origin=config["SCORM_CONTENT_ORIGIN"])


@bp.get("/<key>/files/<path:filename>")
@login_required
def media(key: str, filename: str):
    """A media file of a live course as the last sync recorded it (never the working tree), with cache headers.

    Only files under media/ that the manifest lists or a lesson uses are recorded; anything else answers 404.
    """
    filename = posixpath.normpath(filename)  # "media/../lessons/x.svg" is not under media/
    if not filename.startswith("media/") or "." + filename.rsplit(".", 1)[-1].lower() not in MEDIA_SUFFIXES:
        abort(404)
    recorded = services.get_live_file(key, filename)
    if recorded is None:
        abort(404)
    response = current_app.response_class(mimetype=recorded.content_type)
    response.set_etag(recorded.sha256)
    response.cache_control.max_age = MEDIA_MAX_AGE
    response.cache_control.private = True  # behind sign-in: browsers may cache, shared caches may not
    # A media file opened on its own (an SVG, say) may not run anything.
    response.headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'; sandbox"
    if request.if_none_match.contains_weak(recorded.sha256):
        response.status_code = 304  # the browser's copy is current: the bytes are not even read
        return response
    data = services.get_file_bytes(recorded.sha256)
    if data is None:
        abort(404)
    response.set_data(data)
    return response.make_conditional(request, accept_ranges=True, complete_length=len(data))
