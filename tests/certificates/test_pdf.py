"""The certificate PDF: Kazakh and Russian text survives, one A4 landscape page whatever the lengths, metadata, QR."""

from __future__ import annotations

import io
import logging
import os
from dataclasses import replace
from datetime import UTC, datetime

import fpdf
import pytest
import segno
from fpdf.errors import FPDFResourceAccessError
from PIL import Image
from pypdf import PdfReader
from pypdf.generic import ContentStream

from lms.certificates.document import CertificateData
from lms.certificates.pdf import PLATFORM, render_pdf

ALIYA = "Әлия Нұрғалиқызы Қасымова"
GABIT = "Ғабит Өмірұлы Ұлықбек"

LABELS = {
    "kk": {"title": "Оқуды аяқтағаны туралы сертификат", "certifies": "Осы арқылы куәландырылады:",
           "completed": "курсын аяқтады", "agency": "Мекеме:", "department": "Құрылымдық бөлімше:",
           "date": "Берілген күні:",
           "date_value": "2025 жылғы 12 наурыз", "hours": "Оқу сағаты:", "hours_value": "24 сағат",
           "serial": "Сериялық нөмірі:", "valid_until": "Жарамды:", "valid_until_value": "2028 жылғы 12 наурыз",
           "verify": "Тексеру үшін сканерлеңіз"},
    "ru": {"title": "Сертификат о прохождении обучения", "certifies": "Настоящим удостоверяется, что",
           "completed": "прошёл(а) курс", "agency": "Ведомство:", "department": "Структурное подразделение:",
           "date": "Дата выдачи:",
           "date_value": "12 марта 2025 г.", "hours": "Часов обучения:", "hours_value": "24 часа",
           "serial": "Серийный номер:", "valid_until": "Действителен до:", "valid_until_value": "12 марта 2028 г.",
           "verify": "Отсканируйте для проверки"},
    "en": {"title": "Certificate of completion", "certifies": "This certifies that",
           "completed": "has completed the course", "agency": "Agency:", "department": "Department:",
           "date": "Date of issue:",
           "date_value": "12 March 2025", "hours": "Study hours:", "hours_value": "24 hours",
           "serial": "Serial number:", "valid_until": "Valid until:", "valid_until_value": "12 March 2028",
           "verify": "Scan to verify"},
}
COURSES = {"kk": "Мемлекеттік қызметтегі жасанды интеллект негіздері",
           "ru": "Основы искусственного интеллекта на государственной службе",
           "en": "Foundations of AI in the civil service"}


def certificate(language: str = "kk", **changes) -> CertificateData:
    data = CertificateData(
        serial="K7QF-2M9D-8HJ3-X", learner_name=ALIYA, course_title=COURSES[language],
        agency_name="Қазақстан Республикасы Мемлекеттік қызмет істері агенттігі",
        issued_at=datetime(2025, 3, 12, 9, 30, tzinfo=UTC), study_minutes=24 * 60, language=language,
        issuer_name="Мемлекеттік басқару академиясы", verify_url="https://lms.example.kz/c/K7QF-2M9D-8HJ3-X")
    return replace(data, **changes)


def render(data: CertificateData, **kwargs) -> bytes:
    return render_pdf(data, LABELS[data.language], **kwargs)


def text_of(pdf: bytes) -> str:
    """The text of every page, whitespace normalised to single spaces."""
    reader = PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def pages_of(pdf: bytes):
    return PdfReader(io.BytesIO(pdf)).pages


# --- text -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("language, name", [("kk", ALIYA), ("ru", GABIT)])
def test_name_course_serial_and_url_are_in_the_text(language, name):
    data = certificate(language, learner_name=name)
    text = text_of(render(data))
    assert name in text
    assert data.course_title in text
    assert data.serial in text
    assert data.verify_url in text
    assert data.issuer_name in text
    for key in ("title", "certifies", "completed", "agency", "date", "date_value", "hours", "hours_value",
                "serial", "verify"):
        assert LABELS[language][key] in text


