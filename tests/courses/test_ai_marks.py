"""Machine-readable AI labels: page metas and block attributes with IPTC digital source types (docs/authoring.md)."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from lms.courses import ai_marks
from lms.courses.markdown import lesson_images, render_lesson
from tests import factories
from tests.courses.builders import replace_in, write_course

GENERATED = "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia"
COMPOSITE = "http://cv.iptc.org/newscodes/digitalsourcetype/compositeWithTrainedAlgorithmicMedia"
EMAIL = "learner@example.kz"


class Tags(HTMLParser):
    """Every start tag of a page as (tag, attributes), and the <meta name=...> of its head."""

    def __init__(self, html: str):
        super().__init__()
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.metas: dict[str, str] = {}
        self.in_head = False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attributes = {name: value or "" for name, value in attrs}
        self.tags.append((tag, attributes))
        if tag == "head":
            self.in_head = True
        elif tag == "meta" and self.in_head and "name" in attributes:
            self.metas[attributes["name"]] = attributes["content"]

    def handle_endtag(self, tag):
        if tag == "head":
            self.in_head = False

    def marked(self) -> list[tuple[str, dict[str, str]]]:
        """The elements that carry data-ai-* attributes."""
        return [(tag, attrs) for tag, attrs in self.tags if any(name.startswith("data-ai-") for name in attrs)]

    def with_class(self, name: str) -> list[dict[str, str]]:
        return [attrs for _tag, attrs in self.tags if name in attrs.get("class", "").split()]


def ai_of(attrs: dict[str, str]) -> dict[str, str]:
    return {name: value for name, value in attrs.items() if name.startswith("data-ai-")}


def ai_metas(page: Tags) -> dict[str, str]:
    return {name: value for name, value in page.metas.items() if name.startswith("ai-")}


@pytest.fixture
def user_client(app, login_as):
    with app.app_context():
        factories.user(EMAIL)
    return login_as(EMAIL)


def sync(runner) -> None:
    result = runner.invoke(args=["courses", "sync"])
    assert result.exit_code == 0, result.output


def get(client, url: str) -> Tags:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return Tags(response.get_data(as_text=True))


@pytest.fixture
def claude_course(runner, courses_root):
    """The builder's course declared as written with Claude's help and reviewed; its second lesson is generated."""
    directory = write_course(courses_root / "test-course")
    replace_in(directory / "course.yml", "  tool: Test Assistant", "  tool: Claude (Anthropic)\n  reviewer: D. Kim")
    replace_in(directory / "lessons" / "data-basics.en.md", "estimated_minutes: 11\n",
               "estimated_minutes: 11\nai_content:\n  kind: generated\n  tool: GPT-4o (OpenAI)\n")
    sync(runner)
    return directory


# --- the convention, as plain functions --------------------------------------------------------------------------

def test_kinds_map_onto_iptc_digital_source_types():
    assert ai_marks.source_type({"kind": "generated", "tool": None, "reviewer": None}) == GENERATED
    assert ai_marks.source_type({"kind": "assisted", "tool": None, "reviewer": None}) == COMPOSITE
    assert ai_marks.source_type(None) == ""


def test_block_marks_name_the_system_and_the_reviewer_only_when_declared():
    assert ai_marks.block_marks({"kind": "generated", "tool": None, "reviewer": None}) == (
        ("data-ai-generated", GENERATED),)
    assert ai_marks.block_marks({"kind": "assisted", "tool": "Claude (Anthropic)", "reviewer": "D. Kim"}) == (
        ("data-ai-generated", COMPOSITE), ("data-ai-system", "Claude (Anthropic)"), ("data-ai-reviewed", "D. Kim"))
    assert ai_marks.block_marks(None) == ()


def test_block_attributes_are_escaped():
    text = ai_marks.block_attributes({"kind": "generated", "tool": 'Bot "x" <y> & z', "reviewer": None})
    assert text == f' data-ai-generated="{GENERATED}" data-ai-system="Bot &quot;x&quot; &lt;y&gt; &amp; z"'


def test_a_page_without_a_declaration_of_its_own_but_with_ai_blocks_is_a_composite():
    generated = {"kind": "generated", "tool": "Diagram Bot", "reviewer": None}
    assert ai_marks.page_marks(None, [None, generated]) == (("ai-generated", COMPOSITE),)
    assert ai_marks.page_marks(None, [None]) == ()
    assert ai_marks.page_marks(generated, []) == (("ai-generated", GENERATED), ("ai-system", "Diagram Bot"))


def test_lesson_images_lists_the_course_files_that_markdown_images_show():
    body = "![a](../media/a.svg)\n\n[not an image](../media/b.pdf)\n\n![c](https://example.org/c.png)\n"
    assert lesson_images(body) == frozenset({"media/a.svg"})


def test_rendered_figure_carries_the_marks_given_for_its_file():
    html = render_lesson("![Lifecycle](../media/x.svg)", lesson_url="/l/{id}", media_url="/f/",
                         media_labels=(("media/x.svg", "AI-generated content"),),
                         media_marks=(("media/x.svg", f' data-ai-generated="{GENERATED}" data-ai-system="Bot"'),))
    figure = Tags(html).with_class("ai-figure")
    assert [ai_of(attrs) for attrs in figure] == [{"data-ai-generated": GENERATED, "data-ai-system": "Bot"}]


# --- pages -------------------------------------------------------------------------------------------------------

def test_lesson_page_has_page_metas_and_marks_its_title_and_body(claude_course, user_client):
    page = get(user_client, "/courses/test-course/lessons/intro")
    assert ai_metas(page) == {"ai-generated": COMPOSITE, "ai-system": "Claude (Anthropic)", "ai-reviewed": "D. Kim"}
    marks = {"data-ai-generated": COMPOSITE, "data-ai-system": "Claude (Anthropic)", "data-ai-reviewed": "D. Kim"}
    body = page.with_class("lesson-body")
    assert [ai_of(attrs) for attrs in body] == [marks]
    assert [ai_of(attrs) for tag, attrs in page.tags if tag == "h1"] == [marks]


def test_a_lessons_own_declaration_wins_over_the_courses(claude_course, user_client):
    page = get(user_client, "/courses/test-course/lessons/data-basics")
    assert ai_metas(page) == {"ai-generated": GENERATED, "ai-system": "GPT-4o (OpenAI)"}
    assert [ai_of(attrs) for attrs in page.with_class("lesson-body")] == [
        {"data-ai-generated": GENERATED, "data-ai-system": "GPT-4o (OpenAI)"}]


def test_labelled_image_is_wrapped_in_a_marked_figure(claude_course, user_client):
    page = get(user_client, "/courses/test-course/lessons/intro")
    figures = page.with_class("ai-figure")
    assert [ai_of(attrs) for attrs in figures] == [{"data-ai-generated": GENERATED, "data-ai-system": "Diagram Bot"}]
    index = page.tags.index(("span", figures[0]))
    assert page.tags[index + 1][0] == "img"
    assert page.tags[index + 1][1]["src"] == "/courses/test-course/files/media/diagram.svg"


def test_course_page_has_page_metas_and_marks_its_title_summary_and_lessons(claude_course, user_client):
    page = get(user_client, "/courses/test-course")
    assert ai_metas(page) == {"ai-generated": COMPOSITE, "ai-system": "Claude (Anthropic)", "ai-reviewed": "D. Kim"}
    course = {"data-ai-generated": COMPOSITE, "data-ai-system": "Claude (Anthropic)", "data-ai-reviewed": "D. Kim"}
    assert [ai_of(attrs) for attrs in page.with_class("lead")] == [course]
    assert [ai_of(attrs) for tag, attrs in page.tags if tag == "h1"] == [course]
    lessons = {attrs["href"].rsplit("/", 1)[1]: ai_of(attrs) for tag, attrs in page.tags
               if tag == "a" and "/lessons/" in attrs.get("href", "")}
    assert lessons == {"intro": course, "wrap-up": course,
                       "data-basics": {"data-ai-generated": GENERATED, "data-ai-system": "GPT-4o (OpenAI)"}}


def test_catalogue_cards_are_marked_and_labelled(runner, courses_root, user_client):
    write_course(courses_root / "alpha", course_id="alpha")
    write_course(courses_root / "beta", course_id="beta", ai_content=False)
    sync(runner)
    response = user_client.get("/courses/")
    page = Tags(response.get_data(as_text=True))
    assert ai_metas(page) == {"ai-generated": COMPOSITE}
    cards = page.with_class("course-card")
    assert [ai_of(attrs) for attrs in cards] == [{"data-ai-generated": COMPOSITE, "data-ai-system": "Test Assistant"},
                                                 {}]
    assert response.get_data(as_text=True).count("AI-assisted content · Tool: Test Assistant") == 1


def test_a_lesson_page_of_a_course_without_a_declaration_is_a_composite_when_it_shows_an_ai_image(
        runner, courses_root, user_client):
    write_course(courses_root / "test-course", ai_content=False)
    sync(runner)
    intro = get(user_client, "/courses/test-course/lessons/intro")
    assert ai_metas(intro) == {"ai-generated": COMPOSITE}
    assert [tag for tag, _attrs in intro.marked()] == ["span"]
    assert ai_metas(get(user_client, "/courses/test-course/lessons/data-basics")) == {}  # no image there


def test_a_course_without_ai_content_has_no_marker_at_all(runner, courses_root, user_client):
    write_course(courses_root / "test-course", ai_content=False, media_ai_content=False)
    sync(runner)
    for url in ("/courses/", "/courses/test-course", "/courses/test-course/lessons/intro",
                "/courses/test-course/lessons/data-basics"):
        response = user_client.get(url)
        assert response.status_code == 200, url
        html = response.get_data(as_text=True)
        assert "data-ai-" not in html and 'name="ai-' not in html, url
        assert "AI-generated content" not in html and "AI-assisted content" not in html, url
