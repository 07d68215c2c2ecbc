"""Learners and their learning records for the national demo dataset (lms.demo.national), as row tuples.

For each learner: a users row and a learner role; enrolments (by assignment, or of their own accord); for each
enrolment a state - not started, in progress (some lessons, perhaps a failed quiz attempt) or completed (every lesson,
a passed quiz attempt, sometimes after failed ones, a completion and a certificate) - with times that follow one
another and stay before the anchor. Enrolment rows carry the same standing the services would have left:
lessons_completed, completed_at, completion_language and certificate_id.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from math import log

from lms.accounts.models import Role
from lms.certificates.serials import serial_for
from lms.certificates.status_list import LIST_FILL, LIST_LENGTH
from lms.demo.attempts import AttemptBody
from lms.demo.names import PeopleMaker, email_for
from lms.learning.models import EnrollmentSource
from lms.quizzes.models import AttemptStatus

DAY = 86400
DOMAIN = "gov.example.kz"
#: Share of learners who enrol in courses of their own accord (assignments enrol others too).
KEEN_SHARE = 0.7
IN_PROGRESS_SHARE = 0.3
REVOKED_SHARE = 0.004
LEARNER = Role.LEARNER.value
REVOKE_REASONS = ["Выдан по ошибке: курс пройден под чужой учётной записью",
                  "Қорытынды тест ережелері бұзылды", "Issued in error after a duplicate account was merged"]

#: Tables in foreign-key order, with the columns written.
TABLES = {
    "users": ("id", "email", "full_name", "agency_id", "position", "locale", "is_active", "password_hash",
              "last_login_at", "created_at", "updated_at"),
    "user_roles": ("user_id", "role"),
    "course_completions": ("id", "user_id", "course_id", "completed_at", "course_version", "language"),
    "certificates": ("id", "serial", "user_id", "course_id", "completion_id", "learner_name", "course_titles",
                     "agency_names", "top_agency_names", "hours", "study_minutes", "content_version", "language",
                     "issued_at", "expires_at", "revoked_at", "revoked_reason", "revoked_by_id", "replaced_by_id",
                     "status_list", "status_index"),
    "enrollments": ("id", "user_id", "course_id", "source", "enrolled_at", "lessons_completed", "completed_at",
                    "completion_language", "certificate_id", "certified_at", "certificate_expires_at"),
    "lesson_progress": ("id", "user_id", "lesson_id", "course_id", "completed_at", "lesson_version", "language"),
    "quiz_attempts": ("id", "user_id", "course_id", "quiz_version_id", "number", "is_preview", "status", "pass_mark",
                      "started_at", "deadline_at", "submitted_at", "layout", "answers", "results", "score_percent",
                      "passed", "language"),
}


@dataclass
class QuizSpec:
    """A course's current quiz version, with pools of passed and failed attempts."""

    id: int
    pass_mark: int
    max_attempts: int | None
    wait: int  # seconds between attempts
    limit: int | None  # time limit in seconds
    passes: list[AttemptBody]
    fails: list[AttemptBody]


@dataclass
class CourseSpec:
    """What the generator needs of a live course."""

    id: int
    version: str
    lessons: list[tuple[int, str]]  # live lessons in order: (id, content version)
    quiz: QuizSpec | None
    language: dict[str | None, str]  # learner's locale -> the language the course is taken in
    chance: float  # of enrolling, for a learner who enrols at all
    self_enrollment: bool
    has_certificate: bool
    expiry: dict[int, int] | None  # issue day -> expiry day (certificate_valid_months), None: no expiry
    titles: str  # JSON
    hours: float
    minutes: int


@dataclass
class World:
    """The fixed surroundings of the learners."""

    now: int  # the anchor, seconds since the epoch
    start: int  # the first moment of the history
    fmt: Callable[[int], str]  # seconds -> stored text
    courses: list[CourseSpec]
    agency_ids: list[int]
    agency_names: list[str]  # JSON
    agency_of: list[int]  # learner index -> agency index
    assigned: list[dict[int, tuple[int, int]]]  # agency index -> {course index: (assigned at, due)}
    admin_id: int
    top_agency_names: list[str] = field(default_factory=list)  # JSON per agency: the top of its chain, {} at the top
    #: status list number -> indexes already taken in it (by certificates made before this run)
    status_taken: dict[int, set[int]] = field(default_factory=dict)


