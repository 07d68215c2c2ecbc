"""Browser tests: one real server on 127.0.0.1 with a fresh SQLite database, Debian's Chromium through Playwright.

Run with `make e2e` (or `pytest -m e2e tests/e2e`); the default `make test` leaves them out (`-m "not e2e"`).
Playwright never downloads a browser here: it drives /usr/bin/chromium (override with LMS_E2E_CHROMIUM).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.ports import free_port

os.environ.setdefault("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
CHROMIUM = os.environ.get("LMS_E2E_CHROMIUM", "/usr/bin/chromium")
#: Screenshots and the HTML of every checked page; kept out of git.
OUT = HERE / "screenshots"
AXE_JS = (HERE / "vendor" / "axe.min.js").read_text(encoding="utf-8")
LOCALES = ("kk", "ru", "en")
VIEWPORT = {"width": 1280, "height": 900}

#: Demo accounts made by `lms demo-data`.
DEMO = {
    "learner": ("learner@demo.lms.kz", "learner-demo-2026"),
    "hr": ("hr@demo.lms.kz", "hr-demo-2026"),
    "admin": ("admin@demo.lms.kz", "admin-demo-2026"),
    "manager": ("manager@demo.lms.kz", "manager-demo-2026"),  # a learner with a team (lms.demo.team)
}
PASSWORD = "e2e-password-2026"


def _lms() -> str:
    return str(Path(sys.executable).with_name("lms"))


@dataclass
class Server:
    """The running app: its URL, the environment its CLI commands need, and learners made so far."""

    url: str
    env: dict
    made: set = field(default_factory=set)

    def __post_init__(self):
        from lms import create_app

        # The same settings as the server process, for running `lms` commands in this process (no start-up cost).
        self.app = create_app({k.removeprefix("LMS_"): v for k, v in self.env.items() if k.startswith("LMS_")})

    def lms(self, *args: str) -> str:
        """Run an `lms` command against the server's database; return its output."""
        result = self.app.test_cli_runner().invoke(args=list(args), catch_exceptions=False)
        assert result.exit_code == 0, result.output
        return result.output

    def new_learner(self, email: str, name: str, *, agency: str = "MDAI-IT") -> tuple[str, str]:
        """Create a learner in a sub-agency of MDAI (so the demo assignment of ai-foundations covers them)."""
        self.lms("users", "create", "--email", email, "--name", name, "--agency", agency,
                 "--position", "Специалист", "--password", PASSWORD)
        self.made.add(email)
        return email, PASSWORD


# The root conftest cleans the unit-test database after every test; the browser tests have their own server.
@pytest.fixture(autouse=True)
def _clean_database():
    yield


def server_env(tmp: Path, url: str, content_origin: str, **extra: str) -> dict:
    """The environment of a test server at `url` whose SCORM content is served at `content_origin`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("LMS_")}
    env.update({
        "LMS_ENV": "development",
        "LMS_SECRET_KEY": "e2e-secret-key-" + "x" * 32,
        "LMS_DATABASE_URL": f"sqlite:///{tmp / 'lms.sqlite3'}",
        "LMS_BASE_URL": url,
        "LMS_TASK_QUEUE": "immediate",
        "LMS_MAIL_BACKEND": "console",
        "LMS_SIGNING_KEY_PATH": str(tmp / "signing-key.jwk"),
        "LMS_CERTIFICATE_CACHE_DIR": str(tmp / "certificates"),
        "LMS_EXPORT_DIR": str(tmp / "exports"),
        "LMS_SCORM_DIR": str(tmp / "scorm"),
        "LMS_SCORM_CONTENT_ORIGIN": content_origin,
        "LMS_LOGIN_RATE_LIMIT": "1000 per minute",
        "LMS_LOGIN_ACCOUNT_RATE_LIMIT": "1000 per hour",
        "LMS_DEFAULT_LOCALE": "ru",
        "FLASK_DEBUG": "0",
        **extra,
    })
    return env


@contextmanager
def serving(srv: Server, tmp: Path, site_port: int, content_port: int):
    """Run the site (`lms run`) and the SCORM content origin (create_content_app, on the other loopback name) until
    the block ends; their output goes to server.log and content.log in `tmp`."""
    flask = str(Path(sys.executable).with_name("flask"))
    commands = {
        "server": ([_lms(), "run", "--host", "127.0.0.1", "--port", str(site_port), "--no-reload"],
                   srv.url + "/healthz"),
        "content": ([flask, "--app", "lms:create_content_app()", "run", "--host", "127.0.0.1", "--port",
                     str(content_port), "--no-reload"], f"http://127.0.0.1:{content_port}/scorm-content/healthz"),
    }
    started = []
    try:
        for name, (command, health) in commands.items():
            log = (tmp / f"{name}.log").open("w")
            started.append((subprocess.Popen(command, env=srv.env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT),
                            log))
            headers = {"Host": f"localhost:{content_port}"} if name == "content" else {}
            for _ in range(100):
                try:
                    request = urllib.request.Request(health, headers=headers)  # noqa: S310 (local)
                    with urllib.request.urlopen(request, timeout=2) as response:  # noqa: S310 (local)
                        if response.status == 200:
                            break
                except OSError:
                    time.sleep(0.2)
            else:
                raise RuntimeError(f"the {name} did not start: " + (tmp / f"{name}.log").read_text())
        yield srv
    finally:
        for proc, log in started:
            proc.terminate()
            proc.wait(timeout=10)
            log.close()
        from lms.extensions import db

        with srv.app.app_context():
            db.engine.dispose()


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    """Migrate, sync the courses, add the demo data, then serve the app (and the SCORM content origin) on free ports
    until the session ends."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"no Chromium at {CHROMIUM}: apt-get install chromium (the browser tests never download one)")
    tmp = tmp_path_factory.mktemp("e2e")
    port, content_port = free_port(), free_port()
    url = f"http://127.0.0.1:{port}"
    srv = Server(url=url, env=server_env(tmp, url, f"http://localhost:{content_port}"))
    srv.lms("db", "upgrade")
    srv.lms("courses", "sync")
    srv.lms("demo-data")
    with serving(srv, tmp, port, content_port):
        yield srv


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"no Chromium at {CHROMIUM}: apt-get install chromium (the browser tests never download one)")
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, headless=True,
                                      args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"])
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def new_context(browser, server):
    """Open a browser context (fresh cookies unless `storage_state` is given); all are closed after the test."""
    opened = []

    def _new(**kwargs):
        kwargs.setdefault("viewport", VIEWPORT)
        context = browser.new_context(base_url=server.url, accept_downloads=True,
                                      bypass_csp=True, **kwargs)  # lets axe-core be injected inline
        context.set_default_timeout(15_000)
        opened.append(context)
        return context

    yield _new
    for context in opened:
        context.close()


