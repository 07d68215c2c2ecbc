"""Programme files (courses/programmes/<id>.yml) -> Programme dataclasses, problems as path:line: message.

A programme names courses by their stable ids: the required ones in order, and optional groups ("any 2 of these 4").
It is checked against the courses loaded from the same folder, so a course id that is not there (a typo, or a course
whose folder was removed and is retired by the next sync) is an error.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from lms.courses import content as c
from lms.courses import schema
from lms.courses.problems import Collector, load_yaml, parse, texts

#: The folder, inside the courses folder, that holds programme files; it is not a course folder.
PROGRAMMES_DIR = "programmes"


@dataclass(frozen=True)
class ProgrammeGroup:
    """Optional courses of a programme: any `pick` of `courses` complete the group."""

    title: c.Texts
    pick: int
    courses: tuple[str, ...]


@dataclass(frozen=True)
class Programme:
    """A programme as its file describes it."""

    id: str
    path: Path
    default_language: str
    title: c.Texts
    summary: c.Texts
    courses: tuple[str, ...]
    groups: tuple[ProgrammeGroup, ...] = ()
    certificate: bool = False
    certificate_valid_months: int | None = None

    @property
    def structure(self) -> dict:
        """The stored form of what the programme asks for (Programme.structure in the database)."""
        return {"courses": list(self.courses),
                "groups": [{"title": dict(g.title), "pick": g.pick, "courses": list(g.courses)} for g in self.groups]}


def load_programmes(folder: Path, course_ids: set[str], out: Collector) -> list[Programme]:
    """Load every `*.yml` in `folder` (courses/programmes/); report problems to `out`; skip unusable programmes."""
    programmes: list[Programme] = []
    if not folder.is_dir():
        return programmes
    seen: dict[str, Path] = {}
    for path in sorted(folder.iterdir()):
        if path.name.startswith(".") or path.is_dir():
            continue
        if path.is_symlink() or not path.is_file():
            out.error(path, 1, f"{path.name} is not a regular file")
            continue
        if path.suffix not in (".yml", ".yaml"):
            out.warning(path, 1, f"{path.name} is not a .yml file, so it is not loaded as a programme")
            continue
        programme = load_programme(path, course_ids, out)
        if programme is None:
            continue
        if programme.id in seen:
            out.error(path, 1, f"programme id {programme.id!r} is already used by {seen[programme.id]}",
                      code="programme.duplicate-id")
            continue
        seen[programme.id] = path
        programmes.append(programme)
    return programmes


def load_programme(path: Path, course_ids: set[str], out: Collector) -> Programme | None:
    """Load one programme file; None when it has errors."""
    errors_before = len([p for p in out.problems if p.is_error])
    doc = load_yaml(path, out)
    if doc is None:
        return None
    spec = parse(schema.ProgrammeSpec, doc, path, out)
    if spec is None:
        return None
    default = spec.default_language
    title, summary = texts(spec.title, default), texts(spec.summary, default)
    _check_texts(path, doc, out, ("title",), title, default)
    _check_texts(path, doc, out, ("summary",), summary, default)
    if path.stem != spec.id:
        out.warning(path, doc.line_of(("id",)), f"the file is named {path.name}, but the programme id is "
                                                f"{spec.id!r}; name it {spec.id}.yml")
    listed: dict[str, int] = {}

    def take(course_id: str, where: tuple) -> None:
        line = doc.line_of(where)
        if course_id not in course_ids:
            out.error(path, line, f"course {course_id!r} does not exist in the courses folder (a typo, or a "
                                  "removed course, which a sync retires)", code="programme.unknown-course")
        elif course_id in listed:
            out.error(path, line, f"course {course_id!r} is named twice in this programme (first on line "
                                  f"{listed[course_id]})", code="programme.course-twice")
        else:
            listed[course_id] = line

    for i, course_id in enumerate(spec.courses):
        take(course_id, ("courses", i))
    groups = []
    for g, group in enumerate(spec.groups):
        for i, course_id in enumerate(group.courses):
            take(course_id, ("groups", g, "courses", i))
        if group.pick > len(group.courses):
            out.error(path, doc.line_of(("groups", g, "pick")),
                      f"pick: {group.pick} is more than the group's {len(group.courses)} course(s)",
                      code="programme.pick-too-large")
        group_title = texts(group.title, default)
        _check_texts(path, doc, out, ("groups", g, "title"), group_title, default)
        groups.append(ProgrammeGroup(title=group_title, pick=group.pick, courses=tuple(group.courses)))
    if not spec.courses and not spec.groups:
        out.error(path, doc.line_of(("courses",)), "a programme needs at least one course or group",
                  code="programme.empty")
    if spec.certificate_valid_months is not None and not spec.certificate:
        out.warning(path, doc.line_of(("certificate_valid_months",)),
                    "certificate_valid_months has no effect without certificate: true")
    if len([p for p in out.problems if p.is_error]) > errors_before:
        return None
    return Programme(id=spec.id, path=path, default_language=default, title=title, summary=summary,
                     courses=tuple(spec.courses), groups=tuple(groups), certificate=spec.certificate,
                     certificate_valid_months=spec.certificate_valid_months)


def _check_texts(path: Path, doc, out: Collector, where: tuple, values: dict, default: str) -> None:
    line = doc.line_of(where)
    name = ".".join(str(part) for part in where)
    if default not in values:
        out.error(path, line, f"{name} needs a text in the default language ({default})")
    for lang in c.LANGUAGES:
        if lang not in values and lang != default:
            out.warning(path, line, f"{name} has no {lang} text", code="translation.missing")
