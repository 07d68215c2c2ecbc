"""The certificate as a PDF: one A4 landscape page, drawn with fpdf2 and the bundled DejaVu fonts.

No Flask, no database. The caller supplies the facts (`CertificateData`) and every word of the page already
translated into the certificate's language (`labels`, see `render_pdf`). The only file written is the bundled fonts,
cut down once into a font folder (`font_dir`: the certificate cache's, or a private temporary one).
"""

from __future__ import annotations

import atexit
import functools
import hashlib
import io
import os
import shutil
import tempfile
from pathlib import Path

import fontTools
import segno
from fontTools import subset, ttLib
from fpdf import FPDF, FPDF_VERSION
from fpdf.enums import ResourceAccessPolicy

from lms.certificates.document import CertificateData
from lms.certificates.pdf_text import Style, draw_block, fit, text_width

#: The software named in the PDF's Creator and Producer. The platform makes the certificate from its own template
#: (no AI system writes it), so the PDF carries no AI-content marker, even when the course's content is AI-made.
PLATFORM = "AI Competency Academy LMS"
FONTS = Path(__file__).resolve().parent / "fonts"
#: family, style, file of the bundled fonts
FONT_FILES = (("sans", "", "DejaVuSans.ttf"), ("sans", "B", "DejaVuSans-Bold.ttf"),
              ("serif", "B", "DejaVuSerif-Bold.ttf"))
#: What the fonts are cut down to (once per font folder): Latin (with Kazakh Latin letters), combining marks, Cyrillic
#: and its supplement (every Kazakh and Russian letter), punctuation, currency signs (₸) and letterlike symbols (№).
UNICODES = (*range(0x20, 0x250), *range(0x300, 0x370), *range(0x400, 0x530), *range(0x2000, 0x2070),
            *range(0x20A0, 0x20C1), *range(0x2100, 0x2150))
#: The version of the cutting recipe (`_cut_font`): part of the cut files' names, with the source font, UNICODES and
#: the fontTools version, so that a changed recipe writes new files instead of reusing old ones.
CUT = 1

#: The labels every certificate needs; "valid_until" and "valid_until_value" are needed only when it expires, and
#: "department" only when the learner's agency is below another (TWO_AGENCY_LABELS).
REQUIRED_LABELS = ("title", "certifies", "completed", "agency", "date", "date_value", "hours", "hours_value",
                   "serial", "verify")
EXPIRY_LABELS = ("valid_until", "valid_until_value")
TWO_AGENCY_LABELS = ("department",)
#: The version of the page's layout: cached PDFs of an older layout are drawn again (lms.certificates.services).
LAYOUT = 2

# Page geometry, in millimetres (A4 landscape).
PAGE_W, PAGE_H = 297.0, 210.0
LEFT, RIGHT = 26.0, PAGE_W - 26.0
WIDTH = RIGHT - LEFT
TOP, BODY_BOTTOM = 17.0, 142.0  # the centred text block lives between these
QR_SIZE, QR_X, QR_Y = 34.0, RIGHT - 34.0 - 6.0, 143.0
QR_TEXT_W = 62.0
FACTS_X, FACTS_Y, FACTS_W, FACTS_BOTTOM = LEFT + 4.0, 150.0, QR_X - LEFT - 22.0, 194.0  # clear of the QR texts

NAVY = (22, 52, 96)
GOLD = (176, 141, 60)
INK = (33, 37, 41)
GREY = (92, 100, 112)
PAPER = (253, 251, 245)

ISSUER = Style("sans", "B", 12.5, 8.5, 2, NAVY)
TITLE = Style("serif", "B", 32, 18, 2, NAVY, 1.15, one_line_min=24)
LEAD = Style("sans", "", 12.5, 9, 2, GREY)
NAME = Style("serif", "B", 28, 12, 3, INK, 1.15, one_line_min=22)
COURSE = Style("sans", "B", 16, 10, 3, NAVY, 1.25, one_line_min=14)
FACT_LABEL = Style("sans", "", 9.5, 7.5, 2, GREY, 1.25)
FACT_VALUE = Style("sans", "B", 10.5, 7.5, 2, INK, 1.25)
QR_CAPTION = Style("sans", "B", 8.5, 6.5, 2, NAVY)
QR_URL = Style("sans", "", 6.5, 4.5, 3, GREY)