def test_every_kazakh_and_russian_letter_is_embedded_and_extracted(caplog):
    kazakh = "Әә Ғғ Ққ Ңң Өө Ұұ Үү Һһ Іі"
    russian = "АаБбВвГгДдЕеЁёЖжЗзИиЙйКкЛлМмНнОоПпРрСсТтУуФфХхЦцЧчШшЩщЪъЫыЬьЭэЮюЯя"
    data = certificate(learner_name=kazakh, course_title=russian, agency_name=kazakh, issuer_name=russian)
    with caplog.at_level(logging.WARNING):
        text = text_of(render(data))
    assert kazakh in text
    assert russian in text
    assert not [r for r in caplog.records if "missing" in r.getMessage()]  # fpdf2 logs glyphs a font lacks


def test_agency_row_is_left_out_without_an_agency():
    text = text_of(render(certificate("en", agency_name=None)))
    assert "Agency:" not in text
    assert "Date of issue: 12 March 2025" in text


def lines_of(pdf: bytes) -> list[str]:
    """The text lines of the first page, as drawn."""
    return [line.strip() for line in pages_of(pdf)[0].extract_text().splitlines()]


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_the_ministry_and_the_department_each_have_a_row(language):
    ministry = {"kk": "Қазақстан Республикасы Қаржы министрлігі", "ru": "Министерство финансов Республики Казахстан",
                "en": "Ministry of Finance of the Republic of Kazakhstan"}[language]
    department = {"kk": "Бюджеттік жоспарлау департаменті", "ru": "Департамент бюджетного планирования",
                  "en": "Budget Planning Department"}[language]
    data = certificate(language, top_agency_name=ministry, agency_name=department,
                       expires_at=datetime(2028, 3, 12, tzinfo=UTC))
    pdf = render(data)
    lines = lines_of(pdf)
    assert f"{LABELS[language]['agency']} {ministry}" in lines
    assert f"{LABELS[language]['department']} {department}" in lines
    assert len(pages_of(pdf)) == 1


def test_an_agency_at_the_top_of_its_chain_has_one_row():
    text = text_of(render(certificate("en", agency_name="Ministry of Finance", top_agency_name=None)))
    assert "Agency: Ministry of Finance" in text and "Department:" not in text
    same = text_of(render(certificate("en", agency_name="Ministry of Finance", top_agency_name="Ministry of Finance")))
    assert "Department:" not in same


def test_the_department_label_is_needed_only_with_a_ministry():
    labels = {key: value for key, value in LABELS["en"].items() if key != "department"}
    render_pdf(certificate("en"), labels)
    with pytest.raises(KeyError, match="department"):
        render_pdf(certificate("en", top_agency_name="Ministry of Finance"), labels)


SERIAL = "7ZX4-W8FN-0693-BSYT-4365-65Z3-J3-M"


@pytest.mark.parametrize("url", [
    f"http://127.0.0.1:5000/verify/{SERIAL}",
    f"https://lms.example.kz/verify/{SERIAL}",
    f"https://oqu.zhasandy-intellekt-akademiyasy.gov.kz/platform/verify/{SERIAL}",
], ids=["dev", "short-host", "long-host"])
def test_the_verification_url_never_breaks_inside_the_serial(url):
    url_lines = [line for line in lines_of(render(certificate(verify_url=url))) if line and line in url]
    assert "".join(url_lines) == url
    assert all(line.endswith("/") for line in url_lines[:-1]), url_lines  # broken only after a slash
    assert url_lines[-1] == SERIAL or url_lines[-1].endswith("/" + SERIAL), url_lines


def test_valid_until_row_only_when_the_certificate_expires():
    assert "Valid until:" not in text_of(render(certificate("en")))
    text = text_of(render(certificate("en", expires_at=datetime(2028, 3, 12, tzinfo=UTC))))
    assert "Valid until: 12 March 2028" in text


