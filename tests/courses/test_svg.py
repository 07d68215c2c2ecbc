"""SVG media are parsed and allowed only with known-safe SVG elements and attributes, in every namespace."""

from __future__ import annotations

import pytest

from lms import PROJECT_ROOT
from lms.courses.loader import load_courses
from lms.courses.svg import check_svg
from tests.courses.builders import SVG, line_of
from tests.courses.test_check import assert_error

OPEN = '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 10 10">'

CLEAN = f"""<?xml version="1.0" encoding="UTF-8"?>
<!-- made by hand -->
{OPEN[:-1]} role="img" aria-labelledby="t">
  <title id="t">A clean diagram</title>
  <desc>Shapes, gradients, a filter, a reused symbol and an embedded raster image.</desc>
  <style>.box {{ fill: url(#grad); stroke: #336 }} text {{ font-family: Arial, sans-serif }}</style>
  <defs>
    <linearGradient id="grad" x1="0" x2="1"><stop offset="0" stop-color="#eef"/><stop offset="1"
      stop-color="#ccf"/></linearGradient>
    <filter id="shadow"><feGaussianBlur in="SourceAlpha" stdDeviation="1"/><feOffset dx="1" dy="1"/>
      <feMerge><feMergeNode/><feMergeNode in="SourceGraphic"/></feMerge></filter>
    <marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" orient="auto-start-reverse">
      <path d="M 0 0 L 10 5 L 0 10 z"/></marker>
    <symbol id="dot"><circle cx="1" cy="1" r="1"/></symbol>
    <clipPath id="clip"><rect width="10" height="10"/></clipPath>
  </defs>
  <g clip-path="url(#clip)" filter="url('#shadow')" transform="translate(1 1)">
    <rect class="box" x="0" y="0" width="8" height="4" rx="1" style="stroke-width: 0.5"/>
    <line x1="0" y1="6" x2="8" y2="6" marker-end="url(#arrow)" stroke="black"/>
    <use href="#dot" x="2" y="7"/><use xlink:href="#dot" x="5" y="7"/>
    <text x="1" y="3" font-size="2" xml:space="preserve">Data <tspan font-weight="bold">flow</tspan></text>
    <image x="6" y="6" width="2" height="2" href="data:image/png;base64,iVBORw0KGgo="/>
  </g>
</svg>
"""

XHTML = 'xmlns:h="http://www.w3.org/1999/xhtml"'


def svg(body: str, *, open_tag: str = OPEN) -> str:
    return f"{open_tag}\n{body}\n</svg>\n"


