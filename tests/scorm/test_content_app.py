"""The content origin (lms.create_content_app): package files behind signed, short-lived links, with a content
security policy, no cookies read or set, only its own host name, and nothing outside the unpacked package."""

from __future__ import annotations

import time
from urllib.parse import urlsplit

import pytest
from itsdangerous import TimestampSigner, URLSafeTimedSerializer

from lms import create_content_app
from tests.conftest import settings_for_tests
from tests.scorm.conftest import runtime_config

CONTENT = "http://localhost:5001"
SITE = "http://127.0.0.1:5000"


class ContentClient:
    """A test client of the content app whose responses are read and closed at once (files are streamed)."""

    def __init__(self, flask_app):
        self.client = flask_app.test_client()

    def get(self, path: str, **kwargs):
        kwargs.setdefault("base_url", CONTENT)
        response = self.client.get(path, **kwargs)
        response.get_data()
        response.close()
        return response

    def set_cookie(self, *args, **kwargs):
        self.client.set_cookie(*args, **kwargs)


@pytest.fixture
def content(app, db_url):
    """A client of the content app, with the site app's secret and package folder."""
    return ContentClient(create_content_app(settings_for_tests(db_url, SCORM_DIR=app.config["SCORM_DIR"])))


@pytest.fixture
def launch_path(enrolled):
    return urlsplit(runtime_config(enrolled, "/courses/scorm-course/lessons/sco-12")["frameSrc"]).path


def _files_path(content, launch_path: str) -> str:
    html = content.get(launch_path, base_url=CONTENT).get_data(as_text=True)
    start = html.index('data-src="') + len('data-src="')
    return html[start:html.index('"', start)]


def test_the_launch_page_holds_the_api_facade_and_frames_the_package(content, launch_path):
    response = content.get(launch_path, base_url=CONTENT)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert '<script src="/scorm-content/runtime/cross-frame-api.min.js">' in html
    assert 'data-api="API"' in html and f'data-site-origin="{SITE}"' in html
    assert 'data-src="/scorm-content/files/' in html and html.count("index.html") == 1
    policy = response.headers["Content-Security-Policy"]
    assert f"frame-ancestors {SITE};" in policy and "script-src 'self';" in policy
    assert "sandbox allow-scripts allow-same-origin" in policy and "allow-top-navigation" not in policy
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "Set-Cookie" not in response.headers


def test_package_files_are_served_with_their_type_and_a_policy_that_keeps_them_off_the_site(content, launch_path):
    files = _files_path(content, launch_path)
    page = content.get(files, base_url=CONTENT)
    assert page.status_code == 200 and page.mimetype == "text/html"
    assert b"Test SCO 1.2" in page.data
    policy = page.headers["Content-Security-Policy"]
    assert "connect-src 'self';" in policy  # no requests to the site (or anywhere else)
    assert f"frame-ancestors 'self' {SITE}" in policy
    assert "sandbox allow-scripts allow-same-origin" in policy and "allow-top-navigation" not in policy
    script = content.get(files.replace("index.html", "sco.js"), base_url=CONTENT)
    assert script.status_code == 200 and script.mimetype == "text/javascript"
    assert content.get(files.replace("index.html", "imsmanifest.xml"), base_url=CONTENT).mimetype == "application/xml"


def test_the_sites_cookies_are_never_read_and_no_cookie_is_set(app, content, launch_path, enrolled):
    site_cookie = enrolled.get_cookie("lms_session")
    assert site_cookie is not None
    content.set_cookie("lms_session", site_cookie.value, domain="localhost")
    content.set_cookie("session", "x", domain="localhost")
    for path in (launch_path, _files_path(content, launch_path), "/scorm-content/runtime/scorm-frame.js"):
        response = content.get(path, base_url=CONTENT)
        assert response.status_code == 200, path
        assert "Set-Cookie" not in response.headers
        assert "Cookie" not in response.vary


@pytest.mark.parametrize("suffix", ["../../../etc/passwd", "..%2F..%2Fetc%2Fpasswd", "nothing-here.html",
                                    "%2Fetc%2Fpasswd", "a/../index.html"])
def test_nothing_outside_the_package_is_served(content, launch_path, suffix):
    files = _files_path(content, launch_path).removesuffix("index.html")
    assert content.get(files + suffix, follow_redirects=True).status_code == 404


def test_a_forged_launch_or_files_token_is_not_found(content, launch_path):
    assert content.get(launch_path[:-3] + "abc", base_url=CONTENT).status_code == 404
    files = _files_path(content, launch_path)
    forged = files.replace("/files/", "/files/x")
    assert content.get(forged, base_url=CONTENT).status_code == 404


def test_an_expired_launch_link_says_so(app, content, launch_path):
    token = launch_path.rsplit("/", 1)[1]

    class LongAgo(TimestampSigner):
        def get_timestamp(self):
            return int(time.time()) - (app.config["SCORM_LAUNCH_MINUTES"] + 1) * 60

    old = URLSafeTimedSerializer(app.config["SECRET_KEY"], salt="scorm-launch", signer=LongAgo)
    expired = old.dumps(old.loads(token))
    response = content.get(f"/scorm-content/launch/{expired}", base_url=CONTENT)
    assert response.status_code == 410
    assert "reload the lesson page" in response.get_data(as_text=True)
    assert f"frame-ancestors {SITE}" in response.headers["Content-Security-Policy"]


def test_the_content_app_answers_only_its_own_host(content, launch_path):
    assert content.get(launch_path, base_url=SITE).status_code == 400
    assert content.get("/scorm-content/healthz", base_url=CONTENT).json == {"status": "ok"}


def test_the_site_serves_no_package_content(enrolled, launch_path):
    assert enrolled.get(launch_path).status_code == 404


def test_a_package_not_unpacked_on_this_machine_says_so(app, db_url, tmp_path, launch_path):
    elsewhere = ContentClient(create_content_app(settings_for_tests(db_url, SCORM_DIR=str(tmp_path / "empty"))))
    response = elsewhere.get(launch_path, base_url=CONTENT)
    assert response.status_code == 404
    assert "not available on the server yet" in response.get_data(as_text=True)
