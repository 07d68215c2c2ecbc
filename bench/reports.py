"""Benchmark: reports on a national dataset (issue 7), on SQLite and PostgreSQL.

Run: .venv/bin/python bench/reports.py [--learners 100000] [--engines sqlite,postgresql]

For each engine it builds a fresh database (migrate, sync the courses, `lms demo-data --learners N`), then measures,
with baselines taken in the same run:
- the national dashboard and the largest agency's dashboard: time and number of SQL queries (baseline: one
  GROUP BY pass over the enrolments table alone, without joins), counted now and as served (the page, a signed-in
  admin, from the worker's snapshot of the country's counts where the scope holds at least
  LMS_REPORT_SNAPSHOT_MIN_ENROLMENTS enrolments, else counted when it opens), and the time the worker takes to refresh
  that snapshot;
- the full detail CSV export: rows/s against the same SELECT written straight from a DB-API cursor with csv.writer
  (target >= 50%), time to the first row (target < 1 s), and peak Python memory for 50k and 200k rows (must not grow);
- the XLSX export of the same rows: time as a multiple of the CSV time (target <= 15x) and peak memory.
Prints a table per engine; copy it into bench/RESULTS.md with the machine description.
"""

from __future__ import annotations

import argparse
import csv
import io
import itertools
import os
import platform
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
from dataset import TMP, prepare  # noqa: E402

OUT = TMP / "lms-bench-reports"


class QueryCounter:
    """Counts the statements sent to the database."""

    def __init__(self, engine):
        from sqlalchemy import event

        self.count = 0
        event.listen(engine, "before_cursor_execute", self._seen)

    def _seen(self, *args, **kwargs):
        self.count += 1


def timed(fn, repeat: int = 3):
    """Median seconds of `repeat` calls, and the last result."""
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def raw_csv(db, query, path: Path) -> int:
    """The baseline: the same SELECT through a plain DB-API cursor, rows written as they come with csv.writer."""
    compiled = query.compile(dialect=db.engine.dialect, compile_kwargs={"literal_binds": True})
    connection = db.engine.raw_connection()
    try:
        cursor = connection.cursor(name="bench") if db.engine.dialect.name == "postgresql" else connection.cursor()
        cursor.execute(str(compiled))
        count = 0
        with path.open("w", encoding="utf-8-sig", newline="") as fh:
            writer = csv.writer(fh)
            while rows := cursor.fetchmany(5000):
                writer.writerows(rows)
                count += len(rows)
        cursor.close()
        return count
    finally:
        connection.close()


def peak_memory(fn) -> float:
    """Peak Python memory (MB) allocated while fn runs."""
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1] / 1e6
    finally:
        tracemalloc.stop()


