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
MINISTRY = {"kk": "Қазақстан Республикасы Қаржы министрлігі", "ru": "Министерство финансов Республики Казахстан",
            "en": "Ministry of Finance of the Republic of Kazakhstan"}
AGENCY = {"kk": "Қазақстан Республикасы Мемлекеттік қызмет істері агенттігі",
          "ru": "Агентство Республики Казахстан по делам государственной службы",
          "en": "Agency for Civil Service Affairs of the Republic of Kazakhstan"}
LABELS = {
    "kk": {"title": "Оқуды аяқтағаны туралы сертификат", "certifies": "Осы арқылы куәландырылады:",
           "completed": "курсын аяқтады", "agency": "Мекеме:", "department": "Құрылымдық бөлімше:",
           "date": "Берілген күні:",
           "date_value": "2025 жылғы 12 наурыз", "hours": "Оқу ұзақтығы:", "hours_value": "24 сағ",
           "serial": "Сериялық нөмірі:", "valid_until": "Жарамды:", "valid_until_value": "2028 жылғы 12 наурыз",
           "verify": "Тексеру үшін сканерлеңіз"},
    "ru": {"title": "Сертификат о прохождении обучения", "certifies": "Настоящим удостоверяется, что",
           "completed": "прошёл(а) курс", "agency": "Ведомство:", "department": "Подразделение:",
           "date": "Дата выдачи:",
           "date_value": "12 марта 2025 г.", "hours": "Продолжительность обучения:", "hours_value": "24 ч",
           "serial": "Серийный номер:", "valid_until": "Действителен до:", "valid_until_value": "12 марта 2028 г.",
           "verify": "Отсканируйте для проверки"},
    "en": {"title": "Certificate of completion", "certifies": "This certifies that",
           "completed": "has completed the course", "agency": "Agency:", "department": "Department:",
           "date": "Date of issue:",
           "date_value": "12 March 2025", "hours": "Study time:", "hours_value": "24 h",
           "serial": "Serial number:", "valid_until": "Valid until:", "valid_until_value": "12 March 2028",
           "verify": "Scan to verify"},
}


def certificates(count: int) -> list[tuple[CertificateData, dict[str, str]]]:
    """`count` certificates with their labels: languages and names alternate, every third one expires, every other
    agency is a department below a ministry."""
    issued = datetime(2025, 3, 12, 9, 30, tzinfo=UTC)
    result = []
    for n in range(count):
        language = LANGUAGES[n % len(LANGUAGES)]
        serial = f"K7QF-2M9D-{n:04d}-X"
        data = CertificateData(
            serial=serial, learner_name=NAMES[n % len(NAMES)], course_title=COURSES[language],
            agency_name=AGENCY[language] if n % 4 else None, issued_at=issued + timedelta(minutes=n),
            study_minutes=24 * 60, language=language, issuer_name=ISSUER[language],
            verify_url=f"https://lms.example.kz/verify/{serial}",
            expires_at=issued + timedelta(days=3 * 365) if n % 3 == 0 else None,
            top_agency_name=MINISTRY[language] if n % 2 else None)
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
    whole = [(family, style, certificate_pdf.FONTS / filename)
             for family, style, filename in certificate_pdf.FONT_FILES]
    cut = certificate_pdf.font_files
    certificate_pdf.font_files = lambda font_dir: whole
    try:
        return timings_ms(render_pdf, items)
    finally:
        certificate_pdf.font_files = cut


