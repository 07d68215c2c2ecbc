"""Lesson Markdown that would not reach learners as written: raw HTML the sanitiser drops, images without alt text.

`courses check` reports these as warnings at the line of the lesson file, so an author learns that a `<script>`,
an `<iframe>` or an `onclick=` was removed instead of finding out from a learner.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser

from lms.courses.markdown import ALLOWED_ATTRIBUTES, ALLOWED_TAGS, markdown_tokens


@dataclass(frozen=True)
class Finding:
    """A warning about a lesson body; `line` is 1-based within the body."""

    line: int
    message: str


class _Tags(HTMLParser):
    """Collects the start tags of an HTML fragment with their attributes and line (1-based, within the fragment)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]], int]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs, self.getpos()[0]))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)


def _html_findings(fragment: str, first_line: int) -> list[Finding]:
    parser = _Tags()
    parser.feed(fragment)
    parser.close()
    dropped: dict[str, Finding] = {}  # each dropped tag or attribute once per fragment (an <svg> has many tags)
    no_alt: list[Finding] = []
    for tag, attrs, line in parser.tags:
        line = first_line + line - 1
        if tag not in ALLOWED_TAGS:
            message = f"HTML tag <{tag}> is not allowed in lessons; the page leaves it out"
            dropped.setdefault(message, Finding(line, message))
            continue
        allowed = ALLOWED_ATTRIBUTES["*"] | ALLOWED_ATTRIBUTES.get(tag, set())
        for name, _value in attrs:
            if name not in allowed:
                message = f"HTML attribute {name}= on <{tag}> is not allowed in lessons; the page leaves it out"
                dropped.setdefault(message, Finding(line, message))
        if tag == "img" and not (dict(attrs).get("alt") or "").strip():
            no_alt.append(Finding(line, "image has no alt text (screen readers need alt=\"...\")"))
    return [*dropped.values(), *no_alt]


_IMAGE_WITH_ALT = re.compile(r"!\[\s*\w")


def lesson_findings(body: str) -> list[Finding]:
    """Raw HTML in the Markdown `body` that the sanitiser drops, and images with a missing or empty alt text."""
    # Parsing is the slow part of checking a lesson: skip it when there is no HTML and every image's alt text
    # starts with a letter or digit (so it cannot be empty).
    if "<" not in body and body.count("![") == len(_IMAGE_WITH_ALT.findall(body)):
        return []
    found: list[Finding] = []
    for token in markdown_tokens(body):
        if token.type == "html_block" and token.map:
            found += _html_findings(token.content, token.map[0] + 1)
        elif token.type == "inline" and token.children and token.map:
            found += _inline_findings(token)
    return sorted(found, key=lambda f: f.line)


def _inline_findings(token) -> list[Finding]:
    # Inline children carry no positions: find each one in the block's source, in order, to get its line.
    source, first, cursor, found = token.content, token.map[0] + 1, 0, []

    def line_at(index: int) -> int:
        return first + source.count("\n", 0, max(index, 0))

    for child in token.children:
        if child.type == "code_inline":
            index = source.find(child.content, cursor)
            cursor = index + len(child.content) if index >= 0 else cursor
        elif child.type == "html_inline":
            index = source.find(child.content, cursor)
            if index >= 0:
                cursor = index + len(child.content)
            found += _html_findings(child.content, line_at(index if index >= 0 else cursor))
        elif child.type == "image":
            index = source.find("![", cursor)
            if index >= 0:
                cursor = index + 2
            if not child.content.strip():
                found.append(Finding(line_at(index if index >= 0 else cursor),
                                     "image has no alt text (write a description: ![What it shows](...))"))
    return found
