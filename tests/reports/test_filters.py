"""Report filters: malformed values are refused, and every caller's scope comes from the one policy."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from lms.accounts.models import Role
from lms.extensions import db
from lms.reports.filters import STATUSES, FilterError, OutOfScope, ReportFilters, parse_filters
from tests.reports import builders as b


@pytest.fixture
def people(app):
    """ROOT > MID > LEAF, and SIB beside MID under ROOT; OTHER apart. An HR officer in ROOT, MID and OTHER."""
    with app.app_context():
        root = b.new_agency("ROOT")
        mid = b.new_agency("MID", parent=root)
        b.new_agency("LEAF", parent=mid)
        b.new_agency("SIB", parent=root)
        other = b.new_agency("OTHER")
        b.new_user("hr-root@example.kz", roles={Role.HR}, agency=root)
        b.new_user("hr-mid@example.kz", roles={Role.HR, Role.LEARNER}, agency=mid)
        b.new_user("hr-other@example.kz", roles={Role.HR}, agency=other)
        b.new_user("hr-nowhere@example.kz", roles={Role.HR})
        b.new_user("admin@example.kz", roles={Role.ADMIN})
        b.new_user("prog@example.kz", roles={Role.PROGRAMME})
        b.new_user("learner@example.kz", agency=mid)
        b.new_user("author@example.kz", roles={Role.AUTHOR, Role.LEARNER}, agency=mid)
        db.session.commit()


def parse(args: dict, email: str = "admin@example.kz", **kwargs) -> ReportFilters:
    return parse_filters(args, actor=b.person(email), **kwargs)


@pytest.mark.parametrize("args", [
    {"from": "31.12.2026"}, {"to": "2026-02-30"}, {"from": "yesterday"}, {"to": "2026-13-01"},
])
def test_malformed_dates_are_refused(people, ctx, args):
    with pytest.raises(FilterError):
        parse(args)


def test_start_after_end_is_refused(people, ctx):
    with pytest.raises(FilterError, match="after its end"):
        parse({"from": "2026-03-02", "to": "2026-03-01"})


def test_a_one_day_period_is_accepted(people, ctx):
    filters = parse({"from": "2026-03-02", "to": "2026-03-02"})
    assert filters.date_from == filters.date_to == date(2026, 3, 2)


@pytest.mark.parametrize(("args", "message"), [
    ({"status": "lost"}, "Unknown status"),
    ({"status": "Certified"}, "Unknown status"),
    ({"language": "de"}, "Unknown language"),
    ({"language": "KK"}, "Unknown language"),
    ({"course": "no-such-course"}, "There is no course"),
])
def test_unknown_status_language_and_course_are_refused(people, ctx, args, message):
    with pytest.raises(FilterError, match=message):
        parse(args)


@pytest.mark.parametrize("value", ["2", "maybe", "True", "-1"])
def test_include_sub_must_be_a_flag(people, ctx, value):
    with pytest.raises(FilterError):
        parse({"agency": "ROOT", "include_sub": value})


@pytest.mark.parametrize(("value", "expected"), [("", True), ("1", True), ("on", True), ("yes", True),
                                                  ("0", False), ("off", False), ("false", False)])
def test_include_sub_flags(people, ctx, value, expected):
    assert parse({"agency": "ROOT", "include_sub": value}).include_sub is expected


def test_every_status_and_language_is_accepted(courses, people, ctx):
    for status in STATUSES:
        assert parse({"status": status}).status == status
    for language in ("kk", "ru", "en"):
        assert parse({"language": language}).language == language
    assert parse({"course": " alpha "}).course.key == "alpha"


def test_blank_values_mean_no_filter(people, ctx):
    filters = parse({"agency": " ", "course": "", "status": "", "from": "", "to": "", "language": " "})
    assert filters == ReportFilters(timezone="UTC")


def test_hr_asking_for_another_agency_is_out_of_scope(people, ctx):
    with pytest.raises(OutOfScope):
        parse({"agency": "OTHER"}, "hr-root@example.kz")


def test_unknown_agency_is_out_of_scope_like_a_forbidden_one(people, ctx):
    with pytest.raises(OutOfScope):
        parse({"agency": "NOPE"}, "admin@example.kz")
    with pytest.raises(OutOfScope):
        parse({"agency": "NOPE"}, "hr-root@example.kz")


def test_hr_default_scope_is_their_agency_with_sub_agencies(people, ctx):
    filters = parse({}, "hr-mid@example.kz")
    assert (filters.agency.code, filters.include_sub) == ("MID", True)
    # Without an agency, "only the agency's own people" cannot narrow an HR officer's default scope.
    assert parse({"include_sub": "0"}, "hr-mid@example.kz").include_sub is True


def test_hr_may_look_inside_their_sub_agencies(people, ctx):
    assert parse({"agency": "LEAF"}, "hr-mid@example.kz").agency.code == "LEAF"
    filters = parse({"agency": "MID", "include_sub": "0"}, "hr-root@example.kz")
    assert (filters.agency.code, filters.include_sub) == ("MID", False)


@pytest.mark.parametrize("code", ["SIB", "ROOT", "OTHER"])
def test_hr_may_not_see_a_sibling_a_parent_or_an_unrelated_agency(people, ctx, code):
    with pytest.raises(OutOfScope):
        parse({"agency": code}, "hr-mid@example.kz")


@pytest.mark.parametrize("email", ["admin@example.kz", "prog@example.kz"])
def test_admin_and_programme_office_default_to_the_whole_country(people, ctx, email):
    filters = parse({}, email)
    assert filters.agency is None and filters.include_sub is True
    assert parse({"agency": "LEAF"}, email).agency.code == "LEAF"
    assert parse({"agency": "OTHER", "include_sub": "0"}, email).include_sub is False


@pytest.mark.parametrize("email", ["learner@example.kz", "author@example.kz", "hr-nowhere@example.kz"])
def test_people_without_reports_get_permission_error(people, ctx, email):
    with pytest.raises(PermissionError):
        parse({}, email)
    with pytest.raises(PermissionError):
        parse({"agency": "MID"}, email)


def test_a_deactivated_hr_officer_may_not_see_reports(people, ctx):
    b.deactivate(b.person("hr-root@example.kz"))
    with pytest.raises(PermissionError):
        parse({}, "hr-root@example.kz")


def test_no_actor_is_refused_unless_operator(people, ctx):
    with pytest.raises(PermissionError):
        parse_filters({}, actor=None)
    assert parse_filters({}, actor=None, operator=True).agency is None
    assert parse_filters({"agency": "OTHER"}, actor=None, operator=True).agency.code == "OTHER"
    with pytest.raises(OutOfScope):
        parse_filters({"agency": "NOPE"}, actor=None, operator=True)


def test_params_round_trip(courses, people, ctx):
    args = {"agency": "MID", "include_sub": "0", "course": "beta", "status": "in_progress", "from": "2026-01-01",
            "to": "2026-01-31", "language": "ru"}
    filters = parse(args)
    assert filters.to_params() == args
    assert parse(filters.to_params()) == filters
    # include_sub=1 is the default and is left out of links
    assert parse({"agency": "MID"}).to_params() == {"agency": "MID"}
    assert parse({}).to_params() == {}


def test_period_bounds_are_whole_days_in_the_platforms_time_zone(people, ctx):
    filters = parse({"from": "2026-02-01", "to": "2026-02-28"}, timezone="Asia/Almaty")
    assert filters.since == datetime(2026, 1, 31, 19, tzinfo=UTC)
    assert filters.until == datetime(2026, 2, 28, 19, tzinfo=UTC)
    utc = parse({"from": "2026-02-01", "to": "2026-02-28"})
    assert (utc.since, utc.until) == (datetime(2026, 2, 1, tzinfo=UTC), datetime(2026, 3, 1, tzinfo=UTC))
    assert parse({}).since is None and parse({}).until is None


def test_the_first_and_last_days_of_the_calendar_leave_the_period_open():
    # 0001-01-01 in Almaty starts before datetime.min in UTC; the day after 9999-12-31 does not exist.
    first, last = date(1, 1, 1), date(9999, 12, 31)
    assert ReportFilters(date_from=first, date_to=last, timezone="Asia/Almaty").since is None
    assert ReportFilters(date_from=first, date_to=last, timezone="Asia/Almaty").until is None
    assert ReportFilters(date_from=first, timezone="UTC").since == datetime(1, 1, 1, tzinfo=UTC)
    assert ReportFilters(date_to=first, timezone="Asia/Almaty").until.date() == first  # Almaty's local mean time
