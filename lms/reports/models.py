"""Agency targets, export jobs and dashboard snapshots."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, String, Text
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


class ExportJob(db.Model):
    """A report export requested by someone, run by the task queue; its file expires."""

    __tablename__ = "export_jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Random, for URLs: ids of other people's exports cannot be guessed.
    token: Mapped[str] = mapped_column(String(32), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    #: csv | xlsx
    format: Mapped[str] = mapped_column(String(8))
    #: The report filters as given (agency code, include_sub, course key, status, from, to, language).
    filters: Mapped[dict] = mapped_column(JSON)
    #: queued | running | done | failed
    status: Mapped[str] = mapped_column(String(10), default="queued")
    rows_done: Mapped[int] = mapped_column(default=0)
    rows_total: Mapped[int | None]
    #: File name inside the export folder, once written.
    file_name: Mapped[str | None] = mapped_column(String(100))
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    finished_at: Mapped[datetime | None]
    expires_at: Mapped[datetime | None]


class ReportSnapshot(db.Model):
    """The whole country's dashboard figures as computed by the worker every few minutes, so that dashboards over
    hundreds of thousands of enrolments open at once. Only the latest row is kept."""

    __tablename__ = "report_snapshots"

    id: Mapped[int] = mapped_column(primary_key=True)
    computed_at: Mapped[datetime] = mapped_column(index=True)
    #: {"cells": [[agency_id, course_id, enrolled, not_started, in_progress, completed, certified, overdue]],
    #:  "people": [[agency_id, headcount, certified_people]], "weekly": [[week start, newly trained]]}
    data: Mapped[dict] = mapped_column(JSON)
