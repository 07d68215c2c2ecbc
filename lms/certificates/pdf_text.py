"""Setting text on the certificate page: fitting a text to its width (wrap, shrink, cut), and drawing it.

Pure: works on an fpdf2 document whose fonts are loaded (lms.certificates.pdf).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from fpdf import FPDF

PT = 25.4 / 72  # millimetres per point
ELLIPSIS = "…"
HYPHENATED = re.compile(r"[^-]*-+|[^-]+")  # the pieces of a word, each but the last ending with its hyphen
URL_PIECES = re.compile(r"[^/]*/+|[^/]+")  # the pieces of a URL, each but the last ending with its slashes
#: (font, character) -> advance width in mm at 1 pt, for the characters the fonts are cut down to (the same in every
#: document)
_CHAR_WIDTHS: dict[tuple[str, str], float] = {}


@dataclass(frozen=True)
class Style:
    """How a kind of text is set: font, its largest and smallest sizes, lines allowed, colour."""

    family: str
    style: str
    size: float  # largest size, points
    min_size: float  # never smaller than this; text beyond max_lines at this size is cut with an ellipsis
    max_lines: int
    colour: tuple[int, int, int]
    leading: float = 1.2  # line height / font size
    one_line_min: float | None = None  # shrink down to this size before wrapping onto more lines


@dataclass
class Block:
    """A text fitted to its width: the size chosen and its lines."""

    style: Style
    size: float
    lines: list[str]
    space_before: float = 0.0  # millimetres

    @property
    def line_height(self) -> float:
        return self.size * self.style.leading * PT

    @property
    def height(self) -> float:
        return self.space_before + len(self.lines) * self.line_height


def fit(pdf: FPDF, text: str, style: Style, width: float, *, scale: float = 1.0, space_before: float = 0.0,
         url: bool = False) -> Block:
    """Set `text` in `width`: on one line if it fits at style.one_line_min or larger, else wrapped in at most
    style.max_lines at the largest size down to style.min_size; beyond that (absurd lengths) cut with an ellipsis.

    `scale` shrinks the largest sizes (never below style.min_size). A `url` breaks only after a "/", so that the
    serial at its end stays whole on one line.
    """
    text = " ".join(unicodedata.normalize("NFC", text).split())
    largest = max(style.min_size, style.size * scale)
    wrap_from = max(style.min_size, min(largest, (style.one_line_min or style.size) * scale))
    attempts = [(size, 1) for size in _sizes(largest, wrap_from)]
    attempts += [(size, style.max_lines) for size in _sizes(wrap_from, style.min_size)]
    for size, max_lines in attempts:
        pdf.set_font(style.family, style.style, size)
        lines = _wrap_url(pdf, text, width) if url else _wrap(pdf, text, width)
        if len(lines) <= max_lines:
            return Block(style, size, lines, space_before)
    lines = lines[: style.max_lines]
    last = lines[-1]
    while last and text_width(pdf, last + ELLIPSIS) > width:
        last = last[:-1]
    lines[-1] = last.rstrip() + ELLIPSIS
    return Block(style, style.min_size, lines, space_before)


def _sizes(largest: float, smallest: float) -> list[float]:
    """Font sizes from largest down to smallest in 1 pt steps, smallest always included."""
    sizes = []
    size = largest
    while size > smallest:
        sizes.append(size)
        size -= 1
    return [*sizes, smallest]


def _wrap_url(pdf: FPDF, url: str, width: float) -> list[str]:
    """Greedy wrap of a URL with the current font after each "/" only (".../verify/" then the serial); a piece wider
    than the line (an absurd host name or path) is split between characters."""
    return _greedy(pdf, [("", piece) for piece in URL_PIECES.findall(url)], width)


def _wrap(pdf: FPDF, text: str, width: float) -> list[str]:
    """Greedy wrap with the current font at spaces and after hyphens ("Жаксыбекова-Касымова"); a piece wider than
    the line is split between characters."""
    return _greedy(pdf, [(" " if index == 0 else "", piece) for word in text.split(" ")
                         for index, piece in enumerate(HYPHENATED.findall(word) or [word])], width)


def _greedy(pdf: FPDF, pieces: list[tuple[str, str]], width: float) -> list[str]:
    """Lines of (joiner, piece) pairs, each line as full as fits; the joiner is dropped at the start of a line."""
    lines: list[str] = []
    current = ""
    for joiner, piece in pieces:
        candidate = current + joiner + piece if current else piece
        if text_width(pdf, candidate) <= width:
            current = candidate
            continue
        if current:
            lines.append(current)
        if text_width(pdf, piece) <= width:
            current = piece
        else:
            *full, current = _split_chars(pdf, piece, width)
            lines.extend(full)
    if current or not lines:
        lines.append(current)
    return lines


def text_width(pdf: FPDF, text: str) -> float:
    """`pdf.get_string_width(text)`, faster: without text shaping the widths of the characters simply add up."""
    font, size = pdf.font_family + pdf.font_style, pdf.font_size_pt
    total = 0.0
    for char in text:
        width = _CHAR_WIDTHS.get((font, char))
        if width is None:
            width = pdf.get_string_width(char) / size
            if ord(char) < 0x2150:  # bounded: don't remember every character a user may type
                _CHAR_WIDTHS[font, char] = width
        total += width
    return total * size


def _split_chars(pdf: FPDF, text: str, width: float) -> list[str]:
    """Split `text` between characters into lines no wider than `width` (at least one character each)."""
    lines = [""]
    used = 0.0
    for char in text:
        char_w = text_width(pdf, char)
        if lines[-1] and used + char_w > width:
            lines.append(char)
            used = char_w
        else:
            lines[-1] += char
            used += char_w
    return lines


def draw_block(pdf: FPDF, block: Block, x: float, y: float, width: float, align: str = "C") -> float:
    """Draw `block` with its top at `y` (after its space_before); return the y below it."""
    pdf.set_font(block.style.family, block.style.style, block.size)
    pdf.set_text_color(*block.style.colour)
    y += block.space_before
    for line in block.lines:
        pdf.set_xy(x, y)
        pdf.cell(width, block.line_height, line, align=align)
        y += block.line_height
    return y
