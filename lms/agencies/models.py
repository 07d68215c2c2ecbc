"""The agency tree."""

from __future__ import annotations

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.db import TimestampMixin
from lms.extensions import db
from lms.i18n import localized


class Agency(TimestampMixin, db.Model):
    """A government agency; agencies form a tree through parent_id."""

    __tablename__ = "agencies"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Stable code used by imports and URLs (e.g. "MDAI" or "MDAI-IT"); never reused for another agency.
    code: Mapped[str] = mapped_column(String(64), unique=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"), index=True)
    name_kk: Mapped[str] = mapped_column(String(300), default="")
    name_ru: Mapped[str] = mapped_column(String(300), default="")
    name_en: Mapped[str] = mapped_column(String(300), default="")
    is_active: Mapped[bool] = mapped_column(default=True)

    parent: Mapped[Agency | None] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list[Agency]] = relationship(back_populates="parent", order_by="Agency.code")

    @property
    def names(self) -> dict[str, str]:
        """The agency's name per locale."""
        return {"kk": self.name_kk, "ru": self.name_ru, "en": self.name_en}

    def name_in(self, locale: str) -> str:
        """The name in `locale`, falling back to another language when that one is empty."""
        return localized(self.names, locale) or self.code

    def __repr__(self) -> str:
        return f"<Agency {self.code}>"
