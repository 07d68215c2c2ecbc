"""Issued certificates. The facts are copied at issue (name, titles, agency), so later edits never change them."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.accounts.models import User
from lms.courses.models import Course, Programme
from lms.db import utcnow
from lms.extensions import db


class CertificateStatus(StrEnum):
    """Where a certificate stands at a given moment (not stored: worked out from its dates)."""

    VALID = "valid"
    EXPIRED = "expired"
    REVOKED = "revoked"


class Certificate(db.Model):
    """A certificate for one course completion, or for a completed programme (course_id and completion_id empty,
    programme_id set, `evidence` naming the course certificates it rests on)."""

    __tablename__ = "certificates"
    __table_args__ = (UniqueConstraint("status_list", "status_index"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: 128 random bits, Crockford base32 plus a check symbol (lms.certificates.serials); never derived from ids.
    serial: Mapped[str] = mapped_column(String(27), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    #: The course certified; None for a programme certificate.
    course_id: Mapped[int | None] = mapped_column(ForeignKey("courses.id"), index=True)
    completion_id: Mapped[int | None] = mapped_column(ForeignKey("course_completions.id"), index=True)
    #: The programme certified (lms.programmes); None for a course certificate.
    programme_id: Mapped[int | None] = mapped_column(ForeignKey("programmes.id"), index=True)
    #: A programme certificate's evidence: [{"serial": course certificate serial, "course": course key}, ...], or
    #: [{"course": key, "completed_at": iso}] for a course that gives no certificate.
    evidence: Mapped[list | None] = mapped_column(JSON)
    #: The learner's name as it was at issue.
    learner_name: Mapped[str] = mapped_column(String(200))
    #: {lang: title} of the course (or programme) at issue, so the certificate can be printed in any of its languages.
    course_titles: Mapped[dict] = mapped_column(JSON)
    #: {lang: name} of the learner's agency at issue (empty when none).
    agency_names: Mapped[dict] = mapped_column(JSON, default=dict)
    #: {lang: name} of the top of that agency's chain at issue (the ministry of a department); empty when the agency
    #: is itself the top, or there is none.
    top_agency_names: Mapped[dict] = mapped_column(JSON, default=dict)
    #: Estimated study hours, rounded to a tenth (study_minutes is what is printed).
    hours: Mapped[float]
    #: The course's estimated study time at issue, in minutes.
    study_minutes: Mapped[int]
    content_version: Mapped[str] = mapped_column(String(64))
    #: The language the learner completed the course in; the default for the PDF.
    language: Mapped[str] = mapped_column(String(2))
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
    revoked_reason: Mapped[str | None] = mapped_column(Text)
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: The certificate issued in place of this one (a re-issue after a name correction).
    replaced_by_id: Mapped[int | None] = mapped_column(ForeignKey("certificates.id"))
    #: The certificate's place in the issuer's revocation lists (lms.certificates.status_list): the list's number
    #: (from 1) and the index in it, drawn at random at issue and never changed, so that credentials handed out
    #: keep pointing at their bit.
    status_list: Mapped[int]
    status_index: Mapped[int]
    #: When its holder was told that it expires within 30 days (lms.certificates.expiry.notify_expiring), once.
    expiry_notified_at: Mapped[datetime | None]

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    course: Mapped[Course | None] = relationship()
    programme: Mapped[Programme | None] = relationship()

    def status(self, now: datetime) -> CertificateStatus:
        """Valid, expired or revoked at `now`."""
        if self.revoked_at is not None:
            return CertificateStatus.REVOKED
        if self.expires_at is not None and now >= self.expires_at:
            return CertificateStatus.EXPIRED
        return CertificateStatus.VALID