def measure(url: str) -> dict:
    from lms import create_app
    from lms.agencies.models import Agency
    from lms.db import utcnow
    from lms.exports.files import iter_rows, neutralise, write_csv, write_xlsx
    from lms.extensions import db
    from lms.reports import dashboard, queries, snapshots
    from lms.reports.filters import ReportFilters
    from lms.reports.rows import COLUMNS, RowContext
    from lms.reports.tree import AgencyTree

    app = create_app({"DATABASE_URL": url, "TASK_QUEUE": "immediate", "WTF_CSRF_ENABLED": False})
    results: dict = {}
    OUT.mkdir(exist_ok=True)
    with app.app_context():
        counter = QueryCounter(db.engine)
        now = utcnow()
        tz = app.config["TIMEZONE"]
        country = ReportFilters(timezone=tz)
        tree = AgencyTree.load()
        heads = queries.headcounts(None)
        sizes = {node.id: sum(heads.get(i, 0) for i in tree.subtree(node.id)) for node in tree.child_nodes(None)}
        largest = db.session.get(Agency, max(sizes, key=sizes.get))
        results["largest agency"] = f"{largest.code} ({sizes[largest.id]} people)"
        from sqlalchemy import func, select

        from lms.learning.models import Enrollment

        results["enrolments"] = db.session.scalar(select(func.count()).select_from(Enrollment))
        # Baseline: one aggregate pass over the enrolments table alone (no joins, no tree).
        scan = select(Enrollment.course_id, func.count(), func.count(Enrollment.completed_at)).group_by(
            Enrollment.course_id)
        results["scan s"], _ = timed(lambda: db.session.execute(scan).all())
        for label, filters in (("national", country),
                               ("largest agency", ReportFilters(agency=largest, include_sub=True, timezone=tz))):
            before = counter.count
            dashboard.build_dashboard(filters, now=now)
            results[f"{label} queries"] = counter.count - before
            results[f"{label} dashboard s"], _ = timed(lambda f=filters: dashboard.build_dashboard(f, now=now))
        results["national target s"], _ = timed(lambda: dashboard.national_progress(target=2000, now=now))
        db.session.rollback()

        # What people get: the dashboard page, served from the worker's snapshot of the country's counts (large scopes).
        def refresh():
            snapshots.refresh_snapshot(now=utcnow())
            db.session.commit()

        results["snapshot s"], _ = timed(refresh, repeat=1)
        client = app.test_client()
        client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
        client.post("/login", data={"email": "admin@demo.lms.kz", "password": "admin-demo-2026"})
        minimum = app.config["REPORT_SNAPSHOT_MIN_ENROLMENTS"]
        for label, path in (("national", "/reports/"), ("largest agency", f"/reports/?agency={largest.code}")):
            client.get(path)
            before = counter.count
            page = client.get(path)
            results[f"{label} page queries"] = counter.count - before
            assert page.status_code == 200, page.status_code
            # Scopes of fewer than LMS_REPORT_SNAPSHOT_MIN_ENROLMENTS enrolments are counted when the page opens.
            results[f"{label} page source"] = ("from the snapshot" if b"refreshed every few minutes" in page.data
                                               else "counted when it opens")
            if label == "national":
                assert (results["enrolments"] >= minimum) == (results[f"{label} page source"] == "from the snapshot")
            results[f"{label} page s"], _ = timed(lambda p=path: client.get(p))

        query = queries.detail_query(country, None, now=now)
        results["baseline csv s"], rows = timed(lambda: raw_csv(db, query, OUT / "baseline.csv"), repeat=1)
        results["rows"] = rows
        context = RowContext.load(locale="ru", timezone=tz, now=now)

        def first_row():
            started = time.perf_counter()
            generator = iter_rows(country, RowContext.load(locale="ru", timezone=tz, now=now))
            next(generator)
            elapsed = time.perf_counter() - started
            generator.close()
            db.session.rollback()
            return elapsed

        results["first row s"] = first_row()
        results["csv s"], count = timed(lambda: write_csv(OUT / "report.csv", country, context), repeat=1)
        assert count == rows, (count, rows)
        keys = [key for key, _ in COLUMNS]

        def csv_rows(limit: int):
            buffer = io.StringIO()
            writer = csv.writer(buffer)
            for row in itertools.islice(iter_rows(country, context), limit):
                writer.writerow([neutralise(row[key]) for key in keys])
                buffer.seek(0)
                buffer.truncate()
            db.session.rollback()

        results["csv peak MB 50k"] = peak_memory(lambda: csv_rows(50_000))
        results["csv peak MB 200k"] = peak_memory(lambda: csv_rows(200_000))
        results["xlsx s"], _ = timed(lambda: write_xlsx(OUT / "report.xlsx", country, context), repeat=1)
        small = min((node for node in tree.nodes.values() if heads.get(node.id)), key=lambda n: heads[n.id])
        results["xlsx peak MB small agency"] = peak_memory(lambda: write_xlsx(
            OUT / "small.xlsx", ReportFilters(agency=db.session.get(Agency, small.id), include_sub=False,
                                              timezone=tz), context))
        results["xlsx peak MB largest agency"] = peak_memory(lambda: write_xlsx(
            OUT / "large.xlsx", ReportFilters(agency=largest, include_sub=True, timezone=tz), context))
        db.session.rollback()
        db.engine.dispose()
    return results


