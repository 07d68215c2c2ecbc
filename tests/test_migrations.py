"""Migrations: an empty database upgrades to head and then matches the models exactly."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import MetaData, create_engine, inspect, text
from sqlalchemy.engine import make_url

from lms.extensions import db


@pytest.fixture
def empty_database_url(db_url, tmp_path):
    """A fresh, empty database on the same engine as the test database."""
    url = make_url(db_url)
    if url.get_backend_name() == "sqlite":
        yield f"sqlite:///{tmp_path / 'migrations.sqlite3'}"
        return
    name = f"{url.database}_migrations"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield url.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def test_upgrade_to_head_matches_models(make_app, empty_database_url):
    migrated = make_app(url=empty_database_url)
    with migrated.app_context():
        upgrade()
        with db.engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), db.metadata)
        db.engine.dispose()
    assert diff == []


def test_downgrade_to_base_removes_every_table(make_app, empty_database_url):
    migrated = make_app(url=empty_database_url)
    with migrated.app_context():
        upgrade()
        downgrade(revision="base")
        tables = set(inspect(db.engine).get_table_names()) - {"alembic_version"}
        db.engine.dispose()
    assert tables == set()


def test_lesson_outline_and_question_count_are_filled_for_existing_rows(make_app, empty_database_url):
    migrated = make_app(url=empty_database_url)
    now = datetime(2026, 1, 1, tzinfo=UTC)
    content = {"en": {"title": "Intro", "body": "Long text.", "estimated_minutes": 5, "ai_content": None},
               "ru": {"title": "Введение", "body": "Длинный текст.", "estimated_minutes": 6,
                      "ai_content": {"kind": "assisted", "tool": "X", "reviewer": None}}}
    with migrated.app_context():
        upgrade(revision="3c5e0a7d9b21-1")  # the revision before the one that adds the columns
        tables = MetaData()
        tables.reflect(db.engine, only=["courses", "lessons", "quiz_versions"])
        with db.engine.begin() as conn:
            conn.execute(tables.tables["courses"].insert().values(
                id=1, key="c", folder="c", version="v", default_language="en", title={"en": "C"}, summary={},
                competency_area="data", level="beginner", estimated_minutes=10, languages="en,ru",
                self_enrollment=True, has_certificate=False, media={}, search_text="c", is_retired=False,
                created_at=now, synced_at=now))
            conn.execute(tables.tables["lessons"].insert().values(
                id=1, course_id=1, key="intro", position=1, version="v", content=content, is_retired=False,
                created_at=now, updated_at=now))
            conn.execute(tables.tables["quiz_versions"].insert().values(
                id=1, course_id=1, key="final", version="v", pass_mark=70, settings={},
                questions=[{"id": "q1"}, {"id": "q2"}, {"id": "q3"}], is_current=True, created_at=now))
        upgrade()
        with db.engine.connect() as conn:
            outline = conn.execute(text("SELECT outline FROM lessons WHERE id = 1")).scalar_one()
            count = conn.execute(text("SELECT question_count FROM quiz_versions WHERE id = 1")).scalar_one()
        db.engine.dispose()
    outline = json.loads(outline) if isinstance(outline, str) else outline
    assert outline == {"en": {"title": "Intro", "estimated_minutes": 5, "ai_content": None},
                       "ru": {"title": "Введение", "estimated_minutes": 6,
                              "ai_content": {"kind": "assisted", "tool": "X", "reviewer": None}}}
    assert count == 3


def test_lessons_done_are_recounted_over_live_lessons_for_existing_enrolments(make_app, empty_database_url):
    migrated = make_app(url=empty_database_url)
    now = datetime(2026, 1, 1, tzinfo=UTC)
    with migrated.app_context():
        upgrade(revision="7ab3fc8a83f3-1")  # the revision before the recount
        tables = MetaData()
        tables.reflect(db.engine, only=["users", "courses", "lessons", "enrollments", "lesson_progress"])
        t = tables.tables
        with db.engine.begin() as conn:
            conn.execute(t["users"].insert().values(id=1, email="a@example.kz", full_name="A", position="",
                                                    is_active=True, created_at=now, updated_at=now))
            conn.execute(t["courses"].insert().values(
                id=1, key="c", folder="c", version="v", default_language="en", title={"en": "C"}, summary={},
                competency_area="data", level="beginner", estimated_minutes=10, languages="en",
                self_enrollment=True, has_certificate=False, media={}, search_text="c", is_retired=False,
                created_at=now, synced_at=now))
            for lesson_id, retired in ((1, False), (2, True), (3, False)):
                conn.execute(t["lessons"].insert().values(
                    id=lesson_id, course_id=1, key=f"l{lesson_id}", position=lesson_id, version="v", content={},
                    outline={}, is_retired=retired, created_at=now, updated_at=now))
                conn.execute(t["lesson_progress"].insert().values(
                    id=lesson_id, user_id=1, lesson_id=lesson_id, course_id=1, completed_at=now, lesson_version="v",
                    language="en"))
            conn.execute(t["enrollments"].insert().values(id=1, user_id=1, course_id=1, source="self",
                                                          enrolled_at=now, lessons_completed=3))
        upgrade()
        with db.engine.connect() as conn:
            after_upgrade = conn.execute(text("SELECT lessons_completed FROM enrollments")).scalar_one()
            progress = conn.execute(text("SELECT count(*) FROM lesson_progress")).scalar_one()
        downgrade(revision="7ab3fc8a83f3-1")
        with db.engine.connect() as conn:
            after_downgrade = conn.execute(text("SELECT lessons_completed FROM enrollments")).scalar_one()
        db.engine.dispose()
    assert (after_upgrade, progress) == (2, 3)  # the retired lesson's progress is kept, not counted
    assert after_downgrade == 3


def test_existing_certificates_get_a_status_place_minutes_and_their_ministry(make_app, empty_database_url):
    migrated = make_app(url=empty_database_url)
    now = datetime(2026, 1, 1, tzinfo=UTC)
    names = {"kk": "Бөлім", "ru": "Отдел", "en": "Unit"}
    with migrated.app_context():
        upgrade(revision="9a44ab226bad-1")  # the revision before the one that adds the columns
        tables = MetaData()
        tables.reflect(db.engine, only=["agencies", "users", "courses", "course_completions", "certificates"])
        t = tables.tables
        with db.engine.begin() as conn:
            conn.execute(t["agencies"].insert(), [
                {"id": 1, "code": "MIN", "parent_id": None, "name_kk": "Министрлік", "name_ru": "Министерство",
                 "name_en": "Ministry", "is_active": True, "created_at": now, "updated_at": now},
                {"id": 2, "code": "MIN-C", "parent_id": 1, "name_kk": "Комитет", "name_ru": "Комитет",
                 "name_en": "Committee", "is_active": True, "created_at": now, "updated_at": now},
                {"id": 3, "code": "MIN-C-U", "parent_id": 2, **{f"name_{k}": v for k, v in names.items()},
                 "is_active": True, "created_at": now, "updated_at": now}])
            conn.execute(t["users"].insert(), [
                {"id": user_id, "email": f"u{user_id}@example.kz", "full_name": "U", "position": "",
                 "agency_id": agency_id, "is_active": True, "created_at": now, "updated_at": now}
                for user_id, agency_id in ((1, 3), (2, 1), (3, 3))])
            conn.execute(t["courses"].insert().values(
                id=1, key="c", folder="c", version="v", default_language="en", title={"en": "C"}, summary={},
                competency_area="data", level="beginner", estimated_minutes=80, languages="en",
                self_enrollment=True, has_certificate=True, media={}, search_text="c", is_retired=False,
                created_at=now, synced_at=now))
            conn.execute(t["course_completions"].insert(), [
                {"id": n, "user_id": n, "course_id": 1, "completed_at": now, "course_version": "v", "language": "en"}
                for n in (1, 2, 3)])
            # 1: in the unit under the ministry, hours as the course gives them; 2: at the ministry itself;
            # 3: the unit has been renamed since, and the course's estimate changed since (hours recorded: 0.5).
            conn.execute(t["certificates"].insert(), [
                {"id": n, "serial": f"S{n}", "user_id": n, "course_id": 1, "completion_id": n, "learner_name": "U",
                 "course_titles": {"en": "C"}, "agency_names": agency, "hours": hours, "content_version": "v",
                 "language": "en", "issued_at": now}
                for n, agency, hours in ((1, names, 1.3), (2, {"kk": "Министрлік", "ru": "Министерство",
                                                               "en": "Ministry"}, 1.3), (3, {"en": "Old"}, 0.5))])
        upgrade()
        with db.engine.connect() as conn:
            rows = conn.execute(text("SELECT id, top_agency_names, study_minutes, status_list, status_index "
                                     "FROM certificates ORDER BY id")).all()
        db.engine.dispose()
    tops = [json.loads(row[1]) if isinstance(row[1], str) else row[1] for row in rows]
    assert tops == [{"kk": "Министрлік", "ru": "Министерство", "en": "Ministry"}, {}, {}]
    assert [row[2] for row in rows] == [80, 80, 30]
    assert [row[3] for row in rows] == [1, 1, 1]
    indexes = [row[4] for row in rows]
    assert len(set(indexes)) == 3 and all(0 <= index < 131_072 for index in indexes)


def test_existing_assignments_enrol_their_people_from_the_day_of_the_assignment(make_app, empty_database_url):
    migrated = make_app(url=empty_database_url)
    created, assigned, joined = (datetime(2026, 1, d, tzinfo=UTC) for d in (1, 5, 9))
    with migrated.app_context():
        upgrade(revision="5e1f0b7c2d84-1")  # the revision before the enrolments
        tables = MetaData()
        tables.reflect(db.engine, only=["agencies", "users", "courses", "assignments", "assignment_users",
                                        "enrollments"])
        t = tables.tables
        with db.engine.begin() as conn:
            conn.execute(t["agencies"].insert(), [
                {"id": n, "code": f"A{n}", "parent_id": parent, "name_kk": "A", "name_ru": "A", "name_en": "A",
                 "is_active": True, "created_at": created, "updated_at": created}
                for n, parent in ((1, None), (2, 1), (3, None))])
            # 1: in the agency; 2: in its sub-agency, joined after the assignment; 3: self-enrolled already;
            # 4: in another agency; 5: deactivated; 6: named in a "users" assignment.
            conn.execute(t["users"].insert(), [
                {"id": n, "email": f"u{n}@example.kz", "full_name": "U", "position": position, "agency_id": agency,
                 "is_active": active, "created_at": at, "updated_at": at}
                for n, agency, position, active, at in (
                    (1, 1, "Analyst", True, created), (2, 2, "", True, joined), (3, 1, "", True, created),
                    (4, 3, "", True, created), (5, 1, "", False, created), (6, 3, "", True, created))])
            conn.execute(t["courses"].insert().values(
                id=1, key="c", folder="c", version="v1", default_language="en", title={"en": "C"}, summary={},
                competency_area="data", level="beginner", estimated_minutes=10, languages="en",
                self_enrollment=True, has_certificate=False, media={}, search_text="c", is_retired=False,
                created_at=created, synced_at=created))
            conn.execute(t["assignments"].insert(), [
                {"id": 1, "course_id": 1, "target_kind": "agency", "agency_id": 1, "include_subagencies": True,
                 "due_at": joined, "created_by_id": 1, "created_at": assigned, "cancelled_at": None},
                {"id": 2, "course_id": 1, "target_kind": "users", "agency_id": None, "include_subagencies": False,
                 "due_at": joined, "created_by_id": 1, "created_at": assigned, "cancelled_at": None},
                {"id": 3, "course_id": 1, "target_kind": "agency", "agency_id": 3, "include_subagencies": False,
                 "due_at": joined, "created_by_id": 1, "created_at": assigned, "cancelled_at": assigned}])
            conn.execute(t["assignment_users"].insert().values(assignment_id=2, user_id=6))
            conn.execute(t["enrollments"].insert().values(user_id=3, course_id=1, source="self",
                                                          enrolled_at=joined, lessons_completed=0))
        upgrade()
        with db.engine.connect() as conn:
            rows = conn.execute(text("SELECT user_id, source, enrolled_at FROM enrollments ORDER BY user_id")).all()
            activities = conn.execute(text("SELECT user_id FROM activities WHERE verb = 'enrolled' "
                                           "ORDER BY user_id")).scalars().all()
        db.engine.dispose()

    def day(value):
        return (datetime.fromisoformat(value) if isinstance(value, str) else value).date()

    assert [(row[0], row[1], day(row[2])) for row in rows] == [
        (1, "assignment", assigned.date()), (2, "assignment", joined.date()), (3, "self", joined.date()),
        (6, "assignment", assigned.date())]
    assert activities == [1, 2, 6]
