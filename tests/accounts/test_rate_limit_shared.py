"""With LMS_REDIS_URL set, the sign-in rate limit holds across worker processes."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import uuid

import redis

from tests.conftest import settings_for_tests

REDIS_URL = "redis://127.0.0.1:6379/15"

WORKER = textwrap.dedent("""
    import json, sys
    from lms import create_app
    settings = json.loads(sys.argv[1])
    app = create_app(settings)
    client = app.test_client()
    codes = [client.post("/login", data={"email": "nobody@example.kz", "password": "wrong-password"}).status_code
             for _ in range(int(sys.argv[2]))]
    print(json.dumps(codes))
""")


def _worker(settings: dict, attempts: int) -> list[int]:
    """Run `attempts` sign-in attempts in a separate Python process, as a separate gunicorn worker would."""
    result = subprocess.run([sys.executable, "-c", WORKER, json.dumps(settings), str(attempts)],
                            capture_output=True, text=True, timeout=120, check=True)
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_login_limit_is_shared_between_worker_processes(app, db_url):
    prefix = f"lms-test-{uuid.uuid4().hex}"
    settings = settings_for_tests(db_url, REDIS_URL=REDIS_URL, LOGIN_RATE_LIMIT="3 per minute",
                                  WTF_CSRF_ENABLED=False, RATELIMIT_KEY_PREFIX=prefix)
    try:
        assert _worker(settings, 3) == [200, 200, 200]
        assert _worker(settings, 1) == [429]
    finally:
        connection = redis.Redis.from_url(REDIS_URL)
        for key in connection.scan_iter(f"*{prefix}*"):
            connection.delete(key)
        connection.close()
