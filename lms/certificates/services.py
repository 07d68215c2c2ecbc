"""Issuing, finding, revoking and re-issuing certificates; their PDF and signed credential.

Request-free: callers pass the time, the actor, URLs and settings.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from flask_babel import force_locale, format_date
from flask_babel import gettext as _
from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError

from lms import events
from lms.accounts.models import User
from lms.agencies.services import list_ancestors
from lms.certificates import serials
from lms.certificates.document import CertificateData
from lms.certificates.models import Certificate
from lms.courses.models import Course, Programme
from lms.errors import DomainError
from lms.events import Notice
from lms.extensions import db
from lms.i18n import localized
from lms.learning import standing
from lms.learning.models import CourseCompletion, Verb
from lms.learning.services import record
from lms.timeutil import add_months


class CertificateError(DomainError):
    """A certificate action is refused; `message` says why."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def issue_certificate(completion: CourseCompletion, *, user: User, course: Course, now: datetime) -> Certificate | None:
    """Issue the certificate for a course completion (once per completion); None when the course gives none."""
    if not course.has_certificate:
        return None
    existing = db.session.scalar(select(Certificate).where(Certificate.completion_id == completion.id,
                                                           Certificate.revoked_at.is_(None)))
    if existing is not None:
        return existing
    return _new_certificate(user, course, completion, now=now)


#: Tries at drawing a free place in the status list before giving up (each fails with chance <= LIST_FILL/LENGTH).
STATUS_PLACE_TRIES = 20


def _new_certificate(user: User, course: Course, completion: CourseCompletion, *, now: datetime) -> Certificate:
    values = {
        "user_id": user.id, "course_id": course.id, "completion_id": completion.id,
        "course_titles": dict(course.title), "hours": round(course.estimated_minutes / 60, 1),
        "study_minutes": course.estimated_minutes, "content_version": completion.course_version,
        "language": completion.language,
        "expires_at": add_months(now, course.certificate_valid_months) if course.certificate_valid_months else None,
    }
    certificate = _place_certificate(user, values, now=now)
    standing.set_certificate(user.id, course.id, certificate_id=certificate.id, issued_at=certificate.issued_at,
                             expires_at=certificate.expires_at)
    record(Verb.CERTIFICATE_ISSUED, user_id=user.id, at=now, course=course, content_version=completion.course_version,
           details={"serial": certificate.serial})
    events.publish(events.NOTICE, Notice(
        kind="certificate_issued", recipient_ids=(user.id,), at=now, course_id=course.id,
        params={"serial": certificate.serial}, key=f"certificate:{certificate.id}:issued"))
    return certificate


def issue_programme_certificate(user: User, programme: Programme, *, evidence: list[dict], study_minutes: int,
                                language: str, now: datetime) -> Certificate:
    """Issue a certificate for a completed programme (the caller has checked that it is complete, lms.programmes):
    `evidence` names the course certificates (or completions) it rests on, `study_minutes` the courses' study time.
    Returns the new certificate. Flush only."""
    values = {
        "user_id": user.id, "programme_id": programme.id, "evidence": evidence,
        "course_titles": dict(programme.title), "hours": round(study_minutes / 60, 1), "study_minutes": study_minutes,
        "content_version": programme.version, "language": language,
        "expires_at": (add_months(now, programme.certificate_valid_months)
                       if programme.certificate_valid_months else None),
    }
    certificate = _place_certificate(user, values, now=now)
    record(Verb.CERTIFICATE_ISSUED, user_id=user.id, at=now, object_key=programme.key,
           content_version=programme.version, details={"serial": certificate.serial, "programme": programme.key})
    events.publish(events.NOTICE, Notice(
        kind="programme_certificate_issued", recipient_ids=(user.id,), at=now,
        params={"serial": certificate.serial, "titles": dict(programme.title)},
        key=f"certificate:{certificate.id}:issued"))
    return certificate


