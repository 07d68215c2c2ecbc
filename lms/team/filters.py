"""The team filters: whose training a manager asked to see (direct reports or the whole line below them), narrowed
by status, course and name. The page, its export form and the export job all read them through parse_team_filters().
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext as _lp
from sqlalchemy import select

from lms.courses.models import Course
from lms.extensions import db
from lms.learning.models import EnrollmentStatus
from lms.reports.filters import FilterError

#: Whose training: the people who report directly to the manager, or everyone down the line.
SCOPES = ("direct", "all")
SCOPE_NAMES = {"direct": _l("My direct reports"), "all": _l("Everyone below me")}
OVERDUE = "overdue"
#: A person matches a status when at least one of their courses (within the course filter) is in it.
STATUSES = (OVERDUE, EnrollmentStatus.IN_PROGRESS.value, EnrollmentStatus.COMPLETED.value,
            EnrollmentStatus.NOT_STARTED.value)
STATUS_NAMES = {
    OVERDUE: _l("Overdue"),
    EnrollmentStatus.IN_PROGRESS.value: _lp("report status", "In progress"),
    EnrollmentStatus.COMPLETED.value: _lp("report status", "Completed"),
    EnrollmentStatus.NOT_STARTED.value: _lp("report status", "Not started"),
}
#: The longest name search kept (longer text is cut, as no name is longer).
MAX_SEARCH = 100


@dataclass(frozen=True)
class TeamFilters:
    """A checked set of team filters for the manager `manager_id`."""

    manager_id: int
    chain: bool = False
    status: str | None = None
    course: Course | None = None
    search: str = ""

    @property
    def scope(self) -> str:
        """"all" (the whole line below) or "direct"."""
        return "all" if self.chain else "direct"

    def to_params(self) -> dict[str, str]:
        """The filters as query parameters (links, the export form, stored export jobs), defaults left out."""
        params = {"scope": "all" if self.chain else "", "status": self.status or "",
                  "course": self.course.key if self.course else "", "q": self.search}
        return {key: value for key, value in params.items() if value}


def parse_team_filters(args: Mapping[str, str], *, manager_id: int) -> TeamFilters:
    """Check the query parameters scope, status, course and q for the team of `manager_id` (whose right to a team
    the caller has checked). Raises FilterError for a malformed value (answered with 400)."""
    scope = (args.get("scope") or "").strip() or "direct"
    if scope not in SCOPES:
        raise FilterError(_l("Show either your direct reports or everyone below you."))
    status = (args.get("status") or "").strip() or None
    if status is not None and status not in STATUSES:
        raise FilterError(_("Unknown status “%(status)s”.", status=status[:40]))
    course = None
    course_key = (args.get("course") or "").strip()
    if course_key:
        course = db.session.scalar(select(Course).where(Course.key == course_key))
        if course is None:
            raise FilterError(_("There is no course “%(key)s”.", key=course_key[:64]))
    search = " ".join((args.get("q") or "").split())[:MAX_SEARCH]
    return TeamFilters(manager_id=manager_id, chain=scope == "all", status=status, course=course, search=search)
