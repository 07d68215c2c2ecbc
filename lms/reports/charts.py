"""Server-rendered, accessible SVG charts for the HR reporting dashboards.

Pure functions, no Flask and no JavaScript: each returns a `markupsafe.Markup` holding one inline `<svg>`
(well-formed XML) ready to drop into a Jinja template. Titles, descriptions and labels arrive already
translated; they are escaped here. The root has role="img" and is labelled by its <title> and <desc>, so
screen readers announce only those two texts: the description (or a data table next to the chart) must
carry the figures. Colours are presentation attributes, so the charts print without CSS; every element
also has a class ("chart-bar", "chart-target", ...) for a stylesheet to restyle.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable

from markupsafe import Markup, escape

BAR_COLOUR = "#1f5fa8"  # contrast 6.6:1 on white
LINE_COLOUR = "#1f5fa8"
PROJECTION_COLOUR = "#0b6e4f"  # 6.4:1
TARGET_COLOUR = "#b3261e"  # 6.5:1
TEXT_COLOUR = "#1a1a1a"  # 17:1
AXIS_COLOUR = "#595959"  # 7:1
GRID_COLOUR = "#d0d0d0"  # decorative only: values are printed next to the gridlines
FONT_SIZE = 12
CHAR_WIDTH = 7  # rough advance of one character at 12px sans-serif, used to reserve room for text
MAX_X_LABELS = 8
MAX_LINE_MARKERS = 31

_CHART_ID = re.compile(r"[A-Za-z0-9_-]+")
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def format_value(value: float) -> str:
    """The default number format: "12" for whole numbers, else one decimal ("12.5")."""
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.1f}"


def _n(number: float) -> str:
    """A coordinate with at most two decimals and no trailing zeros: stable, compact output."""
    text = f"{number:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _text(value: object) -> str:
    """Caller text as plain text (Markup loses its tags and entities), minus characters XML cannot hold."""
    plain = value.striptags() if isinstance(value, Markup) else str(value)
    return _NOT_XML.sub("", plain)


def _el(tag: str, attrs: dict[str, object], content: str | Iterable[str] = "") -> str:
    """One element; attribute values and plain-text content are escaped, child markup passes through."""
    attributes = "".join(f' {key}="{escape(_text(value))}"' for key, value in attrs.items() if value is not None)
    body = content if isinstance(content, str) else "".join(content)
    return f"<{tag}{attributes}>{body}</{tag}>" if body else f"<{tag}{attributes}/>"


def _label(x: float, y: float, text: object, *, cls: str, anchor: str = "start") -> str:
    """A <text> element at (x, y) in the chart's text colour and size."""
    attrs = {"class": cls, "x": _n(x), "y": _n(y), "fill": TEXT_COLOUR, "font-size": FONT_SIZE, "text-anchor": anchor}
    return _el("text", attrs, str(escape(_text(text))))


def _svg(chart_id: str, kind: str, title: str, description: str, width: int, height: float,
         body: list[str]) -> Markup:
    """The root <svg>, labelled by its <title> and <desc>, which come first."""
    if not isinstance(chart_id, str) or not _CHART_ID.fullmatch(chart_id):
        raise ValueError(f"chart_id must be letters, digits, '-' or '_': {chart_id!r}")
    head = [_el("title", {"id": f"{chart_id}-title"}, str(escape(_text(title)))),
            _el("desc", {"id": f"{chart_id}-desc"}, str(escape(_text(description))))]
    attrs = {"xmlns": "http://www.w3.org/2000/svg", "class": f"chart chart-{kind}", "role": "img",
             "aria-labelledby": f"{chart_id}-title {chart_id}-desc", "viewBox": f"0 0 {width} {_n(height)}",
             "width": "100%", "font-family": "sans-serif"}
    return Markup(_el("svg", attrs, head + body))  # noqa: S704 - every piece was built by _el, which escapes


def _check(width: int, values: Iterable[float]) -> None:
    if width < 200:
        raise ValueError(f"width must be at least 200: {width}")
    if not all(math.isfinite(value) for value in values):
        raise ValueError("chart values must be finite numbers")