def p95(values: list[float]) -> float:
    """95th percentile, nearest rank."""
    ordered = sorted(values)
    return ordered[max(0, -(-95 * len(ordered) // 100) - 1)]


def bench_pdf(count: int) -> bool:
    """Certificate PDFs: mean and p95 per PDF against the core-font baseline; target < TARGET_MS each."""
    items = certificates(count)
    print(f"== certificate PDF ({count} certificates, kk/ru/en) ==")
    start = time.perf_counter()
    size = len(render_pdf(*items[0]))  # the first one in a process also cuts the bundled fonts down (once per folder)
    print(f"first certificate (cold):    {(time.perf_counter() - start) * 1000:8.1f} ms  ({size:,} bytes)")
    baseline_pdf(*items[0])
    baseline = timings_ms(baseline_pdf, items)
    real = timings_ms(render_pdf, items)
    base_mean, mean, tail = statistics.fmean(baseline), statistics.fmean(real), p95(real)
    print(f"baseline (Helvetica, ASCII): mean {base_mean:8.2f} ms   p95 {p95(baseline):8.2f} ms")
    print(f"certificate PDF:             mean {mean:8.2f} ms   p95 {tail:8.2f} ms  "
          f"({mean / base_mean:.1f}x the baseline)")
    full = full_font_timings_ms(items[:10])
    print(f"  for reference, whole fonts: mean {statistics.fmean(full):8.2f} ms   ({len(full)} PDFs with the "
          "bundled fonts uncut)")
    met = tail < TARGET_MS
    print(f"target < {TARGET_MS:.0f} ms per PDF (p95): {'met' if met else 'NOT met'}")
    return met


#: The sections main() runs, in order: (title, function taking the parsed arguments, returning target met).
def bench_verification_page(requests: int) -> bool:
    """Requests/s of the public verification page (in-process test client, SQLite in a temporary folder), with
    the /healthz endpoint measured the same way as the baseline (one trivial query, no template)."""
    import tempfile
    from datetime import UTC, datetime

    from lms import create_app
    from lms.accounts.models import User
    from lms.certificates import serials
    from lms.certificates.models import Certificate
    from lms.courses.models import Course
    from lms.extensions import db
    from lms.learning.models import CourseCompletion

    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({"ENV": "testing", "DATABASE_URL": f"sqlite:///{tmp}/bench.sqlite3",
                          "PUBLIC_RATE_LIMIT": "1000000 per minute", "DEFAULT_LOCALE": "kk",
                          "PASSWORD_HASH_COST": "cheap"})
        now = datetime.now(UTC)
        with app.app_context():
            db.create_all()
            user = User(email="a@example.kz", full_name="Әлия Нұрғалиқызы Қасымова")
            course = Course(key="c", folder="c", version="v", default_language="en", title={"en": "Course"},
                            summary={"en": "S"}, competency_area="foundations", level="beginner",
                            estimated_minutes=60, languages="en")
            db.session.add_all([user, course])
            db.session.flush()
            completion = CourseCompletion(user_id=user.id, course_id=course.id, completed_at=now, course_version="v",
                                          language="en")
            db.session.add(completion)
            db.session.flush()
            serial = serials.new_serial()
            db.session.add(Certificate(serial=serial, user_id=user.id, course_id=course.id,
                                       completion_id=completion.id, learner_name=user.full_name,
                                       course_titles={"en": "Course"}, hours=1.0, study_minutes=60,
                                       content_version="v", language="en", issued_at=now, status_list=1,
                                       status_index=0))
            db.session.commit()
        client = app.test_client()

        def rate(path: str) -> float:
            client.get(path)  # warm up
            start = time.perf_counter()
            for _ in range(requests):
                assert client.get(path).status_code == 200
            return requests / (time.perf_counter() - start)

        baseline = rate("/healthz")
        page = rate(f"/verify/{serials.display(serial)}")
        with app.app_context():
            db.engine.dispose()
    print(f"  baseline /healthz:        {baseline:8.0f} requests/s")
    print(f"  verification page:        {page:8.0f} requests/s ({page / baseline:.2f}x the baseline)")
    return True


SECTIONS: list[tuple[str, Callable[[argparse.Namespace], bool]]] = [
    ("certificate PDF", lambda args: bench_pdf(args.count)),
    ("verification page", lambda args: bench_verification_page(args.requests)),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=50, help="certificates to render (default 50)")
    parser.add_argument("--requests", type=int, default=500, help="verification page requests (default 500)")
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
