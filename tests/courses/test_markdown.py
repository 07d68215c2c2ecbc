"""Lesson Markdown rendering: unsafe HTML is inert, supported syntax renders, links and images are rewritten."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from lms.courses import markdown
from lms.courses.markdown import find_references, render_lesson, resolve_media

LESSON_URL = "/courses/c1/lessons/{id}"
MEDIA_URL = "/courses/c1/files/"


def render(body: str, **kwargs) -> str:
    return render_lesson(body, lesson_url=LESSON_URL, media_url=MEDIA_URL, **kwargs)


class _Elements(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, {name: value or "" for name, value in attrs}))


def elements(html: str) -> list[tuple[str, dict[str, str]]]:
    """Every start tag in `html` with its attributes, as a browser would read them (entities decoded)."""
    parser = _Elements()
    parser.feed(html)
    parser.close()
    return parser.elements


def tags(html: str) -> set[str]:
    return {tag for tag, _attrs in elements(html)}


def urls(html: str) -> list[str]:
    return [value for _tag, attrs in elements(html) for name, value in attrs.items()
            if name in ("href", "src", "action", "formaction", "xlink:href", "srcset", "poster")]


# --- unsafe markup is inert -----------------------------------------------------------------------

@pytest.mark.parametrize("body", [
    "<script>alert(1)</script>",
    "Text <script>alert(1)</script> inline.",
    "<SCRIPT src=https://evil.example/x.js></SCRIPT>",
    "<div>\n<script>alert(1)</script>\n</div>",
])
def test_script_is_removed(body):
    html = render(body)
    assert "script" not in tags(html)
    assert "alert(1)" not in html
    assert "evil.example" not in html


@pytest.mark.parametrize("body", [
    '<img src="../media/x.svg" onerror="alert(1)">',
    "<img src=x onerror=alert(1)>",
    '<p onclick="steal()">Click</p>',
    '<a href="https://example.org" onmouseover="steal()">link</a>',
    '<svg onload="alert(1)"></svg>',
])
def test_event_handler_attributes_are_removed(body):
    html = render(body)
    assert not [name for _tag, attrs in elements(html) for name in attrs if name.startswith("on")]
    assert "svg" not in tags(html)


@pytest.mark.parametrize("body", [
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    '<a href="javascript:alert(1)">click</a>',
    '<a href="java&#115;cript:alert(1)">click</a>',
    '<a href=" javascript:alert(1)">click</a>',
    "[click][ref]\n\n[ref]: javascript:alert(1)",
    "<javascript:alert(1)>",
])
def test_javascript_links_are_inert(body):
    html = render(body)
    assert not [url for url in urls(html) if "javascript" in url.lower().replace(" ", "")]


@pytest.mark.parametrize("body", [
    "![pixel](data:image/png;base64,iVBORw0KGgo=)",
    "[open](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    '<img src="data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=">',
    '<a href="data:text/html,<script>alert(1)</script>">x</a>',
])
def test_data_urls_are_removed(body):
    html = render(body)
    assert not [url for url in urls(html) if url.strip().lower().startswith("data:")]


@pytest.mark.parametrize("body", [
    '<iframe src="https://evil.example/"></iframe>',
    "Before\n\n<iframe src=\"https://evil.example/\">\n</iframe>\n\nAfter",
    '<object data="https://evil.example/x.swf"></object><embed src="https://evil.example/x.swf">',
])
def test_frames_and_embedded_objects_are_removed(body):
    html = render(body)
    assert not tags(html) & {"iframe", "object", "embed"}
    assert "evil.example" not in html


@pytest.mark.parametrize("body", [
    "<style>body { display: none }</style>",
    "Text\n\n<style>\n* { background: url(https://evil.example/) }\n</style>\n",
    '<p style="position:fixed;top:0">Overlay</p>',
])
def test_styles_are_removed(body):
    html = render(body)
    assert "style" not in tags(html)
    assert not [attrs for _tag, attrs in elements(html) if "style" in attrs]
    assert "evil.example" not in html and "display: none" not in html


def test_forms_and_inputs_are_removed():
    html = render('<form action="https://evil.example/"><input name="password"><button>Go</button></form>')
    assert not tags(html) & {"form", "input", "button"}


# --- supported Markdown renders -------------------------------------------------------------------

def test_tables_render():
    html = render("| Term | Meaning |\n|------|---------|\n| Model | A trained function |\n")
    assert "<table>" in html and "<th>Term</th>" in html and "<td>A trained function</td>" in html


def test_fenced_code_renders_escaped():
    html = render("```python\nprint('<b>hi</b>')\n```\n")
    assert '<pre><code class="language-python">' in html
    assert "print('&lt;b&gt;hi&lt;/b&gt;')" in html
    assert "b" not in tags(html)


def test_headings_get_id_anchors():
    html = render("## Machine learning\n\n### Data and models\n")
    assert '<h2 id="machine-learning">Machine learning</h2>' in html
    assert '<h3 id="data-and-models">Data and models</h3>' in html


def test_cyrillic_headings_get_id_anchors():
    html = render("## Что такое ИИ\n\n## Жасанды интеллект деген не\n")
    assert '<h2 id="что-такое-ии">Что такое ИИ</h2>' in html
    assert '<h2 id="жасанды-интеллект-деген-не">Жасанды интеллект деген не</h2>' in html


def test_explicit_heading_id_is_used_and_not_shown():
    html = render("## Machine learning {#ml}\n\n## Машинное обучение {#machine-learning}\n")
    assert '<h2 id="ml">Machine learning</h2>' in html
    assert '<h2 id="machine-learning">Машинное обучение</h2>' in html
    assert "{#" not in html


def test_callouts_render():
    html = render("::: warning\nCheck the output.\n:::\n\n::: tip\nUse examples.\n:::\n",
                  callout_titles=(("warning", "Warning!"), ("tip", "Tip")))
    assert '<aside class="callout callout--warning" role="note" aria-label="Warning!">' in html
    assert '<p class="callout-title">Warning!</p>' in html
    assert "<p>Check the output.</p>" in html
    assert 'class="callout callout--tip"' in html


def test_unknown_callout_kind_is_not_a_callout():
    html = render("::: danger\nText\n:::\n")
    assert "aside" not in tags(html)


# --- links and images -----------------------------------------------------------------------------

@pytest.mark.parametrize(("target", "expected"), [
    ("data-basics.md", "/courses/c1/lessons/data-basics"),
    ("data-basics.ru.md", "/courses/c1/lessons/data-basics"),
    ("./data-basics.en.md", "/courses/c1/lessons/data-basics"),
    ("data-basics.md#main-idea", "/courses/c1/lessons/data-basics#main-idea"),
    ("https://example.org/page", "https://example.org/page"),
])
def test_lesson_links_are_rewritten_to_lesson_urls(target, expected):
    html = render(f"Read [the next lesson]({target}).")
    assert [attrs["href"] for tag, attrs in elements(html) if tag == "a"] == [expected]


def test_images_point_to_media_urls():
    html = render("![The lifecycle](../media/lifecycle.svg)")
    assert ("img", {"src": "/courses/c1/files/media/lifecycle.svg", "alt": "The lifecycle"}) in elements(html)


def test_links_to_media_files_point_to_media_urls():
    html = render("[The handout](../media/handout.pdf)")
    assert [attrs["href"] for tag, attrs in elements(html) if tag == "a"] == ["/courses/c1/files/media/handout.pdf"]


def test_labelled_image_gets_a_visible_label_next_to_it():
    label = "AI-generated content · Tool: DALL-E 3"
    html = render("![The lifecycle](../media/lifecycle.svg)\n\n![Other](../media/other.svg)",
                  media_labels=(("media/lifecycle.svg", label),))
    assert ('<span class="ai-figure"><img src="/courses/c1/files/media/lifecycle.svg" alt="The lifecycle">'
            f'<span class="ai-label">{label}</span></span>') in html
    assert html.count('class="ai-label"') == 1


def test_image_label_is_escaped():
    html = render("![x](../media/x.svg)", media_labels=(("media/x.svg", "<script>alert(1)</script>"),))
    assert "script" not in tags(html)
    assert "&lt;script&gt;" in html


@pytest.mark.parametrize("target", ["../../../etc/passwd", "/etc/passwd", "https://example.org/x.png",
                                    "javascript:alert(1)", "data:image/png;base64,AAAA", ""])
def test_resolve_media_refuses_paths_outside_the_course(target):
    assert resolve_media(target) is None


def test_resolve_media_gives_the_path_inside_the_course():
    assert resolve_media("../media/x.svg") == "media/x.svg"
    assert resolve_media("../media/./sub/../x.svg#frag") == "media/x.svg"


def test_find_references_gives_the_line_of_each_link_and_image():
    body = "Intro\n\nFirst line,\nsecond line [a](a.md)\nthird ![b](../media/b.svg)\n\n| x |\n|---|\n| [c](c.md) |\n"
    assert [(ref.kind, ref.target, ref.line) for ref in find_references(body)] == [
        ("link", "a.md", 4), ("image", "../media/b.svg", 5), ("link", "c.md", 9)]


# --- caching --------------------------------------------------------------------------------------

def test_render_lesson_is_cached(monkeypatch):
    parses = []
    real_parser = markdown._parser

    def counting_parser():
        parses.append(1)
        return real_parser()

    monkeypatch.setattr(markdown, "_parser", counting_parser)
    body = "## A heading only this test renders\n\nSome *text*.\n"
    first = render(body)
    hits = render_lesson.cache_info().hits
    second = render(body)
    assert second is first
    assert render_lesson.cache_info().hits == hits + 1
    assert len(parses) == 1


def test_render_lesson_cache_tells_different_urls_apart():
    body = "See [next](next.md), a test of its own.\n"
    one = render_lesson(body, lesson_url="/courses/a/lessons/{id}", media_url="/courses/a/files/")
    two = render_lesson(body, lesson_url="/courses/b/lessons/{id}", media_url="/courses/b/files/")
    assert "/courses/a/lessons/next" in one and "/courses/b/lessons/next" in two
