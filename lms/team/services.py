"""My team, as a line manager reads it: each person with their courses (due date, status, progress, certificate),
the summary of the team, one person's record with their quiz results, and the rows of a team export.

Request-free and read-only; the views and the export job check the policy (lms.accounts.policy) before calling.
Each page is a fixed number of statements whatever the size of the team (tests/test_query_counts.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from lms.accounts.models import User
from lms.approvals import queries as approval_queries
from lms.certificates.models import CertificateStatus
from lms.courses.models import Course, Lesson
from lms.extensions import db
from lms.learning.models import EnrollmentStatus
from lms.quizzes.models import AttemptStatus, QuizAttempt
from lms.reports.tree import AgencyTree, Node
from lms.team import queries
from lms.team.filters import TeamFilters
from lms.timeutil import add_months, aware

#: People per page of "My team".
PAGE_SIZE = 25
#: A certificate that is valid but expires within queries.EXPIRING_DAYS days.
EXPIRING = "expiring"
EXPIRING_NAME = _l("expiring soon")
#: People whose rows an export reads at a time.
EXPORT_BATCH = 500


@dataclass(frozen=True)
class Catalogue:
    """The courses (by id, for titles and the course filter) and their live lesson counts, read once per page."""

    courses: dict[int, Course]
    lessons: dict[int, int]

    @classmethod
    def load(cls) -> Catalogue:
        """Two statements: the courses, and the live lessons per course."""
        courses = {course.id: course for course in db.session.scalars(select(Course).order_by(Course.key))}
        lessons = dict(db.session.execute(select(Lesson.course_id, func.count()).where(Lesson.is_retired.is_(False))
                                          .group_by(Lesson.course_id)).all())
        return cls(courses, lessons)

    def choices(self) -> list[Course]:
        """The courses to filter by: live ones first, then retired ones, each by key."""
        return sorted(self.courses.values(), key=lambda course: (course.is_retired, course.key))


@dataclass(frozen=True)
class TeamRow:
    """One person's standing in one course they are enrolled in or assigned."""

    course: Course
    enrolled_at: datetime | None
    #: The due date when the course is assigned (recurring training: when the current completion lapses, if later).
    due_at: datetime | None
    is_overdue: bool
    #: An EnrollmentStatus value: not_started, in_progress or completed (the latest completion).
    status: str
    lessons_done: int
    lessons_total: int
    completed_at: datetime | None
    certificate_serial: str | None
    #: A CertificateStatus value or EXPIRING; None without a certificate.
    certificate_state: str | None
    certificate_expires_at: datetime | None

    @property
    def percent(self) -> int:
        """Progress in percent: a completed course is 100, else lessons done over its live lessons."""
        if self.completed_at is not None:
            return 100
        if not self.lessons_total:
            return 0
        return min(100, round(100 * self.lessons_done / self.lessons_total))


@dataclass(frozen=True)
class TeamMember:
    """A person in the team, with their rows."""

    id: int
    full_name: str
    email: str
    position: str
    agency: Node | None
    manager_name: str | None
    rows: list[TeamRow] = field(default_factory=list)
    #: Courses they asked to enrol in whose request waits for a decision (lms.approvals).
    pending_requests: list[Course] = field(default_factory=list)

    @property
    def overdue(self) -> int:
        """How many of their courses are overdue."""
        return sum(1 for row in self.rows if row.is_overdue)


@dataclass(frozen=True)
class TeamPage:
    """Everything the "My team" page shows."""

    filters: TeamFilters
    people: int
    overdue: int
    expiring: int
    members: list[TeamMember]
    page: int
    has_next: bool
    courses: list[Course]


def certificate_state(serial: str | None, expires_at: datetime | None, revoked_at: datetime | None, *,
                      now: datetime) -> str | None:
    """valid, expiring (within queries.EXPIRING_DAYS days), expired or revoked; None without a certificate."""
    if serial is None:
        return None
    if revoked_at is not None:
        return CertificateStatus.REVOKED.value
    if expires_at is None:
        return CertificateStatus.VALID.value
    if expires_at <= now:
        return CertificateStatus.EXPIRED.value
    return EXPIRING if expires_at <= now + timedelta(days=queries.EXPIRING_DAYS) else CertificateStatus.VALID.value


