"""The demo SCORM package in courses/ is built from its committed sources (make scorm-demo) and passes the check."""

from __future__ import annotations

import zipfile

from lms.courses.loader import load_courses
from lms.demo import scorm_sample


def test_the_committed_demo_package_holds_exactly_its_sources(tmp_path):
    with zipfile.ZipFile(scorm_sample.TARGET) as committed:
        assert committed.namelist() == list(scorm_sample.FILES)
        for name in scorm_sample.FILES:
            assert committed.read(name) == (scorm_sample.SOURCES / name).read_bytes(), name
    rebuilt = scorm_sample.build(tmp_path / "error-hunt.zip")
    with zipfile.ZipFile(rebuilt) as fresh, zipfile.ZipFile(scorm_sample.TARGET) as committed:
        assert [(i.filename, i.date_time, i.external_attr) for i in fresh.infolist()] == [
            (i.filename, i.date_time, i.external_attr) for i in committed.infolist()]


def test_the_demo_course_runs_the_package_as_a_scorm_12_lesson():
    course = load_courses(scorm_sample.TARGET.parents[1])
    assert not course.errors, [str(p) for p in course.errors]
    [loaded] = course.courses
    lesson = next(lesson for lesson in loaded.lessons if lesson.kind == "scorm")
    assert (lesson.id, lesson.package.version, lesson.package.launch) == ("error-hunt", "1.2", "index.html")
    assert lesson.package.mastery_score == "67"
    assert set(lesson.variants) == {"kk", "ru", "en"}
