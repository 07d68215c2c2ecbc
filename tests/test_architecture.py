"""Imports run one way: foundation <- agencies <- accounts <- (later domains); views and CLI are the outer layer."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

LMS = Path(__file__).resolve().parent.parent / "lms"

#: Lower number = lower layer. A module may import only from its own layer or lower ones.
LAYERS = {
    "config": 0, "defaults": 0, "db": 0, "extensions": 0, "i18n": 0, "errors": 0, "redirects": 0, "links": 0,
    "imports": 0, "mail": 0, "tasks": 0, "events": 0, "timeutil": 0,
    # settings of the identity providers and directory
    "config_directory": 0, "identity_providers": 0, "saml_config": 0,
    "content_version": 0,  # the content version token (courses register what counts as content)
    "agencies": 1,
    "questions": 1,  # below courses (the loader builds questions through it); imports foundation only, see below
    "accounts": 2,
    "courses": 3,
    "audit": 2,  # beside accounts: account services record their own entries
    "learning": 4,
    "quizzes": 5,
    "certificates": 6,
    # pre-tests: drawn and graded by the quiz machinery, stored apart from quiz attempts (reports read them).
    "pretests": 6,
    # competency evidence and profiles: reads quiz attempts and the framework (courses); the outcome use case
    # (assignments) writes the evidence of a passed final quiz.
    "competencies": 6,
    "ai": 6,  # the course tutor and question drafts: reads courses and quiz attempts (the refusal during one)
    "assignments": 7,  # mandatory training, reminders, and the outcome of learning (it sees certificates)
    "approvals": 7,
    # programmes: progress and the programme certificate (certificates below); assignments.outcome calls it when a
    # course completes, and assignments may name a programme, so it never imports assignments.
    "programmes": 7,  # manager approval of self-enrolment: beside assignments, whose assigned courses need none
    "site": 7,
    # xAPI statements: reads learning, quizzes and certificates' events; lower layers reach it only through
    # lms.events (it subscribes), never by import.
    "xapi": 7,
    # SCORM lessons at runtime: a commit that finishes a package completes the lesson through assignments.outcome.
    # The package checks (zip, manifest) are in courses, below it, since `courses check` needs them.
    "scorm": 7,
    "admin": 8,
    # calendar feeds: each person's due dates (assignments' standing) as iCalendar; the account page links to it.
    "calendar": 8,
    # notifications deliver lms.events.Notice: they read users, courses, certificates and assignments (for the
    # texts and links); the domains that publish reach them only through lms.events, never by import.
    "notifications": 8,
    # exports and api read the reports' queries, rows and filters (and certificates, learning below them).
    "reports": 9, "exports": 9, "api": 9,
    # line managers' "My team": reads assignments, certificates and the reports' tree and labels, as reports do;
    # exports write its files (exports imports team, never the other way round but for the export form's formats).
    "team": 9,
    # course evaluations: the questionnaire after completion (reads learning) and the satisfaction figures, rolled
    # up through the reports' tree; exports write its files (exports imports evaluations, never the other way).
    "evaluations": 9,
    "demo": 10,  # demo and benchmark data generators: the top, they may use any domain
}
#: Outer modules may import anything: views and commands call any service.
OUTER = {"views.py", "cli.py"}


def _layer_of(module: str) -> int | None:
    parts = module.split(".")
    if parts[0] != "lms" or len(parts) < 2:
        return None
    return LAYERS.get(parts[1])


def _inner_modules():
    for path in sorted(LMS.rglob("*.py")):
        rel = path.relative_to(LMS)
        # Entry points sit outside the layers.
        if path.name in OUTER or rel.parts[0] in ("__init__.py", "cli.py", "worker.py"):
            continue
        top = rel.parts[0].removesuffix(".py")
        if top in LAYERS:
            yield path, LAYERS[top]


def _imported_names(path: Path) -> list[str]:
    """The module names `path` imports, anywhere in it (function-local imports too)."""
    names: list[str] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.append(node.module)
    return names


@pytest.mark.parametrize("path, layer", list(_inner_modules()), ids=lambda v: str(v).split("lms/")[-1])
def test_module_imports_only_its_own_or_lower_layers(path, layer):
    offending = []
    for name in _imported_names(path):
        imported = _layer_of(name)
        if imported is not None and imported > layer:
            offending.append(name)
    assert offending == []


def test_no_module_is_a_god_module():
    too_long = [str(p.relative_to(LMS)) for p in LMS.rglob("*.py") if len(p.read_text().splitlines()) > 400]
    assert too_long == []


#: What a pure package may import besides the standard library and pydantic: nothing of Flask or the database.
IMPURE = ("flask", "flask_babel", "flask_login", "flask_wtf", "sqlalchemy", "wtforms", "werkzeug")


@pytest.mark.parametrize("path", sorted((LMS / "questions").rglob("*.py")), ids=lambda p: str(p).split("lms/")[-1])
def test_question_types_are_pure_and_import_only_the_foundation(path):
    offending = []
    for name in _imported_names(path):
        top = name.split(".")[0]
        inner = name.split(".")[1] if top == "lms" and "." in name else None
        if top in IMPURE or (top == "lms" and inner != "questions" and LAYERS.get(inner) != 0):
            offending.append(name)
    assert offending == []
