"""A real OpenID Connect provider for the tests (npm's oidc-provider, tests/oidc/provider.mjs, run with Node on a free
127.0.0.1 port) and a small "browser" that follows redirects between it and the Flask test client."""

from __future__ import annotations

import json
import queue
import re
import subprocess
import threading
from dataclasses import dataclass, field
from html import unescape
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import requests
from joserfc.jwk import RSAKey

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "tests" / "oidc" / "provider.mjs"
MODULE = ROOT / ".ci" / "cache" / "npm-oidc" / "node_modules" / "oidc-provider" / "lib" / "index.js"
#: The test app's public address (DEV_BASE_URL): redirect URIs registered at the provider are built on it.
APP_BASE = "http://127.0.0.1:5000"

SECRETS = {"lms": "lms-client-secret-" + "x" * 32, "other": "other-client-secret-" + "y" * 32,
           "short": "short-client-secret-" + "z" * 32, "hs": "hs-client-secret-" + "w" * 32}
ACCOUNTS = {
    "aigerim": {"email": "aigerim@example.kz", "email_verified": True, "name": "Aigerim Bekova",
                "employee_id": "900101300123", "agency": "MDAI", "position": "Analyst"},
    "unverified": {"email": "taken@example.kz", "email_verified": False, "name": "Someone Else"},
    "newcomer": {"email": "newcomer@example.kz", "email_verified": True, "name": "Nurlan Newcomer",
                 "agency": "MDAI", "position": "Intern"},
    "byid": {"email": "elsewhere@mail.kz", "email_verified": True, "name": "Bolat By-Id",
             "employee_id": "770707300777"},
}


@dataclass
class Provider:
    issuer: str
    process: subprocess.Popen
    log: list[str] = field(default_factory=list)
    reader: threading.Thread | None = None

    def stop(self) -> None:
        """End the provider's process and close its output."""
        self.process.terminate()
        self.process.wait(timeout=10)
        if self.reader is not None:
            self.reader.join(timeout=5)
        self.process.stdout.close()


def _client(client_id: str, key: str, **extra) -> dict:
    return {"client_id": client_id, "client_secret": SECRETS[client_id],
            "redirect_uris": [f"{APP_BASE}/login/oidc/{key}/callback"],
            "post_logout_redirect_uris": [f"{APP_BASE}/login"], **extra}


def start_provider(folder: Path) -> Provider:
    """Start the provider with a fresh RS256 key; raise (failing the test) when Node or the package is missing."""
    if not MODULE.is_file():
        raise RuntimeError(f"{MODULE} is missing: run `make {MODULE.relative_to(ROOT).parents[2]}/node_modules/"
                           "oidc-provider/package.json` (make test does)")
    key = RSAKey.generate_key(2048, parameters={"kid": "test-rs256", "use": "sig", "alg": "RS256"}, private=True)
    config = {
        "port": 0,
        "jwks": {"keys": [key.as_dict(private=True)]},
        "clients": [_client("lms", "idp"), _client("other", "other"), _client("short", "short"),
                    _client("hs", "hs", id_token_signed_response_alg="HS256")],
        "accounts": ACCOUNTS,
        "short_id_token_clients": ["short"],
    }
    path = folder / "provider.json"
    path.write_text(json.dumps(config), encoding="utf-8")
    process = subprocess.Popen(["node", str(SCRIPT), str(path), str(MODULE)], stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)
    lines: queue.Queue[str] = queue.Queue()
    provider_log: list[str] = []

    def pump() -> None:
        for line in process.stdout:
            provider_log.append(line)
            lines.put(line)

    reader = threading.Thread(target=pump, daemon=True)
    reader.start()
    while True:
        try:
            line = lines.get(timeout=20)
        except queue.Empty:
            process.kill()
            raise RuntimeError("oidc-provider did not start: " + "".join(provider_log)) from None
        if line.startswith("{"):
            return Provider(issuer=json.loads(line)["issuer"], process=process, log=provider_log, reader=reader)


def provider_settings(issuer: str, *, key: str = "idp", client_id: str = "lms", **extra) -> dict:
    """An [oidc.<key>] table for the app, pointing at the test provider."""
    return {key: {"name": "Test IdP", "issuer": issuer, "client_id": client_id, "client_secret": SECRETS[client_id],
                  "scopes": "openid email profile lms",
                  "claims": {"person_id": "employee_id", "agency_code": "agency", "position": "position"},
                  **extra}}


_FORM = re.compile(r'<form[^>]*action="([^"]+)"[^>]*>(.*?)</form>', re.S)
_INPUT = re.compile(r"<input\b([^>]*)>", re.S)
_ATTRIBUTE = re.compile(r'([a-z-]+)="([^"]*)"')


class Browser:
    """Follows redirects like a browser: requests to the app go to the Flask test client, the others over HTTP."""

    def __init__(self, client):
        self.client = client
        self.http = requests.Session()
        self.url = APP_BASE + "/"
        self.visited: list[str] = []

    def _on_app(self, url: str) -> bool:
        return urlsplit(url).netloc == urlsplit(APP_BASE).netloc

    def request(self, method: str, url: str, data: dict | None = None) -> tuple[int, str]:
        """Send one request and follow every redirect; return (status, body) of the last answer."""
        url = urljoin(self.url, url)
        for _ in range(20):
            self.url = url
            self.visited.append(url)
            if self._on_app(url):
                parts = urlsplit(url)
                path = parts.path + ("?" + parts.query if parts.query else "")
                response = self.client.open(path, method=method, data=data)
                status, location, body = (response.status_code, response.headers.get("Location"),
                                          response.get_data(as_text=True))
            else:
                response = self.http.request(method, url, data=data, allow_redirects=False, timeout=10)
                status, location, body = response.status_code, response.headers.get("Location"), response.text
            if status not in (301, 302, 303, 307) or not location:
                return status, body
            url, method, data = urljoin(url, location), "GET", None
        raise AssertionError("too many redirects: " + " -> ".join(self.visited[-20:]))

    def submit(self, body: str, **fields) -> tuple[int, str]:
        """Submit the first form of `body` (a provider page) with its hidden inputs and `fields`."""
        match = _FORM.search(body)
        assert match, body[:2000]
        data = {}
        for attributes in _INPUT.findall(match.group(2)):
            attrs = dict(_ATTRIBUTE.findall(attributes))
            if "name" in attrs:
                data[attrs["name"]] = unescape(attrs.get("value", ""))
        data.update(fields)
        return self.request("POST", unescape(match.group(1)), data)

    def sign_in_at_provider(self, start_path: str, csrf: str, login: str) -> tuple[int, str]:
        """Press "Sign in with ..." on the app, sign in and consent at the provider, and come back."""
        status, body = self.request("POST", start_path, {"csrf_token": csrf})
        assert status == 200 and 'name="login"' in body, (status, body[:2000])
        status, body = self.submit(body, login=login, password="any-password")
        if "/interaction/" in self.url and "consent" in body.lower():
            status, body = self.submit(body)
        return status, body
