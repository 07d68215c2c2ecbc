"""Report filters: what the HR officer asked for, checked against what they may see.

Every page, export, CLI run and API call goes through parse_filters(), so they all apply the same scope policy.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext as _lp
from sqlalchemy import select

from lms.accounts import policy
from lms.agencies.models import Agency
from lms.courses.models import Course
from lms.errors import DomainError
from lms.extensions import db
from lms.i18n import LANGUAGE_NAMES
from lms.learning.models import EnrollmentStatus

#: Where a learner stands in a course. "certified" is a completion whose certificate is valid now.
STATUSES = tuple(EnrollmentStatus)
STATUS_NAMES = {
    EnrollmentStatus.NOT_STARTED: _lp("report status", "Not started"),
    EnrollmentStatus.IN_PROGRESS: _lp("report status", "In progress"),
    EnrollmentStatus.COMPLETED: _lp("report status", "Completed"),
    EnrollmentStatus.CERTIFIED: _lp("report status", "Certified"),
}


class FilterError(DomainError):
    """A filter value is malformed (answered with 400 and `message`).

    A message that quotes the value is formatted at once (`_()`, plain text), never as a lazy string: Jinja would
    take a lazy string for safe HTML and print the value unescaped.
    """

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


class OutOfScope(DomainError):
    """The agency asked for does not exist or lies outside the user's scope (answered with 404)."""


@dataclass(frozen=True)
class ReportFilters:
    """A checked set of filters. agency None means the whole country (admins and the programme office only)."""

    agency: Agency | None = None
    include_sub: bool = True
    course: Course | None = None
    status: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    language: str | None = None
    #: The platform's time zone: date_from/date_to are whole days there.
    timezone: str = "UTC"

    @property
    def since(self) -> datetime | None:
        """The start of date_from, as a UTC datetime (None, no bound, when there is none or it is before UTC's
        datetime.min: nothing is earlier)."""
        if self.date_from is None:
            return None
        try:
            return datetime.combine(self.date_from, time(), ZoneInfo(self.timezone)).astimezone(UTC)
        except OverflowError:
            return None

    @property
    def until(self) -> datetime | None:
        """The start of the day after date_to, as a UTC datetime (the range is inclusive); None, no bound, when
        there is none or it is past datetime.max (9999-12-31: nothing is later)."""
        if self.date_to is None:
            return None
        try:
            return datetime.combine(self.date_to + timedelta(days=1), time(),
                                    ZoneInfo(self.timezone)).astimezone(UTC)
        except OverflowError:
            return None

    def to_params(self) -> dict[str, str]:
        """The filters as query parameters (for links, stored export jobs and the API's echo)."""
        params = {
            "agency": self.agency.code if self.agency else "",
            "include_sub": "1" if self.include_sub else "0",
            "course": self.course.key if self.course else "",
            "status": self.status or "",
            "from": self.date_from.isoformat() if self.date_from else "",
            "to": self.date_to.isoformat() if self.date_to else "",
            "language": self.language or "",
        }
        return {key: value for key, value in params.items() if value and not (key == "include_sub" and value == "1")}


def _flag(value: str | None) -> bool:
    if value in (None, "", "1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    raise FilterError(_l("“Include sub-agencies” must be 1 or 0."))


def _day(value: str | None, message) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise FilterError(message) from None


def parse_filters(args: Mapping[str, str], *, actor, timezone: str = "UTC", operator: bool = False) -> ReportFilters:
    """Check query parameters agency, include_sub, course, status, from, to, language.

    No agency means the user's whole scope: the country for admins and the programme office, their own agency
    with its sub-agencies for an HR officer. Raises FilterError for malformed values and OutOfScope for an agency
    that does not exist or that the user may not see (the caller answers 404: nothing is revealed).
    `operator=True` (the `lms report` command, run on the server) sees the whole country without an actor.
    """
    if not operator and not policy.can_view_reports(actor):
        raise PermissionError("no reports")
    code = (args.get("agency") or "").strip()
    include_sub = _flag(args.get("include_sub"))
    if code:
        agency = db.session.scalar(select(Agency).where(Agency.code == code))
        if agency is None or not (operator or policy.can_view_agency_report(actor, agency)):
            raise OutOfScope()
    elif not operator and policy.report_scope(actor) is not None:
        agency, include_sub = db.session.get(Agency, actor.agency_id), True
    else:
        agency = None
    course_key = (args.get("course") or "").strip()
    course = None
    if course_key:
        course = db.session.scalar(select(Course).where(Course.key == course_key))
        if course is None:
            raise FilterError(_("There is no course “%(key)s”.", key=course_key[:64]))
    status = (args.get("status") or "").strip() or None
    if status is not None and status not in STATUSES:
        raise FilterError(_("Unknown status “%(status)s”.", status=status[:40]))
    language = (args.get("language") or "").strip() or None
    if language is not None and language not in LANGUAGE_NAMES:
        raise FilterError(_("Unknown language “%(language)s”.", language=language[:10]))
    date_from = _day(args.get("from"), _l("Write the start of the period as a date: YYYY-MM-DD."))
    date_to = _day(args.get("to"), _l("Write the end of the period as a date: YYYY-MM-DD."))
    if date_from and date_to and date_from > date_to:
        raise FilterError(_l("The start of the period is after its end."))
    return ReportFilters(agency=agency, include_sub=include_sub, course=course, status=status,
                         date_from=date_from, date_to=date_to, language=language, timezone=timezone)
