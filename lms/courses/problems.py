"""Problems found in course files (path:line: message) and the helpers that read files while collecting them."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, ValidationError

from lms.courses import content as c
from lms.courses import yamlfile
from lms.questions.spec import texts  # noqa: F401 - the loader reads texts from here with the other helpers

TEXT_MAX_BYTES = 1024 * 1024


def _shown(path: Path) -> str:
    # Relative to the working directory when the file is below it, as editors and CI logs expect.
    try:
        return str(Path(path).resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


@dataclass(frozen=True)
class Problem:
    """One problem in the content files."""

    path: Path
    line: int
    message: str
    is_error: bool = True
    #: A stable name for the kind of problem, where one exists (`yaml`, `schema.missing`, ...), for tools.
    code: str | None = None

    def __str__(self) -> str:
        prefix = "" if self.is_error else "warning: "
        return f"{_shown(self.path)}:{self.line}: {prefix}{self.message}"

    def as_dict(self) -> dict:
        """The problem for `lms courses check --format json`: path (as printed), line, severity, message, code."""
        return {"path": _shown(self.path), "line": self.line, "severity": "error" if self.is_error else "warning",
                "message": self.message, "code": self.code}


class Collector:
    def __init__(self, problems: list[Problem]):
        self.problems = problems

    def error(self, path: Path, line: int, message: str, *, code: str | None = None) -> None:
        self.problems.append(Problem(path, line, message, code=code))

    def warning(self, path: Path, line: int, message: str, *, code: str | None = None) -> None:
        self.problems.append(Problem(path, line, message, is_error=False, code=code))


def read_text(path: Path, out: Collector) -> str | None:
    try:
        size = path.stat().st_size
    except OSError as exc:
        out.error(path, 1, f"cannot read the file: {exc.strerror}")
        return None
    if size > TEXT_MAX_BYTES:
        out.error(path, 1, f"the file is {size} bytes; the limit is {TEXT_MAX_BYTES}")
        return None
    try:
        # Editors on Windows save UTF-8 with a byte-order mark; it is not part of the text (YAML skips it too, and a
        # lesson's front matter must still be found at the very start).
        return path.read_text(encoding="utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        out.error(path, 1, f"not UTF-8 text (byte {exc.start})")
        return None


def parse(spec: type[BaseModel], doc: yamlfile.Document, path: Path, out: Collector, base: tuple = ()):
    try:
        return spec.model_validate(doc.data if doc.data is not None else {})
    except ValidationError as exc:
        for err in exc.errors():
            loc = (*base, *err["loc"])
            where = ".".join(str(part) for part in err["loc"]) or "file"
            message = "unknown key" if err["type"] == "extra_forbidden" else err["msg"]
            if err["type"] == "missing":
                message = "missing key"
            out.error(path, doc.line_of(loc), f"{where}: {message}", code=f"schema.{err['type']}")
        return None


def load_yaml(path: Path, out: Collector, *, first_line: int = 1, text: str | None = None):
    text = read_text(path, out) if text is None else text
    if text is None:
        return None
    try:
        return yamlfile.load(text, first_line=first_line)
    except yamlfile.YAMLProblem as exc:
        out.error(path, exc.line, exc.message, code="yaml")
        return None


def ai_content(spec) -> c.AIContent | None:
    return c.AIContent(spec.kind, spec.tool, spec.reviewer) if spec else None


