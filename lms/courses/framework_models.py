"""The competency framework as synced from courses/competencies.yml: levels, areas and competencies.

Like courses, rows are never deleted by a sync: a competency or area that leaves the file is retired, so that the
evidence learners earned for it stays valid.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.db import utcnow
from lms.extensions import db
from lms.i18n import localized


class CompetencyLevel(db.Model):
    """A proficiency level of the framework (1 = the lowest)."""

    __tablename__ = "competency_levels"

    id: Mapped[int] = mapped_column(primary_key=True)
    level: Mapped[int] = mapped_column(unique=True)
    title: Mapped[dict] = mapped_column(JSON)
    description: Mapped[dict] = mapped_column(JSON)
    is_retired: Mapped[bool] = mapped_column(default=False)
    synced_at: Mapped[datetime] = mapped_column(default=utcnow)

    def title_in(self, locale: str) -> str:
        """The level's name in `locale` (or another language)."""
        return localized(self.title, locale)

    def description_in(self, locale: str) -> str:
        """The level's descriptor in `locale` (or another language)."""
        return localized(self.description, locale)


class CompetencyAreaRecord(db.Model):
    """An area of the framework; `key` is its id in the file (a course's competency_area)."""

    __tablename__ = "competency_areas"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    title: Mapped[dict] = mapped_column(JSON)
    position: Mapped[int]
    is_retired: Mapped[bool] = mapped_column(default=False)
    synced_at: Mapped[datetime] = mapped_column(default=utcnow)

    def title_in(self, locale: str) -> str:
        """The area's title in `locale` (or another language)."""
        return localized(self.title, locale)


class Competency(db.Model):
    """A competency; `key` is its stable id in the framework file."""

    __tablename__ = "competencies"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("competency_areas.id"), index=True)
    title: Mapped[dict] = mapped_column(JSON)
    description: Mapped[dict] = mapped_column(JSON)
    #: Order in the file (areas first): the order of pages and exports.
    position: Mapped[int]
    is_retired: Mapped[bool] = mapped_column(default=False)
    synced_at: Mapped[datetime] = mapped_column(default=utcnow)

    area: Mapped[CompetencyAreaRecord] = relationship()

    def title_in(self, locale: str) -> str:
        """The competency's title in `locale` (or another language)."""
        return localized(self.title, locale)

    def description_in(self, locale: str) -> str:
        """The competency's descriptor in `locale` (or another language)."""
        return localized(self.description, locale)

