"""The CMI data model checks, completion rules, times and the data a session resumes with: pure functions."""

from __future__ import annotations

import pytest

from lms.scorm import cmi

LEARNER = cmi.Learner(id="7", name="Aigerim Sadykova", language="kk")


@pytest.mark.parametrize(("text", "seconds"), [("00:00:00", 0), ("0001:02:03.5", 3723.5), ("99:59:59.99", 359999.99)])
def test_scorm_12_timespans(text, seconds):
    assert cmi.parse_timespan_12(text) == pytest.approx(seconds)


@pytest.mark.parametrize("text", ["1:00:00", "00:60:00", "00:00:61", "00:00", "abc", "00:00:00.123"])
def test_bad_scorm_12_timespans_are_refused(text):
    with pytest.raises(ValueError):
        cmi.parse_timespan_12(text)


@pytest.mark.parametrize(("text", "seconds"), [("PT0S", 0), ("PT1H2M3.5S", 3723.5), ("P1DT1S", 86401),
                                               ("PT90M", 5400)])
def test_scorm_2004_durations(text, seconds):
    assert cmi.parse_duration_2004(text) == pytest.approx(seconds)


@pytest.mark.parametrize("text", ["P", "PT", "1H", "PT1.234S", "P1DT", "-PT1S"])
def test_bad_scorm_2004_durations_are_refused(text):
    with pytest.raises(ValueError):
        cmi.parse_duration_2004(text)


def test_times_are_written_back_in_each_versions_format():
    assert cmi.format_timespan_12(3723.5) == "0001:02:03.50"
    assert cmi.format_duration_2004(3723.5) == "PT1H2M3.5S"
    assert cmi.parse_duration_2004(cmi.format_duration_2004(65)) == 65


@pytest.mark.parametrize(("version", "status", "success", "done"), [
    ("1.2", "passed", None, True), ("1.2", "completed", None, True), ("1.2", "failed", None, False),
    ("1.2", "incomplete", None, False), ("1.2", "browsed", None, False),
    ("2004", "completed", "unknown", True), ("2004", "completed", "passed", True),
    ("2004", "completed", "failed", False), ("2004", "incomplete", "passed", True),
    ("2004", "incomplete", "unknown", False), ("2004", "unknown", "failed", False),
])
def test_when_a_package_counts_as_finished(version, status, success, done):
    assert cmi.is_done(version, status, success) is done


def test_a_12_commit_is_read_from_core():
    standing = cmi.parse_commit("1.2", {"core": {"lesson_status": "incomplete", "lesson_location": "p2",
                                                 "score": {"raw": "40", "min": "0", "max": "100"},
                                                 "session_time": "00:01:00", "exit": "suspend"},
                                        "suspend_data": "x=1", "objectives": {"0": {"id": "o1"}}})
    assert (standing.status, standing.location, standing.suspend_data, standing.exit) == ("incomplete", "p2", "x=1",
                                                                                          "suspend")
    assert (standing.score_raw, standing.session_seconds, standing.success_status) == (40.0, 60.0, None)


@pytest.mark.parametrize(("version", "data", "element"), [
    ("1.2", {"core": {"lesson_status": "finished"}}, "cmi.core.lesson_status"),
    ("1.2", {"core": {"lesson_location": "x" * 256}}, "cmi.core.lesson_location"),
    ("1.2", {"suspend_data": "x" * 4097}, "cmi.suspend_data"),
    ("1.2", {"core": {"score": {"raw": "101"}}}, "cmi.core.score.raw"),
    ("1.2", {"core": {"score": {"raw": "NaN"}}}, "cmi.core.score.raw"),
    ("1.2", {"core": {"session_time": "PT1M"}}, "cmi.core.session_time"),
    ("1.2", {"core": {"exit": "normal"}}, "cmi.core.exit"),
    ("2004", {"completion_status": "passed"}, "cmi.completion_status"),
    ("2004", {"success_status": "completed"}, "cmi.success_status"),
    ("2004", {"location": "x" * 1001}, "cmi.location"),
    ("2004", {"suspend_data": "x" * 64001}, "cmi.suspend_data"),
    ("2004", {"score": {"scaled": "1.5"}}, "cmi.score.scaled"),
    ("2004", {"session_time": "00:01:00"}, "cmi.session_time"),
    ("2004", {"suspend_data": 5}, "cmi.suspend_data"),
])
def test_values_outside_the_data_model_are_refused(version, data, element):
    with pytest.raises(cmi.InvalidCmi) as caught:
        cmi.parse_commit(version, data)
    assert caught.value.element == element


def test_oversized_or_deeply_nested_commits_are_refused():
    with pytest.raises(cmi.InvalidCmi, match="larger than"):
        cmi.parse_commit("2004", {"interactions": {str(i): {"id": "x" * 900} for i in range(400)}})
    deep: dict = {}
    node = deep
    for _ in range(12):
        node["a"] = {}
        node = node["a"]
    with pytest.raises(cmi.InvalidCmi, match="nests"):
        cmi.parse_commit("2004", {"objectives": deep})


def test_a_first_session_starts_ab_initio_with_the_learner_and_the_package_settings():
    data = cmi.initial_data("1.2", None, learner=LEARNER, total_seconds=0, entry="ab-initio", mastery_score="80",
                            launch_data="mode=exam")
    assert data["core"]["student_id"] == "7" and data["core"]["student_name"] == "Aigerim Sadykova"
    assert data["core"]["entry"] == "ab-initio" and data["core"]["lesson_status"] == "not attempted"
    assert data["core"]["total_time"] == "0000:00:00.00"
    assert data["student_data"]["mastery_score"] == "80" and data["launch_data"] == "mode=exam"
    assert data["student_preference"]["language"] == "kk"


def test_a_2004_session_resumes_what_was_stored():
    stored = {"completion_status": "incomplete", "success_status": "unknown", "location": "s3", "suspend_data": "d",
              "session_time": "PT5M", "exit": "suspend", "interactions": {"0": {"id": "q1"}},
              "learner_preference": {"language": "ru", "audio_level": "1"}}
    data = cmi.initial_data("2004", stored, learner=LEARNER, total_seconds=300, entry="resume")
    assert (data["location"], data["suspend_data"], data["entry"], data["total_time"]) == ("s3", "d", "resume",
                                                                                          "PT0H5M0S")
    assert "session_time" not in data and "exit" not in data and "interactions" not in data
    # The site's language now (the learner switched it since), beside the other preferences kept.
    assert data["learner_preference"] == {"language": "kk", "audio_level": "1"}


@pytest.mark.parametrize(("has_attempt", "exit", "location", "suspend", "entry"), [
    (False, "", "", "", "ab-initio"), (True, "suspend", "", "", "resume"), (True, "", "p2", "", "resume"),
    (True, "", "", "x", "resume"), (True, "", "", "", ""), (True, "logout", "", "", ""),
])
def test_entry(has_attempt, exit, location, suspend, entry):
    assert cmi.entry_for("1.2", has_attempt=has_attempt, exit=exit, location=location, suspend_data=suspend) == entry
