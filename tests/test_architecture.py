"""Imports run one way: foundation <- agencies <- accounts <- (later domains); views and CLI are the outer layer."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

LMS = Path(__file__).resolve().parent.parent / "lms"

#: Lower number = lower layer. A module may import only from its own layer or lower ones.
LAYERS = {
    "config": 0, "db": 0, "extensions": 0, "i18n": 0, "errors": 0, "redirects": 0, "links": 0, "imports": 0, "mail": 0,
    "agencies": 1,
    "accounts": 2,
    "courses": 3,
    "audit": 2,  # beside accounts: account services record their own entries
    "learning": 4,
    "quizzes": 5,
    "certificates": 6,
    "site": 7,
    "admin": 8,
    "reports": 9,
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
        # Entry points and the demo data generators sit outside the layers (they may use any domain).
        if path.name in OUTER or rel.parts[0] in ("__init__.py", "cli.py", "worker.py") or rel.parts[0].startswith(
                "demo"):
            continue
        top = rel.parts[0].removesuffix(".py")
        if top in LAYERS:
            yield path, LAYERS[top]


@pytest.mark.parametrize("path, layer", list(_inner_modules()), ids=lambda v: str(v).split("lms/")[-1])
def test_module_imports_only_its_own_or_lower_layers(path, layer):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    offending = []
    for node in ast.walk(tree):
        names = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module]
        for name in names:
            imported = _layer_of(name)
            if imported is not None and imported > layer:
                offending.append(name)
    assert offending == []


def test_no_module_is_a_god_module():
    too_long = [str(p.relative_to(LMS)) for p in LMS.rglob("*.py") if len(p.read_text().splitlines()) > 400]
    assert too_long == []