def _place_certificate(user: User, values: dict, *, now: datetime) -> Certificate:
    """A new certificate with the learner's name and agency as they are now, at a free random place of the open
    status list."""
    ancestors = list_ancestors(user.agency) if user.agency else []
    values = {**values, "learner_name": user.full_name, "issued_at": now,
              "agency_names": user.agency.names if user.agency else {},
              "top_agency_names": ancestors[0].names if ancestors else {}}
    number = _open_status_list()
    for attempt in range(STATUS_PLACE_TRIES):
        # A random place, so that a list's indexes tell nothing of the order of issue (the specification's advice);
        # the unique constraint settles a place taken meanwhile by another request: the savepoint is undone and
        # another place drawn.
        certificate = Certificate(serial=serials.new_serial(), status_list=number,
                                  status_index=_draw_status_index(), **values)
        try:
            with db.session.begin_nested():
                db.session.add(certificate)
                db.session.flush()
            break
        except IntegrityError:
            if attempt == STATUS_PLACE_TRIES - 1:
                raise
    return certificate


def _open_status_list() -> int:
    """The number of the status list that takes new certificates: the newest, until it is LIST_FILL full."""
    from lms.certificates.status_list import LIST_FILL

    number = db.session.scalar(select(func.max(Certificate.status_list)))
    if number is None:
        return 1
    used = db.session.scalar(select(func.count()).select_from(Certificate).where(Certificate.status_list == number))
    return number + 1 if used >= LIST_FILL else number


def _draw_status_index() -> int:
    from lms.certificates.status_list import LIST_LENGTH

    return secrets.randbelow(LIST_LENGTH)


def get_by_serial(text: str) -> Certificate | None:
    """The certificate whose serial is typed as `text` (dashes, spaces and case ignored); None when malformed,
    mistyped (check symbol) or unknown: the caller shows the same "not found" for all three."""
    serial = serials.parse(text)
    return db.session.scalar(select(Certificate).where(Certificate.serial == serial)) if serial else None


def list_for_user(user: User) -> list[Certificate]:
    """The user's certificates, newest first (revoked ones included, marked as such)."""
    return list(db.session.scalars(select(Certificate).where(Certificate.user_id == user.id)
                                   .order_by(Certificate.issued_at.desc())))


def search(query: str, *, limit: int = 100) -> list[Certificate]:
    """Certificates whose serial or learner name matches `query` (admins), newest first."""
    query = query.strip()
    statement = select(Certificate).order_by(Certificate.issued_at.desc()).limit(limit)
    if query:
        serial = serials.parse(query)
        statement = statement.where(or_(Certificate.serial == (serial or ""),
                                        Certificate.learner_name.ilike(f"%{query}%")))
    return list(db.session.scalars(statement))


def revoke(certificate: Certificate, *, actor: User, reason: str, now: datetime) -> None:
    """Revoke a certificate with a reason (recorded with the actor). Raises CertificateError if already revoked."""
    reason = reason.strip()
    if not reason:
        raise CertificateError(_("Give a reason for the revocation."))
    if certificate.revoked_at is not None:
        raise CertificateError(_("This certificate is already revoked."))
    certificate.revoked_at, certificate.revoked_reason, certificate.revoked_by_id = now, reason[:2000], actor.id
    standing.clear_certificate(certificate.id)
    record(Verb.CERTIFICATE_REVOKED, user_id=certificate.user_id, actor_id=actor.id, at=now, course=certificate.course,
           details={"serial": certificate.serial, "reason": certificate.revoked_reason})


def reissue(certificate: Certificate, *, actor: User, reason: str, now: datetime) -> Certificate:
    """Issue a new certificate for the same completion with the learner's current name; revoke the old one with
    `reason`. Returns the new certificate."""
    if certificate.programme_id is not None:
        revoke(certificate, actor=actor, reason=reason, now=now)
        replacement = issue_programme_certificate(
            certificate.user, certificate.programme, evidence=list(certificate.evidence or []),
            study_minutes=certificate.study_minutes, language=certificate.language, now=now)
        certificate.replaced_by_id = replacement.id
        return replacement
    completion = db.session.get(CourseCompletion, certificate.completion_id)
    revoke(certificate, actor=actor, reason=reason, now=now)
    replacement = _new_certificate(certificate.user, certificate.course, completion, now=now)
    certificate.replaced_by_id = replacement.id
    return replacement