def _empty(chart_id: str, kind: str, title: str, description: str, width: int) -> Markup:
    """A short chart showing only its description (e.g. "No data for this period")."""
    return _svg(chart_id, kind, title, description, width, 32,
                [_label(8, 20, description, cls="chart-empty")])


def bar_chart(*, chart_id: str, title: str, description: str, items: list[tuple[str, float]],
              max_value: float | None = None, value_format: Callable[[float], str] = format_value,
              width: int = 640) -> Markup:
    """Horizontal bars, one per (label, value): the label on the left, the formatted value at the bar's end.

    Bars are scaled to `max_value` (default: the largest value, or 1 when all are 0). Values below 0 draw
    no bar and values above `max_value` a full bar; the printed value is always the real one. The chart
    grows 28px in height per item. Long labels are shortened with "…" (the full label is the tooltip).
    With no items the chart only shows `description`.
    """
    _check(width, [value for _, value in items] + ([max_value] if max_value is not None else []))
    if not items:
        return _empty(chart_id, "bar", title, description, width)
    if max_value is None:
        max_value = max(value for _, value in items)
    if max_value <= 0:
        max_value = 1
    values = [value_format(value) for _, value in items]
    value_room = max(len(_text(text)) for text in values) * CHAR_WIDTH + 12
    longest = max(len(_text(label)) for label, _ in items)
    label_room = min(longest * CHAR_WIDTH + 16, int(width * 0.4))
    max_chars = max(4, (label_room - 16) // CHAR_WIDTH)
    bar_x, plot = label_room, width - label_room - value_room
    row, bar_height, top = 28, 18, 8
    height = top * 2 + row * len(items)
    body = [_el("line", {"class": "chart-axis", "x1": bar_x, "y1": top, "x2": bar_x, "y2": height - top,
                         "stroke": AXIS_COLOUR, "stroke-width": 1})]
    for index, ((label, value), shown) in enumerate(zip(items, values, strict=True)):
        plain = _text(label)
        short = plain if len(plain) <= max_chars else plain[: max_chars - 1].rstrip() + "…"
        y = top + index * row + (row - bar_height) / 2
        bar_width = plot * min(max(value, 0), max_value) / max_value
        middle = y + bar_height / 2 + FONT_SIZE / 3
        body.append(_el("g", {"class": "chart-row"}, [
            _el("title", {}, str(escape(f"{plain}: {_text(shown)}"))),
            _label(bar_x - 8, middle, short, cls="chart-label", anchor="end"),
            _el("rect", {"class": "chart-bar", "x": bar_x, "y": _n(y), "width": _n(bar_width),
                         "height": bar_height, "fill": BAR_COLOUR}),
            _label(bar_x + bar_width + 6, middle, shown, cls="chart-value"),
        ]))
    return _svg(chart_id, "bar", title, description, width, height, body)


def _ticks(top: float) -> list[float]:
    """Gridline values from 0 with a round step (1, 2, 2.5 or 5 × 10ⁿ), the last >= top: 4 or 5 of them.

    Steps below 1 skip 2.5 (0.25 would print as "0.2" with one decimal) and may give 6 lines instead.
    """
    exponent = math.floor(math.log10(top / 4))
    for power in (exponent, exponent + 1):
        for mantissa in (1, 2, 2.5, 5):
            if power < 0 and mantissa == 2.5:
                continue
            step = mantissa * 10.0**power
            count = math.ceil(top / step - 1e-9)
            if count <= (4 if power >= 0 else 5):
                return [round(step * index, 10) for index in range(count + 1)]
    raise AssertionError("unreachable: 10**(exponent + 1) always fits")  # pragma: no cover


def _path(cls: str, coords: list[tuple[float, float]], colour: str, dash: str | None = None) -> str:
    d = " ".join(f"{'M' if index == 0 else 'L'}{_n(x)},{_n(y)}" for index, (x, y) in enumerate(coords))
    return _el("path", {"class": cls, "d": d, "fill": "none", "stroke": colour, "stroke-width": 2.5,
                        "stroke-linejoin": "round", "stroke-dasharray": dash})


def line_chart(*, chart_id: str, title: str, description: str, points: list[tuple[str, float]],
               projection: list[tuple[str, float]] | None = None, target: float | None = None,
               target_label: str = "", value_format: Callable[[float], str] = format_value,
               width: int = 640, height: int = 280) -> Markup:
    """A series over time (e.g. cumulative certificates per week), with optional projection and target.

    `points` are (x label, value) such as ("2026-03-02", 120); x labels are thinned to at most 8 that fit
    side by side. `projection` continues from the last point as a dashed line. `target` draws a horizontal
    line labelled `target_label` (or, without one, the formatted target). The y axis starts at 0 and reaches
    at least max(values, target) × 1.1 (1 when that is 0), rounded up to a gridline; values are expected
    to be >= 0. With no points and no projection the chart only shows `description`.
    """
    projection = projection or []
    everything = [value for _, value in points + projection]
    _check(width, everything + ([target] if target is not None else []))
    if height < 120:
        raise ValueError(f"height must be at least 120: {height}")
    if not everything:
        return _empty(chart_id, "line", title, description, width)
    top_value = max([*everything, target or 0]) * 1.1
    ticks = _ticks(top_value if top_value > 0 else 1)
    y_top = ticks[-1]
    x_labels = [_text(label) for label, _ in points + projection]
    half_x_label = min(max(len(label) for label in x_labels) * CHAR_WIDTH / 2 + 4, width / 4)
    y_label_room = min(max(len(_text(value_format(tick))) for tick in ticks) * CHAR_WIDTH + 14, width / 4)
    left = max(y_label_room, half_x_label)
    right, top, bottom = max(16, half_x_label), 24, 32
    plot_width, plot_height = width - left - right, height - top - bottom

    def x_at(index: int) -> float:
        return left + (plot_width * index / (len(x_labels) - 1) if len(x_labels) > 1 else plot_width / 2)

    def y_at(value: float) -> float:
        return top + plot_height * (1 - min(max(value, 0), y_top) / y_top)

    body = []
    for tick in ticks:
        y = y_at(tick)
        body.append(_el("line", {"class": "chart-axis" if tick == 0 else "chart-grid", "x1": _n(left), "y1": _n(y),
                                 "x2": _n(width - right), "y2": _n(y), "stroke-width": 1,
                                 "stroke": AXIS_COLOUR if tick == 0 else GRID_COLOUR}))
        body.append(_label(left - 6, y + FONT_SIZE / 3, value_format(tick), cls="chart-y-label", anchor="end"))
    fits = int(plot_width // (half_x_label * 2))  # labels that fit side by side without touching
    every = math.ceil(len(x_labels) / max(1, min(MAX_X_LABELS, fits)))
    for index in range(0, len(x_labels), every):
        body.append(_label(x_at(index), height - bottom + 18, x_labels[index], cls="chart-x-label", anchor="middle"))
    if target is not None:
        y = y_at(target)
        body.append(_el("line", {"class": "chart-target", "x1": _n(left), "y1": _n(y), "x2": _n(width - right),
                                 "y2": _n(y), "stroke": TARGET_COLOUR, "stroke-width": 2}))
        body.append(_label(width - right, y - 6, target_label or value_format(target), cls="chart-target-label",
                           anchor="end"))
    coords = [(x_at(index), y_at(value)) for index, (_, value) in enumerate(points)]
    if projection:
        ahead = [(x_at(len(points) + index), y_at(value)) for index, (_, value) in enumerate(projection)]
        body.append(_path("chart-projection", coords[-1:] + ahead, PROJECTION_COLOUR, dash="6 4"))
    if coords:
        body.append(_path("chart-line", coords, LINE_COLOUR))
    if len(points) <= MAX_LINE_MARKERS:
        for (x, y), (label, value) in zip(coords, points, strict=True):
            body.append(_el("circle", {"class": "chart-point", "cx": _n(x), "cy": _n(y), "r": 3.5,
                                       "fill": LINE_COLOUR}, _el("title", {}, str(escape(
                                           f"{_text(label)}: {_text(value_format(value))}")))))
    return _svg(chart_id, "line", title, description, width, height, body)
