"""The `lms` command: bound to the app without FLASK_APP; creating users; the outbox (demo data: tests/demo)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

from lms.accounts.models import Role, User
from lms.extensions import db
from lms.mail.models import OutboxMessage
from tests import factories

LMS = Path(sys.executable).with_name("lms")


def _run_lms(*args: str, **env: str) -> subprocess.CompletedProcess:
    environ = {k: v for k, v in os.environ.items()
               if not k.startswith(("LMS_", "FLASK_")) or k == "LMS_INSTANCE_PATH"}  # the tests' own instance folder
    return subprocess.run([str(LMS), *args], capture_output=True, text=True, timeout=120, env={**environ, **env},
                          check=False)


@pytest.fixture(scope="module")
def lms_help() -> str:
    """`lms --help` once for the module: each run starts a Python process."""
    return _run_lms("--help").stdout


def test_lms_command_finds_the_app_without_flask_app(tmp_path, lms_help):
    result = _run_lms("routes", LMS_DATABASE_URL=f"sqlite:///{tmp_path / 'x.sqlite3'}")
    assert result.returncode == 0, result.stderr
    assert "accounts.login" in result.stdout
    for group in ("users", "agencies", "db", "demo-data", "outbox"):
        assert group in lms_help


def test_production_misconfiguration_is_reported_without_a_traceback(tmp_path):
    result = _run_lms("routes", LMS_ENV="production", LMS_DATABASE_URL=f"sqlite:///{tmp_path / 'x.sqlite3'}")
    assert result.returncode == 2
    assert "LMS_SECRET_KEY" in result.stderr
    assert "Traceback" not in result.stderr


def test_users_create_makes_an_account_that_can_sign_in(app, runner, client):
    with app.app_context():
        factories.agency("MDAI")
    result = runner.invoke(args=["users", "create", "--email", "New@Gov.kz", "--name", "Әлия Қасымова",
                                 "--agency", "MDAI", "--role", "hr", "--role", "learner",
                                 "--password", "long-enough-password"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "new@gov.kz"))
        assert user.roles == {Role.HR, Role.LEARNER}
        assert user.agency.code == "MDAI"


def test_users_create_refuses_a_duplicate_email(app, runner):
    with app.app_context():
        factories.user("taken@example.kz")
    result = runner.invoke(args=["users", "create", "--email", "TAKEN@example.kz", "--name", "X",
                                 "--password", "long-enough-password"])
    assert result.exit_code != 0
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User)) == 1


def test_users_create_refuses_a_short_password(app, runner):
    result = runner.invoke(args=["users", "create", "--email", "a@example.kz", "--name", "X", "--password", "short"])
    assert result.exit_code != 0
    assert "at least" in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User)) == 0


def test_outbox_send_delivers_pending_messages(app, runner):
    with app.app_context():
        db.session.add(OutboxMessage(recipient="a@example.kz", subject="Hi", body="Body"))
        db.session.commit()
    result = runner.invoke(args=["outbox", "send"])
    assert result.exit_code == 0, result.output
    assert "1 sent" in result.output
    with app.app_context():
        assert db.session.scalar(select(OutboxMessage.status)) == "sent"


def test_outbox_records_a_failed_smtp_delivery(app, runner):
    with app.app_context():
        db.session.add(OutboxMessage(recipient="a@example.kz", subject="Hi", body="Body"))
        db.session.commit()
    app.config.update(MAIL_BACKEND="smtp", MAIL_SERVER="127.0.0.1", MAIL_PORT=1)
    try:
        result = runner.invoke(args=["outbox", "send"])
    finally:
        app.config.update(MAIL_BACKEND="console")
    assert result.exit_code == 1
    with app.app_context():
        message = db.session.scalar(select(OutboxMessage))
        assert message.status == "failed"
        assert message.attempts == 1
        assert message.last_error