@dataclass(frozen=True)
class Urls:
    """Where things are published, for documents that leave the platform."""

    verify: Callable[[str], str]  # serial -> public verification page
    status: Callable[[str], str]  # serial -> the status document named by credentials issued before status lists
    status_list: Callable[[int], str]  # list number -> its BitstringStatusListCredential
    credential: Callable[[str], str]  # serial -> credential id
    issuer: str  # issuer profile
    achievement: Callable[[str], str]  # course key -> achievement id
    #: programme key -> achievement id (the programme's page)
    programme_achievement: Callable[[str], str] = lambda key: key


def certificate_data(certificate: Certificate, language: str, *, urls: Urls, issuer_name: str) -> CertificateData:
    """The facts of a certificate in `language` (titles fall back to another language when missing)."""
    return CertificateData(
        serial=serials.display(certificate.serial), learner_name=certificate.learner_name,
        course_title=localized(certificate.course_titles, language),
        agency_name=localized(certificate.agency_names, language) or None, issued_at=certificate.issued_at,
        study_minutes=certificate.study_minutes, language=language, issuer_name=issuer_name,
        verify_url=urls.verify(certificate.serial), expires_at=certificate.expires_at,
        top_agency_name=localized(certificate.top_agency_names or {}, language) or None,
        is_programme=certificate.programme_id is not None,
    )


def format_study_time(minutes: int) -> str:
    """Study time in hours and minutes with the current locale's abbreviations ("1 h 20 min"), free of plurals."""
    hours, rest = divmod(max(0, int(minutes)), 60)
    if hours and rest:
        return _("%(hours)d h %(minutes)d min", hours=hours, minutes=rest)
    if hours:
        return _("%(hours)d h", hours=hours)
    return _("%(minutes)d min", minutes=rest)


def _agency_line(data: CertificateData) -> str | None:
    """The learner's agency for a sentence: "department, ministry", or the one name when there is no other."""
    if data.top_agency_name and data.agency_name and data.top_agency_name != data.agency_name:
        return _("%(department)s, %(agency)s", department=data.agency_name, agency=data.top_agency_name)
    return data.agency_name or data.top_agency_name


def criteria_narrative(data: CertificateData) -> str:
    """The credential's criteria sentence, wholly in the certificate's language."""
    with force_locale(data.language):
        time = format_study_time(data.study_minutes)
        agency = _agency_line(data)
        if data.is_programme and agency:
            text = _("Completed the programme “%(programme)s” (estimated study time: %(time)s). Agency: %(agency)s.",
                     programme=data.course_title, time=time, agency=agency)
        elif data.is_programme:
            text = _("Completed the programme “%(programme)s” (estimated study time: %(time)s).",
                     programme=data.course_title, time=time)
        elif agency:
            text = _("Completed the course “%(course)s” (estimated study time: %(time)s). Agency: %(agency)s.",
                     course=data.course_title, time=time, agency=agency)
        else:
            text = _("Completed the course “%(course)s” (estimated study time: %(time)s).",
                     course=data.course_title, time=time)
    return str(text)


def pdf_labels(data: CertificateData) -> dict[str, str]:
    """The printed words of a certificate, translated into its language."""
    with force_locale(data.language):
        labels = {
            "title": _("Certificate of completion"),
            "certifies": _("This certifies that"),
            "completed": _("has completed the programme") if data.is_programme else _("has completed the course"),
            "agency": _("Agency"),
            "department": _("Department"),
            "date": _("Date"),
            "date_value": format_date(data.issued_at, "long"),
            "hours": _("Study time"),
            "hours_value": format_study_time(data.study_minutes),
            "serial": _("Certificate number"),
            "verify": _("Check this certificate"),
            "valid_until": _("Valid until"),
            "valid_until_value": format_date(data.expires_at, "long") if data.expires_at else "",
        }
    return {key: str(value) for key, value in labels.items()}


