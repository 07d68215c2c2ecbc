"""The content origin: SCORM package files and the frame that holds them, served by `lms.create_content_app()` on a
host of its own (never the site's), so that a package's JavaScript can never read the site's cookies or pages.

It reads no session and sets no cookie, and it touches no database: the signed launch link says which package
version to show and how; the files are the ones a sync unpacked under SCORM_DIR. The launch page (our code: the
CrossFrameAPI facade of scorm-again) holds `window.API` / `window.API_1484_11` for the package, which it loads in
a frame of its own; the facade forwards each call to the lesson page by postMessage, where the real API runs.
"""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path

from flask import abort, current_app, render_template, send_file
from werkzeug.security import safe_join

from lms import PROJECT_ROOT
from lms.config import origin_of
from lms.scorm import content_bp, launch

#: Suffix -> Content-Type, fixed here (never guessed from the system); anything else is application/octet-stream.
CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8", ".htm": "text/html; charset=utf-8", ".js": "text/javascript",
    ".mjs": "text/javascript", ".css": "text/css", ".json": "application/json", ".xml": "application/xml",
    ".xsd": "application/xml", ".txt": "text/plain; charset=utf-8", ".svg": "image/svg+xml",
    ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif", ".webp": "image/webp",
    ".ico": "image/x-icon", ".mp4": "video/mp4", ".webm": "video/webm", ".ogv": "video/ogg", ".mp3": "audio/mpeg",
    ".m4a": "audio/mp4", ".ogg": "audio/ogg", ".oga": "audio/ogg", ".wav": "audio/wav", ".vtt": "text/vtt",
    ".woff": "font/woff", ".woff2": "font/woff2", ".ttf": "font/ttf", ".otf": "font/otf", ".pdf": "application/pdf",
    ".wasm": "application/wasm",
}
#: The scripts of the launch page: scorm-again's cross-frame facade (vendored) and ours.
RUNTIME_FILES = {
    "cross-frame-api.min.js": PROJECT_ROOT / "static" / "vendor" / "scorm-again" / "cross-frame-api.min.js",
    "scorm-frame.js": PROJECT_ROOT / "static" / "js" / "scorm-frame.js",
}
_PATH = re.compile(r"^[^\\\x00]+$")
#: Unavailable and expired pages are shown in a frame of the lesson page, whose language the content origin does not
#: know: they say it in all three.
GONE_PAGE = """<!doctype html>
<html lang="kk"><head><meta charset="utf-8"><title>410</title></head><body><main>
<p>Сілтеме ескірді: сабақ бетін қайта жүктеңіз.</p>
<p lang="ru">Ссылка устарела: перезагрузите страницу урока.</p>
<p lang="en">This link has expired: reload the lesson page.</p>
</main></body></html>
"""
MISSING_PAGE = """<!doctype html>
<html lang="kk"><head><meta charset="utf-8"><title>404</title></head><body><main>
<p>Бұл белсенділік серверде әлі жоқ.</p>
<p lang="ru">Этого задания пока нет на сервере.</p>
<p lang="en">This activity is not available on the server yet.</p>
</main></body></html>
"""


def _site_origin() -> str:
    return origin_of(current_app.config["BASE_URL"])


#: The frames are sandboxed by their own responses (CSP `sandbox`, so the lesson page's iframe needs no attribute):
#: scripts, forms, dialogs and pop-ups, keeping this origin (the launch page and the package share it), but never
#: navigating the lesson page's tab.
SANDBOX = "sandbox allow-scripts allow-same-origin allow-forms allow-modals allow-popups"


def _policy(*, package: bool) -> str:
    site = _site_origin()
    if not package:  # the launch page: our two scripts, a frame of this origin, framed by the site only
        return ("default-src 'none'; script-src 'self'; style-src 'unsafe-inline'; frame-src 'self'; "
                f"frame-ancestors {site}; base-uri 'none'; form-action 'none'; {SANDBOX}")
    # Author content: its own scripts (inline and eval too: authoring tools use them), nothing from elsewhere, and
    # no requests at all to other origins (the site included); framed by the launch page within the site.
    return ("default-src 'self' data: blob:; script-src 'self' 'unsafe-inline' 'unsafe-eval' data: blob:; "
            "style-src 'self' 'unsafe-inline' data:; img-src 'self' data: blob:; media-src 'self' data: blob:; "
            "font-src 'self' data:; connect-src 'self'; frame-src 'self'; object-src 'none'; base-uri 'self'; "
            f"form-action 'self'; frame-ancestors 'self' {site}; {SANDBOX}")


@content_bp.after_app_request
def _content_headers(response):
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers.setdefault("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'")
    response.headers.pop("Set-Cookie", None)  # this origin never sets a cookie
    response.vary.discard("Cookie")
    return response


def _unavailable(page: str, status: int):
    response = current_app.response_class(page, status=status, mimetype="text/html")
    response.headers["Content-Security-Policy"] = f"default-src 'none'; frame-ancestors {_site_origin()}"
    response.cache_control.no_store = True
    return response


@content_bp.get("/launch/<token>")
def launch_page(token: str):
    """The frame the lesson page opens: the API facade for the package, and the package's launch file in a frame."""
    config = current_app.config
    try:
        found = launch.read_launch(config["SECRET_KEY"], token, max_age=config["SCORM_LAUNCH_MINUTES"] * 60)
    except launch.TokenExpired:
        return _unavailable(GONE_PAGE, 410)
    if found is None:
        abort(404)
    if not (Path(config["SCORM_DIR"]) / found.sha256).is_dir():
        return _unavailable(MISSING_PAGE, 404)
    files = launch.files_token(config["SECRET_KEY"], found.sha256)
    response = current_app.response_class(render_template(
        "scorm/frame.html", launch=found, site_origin=_site_origin(),
        api_name="API_1484_11" if found.version == "2004" else "API",
        src=f"/scorm-content/files/{files}/{found.launch}"), mimetype="text/html")
    response.headers["Content-Security-Policy"] = _policy(package=False)
    response.cache_control.no_store = True
    return response


@content_bp.get("/files/<token>/<path:path>")
def package_file(token: str, path: str):
    """A file of an unpacked package version named by a files token; 404 for anything else."""
    config = current_app.config
    try:
        sha256 = launch.read_files(config["SECRET_KEY"], token, max_age=config["SESSION_HOURS"] * 3600)
    except launch.TokenExpired:
        return _unavailable(GONE_PAGE, 410)
    parts = path.split("/")
    if sha256 is None or not _PATH.match(path) or any(part in ("", ".", "..") for part in parts):
        abort(404)
    full = safe_join(str(Path(config["SCORM_DIR"]) / sha256), *parts)
    if full is None:
        abort(404)
    try:
        info = os.lstat(full)
    except OSError:
        abort(404)
    if not stat.S_ISREG(info.st_mode):
        abort(404)
    suffix = Path(full).suffix.lower()
    response = send_file(full, mimetype=CONTENT_TYPES.get(suffix, "application/octet-stream"), conditional=True,
                         max_age=3600)
    response.cache_control.private = True
    response.headers["Content-Security-Policy"] = _policy(package=True)
    return response


@content_bp.get("/runtime/<name>")
def runtime_file(name: str):
    """The launch page's two scripts."""
    path = RUNTIME_FILES.get(name)
    if path is None:
        abort(404)
    return send_file(path, mimetype="text/javascript", conditional=True, max_age=3600)


@content_bp.get("/healthz")
def healthz():
    """200 while the content origin answers (it needs no database)."""
    return {"status": "ok"}
