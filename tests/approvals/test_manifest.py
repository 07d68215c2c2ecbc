"""`enrollment_approval` in course.yml: off by default, refused without self-enrolment (path:line), synced."""

from __future__ import annotations

from sqlalchemy import select

from lms import PROJECT_ROOT
from lms.accounts.models import User
from lms.approvals.models import EnrollmentRequest, RequestStatus
from lms.courses.loader import load_courses
from lms.courses.models import Course
from lms.demo.accounts import DEMO_APPROVAL_COURSE
from lms.extensions import db
from tests.courses.builders import line_of, write_course
from tests.courses.test_check import assert_error
from tests.learning.conftest import sync


def test_a_course_asks_for_no_approval_unless_its_manifest_says_so(tmp_path):
    write_course(tmp_path / "plain", course_id="plain")
    write_course(tmp_path / "approved", course_id="approved", enrollment_approval=True)
    result = load_courses(tmp_path)
    assert result.problems == []
    assert {course.id: course.enrollment_approval for course in result.courses} == {"plain": False,
                                                                                   "approved": True}


def test_check_refuses_approval_for_a_course_open_by_assignment_only(runner, tmp_path):
    course = write_course(tmp_path / "closed", course_id="closed", self_enrollment=False, enrollment_approval=True)
    manifest = course / "course.yml"
    assert_error(runner, tmp_path, manifest, line_of(manifest, "enrollment_approval:"),
                 "enrollment_approval: needs self_enrollment: true")


def test_sync_stores_the_flag_and_a_later_edit_changes_it(app, ctx, courses_root):
    write_course(courses_root / "c", course_id="c", enrollment_approval=True)
    sync(courses_root)
    assert db.session.scalar(select(Course.enrollment_approval).where(Course.key == "c")) is True
    write_course(courses_root / "c", course_id="c")
    sync(courses_root)
    db.session.expire_all()
    assert db.session.scalar(select(Course.enrollment_approval).where(Course.key == "c")) is False


def test_the_demo_course_needs_approval_and_the_demo_has_pending_requests(app, runner):
    procurement = load_courses(PROJECT_ROOT / "courses" / DEMO_APPROVAL_COURSE)
    assert procurement.errors == [] and procurement.courses[0].enrollment_approval is True
    with app.app_context():
        sync(PROJECT_ROOT / "courses")
    assert runner.invoke(args=["demo-data"]).exit_code == 0
    with app.app_context():
        rows = db.session.execute(select(EnrollmentRequest.status, EnrollmentRequest.approver_id, Course.key)
                                  .join(Course, Course.id == EnrollmentRequest.course_id)).all()
        manager_id = db.session.scalar(select(User.id).where(User.email == "manager@demo.lms.kz"))
    assert sorted(rows, key=lambda row: row[1] is None) == [
        (RequestStatus.PENDING, manager_id, DEMO_APPROVAL_COURSE), (RequestStatus.PENDING, None, DEMO_APPROVAL_COURSE)]
