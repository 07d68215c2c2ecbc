"""The `lms` command starts fast: it lists and loads commands from a table, and file-only commands build no app."""

from __future__ import annotations

import json
import subprocess
import sys

import click
import pytest
from click.testing import CliRunner

import lms
from lms.cli import COMMANDS, load_command, main
from tests.courses.builders import write_course

#: Run `lms ARGS` in a fresh interpreter with the instance folder redirected, and print the lms/SQLAlchemy
#: modules it imported (to stdout, after the command's own output, as the last line).
_PROBE = """
import json, pathlib, sys
import lms
lms.INSTANCE_PATH = pathlib.Path(sys.argv[1])
from lms.cli import main
try:
    main(sys.argv[2:], prog_name="lms")
except SystemExit as exc:
    code = exc.code
print(json.dumps({"code": code, "modules": sorted(m for m in sys.modules if m.startswith(("lms", "sqlalchemy")))}))
"""


def _probe(tmp_path, *args: str, **env: str) -> dict:
    result = subprocess.run([sys.executable, "-c", _PROBE, str(tmp_path / "instance"), *args], capture_output=True,
                            text=True, timeout=120, check=False,
                            env={"PATH": "/usr/bin:/bin", "LMS_DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite3'}",
                                 **env})
    assert result.stdout, result.stderr
    return json.loads(result.stdout.splitlines()[-1])


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_table_entry_loads_under_its_name_with_its_listed_help(name):
    command = load_command(name)
    assert isinstance(command, click.Command)
    assert command.name == name
    assert command.get_short_help_str(limit=1000) == COMMANDS[name][1]


def test_help_lists_every_command_without_importing_one(tmp_path):
    probe = _probe(tmp_path, "--help")
    assert probe["code"] == 0
    assert [m for m in probe["modules"] if m.endswith(".cli") and m != "lms.cli"] == []
    assert "lms.extensions" not in probe["modules"] and "sqlalchemy" not in probe["modules"]


def test_courses_check_builds_no_app_and_imports_no_database_code(tmp_path):
    write_course(tmp_path / "courses" / "test-course")
    probe = _probe(tmp_path, "courses", "check", LMS_COURSES_DIR=str(tmp_path / "courses"))
    assert probe["code"] is None or probe["code"] == 0
    assert "lms.courses.cli" in probe["modules"]
    assert "lms.extensions" not in probe["modules"] and "sqlalchemy" not in probe["modules"]
    status = json.loads((tmp_path / "instance" / "content-status.json").read_text(encoding="utf-8"))
    assert status["check"]["summary"] == "1 course(s), 0 error(s), 0 warning(s)."


@pytest.fixture
def lms_runner(monkeypatch, tmp_path):
    """Invoke `main` in this process with the instance folder in tmp_path; the app must never be built."""
    monkeypatch.setattr(lms, "INSTANCE_PATH", tmp_path / "instance")
    monkeypatch.setenv("FLASK_RUN_FROM_CLI", "true")  # FlaskGroup sets it; monkeypatch puts it back

    def no_app(*_args, **_kwargs):
        raise AssertionError("the app was built")

    monkeypatch.setattr(lms, "create_app", no_app)
    return CliRunner()


def test_check_and_status_read_the_configured_courses_folder_without_the_app(lms_runner, tmp_path, monkeypatch):
    write_course(tmp_path / "courses" / "test-course")
    monkeypatch.setenv("LMS_COURSES_DIR", str(tmp_path / "courses"))
    check = lms_runner.invoke(main, ["courses", "check", "--format", "json"])
    assert check.exit_code == 0, check.output
    assert json.loads(check.stdout)["summary"]["courses"] == 1
    status = lms_runner.invoke(main, ["courses", "status", "--format", "json"])
    assert status.exit_code == 0, status.output
    assert [c["course_id"] for c in json.loads(status.stdout)["courses"]] == ["test-course"]


def test_a_bad_configuration_stops_a_file_only_command_with_status_2(lms_runner, tmp_path, monkeypatch):
    write_course(tmp_path / "courses" / "test-course")
    monkeypatch.setenv("LMS_ENV", "production")
    result = lms_runner.invoke(main, ["courses", "check", str(tmp_path / "courses")])
    assert result.exit_code == 2
    assert "LMS_SECRET_KEY" in result.output


def test_a_command_the_app_adds_is_still_found(lms_runner):
    # `routes` is Flask's own, `limiter` a plugin's: both are listed and found as before.
    listed = lms_runner.invoke(main, ["--help"])
    assert "routes" in listed.output and "limiter" in listed.output
    assert main.get_command(click.Context(main), "limiter") is not None


def _imports(path) -> set[str]:
    import ast

    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
    return found


def test_only_the_command_line_imports_command_modules():
    # Commands import shared helpers from lms.cli_support; lms.cli (the table) is imported by create_app alone,
    # and no view or service imports a command module (so the import graph has no cycle through the CLI).
    offending = []
    for path in sorted(lms.PROJECT_ROOT.joinpath("lms").rglob("*.py")):
        relative = path.relative_to(lms.PROJECT_ROOT).as_posix()
        for name in _imports(path):
            is_cli = name == "lms.cli" or (name.startswith("lms.") and name.endswith(".cli"))
            if name == "lms.cli" and relative in ("lms/__init__.py", "lms/cli.py"):
                continue
            outside_the_cli = (is_cli or name == "lms.cli_support") and path.name != "cli.py"
            if outside_the_cli or name == "lms.cli":  # command modules use lms.cli_support, not the table
                offending.append(f"{relative} imports {name}")
    assert offending == []