def log_in(page, email: str, password: str) -> None:
    """Sign in through the form (the page may be in any language: fields are found by their ids)."""
    page.goto("/login")
    page.fill("#email", email)
    page.fill("#password", password)
    page.locator("main form button[type=submit], main form input[type=submit]").first.click()
    page.wait_for_url(lambda url: "/login" not in url)


def switch_language(page, locale: str) -> None:
    """Press the language button in the header and wait for the page to come back in that language."""
    page.locator(f".lang-switch button[value={locale}]").click()
    page.wait_for_selector(f"html[lang={locale}]")


@pytest.fixture(scope="session")
def storage_state(new_context, server, tmp_path_factory):
    """Sign in once per role and keep the cookies; tests open contexts from the saved state."""
    states = {}
    folder = tmp_path_factory.mktemp("states")

    def _state(role: str) -> str:
        if role not in states:
            page = new_context().new_page()
            log_in(page, *DEMO[role])
            states[role] = str(folder / f"{role}.json")
            page.context.storage_state(path=states[role])
        return states[role]

    return _state


@pytest.fixture(scope="session")
def as_role(new_context, storage_state):
    """A new page signed in as a demo role."""

    def _page(role: str):
        return new_context(storage_state=storage_state(role)).new_page()

    return _page


@dataclass
class Checker:
    """Runs axe-core on a page, saves its screenshot and HTML, and collects what axe found (and any page wider
    than the window)."""

    problems: list = field(default_factory=list)
    saved: list = field(default_factory=list)

    def check(self, page, name: str, locale: str) -> None:
        page.wait_for_load_state("load")
        assert page.locator("html").get_attribute("lang") == locale, f"{name}: page is not in {locale}"
        # Nothing sticks out sideways at the viewport's width: wide tables scroll inside their own box.
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        if overflow > 0:
            self.problems.append(f"{locale} {name} ({page.url}): the page is {overflow} px wider than the window")
        OUT.mkdir(parents=True, exist_ok=True)
        stem = OUT / f"{name}-{locale}"
        # The HTML as served (before axe is injected), for the Nu HTML Checker.
        stem.with_suffix(".html").write_text(page.content(), encoding="utf-8")
        self.saved.append(stem.with_suffix(".html"))
        page.add_script_tag(content=AXE_JS)
        result = page.evaluate(
            "async () => await axe.run(document, {runOnly: {type: 'tag', values: "
            "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}, resultTypes: ['violations']})")
        for violation in result["violations"]:
            if violation["impact"] in ("serious", "critical"):
                targets = [node["target"] for node in violation["nodes"][:5]]
                self.problems.append(f"{locale} {name} ({page.url}): {violation['id']} [{violation['impact']}] "
                                     f"{violation['help']} {json.dumps(targets, ensure_ascii=False)}")
        page.screenshot(path=str(stem.with_suffix(".png")))


@pytest.fixture
def checker():
    return Checker()


def vnu_jar() -> Path | None:
    """The Nu HTML Checker jar installed by `make e2e` (npm into .ci/cache), or LMS_VNU_JAR."""
    candidates = [os.environ.get("LMS_VNU_JAR", ""),
                  str(ROOT / ".ci" / "cache" / "npm" / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar")]
    return next((Path(c) for c in candidates if c and Path(c).is_file()), None)


def html_errors(files: list[Path]) -> list[str]:
    """Run the Nu HTML Checker on saved pages; return its errors as 'file:line: message'."""
    jar = vnu_jar()
    java = shutil.which("java")
    if jar is None or java is None:
        pytest.fail("the Nu HTML Checker needs java and vnu.jar: run `make e2e`, which installs them")
    result = subprocess.run([java, "-jar", str(jar), "--errors-only", "--format", "json", *map(str, files)],
                            capture_output=True, text=True, timeout=300, check=False)
    messages = json.loads(result.stderr or result.stdout or '{"messages": []}')["messages"]
    return [f"{Path(m.get('url', '')).name}:{m.get('lastLine', '?')}: {m.get('message')} "
            f"[{m.get('extract', '').strip()[:120]}]" for m in messages if m.get("type") == "error"]