def report(engine: str, seeded: float, r: dict) -> list[str]:
    csv_rate, base_rate = r["rows"] / r["csv s"], r["rows"] / r["baseline csv s"]
    lines = [
        f"### {engine}: {r['enrolments']:,} enrolments, largest agency {r['largest agency']}",
        "",
        "| measure | value | baseline / ratio | target | met |",
        "|---|---|---|---|---|",
        f"| demo-data --learners | {seeded:.1f} s | | < 120 s | {'yes' if seeded < 120 else 'NO'} |",
    ]
    for label in ("national", "largest agency"):
        seconds = r[f"{label} dashboard s"]
        lines.append(f"| {label} dashboard counted now | {seconds * 1000:.0f} ms, {r[f'{label} queries']} queries | "
                     f"{seconds / r['scan s']:.1f}x one GROUP BY pass over enrolments ({r['scan s'] * 1000:.0f} ms)"
                     f" | < 1 s | {'yes' if seconds < 1 else 'NO'} |")
    lines += [
        f"| national target series, counted now | {r['national target s'] * 1000:.0f} ms | | | |",
        f"| snapshot of the country's counts (worker, every 5 min) | {r['snapshot s'] * 1000:.0f} ms | | | |",
    ]
    for label in ("national", "largest agency"):
        seconds = r[f"{label} page s"]
        lines.append(f"| {label} dashboard page, {r[f'{label} page source']} | {seconds * 1000:.0f} ms, "
                     f"{r[f'{label} page queries']} queries | {seconds / r['scan s']:.1f}x the GROUP BY pass | "
                     f"< 1 s | {'yes' if seconds < 1 else 'NO'} |")
    lines += [
        f"| CSV export, {r['rows']:,} rows | {r['csv s']:.1f} s, {csv_rate:,.0f} rows/s | "
        f"{csv_rate / base_rate:.0%} of raw cursor + csv.writer ({base_rate:,.0f} rows/s) | >= 50% | "
        f"{'yes' if csv_rate / base_rate >= 0.5 else 'NO'} |",
        f"| CSV first row | {r['first row s'] * 1000:.0f} ms | | < 1 s | {'yes' if r['first row s'] < 1 else 'NO'} |",
        f"| CSV peak memory | {r['csv peak MB 50k']:.1f} MB at 50k rows | {r['csv peak MB 200k']:.1f} MB at 200k "
        f"rows ({r['csv peak MB 200k'] / r['csv peak MB 50k']:.2f}x) | does not grow | "
        f"{'yes' if r['csv peak MB 200k'] < 1.5 * r['csv peak MB 50k'] else 'NO'} |",
        f"| XLSX export, same rows | {r['xlsx s']:.1f} s | {r['xlsx s'] / r['csv s']:.1f}x the CSV time | <= 15x | "
        f"{'yes' if r['xlsx s'] / r['csv s'] <= 15 else 'NO'} |",
        f"| XLSX peak memory | {r['xlsx peak MB small agency']:.1f} MB small agency | "
        f"{r['xlsx peak MB largest agency']:.1f} MB largest agency | bounded | "
        f"{'yes' if r['xlsx peak MB largest agency'] < 3 * max(r['xlsx peak MB small agency'], 5) else 'NO'} |",
        "",
    ]
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=100_000)
    parser.add_argument("--engines", default="sqlite,postgresql")
    args = parser.parse_args()
    print(f"Machine: {platform.platform()}, Python {platform.python_version()}, {os.cpu_count()} CPUs")
    for engine in args.engines.split(","):
        print(f"[{engine}] building the dataset ({args.learners} learners)...", flush=True)
        url, seeded = prepare(engine, args.learners, name="lms_bench_reports")
        print(f"[{engine}] measuring...", flush=True)
        print("\n".join(report(engine, seeded, measure(url))), flush=True)


if __name__ == "__main__":
    main()
