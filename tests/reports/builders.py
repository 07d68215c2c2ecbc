"""Learning data for the report tests, built through the real services (so the standing columns that
Enrollment carries for reports are maintained the way production maintains them). Call inside an app context.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, select

from lms.accounts.models import Role, User
from lms.accounts.services import start_session
from lms.agencies.models import Agency
from lms.api import tokens
from lms.assignments.services import NewAssignment, create_assignment
from lms.certificates.models import Certificate
from lms.certificates.services import issue_certificate, revoke
from lms.courses.models import Course
from lms.db import utcnow
from lms.extensions import db
from lms.learning import services
from tests import factories

#: A Monday, 11:00 in Asia/Almaty (the platform's time zone): the learning in the fixtures happens around it.
BASE = datetime(2025, 1, 6, 6, 0, tzinfo=UTC)
#: When the fixtures' reports are read (after every due date in them).
NOW = BASE + timedelta(days=30)

#: The English status names of the detail rows.
STATUS_LABELS = {"not_started": "Not started", "in_progress": "In progress", "completed": "Completed",
                 "certified": "Certified"}


def _end(commit: bool) -> None:
    """Commit (the default), or only flush when the caller builds several things in one transaction."""
    if commit:
        db.session.commit()
    else:
        db.session.flush()


def new_agency(code: str, parent: Agency | None = None, **names) -> Agency:
    """An agency, flushed but not committed (see factories.agency for the committed kind)."""
    obj = Agency(code=code, parent=parent, name_en=names.pop("name_en", f"Agency {code}"),
                 name_ru=names.pop("name_ru", f"Агентство {code}"), name_kk=names.pop("name_kk", f"Агенттік {code}"),
                 **names)
    db.session.add(obj)
    db.session.flush()
    return obj


def new_user(email: str, *, roles: set[Role] | None = None, agency: Agency | None = None, **fields) -> User:
    """A user whose password is factories.PASSWORD, flushed but not committed (see factories.user)."""
    obj = User(email=email, full_name=fields.pop("full_name", email.split("@")[0]), agency=agency,
               password_hash=factories.password_hash(), **fields)
    obj.set_roles(roles or {Role.LEARNER})
    db.session.add(obj)
    db.session.flush()
    return obj


def course(key: str) -> Course:
    return db.session.scalar(select(Course).where(Course.key == key))


def person(email: str) -> User:
    return db.session.scalar(select(User).where(User.email == email))


def agency(code: str) -> Agency:
    return db.session.scalar(select(Agency).where(Agency.code == code))


def enrol(user: User, key: str, *, at: datetime = BASE, lessons: int = 0, language: str = "en",
          commit: bool = True) -> None:
    """Enrol `user` and complete the first `lessons` lessons (a day apart after `at`); commit."""
    subject = course(key)
    services.enroll(user, subject, now=at)
    for index, lesson in enumerate(subject.lessons[:lessons], start=1):
        services.complete_lesson(user, lesson, now=at + timedelta(days=index), language=language)
    _end(commit)


def complete(user: User, key: str, *, at: datetime = BASE, done_at: datetime | None = None,
             language: str = "en", commit: bool = True) -> Certificate | None:
    """Enrol at `at`, do every lesson and complete the course at `done_at` (certificate issued when the course
    gives one, as the lesson page does); commit and return the certificate."""
    subject = course(key)
    done_at = done_at or at + timedelta(days=1)
    services.enroll(user, subject, now=at)
    for lesson in subject.lessons:
        services.complete_lesson(user, lesson, now=done_at, language=language)
    completion = services.complete_course_if_done(user, subject, now=done_at, language=language, quiz_passed=False)
    assert completion is not None
    certificate = issue_certificate(completion, user=user, course=subject, now=done_at)
    _end(commit)
    return certificate


def revoke_certificate(certificate: Certificate, *, by: User, at: datetime = BASE + timedelta(days=3),
                       commit: bool = True) -> None:
    revoke(certificate, actor=by, reason="Issued in error", now=at)
    _end(commit)


def deactivate(user: User, *, commit: bool = True) -> None:
    user.is_active = False
    _end(commit)


def assign(key: str, *, by: User, due: datetime, created: datetime = BASE, target: Agency | None = None,
           sub: bool = False, users: tuple[User, ...] = (), position: str | None = None,
           recurrence_months: int | None = None, commit: bool = True):
    """Create an assignment through the service (it refuses past due dates, so `created` is before `due`)."""
    kind = "users" if users else ("position" if position else "agency")
    assignment = create_assignment(NewAssignment(course=course(key), due_at=due, target_kind=kind, agency=target,
                                                 include_subagencies=sub, position=position, users=users,
                                                 recurrence_months=recurrence_months), actor=by, now=created)
    _end(commit)
    return assignment


def api_token(email: str, name: str = "BI") -> str:
    """A new API token for the user (created through the service, as the page does); returns the secret."""
    _row, secret = tokens.create_token(person(email), name, now=BASE)
    db.session.commit()
    return secret


def signed_in(app, email: str):
    """A new test client signed in as `email`, so that several people can act in one test.

    The session is started through the accounts service (a LoginSession row, as the login page makes) and put into
    the client's cookie; this skips the argon2 password check, which costs most of a second per sign-in.
    """
    with app.app_context():
        user = person(email)
        token = start_session(user, now=utcnow(), lifetime=timedelta(hours=1))
        user_id = str(user.id)
        db.session.commit()
    client = app.test_client()
    with client.session_transaction() as session:
        session["lms_sid"] = token
        session["_user_id"] = user_id
        session["_fresh"] = True
    return client


def csv_rows(data: bytes) -> list[dict[str, str]]:
    """The data rows of an exported CSV, keyed by the (English) headings."""
    assert data.startswith(b"\xef\xbb\xbf"), "the CSV must start with a UTF-8 byte order mark"
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def status_counts(statuses) -> dict[str, int]:
    """Summary-style counts from detail-row status labels: "completed" includes the certified rows (a certified
    enrolment is a completed one whose certificate is valid), as Counts.completed does."""
    seen = Counter(statuses)
    return {"enrolled": sum(seen.values()), "not_started": seen[STATUS_LABELS["not_started"]],
            "in_progress": seen[STATUS_LABELS["in_progress"]],
            "completed": seen[STATUS_LABELS["completed"]] + seen[STATUS_LABELS["certified"]],
            "certified": seen[STATUS_LABELS["certified"]]}


def finish(user: User, key: str, *, at: datetime, language: str = "en") -> Certificate | None:
    """Complete the remaining lessons of an enrolled learner and the course at `at` (with its certificate); commit."""
    subject = course(key)
    for lesson in subject.lessons:
        services.complete_lesson(user, lesson, now=at, language=language)
    completion = services.complete_course_if_done(user, subject, now=at, language=language, quiz_passed=False)
    assert completion is not None
    certificate = issue_certificate(completion, user=user, course=subject, now=at)
    db.session.commit()
    return certificate


def wipe() -> None:
    """Empty every table (as the suite does after each test), to build a second dataset within one test."""
    db.session.rollback()
    for table in reversed(db.metadata.sorted_tables):
        db.session.execute(delete(table))
    db.session.commit()