class StatusPlaces:
    """Random free places in the certificates' status lists, filled as lms.certificates.services fills them."""

    def __init__(self, rng: random.Random, taken: dict[int, set[int]]):
        self.rng = rng
        self.taken = {number: set(indexes) for number, indexes in taken.items()}
        self.number = max(self.taken, default=1)

    def draw(self) -> tuple[int, int]:
        """The next certificate's (list number, index)."""
        used = self.taken.setdefault(self.number, set())
        if len(used) >= LIST_FILL:
            self.number += 1
            used = self.taken.setdefault(self.number, set())
        while True:
            index = self.rng.randrange(LIST_LENGTH)
            if index not in used:
                used.add(index)
                return self.number, index


class LearnerRows:
    """Generates learners in batches; `ids` holds the last id used per table and is advanced as rows are made."""

    def __init__(self, rng: random.Random, world: World, ids: dict[str, int]):
        self.rng = rng
        self.world = world
        self.ids = ids
        self.people = PeopleMaker(rng)
        n = len(world.agency_of)
        self.numbers = rng.sample(range(10000, 10000 + max(90000, 9 * n)), n)
        self.serials = random.Random(rng.getrandbits(64))  # noqa: S311 - reproducible demo serials
        self.places = StatusPlaces(random.Random(rng.getrandbits(64)), world.status_taken)  # noqa: S311 - as serials
        courses = world.courses
        self.fallback = max(range(len(courses)), key=lambda i: (courses[i].self_enrollment, courses[i].chance, -i))
        self.revoked = 0
        # Bound once: these are used millions of times.
        self.rnd, self.fmt, self.now = rng.random, world.fmt, world.now

    def batch(self, first: int, stop: int) -> dict[str, list[tuple]]:
        """Rows for learners first..stop-1, by table in foreign-key order."""
        self.rows = rows = {table: [] for table in TABLES}
        self.users, self.roles, self.completions, self.certificates, self.enrolments, self.progress, \
            self.attempts = rows.values()
        for index in range(first, stop):
            self._learner(index)
        return rows

    def _learner(self, index: int) -> None:
        world, rnd, now = self.world, self.rnd, self.now
        start = world.start
        uid = self.ids["users"] = self.ids["users"] + 1
        full, given, surname, locale, position = self.people.person()
        agency = world.agency_of[index]
        assigned = world.assigned[agency]
        keen = rnd() < KEEN_SHARE
        span = now - start - 3600
        chosen = []  # (course index, enrolled at, source, chance to complete)
        for ci, course in enumerate(world.courses):
            times = assigned.get(ci)
            if times is not None:
                if rnd() < 0.9:
                    created, due = times
                    window = max(min(now - 3600, due + 30 * DAY) - created, 3600)
                    chosen.append((ci, created + int(rnd() ** 1.6 * window), EnrollmentSource.ASSIGNMENT,
                                   0.8 if due < now else 0.45))
            elif keen and course.self_enrollment and rnd() < course.chance:
                # Growth: the density of enrolment times rises towards the anchor.
                chosen.append((ci, start + int(rnd() ** 0.45 * span), EnrollmentSource.SELF, 0.5))
        fallback = self.fallback
        if keen and not any(c[2] == EnrollmentSource.SELF for c in chosen) and world.courses[fallback].self_enrollment \
                and fallback not in assigned:
            chosen.append((fallback, start + int(rnd() ** 0.45 * span), EnrollmentSource.SELF, 0.5))
        for ci, at, source, complete in chosen:
            course = world.courses[ci]
            self._enrolment(uid, course, course.language[locale], at, source, complete, full, agency)
        if chosen:
            created = min(c[1] for c in chosen) - 3600 + int(10 * DAY * log(1.0 - rnd()))
        else:
            created = start - 60 * DAY + int(rnd() * (now - start))
        created = self.fmt(max(created, start - 60 * DAY))
        self.users.append((uid, email_for(given, surname, self.numbers[index], DOMAIN), full, world.agency_ids[agency],
                           position, locale, True, None, None, created, created))
        self.roles.append((uid, LEARNER))

    def _enrolment(self, uid: int, c: CourseSpec, lang: str, at: int, source: str, complete: float, name: str,
                   agency: int) -> None:
        rnd, ids, now, fmt = self.rnd, self.ids, self.now, self.fmt
        count, quiz = len(c.lessons), c.quiz
        roll = rnd()
        fails = 0
        if roll < complete:
            todo, want_pass = count, True
            if quiz is not None and quiz.fails and quiz.max_attempts != 1:
                roll = rnd()
                fails = 2 if roll < 0.05 and (quiz.max_attempts or 3) >= 3 else 1 if roll < 0.25 else 0
        elif roll < complete + IN_PROGRESS_SHARE:
            want_pass = False
            top = count if quiz is not None else count - 1
            todo = 1 + int(rnd() * top) if top >= 1 else 0
            if quiz is not None and quiz.fails and todo == count and rnd() < 0.4:
                fails = 1
        else:
            todo, want_pass = 0, False
        # Exponential gaps: about two days to the first lesson, a day between lessons.
        t = at + 300 - int(2 * DAY * log(1.0 - rnd()))
        done = 0
        if todo and t < now:
            progress, course_id = self.progress, c.id
            last = ids["lesson_progress"]
            for lesson_id, lesson_version in c.lessons[:todo]:
                if done:
                    t += 600 - int(DAY * log(1.0 - rnd()))
                    if t >= now:
                        break
                done += 1
                progress.append((last + done, uid, lesson_id, course_id, fmt(t), lesson_version, lang))
            ids["lesson_progress"] = last + done
        completed = None
        if done == count and (want_pass or fails):
            if quiz is None:
                completed = t
            else:
                completed = self._attempts(uid, c.id, quiz, t - int(6 * 3600 * log(1.0 - rnd())) + 300, fails,
                                           want_pass, lang)
        certificate = (None, None, None)
        if completed is not None:
            completion_id = ids["course_completions"] = ids["course_completions"] + 1
            self.completions.append((completion_id, uid, c.id, fmt(completed), c.version, lang))
            if c.has_certificate:
                certificate = self._certificate(uid, c, completion_id, completed, lang, name, agency)
        ids["enrollments"] += 1
        if completed is None:
            self.enrolments.append((ids["enrollments"], uid, c.id, source, fmt(at), done, None, None, None, None,
                                    None))
        else:
            self.enrolments.append((ids["enrollments"], uid, c.id, source, fmt(at), done, fmt(completed), lang,
                                    *certificate))

    def _attempts(self, uid: int, course_id: int, quiz: QuizSpec, t: int, fails: int, want_pass: bool,
                  lang: str) -> int | None:
        """Submitted attempts from time `t`: `fails` failed ones, then a passed one if wanted; the time of the pass."""
        rnd, ids, fmt, now = self.rnd, self.ids, self.fmt, self.now
        attempts = self.attempts
        for k in range(fails + want_pass):
            if k:
                t += quiz.wait + 600 - int(DAY * log(1.0 - rnd()))
            end = t + 240 + int(rnd() * 900)
            if quiz.limit:
                end = min(end, t + quiz.limit - 30)
            if end >= now:
                return None
            ok = want_pass and k == fails
            pool = quiz.passes if ok else quiz.fails
            body = pool[int(rnd() * len(pool))]
            ids["quiz_attempts"] += 1
            attempts.append((ids["quiz_attempts"], uid, course_id, quiz.id, k + 1, False, AttemptStatus.SUBMITTED,
                             quiz.pass_mark, fmt(t), fmt(t + quiz.limit) if quiz.limit else None, fmt(end),
                             body.layout, body.answers, body.results, body.score, ok, lang))
            if ok:
                return end
            t = end
        return None

    def _certificate(self, uid: int, c: CourseSpec, completion_id: int, issued: int, lang: str, name: str,
                     agency: int) -> tuple:
        """Write a certificate; return (id, issued_at unless revoked, expires_at unless revoked) for the enrolment."""
        rng, now, fmt = self.rng, self.now, self.fmt
        value = self.serials.getrandbits(128)
        expires = None
        if c.expiry is not None:  # same time of day, certificate_valid_months later (lms.learning.add_months)
            expires = fmt(c.expiry[issued // DAY] * DAY + issued % DAY)
        revoked_at = reason = revoked_by = None
        if rng.random() < REVOKED_SHARE and issued + 2 * DAY < now:
            revoked_at = fmt(issued + rng.randint(DAY, min(60 * DAY, now - issued - 1)))
            reason, revoked_by = rng.choice(REVOKE_REASONS), self.world.admin_id
            self.revoked += 1
        certificate_id = self.ids["certificates"] = self.ids["certificates"] + 1
        top = self.world.top_agency_names[agency] if self.world.top_agency_names else "{}"
        self.certificates.append((
            certificate_id, serial_for(value), uid, c.id, completion_id, name, c.titles,
            self.world.agency_names[agency], top, c.hours, c.minutes, c.version, lang, fmt(issued), expires,
            revoked_at, reason, revoked_by, None, *self.places.draw()))
        if revoked_at is not None:
            return certificate_id, None, None
        return certificate_id, fmt(issued), expires
