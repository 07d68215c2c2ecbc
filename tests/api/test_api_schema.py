"""schemathesis against the reports API, in-process through WSGI: the OpenAPI document and the API agree.

Every operation of the document runs schemathesis' coverage phase (each parameter's boundaries, empty, missing and
malformed values: deterministic) and its fuzzing phase (a few dozen generated requests, fixed seed), valid and
invalid data both, with an admin token on the `world` data. The checks: no server error; status codes, content
types, headers and bodies as documented; valid values accepted (200, or 404 for an agency outside the scope) and
invalid ones refused with 400; no answer without a token.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis import checks

from lms.api.openapi import openapi_document
from tests.api.test_api import bearer, make_tokens

#: The course ids of the `courses` fixture: the document's list of courses on the `world` data.
COURSES = ("alpha", "beta")
#: The document under test, built before any app exists (pytest collects one test per operation from it);
#: `admin_token` checks that it is exactly the one the API serves.
DOCUMENT = openapi_document(COURSES)
CONFIG = schemathesis.Config.from_dict({
    "seed": 20261203,
    "generation": {"max-examples": 30},
    "phases": {"stateful": {"enabled": False}},
    "checks": {
        # Strict: a valid request is answered (404 only for an agency the caller may not see), an invalid one is
        # refused with 400 (401 when the generated request has no valid token).
        "positive_data_acceptance": {"expected-statuses": [200, 404]},
        "negative_data_rejection": {"expected-statuses": [400, 401]},
    },
})
schema = schemathesis.openapi.from_dict(DOCUMENT, config=CONFIG)


@schemathesis.check
def valid_values_are_accepted(ctx, response, case):
    """positive_data_acceptance, plus the one rule between parameters that a schema cannot state."""
    query = case.query or {}
    if case.meta.generation.mode.is_positive and "from" in query and "to" in query and \
            str(query["from"]) > str(query["to"]):
        assert response.status_code == 400, f"`from` after `to` should give 400, not {response.status_code}"
        return True
    return checks.positive_data_acceptance(ctx, response, case)


CHECKS = [checks.not_a_server_error, checks.status_code_conformance, checks.content_type_conformance,
          checks.response_headers_conformance, checks.response_schema_conformance, checks.negative_data_rejection,
          valid_values_are_accepted, checks.ignored_auth, checks.unsupported_method]


@pytest.fixture
def admin_token(app, world, client, monkeypatch):
    # Hundreds of requests a minute on one token: the rate limit has a test of its own.
    monkeypatch.setitem(app.config, "API_RATE_LIMIT", "100000 per minute")
    served = client.get("/api/v1/openapi.json").json
    # The served document names the public address (LMS_BASE_URL); requests here go to the app in-process.
    assert served["servers"] == [{"url": app.config["BASE_URL"] + "/api/v1"}]
    assert {**served, "servers": DOCUMENT["servers"]} == DOCUMENT
    return make_tokens(app)["admin"]


@schema.parametrize()
@settings(deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_the_api_does_what_its_document_says(case, app, admin_token):
    case.operation.schema.app = app  # what from_wsgi() sets: every request of every check goes to the app
    case.call_and_validate(app=app, headers=bearer(admin_token), checks=CHECKS)


def test_every_error_answer_is_the_documented_one(app, client, world, monkeypatch):
    operation = schema["/rows"]["GET"]
    tokens = make_tokens(app)
    answers = {
        400: client.get("/api/v1/rows?to=", headers=bearer(tokens["admin"])),
        401: client.get("/api/v1/rows"),
        403: client.get("/api/v1/rows", headers=bearer(tokens["r-new"])),
        404: client.get("/api/v1/rows?agency=OTHER", headers=bearer(tokens["hr-root"])),
    }
    monkeypatch.setitem(app.config, "API_RATE_LIMIT", "2 per minute")
    statuses = [client.get("/api/v1/rows", headers=bearer(tokens["admin"])).status_code for _ in range(2)]
    assert statuses == [200, 200]
    answers[429] = client.get("/api/v1/rows", headers=bearer(tokens["admin"]))
    for status, response in answers.items():
        assert response.status_code == status
        operation.validate_response(response)  # the status is listed, and the body and headers are as declared
        assert response.json["status"] == status and response.json["error"]
