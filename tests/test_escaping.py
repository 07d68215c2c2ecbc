"""No user input reaches a page unescaped: the patterns that let it through are absent from the code and templates.

Jinja does not escape what it takes for safe HTML: Markup, anything with __html__ (Flask-Babel's lazy strings), and the
result of `_()` in a template (its variables are escaped, the translated text is not). So a lazy string formatted
with a value, Markup built by formatting, `|safe`, or a translated template text holding markup characters would
print a visitor's `<meta http-equiv=refresh ...>` as HTML.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
LMS = ROOT / "lms"
TEMPLATES = LMS / "templates"
LAZY = {"lazy_gettext", "lazy_pgettext", "lazy_ngettext", "lazy_npgettext"}
#: The only `|safe` on a page: lesson bodies, Markdown rendered and sanitised by lms.courses.markdown (bleach).
SAFE_ALLOWED = {("courses/_lesson_markdown.html", "html|safe")}


def _python_files():
    return sorted(LMS.rglob("*.py"))


def _aliases(tree: ast.AST, module: str, names: set[str]) -> set[str]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == module:
            found |= {alias.asname or alias.name for alias in node.names if alias.name in names}
    return found


def _called(node: ast.AST, names: set[str]) -> bool:
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in names


@pytest.mark.parametrize("path", _python_files(), ids=lambda p: str(p.relative_to(LMS)))
def test_no_lazy_translation_is_formatted_with_values(path):
    """A lazy string is "safe" HTML to Jinja: it must never carry a value (format with `_()` and escape instead)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    lazy = _aliases(tree, "flask_babel", LAZY)
    offending = []
    for node in ast.walk(tree):
        if _called(node, lazy) and node.keywords:
            offending.append(node.lineno)
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod) and _called(node.left, lazy):
            offending.append(node.lineno)
    assert offending == []


@pytest.mark.parametrize("path", _python_files(), ids=lambda p: str(p.relative_to(LMS)))
def test_markup_is_never_built_from_formatted_or_translated_text(path):
    """Markup(...) over a formatted string or a translation marks whatever went into it as HTML."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    markup = _aliases(tree, "markupsafe", {"Markup"}) | _aliases(tree, "flask", {"Markup"})
    translate = {"_", "gettext", "ngettext", "pgettext", "_l", "_lp"} | LAZY
    offending = []
    for node in ast.walk(tree):
        if not (_called(node, markup) and node.args):
            continue
        arg = node.args[0]
        formatted = isinstance(arg, ast.JoinedStr) or (isinstance(arg, ast.BinOp)
                                                        and isinstance(arg.op, ast.Mod | ast.Add))
        formatted |= isinstance(arg, ast.Call) and isinstance(arg.func, ast.Attribute) and arg.func.attr == "format"
        if formatted or _called(arg, translate):
            offending.append(node.lineno)
    assert offending == []


def test_templates_mark_nothing_safe_except_sanitised_lesson_html():
    found = set()
    for path in TEMPLATES.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        name = str(path.relative_to(TEMPLATES))
        for match in re.finditer(r"\|\s*safe\b", text):
            expression = re.sub(r"\s+", "", text[max(0, match.start() - 60):match.end()]).rsplit("{{", 1)[-1]
            found.add((name, expression))
        if re.search(r"autoescape\s+false|Markup", text):
            found.add((name, "autoescape false / Markup"))
    assert found == SAFE_ALLOWED


def _template_messages() -> set[str]:
    method_map = [("templates/**.html", "jinja2")]
    keywords = {"_": None, "gettext": None, "ngettext": (1, 2), "pgettext": ((1, "c"), 2)}
    return {message[0] if isinstance(message, tuple) else message
            for _f, _l, message, _c, _x in extract_from_dir(str(LMS), method_map=method_map, keywords=keywords)}


@pytest.mark.parametrize("locale", ["en", "kk", "ru"])
def test_translated_template_text_holds_no_markup(locale):
    """`_()` in a template returns its translation unescaped: `<`, `>` or `&` in it would be read as HTML."""
    with (LMS / "translations" / locale / "LC_MESSAGES" / "messages.po").open("rb") as fh:
        catalog = read_po(fh, locale=locale)
    offending = []
    for msgid in _template_messages():
        message = catalog.get(msgid)
        strings = [msgid] + ([] if message is None else
                             list(message.string) if isinstance(message.string, tuple) else [message.string])
        offending += [string for string in strings if string and re.search(r"[<>&]", string)]
    assert offending == []