def get_pdf(certificate: Certificate, language: str, *, urls: Urls, issuer_name: str, cache_dir: Path,
            logo: Path | None) -> bytes:
    """The certificate's PDF in `language`, generated once and then served from `cache_dir` (whose fonts/ folder
    keeps the cut-down fonts the PDFs are drawn with)."""
    from lms.certificates.pdf import LAYOUT, render_pdf

    # The layout's version and the issuer's name are part of the file name: a new layout or a new name is drawn
    # afresh instead of served from an old file.
    issuer = hashlib.sha256(issuer_name.encode("utf-8")).hexdigest()[:8]
    path = cache_dir / f"{certificate.serial}-{language}-{LAYOUT}-{issuer}.pdf"
    try:
        return path.read_bytes()
    except FileNotFoundError:  # not made yet (or the cache was cleared): make it now
        pass
    data = certificate_data(certificate, language, urls=urls, issuer_name=issuer_name)
    pdf = render_pdf(data, pdf_labels(data), issuer_logo=logo, font_dir=cache_dir / "fonts")
    cache_dir.mkdir(parents=True, exist_ok=True)
    # A temporary file of this request's own (two requests may make the same PDF at once), then an atomic rename:
    # a concurrent reader never sees half a file, and the last writer's identical copy wins.
    handle, temporary = tempfile.mkstemp(dir=cache_dir, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as fh:
            fh.write(pdf)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return pdf


def get_credential(certificate: Certificate, *, urls: Urls, issuer_name: str, key) -> str:
    """The certificate as a signed Open Badges 3.0 credential (compact VC-JWT), every text in the certificate's
    language (`issuer_name` too: pass the issuer's name in `certificate.language`)."""
    from lms.certificates.credential import build_credential, sign_credential
    from lms.certificates.status_list import status_entry

    data = certificate_data(certificate, certificate.language, urls=urls, issuer_name=issuer_name)
    subject = certificate.programme if certificate.programme_id is not None else certificate.course
    achievement = (urls.programme_achievement(subject.key) if certificate.programme_id is not None
                   else urls.achievement(subject.key))
    credential = build_credential(
        data, credential_id=urls.credential(certificate.serial), issuer_id=urls.issuer, issuer_name=issuer_name,
        achievement_id=achievement, achievement_name=data.course_title,
        achievement_description=localized(subject.summary, certificate.language),
        criteria_narrative=criteria_narrative(data),
        credential_status=status_entry(urls.status_list(certificate.status_list), certificate.status_index),
    )
    if certificate.programme_id is not None:
        credential["evidence"] = programme_evidence(certificate, urls=urls)
    return sign_credential(credential, key)


def programme_evidence(certificate: Certificate, *, urls: Urls) -> list[dict]:
    """A programme credential's Open Badges `evidence`: each course credential (its id and public verification
    page) the programme certificate rests on, or the course completion where the course gives no certificate."""
    items = []
    for entry in certificate.evidence or []:
        if entry.get("serial"):
            items.append({"id": urls.credential(entry["serial"]), "type": ["Evidence"],
                          "name": entry.get("course", ""), "narrative": urls.verify(entry["serial"])})
        else:
            items.append({"type": ["Evidence"], "name": entry.get("course", ""),
                          "narrative": entry.get("completed_at", "")})
    return items


def list_revoked_indexes(number: int) -> list[int]:
    """The indexes of the revoked certificates in status list `number`."""
    return list(db.session.scalars(select(Certificate.status_index).where(
        Certificate.status_list == number, Certificate.revoked_at.is_not(None)).order_by(Certificate.status_index)))


def get_status_list(number: int, *, urls: Urls, key) -> str | None:
    """Status list `number` as a signed BitstringStatusListCredential (compact VC-JWT); None when no certificate is
    in it. Valid from the list's last change (its latest revocation, else its first certificate), so the same
    revocations give the same document and a verifier's clock a little behind ours still accepts it."""
    from lms.certificates.credential import sign_credential
    from lms.certificates.status_list import build_list_credential

    first_issued, last_revoked = db.session.execute(
        select(func.min(Certificate.issued_at), func.max(Certificate.revoked_at))
        .where(Certificate.status_list == number)).one()
    if first_issued is None:
        return None
    credential = build_list_credential(urls.status_list(number), issuer_id=urls.issuer,
                                       revoked=list_revoked_indexes(number),
                                       valid_from=last_revoked or first_issued)
    return sign_credential(credential, key)
