"""Lesson Markdown: one parser (markdown-it-py), links rewritten to platform URLs, output sanitised by nh3."""

from __future__ import annotations

import functools
import posixpath
import re
from dataclasses import dataclass
from html import escape
from typing import TYPE_CHECKING

import nh3

if TYPE_CHECKING:
    from markdown_it import MarkdownIt

CALLOUTS = ("note", "tip", "warning", "important")

#: A link to another lesson of the same course: "data.md", "./data.en.md", "data.md#section".
LESSON_LINK = re.compile(r"^(?:\./)?(?P<id>[a-z0-9]+(?:[-_][a-z0-9]+)*)(?:\.(?:kk|ru|en))?\.md(?P<fragment>#[^\s]*)?$")
UNSAFE_SCHEME = re.compile(r"^\s*(javascript|data|vbscript|file):", re.IGNORECASE)
#: An explicit heading anchor at the end of a heading: "## Machine learning {#machine-learning}".
HEADING_ID = re.compile(r"\s*\{#(?P<id>[\w-]+)\}\s*$")

ALLOWED_TAGS = {
    "a", "abbr", "aside", "b", "blockquote", "br", "code", "dd", "del", "details", "div", "dl", "dt", "em",
    "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "kbd", "li", "mark", "ol", "p", "pre", "s", "small",
    "span", "strong", "sub", "summary", "sup", "table", "tbody", "td", "th", "thead", "tr", "u", "ul",
}
ALLOWED_ATTRIBUTES = {
    "*": {"id", "class", "lang", "title"},
    "a": {"href"},
    "img": {"src", "alt", "width", "height"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
    "aside": {"role", "aria-label"},
    "ol": {"start"},
    # The machine-readable AI marks on a labelled image's wrapper (lms/courses/ai_marks.py).
    "span": {"data-ai-generated", "data-ai-system", "data-ai-reviewed"},
}


@dataclass(frozen=True)
class Reference:
    """A link or image target found in a lesson, with the line it is on (1-based, within the body)."""

    kind: str  # link | image
    target: str
    line: int


def _callout_renderer(kind: str):
    def render(self, tokens, idx, _options, env):
        if tokens[idx].nesting == 1:
            title = dict(env.get("callout_titles", ())).get(kind, kind.title())
            return (f'<aside class="callout callout--{kind}" role="note" aria-label="{escape(title)}">'
                    f'<p class="callout-title">{escape(title)}</p>\n')
        return "</aside>\n"

    return render


def _explicit_heading_ids(state) -> None:
    # "## Title {#some-id}": the heading gets id="some-id" (kept by the anchors plugin) and the marker is dropped.
    tokens = state.tokens
    for i, token in enumerate(tokens[:-1]):
        inline = tokens[i + 1]
        if token.type != "heading_open" or not inline.children or inline.children[-1].type != "text":
            continue
        match = HEADING_ID.search(inline.children[-1].content)
        if match:
            inline.children[-1].content = inline.children[-1].content[:match.start()]
            inline.content = HEADING_ID.sub("", inline.content)
            token.attrSet("id", match["id"])


@functools.cache
def _parser() -> MarkdownIt:
    # Imported here: `courses check` parses only the lessons that may hold HTML or an image without alt text.
    from markdown_it import MarkdownIt
    from mdit_py_plugins.anchors import anchors_plugin
    from mdit_py_plugins.container import container_plugin

    md = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
    md.core.ruler.push("explicit_heading_ids", _explicit_heading_ids)
    md.use(anchors_plugin, min_level=2, max_level=4)
    for kind in CALLOUTS:
        md.use(container_plugin, name=kind, render=_callout_renderer(kind))
    return md


def markdown_tokens(body: str) -> list:
    """The token stream of the lesson parser for `body` (block tokens with line maps, inline children)."""
    return _parser().parse(body, {})


_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_CODE_SPAN = re.compile(r"(`+).*?\1")
_INLINE_TARGET = re.compile(r"(!?)\[(?:[^\[\]]|\[[^\]]*\])*\]\(\s*<?([^)\s>]*)")
_REFERENCE_DEFINITION = re.compile(r"^ {0,3}\[[^\]]+\]:\s*<?([^\s>]+)")
_HTML_TARGET = re.compile(r"<(a|img)\b[^>]*?\b(?:href|src)\s*=\s*[\"']?([^\"'\s>]+)", re.IGNORECASE)


def find_references(body: str) -> list[Reference]:
    """Every link and image target in the Markdown `body` (outside code), with its line, for checking.

    A line scan rather than a full parse: `courses check` reads hundreds of lessons and must stay fast.
    """
    found = []
    fence = None
    for number, line in enumerate(body.splitlines(), start=1):
        # Each pattern runs only on lines holding the characters it needs: most lines of a lesson hold no link.
        marker = _FENCE.match(line) if ("`" in line or "~" in line) else None
        if fence is not None:
            if marker and marker.group(1)[0] == fence[0] and len(marker.group(1)) >= len(fence):
                fence = None
            continue
        if marker:
            fence = marker.group(1)
            continue
        text = _CODE_SPAN.sub("", line) if "`" in line else line
        if "](" in text:
            for bang, target in _INLINE_TARGET.findall(text):
                found.append(Reference("image" if bang else "link", target, number))
        if "]:" in text:
            definition = _REFERENCE_DEFINITION.match(text)
            if definition:
                found.append(Reference("link", definition.group(1), number))
        if "<" in text:
            for tag, target in _HTML_TARGET.findall(text):
                found.append(Reference("image" if tag.lower() == "img" else "link", target, number))
    return found


def resolve_media(target: str, *, lesson_dir: str = "lessons") -> str | None:
    """The path, relative to the course folder, that an image/file reference in a lesson points to.

    Returns None for references that are not course files (absolute URLs) or that leave the course folder.
    """
    if not target or "://" in target or target.startswith(("/", "\\", "#", "mailto:")) or UNSAFE_SCHEME.match(target):
        return None
    path = posixpath.normpath(posixpath.join(lesson_dir, target.split("#", 1)[0].split("?", 1)[0]))
    if path.startswith("../") or path == ".." or path.startswith("/"):
        return None
    return path


@functools.lru_cache(maxsize=1024)
def render_lesson(body: str, *, lesson_url: str, media_url: str, media_labels: tuple[tuple[str, str], ...] = (),
                  media_marks: tuple[tuple[str, str], ...] = (),
                  callout_titles: tuple[tuple[str, str], ...] = ()) -> str:
    """Render lesson Markdown to sanitised HTML.

    `lesson_url` has a "{id}" placeholder for links to other lessons; `media_url` is the prefix of course files;
    `media_labels` maps a course file (media/x.svg) to the AI-content label shown under it, and `media_marks` to
    the machine-readable attributes of the figure that wraps it (ai_marks.block_attributes). Cached: a lesson
    body is rendered once per process and language, not per request.
    """
    md = _parser()
    env = {"callout_titles": callout_titles}
    tokens = md.parse(body, env)
    labels = dict(media_labels)
    for token in tokens:
        for child in token.children or ():
            if child.type == "link_open":
                child.attrs["href"] = _rewrite_link(str(child.attrs.get("href", "")), lesson_url, media_url)
            elif child.type == "image":
                src = str(child.attrs.get("src", ""))
                media = resolve_media(src)
                child.attrs["src"] = media_url + media if media else ("" if UNSAFE_SCHEME.match(src) else src)
                child.meta["ai_label"] = labels.get(media or "")
    html = md.renderer.render(tokens, md.options, env)
    html = _label_images(html, tokens, labels, media_url, dict(media_marks))
    return nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, url_schemes={"http", "https", "mailto"},
                     link_rel="noopener noreferrer")


