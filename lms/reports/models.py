"""Agency targets and dashboard snapshots."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.agencies.models import Agency
from lms.courses.models import Course
from lms.db import utcnow
from lms.extensions import db


class AgencyTarget(db.Model):
    """An agency's own goal, set by its HR officer: e.g. 80% of its people certified by 31 December.

    The share counts the people of the agency and of its sub-agencies.
    """

    __tablename__ = "agency_targets"

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), unique=True)
    #: Share of the agency's active people who hold a valid certificate, in percent (1-100).
    percent: Mapped[int]
    #: The certificate that counts; None means any certificate of the programme.
    course_id: Mapped[int | None] = mapped_column(ForeignKey("courses.id"))
    due_on: Mapped[date]
    set_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    set_at: Mapped[datetime] = mapped_column(default=utcnow)

    agency: Mapped[Agency] = relationship()
    course: Mapped[Course | None] = relationship()


class ReportSnapshot(db.Model):
    """The whole country's dashboard figures as computed by the worker every few minutes, so that dashboards over
    hundreds of thousands of enrolments open at once. Only the latest row is kept."""

    __tablename__ = "report_snapshots"

    id: Mapped[int] = mapped_column(primary_key=True)
    computed_at: Mapped[datetime] = mapped_column(index=True)
    #: {"cells": [[agency_id, course_id, enrolled, not_started, in_progress, completed, certified, overdue]],
    #:  "people": [[agency_id, headcount, certified_people]], "weekly": [[week start, newly trained]]}
    data: Mapped[dict] = mapped_column(JSON)
