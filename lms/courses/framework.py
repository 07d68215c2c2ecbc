"""The competency framework file (courses/competencies.yml) -> Framework dataclass, and the checks of the competencies
that courses and quiz questions name against it; every problem as path:line: message. No Flask, no database."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

from pydantic import Field

from lms.courses import content as c
from lms.courses.problems import Collector, load_yaml, parse
from lms.questions.spec import Id, Lang, Strict, Text

FILE = "competencies.yml"


class LevelSpec(Strict):
    level: Annotated[int, Field(ge=1, le=10)]
    title: dict[Lang, Text]
    description: dict[Lang, Text] = {}


class AreaSpec(Strict):
    id: Id
    title: dict[Lang, Text]


class CompetencySpec(Strict):
    id: Id
    area: Id
    title: dict[Lang, Text]
    description: dict[Lang, Text] = {}


class FrameworkSpec(Strict):
    levels: Annotated[list[LevelSpec], Field(min_length=1, max_length=10)]
    areas: Annotated[list[AreaSpec], Field(min_length=1, max_length=100)]
    competencies: Annotated[list[CompetencySpec], Field(min_length=1, max_length=1_000)]


@dataclass(frozen=True)
class FrameworkLevel:
    """A proficiency level: its number (1 = the lowest), name and descriptor per language."""

    level: int
    title: c.Texts
    description: c.Texts


@dataclass(frozen=True)
class FrameworkArea:
    """An area of competencies; its id is a course's `competency_area`."""

    id: str
    title: c.Texts


@dataclass(frozen=True)
class FrameworkCompetency:
    """A competency: a stable id, its area and its texts."""

    id: str
    area: str
    title: c.Texts
    description: c.Texts


@dataclass(frozen=True)
class Framework:
    """The competency framework as its file describes it."""

    path: Path
    levels: tuple[FrameworkLevel, ...]
    areas: tuple[FrameworkArea, ...]
    competencies: tuple[FrameworkCompetency, ...]

    @property
    def top_level(self) -> int:
        """The highest level number."""
        return max(level.level for level in self.levels)

    @property
    def competency_ids(self) -> set[str]:
        """Every competency id."""
        return {competency.id for competency in self.competencies}


def framework_path(root: Path) -> Path:
    """Where the framework of the courses under `root` lives: beside the course folders (the parent of a single
    course folder)."""
    root = Path(root)
    return (root.parent if (root / "course.yml").exists() else root) / FILE


def load_framework(path: Path, out: Collector) -> Framework | None:
    """The framework in `path`, or None (no file, or one with errors: these go to `out`)."""
    if not path.is_file():
        return None
    errors_before = len([p for p in out.problems if p.is_error])
    doc = load_yaml(path, out)
    if doc is None:
        return None
    spec = parse(FrameworkSpec, doc, path, out)
    if spec is None:
        return None
    numbers = [level.level for level in spec.levels]
    for i, level in enumerate(spec.levels):
        if numbers.index(level.level) != i:
            out.error(path, doc.line_of(("levels", i, "level")), f"level {level.level} is defined twice")
        _warn_missing(level.title, ("levels", i, "title"), f"level {level.level} title", doc, path, out)
        _warn_missing(level.description, ("levels", i, "description"), f"level {level.level} description", doc,
                      path, out)
    if sorted(set(numbers)) != list(range(1, len(set(numbers)) + 1)):
        out.error(path, doc.line_of(("levels",)), "levels must be numbered 1, 2, 3 ... without gaps")
    areas: dict[str, int] = {}
    for i, area in enumerate(spec.areas):
        if area.id in areas:
            out.error(path, doc.line_of(("areas", i, "id")), f"area id {area.id!r} is used twice")
        areas.setdefault(area.id, i)
        _warn_missing(area.title, ("areas", i, "title"), f"area {area.id!r} title", doc, path, out)
    for missing in [str(a) for a in c.COMPETENCY_AREAS if a not in areas]:
        out.error(path, doc.line_of(("areas",)), f"area {missing!r} (a course competency_area) is missing: "
                                                 "every course area needs its area in the framework")
    seen: set[str] = set()
    for i, competency in enumerate(spec.competencies):
        where = ("competencies", i)
        if competency.id in seen:
            out.error(path, doc.line_of((*where, "id")), f"competency id {competency.id!r} is used twice")
        seen.add(competency.id)
        if competency.area not in areas:
            out.error(path, doc.line_of((*where, "area")),
                      f"competency {competency.id!r} names an unknown area {competency.area!r}")
        _warn_missing(competency.title, (*where, "title"), f"competency {competency.id!r} title", doc, path, out)
        _warn_missing(competency.description, (*where, "description"), f"competency {competency.id!r} description",
                      doc, path, out)
    if len([p for p in out.problems if p.is_error]) > errors_before:
        return None
    return Framework(
        path=path,
        levels=tuple(FrameworkLevel(s.level, dict(s.title), dict(s.description))
                     for s in sorted(spec.levels, key=lambda s: s.level)),
        areas=tuple(FrameworkArea(s.id, dict(s.title)) for s in spec.areas),
        competencies=tuple(FrameworkCompetency(s.id, s.area, dict(s.title), dict(s.description))
                           for s in spec.competencies))


def _warn_missing(values: dict, where: tuple, label: str, doc, path: Path, out: Collector) -> None:
    for lang in c.LANGUAGES:
        if values and lang not in values:
            out.warning(path, doc.line_of(where), f"{label} has no {lang} text", code="translation")
    if not values and where[-1] == "description":
        out.warning(path, doc.line_of(where[:-1]), f"{label} is missing", code="translation")


def competency_refs(specs, where: tuple, doc, path: Path, out: Collector,
                    framework: Framework | None, *, missing_framework: bool = True) -> tuple[tuple[str, int], ...]:
    """The (id, level) pairs of a `competencies:` list at `where` in `doc`, checked against `framework`: an unknown
    competency, a level above the framework's or a competency named twice is an error; without a framework file
    the list is taken unchecked, with a warning."""
    refs: list[tuple[str, int]] = []
    for i, ref in enumerate(specs):
        line = doc.line_of((*where, i))
        if framework is None:
            # A warning, not an error: a course folder copied on its own (a test, a review) still loads.
            if missing_framework and i == 0:
                out.warning(path, line, f"the competencies are not checked: there is no {FILE} beside the course "
                            "folders", code="competency.no-framework")
            refs.append((ref.id, ref.level))
            continue
        if ref.id not in framework.competency_ids:
            out.error(path, line, f"unknown competency {ref.id!r} (not in {FILE})", code="competency.unknown")
            continue
        if ref.level > framework.top_level:
            out.error(path, doc.line_of((*where, i, "level")),
                      f"competency {ref.id!r}: level {ref.level} is above the framework's top level "
                      f"{framework.top_level}", code="competency.level")
            continue
        if any(ref.id == known for known, _level in refs):
            out.error(path, line, f"competency {ref.id!r} is named twice", code="competency.duplicate")
            continue
        refs.append((ref.id, ref.level))
    return tuple(refs)


def check_area(area: str, line: int, path: Path, out: Collector, framework: Framework | None) -> None:
    """A course's competency_area must be an area of the framework (when there is one)."""
    if framework is not None and area not in {a.id for a in framework.areas}:
        out.error(path, line, f"competency_area {area!r} is not an area of {FILE}", code="competency.area")
