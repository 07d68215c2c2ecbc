"""Telling holders that a certificate (a course's or a programme's) expires soon."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import and_, exists, or_, select
from sqlalchemy.orm import aliased

from lms import events
from lms.certificates.models import Certificate
from lms.events import Notice
from lms.extensions import db

#: Holders are told this long before a certificate expires.
EXPIRY_NOTICE = timedelta(days=30)


def notify_expiring(*, now: datetime) -> int:
    """Tell the holder of each valid certificate (a course's or a programme's) that expires within EXPIRY_NOTICE, and
    that no later certificate of theirs for the same course or programme outlasts, that it expires soon, once per
    certificate; return how many. Flush only."""
    later = aliased(Certificate)
    same_subject = or_(and_(Certificate.course_id.is_not(None), later.course_id == Certificate.course_id),
                       and_(Certificate.programme_id.is_not(None), later.programme_id == Certificate.programme_id))
    outlasted = exists().where(later.user_id == Certificate.user_id, same_subject,
                               later.id != Certificate.id, later.revoked_at.is_(None),
                               or_(later.expires_at.is_(None), later.expires_at > Certificate.expires_at))
    due = db.session.scalars(select(Certificate).where(
        Certificate.revoked_at.is_(None), Certificate.expiry_notified_at.is_(None),
        Certificate.expires_at > now, Certificate.expires_at <= now + EXPIRY_NOTICE, ~outlasted)
        .order_by(Certificate.id)).all()
    for certificate in due:
        certificate.expiry_notified_at = now
        params = {"serial": certificate.serial, "expires_at": certificate.expires_at.isoformat()}
        if certificate.course_id is None:  # a programme's: its title is the certificate's own
            events.publish(events.NOTICE, Notice(
                kind="programme_certificate_expiring", recipient_ids=(certificate.user_id,), at=now,
                params={**params, "titles": dict(certificate.course_titles)},
                key=f"certificate:{certificate.id}:expiring"))
            continue
        events.publish(events.NOTICE, Notice(
            kind="certificate_expiring", recipient_ids=(certificate.user_id,), at=now, course_id=certificate.course_id,
            params=params, key=f"certificate:{certificate.id}:expiring"))
    db.session.flush()
    return len(due)
