"""The JSON API: Bearer tokens only, the owner's current rights and scope, cursor pagination, JSON errors."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from lms.accounts.models import Role
from lms.api import tokens as token_service
from lms.api.models import ApiToken
from lms.db import utcnow
from lms.extensions import db
from lms.reports import targets
from lms.reports.rows import COLUMNS
from tests.conftest import post_form
from tests.reports import builders as b
from tests.reports.conftest import WORLD_TOTAL

GENERATED = "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia"
COMPOSITE = "http://cv.iptc.org/newscodes/digitalsourcetype/compositeWithTrainedAlgorithmicMedia"
PATHS = ["/api/v1/agencies/summary", "/api/v1/courses/summary", "/api/v1/rows", "/api/v1/overdue"]


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def make_tokens(app) -> dict[str, str]:
    """API tokens of the admin, HR officers, programme office and a learner (made through the service)."""
    with app.app_context():
        return {name: b.api_token(f"{name}@example.kz") for name in ("admin", "hr-root", "hr-other", "prog",
                                                                     "r-new")}


@pytest.fixture
def tokens(app, world):
    """Tokens of the people of `world` (learning data in every status)."""
    return make_tokens(app)


@pytest.fixture
def light_tokens(app, offices):
    """Tokens of the people of `offices` (no learning data), for the access rules."""
    return make_tokens(app)


def all_rows(client, secret: str, **params) -> list[dict]:
    """Every row, following next_cursor page by page."""
    rows, cursor, pages = [], None, 0
    while True:
        query = {**params, **({"cursor": cursor} if cursor is not None else {})}
        response = client.get("/api/v1/rows", query_string=query, headers=bearer(secret))
        assert response.status_code == 200, response.json
        rows += response.json["rows"]
        cursor, pages = response.json["next_cursor"], pages + 1
        assert pages < 100
        if cursor is None:
            return rows


# --- authentication ---------------------------------------------------------------------------------------------

def test_no_token_gives_401_json(client):
    for path in PATHS:
        response = client.get(path)
        assert response.status_code == 401
        assert response.is_json and response.json["status"] == 401 and "token" in response.json["error"]
        assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_bad_tokens_give_401(client, light_tokens):
    for header in ["Bearer lms_not-a-real-token", "Bearer ", "Bearer x", "Basic YWRtaW46YWRtaW4=",
                   "lms_not-a-real-token", f"Bearer {light_tokens['admin']}x", "Bearer lms_" + "x" * 200]:
        response = client.get("/api/v1/agencies/summary", headers={"Authorization": header})
        assert response.status_code == 401 and response.is_json, header


def test_a_token_with_a_changed_character_gives_401(client, light_tokens):
    secret = light_tokens["admin"]
    tampered = secret[:-1] + ("A" if secret[-1] != "A" else "B")
    assert client.get("/api/v1/agencies/summary", headers=bearer(tampered)).status_code == 401
    assert client.get("/api/v1/agencies/summary", headers=bearer(secret)).status_code == 200


def test_the_browser_session_does_not_open_the_api(app, light_tokens):
    client = b.signed_in(app, "admin@example.kz")
    assert client.get("/api/v1/agencies/summary").status_code == 401


def test_revoked_token_gives_401(app, client, light_tokens):
    with app.app_context():
        row = db.session.scalar(select(ApiToken).where(ApiToken.user_id == b.person("hr-root@example.kz").id))
        token_service.revoke_token(row, now=utcnow())
        db.session.commit()
    assert client.get("/api/v1/agencies/summary", headers=bearer(light_tokens["hr-root"])).status_code == 401


def test_token_of_a_deactivated_user_gives_401(app, client, light_tokens):
    assert client.get("/api/v1/agencies/summary", headers=bearer(light_tokens["hr-root"])).status_code == 200
    with app.app_context():
        b.deactivate(b.person("hr-root@example.kz"))
    response = client.get("/api/v1/agencies/summary", headers=bearer(light_tokens["hr-root"]))
    assert response.status_code == 401 and response.is_json


def test_a_learners_token_gives_403_and_a_learner_cannot_create_one(app, client, light_tokens):
    response = client.get("/api/v1/agencies/summary", headers=bearer(light_tokens["r-new"]))
    assert response.status_code == 403 and response.is_json
    learner = b.signed_in(app, "r-new@example.kz")
    assert learner.get("/reports/api-tokens").status_code == 403
    assert post_form(learner, "/reports/api-tokens", {"name": "mine"}, token_from="/").status_code == 403
    with app.app_context():
        assert db.session.scalar(select(ApiToken).where(ApiToken.name == "mine")) is None


def test_a_token_acts_with_its_owners_current_rights(app, client, light_tokens):
    with app.app_context():
        hr = b.person("hr-root@example.kz")
        hr.set_roles({Role.LEARNER})
        db.session.commit()
    assert client.get("/api/v1/agencies/summary", headers=bearer(light_tokens["hr-root"])).status_code == 403


def test_using_a_token_marks_it_used(app, client, light_tokens):
    client.get("/api/v1/courses/summary", headers=bearer(light_tokens["prog"]))
    with app.app_context():
        row = db.session.scalar(select(ApiToken).where(ApiToken.user_id == b.person("prog@example.kz").id))
        assert row.last_used_at is not None


# --- scope ------------------------------------------------------------------------------------------------------

def test_hr_token_sees_its_own_agency_by_default(client, tokens):
    response = client.get("/api/v1/agencies/summary", headers=bearer(tokens["hr-root"]))
    assert response.status_code == 200
    data = response.json
    assert data["agency"] == {"code": "ROOT", "name": "Ministry of Digital Development"}
    assert data["total"]["headcount"] == 6 and data["total"]["enrolled"] == 6
    assert [row["code"] for row in data["agencies"]] == ["MID"]
    assert data["own"]["headcount"] == 3


def test_hr_token_gets_404_for_another_agency(client, light_tokens):
    for code in ("OTHER", "NOPE"):
        for path in PATHS:
            response = client.get(path, query_string={"agency": code}, headers=bearer(light_tokens["hr-root"]))
            assert response.status_code == 404, path
            assert response.is_json and response.json["status"] == 404


def test_hr_token_may_look_inside_a_sub_agency(client, tokens):
    response = client.get("/api/v1/agencies/summary", query_string={"agency": "LEAF"},
                          headers=bearer(tokens["hr-root"]))
    assert response.status_code == 200 and response.json["total"]["certified"] == 1


def test_hr_rows_stay_within_the_scope(client, tokens):
    rows = all_rows(client, tokens["hr-other"])
    assert {row["agency_code"] for row in rows} == {"OTHER"}
    assert len(rows) == 4  # o-cert and o-beta's own, and the assignment's enrolments of hr-other and o-beta


def test_names_follow_the_lang_parameter(client, tokens):
    response = client.get("/api/v1/agencies/summary", query_string={"lang": "kk"}, headers=bearer(tokens["hr-root"]))
    assert response.json["agency"]["name"] == "Цифрлық даму министрлігі"
    courses = client.get("/api/v1/courses/summary", query_string={"lang": "ru"}, headers=bearer(tokens["admin"]))
    assert {row["course_id"]: row["title"] for row in courses.json["courses"]} == {"alpha": "Курс Альфа",
                                                                                   "beta": "Курс Бета"}
    assert client.get("/api/v1/rows", query_string={"lang": "de"}, headers=bearer(tokens["admin"])).status_code == 400


def test_whole_country_summary_for_the_programme_office(client, tokens):
    data = client.get("/api/v1/agencies/summary", headers=bearer(tokens["prog"])).json
    assert data["agency"] is None
    assert {key: data["total"][key] for key in WORLD_TOTAL} == WORLD_TOTAL
    assert data["total"]["completion_rate"] == round(100 * 5 / 10, 1)
    assert [row["code"] for row in data["agencies"]] == ["OTHER", "ROOT"]


def test_course_summary_counts_the_people_certified_in_each_course(client, tokens):
    courses = {row["course_id"]: row for row in
               client.get("/api/v1/courses/summary", headers=bearer(tokens["admin"])).json["courses"]}
    # one enrolment per person and course: the people certified in a course are its certified enrolments
    assert (courses["alpha"]["certified"], courses["alpha"]["certified_people"]) == (3, 3)
    assert (courses["beta"]["certified"], courses["beta"]["certified_people"]) == (0, 0)


def test_agency_summary_includes_the_agencys_target(app, client, tokens):
    with app.app_context():
        targets.set_target(b.agency("ROOT"), percent=50, due_on=date(2099, 12, 31), course=b.course("alpha"),
                           actor=b.person("hr-root@example.kz"), now=utcnow(), today=utcnow().date())
        db.session.commit()
    data = client.get("/api/v1/agencies/summary", headers=bearer(tokens["hr-root"])).json
    assert data["target"] == {"percent": 50, "due_on": "2099-12-31", "course_id": "alpha", "headcount": 6,
                              "certified_people": 2}
    assert client.get("/api/v1/agencies/summary", headers=bearer(tokens["hr-other"])).json["target"] is None


# --- rows and pagination ----------------------------------------------------------------------------------------

def test_rows_pagination_covers_every_row_exactly_once(client, tokens):
    everything = client.get("/api/v1/rows", query_string={"limit": 1000}, headers=bearer(tokens["admin"])).json
    assert everything["next_cursor"] is None
    assert len(everything["rows"]) == WORLD_TOTAL["enrolled"]
    for limit in (1, 3, 4, 7, 8, 9):
        paged = all_rows(client, tokens["admin"], limit=limit)
        key = [(row["email"], row["course_id"]) for row in paged]
        assert len(key) == len(set(key)), limit
        assert paged == everything["rows"], limit
    default = client.get("/api/v1/rows", headers=bearer(tokens["admin"])).json
    assert default["rows"] == everything["rows"] and default["next_cursor"] is None


def test_last_full_page_has_no_next_cursor(client, tokens):
    first = client.get("/api/v1/rows", query_string={"limit": 5}, headers=bearer(tokens["admin"])).json
    assert len(first["rows"]) == 5 and first["next_cursor"] is not None
    second = client.get("/api/v1/rows", query_string={"limit": 5, "cursor": first["next_cursor"]},
                        headers=bearer(tokens["admin"])).json
    assert len(second["rows"]) == 5 and second["next_cursor"] is None


def test_rows_have_the_documented_fields(client, tokens):
    rows = client.get("/api/v1/rows", query_string={"status": "certified"}, headers=bearer(tokens["admin"])).json
    assert len(rows["rows"]) == 3
    for row in rows["rows"]:
        assert set(row) == {key for key, _ in COLUMNS}
        assert isinstance(row["lessons_done"], int) and isinstance(row["lessons_total"], int)
        assert row["status"] == "Certified" and row["certificate_status"] == "valid"
    assert rows["filters"] == {"status": "certified"}


def test_rows_and_course_summary_say_whether_the_course_is_ai_made(client, tokens):
    rows = client.get("/api/v1/rows", headers=bearer(tokens["admin"])).json["rows"]
    by_course = {row["course_id"]: row["course_ai_generated"] for row in rows}
    assert by_course == {"alpha": COMPOSITE, "beta": ""}  # alpha: ai_content kind assisted; beta: none
    courses = client.get("/api/v1/courses/summary", headers=bearer(tokens["admin"])).json["courses"]
    assert {row["course_id"]: row["title_ai_generated"] for row in courses} == {"alpha": COMPOSITE, "beta": ""}


def test_openapi_documents_the_ai_fields(client):
    schemas = client.get("/api/v1/openapi.json").json["components"]["schemas"]
    row = schemas["Row"]["properties"]["course_ai_generated"]
    assert row["type"] == "string" and set(row["enum"]) == {"", COMPOSITE, GENERATED}
    course = schemas["CourseCounts"]["properties"]
    assert course["title_ai_generated"] == row


def test_bad_page_parameters_give_400(client, tokens):
    for path, query in [("/api/v1/rows", {"limit": 0}), ("/api/v1/rows", {"limit": 1001}),
                        ("/api/v1/rows", {"cursor": -1}), ("/api/v1/overdue", {"limit": 0}),
                        ("/api/v1/overdue", {"offset": -1})]:
        response = client.get(path, query_string=query, headers=bearer(tokens["admin"]))
        assert response.status_code == 400 and response.is_json, (path, query)


def test_overdue_pages(client, tokens):
    first = client.get("/api/v1/overdue", query_string={"limit": 1}, headers=bearer(tokens["admin"])).json
    assert len(first["items"]) == 1 and first["next_offset"] == 1
    second = client.get("/api/v1/overdue", query_string={"limit": 1, "offset": 1},
                        headers=bearer(tokens["admin"])).json
    assert len(second["items"]) == 1 and second["next_offset"] is None
    emails = sorted(item["email"] for item in first["items"] + second["items"])
    assert emails == ["hr-other@example.kz", "o-beta@example.kz"]
    assert first["items"][0]["due_on"] == "2025-01-16" and first["items"][0]["course_id"] == "alpha"
    assert client.get("/api/v1/overdue", headers=bearer(tokens["hr-root"])).json["items"] == []


# --- errors and the description ---------------------------------------------------------------------------------

def test_bad_filter_gives_400_json(client, tokens):
    for query in [{"from": "31.12.2025"}, {"status": "lost"}, {"course": "nope"}, {"language": "de"},
                  {"from": "2025-02-01", "to": "2025-01-01"}, {"include_sub": "maybe", "agency": "ROOT"}]:
        for path in PATHS:
            response = client.get(path, query_string=query, headers=bearer(tokens["admin"]))
            assert response.status_code == 400, (path, query)
            assert response.is_json and response.json["status"] == 400 and response.json["error"]
    message = client.get("/api/v1/rows", query_string={"status": "lost"}, headers=bearer(tokens["admin"])).json
    assert message["error"] == "Unknown status “lost”: use one of not_started, in_progress, completed, certified."


def test_openapi_is_served_without_a_token_and_lists_the_paths(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200 and response.is_json
    document = response.json
    assert document["openapi"].startswith("3.")
    assert set(document["paths"]) == {"/agencies/summary", "/courses/summary", "/rows", "/overdue", "/openapi.json"}
    assert document["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"


def test_openapi_row_schema_matches_the_rows(client, tokens):
    schema = client.get("/api/v1/openapi.json").json["components"]["schemas"]["Row"]["properties"]
    row = client.get("/api/v1/rows", query_string={"limit": 1}, headers=bearer(tokens["admin"])).json["rows"][0]
    assert set(schema) == set(row)
    for key, value in row.items():
        assert isinstance(value, int if schema[key]["type"] == "integer" else str), key


# --- the document and the checks agree (see also test_api_schema.py, which runs schemathesis) -----------------

def _declared(client, path: str) -> dict[str, dict]:
    operation = client.get("/api/v1/openapi.json").json["paths"][path.removeprefix("/api/v1")]["get"]
    return {param["name"]: param["schema"] for param in operation["parameters"]}


def test_an_empty_value_is_refused_for_every_parameter_of_every_operation(client, tokens):
    for path in PATHS:
        for name in _declared(client, path):
            response = client.get(f"{path}?{name}=", headers=bearer(tokens["admin"]))
            assert response.status_code == 400, (path, name)
            assert response.json == {"error": f"{name} must not be empty: leave the parameter out for its default.",
                                     "status": 400}


def test_unknown_repeated_and_padded_parameters_are_refused(client, tokens):
    for query in ["form=2025-01-01", "limit=5&limit=6", "language=%20ru", "agency=%20ROOT", "status=certified%20",
                  "to=2025-01-01%20", "include_sub=true"]:
        response = client.get(f"/api/v1/rows?{query}", headers=bearer(tokens["admin"]))
        assert response.status_code == 400 and response.is_json, query
    unknown = client.get("/api/v1/rows?form=2025-01-01", headers=bearer(tokens["admin"])).json["error"]
    assert unknown.startswith("Unknown parameter “form”")


def test_page_parameters_are_whole_numbers_within_the_declared_range(client, tokens):
    declared = _declared(client, "/api/v1/rows")
    assert (declared["limit"]["minimum"], declared["limit"]["maximum"]) == (1, 1000)
    assert (declared["cursor"]["minimum"], declared["cursor"]["maximum"]) == (0, 2**31 - 1)
    for query in ["limit=abc", "limit=5.0", "limit=%205", "limit=%2B5", "cursor=x", f"cursor={2**31}",
                  "cursor=-1", "limit=0", "limit=1001"]:
        response = client.get(f"/api/v1/rows?{query}", headers=bearer(tokens["admin"]))
        assert response.status_code == 400, query
    last = client.get(f"/api/v1/rows?cursor={2**31 - 1}", headers=bearer(tokens["admin"]))
    assert last.status_code == 200 and last.json["rows"] == [] and last.json["next_cursor"] is None
    far = client.get(f"/api/v1/overdue?offset={2**31 - 1}", headers=bearer(tokens["admin"]))
    assert far.status_code == 200 and far.json["items"] == []


def test_dates_at_the_ends_of_the_calendar_are_answered(client, tokens):
    for path in PATHS:
        for query in ["from=0001-01-01", "to=9999-12-31", "from=0001-01-01&to=9999-12-31"]:
            response = client.get(f"{path}?{query}", headers=bearer(tokens["admin"]))
            assert response.status_code == 200, (path, query)
    every = client.get("/api/v1/rows?from=0001-01-01&to=9999-12-31", headers=bearer(tokens["admin"])).json
    assert len(every["rows"]) == WORLD_TOTAL["enrolled"]
    for query in ["from=2025-02-30", "from=20250101", "to=2025-W01-1", "to=0000-01-01"]:
        assert client.get(f"/api/v1/rows?{query}", headers=bearer(tokens["admin"])).status_code == 400, query


def test_the_document_lists_the_courses_and_the_values_the_api_accepts(client, tokens):
    declared = _declared(client, "/api/v1/overdue")
    assert declared["course"]["enum"] == ["alpha", "beta"]
    assert declared["status"]["enum"] == ["not_started", "in_progress", "completed", "certified"]
    assert declared["language"]["enum"] == declared["lang"]["enum"] == ["kk", "ru", "en"]
    assert declared["from"] == declared["to"] == {"type": "string", "format": "date"}
    assert declared["agency"]["pattern"]
    document = client.get("/api/v1/openapi.json").json
    for status in ("400", "401", "403", "404", "429"):
        reference = document["paths"]["/rows"]["get"]["responses"][status]["$ref"]
        response = document["components"]["responses"][reference.rpartition("/")[2]]
        assert response["content"]["application/json"]["schema"]["properties"]["status"] == {
            "type": "integer", "const": int(status)}
