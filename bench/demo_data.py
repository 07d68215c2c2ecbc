"""Benchmark `lms demo-data --learners N` (the national demo dataset) on a fresh, migrated database.

    .venv/bin/python bench/demo_data.py [--learners 100000] [--courses 10] [--agencies 200] [--database-url URL]

Migrates a fresh database (a SQLite file in a temporary folder by default), syncs the courses under courses/ that
load without errors, adds copies of them (keys "<key>-copy-N") until --courses live courses exist, then runs
`lms demo-data --learners N` in a subprocess and prints its output, the wall time and the row counts.

A PostgreSQL URL names a scratch database that is DROPPED and re-created first; its name must contain "bench"
(e.g. postgresql+psycopg://postgres@127.0.0.1:5432/lms_bench).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, func, select, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

TABLES = ["agencies", "users", "assignments", "enrollments", "lesson_progress", "quiz_attempts",
          "course_completions", "certificates"]


def fresh_database(url: str | None, folder: Path) -> str:
    """The URL of an empty database: a new SQLite file in `folder`, or the given PostgreSQL database re-created."""
    if not url:
        return f"sqlite:///{folder / 'demo.sqlite3'}"
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if not parsed.database or Path(parsed.database).exists():
            sys.exit("give a new SQLite file")
        return url
    name = parsed.database or ""
    if "bench" not in name:
        sys.exit(f"refusing to drop database {name!r}: its name must contain 'bench'")
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return url


def prepare(url: str, courses: int) -> int:
    """Migrate, sync the valid courses and copy them until `courses` are live; return how many are live."""
    from flask_migrate import upgrade

    from lms import PROJECT_ROOT, create_app
    from lms.courses.loader import load_courses
    from lms.courses.models import Course, Lesson, QuizVersion
    from lms.courses.services import sync_courses
    from lms.db import utcnow
    from lms.extensions import db

    app = create_app({"ENV": "development", "DATABASE_URL": url, "DEFAULT_LOCALE": "en"})
    with app.app_context():
        upgrade()
        root = PROJECT_ROOT / "courses"
        result = load_courses(root)
        sync_courses(result.courses, root=root, now=utcnow(), retire_missing=False,
                     package_dir=Path(app.config["SCORM_DIR"]))
        db.session.commit()
        originals = list(db.session.scalars(select(Course).order_by(Course.key)))
        for n in range(max(0, courses - len(originals))):
            source = originals[n % len(originals)]
            copy = Course(**{c.name: getattr(source, c.name) for c in Course.__table__.c if c.name != "id"})
            copy.key = f"{source.key}-copy-{n + 1}"
            copy.title = {lang: f"{title} ({n + 1})" for lang, title in source.title.items()}
            db.session.add(copy)
            db.session.flush()
            for model in (Lesson, QuizVersion):
                for row in db.session.scalars(select(model).where(model.course_id == source.id)):
                    values = {c.name: getattr(row, c.name) for c in model.__table__.c if c.name != "id"}
                    db.session.add(model(**(values | {"course_id": copy.id})))
        db.session.commit()
        live = db.session.scalar(select(func.count()).select_from(Course).where(Course.is_retired.is_(False)))
        db.engine.dispose()
    return live


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--learners", type=int, default=100_000)
    parser.add_argument("--courses", type=int, default=10, help="live courses (copies of the real ones are added)")
    parser.add_argument("--agencies", type=int, default=200)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--database-url", help="default: a SQLite file in a temporary folder")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="lms-bench-") as tmp:
        url = fresh_database(args.database_url, Path(tmp))
        print(f"database: {make_url(url).render_as_string(hide_password=True)}")
        print(f"live courses: {prepare(url, args.courses)}")
        env = {k: v for k, v in os.environ.items() if not k.startswith(("LMS_", "FLASK_"))}
        env["LMS_DATABASE_URL"] = url
        began = time.perf_counter()
        result = subprocess.run([str(Path(sys.executable).with_name("lms")), "demo-data", "--learners",
                                 str(args.learners), "--agencies", str(args.agencies), "--seed", str(args.seed)],
                                env=env, capture_output=True, text=True, check=False)
        wall = time.perf_counter() - began
        print("\n".join(line for line in result.stdout.splitlines() if "password:" not in line))
        if result.returncode:
            print(result.stderr, file=sys.stderr)
            return result.returncode
        print(f"wall time of `lms demo-data --learners {args.learners}`: {wall:.1f} s")
        engine = create_engine(url)
        with engine.connect() as connection:
            for table in TABLES:
                count = connection.execute(text(f"SELECT count(*) FROM {table}")).scalar()  # noqa: S608
                print(f"  {table:<20} {count:>10}")
        engine.dispose()
        if make_url(url).get_backend_name() == "sqlite":
            print(f"database file: {Path(make_url(url).database).stat().st_size / 1e6:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