def test_missing_label_is_named():
    labels = {key: value for key, value in LABELS["en"].items() if key != "hours_value"}
    with pytest.raises(KeyError, match="hours_value"):
        render_pdf(certificate("en"), labels)
    with pytest.raises(KeyError, match="valid_until_value"):
        render_pdf(certificate("en", expires_at=datetime(2028, 3, 12, tzinfo=UTC)),
                   {k: v for k, v in LABELS["en"].items() if k != "valid_until_value"})


# --- page -----------------------------------------------------------------------------------------

def test_one_a4_landscape_page():
    pages = pages_of(render(certificate()))
    assert len(pages) == 1
    box = pages[0].mediabox
    assert float(box.width) == pytest.approx(841.89, abs=1)
    assert float(box.height) == pytest.approx(595.28, abs=1)


def test_long_course_title_and_name_still_fit_one_page():
    course = ("Мемлекеттік басқарудағы жасанды интеллект пен үлкен тілдік модельдерді қолдану негіздері. " * 3)[:200]
    name = " ".join(["Нұрғалиқызы", "Қасымова", "Әбдірахманқызы", "Өмірзақова"] * 3)
    assert len(course) == 200
    data = certificate(learner_name=name, course_title=course,
                       agency_name="Қазақстан Республикасы Цифрлық даму, инновациялар және аэроғарыш өнеркәсібі "
                                   "министрлігінің Ақпараттық қауіпсіздік комитеті",
                       expires_at=datetime(2028, 3, 12, tzinfo=UTC))
    pdf = render(data)
    assert len(pages_of(pdf)) == 1
    text = text_of(pdf)
    assert name in text  # wrapped or shrunk, not cut
    assert course in text


def test_absurd_lengths_are_cut_not_spilled_onto_a_second_page():
    data = certificate(learner_name="Ә" * 2000, course_title="Қ " * 2000, agency_name="Ө" * 1000,
                       issuer_name="Ғ" * 500, verify_url="https://lms.example.kz/c/" + "X" * 500)
    pdf = render(data)
    assert len(pages_of(pdf)) == 1
    assert "…" in text_of(pdf)


def test_metadata():
    data = certificate("ru", learner_name=GABIT)
    reader = PdfReader(io.BytesIO(render(data)))
    meta = reader.metadata
    assert meta.title == f"{LABELS['ru']['title']}: {GABIT}"
    assert meta.author == data.issuer_name
    assert meta.subject == data.course_title
    assert meta.creation_date == data.issued_at
    assert reader.trailer["/Root"]["/Lang"] == "ru"


def test_creator_and_producer_are_the_platform_not_the_issuer_or_an_ai_system():
    data = certificate("en")
    pdf = render(data)
    meta = PdfReader(io.BytesIO(pdf)).metadata
    assert meta.creator == PLATFORM
    assert meta.producer == f"{PLATFORM} (fpdf2 {fpdf.FPDF_VERSION})"
    assert b"digitalsourcetype" not in pdf.lower() and b"/Metadata" not in pdf  # no AI marker, no XMP packet


def test_same_input_same_bytes():
    data = certificate()
    assert render(data) == render(data)


# --- QR code and logo -----------------------------------------------------------------------------

def _dark_runs(url: str) -> int:
    """How many horizontal runs of dark modules the QR code of `url` has: segno draws each as one segment."""
    runs = 0
    for row in segno.make(url, error="m", micro=False).matrix:
        runs += sum(1 for i, module in enumerate(row) if module and (i == 0 or not row[i - 1]))
    return runs


def _operators(pdf: bytes) -> list[str]:
    reader = PdfReader(io.BytesIO(pdf))
    page = reader.pages[0]
    return [op.decode() for _operands, op in ContentStream(page.get_contents(), reader).operations]


def test_qr_code_is_drawn_as_vector_paths():
    data = certificate()
    ops = _operators(render(data))
    runs = _dark_runs(data.verify_url)
    assert runs > 100
    # The frame is drawn with rectangles and the rule under the issuer is one line; the QR code (segno's SVG) adds
    # a move and a line per run of dark modules, so the count follows the code of the URL.
    assert runs <= ops.count("m") <= runs + 3
    assert runs <= ops.count("l") <= runs + 3
    longer = certificate(verify_url=data.verify_url + "?lang=kk&utm=" + "x" * 60)
    longer_runs = _dark_runs(longer.verify_url)
    assert longer_runs > runs + 50
    assert longer_runs <= _operators(render(longer)).count("m") <= longer_runs + 3


