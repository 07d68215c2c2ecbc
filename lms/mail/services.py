"""Queue emails in the outbox and deliver them through the configured backend."""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Iterable, Mapping
from email.message import EmailMessage
from typing import Any

from sqlalchemy import select

from lms.db import utcnow
from lms.extensions import db
from lms.mail.models import OutboxMessage, OutboxStatus

log = logging.getLogger("lms.mail")


def queue_email(recipient: str, subject: str, body: str) -> OutboxMessage:
    """Add a pending message to the outbox (flushes, does not commit) and return it."""
    message = OutboxMessage(recipient=recipient, subject=subject, body=body)
    db.session.add(message)
    db.session.flush()
    return message


def queue_emails(messages: Iterable[tuple[str, str, str]]) -> int:
    """Add pending messages, each (recipient, subject, body), to the outbox in one flush; return how many."""
    rows = [OutboxMessage(recipient=recipient, subject=subject, body=body) for recipient, subject, body in messages]
    db.session.add_all(rows)
    db.session.flush()
    return len(rows)


def deliver(message: OutboxMessage, config: Mapping[str, Any]) -> bool:
    """Send one message with the configured backend; record sent or failed on it. Returns True when sent."""
    message.attempts += 1
    try:
        if config["MAIL_BACKEND"] == "smtp":
            _send_smtp(message, config)
        else:
            log.info("email to %s: %s\n%s", message.recipient, message.subject, message.body)
    except (OSError, smtplib.SMTPException) as exc:
        message.status = OutboxStatus.FAILED
        message.last_error = f"{type(exc).__name__}: {exc}"[:2000]
        log.error("email %s to %s failed: %s", message.id, message.recipient, exc)
        return False
    message.status = OutboxStatus.SENT
    message.sent_at = utcnow()
    message.last_error = ""
    return True


def deliver_pending(config: Mapping[str, Any], *, include_failed: bool = False, limit: int = 100) -> tuple[int, int]:
    """Deliver pending (and, if asked, failed) messages, oldest first. Returns (sent, failed)."""
    statuses = [OutboxStatus.PENDING, OutboxStatus.FAILED] if include_failed else [OutboxStatus.PENDING]
    messages = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.status.in_(statuses)).order_by(OutboxMessage.id).limit(limit)
    ).all()
    sent = sum(deliver(message, config) for message in messages)
    return sent, len(messages) - sent


def _send_smtp(message: OutboxMessage, config: Mapping[str, Any]) -> None:
    email = EmailMessage()
    email["From"] = config["MAIL_FROM"]
    email["To"] = message.recipient
    email["Subject"] = message.subject
    email.set_content(message.body)
    smtp_class = smtplib.SMTP_SSL if config["MAIL_USE_SSL"] else smtplib.SMTP
    with smtp_class(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=20) as smtp:
        if config["MAIL_USE_TLS"]:
            smtp.starttls()
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        smtp.send_message(email)
