"""The OpenAPI 3.1 description of the reports API, served at /api/v1/openapi.json.

Built from the declarations the API checks requests against (api_params) and from the column and status lists the
answers are made of, so that the document says what the API does; tests/api/test_api_schema.py runs
schemathesis against the two.
"""

from __future__ import annotations

from collections.abc import Iterable

from lms.api.params import OPERATIONS
from lms.courses.ai_marks import SOURCE_TYPES
from lms.reports.rows import COLUMNS, OVERDUE_COLUMNS

COUNT_FIELDS = ["headcount", "enrolled", "not_started", "in_progress", "completed", "certified",
                "certified_people", "overdue"]
#: Every answer echoes the filters it applied, with the defaults left out.
FILTER_ECHO = ["agency", "include_sub", "course", "status", "from", "to", "language"]

#: Error answers: (status, component name, when).
ERRORS = [
    (400, "BadRequest", "A parameter is unknown, empty, given twice, malformed or out of range, the course does "
                        "not exist, or `from` is after `to`; `error` says which."),
    (401, "Unauthorized", "No valid token (missing, unknown, revoked, expired, or its owner is deactivated)."),
    (403, "Forbidden", "The token's owner may not see reports."),
    (404, "NotFound", "No such agency within the caller's scope."),
    (429, "TooManyRequests", "Too many requests for this token; wait and try again."),
]


def _object(properties: dict, *, required: Iterable[str] | None = None) -> dict:
    # Every answer is closed: a field the document does not name is a disagreement schemathesis reports.
    return {"type": "object", "properties": properties,
            "required": list(properties if required is None else required), "additionalProperties": False}


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _responses(schema_ref: str, description: str) -> dict:
    ok = {"description": description, "content": {"application/json": {"schema": _ref(schema_ref)}}}
    return {"200": ok, **{str(status): {"$ref": f"#/components/responses/{name}"} for status, name, _ in ERRORS}}


def _error_response(status: int, description: str) -> dict:
    response = {"description": description, "content": {"application/json": {"schema": _object({
        "error": {"type": "string", "description": "What was wrong, in a sentence."},
        "status": {"type": "integer", "const": status}})}}}
    if status == 401:
        response["headers"] = {"WWW-Authenticate": {"required": True, "schema": {"type": "string"},
                                                    "description": 'Bearer realm="lms"'}}
    return response


#: A field saying whether the content field next to it is AI-made: an IPTC digital source type URI, or "" when not.
AI_GENERATED = {"type": "string", "enum": ["", *SOURCE_TYPES.values()],
                "description": "IPTC digital source type of the AI-content declaration of the content field it "
                               "follows (trainedAlgorithmicMedia: AI-generated, compositeWithTrainedAlgorithmicMedia: "
                               "AI-assisted); empty when it is not AI-made."}


def _schemas() -> dict:
    integer = {"type": "integer", "minimum": 0}
    counts = dict.fromkeys(COUNT_FIELDS, integer)
    rate = {"type": ["number", "null"], "minimum": 0, "maximum": 100,
            "description": "Completed enrolments as a percentage of enrolments, one decimal; null with none."}
    day = {"type": "string", "description": "YYYY-MM-DD, or empty when there is none."}
    named = {"code": {"type": "string"}, "name": {"type": "string"}}
    return {
        "Filters": _object({name: {"type": "string"} for name in FILTER_ECHO}, required=()),
        "Counts": _object({**counts, "completion_rate": rate}),
        "AgencyCounts": _object({**named, "has_children": {"type": "boolean"}, **counts, "completion_rate": rate}),
        "CourseCounts": _object({"course_id": {"type": "string"}, "title": {"type": "string"},
                                 "title_ai_generated": AI_GENERATED, "retired": {"type": "boolean"},
                                 **{name: integer for name in COUNT_FIELDS if name != "headcount"},
                                 "completion_rate": rate}),
        "Target": _object({"percent": {"type": "integer", "minimum": 1, "maximum": 100},
                           "due_on": {"type": "string", "format": "date"},
                           "course_id": {"type": ["string", "null"]}, "headcount": integer,
                           "certified_people": integer}),
        "AgencySummary": _object({
            "filters": _ref("Filters"),
            "agency": {"oneOf": [_object(named), {"type": "null"}],
                       "description": "The agency asked for (or the HR officer's own); null for the whole country."},
            "total": _ref("Counts"),
            "own": {"oneOf": [_ref("Counts"), {"type": "null"}],
                    "description": "The agency's own people, without sub-agencies; null for the whole country."},
            "agencies": {"type": "array", "items": _ref("AgencyCounts")},
            "target": {"oneOf": [_ref("Target"), {"type": "null"}]}}),
        "CourseSummary": _object({"filters": _ref("Filters"),
                                  "courses": {"type": "array", "items": _ref("CourseCounts")}}),
        "Row": _object({key: {"type": "integer", "minimum": 0} if key in ("lessons_done", "lessons_total")
                        else AI_GENERATED if key == "course_ai_generated"
                        else (day if key.endswith("_on") else {"type": "string"}) for key, _ in COLUMNS}),
        "Rows": _object({"filters": _ref("Filters"), "rows": {"type": "array", "items": _ref("Row")},
                         "next_cursor": {"type": ["integer", "null"], "minimum": 0,
                                         "description": "Pass as `cursor` for the next page; null on the last."}}),
        "OverdueItem": _object({key: day if key == "due_on" else {"type": "string"} for key, _ in OVERDUE_COLUMNS}),
        "Overdue": _object({"filters": _ref("Filters"), "items": {"type": "array", "items": _ref("OverdueItem")},
                            "next_offset": {"type": ["integer", "null"], "minimum": 0,
                                            "description": "Pass as `offset` for the next page; null on the last."}}),
    }


def openapi_document(course_keys: Iterable[str] = (), *, server: str = "/api/v1") -> dict:
    """The document; `course_keys` are the course ids the `course` parameter accepts (every course's key), `server`
    the API's base URL."""
    course_keys = sorted(course_keys)
    summaries = {"/agencies/summary": ("Counts for an agency (rolled up) and for each sub-agency", "AgencySummary",
                                       "Summary"),
                 "/courses/summary": ("Counts per course", "CourseSummary", "Summary"),
                 "/rows": ("Detail rows, one per enrolment, in pages", "Rows", "A page of rows"),
                 "/overdue": ("Mandatory training past its due date", "Overdue", "A page of overdue items")}
    paths = {path: {"get": {"summary": summary,
                            "parameters": [param.openapi(course_keys) for param in OPERATIONS[path]],
                            "responses": _responses(schema, description)}}
             for path, (summary, schema, description) in summaries.items()}
    paths["/openapi.json"] = {"get": {"summary": "This document", "security": [], "responses": {"200": {
        "description": "OpenAPI document", "content": {"application/json": {"schema": {"type": "object"}}}}}}}
    return {
        "openapi": "3.1.0",
        "info": {"title": "AI-competency LMS reports API", "version": "1",
                 "description": "Read-only training reports for BI tools. Create a personal token on the "
                                "'API tokens' page and send it as `Authorization: Bearer <token>`. Every call "
                                "sees only what the token's owner may see. A query parameter left out takes its "
                                "default; one that is given must hold a valid value: an empty value, a value "
                                "with spaces around it, a parameter given twice or one the operation does not "
                                "list is refused with 400."},
        "servers": [{"url": server}],
        "security": [{"bearer": []}],
        "paths": paths,
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "responses": {name: _error_response(status, text) for status, name, text in ERRORS},
            "schemas": _schemas(),
        },
    }
