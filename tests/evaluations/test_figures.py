"""The arithmetic of satisfaction figures and comment periods (pure)."""

from __future__ import annotations

from lms.evaluations.comments import group_months
from lms.evaluations.queries import Tally


def test_a_tally_averages_every_answer_and_counts_the_favourable_share():
    tally = Tally(respondents=2, answers=4, points=14, favourable=3)
    assert tally.average == 3.5 and tally.favourable_share == 75


def test_a_tally_below_the_threshold_is_not_shown():
    assert not Tally(respondents=4).shown(5)
    assert Tally(respondents=5).shown(5)


def test_months_are_grouped_newest_first_until_each_period_has_the_threshold():
    counts = [("2026-12", 6), ("2026-11", 2), ("2026-10", 3), ("2026-09", 1)]
    # What is left at the end joins the last period: nobody stands alone in a month.
    assert group_months(counts, 5) == [("2026-12", "2026-12"), ("2026-09", "2026-11")]


def test_a_single_short_period_is_kept_whole():
    assert group_months([("2026-12", 2), ("2026-11", 1)], 5) == [("2026-11", "2026-12")]
