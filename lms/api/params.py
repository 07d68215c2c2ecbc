"""The query parameters of the reports API, declared once: the OpenAPI document shows these declarations and the API
checks every request against them, so that the two cannot drift apart.

One rule for every parameter: a parameter left out takes its default; a parameter given must hold a valid value.
An empty value (`to=`), a value with spaces around it, a parameter given twice, a parameter the operation does not
declare, or anything outside the declared type, format, range or list of values is refused with 400.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from lms.agencies.importer import CODE_RE
from lms.i18n import LANGUAGE_NAMES
from lms.reports.filters import STATUSES

MAX_LIMIT = 1000
#: Cursors (enrolment ids) and offsets are 32-bit integers, like the id columns: PostgreSQL refuses a larger
#: value for them rather than comparing it.
MAX_POSITION = 2**31 - 1
#: A course id as course files write it (lms/courses/schema.py).
COURSE_ID_PATTERN = r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$"
_INTEGER = re.compile(r"-?[0-9]{1,40}")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


class QueryError(Exception):
    """A query parameter breaks its declaration (answered with 400 and `message`, in English like the API's other
    errors: the readers are the developers of BI tools)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Param:
    """One query parameter: `kind` is "string" (with `pattern`), "enum", "course", "integer" or "date"."""

    name: str
    description: str
    kind: str
    values: tuple[str, ...] = ()
    pattern: str | None = None
    minimum: int | None = None
    maximum: int | None = None
    default: int | str | None = None
    #: What a "string" value looks like, for the error message.
    form: str = ""

    def schema(self, course_keys: Iterable[str] = ()) -> dict:
        """The JSON Schema of the parameter's value; `course_keys` are the ids the "course" kind accepts."""
        if self.kind == "enum":
            schema: dict = {"type": "string", "enum": list(self.values)}
        elif self.kind == "course":
            keys = sorted(course_keys)
            schema = {"type": "string", "enum": keys} if keys else {"type": "string", "pattern": COURSE_ID_PATTERN}
        elif self.kind == "integer":
            schema = {"type": "integer", "format": "int32", "minimum": self.minimum, "maximum": self.maximum}
        elif self.kind == "date":
            schema = {"type": "string", "format": "date"}
        else:
            schema = {"type": "string", "pattern": self.pattern}
        if self.default is not None:
            schema["default"] = self.default
        return schema

    def openapi(self, course_keys: Iterable[str] = ()) -> dict:
        """The parameter object of the OpenAPI document."""
        return {"name": self.name, "in": "query", "required": False, "description": self.description,
                "schema": self.schema(course_keys)}

    def parse(self, raw: str, course_keys: Collection[str] = ()) -> str | int:
        """The value of `raw` (a string as sent); raise QueryError when it breaks the declaration."""
        if raw == "":
            raise QueryError(f"{self.name} must not be empty: leave the parameter out for its default.")
        if self.kind == "enum":
            if raw not in self.values:
                raise QueryError(f"Unknown {self.name} “{raw[:40]}”: use one of {', '.join(self.values)}.")
            return raw
        if self.kind == "integer":
            value = int(raw) if _INTEGER.fullmatch(raw) else None
            if value is None or not self.minimum <= value <= self.maximum:
                raise QueryError(f"{self.name} must be a whole number from {self.minimum} to {self.maximum}.")
            return value
        if self.kind == "date":
            try:
                if _DATE.fullmatch(raw):
                    date.fromisoformat(raw)
                    return raw
            except ValueError:
                pass
            raise QueryError(f"{self.name} must be a date written YYYY-MM-DD.")
        if self.kind == "course":
            if raw not in course_keys:
                raise QueryError(f"There is no course “{raw[:64]}”: {self.name} must be one of the course ids "
                                 f"listed in the document.")
        elif not re.fullmatch(self.pattern, raw):
            raise QueryError(f"{self.name} must be {self.form}.")
        return raw


_LANGUAGES = tuple(LANGUAGE_NAMES)

#: The filters every report operation takes (the same ones as the report pages).
FILTERS = (
    Param("agency", "Agency code. Default: the caller's whole scope (the country, or an HR officer's agency). "
          "An agency that does not exist or lies outside the caller's scope gives 404.", "string",
          pattern=CODE_RE.pattern, form="an agency code: 1-64 letters, digits, dots, dashes or underscores"),
    Param("include_sub", "Include sub-agencies (1, default) or only the agency's own people (0).", "enum",
          values=("1", "0"), default="1"),
    Param("course", "Course id (as in the course files); every course of the platform is listed.", "course"),
    Param("status", "Detail rows only: where the learner stands.", "enum", values=STATUSES),
    Param("from", "Only enrolments made or completed on or after this day (in the platform's time zone). "
          "Must not be after `to` (400).", "date"),
    Param("to", "Only enrolments made or completed on or before this day (in the platform's time zone).", "date"),
    Param("language", "Only completions in this language.", "enum", values=_LANGUAGES),
    Param("lang", "Language of names and titles in the answer (default en).", "enum", values=_LANGUAGES,
          default="en"),
)
LIMIT = Param("limit", f"Rows or items per page (1-{MAX_LIMIT}, default 500).", "integer", minimum=1,
              maximum=MAX_LIMIT, default=500)
#: The parameters of each operation, by its path under /api/v1.
OPERATIONS: dict[str, tuple[Param, ...]] = {
    "/agencies/summary": FILTERS,
    "/courses/summary": FILTERS,
    "/rows": (*FILTERS, LIMIT, Param("cursor", "next_cursor of the previous page (an enrolment id; default 0, the "
                                              "first page).", "integer", minimum=0, maximum=MAX_POSITION, default=0)),
    "/overdue": (*FILTERS, LIMIT, Param("offset", "next_offset of the previous page (default 0, the first page).",
                                        "integer", minimum=0, maximum=MAX_POSITION, default=0)),
}


def check_query(args, params: Iterable[Param], course_keys: Collection[str]) -> dict[str, str | int]:
    """Check the query string `args` (a MultiDict) against `params`; return the value of each parameter given,
    and the default of each parameter left out that has one.

    `course_keys` are the course ids there are (the document's list). Raises QueryError, also for a parameter
    the operation does not declare: a misspelt filter (`form=`) would otherwise be dropped without a word and the
    answer would look right.
    """
    params = tuple(params)
    known = {param.name for param in params}
    for name in args:
        if name not in known:
            raise QueryError(f"Unknown parameter “{name[:40]}”: this operation takes {', '.join(sorted(known))}.")
    values: dict[str, str | int] = {}
    for param in params:
        given = args.getlist(param.name)
        if len(given) > 1:
            raise QueryError(f"{param.name} may be given only once.")
        if given:
            values[param.name] = param.parse(given[0], course_keys)
        elif param.default is not None:
            values[param.name] = param.default
    # The one rule between parameters (ISO dates compare as text); checked before any lookup, like the others.
    if "from" in values and "to" in values and str(values["from"]) > str(values["to"]):
        raise QueryError("from must not be after to.")
    return values


def filter_args(values: Mapping[str, str | int]) -> dict[str, str]:
    """The checked values that parse_filters() reads."""
    return {param.name: str(values[param.name]) for param in FILTERS if param.name in values and param.name != "lang"}
