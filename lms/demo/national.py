"""A national demo dataset: `lms demo-data --learners N [--agencies M] [--seed S] [--today YYYY-MM-DD]`.

On top of the small demo (lms.demo.accounts) it writes an agency tree of M agencies (codes "GOV-…", lms.demo.agencies),
N learners with Kazakh and Russian names (lms.demo.names; no password, so they cannot sign in) and their learning
records (lms.demo.learners): enrolments in the live courses, lesson progress, submitted quiz attempts
(lms.demo.attempts), completions and certificates (a few revoked); and 20-40 agency assignments by the demo
administrator, about half of them past their due date, so that some people are overdue. The demo agencies (MDAI,
AGCS, …) get a share of the learners, so that the demo HR officer's dashboard has people in it; no assignment
reaches the agencies of the people already there (the demo accounts), whose own pages stay as they were.
No Activity rows are written: the activity record stays as the demo accounts left it.

Deterministic: the same seed, sizes, live courses and anchor day give the same rows. Every time is placed relative
to the anchor, 00:00 UTC of `today` (by default the current UTC date): enrolments spread over the HISTORY_DAYS
before it, busier in recent weeks (a rising weekly chart), and nothing happens at or after it except the due dates
of current assignments and certificate expiries. Two runs with the same anchor agree exactly; tests pin it.

Fast: rows are generated in streaming batches and bulk-loaded with explicit ids (lms.demo.bulk). Everything is
written in the caller's transaction, which the caller commits once.
"""

from __future__ import annotations

import json
import math
import random
import time as clock
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, insert, select

from lms.accounts.models import Role, User, UserRole
from lms.agencies.models import Agency
from lms.assignments.models import Assignment, TargetKind
from lms.certificates.models import Certificate
from lms.courses.content import Level
from lms.courses.models import Course, Lesson, QuizVersion
from lms.demo.agencies import PREFIX, build_tree, max_agencies
from lms.demo.attempts import attempt_pool
from lms.demo.bulk import BulkWriter, time_formatter
from lms.demo.learners import DOMAIN, TABLES, CourseSpec, LearnerRows, QuizSpec, World
from lms.extensions import db
from lms.timeutil import add_months, end_of_day

DEFAULT_SEED = 2026
HISTORY_DAYS = 270
DAY = 86400
#: Chance of enrolling in a course by its level, for a learner who enrols of their own accord.
LEVEL_CHANCE = {Level.BEGINNER: 0.97, Level.INTERMEDIATE: 0.9, Level.ADVANCED: 0.82}
#: Share of the learners in each demo agency (lms.demo.accounts), so that its HR officer sees a populated dashboard.
DEMO_SHARES = {"MDAI": 0.008, "MDAI-IT": 0.006, "MDAI-HR": 0.003, "AGCS": 0.005, "AGCS-ACAD": 0.003}
#: Learners generated (and written) at a time.
LEARNER_BATCH = 5000


class NationalDataError(Exception):
    """The dataset cannot be generated; the message says why. Nothing has been written."""


@dataclass(frozen=True)
class NationalOptions:
    """What to generate. `today` is the anchor day (see the module docstring)."""

    learners: int
    today: date
    agencies: int = 200
    seed: int = DEFAULT_SEED
    timezone: str = "Asia/Almaty"


def live_courses() -> list[Course]:
    """The courses learners can take: not retired, with at least one live lesson; by key."""
    has_lessons = select(Lesson.id).where(Lesson.course_id == Course.id, Lesson.is_retired.is_(False)).exists()
    return list(db.session.scalars(select(Course).where(Course.is_retired.is_(False), has_lessons)
                                   .order_by(Course.key)))


def is_present() -> bool:
    """True when a national dataset is in the database (its agencies GOV-… or its addresses @gov.example.kz)."""
    return bool(db.session.scalar(select(func.count()).select_from(Agency).where(Agency.code.startswith(PREFIX)))
                or db.session.scalar(select(func.count()).select_from(User).where(User.email.endswith("@" + DOMAIN))))


def check_can_generate(options: NationalOptions) -> None:
    """Raise NationalDataError when the options are out of range, there are no live courses, or the dataset is
    already present. Reads only."""
    if not 1 <= options.agencies <= max_agencies():
        raise NationalDataError(f"--agencies must be between 1 and {max_agencies()}")
    if options.learners < 1:
        raise NationalDataError("--learners must be at least 1")
    if not live_courses():
        raise NationalDataError("no live courses with lessons: run `lms courses sync` first")
    if is_present():
        raise NationalDataError(f"national demo data is already present (agencies {PREFIX}…, addresses @{DOMAIN}); "
                                "nothing was written. Start from an empty database to generate it again.")


