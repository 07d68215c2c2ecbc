"""`lms demo-data` without --learners: the demo agencies and one account per role (lms.demo.accounts, lms.demo.cli)."""

from __future__ import annotations

from sqlalchemy import func, select

from lms.accounts.models import Role, User
from lms.accounts.passwords import verify_password
from lms.demo import DEMO_ACCOUNTS
from lms.extensions import db
from tests import factories


def test_demo_data_creates_one_account_per_role_and_prints_logins(app, runner):
    result = runner.invoke(args=["demo-data"])
    assert result.exit_code == 0, result.output
    for email, *_rest, password in DEMO_ACCOUNTS:
        assert email in result.output and password in result.output
    with app.app_context():
        roles = set().union(*(user.roles for user in db.session.scalars(select(User))))
        assert roles == set(Role)
        admin = db.session.scalar(select(User).where(User.email == "admin@demo.lms.kz"))
        assert verify_password(admin.password_hash, "admin-demo-2026")


def test_demo_data_leaves_a_database_with_users_alone(app, runner):
    with app.app_context():
        factories.user("someone@example.kz")
    result = runner.invoke(args=["demo-data"])
    assert result.exit_code == 0
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User)) == 1