def _rows(enrolment_rows, due_rows, catalogue: Catalogue, *, now: datetime) -> dict[int, list[TeamRow]]:
    """Merge enrolments and assigned courses into rows per person: due dates first (earliest), then by title."""
    due = {(r.user_id, r.course_id): r for r in due_rows}
    by_person: dict[int, list[TeamRow]] = {}
    seen = set()
    for r in enrolment_rows:
        seen.add((r.user_id, r.course_id))
        assigned = due.get((r.user_id, r.course_id))
        by_person.setdefault(r.user_id, []).append(_row(
            catalogue, r.course_id, assigned, now=now, enrolled_at=aware(r.enrolled_at), lessons=r.lessons_completed,
            completed_at=aware(r.completed_at), serial=r.serial, expires_at=aware(r.expires_at),
            revoked_at=aware(r.revoked_at)))
    for key, assigned in due.items():
        if key not in seen:  # assigned, not enrolled yet (the next `lms reminders send` enrols them)
            by_person.setdefault(key[0], []).append(_row(catalogue, key[1], assigned, now=now))
    for rows in by_person.values():
        rows.sort(key=lambda row: (row.due_at is None, row.due_at or now, row.course.key))
    return by_person


def _row(catalogue: Catalogue, course_id: int, assigned, *, now: datetime, enrolled_at=None, lessons: int = 0,
         completed_at=None, serial=None, expires_at=None, revoked_at=None) -> TeamRow:
    due_at = aware(assigned.due_at) if assigned is not None else None
    if due_at is not None and assigned.months and completed_at is not None:
        due_at = max(due_at, add_months(completed_at, assigned.months))  # due again when the completion lapses
    if completed_at is not None:
        status = EnrollmentStatus.COMPLETED.value
    else:
        status = EnrollmentStatus.IN_PROGRESS.value if lessons else EnrollmentStatus.NOT_STARTED.value
    return TeamRow(course=catalogue.courses[course_id], enrolled_at=enrolled_at, due_at=due_at,
                   is_overdue=bool(assigned is not None and assigned.overdue), status=status, lessons_done=lessons,
                   lessons_total=catalogue.lessons.get(course_id, 0), completed_at=completed_at,
                   certificate_serial=serial,
                   certificate_state=certificate_state(serial, expires_at, revoked_at, now=now),
                   certificate_expires_at=expires_at)


def _members(people_rows, rows: dict[int, list[TeamRow]], tree: AgencyTree,
             pending: dict[int, list[Course]] | None = None) -> list[TeamMember]:
    pending = pending or {}
    return [TeamMember(r.id, r.full_name, r.email, r.position or "", tree.nodes.get(r.agency_id), r.manager_name,
                       rows.get(r.id, []), pending.get(r.id, [])) for r in people_rows]


def _pending(user_ids: list[int], *, now: datetime) -> dict[int, list[Course]]:
    """The courses each of `user_ids` waits to be approved for; one statement (none without people)."""
    pending: dict[int, list[Course]] = {}
    for user_id, course in approval_queries.list_open_of_people(user_ids, now=now):
        pending.setdefault(user_id, []).append(course)
    return pending


@dataclass
class _Query:
    """The statements of one team view, built once (the team's CTE must be one object within a statement)."""

    filters: TeamFilters
    now: datetime
    tree: AgencyTree = field(default_factory=AgencyTree.load)

    def __post_init__(self):
        course_id = self.filters.course.id if self.filters.course else None
        self.course_id = course_id
        team = queries.members(self.filters)
        self.due = queries.due_query(queries.live_assignments(course_id), self.tree, team, now=self.now)
        self.people = queries.people_query(self.filters, team, self.due)


