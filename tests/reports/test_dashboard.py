"""Dashboard figures: counts per status, the roll-up through the agency tree, filters, overdue mandatory training,
agency targets, the national target's projection, and a number of queries that does not grow with the learners."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import event, select, update

from lms.accounts.models import Role
from lms.assignments.models import Assignment
from lms.assignments.services import cancel_assignment
from lms.extensions import db
from lms.learning.models import Enrollment
from lms.reports import dashboard, queries, targets
from lms.reports.dashboard import Counts, build_dashboard, national_progress, project
from lms.reports.filters import parse_filters
from lms.timeutil import add_months
from tests import factories
from tests.reports import builders as b
from tests.reports.conftest import WORLD_TOTAL


def board_for(email: str, args: dict | None = None, *, now: datetime = b.NOW, timezone: str = "UTC"):
    return build_dashboard(parse_filters(args or {}, actor=b.person(email), timezone=timezone), now=now)


def counts(**values) -> dict[str, int]:
    return {**Counts().as_dict(), **values}


# --- statuses ---------------------------------------------------------------------------------------------------

def test_whole_country_counts_each_status_once(world, ctx):
    board = board_for("admin@example.kz")
    assert board.total.as_dict() == WORLD_TOTAL
    assert board.filters.agency is None


def test_counts_per_course(world, ctx):
    board = board_for("admin@example.kz")
    by_course = {row.course.key: row.counts.as_dict() for row in board.courses}
    assert by_course == {
        "alpha": counts(enrolled=8, not_started=3, in_progress=1, completed=4, certified=3, certified_people=3,
                        overdue=2),
        "beta": counts(enrolled=2, in_progress=1, completed=1),
    }


def test_not_started_in_progress_and_completed_partition_the_enrolments(world, ctx):
    total = board_for("admin@example.kz").total
    assert total.not_started + total.in_progress + total.completed == total.enrolled
    assert total.completion_rate == pytest.approx(100 * 5 / 10)
    assert total.certified_share == pytest.approx(100 * 3 / 11)


def test_a_revoked_certificate_is_completed_but_not_certified(app, courses, ctx):
    admin = factories.user("admin@example.kz", roles={Role.ADMIN})
    agency = factories.agency("A")
    certificate = b.complete(factories.user(agency=agency), "alpha")
    assert board_for("admin@example.kz").total.certified == 1
    b.revoke_certificate(certificate, by=admin)
    total = board_for("admin@example.kz").total
    assert (total.completed, total.certified, total.certified_people) == (1, 0, 0)


def test_an_expired_certificate_is_not_certified(app, courses, ctx):
    factories.user("admin@example.kz", roles={Role.ADMIN})
    certificate = b.complete(factories.user(agency=factories.agency("A")), "alpha")
    # Expiry is fixed at issue; the enrolment keeps a copy of it (as issue_certificate writes both).
    certificate.expires_at = b.NOW - timedelta(days=1)
    db.session.execute(update(Enrollment).where(Enrollment.certificate_id == certificate.id)
                       .values(certificate_expires_at=certificate.expires_at))
    db.session.commit()
    total = board_for("admin@example.kz").total
    assert (total.completed, total.certified, total.certified_people) == (1, 0, 0)


def test_deactivated_people_are_left_out_of_every_count(app, courses, ctx):
    factories.user("admin@example.kz", roles={Role.ADMIN})
    agency = factories.agency("A")
    gone = factories.user(agency=agency)
    b.complete(gone, "alpha")
    b.enrol(factories.user(agency=agency), "alpha")
    b.deactivate(gone)
    total = board_for("admin@example.kz").total
    # admin (no agency) and the remaining learner
    assert total.as_dict() == counts(headcount=2, enrolled=1, not_started=1)


def test_a_person_with_two_certificates_counts_once_as_certified_person(app, courses, ctx):
    factories.user("admin@example.kz", roles={Role.ADMIN})
    learner = factories.user(agency=factories.agency("A"))
    b.complete(learner, "alpha")
    b.course("beta").has_certificate = True
    db.session.commit()
    b.complete(learner, "beta")
    total = board_for("admin@example.kz").total
    assert (total.certified, total.certified_people) == (2, 1)


# --- the agency tree --------------------------------------------------------------------------------------------

def test_hr_dashboard_rolls_children_up_and_shows_own_staff(world, ctx):
    board = board_for("hr-root@example.kz")
    assert board.filters.agency.code == "ROOT" and board.filters.include_sub
    assert board.total.as_dict() == counts(headcount=6, enrolled=6, not_started=1, in_progress=2, completed=3,
                                           certified=2, certified_people=2)
    [mid] = board.agencies
    assert (mid.node.code, mid.has_children) == ("MID", True)
    # MID's row includes LEAF's people (l-cert; l-gone is deactivated)
    assert mid.counts.as_dict() == counts(headcount=3, enrolled=4, in_progress=1, completed=3, certified=2,
                                          certified_people=2)
    assert board.own.as_dict() == counts(headcount=3, enrolled=2, not_started=1, in_progress=1)
    total = Counts()
    total.add(mid.counts)
    total.add(board.own)
    assert total == board.total


def test_country_rows_are_the_top_level_agencies_rolled_up(world, ctx):
    board = board_for("admin@example.kz")
    rows = {row.node.code: row.counts.as_dict() for row in board.agencies}
    assert list(rows) == ["OTHER", "ROOT"]
    assert rows["ROOT"] == board_for("hr-root@example.kz").total.as_dict()
    assert rows["OTHER"] == counts(headcount=3, enrolled=4, not_started=2, completed=2, certified=1,
                                   certified_people=1, overdue=2)
    # The people without an agency (admin, prog) are the "own" row of the country.
    assert board.own.as_dict() == counts(headcount=2)


def test_leaf_agency_has_no_rows_and_no_own_row(world, ctx):
    board = board_for("admin@example.kz", {"agency": "LEAF"})
    assert board.agencies == [] and board.own is None
    assert [node.code for node in board.ancestors] == ["ROOT", "MID"]
    assert board.total.as_dict() == counts(headcount=1, enrolled=1, completed=1, certified=1, certified_people=1)


def test_include_sub_0_counts_only_the_agencys_own_people(world, ctx):
    board = board_for("admin@example.kz", {"agency": "ROOT", "include_sub": "0"})
    assert board.total.as_dict() == counts(headcount=3, enrolled=2, not_started=1, in_progress=1)
    assert board.agencies == [] and board.own is None


# --- filters ----------------------------------------------------------------------------------------------------

def test_course_filter(world, ctx):
    board = board_for("admin@example.kz", {"course": "beta"})
    assert [row.course.key for row in board.courses] == ["beta"]
    total = board.total.as_dict()
    assert {key: total[key] for key in ("enrolled", "in_progress", "completed", "certified", "overdue")} == \
        {"enrolled": 2, "in_progress": 1, "completed": 1, "certified": 0, "overdue": 0}


def test_language_filter_counts_completions_in_that_language(world, ctx):
    total = board_for("admin@example.kz", {"language": "ru"}).total
    # m-revoked (revoked, so not certified) and l-cert
    assert (total.enrolled, total.completed, total.certified, total.certified_people) == (2, 2, 1, 1)
    assert board_for("admin@example.kz", {"language": "kk"}).total.certified_people == 1


def test_status_filter_does_not_narrow_the_summary(world, ctx):
    assert board_for("admin@example.kz", {"status": "certified"}).total == board_for("admin@example.kz").total


@pytest.fixture
def dated(app, courses):
    """Enrolments and completions on known days around February 2025 (in Asia/Almaty, UTC+5)."""
    with app.app_context():
        b.new_user("admin@example.kz", roles={Role.ADMIN})
        agency = b.new_agency("A")
        enrolled = {"jan": datetime(2025, 1, 10, 6, tzinfo=UTC), "feb": datetime(2025, 2, 10, 6, tzinfo=UTC),
                    # 31 January 20:00 UTC is 1 February 01:00 in Almaty.
                    "edge": datetime(2025, 1, 31, 20, tzinfo=UTC), "mar": datetime(2025, 3, 1, 6, tzinfo=UTC)}
        for name, day in enrolled.items():
            b.enrol(b.new_user(f"{name}@example.kz", agency=agency), "alpha", at=day, commit=False)
        # Enrolled in January, completed in February: within a February period.
        b.complete(b.new_user("jan-feb@example.kz", agency=agency), "alpha", at=datetime(2025, 1, 10, 6, tzinfo=UTC),
                   done_at=datetime(2025, 2, 20, 6, tzinfo=UTC))


def test_period_counts_enrolments_made_or_completed_in_it(dated, ctx):
    total = board_for("admin@example.kz", {"from": "2025-02-01", "to": "2025-02-28"}, timezone="Asia/Almaty",
                      now=datetime(2025, 4, 1, tzinfo=UTC)).total
    # feb, jan-feb (completed in February) and edge (1 February in Almaty)
    assert (total.enrolled, total.completed, total.certified) == (3, 1, 1)


def test_period_days_are_days_in_the_platforms_time_zone(dated, ctx):
    now = datetime(2025, 4, 1, tzinfo=UTC)
    in_almaty = board_for("admin@example.kz", {"to": "2025-01-31"}, timezone="Asia/Almaty", now=now).total
    in_utc = board_for("admin@example.kz", {"to": "2025-01-31"}, timezone="UTC", now=now).total
    assert (in_almaty.enrolled, in_utc.enrolled) == (2, 3)


def test_open_ended_periods(dated, ctx):
    now = datetime(2025, 4, 1, tzinfo=UTC)
    assert board_for("admin@example.kz", {"from": "2025-03-01"}, now=now).total.enrolled == 1
    assert board_for("admin@example.kz", {"to": "2025-01-10"}, now=now).total.enrolled == 2


# --- overdue mandatory training ---------------------------------------------------------------------------------

@pytest.fixture
def mandatory(app, courses):
    """Agency A (HR hr@) with sub-agency S; alpha is mandatory for A and S, due BASE + 10 days."""
    with app.app_context():
        a = b.new_agency("A")
        s = b.new_agency("S", parent=a)
        hr = b.new_user("hr@example.kz", roles={Role.LEARNER, Role.HR}, agency=a)
        b.complete(hr, "alpha", commit=False)
        b.complete(b.new_user("done@example.kz", agency=a, full_name="Done"), "alpha", commit=False)
        b.enrol(b.new_user("late@example.kz", agency=a, full_name="Late"), "alpha", lessons=2, commit=False)
        b.new_user("sub@example.kz", agency=s, full_name="Sub Late")
        b.assign("alpha", by=hr, target=a, sub=True, due=b.BASE + timedelta(days=10))


def test_agency_assignment_past_due_counts_those_who_have_not_completed(mandatory, ctx):
    board = board_for("hr@example.kz")
    assert board.total.overdue == 2
    assert sorted(item.email for item in board.overdue) == ["late@example.kz", "sub@example.kz"]
    item = next(item for item in board.overdue if item.email == "late@example.kz")
    assert (item.course.key, item.agency.code, item.due_at) == ("alpha", "A", b.BASE + timedelta(days=10))
    [sub_row] = board.agencies
    assert (sub_row.node.code, sub_row.counts.overdue, board.own.overdue) == ("S", 1, 1)


def test_nothing_is_overdue_before_the_due_date(mandatory, ctx):
    board = board_for("hr@example.kz", now=b.BASE + timedelta(days=9))
    assert (board.total.overdue, board.overdue) == (0, [])


def test_a_completion_satisfies_the_assignment(mandatory, ctx):
    b.complete(b.person("sub@example.kz"), "alpha", at=b.BASE + timedelta(days=20))
    b.finish(b.person("late@example.kz"), "alpha", at=b.BASE + timedelta(days=21))  # after the due date
    assert board_for("hr@example.kz").total.overdue == 0


def test_a_cancelled_assignment_is_not_overdue(mandatory, ctx):
    cancel_assignment(db.session.scalars(select(Assignment)).one(), now=b.BASE + timedelta(days=5))
    db.session.commit()
    assert board_for("hr@example.kz").total.overdue == 0


def test_overdue_without_sub_agencies_and_for_deactivated_people(app, courses, ctx):
    a = factories.agency("A")
    s = factories.agency("S", parent=a)
    hr = factories.user("hr@example.kz", roles={Role.HR}, agency=a)
    factories.user(agency=s)
    b.deactivate(factories.user(agency=a))
    b.assign("alpha", by=hr, target=a, due=b.BASE + timedelta(days=10))
    assert board_for("hr@example.kz").total.overdue == 1  # hr only: not S, not the deactivated person


def test_recurring_assignment_with_an_expired_completion_is_overdue(app, courses, ctx):
    a = factories.agency("A")
    hr = factories.user("hr@example.kz", roles={Role.HR}, agency=a)
    start = datetime(2024, 1, 8, 6, tzinfo=UTC)
    b.assign("alpha", by=hr, target=a, due=start + timedelta(days=10), created=start, recurrence_months=12)
    b.complete(hr, "alpha", at=start, done_at=start + timedelta(days=1))
    recent = factories.user("recent@example.kz", agency=a)
    b.complete(recent, "alpha", at=b.BASE - timedelta(days=30))
    still_valid = add_months(start + timedelta(days=1), 12) - timedelta(days=1)
    assert board_for("hr@example.kz", now=still_valid).total.overdue == 0
    board = board_for("hr@example.kz", now=add_months(start + timedelta(days=1), 12) + timedelta(days=1))
    assert [item.email for item in board.overdue] == ["hr@example.kz"]
    assert board.total.overdue == 1


def test_named_people_assignment_is_overdue_only_within_the_viewers_scope(app, courses, ctx):
    a, other = factories.agency("A"), factories.agency("O")
    factories.user("hr@example.kz", roles={Role.HR}, agency=a)
    admin = factories.user("admin@example.kz", roles={Role.ADMIN})
    mine, theirs = factories.user("mine@example.kz", agency=a), factories.user("theirs@example.kz", agency=other)
    b.assign("alpha", by=admin, users=(mine, theirs), due=b.BASE + timedelta(days=10))
    assert [item.email for item in board_for("hr@example.kz").overdue] == ["mine@example.kz"]
    assert board_for("admin@example.kz").total.overdue == 2


def test_position_assignment_matches_the_position_whatever_its_case(app, courses, ctx):
    a = factories.agency("A")
    hr = factories.user("hr@example.kz", roles={Role.HR}, agency=a)
    factories.user("chief@example.kz", agency=a, position="Главный специалист")
    factories.user("analyst@example.kz", agency=a, position="Analyst")
    b.assign("alpha", by=hr, target=a, position="главный СПЕЦИАЛИСТ", due=b.BASE + timedelta(days=10))
    assert [item.email for item in board_for("hr@example.kz").overdue] == ["chief@example.kz"]


def test_two_assignments_of_one_course_count_once_with_the_earliest_due_date(app, courses, ctx):
    a = factories.agency("A")
    hr = factories.user("hr@example.kz", roles={Role.HR}, agency=a)
    b.assign("alpha", by=hr, target=a, due=b.BASE + timedelta(days=12))
    b.assign("alpha", by=hr, users=(hr,), due=b.BASE + timedelta(days=10))
    board = board_for("hr@example.kz")
    assert board.total.overdue == 1
    assert board.overdue[0].due_at == b.BASE + timedelta(days=10)


def test_overdue_list_is_limited_but_the_count_is_not(mandatory, ctx):
    filters = parse_filters({}, actor=b.person("hr@example.kz"))
    board = build_dashboard(filters, now=b.NOW, overdue_limit=1)
    assert (len(board.overdue), board.total.overdue) == (1, 2)


# --- agency targets ---------------------------------------------------------------------------------------------

def test_agency_target_progress_counts_the_subtree(world, ctx):
    hr = b.person("hr-root@example.kz")
    targets.set_target(b.agency("ROOT"), percent=50, due_on=date(2025, 12, 31), course=None, actor=hr,
                       now=b.NOW, today=b.NOW.date())
    db.session.commit()
    progress = board_for("hr-root@example.kz").target
    assert (progress.headcount, progress.certified_people) == (6, 2)
    assert progress.share == pytest.approx(100 * 2 / 6)
    assert progress.needed == 1  # ceil(50% of 6) - 2
    # Seen from MID (which has no target of its own) there is none.
    assert board_for("hr-root@example.kz", {"agency": "MID"}).target is None


def test_agency_target_for_one_course_counts_only_its_certificates(world, ctx):
    hr = b.person("hr-other@example.kz")
    targets.set_target(b.agency("OTHER"), percent=100, due_on=date(2025, 12, 31), course=b.course("alpha"),
                       actor=hr, now=b.NOW, today=b.NOW.date())
    db.session.commit()
    progress = board_for("hr-other@example.kz").target
    assert (progress.headcount, progress.certified_people, progress.needed) == (3, 1, 2)


def test_reached_target_needs_nobody(world, ctx):
    hr = b.person("hr-other@example.kz")
    targets.set_target(b.agency("OTHER"), percent=30, due_on=date(2025, 12, 31), course=None, actor=hr,
                       now=b.NOW, today=b.NOW.date())
    db.session.commit()
    assert board_for("hr-other@example.kz").target.needed == 0


# --- the national target ----------------------------------------------------------------------------------------

def test_project_accumulates_and_projects_at_the_pace_of_the_last_four_complete_weeks():
    weekly = [("2025-01-06", 10), ("2025-01-13", 4), ("2025-01-20", 8), ("2025-01-27", 0), ("2025-02-03", 12),
              ("2025-02-10", 5)]
    result = project(weekly, target=100, today=date(2025, 2, 12))  # a Wednesday in the week of 10 February
    assert [total for _week, _count, total in result.weeks] == [10, 14, 22, 22, 34, 39]
    assert result.trained == 39
    # the complete weeks before 10 February: 3 February, 27, 20 and 13 January
    assert result.pace == (12 + 0 + 8 + 4) / 4
    # (100 - 39) / 6 = 10.17 -> 11 weeks after the current week's Monday
    assert result.projected_on == date(2025, 2, 10) + timedelta(weeks=11)
    assert result.reached_on is None
    assert result.projection[0] == ("2025-02-10", 39)
    assert result.projection[-1] == ((date(2025, 2, 10) + timedelta(weeks=11)).isoformat(), 100)
    assert len(result.projection) == 12
    assert result.share == pytest.approx(39)


def test_project_ignores_weeks_older_than_four_and_the_current_week_for_the_pace():
    weekly = [("2024-12-02", 50), ("2025-02-10", 7)]
    result = project(weekly, target=100, today=date(2025, 2, 16))  # Sunday of the week of 10 February
    assert result.pace == 0
    assert result.projected_on is None and result.projection == []


def test_project_gives_the_week_the_target_was_reached():
    weekly = [("2025-01-06", 60), ("2025-01-13", 50), ("2025-01-20", 10)]
    result = project(weekly, target=100, today=date(2025, 3, 1))
    assert result.reached_on == date(2025, 1, 13)
    assert result.projected_on is None and result.projection == []
    assert result.share == pytest.approx(120)


def test_project_shows_at_most_a_year_of_projection():
    result = project([("2025-01-27", 4)], target=1000, today=date(2025, 2, 3))
    assert result.pace == 1
    assert result.projected_on == date(2025, 2, 3) + timedelta(weeks=996)
    assert len(result.projection) == dashboard.PROJECTION_WEEKS_SHOWN + 1


def test_project_with_no_data():
    result = project([], target=2000, today=date(2025, 2, 3))
    assert (result.trained, result.pace, result.weeks, result.reached_on, result.projected_on) == (0, 0, [], None,
                                                                                                 None)
    assert result.share == 0


def test_weekly_newly_trained_counts_people_in_the_week_of_their_first_valid_certificate(app, courses, ctx):
    admin = factories.user("admin@example.kz", roles={Role.ADMIN})
    agency = factories.agency("A")
    b.course("beta").has_certificate = True
    db.session.commit()
    wednesday, sunday, monday = (datetime(2025, 1, 8, 6, tzinfo=UTC), datetime(2025, 1, 12, 23, tzinfo=UTC),
                                 datetime(2025, 1, 13, 0, 30, tzinfo=UTC))
    twice = factories.user(agency=agency)
    b.complete(twice, "alpha", done_at=wednesday)
    b.complete(twice, "beta", done_at=monday)  # a second certificate does not make them trained again
    b.complete(factories.user(agency=agency), "alpha", done_at=sunday)
    b.complete(factories.user(agency=agency), "alpha", done_at=monday)
    revoked = b.complete(factories.user(agency=agency), "alpha", done_at=monday)
    b.revoke_certificate(revoked, by=admin, at=monday + timedelta(hours=1))
    gone = factories.user(agency=agency)
    b.complete(gone, "alpha", done_at=monday)
    b.deactivate(gone)
    assert queries.weekly_newly_trained(now=b.NOW) == [("2025-01-06", 2), ("2025-01-13", 1)]
    national = national_progress(target=10, now=datetime(2025, 1, 22, tzinfo=UTC))
    assert national.trained == 3
    assert national.pace == 3 / 4


# --- the number of queries --------------------------------------------------------------------------------------

def _organisation() -> None:
    root = b.new_agency("R")
    mid = b.new_agency("M", parent=root)
    b.new_agency("L", parent=mid)
    hr = b.new_user("hr@example.kz", roles={Role.HR}, agency=root)
    admin = b.new_user("admin@example.kz", roles={Role.ADMIN})
    b.assign("alpha", by=hr, target=root, sub=True, due=b.BASE + timedelta(days=10), commit=False)
    b.assign("beta", by=hr, target=mid, due=b.BASE + timedelta(days=10), recurrence_months=12, commit=False)
    b.assign("beta", by=admin, users=(hr,), due=b.BASE + timedelta(days=10), commit=False)
    targets.set_target(root, percent=80, due_on=date(2025, 12, 31), course=None, actor=hr, now=b.NOW,
                       today=b.NOW.date())
    db.session.commit()


def _add_learners(start: int, stop: int) -> None:
    places = [b.agency("R"), b.agency("M"), b.agency("L")]
    for n in range(start, stop):
        learner = b.new_user(f"learner{n}@example.kz", agency=places[n % 3])
        if n % 4 == 0:
            b.enrol(learner, "alpha", commit=False)
        elif n % 4 == 1:
            b.enrol(learner, "alpha", lessons=1, commit=False)
        else:
            b.complete(learner, "alpha", commit=False)
            b.enrol(learner, "beta", lessons=n % 3, commit=False)
    db.session.commit()


FILTER_SETS = [{}, {"agency": "R"}, {"agency": "M", "include_sub": "0", "course": "alpha"},
               {"from": "2025-01-01", "to": "2025-02-01", "language": "en", "status": "certified"}]


def _queries_for(args: dict) -> int:
    filters = parse_filters(args, actor=b.person("admin@example.kz"), timezone="Asia/Almaty")
    statements = []

    def count(*_args):
        statements.append(1)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        board = build_dashboard(filters, now=b.NOW)
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert board.total.enrolled > 0 and board.total.overdue > 0
    return len(statements)


def test_number_of_queries_does_not_grow_with_the_number_of_learners(courses, ctx):
    _organisation()
    _add_learners(0, 5)
    few = [_queries_for(args) for args in FILTER_SETS]
    _add_learners(5, 50)
    assert board_for("admin@example.kz").total.enrolled > 50
    many = [_queries_for(args) for args in FILTER_SETS]
    assert few == many
    assert max(many) <= 15
