"""Our status list, read by verifiers the platform does not use: jose (signatures) and Digital Bazaar's
@digitalbazaar/vc-bitstring-status-list (the entry and the bitstring), in Node (status_list_check.mjs beside this).

`make test` and .ci/run install them into .ci/cache/npm-status from npm; without them these tests fail.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from lms.accounts.models import Role
from tests import factories
from tests.certificates.test_issue import certified  # noqa: F401 - fixture
from tests.learning.conftest import course_key, courses_root, sync  # noqa: F401 - fixtures

ROOT = Path(__file__).resolve().parents[2]
TOOLS = ROOT / ".ci" / "cache" / "npm-status"
SCRIPT = Path(__file__).with_name("status_list_check.mjs")


def _check(credential: str, status_list: str, jwks: dict) -> subprocess.CompletedProcess:
    if not (TOOLS / "node_modules" / "@digitalbazaar" / "vc-bitstring-status-list").is_dir():
        pytest.fail(f"the independent verifier is not installed in {TOOLS}: run `make test` (npm install)")
    # The bare imports of a module given with --eval resolve from the working directory: the tools' folder.
    return subprocess.run(["node", "--input-type=module", "--eval", SCRIPT.read_text(encoding="utf-8")],
                          input=json.dumps({"credential": credential, "statusList": status_list, "jwks": jwks}),
                          cwd=TOOLS, capture_output=True, text=True, timeout=60, check=False)


def _run(credential: str, status_list: str, jwks: dict) -> dict:
    done = _check(credential, status_list, jwks)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def _credential(login_as, serial: str) -> str:
    envelope = login_as("aliya@example.kz").get(f"/certificates/{serial}/credential.json").json
    return envelope["id"].removeprefix("data:application/vc+jwt,")


def test_an_independent_verifier_reads_the_status_before_and_after_revocation(app, client, login_as, runner,
                                                                               certified):  # noqa: F811
    credential = _credential(login_as, certified)
    jwks = client.get("/issuer/jwks.json").json

    before = _run(credential, client.get("/credentials/status-lists/1").get_data(as_text=True), jwks)
    assert before == {"status": False, "length": 131_072}

    with app.app_context():
        factories.user("admin@example.kz", roles={Role.ADMIN})
    result = runner.invoke(args=["certificates", "revoke", certified, "--reason", "fraud", "--by", "admin@example.kz"])
    assert result.exit_code == 0, result.output
    after = _run(credential, client.get("/credentials/status-lists/1").get_data(as_text=True), jwks)
    assert after == {"status": True, "length": 131_072}


def test_the_independent_verifier_refuses_an_edited_list(client, login_as, certified):  # noqa: F811
    header, payload, signature = client.get("/credentials/status-lists/1").get_data(as_text=True).split(".")
    edited = f"{header}.{payload[:-4]}AAAA.{signature}"
    done = _check(_credential(login_as, certified), edited, client.get("/issuer/jwks.json").json)
    assert done.returncode != 0
    assert "ERR_JWS_SIGNATURE_VERIFICATION_FAILED" in done.stderr
