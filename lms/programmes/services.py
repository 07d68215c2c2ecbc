"""Programmes for the pages and the outcome of learning: the live programmes, a learner's progress in each, and the
programme certificate issued once a programme is complete. Request-free; flush only."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_, select

from lms.accounts.models import User
from lms.certificates.models import Certificate
from lms.certificates.services import issue_programme_certificate
from lms.courses import cache
from lms.courses.models import Course, Programme
from lms.extensions import db
from lms.learning.models import Enrollment
from lms.programmes.progress import CourseDone, ProgrammeProgress, programme_progress
from lms.timeutil import aware


@dataclass(frozen=True)
class ProgrammeStanding:
    """A programme, the learner's progress in it and their valid programme certificate (if any)."""

    programme: Programme
    progress: ProgrammeProgress
    certificate: Certificate | None


def list_live_programmes() -> list[Programme]:
    """The programmes not retired, by key (from the content cache when it can serve)."""
    live = cache.live_content()
    if live is not None:
        return [cache.attach(programme) for programme in live.programmes]
    return list(db.session.scalars(select(Programme).where(Programme.is_retired.is_(False)).order_by(Programme.key)))


def get_live_programme(key: str) -> Programme | None:
    """The programme with this key unless it is retired."""
    return db.session.scalar(select(Programme).where(Programme.key == key, Programme.is_retired.is_(False)))


def get_courses_by_key(programmes: list[Programme]) -> dict[str, Course]:
    """The courses the programmes name, by key (retired ones included, so a page can say so). One statement, or
    none when the content cache holds them all (live)."""
    keys = sorted({key for programme in programmes for key in programme.course_keys})
    if not keys:
        return {}
    live = cache.live_content()
    if live is not None and all(key in live.by_key for key in keys):
        return {key: cache.attach(live.by_key[key]) for key in keys}
    return {course.key: course for course in db.session.scalars(select(Course).where(Course.key.in_(keys)))}


def list_courses_done(user: User, *, now: datetime) -> dict[str, CourseDone]:
    """The courses that count for the user's programmes at `now`, by key: completed, and for a course that gives a
    certificate, certified with that certificate still valid. One statement."""
    rows = db.session.execute(
        select(Course.key, Course.has_certificate, Course.estimated_minutes, Enrollment.completed_at,
               Enrollment.certified_at, Enrollment.certificate_expires_at, Certificate.serial)
        .join(Course, Course.id == Enrollment.course_id)
        .outerjoin(Certificate, Certificate.id == Enrollment.certificate_id)
        .where(Enrollment.user_id == user.id, Enrollment.completed_at.is_not(None)))
    done = {}
    for key, has_certificate, minutes, completed_at, certified_at, expires_at, serial in rows:
        if has_certificate:
            if certified_at is None or (expires_at is not None and aware(expires_at) <= now):
                continue
            done[key] = CourseDone(key, aware(completed_at), serial, minutes)
        else:
            done[key] = CourseDone(key, aware(completed_at), None, minutes)
    return done


def _valid_certificates(user: User, *, now: datetime) -> dict[int, Certificate]:
    """The user's valid programme certificates, by programme id (the latest of each). One statement."""
    rows = db.session.scalars(select(Certificate).where(
        Certificate.user_id == user.id, Certificate.programme_id.is_not(None), Certificate.revoked_at.is_(None),
        or_(Certificate.expires_at.is_(None), Certificate.expires_at > now)).order_by(Certificate.issued_at))
    return {certificate.programme_id: certificate for certificate in rows}


def list_standings(user: User, programmes: list[Programme], *, now: datetime) -> list[ProgrammeStanding]:
    """The user's progress in each of `programmes`, with their valid programme certificates. Two statements."""
    done = list_courses_done(user, now=now)
    certificates = _valid_certificates(user, now=now) if programmes else {}
    return [ProgrammeStanding(p, programme_progress(p.structure, done), certificates.get(p.id)) for p in programmes]


def standings_from(programmes: list[Programme], enrollments: list, certificates: list[Certificate], *,
                   now: datetime) -> list[ProgrammeStanding]:
    """list_standings() from what a page has read already: the user's enrolments (with their courses) and
    certificates (lms.certificates.services.list_for_user). No statement."""
    serials = {c.id: c.serial for c in certificates}
    done = {}
    for enrollment in enrollments:
        course = enrollment.course
        if enrollment.completed_at is None:
            continue
        if course.has_certificate:
            expires = aware(enrollment.certificate_expires_at) if enrollment.certificate_expires_at else None
            if enrollment.certified_at is None or (expires is not None and expires <= now):
                continue
        done[course.key] = CourseDone(course.key, aware(enrollment.completed_at),
                                      serials.get(enrollment.certificate_id) if course.has_certificate else None,
                                      course.estimated_minutes)
    valid = {}
    for certificate in sorted(certificates, key=lambda c: c.issued_at):
        if certificate.programme_id is not None and certificate.status(now) == "valid":
            valid[certificate.programme_id] = certificate
    return [ProgrammeStanding(p, programme_progress(p.structure, done), valid.get(p.id)) for p in programmes]


def award_programme_certificates(user: User, *, now: datetime, language: str) -> list[Certificate]:
    """Issue a certificate for every live programme (that gives one) the user has now completed and holds no valid
    certificate of: the one use case called wherever a course completes (assignments.outcome), and by the
    `lms programmes award` backfill. Returns the certificates issued. Flush only."""
    programmes = [p for p in list_live_programmes() if p.has_certificate]
    issued = []
    for standing in list_standings(user, programmes, now=now):
        if standing.certificate is not None or not standing.progress.is_complete:
            continue
        evidence = [{"course": item.key, "serial": item.serial} if item.serial else
                    {"course": item.key, "completed_at": item.completed_at.isoformat()}
                    for item in standing.progress.evidence]
        minutes = sum(item.study_minutes for item in standing.progress.evidence)
        issued.append(issue_programme_certificate(user, standing.programme, evidence=evidence, study_minutes=minutes,
                                                  language=language, now=now))
    return issued


def list_learners_with_completions() -> list[User]:
    """Everyone who has completed any course, for the backfill."""
    ids = select(Enrollment.user_id).where(Enrollment.completed_at.is_not(None)).distinct()
    return list(db.session.scalars(select(User).where(User.id.in_(ids)).order_by(User.id)))
