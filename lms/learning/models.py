"""Enrolments, lesson progress, course completions and the append-only activity record.

Progress refers to lessons by their row (whose stable key comes from the course files), never by position, and
records the content version the learner saw.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.courses.models import Course, Lesson
from lms.db import utcnow
from lms.extensions import db


class EnrollmentSource(StrEnum):
    """How a learner came to a course."""

    SELF = "self"
    ASSIGNMENT = "assignment"
    APPROVAL = "approval"  # self-enrolment approved by the learner's line manager or HR officer (lms.approvals)


class EnrollmentStatus(StrEnum):
    """Where a learner stands in a course (reports). "certified" is a completion whose certificate is valid now."""

    NOT_STARTED = "not_started"  # no lesson done
    IN_PROGRESS = "in_progress"  # some lessons done, not completed
    COMPLETED = "completed"
    CERTIFIED = "certified"


class Verb(StrEnum):
    """What an Activity records."""

    ENROLLED = "enrolled"
    LESSON_COMPLETED = "lesson_completed"
    COURSE_COMPLETED = "course_completed"
    QUIZ_STARTED = "quiz_started"
    QUIZ_PASSED = "quiz_passed"
    QUIZ_FAILED = "quiz_failed"
    CERTIFICATE_ISSUED = "certificate_issued"
    CERTIFICATE_REVOKED = "certificate_revoked"
    ASSIGNMENT_CREATED = "assignment_created"


class Enrollment(db.Model):
    """A learner's place in a course; one per learner and course."""

    __tablename__ = "enrollments"
    __table_args__ = (UniqueConstraint("user_id", "course_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"), index=True)
    #: How the learner came to the course (EnrollmentSource).
    source: Mapped[str] = mapped_column(String(20), default=EnrollmentSource.SELF)
    enrolled_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The learner's standing, kept up to date by the services that change it, so that reports over a million
    # enrolments are one scan with no joins to progress, completions or certificates.
    #: Lesson completions recorded in this course (lesson_progress rows).
    lessons_completed: Mapped[int] = mapped_column(default=0)
    #: The latest completion of the course, if any.
    completed_at: Mapped[datetime | None] = mapped_column(index=True)
    #: The language of that completion.
    completion_language: Mapped[str | None] = mapped_column(String(2))
    #: The latest certificate issued for the course (it may since have been revoked or have expired).
    certificate_id: Mapped[int | None] = mapped_column(ForeignKey("certificates.id"))
    #: When that certificate was issued, while it is not revoked (None otherwise); with its expiry, "certified
    #: now" needs no join to certificates.
    certified_at: Mapped[datetime | None]
    certificate_expires_at: Mapped[datetime | None]

    course: Mapped[Course] = relationship()


class LessonProgress(db.Model):
    """A lesson the learner marked as complete; one row per learner and lesson (a second click changes nothing)."""

    __tablename__ = "lesson_progress"
    __table_args__ = (UniqueConstraint("user_id", "lesson_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    lesson_id: Mapped[int] = mapped_column(ForeignKey("lessons.id"), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"), index=True)
    completed_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: The lesson's content version when it was completed.
    lesson_version: Mapped[str] = mapped_column(String(64))
    #: The language the learner read it in.
    language: Mapped[str] = mapped_column(String(2))

    lesson: Mapped[Lesson] = relationship()


class CourseCompletion(db.Model):
    """A completed course. Kept forever; a recurring assignment asks for a newer one after its period."""

    __tablename__ = "course_completions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"), index=True)
    completed_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: The course's content version at completion.
    course_version: Mapped[str] = mapped_column(String(64))
    language: Mapped[str] = mapped_column(String(2))

    course: Mapped[Course] = relationship()


class Activity(db.Model):
    """One learning event. Appended, never updated or deleted: the source for reports and an xAPI export."""

    __tablename__ = "activities"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    #: Whose learning record this is.
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    #: Who did it (the learner, or e.g. the HR officer who assigned a course).
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: A Verb.
    verb: Mapped[str] = mapped_column(String(40), index=True)
    course_id: Mapped[int | None] = mapped_column(ForeignKey("courses.id"), index=True)
    #: Stable key of the object within the course (lesson key, quiz key), if any.
    object_key: Mapped[str | None] = mapped_column(String(64))
    content_version: Mapped[str | None] = mapped_column(String(64))
    details: Mapped[dict] = mapped_column(JSON, default=dict)
