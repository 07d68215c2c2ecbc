"""The learning gain: first passed final quiz minus the pre-test, per course and per agency (rolled up), on the
report page, the learner report and the CSV/XLSX export; HR officers see their own agencies only."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime, timedelta

import openpyxl
import pytest

from lms.accounts.models import Role
from lms.courses import services as courses
from lms.extensions import db
from lms.learning import services as learning
from lms.pretests import services as pretests
from lms.quizzes import services as quizzes
from lms.reports.filters import ReportFilters
from lms.reports.gain import build_gain_report, learner_gains
from lms.reports.tree import AgencyTree
from tests import factories
from tests.conftest import csrf_token
from tests.quizzes.forms import browser_form
from tests.reports import builders as b

T0 = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
RIGHT = {"q-single": "a", "q-multiple": ["a", "b"], "q-true-false": "true", "q-short": "AI", "q-number": "2000"}
WRONG = {"q-single": "b", "q-multiple": ["c"], "q-true-false": "false", "q-short": "ML", "q-number": "1"}
FINAL_RIGHT = {"q-single": "a", "q-multiple": ["a", "b"], "q-true-false": True, "q-short": "AI", "q-number": "2000"}


def _pretest(user, course, picks: dict, *, at: datetime) -> None:
    attempt = pretests.start_pretest(user, course, now=at, language="en")
    form = browser_form(attempt.layout["fields"], {q: picks[q] for q in attempt.layout["questions"]})
    form = {name: value if isinstance(value, list) else [value] for name, value in form.items()}
    pretests.submit_pretest(user, attempt, pretests.parse_answers(attempt, form), now=at)


def _final(user, course, answers: dict, *, at: datetime) -> None:
    attempt = quizzes.start_attempt(user, course, now=at, language="en")
    quizzes.submit_attempt(attempt, answers, now=at + timedelta(minutes=5))


@pytest.fixture
def gain_world(app, make_quiz_course):
    """Agencies P > C and U; a course with a pre-test. In C: Aigerim (pre 0, post 100), Bolat (pre 0, a failed
    final, then post 100: the first PASSED attempt counts), Dana (pre-test only). In U: Yerlan (pre 100, post 100)
    and Zhanna (skipped). HR officers of P and of U."""
    key = make_quiz_course({"pretest": "{questions: 5}", "max_attempts": 5})
    with app.app_context():
        p = factories.agency("P")
        c = factories.agency("C", parent=p)
        u = factories.agency("U")
        factories.user("hr-p@example.kz", roles={Role.HR}, agency=p)
        factories.user("hr-u@example.kz", roles={Role.HR}, agency=u)
        people = {name: factories.user(f"{name}@example.kz", agency=agency, full_name=full)
                  for name, agency, full in (("aigerim", c, "=Aigerim"), ("bolat", c, "Bolat"), ("dana", c, "Dana"),
                                             ("yerlan", u, "Yerlan"), ("zhanna", u, "Zhanna"))}
        course = courses.get_live_course(key)
        for user in people.values():
            learning.enroll(user, course, now=T0)
        _pretest(people["aigerim"], course, WRONG, at=T0 + timedelta(minutes=1))
        _pretest(people["bolat"], course, WRONG, at=T0 + timedelta(minutes=1))
        _pretest(people["dana"], course, WRONG, at=T0 + timedelta(minutes=1))
        _pretest(people["yerlan"], course, RIGHT, at=T0 + timedelta(minutes=1))
        pretests.skip_pretest(people["zhanna"], course, now=T0 + timedelta(minutes=1), language="en")
        _final(people["aigerim"], course, FINAL_RIGHT, at=T0 + timedelta(days=2))
        _final(people["bolat"], course, {}, at=T0 + timedelta(days=2))
        _final(people["bolat"], course, FINAL_RIGHT, at=T0 + timedelta(days=3))
        _final(people["yerlan"], course, FINAL_RIGHT, at=T0 + timedelta(days=2))
        _final(people["zhanna"], course, FINAL_RIGHT, at=T0 + timedelta(days=2))
        db.session.commit()
        ids = {name: user.id for name, user in people.items()}
    return key, ids


def _report(agency=None):
    return build_gain_report(ReportFilters(agency=agency), AgencyTree.load())


def test_the_course_gain_is_the_average_of_first_passed_final_minus_pretest(app, gain_world):
    with app.app_context():
        report = _report()
        (row,) = report.courses
        gain = row.gain
        assert (gain.taken, gain.skipped, gain.n) == (4, 1, 3)
        assert gain.pre == pytest.approx(100 / 3)
        assert gain.post == 100
        assert gain.gain == pytest.approx(200 / 3)


def test_agencies_roll_up_their_sub_agencies(app, gain_world):
    with app.app_context():
        rows = {row.node.code: row.gain for row in _report().agencies}
        assert (rows["P"].n, rows["P"].taken, rows["P"].gain) == (2, 3, 100)
        assert (rows["U"].n, rows["U"].skipped, rows["U"].gain) == (1, 1, 0)


def test_the_learner_report_figures_per_course(app, gain_world):
    _key, ids = gain_world
    with app.app_context():
        (bolat,) = learner_gains(ids["bolat"]).values()
        assert (bolat.pre, bolat.post, bolat.gain) == (0, 100, 100)
        (dana,) = learner_gains(ids["dana"]).values()
        assert (dana.pre, dana.post, dana.gain) == (0, None, None)
        (zhanna,) = learner_gains(ids["zhanna"]).values()
        assert (zhanna.status, zhanna.gain) == ("skipped", None)


def test_the_gain_page_shows_the_hr_officers_agencies_only(app, gain_world):
    client = b.signed_in(app, "hr-p@example.kz")
    html = client.get("/reports/gain?agency=P").get_data(as_text=True)
    assert "+100 pp" in html
    assert "Yerlan" not in html and ">U<" not in html
    assert client.get("/reports/gain?agency=U").status_code == 404


def test_the_learner_report_shows_the_gain(app, gain_world):
    _key, ids = gain_world
    client = b.signed_in(app, "hr-p@example.kz")
    html = client.get(f"/reports/learners/{ids['aigerim']}").get_data(as_text=True)
    assert "Learning gain" in html and "+100 pp" in html


def test_the_gain_export_has_one_row_per_learner_with_both_scores(app, gain_world):
    client = b.signed_in(app, "hr-p@example.kz")
    data = {"csrf_token": csrf_token(client, "/reports/gain?agency=P"), "format": "csv", "agency": "P",
            "kind": "gain"}
    response = client.post("/reports/exports", data=data)
    assert response.status_code == 302
    token = re.search(r"/reports/exports/([0-9a-f]{32})$", response.headers["Location"]).group(1)
    with client.get(f"/reports/exports/{token}/download") as download:
        assert download.status_code == 200
        assert "gain-" in download.headers["Content-Disposition"]
        rows = b.csv_rows(download.get_data())
    assert sorted(row["Email"] for row in rows) == ["aigerim@example.kz", "bolat@example.kz"]
    aigerim = next(row for row in rows if row["Email"] == "aigerim@example.kz")
    assert aigerim["Learner"] == "'=Aigerim"  # formula-neutralised
    assert (aigerim["Pre-test score, %"], aigerim["Final quiz score, %"], aigerim["Gain, percentage points"]) == \
        ("0.0", "100.0", "100.0")
    assert aigerim["Pre-test taken on"] == "2025-03-03"


def test_the_gain_export_as_xlsx(app, gain_world):
    client = b.signed_in(app, "hr-u@example.kz")
    data = {"csrf_token": csrf_token(client, "/reports/gain"), "format": "xlsx", "agency": "U", "kind": "gain"}
    response = client.post("/reports/exports", data=data)
    token = re.search(r"/reports/exports/([0-9a-f]{32})$", response.headers["Location"]).group(1)
    with client.get(f"/reports/exports/{token}/download") as download:
        sheet = openpyxl.load_workbook(io.BytesIO(download.get_data())).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Learner"
    assert [row[1] for row in rows[1:]] == ["yerlan@example.kz"]
    assert rows[1][-1] == 0
