"""Benchmark the CSV imports: agencies, then 10,000 employees, on a fresh, migrated database.

    .venv/bin/python bench/import_users.py [--employees 10000] [--agencies 200] [--database-url URL]

Generates an agencies file (a 3-level tree, names in kk/ru/en) and an employees file (Kazakh and Russian
names, positions, languages, a few HR officers and authors) in a temporary folder, migrates a fresh
database (a SQLite file in that folder by default), and imports through the same service functions as
`lms agencies import` / `lms users import`. Prints rows, wall time, rows/s and peak memory for
(a) the first import, (b) the same file again (must create and update nothing) and (c) a file with one
bad row among the others (must write nothing).

A PostgreSQL URL names a scratch database that is DROPPED and re-created first; its name must contain
"bench" (e.g. postgresql+psycopg://postgres@127.0.0.1:5432/lms_bench).

tracemalloc slows allocation-heavy Python code about threefold, so the imports run twice, each time on a
fresh database: pass 1 gives the wall times, rows/s and ru_maxrss (the process's peak resident set so
far), pass 2 the tracemalloc peaks. --no-tracemalloc skips pass 2.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import io
import random
import resource
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

# Run from a checkout without installing: make the project root importable.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, select
from sqlalchemy.engine import make_url

TARGET_SECONDS = 10.0
BAD_LINE = 5001  # the line (header = line 1) that the bad file breaks, when the file is long enough

# --- names ----------------------------------------------------------------------------------------

KK_MALE = ["Нұрлан", "Ерлан", "Асқар", "Бауыржан", "Ғабит", "Дәурен", "Мұрат", "Серік", "Қайрат",
           "Әділет", "Жандос", "Ержан", "Нұрсұлтан", "Тимур", "Арман", "Олжас", "Санжар", "Бекзат", "Ақылбек",
           "Өмірзақ"]
KK_FEMALE = ["Әлия", "Айгүл", "Гүлнар", "Динара", "Жанар", "Мәдина", "Айжан", "Ақмарал", "Салтанат", "Ұлжан",
             "Гүлмира", "Назерке", "Аружан", "Перизат", "Үміт", "Сәуле", "Раушан", "Жұлдыз", "Аягөз", "Іңкәр"]
KK_FATHERS = ["Нұрғали", "Өмір", "Қасым", "Серік", "Бекмұхамбет", "Жақсылық", "Төлеген", "Мұхтар", "Ғани",
              "Әбіл", "Сұлтан", "Ерболат", "Құдайберген", "Тұрсын", "Абай"]
KK_SURNAMES = ["Қасымов", "Нұрғалиев", "Әбілқасымов", "Жақсылықов", "Төлегенов", "Мұхтаров", "Сейітов",
               "Құдайбергенов", "Өтепов", "Ұлықбеков", "Бекмұхамбетов", "Тұрсынов", "Сәрсенбаев", "Есенов",
               "Ахметов", "Ибраев", "Жұмабаев", "Оспанов"]
RU_MALE = ["Александр", "Сергей", "Дмитрий", "Андрей", "Алексей", "Игорь", "Владимир", "Евгений", "Павел",
           "Михаил", "Виктор", "Олег"]
RU_FEMALE = ["Анна", "Елена", "Ольга", "Наталья", "Татьяна", "Ирина", "Светлана", "Мария", "Юлия", "Дина",
             "Екатерина", "Людмила"]
RU_PATRONYMICS = [("Александрович", "Александровна"), ("Сергеевич", "Сергеевна"),
                  ("Николаевич", "Николаевна"), ("Викторович", "Викторовна"), ("Петрович", "Петровна"),
                  ("Иванович", "Ивановна"), ("Михайлович", "Михайловна"), ("Владимирович", "Владимировна")]
RU_SURNAMES = ["Иванов", "Петров", "Смирнов", "Кузнецов", "Попов", "Соколов", "Ким", "Пак", "Цой", "Шевченко",
               "Бондаренко", "Ли", "Морозов", "Волков", "Лебедев"]
UNCHANGING_SURNAMES = {"Ким", "Пак", "Цой", "Шевченко", "Бондаренко", "Ли"}

POSITIONS = ["Главный специалист", "Ведущий специалист", "Эксперт", "Главный эксперт",
             "Руководитель управления", "Заместитель руководителя управления", "Директор департамента",
             "Заместитель директора департамента", "Бас маман", "Жетекші маман", "Сарапшы",
             "Басқарма басшысы", "Департамент директоры",
             "Chief specialist", "Senior expert", ""]

TRANSLIT = dict(zip(
    "абвгдеёжзийклмнопрстуфхцчшщъыьэюяәғқңөұүһі",
    ["a", "b", "v", "g", "d", "e", "e", "zh", "z", "i", "i", "k", "l", "m", "n", "o", "p", "r", "s", "t",
     "u", "f", "kh", "ts", "ch", "sh", "shch", "", "y", "", "e", "yu", "ya",
     "a", "g", "k", "n", "o", "u", "u", "h", "i"],
    strict=True,
))

# (kk, ru, en) name parts for the three levels of the tree
MINISTRIES = [
    ("Цифрлық даму министрлігі", "Министерство цифрового развития", "Ministry of Digital Development"),
    ("Қаржы министрлігі", "Министерство финансов", "Ministry of Finance"),
    ("Денсаулық сақтау министрлігі", "Министерство здравоохранения", "Ministry of Healthcare"),
    ("Білім министрлігі", "Министерство просвещения", "Ministry of Education"),
    ("Әділет министрлігі", "Министерство юстиции", "Ministry of Justice"),
    ("Еңбек министрлігі", "Министерство труда", "Ministry of Labour"),
    ("Энергетика министрлігі", "Министерство энергетики", "Ministry of Energy"),
    ("Мәдениет министрлігі", "Министерство культуры", "Ministry of Culture"),
    ("Мемлекеттік қызмет істері агенттігі", "Агентство по делам государственной службы",
     "Civil Service Affairs Agency"),
    ("Статистика бюросы", "Бюро национальной статистики", "Bureau of National Statistics"),
]
DEPARTMENTS = [
    ("Ақпараттық технологиялар департаменті", "Департамент информационных технологий",
     "Information Technology Department"),
    ("Персоналды басқару департаменті", "Департамент управления персоналом", "Human Resources Department"),
    ("Заң департаменті", "Юридический департамент", "Legal Department"),
    ("Стратегиялық жоспарлау департаменті", "Департамент стратегического планирования",
     "Strategic Planning Department"),
    ("Қаржы департаменті", "Финансовый департамент", "Finance Department"),
]
UNITS = [
    ("Талдау басқармасы", "Управление анализа", "Analysis Division"),
    ("Цифрландыру басқармасы", "Управление цифровизации", "Digitalisation Division"),
    ("Мемлекеттік сатып алу басқармасы", "Управление государственных закупок", "Procurement Division"),
    ("Құжат айналымы басқармасы", "Управление документооборота", "Records Division"),
    ("Өңірлік басқарма", "Региональное управление", "Regional Division"),
]


@dataclass(frozen=True)
class AgencyRow:
    code: str
    parent: str
    kk: str
    ru: str
    en: str


def make_agencies(count: int) -> list[AgencyRow]:
    """`count` agencies in a 3-level tree: about 1/25 ministries, 4 departments each, the rest units."""
    roots = max(1, round(count / 25))
    middles = min(count - roots, roots * 4)
    rows: list[AgencyRow] = []
    for i in range(roots):
        kk, ru, en = MINISTRIES[i % len(MINISTRIES)]
        suffix = "" if i < len(MINISTRIES) else f" {i // len(MINISTRIES) + 1}"
        rows.append(AgencyRow(f"M{i + 1:02d}", "", kk + suffix, ru + suffix, en + suffix))
    for i in range(middles):
        parent = rows[i % roots]
        kk, ru, en = DEPARTMENTS[(i // roots) % len(DEPARTMENTS)]
        rows.append(AgencyRow(f"{parent.code}-D{i // roots + 1}", parent.code, kk, ru, en))
    for i in range(count - roots - middles):
        parent = rows[roots + i % middles]
        kk, ru, en = UNITS[(i // middles) % len(UNITS)]
        n = i // middles + 1
        rows.append(AgencyRow(f"{parent.code}-U{n}", parent.code, f"{kk} №{n}", f"{ru} №{n}",
                              f"{en} No. {n}"))
    return rows


def _latin(text: str) -> str:
    return "".join(TRANSLIT.get(ch, ch) for ch in text.lower() if ch.isalnum())


def _feminine(surname: str) -> str:
    if surname in UNCHANGING_SURNAMES:
        return surname
    return surname + "а"


def make_employees(count: int, agencies: list[AgencyRow], rng: random.Random) -> list[list[str]]:
    """`count` employee rows: email, full_name, agency_code, position, language, roles, active."""
    rows: list[list[str]] = []
    seen: set[str] = set()
    for i in range(count):
        female = rng.random() < 0.5
        if rng.random() < 0.7:  # Kazakh: given name, patronymic with -ұлы / -қызы, surname
            given = rng.choice(KK_FEMALE if female else KK_MALE)
            surname = rng.choice(KK_SURNAMES)
            if female:
                surname = _feminine(surname)
            patronymic = rng.choice(KK_FATHERS) + ("қызы" if female else "ұлы")
            full_name = f"{given} {patronymic} {surname}"
        else:  # Russian order: surname, given name, patronymic
            given = rng.choice(RU_FEMALE if female else RU_MALE)
            surname = rng.choice(RU_SURNAMES)
            if female:
                surname = _feminine(surname)
            patronymic = rng.choice(RU_PATRONYMICS)[1 if female else 0]
            full_name = f"{surname} {given} {patronymic}"
        agency = rng.choice(agencies)
        domain = agency.code.split("-")[0].lower() + ".gov.kz"
        local = f"{_latin(given)}.{_latin(surname)}"
        email = f"{local}@{domain}"
        if email in seen:
            email = f"{local}{i}@{domain}"
        seen.add(email)
        roll = rng.random()
        roles = "learner;hr" if roll < 0.01 else "learner;author" if roll < 0.015 else ""
        language = rng.choices(["kk", "ru", "en", ""], weights=[45, 40, 5, 10])[0]
        active = "no" if rng.random() < 0.02 else rng.choice(["", "yes"])
        rows.append([email, full_name, agency.code, rng.choice(POSITIONS), language, roles, active])
    return rows


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)
    return path


# --- database --------------------------------------------------------------------------------------

def fresh_database(url: str | None, sqlite_file: Path, suffix: str = "") -> str:
    """Return the URL of an empty database: a new SQLite file (`sqlite_file` by default, or the given one
    plus `suffix`), or the given PostgreSQL database, dropped and re-created."""
    if not url:
        return f"sqlite:///{sqlite_file}"
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if not parsed.database or parsed.database == ":memory:":
            sys.exit("give a SQLite file, not an in-memory database")
        path = Path(parsed.database + suffix)
        if path.exists():
            sys.exit(f"{path} exists; give a new SQLite file")
        return parsed.set(database=str(path)).render_as_string()
    if parsed.get_backend_name() != "postgresql":
        sys.exit(f"unsupported database: {parsed.get_backend_name()}")
    name = parsed.database or ""
    if "bench" not in name:
        sys.exit(f"refusing to drop database {name!r}: its name must contain 'bench'")
    import psycopg
    from psycopg import sql

    params = {"host": parsed.host or "127.0.0.1", "port": parsed.port or 5432, "user": parsed.username,
              "password": parsed.password, "dbname": "postgres"}
    with psycopg.connect(**{k: v for k, v in params.items() if v is not None}, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)


# --- measuring -------------------------------------------------------------------------------------

@dataclass
class Measure:
    label: str
    rows: int
    seconds: float
    traced_peak: int | None = None  # bytes, from a second, traced pass
    maxrss_kb: int = 0  # the process's peak resident set so far (kB on Linux)

    def line(self) -> str:
        rate = self.rows / self.seconds if self.seconds else float("inf")
        traced = f"{self.traced_peak / 2**20:6.1f} MB" if self.traced_peak is not None else "     -   "
        return (f"{self.label:<32} {self.rows:>6} rows {self.seconds:7.2f} s {rate:>7.0f} rows/s   "
                f"tracemalloc peak {traced}   ru_maxrss {self.maxrss_kb / 1024:6.1f} MB")


@dataclass(frozen=True)
class Files:
    agencies: Path
    employees: Path
    bad: Path
    agency_rows: int
    employee_rows: int
    bad_line: int


def make_files(folder: Path, n_agencies: int, n_employees: int, seed: int) -> Files:
    agencies = make_agencies(n_agencies)
    employees = make_employees(n_employees, agencies, random.Random(seed))
    header = ["email", "full_name", "agency_code", "position", "language", "roles", "active"]
    bad_line = min(BAD_LINE, len(employees) + 1)  # data row i (from 0) is on line i + 2
    bad_rows = [list(row) for row in employees]
    bad_rows[bad_line - 2][2] = "NO-SUCH-AGENCY"
    return Files(
        agencies=write_csv(folder / "agencies.csv", ["code", "parent_code", "name_kk", "name_ru", "name_en"],
                           [[a.code, a.parent, a.kk, a.ru, a.en] for a in agencies]),
        employees=write_csv(folder / "employees.csv", header, employees),
        bad=write_csv(folder / "employees-bad.csv", header, bad_rows),
        agency_rows=len(agencies), employee_rows=len(employees), bad_line=bad_line,
    )


def run_scenario(url: str, files: Files, *, trace: bool, say: Callable[[str], None]) -> tuple[list[Measure],
                                                                                                list[str]]:
    """Migrate the empty database at `url`, then time the imports; return the measures and any failures."""
    from flask_migrate import upgrade

    from lms import create_app
    from lms.accounts.importer import import_users
    from lms.accounts.models import User
    from lms.agencies.importer import import_agencies
    from lms.agencies.models import Agency
    from lms.db import begin_write
    from lms.extensions import db

    app = create_app({"ENV": "development", "DATABASE_URL": url, "DEFAULT_LOCALE": "en"})
    with app.app_context(), contextlib.redirect_stderr(io.StringIO()):
        upgrade()  # alembic's logging config (migrations/alembic.ini) logs each step to stderr
    max_bytes = app.config["MAX_IMPORT_BYTES"]

    def count(model) -> int:
        with app.app_context():
            return db.session.scalar(select(func.count()).select_from(model))

    def timed(label: str, rows: int, importer, path: Path) -> tuple[Measure, object]:
        """Import `path` as the CLI does (read, BEGIN, import, commit or roll back) and measure it."""
        if trace:
            tracemalloc.start()
        start = time.perf_counter()
        with app.app_context():
            begin_write(db.session)
            report = importer(path.read_bytes(), dry_run=False, max_bytes=max_bytes)
            if report.ok:
                db.session.commit()
            else:
                db.session.rollback()
        seconds = time.perf_counter() - start
        peak = None
        if trace:
            peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
        maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return Measure(label, rows, seconds, peak, maxrss), report

    def summary(report) -> str:
        return f"{len(report.created)} created, {len(report.updated)} updated, {report.unchanged} unchanged"

    failures: list[str] = []
    measures: list[Measure] = []
    n = files.employee_rows

    m, report = timed("agencies, first import", files.agency_rows, import_agencies, files.agencies)
    measures.append(m)
    say(f"agencies: {summary(report)}")
    if not report.ok or len(report.created) != files.agency_rows:
        failures.append(f"agencies: {summary(report)}, errors {report.errors[:3]}")

    m, report = timed("(a) employees, first import", n, import_users, files.employees)
    measures.append(m)
    say(f"(a) {summary(report)}")
    if not report.ok or len(report.created) != n or count(User) != n:
        failures.append(f"(a) expected {n} new users: {summary(report)}, errors {report.errors[:3]}")

    m, report = timed("(b) employees, same file again", n, import_users, files.employees)
    measures.append(m)
    say(f"(b) {summary(report)}")
    if report.created or report.updated or report.unchanged != n:
        failures.append(f"(b) not idempotent: {summary(report)}")

    before = count(User)
    m, report = timed("(c) employees, one bad row", n, import_users, files.bad)
    measures.append(m)
    for error in report.errors:
        say(f"(c) line {error.line}: {error.message}")
    after = count(User)
    say(f"(c) users before {before}, after {after}: {'unchanged' if before == after else 'CHANGED'}")
    if [error.line for error in report.errors] != [files.bad_line] or before != after:
        failures.append(f"(c) expected one error on line {files.bad_line} and no change: "
                        f"{report.errors[:3]}, users {before} -> {after}")
    if count(Agency) != files.agency_rows:
        failures.append("the agency count changed")
    with app.app_context():
        db.engine.dispose()
    return measures, failures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--employees", type=int, default=10_000)
    parser.add_argument("--agencies", type=int, default=200)
    parser.add_argument("--database-url", default=None,
                        help="default: a new SQLite file in the temporary folder; a PostgreSQL database "
                             "named here is dropped and re-created (its name must contain 'bench')")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--no-tracemalloc", dest="trace", action="store_false",
                        help="skip the second, traced pass (no tracemalloc peaks)")
    args = parser.parse_args(argv)
    if args.employees < 2 or args.agencies < 1:
        parser.error("need at least 2 employees and 1 agency")

    with tempfile.TemporaryDirectory(prefix="lms-bench-") as tmp:
        folder = Path(tmp)
        files = make_files(folder, args.agencies, args.employees, args.seed)
        url = fresh_database(args.database_url, folder / "timed.sqlite3")
        print(f"database: {make_url(url).render_as_string(hide_password=True)}")
        print(f"files:    {files.agencies.stat().st_size / 1024:.0f} kB agencies ({files.agency_rows} rows), "
              f"{files.employees.stat().st_size / 1024:.0f} kB employees ({files.employee_rows} rows)")
        print("pass 1: timings and ru_maxrss (tracemalloc off)")
        measures, failures = run_scenario(url, files, trace=False, say=lambda text: print("  " + text))
        if args.trace:
            print("pass 2: the same on a fresh database with tracemalloc on, for the Python heap peaks")
            url = fresh_database(args.database_url, folder / "traced.sqlite3", suffix="-traced")
            traced, more = run_scenario(url, files, trace=True, say=lambda text: None)
            failures += [f"pass 2: {failure}" for failure in more]
            for measure, other in zip(measures, traced, strict=True):
                measure.traced_peak = other.traced_peak

    print()
    for measure in measures:
        print(measure.line())
    first = measures[1]
    met = first.seconds < TARGET_SECONDS
    print(f"\nfirst import of {first.rows} employees: {first.seconds:.2f} s "
          f"(target < {TARGET_SECONDS:.0f} s: {'met' if met else 'NOT met'})")
    for failure in failures:
        print(f"FAILED {failure}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