def _at(seconds: int) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


def _apportion(total: int, weights: list[float], *, minimum: int) -> list[int]:
    """Split `total` in proportion to `weights` (largest remainders), each part at least `minimum`."""
    total -= minimum * len(weights)
    whole = sum(weights)
    shares = [total * w / whole for w in weights]
    parts = [int(s) for s in shares]
    for i in sorted(range(len(weights)), key=lambda i: parts[i] - shares[i])[:total - sum(parts)]:
        parts[i] += 1
    return [p + minimum for p in parts]


class NationalGenerator:
    """Generates the dataset into the current session; see generate()."""

    def __init__(self, options: NationalOptions, *, demo_agency_codes: list[str], admin_email: str,
                 echo: Callable[[str], None]):
        self.options = options
        self.rng = random.Random(options.seed)  # noqa: S311 - demo data must be reproducible, not secret
        self.echo = echo
        self.now = int(datetime.combine(options.today, datetime.min.time(), UTC).timestamp())
        self.start = self.now - HISTORY_DAYS * DAY
        admin = db.session.scalar(select(User).where(User.email == admin_email)) or db.session.scalar(
            select(User).join(UserRole).where(UserRole.role == Role.ADMIN).order_by(User.id).limit(1))
        if admin is None:
            raise NationalDataError("no administrator to author the assignments: run plain `lms demo-data` first")
        self.admin_id = admin.id
        self.demo = list(db.session.scalars(select(Agency).where(Agency.code.in_(demo_agency_codes))
                                            .order_by(Agency.id)))
        # The largest id per table: new rows get explicit ids after it.
        self.ids = {name: db.session.scalar(select(func.max(db.Model.metadata.tables[name].c.id))) or 0
                    for name in ("agencies", "assignments", *TABLES) if name != "user_roles"}
        self.first_ids = dict(self.ids)

    def _made(self, table: str) -> int:
        return self.ids[table] - self.first_ids[table]

    # --- courses -----------------------------------------------------------------------------------------------

    def _courses(self) -> list[CourseSpec]:
        out = []
        for course in live_courses():
            lessons = db.session.execute(select(Lesson.id, Lesson.version).where(
                Lesson.course_id == course.id, Lesson.is_retired.is_(False)).order_by(Lesson.position)).all()
            version = db.session.scalar(select(QuizVersion).where(QuizVersion.course_id == course.id,
                                                                  QuizVersion.is_current.is_(True)))
            quiz = None
            if version is not None:
                settings, questions, mark = version.settings, version.questions, version.pass_mark
                try:
                    passes = attempt_pool(settings, questions, mark, self.rng, passing=True)
                except ValueError as exc:
                    raise NationalDataError(f"course {course.key}: {exc}") from None
                limit = settings.get("time_limit_minutes")
                quiz = QuizSpec(version.id, mark, settings.get("max_attempts"),
                                60 * (settings.get("wait_minutes") or 0), 60 * limit if limit else None, passes,
                                attempt_pool(settings, questions, mark, self.rng, passing=False))
            languages = course.language_list or [course.default_language]
            fallback = "ru" if "ru" in languages else course.default_language
            expiry = None
            if course.has_certificate and course.certificate_valid_months:
                first_day, last_day = self.start // DAY - 1, self.now // DAY + 1
                expiry = {day: add_months(_at(day * DAY), course.certificate_valid_months).date().toordinal()
                          - date(1970, 1, 1).toordinal() for day in range(first_day, last_day)}
            out.append(CourseSpec(
                course.id, course.version, [tuple(row) for row in lessons], quiz,
                {loc: loc if loc in languages else fallback for loc in ("kk", "ru", "en")} | {None: fallback},
                LEVEL_CHANCE.get(course.level, 0.8), course.self_enrollment, course.has_certificate, expiry,
                json.dumps(dict(course.title), ensure_ascii=False), round(course.estimated_minutes / 60, 1),
                course.estimated_minutes))
        return out

    # --- agencies and assignments ------------------------------------------------------------------------------

    def _agencies(self) -> None:
        rng, specs = self.rng, build_tree(self.options.agencies, self.rng)
        first = self.ids["agencies"] + 1
        self.ids["agencies"] += len(specs)
        created = _at(self.start - 60 * DAY)
        db.session.execute(insert(Agency), [
            {"id": first + i, "code": s.code, "parent_id": None if s.parent is None else first + s.parent,
             "name_kk": s.kk, "name_ru": s.ru, "name_en": s.en, "is_active": True, "created_at": created,
             "updated_at": created} for i, s in enumerate(specs)])
        # One list for the generated and the demo agencies: ids, parents (indexes), depth, names (JSON).
        self.ag_ids = [first + i for i in range(len(specs))] + [a.id for a in self.demo]
        index = {agency_id: i for i, agency_id in enumerate(self.ag_ids)}
        self.ag_parent = [s.parent for s in specs] + [index.get(a.parent_id) for a in self.demo]
        self.ag_depth = [s.depth for s in specs] + [0 if a.parent_id is None else 1 for a in self.demo]
        self.ag_names = [json.dumps({"kk": s.kk, "ru": s.ru, "en": s.en}, ensure_ascii=False) for s in specs] + \
            [json.dumps(a.names, ensure_ascii=False) for a in self.demo]
        # Skewed sizes: log-normal weights make a few agencies of several thousand people and many small ones.
        weights = [math.exp(rng.gauss(0, 1.1)) * (2.0, 1.0, 0.8)[s.depth] for s in specs]
        n = self.options.learners
        fixed = [round(n * DEMO_SHARES.get(a.code, 0.002)) for a in self.demo]
        counts = _apportion(n - sum(fixed), weights, minimum=1 if n >= 3 * len(specs) else 0) + fixed
        self.agency_of = [i for i, count in enumerate(counts) for _ in range(count)]
        rng.shuffle(self.agency_of)
        self.echo(f"agencies: {len(specs)} (+{len(self.demo)} demo agencies); largest: {max(counts)} learners")

    def _top_names(self) -> list[str]:
        """Per agency (index), the names (JSON) of the top of its chain, as certificates record them: {} at the top."""
        out = []
        for i in range(len(self.ag_ids)):
            top = i
            while self.ag_parent[top] is not None:
                top = self.ag_parent[top]
            out.append("{}" if top == i else self.ag_names[top])
        return out

    def _assignments(self, courses: list[CourseSpec]) -> None:
        rng, now = self.rng, self.now
        count = min(40, max(20, self.options.agencies // 6))
        pairs: set[tuple[int, int]] = set()
        rows = []
        # The people already there (the demo accounts) keep their own pages as plain `lms demo-data` left them: no
        # assignment goes to their agencies or to any agency above them. One goes to a demo department without
        # them (MDAI-HR next to the demo accounts), so that the demo HR officer's ministry has people overdue.
        taken = set(db.session.scalars(select(User.agency_id).where(User.agency_id.is_not(None)).distinct()))
        index = {agency_id: i for i, agency_id in enumerate(self.ag_ids)}
        blocked: set[int] = set()
        for node in (index[agency_id] for agency_id in taken if agency_id in index):
            while node is not None and node not in blocked:
                blocked.add(node)
                node = self.ag_parent[node]
        candidates = [i for i in range(len(self.ag_ids)) if i not in blocked]
        first_demo = len(self.ag_ids) - len(self.demo)
        demo_free = sorted((i for i in range(first_demo, len(self.ag_ids)) if i not in blocked),
                           key=lambda i: (self.ag_parent[i] is None, i))
        for _attempt in range(count * 20):
            if len(rows) == count:
                break
            course = rng.randrange(len(courses))
            # The first and third assignments (both past their due date) go to that department.
            if len(rows) in (0, 2) and demo_free and (demo_free[0], course) not in pairs:
                agency = demo_free[0]
            else:
                agency = candidates[rng.randrange(len(candidates))]
            if (agency, course) in pairs:
                continue
            pairs.add((agency, course))
            if len(rows) % 2 == 0:  # due in the past: the people who have not completed the course are overdue
                created = now - rng.randint(90, 240) * DAY
                due_day = created + rng.randint(30, (now - created) // DAY - 7) * DAY
            else:
                created = now - rng.randint(5, 80) * DAY
                due_day = now + rng.randint(7, 90) * DAY
            self.ids["assignments"] += 1
            rows.append({"id": self.ids["assignments"], "course_id": courses[course].id,
                         "target_kind": TargetKind.AGENCY,
                         "agency_id": self.ag_ids[agency],
                         "include_subagencies": self.ag_depth[agency] < 2 and rng.random() < 0.6,
                         "recurrence_months": 12 if rng.random() < 0.1 else None, "position": None,
                         "due_at": end_of_day(_at(due_day).date(), self.options.timezone),
                         "created_by_id": self.admin_id, "created_at": _at(created + rng.randint(8, 17) * 3600),
                         "cancelled_at": None, "_agency": agency, "_course": course})
        # Per agency: {course index: (earliest assignment time, its due time)} of the assignments that cover it.
        self.assigned: list[dict[int, tuple[int, int]]] = [{} for _ in self.ag_ids]
        for i in range(len(self.ag_ids)):
            chain, node = [], i
            while node is not None:
                chain.append(node)
                node = self.ag_parent[node]
            for row in rows:
                if row["_agency"] == i or (row["include_subagencies"] and row["_agency"] in chain):
                    times = (int(row["created_at"].timestamp()), int(row["due_at"].timestamp()))
                    old = self.assigned[i].get(row["_course"])
                    self.assigned[i][row["_course"]] = min(old, times) if old else times
        db.session.execute(insert(Assignment), [{k: v for k, v in row.items() if not k.startswith("_")}
                                                for row in rows])
        overdue = sum(row["due_at"].timestamp() < now for row in rows)
        self.echo(f"assignments: {len(rows)} ({overdue} past their due date)")

    # --- the whole run ---------------------------------------------------------------------------------------------

    def run(self) -> dict[str, int]:
        """Generate everything; return the number of rows made per table."""
        began = clock.perf_counter()
        courses = self._courses()
        if not courses:
            raise NationalDataError("no live courses with lessons: run `lms courses sync` first")
        self._agencies()
        self._assignments(courses)
        db.session.flush()
        longest = max((c.expiry[max(c.expiry)] for c in courses if c.expiry), default=self.now // DAY)
        fmt = time_formatter(db.session.connection().dialect.name, _at(self.start - 120 * DAY).date(),
                             date(1970, 1, 1) + timedelta(days=max(longest, self.now // DAY + 400)))
        taken: dict[int, set[int]] = {}
        for number, index in db.session.execute(select(Certificate.status_list, Certificate.status_index)):
            taken.setdefault(number, set()).add(index)
        world = World(self.now, self.start, fmt, courses, self.ag_ids, self.ag_names, self.agency_of, self.assigned,
                      self.admin_id, top_agency_names=self._top_names(), status_taken=taken)
        learners = LearnerRows(self.rng, world, self.ids)
        n = self.options.learners
        report_every = max(1, n // 5 // LEARNER_BATCH) * LEARNER_BATCH
        with BulkWriter(db.session, TABLES) as writer:
            for first in range(0, n, LEARNER_BATCH):
                stop = min(n, first + LEARNER_BATCH)
                writer.write(learners.batch(first, stop))
                if stop < n and stop % report_every == 0:
                    self.echo(f"  … {stop} learners, {self._made('enrollments')} enrolments "
                              f"({clock.perf_counter() - began:.0f} s)")
            self.echo(f"learners: {n} ({clock.perf_counter() - began:.0f} s); rebuilding indexes")
            writer.finish(dict(self.ids))  # every table given explicit ids, agencies and assignments included
        counts = {name: self._made(name) for name in self.ids} | {"revoked": learners.revoked}
        self.echo(f"enrolments: {counts['enrollments']}, lesson progress: {counts['lesson_progress']}, "
                  f"quiz attempts: {counts['quiz_attempts']}, completions: {counts['course_completions']}, "
                  f"certificates: {counts['certificates']} ({learners.revoked} revoked)")
        self.echo(f"generated in {clock.perf_counter() - began:.1f} s")
        return counts


def generate(options: NationalOptions, *, demo_agency_codes: list[str], admin_email: str,
             echo: Callable[[str], None] = print) -> dict[str, int]:
    """Generate the dataset in the current transaction (the caller commits); return the rows made per table."""
    check_can_generate(options)
    db.session.flush()
    return NationalGenerator(options, demo_agency_codes=demo_agency_codes, admin_email=admin_email, echo=echo).run()
