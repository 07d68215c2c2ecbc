"""The SVG charts: well-formed, labelled for assistive technology, escaped, and drawn to scale."""

from __future__ import annotations

import itertools
import re
import xml.etree.ElementTree as ET

import pytest
from markupsafe import Markup

from lms.reports.charts import bar_chart, format_value, line_chart

SVG = "{http://www.w3.org/2000/svg}"


def parse(markup: Markup) -> ET.Element:
    assert isinstance(markup, Markup)
    return ET.fromstring(str(markup))  # noqa: S314 - our own output, not untrusted input


def by_class(root: ET.Element, tag: str, cls: str) -> list[ET.Element]:
    return [el for el in root.iter(SVG + tag) if cls in (el.get("class") or "").split()]


def bars(items, **kwargs) -> Markup:
    return bar_chart(chart_id="agency-bars", title="Certified by agency", description="Share certified",
                     items=items, **kwargs)


def line(points, **kwargs) -> Markup:
    return line_chart(chart_id="weekly_1", title="Certificates per week", description="Cumulative",
                      points=points, **kwargs)


def weeks(count: int) -> list[tuple[str, float]]:
    return [(f"2026-W{index:03d}", float(index * 3)) for index in range(count)]


def assert_accessible_root(root: ET.Element, chart_id: str, title: str, description: str) -> None:
    assert root.tag == SVG + "svg"
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == f"{chart_id}-title {chart_id}-desc"
    assert root.get("width") == "100%"
    assert re.fullmatch(r"0 0 \d+ [\d.]+", root.get("viewBox"))
    first, second = list(root)[:2]
    assert (first.tag, first.get("id"), first.text) == (SVG + "title", f"{chart_id}-title", title)
    assert (second.tag, second.get("id"), second.text) == (SVG + "desc", f"{chart_id}-desc", description)


def assert_safe(markup: Markup) -> None:
    text = str(markup).lower()
    assert "<script" not in text
    assert "url(" not in text
    assert not re.search(r"\son[a-z]+\s*=", text)
    for el in parse(markup).iter(SVG + "text"):
        assert el.get("fill") == "#1a1a1a"
        assert int(el.get("font-size")) >= 12


def test_bar_chart_is_labelled_and_has_one_bar_per_item():
    markup = bars([("Ministry A", 40), ("Ministry B", 10), ("Akimat C", 25)])
    root = parse(markup)
    assert_accessible_root(root, "agency-bars", "Certified by agency", "Share certified")
    found = by_class(root, "rect", "chart-bar")
    assert len(found) == 3
    assert all(bar.get("fill") == "#1f5fa8" for bar in found)
    assert [el.text for el in by_class(root, "text", "chart-label")] == ["Ministry A", "Ministry B", "Akimat C"]
    assert [el.text for el in by_class(root, "text", "chart-value")] == ["40", "10", "25"]
    assert_safe(markup)


def test_bar_widths_are_proportional_to_values_and_heights_grow_with_items():
    root = parse(bars([("A", 40), ("B", 10), ("C", 20)]))
    widths = [float(bar.get("width")) for bar in by_class(root, "rect", "chart-bar")]
    assert widths[1] == pytest.approx(widths[0] / 4, abs=0.02)
    assert widths[2] == pytest.approx(widths[0] / 2, abs=0.02)
    taller = parse(bars([("A", 1)] * 6))
    assert float(taller.get("viewBox").split()[3]) > float(root.get("viewBox").split()[3])


def test_bar_chart_scales_to_max_value_and_clamps_out_of_range_values():
    root = parse(bars([("Half", 50), ("Over", 150), ("Negative", -5)], max_value=100))
    half, over, negative = (float(bar.get("width")) for bar in by_class(root, "rect", "chart-bar"))
    assert over == pytest.approx(2 * half, abs=0.02)
    assert negative == 0
    assert [el.text for el in by_class(root, "text", "chart-value")] == ["50", "150", "-5"]


def test_zero_values_draw_empty_bars_without_dividing_by_zero():
    root = parse(bars([("A", 0), ("B", 0)]))
    assert [bar.get("width") for bar in by_class(root, "rect", "chart-bar")] == ["0", "0"]
    assert [el.text for el in by_class(root, "text", "chart-value")] == ["0", "0"]


def test_value_format_is_used_for_value_labels():
    root = parse(bars([("A", 0.5), ("B", 0.25)], max_value=1, value_format=lambda v: f"{v * 100:.0f}%"))
    assert [el.text for el in by_class(root, "text", "chart-value")] == ["50%", "25%"]


def test_default_format_drops_decimals_only_for_whole_numbers():
    assert [format_value(v) for v in (3, 3.0, 2.5, 1234.56, -0.0)] == ["3", "3", "2.5", "1234.6", "0"]


def test_labels_and_title_are_escaped_and_round_trip():
    evil = '<script>alert("x")</script> R&D'
    markup = bar_chart(chart_id="c", title=f"Title {evil}", description="A & B <b>", items=[(evil, 1)])
    assert_safe(markup)
    assert "R&amp;D" in str(markup)
    root = parse(markup)
    assert root.find(SVG + "title").text == f"Title {evil}"
    assert root.find(SVG + "desc").text == "A & B <b>"
    assert by_class(root, "text", "chart-label")[0].text == evil
    assert root.find(f"{SVG}g/{SVG}title").text == f"{evil}: 1"


