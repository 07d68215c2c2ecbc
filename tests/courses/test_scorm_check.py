"""`lms courses check` on SCORM lessons: good 1.2 and 2004 packages load with their version and launch file; broken or
hostile ones (zip-slip, symbolic links, XXE, zip bombs, missing launch files) are refused with path:line messages."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from lms.courses import scorm_package
from lms.courses.loader import load_courses
from tests.courses.builders import line_of, replace_in, write_course
from tests.scorm.packages import (
    XXE_MANIFEST,
    manifest,
    mark_encrypted,
    plain_entry,
    sco_files,
    scorm_course,
    symlink_entry,
    write_package,
    write_zip,
)


@pytest.fixture
def root(tmp_path) -> Path:
    """A courses folder with one course of two SCORM lessons (1.2 and 2004)."""
    folder = tmp_path / "courses"
    scorm_course(folder / "scorm-course", lessons={"sco-12": "1.2", "sco-2004": "2004"})
    return folder


@pytest.fixture
def package(root) -> Path:
    return root / "scorm-course" / "scorm" / "sco-12.zip"


def check(runner, path: Path):
    return runner.invoke(args=["courses", "check", str(path)])


def _errors(root: Path) -> list[str]:
    return [str(p) for p in load_courses(root).problems if p.is_error]


def assert_refused(runner, root: Path, where: Path, line: int, fragment: str) -> None:
    """The loader and `lms courses check` report an error at where:line (shown as path:line:), and check exits 1."""
    result = load_courses(root)
    assert any(p.is_error and p.path == where and p.line == line and fragment in p.message
               for p in result.problems), [str(p) for p in result.problems]
    assert not result.courses
    cli = check(runner, root)
    assert cli.exit_code == 1, cli.output
    shown = f"{where.parent.name}/{where.name}:{line}: "
    assert any(shown in row and fragment in row for row in cli.output.splitlines()), cli.output


# --- good packages ---------------------------------------------------------------------------------------------

def test_scorm_12_and_2004_packages_load_with_their_version_and_launch_file(root):
    result = load_courses(root)
    assert result.problems == []
    [course] = result.courses
    first, second = course.lessons
    assert (first.kind, first.package.version, first.package.launch) == ("scorm", "1.2", "index.html")
    assert (second.kind, second.package.version) == ("scorm", "2004")
    assert first.package.file == "scorm/sco-12.zip" and first.package.file_count == 3
    assert first.variants["ru"].title == "Задание 1.2"
    assert course.languages == ("kk", "ru", "en")


def test_check_of_a_scorm_course_exits_0(runner, root):
    result = check(runner, root)
    assert result.exit_code == 0, result.output
    assert "1 course(s), 0 error(s), 0 warning(s)." in result.output


def test_a_scorm_lesson_without_a_title_takes_the_packages_title_in_the_default_language(root):
    manifest_path = root / "scorm-course" / "course.yml"
    text = manifest_path.read_text(encoding="utf-8")
    text = text.replace("    title:\n      en: Activity 1.2\n      ru: Задание 1.2\n      kk: Тапсырма 1.2\n", "")
    manifest_path.write_text(text, encoding="utf-8")
    result = load_courses(root)
    [course] = result.courses
    assert course.lessons[0].variants["en"].title == "Activity sco-12"
    assert set(course.lessons[0].variants) == {"en"}
    assert any("has no ru title" in p.message and not p.is_error for p in result.problems)


def test_a_mastery_score_and_launch_data_are_read_from_the_item(package, root):
    files = sco_files("1.2")
    files["imsmanifest.xml"] = files["imsmanifest.xml"].replace(
        b'identifierref="res">', b'identifierref="res"><adlcp:masteryscore>80</adlcp:masteryscore>'
                                 b'<adlcp:datafromlms>mode=exam</adlcp:datafromlms>')
    write_zip(package, files)
    [course] = load_courses(root).courses
    assert (course.lessons[0].package.mastery_score, course.lessons[0].package.launch_data) == ("80", "mode=exam")


def test_the_launch_query_string_is_kept(package, root):
    write_package(package, "1.2", launch="index.html?start=1")
    [course] = load_courses(root).courses
    assert course.lessons[0].package.launch == "index.html?start=1"


def test_sequencing_in_a_2004_manifest_is_reported_as_ignored(root):
    package = root / "scorm-course" / "scorm" / "sco-2004.zip"
    write_package(package, "2004", sequencing=True)
    result = load_courses(root)
    assert result.courses and not result.errors
    [warning] = result.warnings
    assert warning.path == package / "imsmanifest.xml"
    assert "sequencing and navigation rules are ignored" in warning.message
    assert "runtime data model only" in warning.message


def test_a_package_with_several_scos_runs_the_first_and_says_so(package, root):
    write_package(package, "1.2", extra_items='\n      <item identifier="item2" identifierref="res"><title>2</title>'
                                              '</item>')
    result = load_courses(root)
    assert result.courses
    assert any("2 launchable items; only the first, 'item', is run" in p.message for p in result.warnings)


# --- refused packages ------------------------------------------------------------------------------------------

def test_a_zip_slip_entry_is_refused(runner, root, package):
    write_zip(package, sco_files("1.2"), extra=[plain_entry("../../evil.sh", b"rm -rf /")])
    assert_refused(runner, root, package, 1, "entry '../../evil.sh' leaves the package")


@pytest.mark.parametrize("name", ["/etc/passwd", "C:/windows/evil.dll", "assets\\..\\evil.js", "a//b.js"])
def test_absolute_paths_drive_letters_and_backslashes_are_refused(runner, root, package, name):
    write_zip(package, sco_files("1.2"), extra=[plain_entry(name)])
    assert_refused(runner, root, package, 1, f"entry {name!r}")


def test_a_symbolic_link_in_the_package_is_refused(runner, root, package):
    write_zip(package, sco_files("1.2"), extra=[symlink_entry("secrets.txt", "/etc/passwd")])
    assert_refused(runner, root, package, 1, "entry 'secrets.txt' is a symbolic link")


def test_an_xxe_manifest_is_refused_at_its_doctype(runner, root, package):
    files = sco_files("1.2")
    files["imsmanifest.xml"] = XXE_MANIFEST
    write_zip(package, files)
    assert_refused(runner, root, package / "imsmanifest.xml", 2, "may not have a DOCTYPE or declare entities")


def test_a_zip_bomb_entry_is_refused_by_its_ratio(runner, root, package):
    bomb = b"\0" * (4 * 1024 * 1024)  # deflates to about 4 kB: a thousand times smaller
    write_zip(package, sco_files("1.2"), extra=[plain_entry("bomb.bin", bomb, compress=zipfile.ZIP_DEFLATED)])
    assert_refused(runner, root, package, 1, "refused as a zip bomb")


def test_a_package_that_unpacks_past_the_limit_is_refused(runner, root, package, monkeypatch):
    monkeypatch.setattr(scorm_package, "MAX_UNPACKED_BYTES", 2000)
    files = sco_files("1.2")
    files["video.bin"] = bytes(range(256)) * 10  # 2,560 bytes that hardly compress
    write_zip(package, files)
    assert_refused(runner, root, package, 1, "the package unpacks to")


def test_too_many_files_are_refused(runner, root, package, monkeypatch):
    monkeypatch.setattr(scorm_package, "MAX_FILES", 3)
    write_zip(package, sco_files("1.2"), extra=[plain_entry("one-more.txt")])
    assert_refused(runner, root, package, 1, "the package has 4 entries; the limit is 3")


def test_an_encrypted_entry_is_refused(runner, root, package):
    write_zip(package, sco_files("1.2"), extra=[plain_entry("locked.txt")])
    mark_encrypted(package, "locked.txt")
    assert_refused(runner, root, package, 1, "entry 'locked.txt' is encrypted")


def test_a_missing_launch_file_is_reported_at_its_resource_line(runner, root, package):
    write_package(package, "1.2", launch="start.html")
    where = package / "imsmanifest.xml"
    line = manifest("1.2", launch="start.html").splitlines().index(
        next(row for row in manifest("1.2", launch="start.html").splitlines() if "<resource " in row)) + 1
    assert_refused(runner, root, where, line, "the launch file start.html is not in the package")


@pytest.mark.parametrize("launch", ["http://evil.example/sco.html", "//evil.example/sco.html"])
def test_a_launch_address_outside_the_package_is_refused(runner, root, package, launch):
    write_package(package, "1.2", launch=launch)
    result = load_courses(root)
    assert any("outside the package" in p.message for p in result.errors), [str(p) for p in result.problems]


def test_a_launch_path_climbing_out_is_refused(runner, root, package):
    write_package(package, "1.2", launch="../index.html")
    assert any("must be a plain relative path" in p for p in _errors(root))


def test_a_package_without_a_manifest_is_refused(runner, root, package):
    files = sco_files("1.2")
    nested = files.pop("imsmanifest.xml")
    write_zip(package, {**files, "course/imsmanifest.xml": nested})
    assert_refused(runner, root, package, 1, "has no imsmanifest.xml (found course/imsmanifest.xml")


def test_a_file_that_is_not_a_zip_is_refused(runner, root, package):
    package.write_bytes(b"<html>not a zip</html>")
    assert_refused(runner, root, package, 1, "not a zip file")


def test_a_manifest_without_a_version_is_refused_at_its_line(runner, root, package):
    files = sco_files("1.2")
    files["imsmanifest.xml"] = (files["imsmanifest.xml"].replace(b"<schemaversion>1.2</schemaversion>",
                                                                 b"<schemaversion>9</schemaversion>")
                                .replace(b'xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2"', b""))
    files["imsmanifest.xml"] = files["imsmanifest.xml"].replace(b'adlcp:scormtype="sco" ', b"")
    write_zip(package, files)
    where = package / "imsmanifest.xml"
    line = files["imsmanifest.xml"].decode().splitlines().index("    <schemaversion>9</schemaversion>") + 1
    assert_refused(runner, root, where, line, "cannot tell the SCORM version: schemaversion is '9'")


def test_malformed_manifest_xml_is_reported_at_its_line(runner, root, package):
    files = sco_files("1.2")
    files["imsmanifest.xml"] = files["imsmanifest.xml"].replace(b"</organizations>", b"</organisations>")
    write_zip(package, files)
    where = package / "imsmanifest.xml"
    line = files["imsmanifest.xml"].decode().splitlines().index("  </organisations>") + 1
    assert_refused(runner, root, where, line, "not well-formed XML")


def test_a_missing_package_is_reported_at_its_manifest_line(runner, root):
    course = root / "scorm-course"
    (course / "scorm" / "sco-12.zip").unlink()
    assert_refused(runner, root, course / "course.yml", line_of(course / "course.yml", "- id: sco-12"),
                   "SCORM package scorm/sco-12.zip does not exist")


def test_a_package_path_leaving_the_course_folder_is_refused(runner, root):
    course = root / "scorm-course"
    replace_in(course / "course.yml", "scorm: scorm/sco-12.zip", "scorm: ../other/sco.zip")
    assert_refused(runner, root, course / "course.yml", line_of(course / "course.yml", "- id: sco-12"),
                   "leaves the course folder")


def test_a_package_in_the_course_folder_that_is_a_symbolic_link_is_refused(runner, root, tmp_path):
    outside = write_package(tmp_path / "outside.zip", "1.2")
    link = root / "scorm-course" / "scorm" / "sco-12.zip"
    link.unlink()
    link.symlink_to(outside)
    assert_refused(runner, root, link, 1, "is a symbolic link")


def test_markdown_and_scorm_lessons_live_side_by_side(tmp_path):
    folder = tmp_path / "courses"
    course = write_course(folder / "mixed", course_id="mixed", quiz=False, languages=("en",))
    write_package(course / "scorm" / "drill.zip", "1.2")
    replace_in(course / "course.yml", "  - wrap-up\n", "  - wrap-up\n  - {id: drill, scorm: scorm/drill.zip}\n")
    result = load_courses(folder)
    assert not result.errors, [str(p) for p in result.errors]
    [loaded] = result.courses
    assert [(lesson.id, lesson.kind) for lesson in loaded.lessons] == [
        ("intro", "markdown"), ("data-basics", "markdown"), ("wrap-up", "markdown"), ("drill", "scorm")]


def test_unpack_refuses_an_entry_the_check_would_refuse(tmp_path):
    path = write_zip(tmp_path / "bad.zip", sco_files("1.2"), extra=[plain_entry("../evil.sh")])
    with pytest.raises(ValueError, match="leaves the package"):
        scorm_package.unpack(path.read_bytes(), "0" * 64, tmp_path / "store")
    assert not (tmp_path / "store" / ("0" * 64)).exists()
    assert list((tmp_path / "store").iterdir()) == []  # the half-written folder is gone too
