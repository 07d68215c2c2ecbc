"""Report rows as people and programs read them: the detail columns (their keys are the JSON API's field names),
the summary and overdue columns, and RowContext, which turns database rows into detail rows in one language.

The pages, the export files and the API all read rows through here, so that they agree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property
from zoneinfo import ZoneInfo

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext as _lp
from sqlalchemy import func, select

from lms.certificates.models import CertificateStatus
from lms.certificates.serials import display as grouped_serial
from lms.courses.ai_marks import source_type
from lms.courses.models import Course, Lesson
from lms.extensions import db
from lms.i18n import localized
from lms.learning.models import EnrollmentStatus
from lms.reports.filters import STATUS_NAMES
from lms.reports.tree import AgencyTree

#: (key, heading) of the detail columns, in order; the keys are also the JSON API's field names.
COLUMNS = [
    ("agency_code", _l("Agency code")),
    ("agency", _l("Agency")),
    ("learner", _l("Learner")),
    ("email", _l("Email")),
    ("position", _l("Position")),
    ("course_id", _l("Course ID")),
    ("course", _l("Course")),
    # The IPTC digital source type of the course's AI-content declaration ("" when none): its title is AI-made.
    ("course_ai_generated", _l("Course AI content (IPTC)")),
    ("enrolled_on", _l("Enrolled on")),
    ("status", _l("Status")),
    ("lessons_done", _l("Lessons done")),
    ("lessons_total", _l("Lessons in course")),
    ("completed_on", _l("Completed on")),
    ("completion_language", _l("Completion language")),
    ("certificate_serial", _l("Certificate")),
    ("certificate_status", _l("Certificate status")),
    ("certificate_expires_on", _l("Certificate valid until")),
]
CERTIFICATE_STATUS_NAMES = {CertificateStatus.VALID: _l("valid"), CertificateStatus.REVOKED: _l("revoked"),
                            CertificateStatus.EXPIRED: _l("expired")}
SUMMARY_COLUMNS = [
    ("agency_code", _l("Agency code")), ("agency", _l("Agency")), ("parent_code", _l("Parent agency code")),
    ("headcount", _l("Headcount")), ("enrolled", _l("Enrolled")),
    ("not_started", _lp("report status", "Not started")), ("in_progress", _lp("report status", "In progress")),
    ("completed", _lp("report status", "Completed")), ("certified", _lp("report status", "Certified")),
    ("certified_people", _l("People certified")), ("overdue", _l("Overdue")),
]
OVERDUE_COLUMNS = [("agency_code", _l("Agency code")), ("learner", _l("Learner")), ("email", _l("Email")),
                   ("course_id", _l("Course ID")), ("due_on", _l("Due date"))]
#: Columns holding days (YYYY-MM-DD text in CSV and JSON, date cells in XLSX).
DATE_KEYS = frozenset({"enrolled_on", "completed_on", "certificate_expires_on", "due_on",
                       "pretest_on", "final_quiz_on"})  # the last two: the learning gain's (lms.exports.gain_files)


@dataclass(frozen=True)
class RowContext:
    """What turning database rows into report rows needs, loaded once per export (agencies, courses)."""

    tree: AgencyTree
    courses: dict[int, tuple[str, str, str, int]]  # id -> (key, title, AI source type or "", live lessons)
    locale: str
    timezone: ZoneInfo
    now: datetime
    statuses: dict[str, str]
    certificate_statuses: dict[str, str]
    #: (code, name in `locale`) of each agency, by id.
    agencies: dict[int, tuple[str, str]] = field(default_factory=dict)
    #: Dates already converted, by hour (see day()).
    days: dict[int, str] = field(default_factory=dict)

    @classmethod
    def load(cls, *, locale: str, timezone: str, now: datetime, tree: AgencyTree | None = None) -> RowContext:
        """Read agencies and courses; translate the status names into `locale`."""
        lessons = dict(db.session.execute(select(Lesson.course_id, func.count()).where(Lesson.is_retired.is_(False))
                                          .group_by(Lesson.course_id)).all())
        courses = {course.id: (course.key, localized(course.title, locale), source_type(course.ai_content),
                               lessons.get(course.id, 0)) for course in db.session.scalars(select(Course))}
        with force_locale(locale):
            statuses = {key: str(name) for key, name in STATUS_NAMES.items()}
            certificate_statuses = {key: str(name) for key, name in CERTIFICATE_STATUS_NAMES.items()}
        tree = tree or AgencyTree.load()
        return cls(tree, courses, locale, ZoneInfo(timezone), now, statuses, certificate_statuses,
                   {node.id: (node.code, node.name_in(locale)) for node in tree.nodes.values()})

    @cached_property
    def now_text(self) -> str:
        """`now` as SQLite stores times (naive UTC text), to compare with raw times."""
        return self.now.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")

    def day(self, moment) -> str:
        """A date in the platform's time zone, as YYYY-MM-DD (empty when None), from an aware datetime or from
        SQLite's text (UTC). Cached by the hour: exports convert millions of timestamps that fall on a few thousand
        distinct hours."""
        if moment is None:
            return ""
        key = moment[:13] if isinstance(moment, str) else int(moment.timestamp()) // 3600
        found = self.days.get(key)
        if found is None:
            if isinstance(moment, str):
                moment = datetime.fromisoformat(moment[:19]).replace(tzinfo=UTC)
            found = self.days[key] = moment.astimezone(self.timezone).date().isoformat()
        return found

    def values(self, r) -> list:
        """One detail row (a row of queries.detail_query) as a list in COLUMNS order."""
        (_id, _user_id, name, email, position, agency_id, course_id, enrolled_at, lessons, completed_at, language,
         serial, expires_at, revoked_at) = r
        key, title, ai_generated, total = self.courses[course_id]
        if serial is None:
            certificate = ""
        elif revoked_at is not None:
            certificate = CertificateStatus.REVOKED
        elif expires_at is not None and expires_at <= (self.now_text if isinstance(expires_at, str) else self.now):
            certificate = CertificateStatus.EXPIRED
        else:
            certificate = CertificateStatus.VALID
        if certificate == CertificateStatus.VALID:
            status = EnrollmentStatus.CERTIFIED
        elif completed_at is not None:
            status = EnrollmentStatus.COMPLETED
        else:
            status = EnrollmentStatus.IN_PROGRESS if lessons else EnrollmentStatus.NOT_STARTED
        code, agency = self.agencies.get(agency_id, ("", ""))
        return [
            code, agency, name, email, position or "", key, title, ai_generated, self.day(enrolled_at),
            self.statuses[status],
            lessons, total, self.day(completed_at), language or "", grouped_serial(serial) if serial else "",
            self.certificate_statuses.get(certificate, ""), self.day(expires_at),
        ]

    def row(self, r) -> dict:
        """One detail row as a dict keyed by COLUMNS (the JSON API and the pages)."""
        return dict(zip(KEYS, self.values(r), strict=True))


KEYS = [key for key, _ in COLUMNS]
