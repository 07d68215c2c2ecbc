"""Export jobs: who asked for which report file, how far it got, and when its file expires."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from lms.db import utcnow
from lms.extensions import db


class ExportFormat(StrEnum):
    """The file formats of an export."""

    CSV = "csv"
    XLSX = "xlsx"


class ExportStatus(StrEnum):
    """queued -> running -> done, or failed (with the reason in `error`)."""

    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class ExportJob(db.Model):
    """A report export requested by someone, run by the task queue; its file expires."""

    __tablename__ = "export_jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Random, for URLs: ids of other people's exports cannot be guessed.
    token: Mapped[str] = mapped_column(String(32), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    #: An ExportFormat.
    format: Mapped[str] = mapped_column(String(8))
    #: The report filters as given (agency code, include_sub, course key, status, from, to, language).
    filters: Mapped[dict] = mapped_column(JSON)
    #: An ExportStatus.
    status: Mapped[str] = mapped_column(String(10), default=ExportStatus.QUEUED)
    rows_done: Mapped[int] = mapped_column(default=0)
    rows_total: Mapped[int | None]
    #: File name inside the export folder, once written.
    file_name: Mapped[str | None] = mapped_column(String(100))
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    finished_at: Mapped[datetime | None]
    expires_at: Mapped[datetime | None]
