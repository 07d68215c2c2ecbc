"""The import graph of lms/, function-local imports included: outer modules, views across packages, cycles, layer order.

tests/test_architecture.py keeps each module to its own layer or lower ones; this file reads the whole graph at once.
"""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

import pytest

from tests.test_architecture import LAYERS, LMS

#: The outer layer: views (`views.py`, `*_views.py`, the JSON API's `api.py`) and commands (`cli.py`, the CLI's
#: shared helpers). Nothing inner imports them; they may import any service.
OUTER_NAMES = {"views.py", "cli.py", "api.py", "cli_support.py"}
#: The entry points of the whole application, above every layer.
ENTRY = {"lms", "lms.cli", "lms.worker"}

#: The order of the guide (../shared/GUIDE.md, "Imports run one way"), lowest first; names on one step share a level
#: or are independent of each other. `questions` sits below `courses` (issue 18: the course loader builds questions).
GUIDE_ORDER = [
    {"config", "db", "extensions", "i18n", "errors", "tasks", "imports"},
    {"agencies"},
    {"accounts"},
    {"courses"},
    {"learning"},
    {"quizzes"},
    {"certificates"},
    {"assignments", "reports", "exports", "api", "team"},
]


def _is_outer(path: Path) -> bool:
    return path.name in OUTER_NAMES or path.name.endswith("_views.py")


def _module_name(path: Path) -> str:
    rel = path.relative_to(LMS.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


@cache
def _modules() -> dict[str, Path]:
    return {_module_name(path): path for path in sorted(LMS.rglob("*.py"))}


def _resolve(name: str, modules: dict[str, Path]) -> str | None:
    """The lms module `name` refers to: itself, or its nearest enclosing package that is a module."""
    while name and name not in modules:
        name = name.rpartition(".")[0]
    return name or None


def _runtime_nodes(tree: ast.AST):
    """Every node that runs, function bodies included; `if TYPE_CHECKING:` blocks (annotations only) left out."""
    todo = [tree]
    while todo:
        node = todo.pop()
        yield node
        if isinstance(node, ast.If) and getattr(node.test, "id", getattr(node.test, "attr", None)) == "TYPE_CHECKING":
            todo.extend(node.orelse)
            continue
        todo.extend(ast.iter_child_nodes(node))


@cache
def _graph() -> dict[str, set[str]]:
    """Module -> the lms modules it imports, anywhere in its body (function-local imports too)."""
    modules = _modules()
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        edges: set[str] = set()
        for node in _runtime_nodes(ast.parse(path.read_text(encoding="utf-8"))):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                    base = ".".join([*anchor, base] if base else anchor)
                # `from lms.x import y` names the module lms.x.y when there is one, else something in lms.x.
                targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base
                           for alias in node.names]
            for target in targets:
                if target.split(".")[0] != "lms":
                    continue
                resolved = _resolve(target, modules)
                if resolved and resolved != name:
                    edges.add(resolved)
        graph[name] = edges
    return graph


def _top(module: str) -> str:
    return module.split(".")[1] if "." in module else ""


def test_the_graph_sees_function_local_imports():
    # lms/__init__.py imports the blueprints inside create_app: the graph has those edges.
    assert "lms.courses" in _graph()["lms"] or any(m.startswith("lms.courses.") for m in _graph()["lms"])


def test_no_inner_module_imports_an_outer_one():
    modules = _modules()
    offending = sorted(
        f"{name} -> {target}"
        for name, targets in _graph().items()
        if name not in ENTRY and not _is_outer(modules[name])
        for target in targets
        if _is_outer(modules[target])
    )
    assert offending == []


def test_no_view_imports_another_packages_view():
    modules = _modules()
    offending = sorted(
        f"{name} -> {target}"
        for name, targets in _graph().items()
        if _is_outer(modules[name]) and modules[name].name != "cli.py"
        for target in targets
        if _is_outer(modules[target]) and modules[target].name != "cli.py" and _top(target) != _top(name)
    )
    assert offending == []


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in sorted(graph.get(node, ())):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_cycle_finder_finds_a_cycle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_import_cycle_even_through_function_local_imports():
    # A package's __init__ that re-exports its modules is not a cycle with them: edges into a package's own
    # __init__ from inside the package are left out (Python has loaded the package before its modules).
    graph = {
        name: {t for t in targets if not (name.startswith(t + ".") and _modules()[t].name == "__init__.py")}
        for name, targets in _graph().items()
    }
    assert _cycles(graph) == []


@pytest.mark.parametrize("lower, higher", [
    (low, high) for i, step in enumerate(GUIDE_ORDER) for later in GUIDE_ORDER[i + 1:]
    for low in sorted(step) for high in sorted(later)  # sorted: every pytest-xdist worker collects the same order
])
def test_the_layers_follow_the_guide(lower, higher):
    assert LAYERS[lower] < LAYERS[higher]


def test_questions_sit_below_courses_and_above_the_foundation():
    assert 0 < LAYERS["questions"] < LAYERS["courses"]
