"""Quality and speed of the extractive AI tutor: recall@3 per language over an evaluation set, and answer time.

    .venv/bin/python bench/ai_eval.py [--courses 50] [--set bench/ai_eval.yml]

recall@3: for each question of bench/ai_eval.yml (written by hand, at least 30 per language, each naming the
lesson that answers it), the retrieval over its course's lessons in the question's language returns three
passages; the question counts when one of them is from that lesson. Quiz texts are excluded from the passages
as in the app.

Timing: the starter courses are copied under new ids until there are --courses of them, synced into a fresh
SQLite database, and every question is asked through lms.ai.services.ask_tutor (the same call the "Ask about
this course" page makes: the checks, the retrieval, the extractive provider and the log entry) in each course;
the first answer per course and language (which builds that course's index) and the later ones are timed apart.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import yaml  # noqa: E402

from lms.ai import retrieval  # noqa: E402
from lms.courses.loader import load_courses  # noqa: E402
from lms.courses.services import quiz_snapshot  # noqa: E402

LANGUAGES = ("kk", "ru", "en")


def recall_at_3(cases: list[dict], courses) -> dict[str, tuple[int, int, list[str]]]:
    """{language: (hits, questions, misses)} of the file-based retrieval."""
    by_key = {c.id: c for c in courses}
    results = {}
    for lang in LANGUAGES:
        hits, misses = 0, []
        for case in cases:
            course = by_key[case["course"]]
            passages = []
            for lesson in course.lessons:
                variant = lesson.variants.get(lang) or lesson.variants[course.default_language]
                passages += retrieval.split_passages(course.id, retrieval.LessonText(
                    lesson.id, variant.title, variant.language, variant.body))
            excluded = retrieval.pool_texts(quiz_snapshot(course.quiz)[1]) if course.quiz else ()
            found, _coverage = retrieval.CourseIndex(passages, excluded=excluded).search(case[lang], k=3)
            if any(p.lesson_key == case["lesson"] for p in found):
                hits += 1
            else:
                misses.append(f"{case['course']}/{case['lesson']}: {case[lang]}")
        results[lang] = (hits, len(cases), misses)
    return results


def timing(cases: list[dict], count: int) -> dict[str, list[float]]:
    """Seconds per ask_tutor call, cold (first per course and language) and warm, at `count` courses."""
    from lms import create_app
    from lms.accounts.models import Role
    from lms.ai import services
    from lms.ai.models import AINoticeAcceptance
    from lms.courses.models import Course
    from lms.courses.services import sync_courses
    from lms.db import utcnow
    from lms.extensions import db

    work = Path(tempfile.mkdtemp(prefix="ai-bench-"))
    root = work / "courses"
    root.mkdir()
    starters = sorted(p for p in (ROOT / "courses").iterdir() if (p / "course.yml").is_file())
    for n in range(count):
        source = starters[n % len(starters)]
        target = root / (source.name if n < len(starters) else f"{source.name}-{n}")
        shutil.copytree(source, target)
        if n >= len(starters):
            manifest = target / "course.yml"
            text = manifest.read_text(encoding="utf-8")
            manifest.write_text(text.replace(f"id: {source.name}\n", f"id: {source.name}-{n}\n", 1),
                                encoding="utf-8")
    app = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{work / 'bench.sqlite3'}",
                      "COURSES_DIR": str(root), "TASK_QUEUE": "immediate", "AI_RATE_LIMIT_PER_HOUR": 0,
                      "PASSWORD_HASH_COST": "cheap", "SECRET_KEY": "bench-" * 8})
    times = {"cold": [], "warm": []}
    with app.app_context():
        db.create_all()
        loaded = load_courses(root)
        assert not loaded.errors, loaded.errors[:3]
        sync_courses(loaded.courses, root=root, now=utcnow(), package_dir=Path(app.config["SCORM_DIR"]))
        from lms.accounts.models import User
        user = User(email="bench@gov.kz", full_name="Bench Learner")
        user.set_roles({Role.LEARNER})
        db.session.add(user)
        db.session.flush()
        db.session.add(AINoticeAcceptance(user_id=user.id, version=services.NOTICE_VERSION,
                                          providers=",".join(services.active_providers(app.config))))
        db.session.commit()
        courses = list(db.session.scalars(db.select(Course)))
        assert len(courses) == count, len(courses)
        for course in courses:
            base = next(s.name for s in starters if course.key.startswith(s.name))
            own = [c for c in cases if c["course"] == base]
            for lang in LANGUAGES:
                for i, case in enumerate(own):
                    started = time.perf_counter()
                    services.ask_tutor(user, course, case[lang], locale=lang, settings=app.config, now=utcnow())
                    times["cold" if i == 0 else "warm"].append(time.perf_counter() - started)
            db.session.commit()
    shutil.rmtree(work, ignore_errors=True)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", default=str(ROOT / "bench" / "ai_eval.yml"))
    parser.add_argument("--courses", type=int, default=50)
    parser.add_argument("--verbose", action="store_true", help="list the questions missed")
    args = parser.parse_args()
    cases = yaml.safe_load(Path(args.set).read_text(encoding="utf-8"))
    loaded = load_courses(ROOT / "courses")
    print(f"evaluation set: {len(cases)} questions per language, {len(loaded.courses)} starter courses")
    for lang, (hits, total, misses) in recall_at_3(cases, loaded.courses).items():
        print(f"recall@3 {lang}: {hits}/{total} = {hits / total:.2f}")
        if args.verbose:
            for miss in misses:
                print("   missed", miss)
    if args.courses:
        times = timing(cases, args.courses)
        for kind, values in times.items():
            values_ms = sorted(v * 1000 for v in values)
            p95 = values_ms[int(len(values_ms) * 0.95) - 1]
            print(f"ask_tutor at {args.courses} courses, {kind} ({len(values_ms)} answers): median "
                  f"{statistics.median(values_ms):.1f} ms, p95 {p95:.1f} ms, max {values_ms[-1]:.1f} ms")


if __name__ == "__main__":
    main()