def test_missing_logo_is_skipped(tmp_path):
    data = certificate()
    assert render(data, issuer_logo=tmp_path / "no-such-logo.png") == render(data)


def test_png_logo_is_embedded(tmp_path):
    logo = tmp_path / "logo.png"
    Image.new("RGB", (120, 60), (0, 175, 202)).save(logo)
    pages = pages_of(render(certificate(), issuer_logo=logo))
    assert len(pages[0].images) == 1
    assert len(pages_of(render(certificate()))[0].images) == 0


def test_svg_logo_is_drawn(tmp_path):
    logo = tmp_path / "logo.svg"
    logo.write_text('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100" width="100" height="100">'
                    '<circle cx="50" cy="50" r="45" fill="#00AFCA"/></svg>', encoding="utf-8")
    data = certificate()
    assert _operators(render(data, issuer_logo=logo)).count("c") > _operators(render(data)).count("c")
    assert len(pages_of(render(data, issuer_logo=logo))) == 1


def test_svg_logo_cannot_pull_in_other_files(tmp_path):
    secret = tmp_path / "secret.png"
    Image.new("RGB", (10, 10), (255, 0, 0)).save(secret)
    logo = tmp_path / "logo.svg"
    logo.write_text('<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
                    'viewBox="0 0 100 100" width="100" height="100">'
                    f'<image x="0" y="0" width="100" height="100" xlink:href="{secret}"/></svg>',
                    encoding="utf-8")
    with pytest.raises(FPDFResourceAccessError):
        render(certificate(), issuer_logo=logo)


# --- fonts ----------------------------------------------------------------------------------------

def _open_files_under(folder) -> list[str]:
    """The files under `folder` this process holds open (Linux: /proc/self/fd)."""
    names = []
    for fd in os.listdir("/proc/self/fd"):
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:  # closed since listed (listdir's own descriptor)
            continue
        if target.startswith(str(folder)):
            names.append(target)
    return names


def test_the_fonts_are_cut_once_into_the_font_folder_and_read_from_there(tmp_path):
    fonts = tmp_path / "fonts"
    data = certificate("kk")
    first = render(data, font_dir=fonts)
    files = sorted(fonts.iterdir())
    assert [path.suffix for path in files] == [".ttf"] * 3
    assert all(path.stat().st_size < 200_000 for path in files)  # cut down: DejaVuSans.ttf is ~740 KB
    written = [path.stat().st_mtime_ns for path in files]
    assert render(data, font_dir=fonts) == first == render(data)  # the same page from any font folder
    assert [path.stat().st_mtime_ns for path in sorted(fonts.iterdir())] == written
    assert ALIYA in text_of(first)


def test_a_deleted_font_cut_is_made_again(tmp_path):
    fonts = tmp_path / "fonts"
    data = certificate("ru")
    first = render(data, font_dir=fonts)
    for path in fonts.iterdir():
        path.unlink()
    assert render(data, font_dir=fonts) == first
    assert len(list(fonts.glob("*.ttf"))) == 3 and list(fonts.glob("*.tmp")) == []


def test_no_font_file_stays_open_after_a_page_or_a_refused_logo(tmp_path):
    fonts = tmp_path / "fonts"
    render(certificate(), font_dir=fonts)
    assert _open_files_under(fonts) == []
    logo = tmp_path / "logo.svg"
    logo.write_text('<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
                    'viewBox="0 0 10 10"><image width="10" height="10" xlink:href="/etc/hostname"/></svg>',
                    encoding="utf-8")
    with pytest.raises(FPDFResourceAccessError):
        render(certificate(), issuer_logo=logo, font_dir=fonts)
    assert _open_files_under(fonts) == []
