"""Enrolment requests: a learner asks to enrol in a course whose manifest says `enrollment_approval: true`.

A request is decided once (approved, declined), withdrawn by the learner, or expires; rows are never deleted, so the
history of who asked, who decided and why stays. At most one request per learner and course is pending at a time,
which the database enforces.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from flask_babel import lazy_pgettext as _lp
from sqlalchemy import ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.accounts.models import User
from lms.courses.models import Course
from lms.extensions import db

#: The longest reason a decision may carry (the form and the service both hold to it).
REASON_MAX_LENGTH = 500


class RequestStatus(StrEnum):
    """Where an enrolment request stands."""

    PENDING = "pending"
    APPROVED = "approved"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"
    EXPIRED = "expired"


#: Translated status names, for pages.
STATUS_NAMES = {
    RequestStatus.PENDING: _lp("enrolment request", "Awaiting approval"),
    RequestStatus.APPROVED: _lp("enrolment request", "Approved"),
    RequestStatus.DECLINED: _lp("enrolment request", "Declined"),
    RequestStatus.WITHDRAWN: _lp("enrolment request", "Withdrawn"),
    RequestStatus.EXPIRED: _lp("enrolment request", "Expired"),
}


class EnrollmentRequest(db.Model):
    """A learner's request to enrol in a course, waiting for (or given) their approver's decision."""

    __tablename__ = "enrollment_requests"
    __table_args__ = (
        # One pending request per learner and course: a second click, a second tab or two racing requests leave one.
        Index("uq_enrollment_requests_one_pending", "user_id", "course_id", unique=True,
              sqlite_where=text("status = 'pending'"), postgresql_where=text("status = 'pending'")),
        # The worker's expiry and the approvers' page read pending requests by their expiry.
        Index("ix_enrollment_requests_status_expires_at", "status", "expires_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"), index=True)
    #: RequestStatus.
    status: Mapped[str] = mapped_column(String(20), default=RequestStatus.PENDING)
    requested_at: Mapped[datetime]
    #: After this a pending request can no longer be decided; the worker then marks it expired.
    expires_at: Mapped[datetime]
    #: The learner's line manager when they asked; None: they had none, so their agency's HR officers decide.
    approver_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    #: When it was approved, declined, withdrawn or marked expired.
    decided_at: Mapped[datetime | None]
    #: Who approved or declined it (the learner, for a withdrawal; None for an expiry).
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: Decided by an HR officer or administrator in place of the line manager named in approver_id.
    on_behalf: Mapped[bool] = mapped_column(default=False)
    #: The approver's reason for declining (optional; shown to the learner, escaped).
    reason: Mapped[str | None] = mapped_column(String(REASON_MAX_LENGTH))

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    course: Mapped[Course] = relationship()
    approver: Mapped[User | None] = relationship(foreign_keys=[approver_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])

    def is_open(self, now: datetime) -> bool:
        """Pending and not past its expiry: it may still be decided or withdrawn."""
        return self.status == RequestStatus.PENDING and now < self.expires_at

    def status_at(self, now: datetime) -> str:
        """The status as it reads at `now`: a pending request past its expiry is expired (before the worker says so)."""
        if self.status == RequestStatus.PENDING and now >= self.expires_at:
            return RequestStatus.EXPIRED
        return self.status