def test_markup_labels_become_plain_text_and_control_characters_are_dropped():
    root = parse(bars([(Markup("<b>Bold</b> &amp; co"), 1), ("tab\x00\x1b", 2)]))
    assert [el.text for el in by_class(root, "text", "chart-label")] == ["Bold & co", "tab"]


def test_long_labels_are_shortened_with_the_full_label_as_tooltip():
    label = "Ministry of Digital Development, Innovations and Aerospace Industry"
    root = parse(bars([(label, 1)]))
    shown = by_class(root, "text", "chart-label")[0].text
    assert shown.endswith("…")
    assert label.startswith(shown[:-1])
    assert root.find(f"{SVG}g/{SVG}title").text == f"{label}: 1"


@pytest.mark.parametrize("chart", [bars, line])
def test_empty_data_gives_a_small_labelled_chart(chart):
    root = parse(chart([]))
    chart_id = "agency-bars" if chart is bars else "weekly_1"
    assert root.find(SVG + "title").get("id") == f"{chart_id}-title"
    assert root.find(SVG + "desc").get("id") == f"{chart_id}-desc"
    assert not list(root.iter(SVG + "rect")) and not list(root.iter(SVG + "path"))
    assert float(root.get("viewBox").split()[3]) <= 40


@pytest.mark.parametrize("chart_id", ["", "a b", 'x"onload="alert(1)', "<svg>", "ü", None])
def test_bad_chart_id_raises(chart_id):
    with pytest.raises(ValueError, match="chart_id"):
        bar_chart(chart_id=chart_id, title="t", description="d", items=[("a", 1)])
    with pytest.raises(ValueError, match="chart_id"):
        line_chart(chart_id=chart_id, title="t", description="d", points=[])


def test_non_finite_values_and_tiny_sizes_raise():
    with pytest.raises(ValueError):
        bars([("A", float("nan"))])
    with pytest.raises(ValueError):
        line([("w1", float("inf"))])
    with pytest.raises(ValueError):
        bars([("A", 1)], width=50)
    with pytest.raises(ValueError):
        line([("w1", 1)], height=50)


def test_line_chart_with_projection_and_target():
    markup = line(weeks(10), projection=[("2026-P1", 40), ("2026-P2", 55)], target=60, target_label="Goal & more")
    root = parse(markup)
    assert_accessible_root(root, "weekly_1", "Certificates per week", "Cumulative")
    assert_safe(markup)
    (actual,) = by_class(root, "path", "chart-line")
    (projected,) = by_class(root, "path", "chart-projection")
    assert actual.get("stroke-dasharray") is None
    assert projected.get("stroke-dasharray")
    assert projected.get("stroke") == "#0b6e4f"
    assert actual.get("d").count("L") == 9
    # The projection starts where the actual series ends.
    assert projected.get("d").split()[0][1:] == actual.get("d").split()[-1][1:]
    (target,) = by_class(root, "line", "chart-target")
    assert target.get("stroke") == "#b3261e"
    assert target.get("y1") == target.get("y2")
    assert [el.text for el in by_class(root, "text", "chart-target-label")] == ["Goal & more"]


def test_line_chart_y_axis_has_four_or_five_gridlines_above_the_largest_value():
    root = parse(line([("a", 10), ("b", 37)], target=20))
    labels = [float(el.text) for el in by_class(root, "text", "chart-y-label")]
    assert 4 <= len(labels) <= 5
    assert labels[0] == 0
    assert labels[-1] >= 37 * 1.1
    top_y = min(float(el.get("y1")) for el in by_class(root, "line", "chart-grid"))
    point_ys = [float(xy.split(",")[1]) for xy in by_class(root, "path", "chart-line")[0].get("d")[1:].split(" L")]
    assert min(point_ys) > top_y


def test_line_chart_without_target_label_prints_the_target_value():
    root = parse(line(weeks(3), target=12.5))
    assert [el.text for el in by_class(root, "text", "chart-target-label")] == ["12.5"]


def test_all_zero_line_chart_uses_a_unit_axis():
    root = parse(line([("a", 0), ("b", 0)]))
    assert by_class(root, "text", "chart-y-label")[-1].text == "1"


def test_x_labels_are_thinned_for_many_points():
    root = parse(line(weeks(100), projection=[("p", 400)]))
    labels = by_class(root, "text", "chart-x-label")
    assert 2 <= len(labels) <= 8
    assert labels[0].text == "2026-W000"
    xs = [float(el.get("x")) for el in labels]
    assert all(b - a >= len("2026-W000") * 7 for a, b in itertools.pairwise(xs))
    assert len(parse(line(weeks(5))).findall(f".//{SVG}text[@class='chart-x-label']")) == 5


def test_output_is_deterministic():
    kwargs = {"projection": [("p", 100)], "target": 90, "target_label": "Target"}
    assert line(weeks(12), **kwargs) == line(weeks(12), **kwargs)
    assert bars([("A", 1), ("B", 2)]) == bars([("A", 1), ("B", 2)])
