"""Password hashing parameters: strong in every real deployment, cheap only for test suites."""

from __future__ import annotations

import subprocess
import sys

from argon2 import PasswordHasher

from lms.accounts import passwords


def test_deployments_hash_with_at_least_owasps_minimum_argon2id_parameters():
    assert passwords.STRONG["time_cost"] >= 2 and passwords.STRONG["memory_cost"] >= 19 * 1024


def test_a_strong_hash_verifies_under_the_cheap_test_setting():
    strong = PasswordHasher(**passwords.STRONG).hash("correct-horse-battery-42")
    assert passwords.verify_password(strong, "correct-horse-battery-42")
    assert not passwords.verify_password(strong, "wrong")


def test_the_test_suite_runs_with_the_cheap_setting(ctx):
    assert passwords.needs_rehash(PasswordHasher(**passwords.STRONG).hash("x" * 12))


def test_each_app_hashes_with_its_own_setting(make_app):
    strong_app = make_app(PASSWORD_HASH_COST="strong")
    with strong_app.app_context():
        strong_hash = passwords.hash_password("correct-horse-battery-42")
        assert not passwords.needs_rehash(strong_hash)
    assert PasswordHasher(**passwords.STRONG).check_needs_rehash(strong_hash) is False
    assert passwords.needs_rehash(strong_hash) is False  # outside an app: the strong default


def test_the_hasher_is_built_at_first_use_not_at_import_or_app_creation(make_app):
    fresh = make_app(PASSWORD_HASH_COST="cheap")
    hashing = fresh.extensions["lms.passwords"]
    assert "hasher" not in vars(hashing) and "dummy_hash" not in vars(hashing)
    with fresh.app_context():
        assert not passwords.verify_password(None, "anything")
    assert "hasher" in vars(hashing) and "dummy_hash" in vars(hashing)


def test_importing_the_module_hashes_nothing():
    code = ("import argon2, time; calls = []; real = argon2.PasswordHasher.hash\n"
            "argon2.PasswordHasher.hash = lambda self, *a, **k: calls.append(1) or real(self, *a, **k)\n"
            "import lms.accounts.passwords, lms.accounts.services; print(len(calls))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60)
    assert result.stdout.strip() == "0"