# (case, SVG text, 1-based line of the problem, fragment of its message)
REFUSED = [
    ("xhtml-namespaced script", svg("<h:script>alert(1)</h:script>", open_tag=OPEN[:-1] + f" {XHTML}>"),
     2, "element <h:script> (namespace http://www.w3.org/1999/xhtml) is not allowed"),
    ("xhtml script as default namespace", svg('<g><script xmlns="http://www.w3.org/1999/xhtml">alert(1)</script></g>'),
     2, "element <script> (namespace http://www.w3.org/1999/xhtml) is not allowed"),
    ("xhtml iframe", svg('<h:iframe src="javascript:alert(1)"/>', open_tag=OPEN[:-1] + f" {XHTML}>"),
     2, "element <h:iframe>"),
    ("svg script", svg("<script>alert(1)</script>"), 2, "element <script> is not allowed"),
    ("script hidden in CDATA", svg("<g>\n<script><![CDATA[alert(1)]]></script></g>"), 3, "element <script>"),
    ("foreignObject", svg("<foreignObject><div>x</div></foreignObject>"), 2, "element <foreignObject>"),
    ("animation setting href", svg('<a href="#x">\n<set attributeName="href" to="javascript:alert(1)"/></a>'),
     2, "element <a> is not allowed"),
    ("set alone", svg('<rect>\n<set attributeName="fill" to="red"/></rect>'), 3, "element <set>"),
    ("animate href", svg('<use href="#a"><animate attributeName="href" values="javascript:alert(1)"/></use>'),
     2, "element <animate>"),
    ("animateTransform", svg("<g><animateTransform/></g>"), 2, "element <animateTransform>"),
    ("event handler on root", svg("<g/>", open_tag=OPEN[:-1] + ' onload="alert(1)">'), 1,
     "event handler attribute onload is not allowed"),
    ("event handler mixed case", svg('<rect OnClick="alert(1)"/>'), 2, "event handler attribute OnClick"),
    ("unknown namespace attribute", svg('<g xmlns:ink="http://www.inkscape.org/namespaces/inkscape"\n'
                                        '   ink:label="layer"/>'), 2, "attribute ink:label of <g> is not allowed"),
    ("unknown namespace element", svg('<x:thing xmlns:x="urn:x"/>'), 2, "element <x:thing> (namespace urn:x)"),
    ("element in no namespace", svg('<g><script xmlns="">alert(1)</script></g>'), 2,
     "element <script> (no namespace)"),
    ("root without the SVG namespace", "<svg>\n<script>alert(1)</script></svg>", 1, "it must be <svg xmlns="),
    ("xlink:href to javascript", svg('<image xlink:href="javascript:alert(1)"/>'), 2,
     "links in an SVG file may only point to a #fragment"),
    ("href to another file", svg('<use href="other.svg#x"/>'), 2, "may only point to a #fragment"),
    ("href to an SVG data URL", svg('<image href="data:image/svg+xml;base64,PHN2Zz4="/>'), 2,
     "may only point to a #fragment"),
    ("xlink attribute not allowed", svg('<use xlink:href="#a" xlink:actuate="onLoad"/>'), 2,
     "attribute xlink:actuate"),
    ("unknown svg attribute", svg('<rect attributeName="href"/>'), 2, "attribute attributeName of <rect>"),
    ("external url in paint", svg('<rect fill="url(https://example.org/p.svg#p)"/>'), 2,
     "url(https://example.org/p.svg#p) may only point"),
    ("javascript in style attribute", svg('<rect style="fill: url(javascript:alert(1))"/>'), 2, "style of <rect>"),
    ("style @import", svg("<style>\n@import url(https://example.org/x.css);\n</style>"), 2, "<style> may not use"),
    ("css escape", svg("<style>rect { fill: u\\72l(https://example.org/x) }</style>"), 2, "escapes"),
    ("stylesheet processing instruction", '<?xml-stylesheet href="https://example.org/x.xsl" type="text/xsl"?>\n'
     + svg("<g/>"), 1, "processing instructions"),
    ("doctype with an entity", '<?xml version="1.0"?>\n<!DOCTYPE svg [<!ENTITY lol "lol">]>\n' + svg("<g>&lol;</g>"),
     2, "may not have a DOCTYPE"),
    ("external entity", '<!DOCTYPE svg SYSTEM "file:///etc/passwd">\n' + svg("<g/>"), 1, "DOCTYPE"),
    ("not well-formed", svg("<g>\n<rect></g>"), 3, "not well-formed XML"),
    ("not XML at all", "root:x:0:0:root:/root:/bin/bash\n", 1, "not well-formed XML"),
]


@pytest.mark.parametrize(("text", "line", "fragment"), [case[1:] for case in REFUSED], ids=[c[0] for c in REFUSED])
def test_unsafe_svg_is_refused_at_its_line(text, line, fragment):
    problems = check_svg(text.encode())
    assert problems, "accepted"
    assert any(p.line == line and fragment in p.message for p in problems), problems


@pytest.mark.parametrize("text", [CLEAN, SVG], ids=["rich", "builder"])
def test_clean_svg_is_accepted(text):
    assert check_svg(text.encode()) == []


def test_starter_course_svgs_are_accepted():
    paths = sorted((PROJECT_ROOT / "courses").glob("*/media/*.svg"))
    assert paths
    for path in paths:
        assert check_svg(path.read_bytes()) == [], path


def test_billion_laughs_is_refused_quickly():
    entities = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10))
    text = f'<!DOCTYPE svg [<!ENTITY l0 "lol">{entities}]>\n' + svg("<text>&l9;</text>")
    [problem] = check_svg(text.encode())
    assert "DOCTYPE" in problem.message


def test_svg_with_a_namespaced_script_fails_check_at_its_path_and_line(runner, courses_root, course_dir):
    path = course_dir / "media" / "diagram.svg"
    path.write_text(svg('<rect width="1" height="1"/>\n<h:script>alert(document.cookie)</h:script>',
                        open_tag=OPEN[:-1] + f" {XHTML}>"), encoding="utf-8")
    assert_error(runner, courses_root, path, line_of(path, "<h:script>"), "element <h:script>")


def test_clean_rich_svg_passes_check(courses_root, course_dir):
    (course_dir / "media" / "diagram.svg").write_text(CLEAN, encoding="utf-8")
    result = load_courses(courses_root)
    assert result.problems == []
    assert [f.path for f in result.courses[0].files] == ["media/diagram.svg"]
