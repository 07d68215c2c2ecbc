"""Benchmark: certificate PDFs must take under 200 ms each.

Run: .venv/bin/python bench/certificates.py [--count 50]
Renders `count` certificates (alternating kk / ru / en, alternating two Kazakh names) and prints the mean and p95
time per PDF, with the ratio to a baseline measured in the same run: the same texts, ASCII only, put into a minimal
fpdf2 PDF with the core Helvetica font (no font embedding, no QR code, no layout).

Sections: each `bench_*` function prints its own block and returns whether its target was met; main() runs them in
turn, so further sections can be appended to SECTIONS.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from fpdf import FPDF  # noqa: E402

from lms.certificates import pdf as certificate_pdf  # noqa: E402
from lms.certificates.document import CertificateData  # noqa: E402
from lms.certificates.pdf import render_pdf  # noqa: E402

TARGET_MS = 200.0
NAMES = ("Әлия Нұрғалиқызы Қасымова", "Ғабит Өмірұлы Ұлықбек")
LANGUAGES = ("kk", "ru", "en")
COURSES = {"kk": "Мемлекеттік қызметтегі жасанды интеллект негіздері",
           "ru": "Основы искусственного интеллекта на государственной службе",
           "en": "Foundations of artificial intelligence in the civil service"}
ISSUER = {"kk": "Мемлекеттік басқару академиясы", "ru": "Академия государственного управления",
          "en": "Academy of Public Administration"}
AGENCY = {"kk": "Қазақстан Республикасы Мемлекеттік қызмет істері агенттігі",
          "ru": "Агентство Республики Казахстан по делам государственной службы",
          "en": "Agency for Civil Service Affairs of the Republic of Kazakhstan"}
LABELS = {
    "kk": {"title": "Оқуды аяқтағаны туралы сертификат", "certifies": "Осы арқылы куәландырылады:",
           "completed": "курсын аяқтады", "agency": "Мекеме:", "date": "Берілген күні:",
           "date_value": "2025 жылғы 12 наурыз", "hours": "Оқу сағаты:", "hours_value": "24 сағат",
           "serial": "Сериялық нөмірі:", "valid_until": "Жарамды:", "valid_until_value": "2028 жылғы 12 наурыз",
           "verify": "Тексеру үшін сканерлеңіз"},
    "ru": {"title": "Сертификат о прохождении обучения", "certifies": "Настоящим удостоверяется, что",
           "completed": "прошёл(а) курс", "agency": "Ведомство:", "date": "Дата выдачи:",
           "date_value": "12 марта 2025 г.", "hours": "Часов обучения:", "hours_value": "24 часа",
           "serial": "Серийный номер:", "valid_until": "Действителен до:", "valid_until_value": "12 марта 2028 г.",
           "verify": "Отсканируйте для проверки"},
    "en": {"title": "Certificate of completion", "certifies": "This certifies that",
           "completed": "has completed the course", "agency": "Agency:", "date": "Date of issue:",
           "date_value": "12 March 2025", "hours": "Study hours:", "hours_value": "24 hours",
           "serial": "Serial number:", "valid_until": "Valid until:", "valid_until_value": "12 March 2028",
           "verify": "Scan to verify"},
}


def certificates(count: int) -> list[tuple[CertificateData, dict[str, str]]]:
    """`count` certificates with their labels: languages and names alternate, every third one expires."""
    issued = datetime(2025, 3, 12, 9, 30, tzinfo=UTC)
    result = []
    for n in range(count):
        language = LANGUAGES[n % len(LANGUAGES)]
        serial = f"K7QF-2M9D-{n:04d}-X"
        data = CertificateData(
            serial=serial, learner_name=NAMES[n % len(NAMES)], course_title=COURSES[language],
            agency_name=AGENCY[language] if n % 4 else None, issued_at=issued + timedelta(minutes=n), hours=24,
            language=language, issuer_name=ISSUER[language], verify_url=f"https://lms.example.kz/c/{serial}",
            expires_at=issued + timedelta(days=3 * 365) if n % 3 == 0 else None)
        result.append((data, LABELS[language]))
    return result


def baseline_pdf(data: CertificateData, labels: dict[str, str]) -> bytes:
    """The same texts in a minimal PDF: core Helvetica, ASCII only (others replaced by "?"), one cell per text."""
    pdf = FPDF(orientation="L", unit="mm", format="A4")
    pdf.add_page()
    pdf.set_font("Helvetica", size=12)
    texts = [data.issuer_name, labels["title"], labels["certifies"], data.learner_name, labels["completed"],
             data.course_title, data.agency_name or "", labels["date_value"], labels["hours_value"], data.serial,
             labels["verify"], data.verify_url]
    for text in filter(None, texts):
        pdf.cell(text=text.encode("ascii", "replace").decode("ascii"), new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def timings_ms(render: Callable[[CertificateData, dict[str, str]], bytes],
               items: list[tuple[CertificateData, dict[str, str]]]) -> list[float]:
    result = []
    for data, labels in items:
        start = time.perf_counter()
        render(data, labels)
        result.append((time.perf_counter() - start) * 1000)
    return result


def full_font_timings_ms(items: list[tuple[CertificateData, dict[str, str]]]) -> list[float]:
    """The same certificates with the whole bundled fonts registered through FPDF.add_font."""
    def add_whole_font(pdf: FPDF, family: str, style: str, filename: str) -> None:
        pdf.add_font(family, style, certificate_pdf.FONTS / filename)

    cut = certificate_pdf._add_font
    certificate_pdf._add_font = add_whole_font
    try:
        return timings_ms(render_pdf, items)
    finally:
        certificate_pdf._add_font = cut


def p95(values: list[float]) -> float:
    """95th percentile, nearest rank."""
    ordered = sorted(values)
    return ordered[max(0, -(-95 * len(ordered) // 100) - 1)]


def bench_pdf(count: int) -> bool:
    """Certificate PDFs: mean and p95 per PDF against the core-font baseline; target < TARGET_MS each."""
    items = certificates(count)
    print(f"== certificate PDF ({count} certificates, kk/ru/en) ==")
    start = time.perf_counter()
    size = len(render_pdf(*items[0]))  # the first one in a process also cuts the bundled fonts down (cached)
    print(f"first certificate (cold):    {(time.perf_counter() - start) * 1000:8.1f} ms  ({size:,} bytes)")
    baseline_pdf(*items[0])
    baseline = timings_ms(baseline_pdf, items)
    real = timings_ms(render_pdf, items)
    base_mean, mean, tail = statistics.fmean(baseline), statistics.fmean(real), p95(real)
    print(f"baseline (Helvetica, ASCII): mean {base_mean:8.2f} ms   p95 {p95(baseline):8.2f} ms")
    print(f"certificate PDF:             mean {mean:8.2f} ms   p95 {tail:8.2f} ms  "
          f"({mean / base_mean:.1f}x the baseline)")
    full = full_font_timings_ms(items[:10])
    print(f"  for reference, whole fonts: mean {statistics.fmean(full):8.2f} ms   ({len(full)} PDFs with fpdf2's own "
          "add_font, i.e. without the per-process font cut)")
    met = tail < TARGET_MS
    print(f"target < {TARGET_MS:.0f} ms per PDF (p95): {'met' if met else 'NOT met'}")
    return met


#: The sections main() runs, in order: (title, function taking the parsed arguments, returning target met).
SECTIONS: list[tuple[str, Callable[[argparse.Namespace], bool]]] = [
    ("certificate PDF", lambda args: bench_pdf(args.count)),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=50, help="certificates to render (default 50)")
    args = parser.parse_args()
    if args.count < 1:
        parser.error("--count must be at least 1")
    missed = []
    for title, section in SECTIONS:
        if not section(args):
            missed.append(title)
        print()
    if missed:
        raise SystemExit(f"target not met: {', '.join(missed)}")


if __name__ == "__main__":
    main()