def render_pdf(data: CertificateData, labels: dict[str, str], *, issuer_logo: Path | None = None,
               font_dir: Path | None = None) -> bytes:
    """Draw the certificate `data` as a one-page A4 landscape PDF and return its bytes.

    `labels` holds the words of the page in the certificate's language (`data.language`), already translated and
    with dates and numbers already formatted by the caller:

    - "title": the heading, e.g. "Certificate of completion" (also the start of the PDF's title metadata)
    - "certifies": "This certifies that"
    - "completed": "has completed the course"
    - "agency": label of the learner's agency, e.g. "Agency:" (the row is left out when `data.agency_name` is None);
      when the agency is below another (`data.top_agency_name`), this row names the top of the chain (the ministry)
      and a second row, labelled "department", the learner's own agency
    - "date", "date_value": label and formatted date of issue, e.g. "Date of issue:", "12 March 2025"
    - "hours", "hours_value": label and formatted study time, e.g. "Study time:", "1 h 20 min"
    - "serial": label of the serial number, e.g. "Serial number:"
    - "verify": caption under the QR code, e.g. "Scan to verify"
    - "valid_until", "valid_until_value": label and formatted expiry date; needed only when `data.expires_at` is set

    Labels are printed as given: include a trailing colon if the language wants one. `issuer_logo` is an optional
    PNG, JPEG or SVG file drawn above the issuer's name; it is skipped when None or when the file does not exist
    (an unreadable or malformed file raises, and so does an SVG that refers to other files or URLs:
    fpdf.errors.FPDFResourceAccessError). The same input always gives the same bytes.

    Text may use Latin (with the Kazakh Latin letters), Cyrillic (every Kazakh and Russian letter) and common
    punctuation and symbols (UNICODES); other characters print as empty boxes. The PDF's metadata: title
    "<title>: <learner>", author the issuer, subject the course, keywords the serial, language `data.language`,
    creation date `data.issued_at`, creator and producer the platform (PLATFORM; fpdf2 in the producer), and no
    AI-content marker: the platform's template, not an AI system, makes the certificate.

    Names and titles too long for their line are wrapped, then shrunk, and as a last resort (longer than any real
    name or title) cut with an ellipsis, so that the page never overflows onto a second one.

    `font_dir` is where the bundled fonts cut down to UNICODES are kept (see `font_files`); None: a temporary folder
    of this process's own, removed at exit.
    """
    needed = REQUIRED_LABELS + (EXPIRY_LABELS if data.expires_at else ()) + (
        TWO_AGENCY_LABELS if _department(data) else ())
    missing = [key for key in needed if key not in labels]
    if missing:
        raise KeyError(f"certificate labels missing: {', '.join(missing)}")

    pdf = FPDF(orientation="L", unit="mm", format="A4")
    try:
        _set_up_document(pdf, data, labels, font_files(font_dir or _private_font_dir()))
        _draw_frame(pdf)
        _draw_body(pdf, data, labels, _read_logo(issuer_logo))
        _draw_facts(pdf, data, labels)
        _draw_qr(pdf, data.verify_url, labels["verify"])
        return bytes(pdf.output())
    finally:
        # fpdf2 reads each font file lazily and closes it once the font is written; a page that failed half-way
        # (a logo refused, say) would leave them open.
        for font in pdf.fonts.values():
            font.close()


def font_files(font_dir: Path) -> list[tuple[str, str, Path]]:
    """(family, style, path) of each bundled font cut down to UNICODES in `font_dir`, cutting the ones not there yet.

    fpdf2 parses the whole font for every document and subsets it again when writing; with DejaVu's ~6,000 glyphs
    that was two thirds of the time of a certificate. From the ~900-glyph cut the same work is three times faster.
    A cut is made once per folder (about 0.4 s for the three fonts) and named for what it was made from, so that
    processes sharing the folder share it, and a new font, UNICODES or recipe writes a new file.
    """
    return [(family, style, _cut_font_file(font_dir, filename)) for family, style, filename in FONT_FILES]


def _set_up_document(pdf: FPDF, data: CertificateData, labels: dict[str, str],
                     fonts: list[tuple[str, str, Path]]) -> None:
    for family, style, path in fonts:
        pdf.add_font(family, style, fname=path)
    pdf.resource_access_policy = ResourceAccessPolicy.NONE  # nothing is fetched while drawing
    pdf.set_auto_page_break(False)
    pdf.set_margins(0, 0, 0)
    pdf.c_margin = 0
    pdf.set_title(f"{labels['title']}: {data.learner_name}")
    pdf.set_author(data.issuer_name)
    pdf.set_subject(data.course_title)
    pdf.set_keywords(data.serial)
    pdf.set_creator(PLATFORM)
    pdf.set_producer(f"{PLATFORM} (fpdf2 {FPDF_VERSION})")
    pdf.set_lang(data.language)
    pdf.set_creation_date(data.issued_at)
    pdf.add_page()


