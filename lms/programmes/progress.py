"""Where a learner stands in a programme, worked out from the courses they have done: pure, no database."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class CourseDone:
    """A course that counts for programmes: completed (and, when it gives a certificate, certified and valid)."""

    key: str
    completed_at: datetime
    #: The serial of the valid course certificate (None: the course gives none).
    serial: str | None = None
    study_minutes: int = 0


@dataclass(frozen=True)
class GroupProgress:
    """An "any N of these" group: its title, how many it needs, and which of its courses are done."""

    title: dict
    pick: int
    courses: tuple[str, ...]
    done: tuple[str, ...]

    @property
    def is_complete(self) -> bool:
        """True when at least `pick` of the group's courses are done."""
        return len(self.done) >= self.pick

    @property
    def counted(self) -> int:
        """How many of the group's courses count (never more than it needs)."""
        return min(len(self.done), self.pick)


@dataclass(frozen=True)
class ProgrammeProgress:
    """A learner's progress in one programme."""

    required: tuple[str, ...]
    required_done: tuple[str, ...]
    groups: tuple[GroupProgress, ...]
    #: The course to take next (the first required course not done, else a course of the first incomplete group).
    next_course: str | None
    #: The courses that make the programme complete, as evidence (required ones, then each group's first `pick`).
    evidence: tuple[CourseDone, ...] = field(default_factory=tuple)

    @property
    def is_complete(self) -> bool:
        """True when every required course is done and every group has its N."""
        return len(self.required_done) == len(self.required) and all(g.is_complete for g in self.groups)

    @property
    def is_started(self) -> bool:
        """True when any course of the programme is done."""
        return bool(self.required_done) or any(g.done for g in self.groups)

    @property
    def steps_total(self) -> int:
        """Courses the programme needs: every required one plus each group's N."""
        return len(self.required) + sum(g.pick for g in self.groups)

    @property
    def steps_done(self) -> int:
        """Of steps_total, how many are done."""
        return len(self.required_done) + sum(g.counted for g in self.groups)


def programme_progress(structure: dict, done: dict[str, CourseDone]) -> ProgrammeProgress:
    """Progress in a programme whose stored `structure` is {"courses": [...], "groups": [...]}, given the courses
    that count as done (course key -> CourseDone)."""
    required = tuple(structure.get("courses", []))
    required_done = tuple(key for key in required if key in done)
    groups = []
    evidence = [done[key] for key in required_done]
    next_course = next((key for key in required if key not in done), None)
    for group in structure.get("groups", []):
        keys = tuple(group["courses"])
        group_done = tuple(key for key in keys if key in done)
        progress = GroupProgress(title=group.get("title", {}), pick=group["pick"], courses=keys, done=group_done)
        groups.append(progress)
        evidence += [done[key] for key in group_done[: progress.pick]]
        if next_course is None and not progress.is_complete:
            next_course = next((key for key in keys if key not in done), None)
    return ProgrammeProgress(required=required, required_done=required_done, groups=tuple(groups),
                             next_course=next_course, evidence=tuple(evidence))
