"""Agency targets: set and cleared by the agency's HR officers (or admins), audited."""

from __future__ import annotations

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from lms.accounts.models import User
from lms.agencies.models import Agency
from lms.audit.services import audit
from lms.courses.models import Course
from lms.errors import DomainError
from lms.extensions import db
from lms.reports.models import AgencyTarget


class TargetError(DomainError):
    """A target cannot be saved as asked; `message` says why."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def get_target(agency: Agency) -> AgencyTarget | None:
    """The agency's target, if it has one."""
    return db.session.scalar(select(AgencyTarget).where(AgencyTarget.agency_id == agency.id))


def set_target(agency: Agency, *, percent: int, due_on: date, course: Course | None, actor: User, now: datetime,
               today: date, ip: str = "") -> AgencyTarget:
    """Create or replace the agency's target (the caller has checked policy.can_set_agency_target)."""
    if not 1 <= percent <= 100:
        raise TargetError(_l("The share must be between 1 and 100 percent."))
    if due_on < today:
        raise TargetError(_l("The date of the target must not be in the past."))
    if course is not None and not course.has_certificate:
        raise TargetError(_l("This course gives no certificate."))
    target = get_target(agency)
    before = None if target is None else {"percent": target.percent, "due_on": target.due_on.isoformat(),
                                          "course": target.course.key if target.course else None}
    values = {"percent": percent, "due_on": due_on, "course_id": course.id if course else None,
              "set_by_id": actor.id, "set_at": now}
    if target is None:
        target = AgencyTarget(agency_id=agency.id, **values)
        db.session.add(target)
    else:
        for name, value in values.items():
            setattr(target, name, value)
    db.session.flush()
    audit("target.set", actor=actor, now=now, ip=ip, object_type="agency", object_id=agency.code, before=before,
          after={"percent": percent, "due_on": due_on.isoformat(), "course": course.key if course else None})
    return target


def clear_target(agency: Agency, *, actor: User, now: datetime, ip: str = "") -> None:
    """Remove the agency's target, if any."""
    target = get_target(agency)
    if target is not None:
        db.session.delete(target)
        audit("target.cleared", actor=actor, now=now, ip=ip, object_type="agency", object_id=agency.code)