def _cut_font_file(font_dir: Path, filename: str) -> Path:
    """The cut of the bundled font `filename` in `font_dir`, written now if it is not there yet."""
    path = font_dir / f"{Path(filename).stem}-{_cut_key(filename)}.ttf"
    if path.is_file():
        return path
    font_dir.mkdir(parents=True, exist_ok=True)
    # A temporary file of this process's own (two may cut the same font at once), then an atomic rename: a reader
    # never sees half a font, and the last writer's identical copy wins.
    handle, temporary = tempfile.mkstemp(dir=font_dir, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as fh:
            fh.write(_cut_font(filename))
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path


@functools.cache
def _cut_key(filename: str) -> str:
    """What the cut of `filename` depends on, hashed: the source font, UNICODES, the recipe and fontTools."""
    digest = hashlib.sha256((FONTS / filename).read_bytes())
    digest.update(f"{UNICODES}|{CUT}|{fontTools.version}".encode())
    return digest.hexdigest()[:16]


def _cut_font(filename: str) -> bytes:
    """The bundled font `filename` reduced to UNICODES, without hinting, as a TrueType file in memory."""
    font = ttLib.TTFont(FONTS / filename, recalcTimestamp=False)
    options = subset.Options(notdef_outline=True, recommended_glyphs=True, glyph_names=True, name_IDs=["*"],
                             name_languages=["*"], hinting=False, layout_features=[])
    options.drop_tables += ["GSUB", "GPOS", "GDEF", "FFTM", "hdmx", "kern"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=UNICODES)
    subsetter.subset(font)
    buffer = io.BytesIO()
    font.save(buffer)
    return buffer.getvalue()


@functools.cache
def _private_font_dir() -> Path:
    """A temporary font folder of this process's own (for callers without a certificate cache), removed at exit."""
    path = Path(tempfile.mkdtemp(prefix="lms-certificate-fonts-"))
    atexit.register(shutil.rmtree, path, ignore_errors=True)
    return path


def _draw_frame(pdf: FPDF) -> None:
    """Paper tone, a heavy outer rule, a fine gold inner rule and small corner squares."""
    pdf.set_fill_color(*PAPER)
    pdf.rect(0, 0, PAGE_W, PAGE_H, style="F")
    pdf.set_draw_color(*NAVY)
    pdf.set_line_width(1.4)
    pdf.rect(8, 8, PAGE_W - 16, PAGE_H - 16)
    pdf.set_draw_color(*GOLD)
    pdf.set_line_width(0.45)
    pdf.rect(11.5, 11.5, PAGE_W - 23, PAGE_H - 23)
    pdf.set_fill_color(*GOLD)
    for x, y in ((11.5, 11.5), (PAGE_W - 11.5, 11.5), (11.5, PAGE_H - 11.5), (PAGE_W - 11.5, PAGE_H - 11.5)):
        pdf.rect(x - 1.6, y - 1.6, 3.2, 3.2, style="F")


def _read_logo(path: Path | None) -> bytes | None:
    if path is None or not Path(path).is_file():
        return None
    return Path(path).read_bytes()


def _draw_body(pdf: FPDF, data: CertificateData, labels: dict[str, str], logo: bytes | None) -> None:
    """Logo, issuer, title, learner and course: one centred column, vertically centred in its band.

    If long texts make the column taller than the band, every size is scaled down until it fits (at the smallest
    sizes the worst case, all texts at their most lines, still fits).
    """
    logo_h = 18.0 if logo else 0.0
    logo_gap = 4.0 if logo else 0.0
    band = BODY_BOTTOM - TOP - logo_h - logo_gap
    for scale in (1.0, 0.9, 0.8, 0.7, 0.6, 0.5):
        blocks = [
            fit(pdf, data.issuer_name, ISSUER, WIDTH, scale=scale),
            fit(pdf, labels["title"], TITLE, WIDTH, scale=scale, space_before=9),
            fit(pdf, labels["certifies"], LEAD, WIDTH, scale=scale, space_before=5),
            fit(pdf, data.learner_name, NAME, WIDTH, scale=scale, space_before=3),
            fit(pdf, labels["completed"], LEAD, WIDTH, scale=scale, space_before=3),
            fit(pdf, data.course_title, COURSE, WIDTH, scale=scale, space_before=2.5),
        ]
        spare = band - sum(block.height for block in blocks)
        if spare >= 0:
            break
    spaces = sum(block.space_before for block in blocks)
    stretch = min(1.0, max(0.0, spare * 0.6) / spaces)  # short texts: up to twice the spacing, then centre
    for block in blocks:
        block.space_before *= 1 + stretch
    y = TOP + max(0.0, (spare - spaces * stretch) / 2)
    if logo:
        pdf.image(logo, x=(PAGE_W - 60) / 2, y=y, w=60, h=logo_h, keep_aspect_ratio=True)
        y += logo_h + logo_gap
    for index, block in enumerate(blocks):
        y = draw_block(pdf, block, LEFT, y, WIDTH)
        if index == 0:  # a short gold rule under the issuer
            pdf.set_draw_color(*GOLD)
            pdf.set_line_width(0.6)
            pdf.line(PAGE_W / 2 - 30, y + 3, PAGE_W / 2 + 30, y + 3)


def _draw_facts(pdf: FPDF, data: CertificateData, labels: dict[str, str]) -> None:
    """Label / value rows in the lower left: agency, date, hours, serial, expiry."""
    rows = []
    department = _department(data)
    if department:
        rows.append((labels["agency"], data.top_agency_name))
        rows.append((labels["department"], department))
    elif data.agency_name:
        rows.append((labels["agency"], data.agency_name))
    rows.append((labels["date"], labels["date_value"]))
    rows.append((labels["hours"], labels["hours_value"]))
    rows.append((labels["serial"], data.serial))
    if data.expires_at:
        rows.append((labels["valid_until"], labels["valid_until_value"]))

    pdf.set_font(FACT_LABEL.family, FACT_LABEL.style, FACT_LABEL.size)
    label_w = min(FACTS_W * 0.42, max(text_width(pdf, label) for label, _ in rows) + 3)
    value_w = FACTS_W - label_w
    for scale in (1.0, 0.9, 0.8, 0.7):  # at the smallest sizes six two-line rows still fit
        fitted = [(fit(pdf, label, FACT_LABEL, label_w - 3, scale=scale), fit(pdf, value, FACT_VALUE, value_w,
                                                                               scale=scale)) for label, value in rows]
        heights = [max(label.height, value.height) for label, value in fitted]
        if sum(heights) <= FACTS_BOTTOM - FACTS_Y:
            break
    gap = min(2.2, max(0.0, (FACTS_BOTTOM - FACTS_Y - sum(heights)) / max(1, len(rows) - 1)))
    y = FACTS_Y
    for (label, value), height in zip(fitted, heights, strict=True):
        draw_block(pdf, label, FACTS_X, y, label_w - 3, align="L")
        draw_block(pdf, value, FACTS_X + label_w, y, value_w, align="L")
        y += height + gap


def _department(data: CertificateData) -> str | None:
    """The learner's own agency when it is printed below the top of its chain; None for a single agency row."""
    if data.top_agency_name and data.agency_name and data.top_agency_name != data.agency_name:
        return data.agency_name
    return None


def _draw_qr(pdf: FPDF, url: str, caption: str) -> None:
    """The verification URL as a vector QR code (segno SVG, in memory), its caption and the URL itself."""
    svg = io.BytesIO()
    segno.make(url, error="m", micro=False).save(svg, kind="svg", border=0, xmldecl=False, nl=False, omitsize=True)
    pdf.set_fill_color(255, 255, 255)  # a white quiet zone around the code
    pdf.rect(QR_X - 2, QR_Y - 2, QR_SIZE + 4, QR_SIZE + 4, style="F")
    pdf.image(svg.getvalue(), x=QR_X, y=QR_Y, w=QR_SIZE, h=QR_SIZE)
    centre = QR_X + QR_SIZE / 2
    x = min(centre - QR_TEXT_W / 2, RIGHT + 6 - QR_TEXT_W)
    y = draw_block(pdf, fit(pdf, caption, QR_CAPTION, QR_TEXT_W), x, QR_Y + QR_SIZE + 1.5, QR_TEXT_W)
    draw_block(pdf, fit(pdf, url, QR_URL, QR_TEXT_W, url=True), x, y + 0.3, QR_TEXT_W)