def _rewrite_link(href: str, lesson_url: str, media_url: str) -> str:
    if UNSAFE_SCHEME.match(href):
        return ""
    match = LESSON_LINK.match(href)
    if match:
        return lesson_url.replace("{id}", match["id"]) + (match["fragment"] or "")
    media = resolve_media(href)
    if media and media.startswith("media/"):
        return media_url + media
    return href


def _label_images(html: str, tokens, labels: dict[str, str], media_url: str, marks: dict[str, str]) -> str:
    # Put each labelled image in a wrapper with its label right after it, visible and read by screen readers;
    # the wrapper carries the machine-readable marks (already escaped attribute text).
    for media, label in labels.items():
        src = escape(media_url + media, quote=True)
        pattern = re.compile(r'(<img src="' + re.escape(src) + r'"[^>]*>)')
        attrs = marks.get(media, "")
        html = pattern.sub(lambda m, label=label, attrs=attrs: f'<span class="ai-figure"{attrs}>{m.group(1)}'
                           f'<span class="ai-label">{escape(label)}</span></span>', html)
    return html


@functools.lru_cache(maxsize=1024)
def lesson_images(body: str) -> frozenset[str]:
    """The course files (media/x.svg) that the lesson's Markdown images show, as render_lesson() finds them."""
    found = set()
    for token in markdown_tokens(body):
        for child in token.children or ():
            if child.type == "image":
                media = resolve_media(str(child.attrs.get("src", "")))
                if media:
                    found.add(media)
    return frozenset(found)
