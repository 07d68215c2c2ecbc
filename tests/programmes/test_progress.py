"""Programme progress from the courses done: required courses, "any N" groups, what is next."""

from __future__ import annotations

from datetime import UTC, datetime

from lms.programmes.progress import CourseDone, programme_progress

STRUCTURE = {"courses": ["a", "b"], "groups": [{"title": {"en": "Any 2"}, "pick": 2, "courses": ["c", "d", "e"]}]}
AT = datetime(2026, 12, 1, tzinfo=UTC)


def _done(*keys):
    return {key: CourseDone(key, AT, f"S-{key}", 30) for key in keys}


def test_nothing_done_points_at_the_first_required_course():
    progress = programme_progress(STRUCTURE, {})
    assert (progress.steps_done, progress.steps_total, progress.next_course) == (0, 4, "a")
    assert not progress.is_complete and not progress.is_started


def test_required_done_points_into_the_group():
    progress = programme_progress(STRUCTURE, _done("a", "b", "d"))
    assert progress.next_course == "c" and progress.steps_done == 3


def test_a_group_counts_only_its_n():
    progress = programme_progress(STRUCTURE, _done("a", "c", "d", "e"))
    assert progress.groups[0].counted == 2 and progress.steps_done == 3 and not progress.is_complete


def test_complete_when_required_and_groups_are_done_with_the_evidence():
    progress = programme_progress(STRUCTURE, _done("a", "b", "c", "d", "e"))
    assert progress.is_complete and progress.next_course is None
    assert [item.key for item in progress.evidence] == ["a", "b", "c", "d"]
