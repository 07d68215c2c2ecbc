"""Password hashing parameters: strong in every real deployment, cheap only for test suites."""

from __future__ import annotations

from argon2 import PasswordHasher

from lms.accounts import passwords


def test_deployments_hash_with_at_least_owasps_minimum_argon2id_parameters():
    assert passwords.STRONG["time_cost"] >= 2 and passwords.STRONG["memory_cost"] >= 19 * 1024


def test_a_strong_hash_verifies_under_the_cheap_test_setting():
    strong = PasswordHasher(**passwords.STRONG).hash("correct-horse-battery-42")
    assert passwords.verify_password(strong, "correct-horse-battery-42")
    assert not passwords.verify_password(strong, "wrong")


def test_the_test_suite_runs_with_the_cheap_setting(app):
    assert passwords.needs_rehash(PasswordHasher(**passwords.STRONG).hash("x" * 12))