def get_team_page(filters: TeamFilters, *, now: datetime, page: int = 1, page_size: int = PAGE_SIZE) -> TeamPage:
    """One page of the team (people by name, PAGE_SIZE at a time) with its summary; a fixed number of statements."""
    catalogue = Catalogue.load()
    query = _Query(filters, now)
    people, overdue, expiring = queries.summary(query.people, query.due, course_id=query.course_id, now=now)
    found = queries.people_page(query.people, limit=page_size + 1, offset=(page - 1) * page_size)
    shown = found[:page_size]
    ids = [r.id for r in shown]
    rows = _rows(queries.enrolments(ids, course_id=query.course_id), queries.due_rows(query.due, ids), catalogue,
                 now=now)
    return TeamPage(filters=filters, people=people, overdue=overdue, expiring=expiring,
                    members=_members(shown, rows, query.tree, _pending(ids, now=now)), page=page,
                    has_next=len(found) > page_size, courses=catalogue.choices())


@dataclass(frozen=True)
class QuizResult:
    """A finished attempt at a course's final quiz."""

    course: Course
    number: int
    submitted_at: datetime | None
    score_percent: float | None
    passed: bool
    #: True when the time ran out before an answer arrived.
    expired: bool


@dataclass(frozen=True)
class MemberRecord:
    """One person's training record as their manager sees it."""

    person: TeamMember
    attempts: list[QuizResult]
    #: Their enrolment requests, newest first, whatever their status (lms.approvals.queries.RequestRow).
    requests: list[approval_queries.RequestRow] = field(default_factory=list)

    @property
    def overdue_rows(self) -> list[TeamRow]:
        """Their overdue courses, earliest due date first."""
        return [row for row in self.person.rows if row.is_overdue]


def get_member_record(target: User, *, manager_id: int, now: datetime) -> MemberRecord:
    """`target`'s courses (as on My team, every course), quiz results and enrolment requests, for their manager
    `manager_id` (whose right to see them the caller has checked); a fixed number of statements."""
    catalogue = Catalogue.load()
    query = _Query(TeamFilters(manager_id=manager_id, chain=True), now)
    found = queries.people_page(query.people.where(User.id == target.id), limit=1)
    rows = _rows(queries.enrolments([target.id], course_id=None), queries.due_rows(query.due, [target.id]), catalogue,
                 now=now)
    person = _members(found, rows, query.tree)
    attempts = db.session.execute(
        select(QuizAttempt.course_id, QuizAttempt.number, QuizAttempt.submitted_at, QuizAttempt.score_percent,
               QuizAttempt.passed, QuizAttempt.status)
        .where(QuizAttempt.user_id == target.id, QuizAttempt.is_preview.is_(False),
               QuizAttempt.status != AttemptStatus.OPEN)
        .order_by(QuizAttempt.submitted_at.desc(), QuizAttempt.id.desc())).all()
    return MemberRecord(
        person=person[0] if person else TeamMember(target.id, target.full_name, target.email, target.position or "",
                                                   query.tree.nodes.get(target.agency_id), None),
        attempts=[QuizResult(catalogue.courses[a.course_id], a.number, aware(a.submitted_at), a.score_percent,
                             bool(a.passed), a.status == AttemptStatus.EXPIRED) for a in attempts],
        requests=approval_queries.list_requests_of(target))


@dataclass
class TeamExport:
    """What a team export writes: the people in it (their ids are kept with the job, for the download's check), how
    many rows, and the rows themselves."""

    people: list[int]
    total: int
    _people_rows: list
    _query: _Query
    _catalogue: Catalogue

    def members(self) -> Iterator[TeamMember]:
        """The people by name with their rows, whose courses are read EXPORT_BATCH people at a time."""
        for start in range(0, len(self._people_rows), EXPORT_BATCH):
            batch = self._people_rows[start:start + EXPORT_BATCH]
            ids = [r.id for r in batch]
            rows = _rows(queries.enrolments(ids, course_id=self._query.course_id),
                         queries.due_rows(self._query.due, ids), self._catalogue, now=self._query.now)
            yield from _members(batch, rows, self._query.tree)


def prepare_export(filters: TeamFilters, *, now: datetime) -> TeamExport:
    """The team export of `filters` at `now` (the caller has checked the policy): who is in it and how many rows."""
    query = _Query(filters, now)
    people_rows = queries.people_page(query.people, limit=None)
    total = queries.count_rows(query.people, query.due, course_id=query.course_id)
    return TeamExport(people=[r.id for r in people_rows], total=total, _people_rows=people_rows, _query=query,
                      _catalogue=Catalogue.load())
