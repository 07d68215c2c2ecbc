"""The outcome of learning, one use case for every step that may finish a course: a lesson marked as finished or a
final quiz submitted. It works out the study period (recurring training due again counts only what was done since the
completion it renews), asks whether the final quiz is passed, completes the course and issues its certificate (and
the certificate of any programme that completes with it).

It lives here because it needs all of that: the renewal period of recurring assignments, quizzes, learning and
certificates; this is the lowest package that sees them all. Request-free; flush only.
"""

from __future__ import annotations

from dataclasses import dataclass

from lms.accounts.models import User
from lms.assignments.services import renewal_since
from lms.certificates.models import Certificate
from lms.certificates.services import issue_certificate
from lms.competencies import services as competencies
from lms.courses import services as courses
from lms.courses.models import Course, Lesson
from lms.learning import services as learning
from lms.learning.models import CourseCompletion
from lms.programmes.services import award_programme_certificates
from lms.quizzes import services as quizzes


@dataclass(frozen=True)
class Outcome:
    """What a learning step came to."""

    #: The completion recorded by this step (None: not complete yet, or completed before).
    completion: CourseCompletion | None
    #: The certificate issued with it (None: none recorded now, or the course gives none).
    certificate: Certificate | None
    #: The first live lesson not finished in the current study period (None once every lesson is done).
    next_lesson: Lesson | None
    #: Programme certificates issued with it: programmes this step completed.
    programme_certificates: tuple[Certificate, ...] = ()


def record_course_outcome(user: User, course: Course, *, now, language: str, lesson: Lesson | None = None,
                          lessons: list[Lesson] | None = None) -> Outcome:
    """Record a learning step of `user` in `course` at `now`, in `language`: first `lesson` as finished (when
    given), then the course as completed once every live lesson is done and its final quiz (if any) is passed within
    the study period, with its certificate (in the same transaction).

    `lessons`: the course's live lessons when the caller has them already. Call it after a quiz attempt is submitted
    whatever its result (a failed or preview attempt completes nothing). Raises learning.services.NotEnrolled when
    `lesson` is given and the user is not enrolled. Flush only.
    """
    since = renewal_since(user, course, now=now)
    if lessons is None:
        lessons = courses.list_live_lessons(course)
    if lesson is not None:
        learning.complete_lesson(user, lesson, now=now, language=language, since=since)
    quiz_passed = quizzes.has_passed(user, course, since=since)
    if quiz_passed:  # a passed final quiz evidences the course's competencies (lms.competencies)
        competencies.record_evidence(user, course)
    completion = learning.complete_course_if_done(user, course, now=now, language=language, since=since,
                                                  quiz_passed=quiz_passed, lessons=lessons)
    if completion is not None:
        certificate = issue_certificate(completion, user=user, course=course, now=now)
        # A completed course may complete a programme: its certificate is issued in the same transaction.
        programmes = award_programme_certificates(user, now=now, language=language)
        return Outcome(completion, certificate, None, tuple(programmes))
    return Outcome(None, None, learning.get_progress(user, course, since=since, lessons=lessons).next_lesson)
