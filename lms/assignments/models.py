"""Mandatory training as stored: assignments (to an agency, a position in it, or named people, with a due date and
optionally recurring), the people named in them, and the reminders already sent. Membership is worked out when asked
(lms.assignments.services), so people who join the agency later are assigned too.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.agencies.models import Agency
from lms.courses.models import Course, Programme
from lms.db import utcnow
from lms.extensions import db


class TargetKind(StrEnum):
    """Whom an assignment names."""

    AGENCY = "agency"  # everyone in the agency
    POSITION = "position"  # those of them holding the position
    USERS = "users"  # the listed people


class ReminderStage(StrEnum):
    """How close a due date is: 30, 7 or 1 day(s) before it, or past it."""

    DAYS_30 = "30"
    DAYS_7 = "7"
    DAYS_1 = "1"
    OVERDUE = "overdue"


class Assignment(db.Model):
    """A course that certain people must complete by a due date."""

    __tablename__ = "assignments"

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"), index=True)
    #: A TargetKind.
    target_kind: Mapped[str] = mapped_column(String(20))
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"), index=True)
    include_subagencies: Mapped[bool] = mapped_column(default=False)
    #: Recurring training: each completion is valid this many months, then the course is due again.
    recurrence_months: Mapped[int | None]
    position: Mapped[str | None] = mapped_column(String(200))
    due_at: Mapped[datetime]
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    cancelled_at: Mapped[datetime | None]
    #: Part of a programme's assignment (lms.assignments.programmes): one row per required course of the programme,
    #: sharing `programme_batch`, made, reminded and cancelled together.
    programme_id: Mapped[int | None] = mapped_column(ForeignKey("programmes.id"), index=True)
    programme_batch: Mapped[str | None] = mapped_column(String(32), index=True)

    course: Mapped[Course] = relationship()
    programme: Mapped[Programme | None] = relationship()
    agency: Mapped[Agency | None] = relationship()
    people: Mapped[list[AssignmentUser]] = relationship(cascade="all, delete-orphan")


class AssignmentUser(db.Model):
    """A person named in an assignment of kind "users"."""

    __tablename__ = "assignment_users"

    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignments.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)


class ReminderSent(db.Model):
    """A due-date reminder already queued, so that each one goes out at most once."""

    __tablename__ = "reminders_sent"
    __table_args__ = (UniqueConstraint("assignment_id", "user_id", "stage"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignments.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    #: A ReminderStage ("30", "7", "1" days before the due date, or "overdue"), then "@" and the due date it was about
    #: (a recurring assignment has a new due date each period).
    stage: Mapped[str] = mapped_column(String(40))
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)
