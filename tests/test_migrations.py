"""Migrations: an empty database upgrades to head and then matches the models exactly."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect, text
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
