"""The OpenAPI 3.1 description of the reports API, served at /api/v1/openapi.json."""

from __future__ import annotations

from lms.courses.ai_marks import SOURCE_TYPES
from lms.reports.export import COLUMNS
from lms.reports.filters import STATUSES

COUNT_FIELDS = ["headcount", "enrolled", "not_started", "in_progress", "completed", "certified",
                "certified_people", "overdue"]


def _param(name: str, description: str, schema: dict) -> dict:
    return {"name": name, "in": "query", "required": False, "description": description, "schema": schema}


FILTERS = [
    _param("agency", "Agency code. Default: the caller's whole scope (the country, or an HR officer's agency).",
           {"type": "string"}),
    _param("include_sub", "Include sub-agencies (1, default) or only the agency's own people (0).",
           {"type": "string", "enum": ["1", "0"]}),
    _param("course", "Course id (as in the course files).", {"type": "string"}),
    _param("status", "Detail rows only: where the learner stands.", {"type": "string", "enum": list(STATUSES)}),
    _param("from", "Only enrolments made or completed on or after this day.", {"type": "string", "format": "date"}),
    _param("to", "Only enrolments made or completed on or before this day.", {"type": "string", "format": "date"}),
    _param("language", "Only completions in this language.", {"type": "string", "enum": ["kk", "ru", "en"]}),
    _param("lang", "Language of names and titles in the answer (default en).",
           {"type": "string", "enum": ["kk", "ru", "en"]}),
]


def _ok(schema_ref: str, description: str) -> dict:
    return {
        "200": {"description": description,
                "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema_ref}"}}}},
        "400": {"$ref": "#/components/responses/BadRequest"},
        "401": {"$ref": "#/components/responses/Unauthorized"},
        "404": {"$ref": "#/components/responses/NotFound"},
        "429": {"description": "Too many requests for this token."},
    }


#: A field saying whether the content field next to it is AI-made: an IPTC digital source type URI, or "" when not.
AI_GENERATED = {"type": "string", "enum": ["", *SOURCE_TYPES.values()],
                "description": "IPTC digital source type of the AI-content declaration of the content field it "
                               "follows (trainedAlgorithmicMedia: AI-generated, compositeWithTrainedAlgorithmicMedia: "
                               "AI-assisted); empty when it is not AI-made."}


def openapi_document() -> dict:
    """The document (built from the same column and status lists the code uses)."""
    counts = {"type": "object", "properties": {**{name: {"type": "integer"} for name in COUNT_FIELDS},
                                               "completion_rate": {"type": ["number", "null"]}}}
    error = {"type": "object", "properties": {"error": {"type": "string"}, "status": {"type": "integer"}}}
    return {
        "openapi": "3.1.0",
        "info": {"title": "AI-competency LMS reports API", "version": "1",
                 "description": "Read-only training reports for BI tools. Create a personal token on the "
                                "'API tokens' page and send it as `Authorization: Bearer <token>`. Every call "
                                "sees only what the token's owner may see."},
        "servers": [{"url": "/api/v1"}],
        "security": [{"bearer": []}],
        "paths": {
            "/agencies/summary": {"get": {"summary": "Counts for an agency (rolled up) and for each sub-agency",
                                          "parameters": FILTERS, "responses": _ok("AgencySummary", "Summary")}},
            "/courses/summary": {"get": {"summary": "Counts per course", "parameters": FILTERS,
                                         "responses": _ok("CourseSummary", "Summary")}},
            "/rows": {"get": {"summary": "Detail rows, one per enrolment, in pages", "parameters": [
                *FILTERS,
                _param("limit", "Rows per page (1-1000, default 500).", {"type": "integer"}),
                _param("cursor", "next_cursor of the previous page.", {"type": "integer"})],
                "responses": _ok("Rows", "A page of rows")}},
            "/overdue": {"get": {"summary": "Mandatory training past its due date", "parameters": [
                *FILTERS,
                _param("limit", "Items per page (1-1000, default 500).", {"type": "integer"}),
                _param("offset", "next_offset of the previous page.", {"type": "integer"})],
                "responses": _ok("Overdue", "A page of overdue items")}},
            "/openapi.json": {"get": {"summary": "This document", "security": [],
                                      "responses": {"200": {"description": "OpenAPI document"}}}},
        },
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "responses": {name: {"description": text, "content": {"application/json": {"schema": error}}}
                          for name, text in [("BadRequest", "A filter value is malformed."),
                                             ("Unauthorized", "No valid token."),
                                             ("NotFound", "No such agency within the caller's scope.")]},
            "schemas": {
                "Counts": counts,
                "AgencySummary": {"type": "object", "properties": {
                    "filters": {"type": "object"}, "agency": {"type": ["object", "null"]},
                    "total": {"$ref": "#/components/schemas/Counts"},
                    "own": {"oneOf": [{"$ref": "#/components/schemas/Counts"}, {"type": "null"}]},
                    "agencies": {"type": "array", "items": {"allOf": [
                        {"$ref": "#/components/schemas/Counts"},
                        {"type": "object", "properties": {"code": {"type": "string"}, "name": {"type": "string"},
                                                          "has_children": {"type": "boolean"}}}]}},
                    "target": {"type": ["object", "null"]}}},
                "CourseSummary": {"type": "object", "properties": {
                    "filters": {"type": "object"}, "courses": {"type": "array", "items": {"allOf": [
                        {"$ref": "#/components/schemas/Counts"},
                        {"type": "object", "properties": {"course_id": {"type": "string"},
                                                          "title": {"type": "string"},
                                                          "title_ai_generated": AI_GENERATED,
                                                          "retired": {"type": "boolean"}}}]}}}},
                "Row": {"type": "object", "properties": {
                    key: {"type": "integer"} if key in ("lessons_done", "lessons_total")
                    else AI_GENERATED if key == "course_ai_generated" else {"type": "string"}
                    for key, _ in COLUMNS}},
                "Rows": {"type": "object", "properties": {
                    "filters": {"type": "object"},
                    "rows": {"type": "array", "items": {"$ref": "#/components/schemas/Row"}},
                    "next_cursor": {"type": ["integer", "null"]}}},
                "Overdue": {"type": "object", "properties": {
                    "filters": {"type": "object"}, "items": {"type": "array", "items": {"type": "object"}},
                    "next_offset": {"type": ["integer", "null"]}}},
            },
        },
    }
