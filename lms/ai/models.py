"""The AI log (one row per provider attempt) and the recorded acceptances of the AI notice."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.accounts.models import User
from lms.db import utcnow
from lms.extensions import db


class AILogEntry(db.Model):
    """One attempt of one provider at one AI action: who, what was sent, what came back, how long it took.

    The prompt and the output are kept for AI_RETENTION_DAYS, then cleared by the worker (purged_at set); the
    rest of the row stays, so a deployment can always show what its AI did and when.
    """

    __tablename__ = "ai_log_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    #: The attempts of one request share it (a failed model call and the fallback's answer).
    request_id: Mapped[str] = mapped_column(String(16), index=True)
    #: None for the command line.
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"), index=True)
    #: An lms.ai.actions.Action: tutor_answer, question_drafts, lesson_summary.
    action: Mapped[str] = mapped_column(String(30), index=True)
    #: The provider's registry name: extractive, openai.
    provider: Mapped[str] = mapped_column(String(30), index=True)
    model: Mapped[str] = mapped_column(String(200), default="")
    model_version: Mapped[str] = mapped_column(String(200), default="")
    course_key: Mapped[str] = mapped_column(String(64), default="", index=True)
    language: Mapped[str] = mapped_column(String(2), default="")
    #: SHA-256 of the prompt as the provider received it (after redaction); stays after the purge.
    prompt_hash: Mapped[str] = mapped_column(String(64))
    #: [{"lesson": key, "heading": anchor, "language": lang, "score": x}] of the passages the answer used.
    passages: Mapped[list] = mapped_column(JSON, default=list)
    #: The prompt (redacted) and the output; None after the retention period.
    prompt: Mapped[str | None] = mapped_column(Text)
    output: Mapped[str | None] = mapped_column(Text)
    tokens_in: Mapped[int] = mapped_column(default=0)
    tokens_out: Mapped[int] = mapped_column(default=0)
    latency_ms: Mapped[int] = mapped_column(default=0)
    is_success: Mapped[bool] = mapped_column(default=True, index=True)
    #: Why the attempt failed ("timeout", "http 500", "malformed answer", "refused: open attempt", ...).
    error: Mapped[str] = mapped_column(String(300), default="")
    purged_at: Mapped[datetime | None]

    user: Mapped[User | None] = relationship()


class AINoticeAcceptance(db.Model):
    """A person accepted the AI notice (what the AI does and what is sent where) in the version shown to them."""

    __tablename__ = "ai_notice_acceptances"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    #: lms.ai.notice.NOTICE_VERSION at the time; a new version asks again.
    version: Mapped[str] = mapped_column(String(20))
    #: The providers the notice named (external endpoints change what is sent where).
    providers: Mapped[str] = mapped_column(String(200), default="")
    accepted_at: Mapped[datetime] = mapped_column(default=utcnow)
    ip: Mapped[str] = mapped_column(String(64), default="")
