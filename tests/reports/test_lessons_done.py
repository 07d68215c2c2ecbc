"""Lessons done count live lessons only: a retired lesson's progress is kept but not counted (no "3 of 2 lessons")
in the stored figure, the HR pages, the exports, the API and the dashboard snapshot; a restored lesson counts again."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from lms.accounts.models import Role
from lms.courses.loader import load_courses
from lms.courses.services import sync_courses
from lms.db import utcnow
from lms.extensions import db
from lms.learning import services as learning
from lms.learning.models import Enrollment, LessonProgress
from lms.reports import snapshots
from lms.reports.dashboard import build_dashboard
from lms.reports.filters import parse_filters
from tests.api.test_api import bearer
from tests.courses.builders import DEFAULT_LESSONS, write_course
from tests.exports.test_files import export_csv, export_xlsx
from tests.reports import builders as b

LEARNER = "asel@example.kz"


def relist(root, lessons, *, sync=learning.sync_content) -> None:
    """Rewrite course alpha with these lessons only (the others' files removed) and sync it; commit."""
    directory = write_course(root / "alpha", course_id="alpha", quiz=False, languages=("en", "ru", "kk"),
                             lessons=lessons, title={"en": "Alpha course", "ru": "Курс Альфа", "kk": "Альфа курсы"})
    for path in (directory / "lessons").glob("*.md"):
        if path.name.split(".")[0] not in lessons:
            path.unlink()
    result = load_courses(root)
    assert not result.errors, [str(p) for p in result.errors]
    sync(result.courses, root=root, now=utcnow())
    db.session.commit()


def _people(lessons: int = 3) -> None:
    """An HR officer and an admin over ROOT, and a learner in ROOT with the first `lessons` lessons of alpha done."""
    root = b.new_agency("ROOT")
    b.new_user("hr@example.kz", roles={Role.LEARNER, Role.HR}, agency=root)
    b.new_user("admin@example.kz", roles={Role.ADMIN})
    b.enrol(b.new_user(LEARNER, agency=root, full_name="Asel Learner"), "alpha", lessons=lessons)


def _done() -> int:
    db.session.expire_all()
    return db.session.scalar(select(Enrollment.lessons_completed))


def _progress_rows() -> int:
    return db.session.scalar(select(func.count()).select_from(LessonProgress))


def test_retiring_a_lesson_recounts_lessons_done_and_restoring_it_counts_it_again(ctx, courses, courses_root):
    _people(lessons=3)
    assert _done() == 3
    relist(courses_root, ("data-basics", "wrap-up"))
    assert _done() == 2
    assert _progress_rows() == 3  # the learner's record of the retired lesson is kept
    relist(courses_root, DEFAULT_LESSONS)
    assert _done() == 3


def test_completing_a_lesson_counts_live_lessons_only(ctx, courses, courses_root):
    _people(lessons=2)  # intro and data-basics
    relist(courses_root, ("data-basics", "wrap-up"), sync=sync_courses)  # intro retired, nothing recounted
    wrap_up = next(lesson for lesson in b.course("alpha").lessons if lesson.key == "wrap-up")
    learning.complete_lesson(b.person(LEARNER), wrap_up, now=utcnow(), language="en")
    db.session.commit()
    assert _done() == 2
    assert _progress_rows() == 3


def test_the_cli_sync_recounts_lessons_done(app, runner, courses, courses_root):
    with app.app_context():
        _people(lessons=3)
        write_course(courses_root / "alpha", course_id="alpha", quiz=False, languages=("en", "ru", "kk"),
                     lessons=("intro", "wrap-up"), title={"en": "Alpha course"})
        for path in (courses_root / "alpha" / "lessons").glob("data-basics.*"):
            path.unlink()
    result = runner.invoke(args=["courses", "sync"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert _done() == 2


def test_exports_api_and_hr_pages_show_live_lessons_done(app, courses, courses_root, tmp_path):
    with app.app_context():
        _people(lessons=3)
        relist(courses_root, ("data-basics", "wrap-up"))
        secret = b.api_token("admin@example.kz")
        _path, _count = export_csv(tmp_path)
        csv_rows = b.csv_rows(_path.read_bytes())
        workbook, _count = export_xlsx(tmp_path)
        sheet = workbook.worksheets[0]
        heading = [cell.value for cell in sheet[1]]
        xlsx_row = dict(zip(heading, [cell.value for cell in sheet[2]], strict=True))
        learner_id = b.person(LEARNER).id
    assert [(row["Lessons done"], row["Lessons in course"]) for row in csv_rows] == [("2", "2")]
    assert (xlsx_row["Lessons done"], xlsx_row["Lessons in course"]) == (2, 2)
    api = app.test_client().get("/api/v1/rows", headers=bearer(secret)).json["rows"]
    assert [(row["lessons_done"], row["lessons_total"]) for row in api] == [(2, 2)]
    hr = b.signed_in(app, "hr@example.kz")
    for path in ("/reports/learners", f"/reports/learners/{learner_id}"):
        html = hr.get(path).get_data(as_text=True)
        assert "Asel Learner" in html or "alpha" in html.lower()
        assert "2 / 2" in html and "3 / 2" not in html, path


def test_a_learner_whose_only_lesson_done_is_retired_is_not_started_until_it_is_restored(ctx, courses,
                                                                                          courses_root):
    _people(lessons=1)  # intro only
    filters = parse_filters({}, actor=b.person("admin@example.kz"))

    def standing() -> list[tuple[int, int]]:
        snapshots.refresh_snapshot(now=b.NOW)
        db.session.commit()
        snapshot = snapshots.get_fresh_snapshot(now=b.NOW, max_age=timedelta(minutes=10))
        boards = (build_dashboard(filters, now=b.NOW), build_dashboard(filters, now=b.NOW, snapshot=snapshot.figures))
        return [(board.total.not_started, board.total.in_progress) for board in boards]

    assert standing() == [(0, 1), (0, 1)]
    relist(courses_root, ("data-basics", "wrap-up"))
    assert standing() == [(1, 0), (1, 0)]  # counted now and in the snapshot alike
    relist(courses_root, DEFAULT_LESSONS)
    assert standing() == [(0, 1), (0, 1)]


def test_the_development_autosync_recounts_lessons_done(app, make_app, courses, courses_root):
    with app.app_context():
        _people(lessons=3)
    write_course(courses_root / "alpha", course_id="alpha", quiz=False, languages=("en", "ru", "kk"),
                 lessons=("intro", "data-basics"), title={"en": "Alpha course"})
    for path in (courses_root / "alpha" / "lessons").glob("wrap-up.*"):
        path.unlink()
    debug_app = make_app(DEBUG=True, COURSES_DIR=str(courses_root))
    assert debug_app.debug
    debug_app.test_client().get("/")  # the first request re-syncs the changed files
    with app.app_context():
        assert _done() == 2
