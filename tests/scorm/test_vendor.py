"""The committed scorm-again files (static/vendor/scorm-again) are the pinned version's, as the npm registry gives it
(`make test` installs that version into .ci/cache; `make vendor-scorm-again` copies its files here)."""

from __future__ import annotations

import json

import pytest

from lms import PROJECT_ROOT

VENDOR = PROJECT_ROOT / "static" / "vendor" / "scorm-again"
INSTALLED = PROJECT_ROOT / ".ci" / "cache" / "npm-scorm-again" / "node_modules" / "scorm-again"
FILES = {name: f"dist/{name}" for name in ("scorm12.min.js", "scorm2004.min.js", "cross-frame-lms.min.js",
                                          "cross-frame-api.min.js")} | {"LICENSE": "LICENSE"}


def _makefile_version() -> str:
    for line in (PROJECT_ROOT / "Makefile").read_text(encoding="utf-8").splitlines():
        if line.startswith("SCORM_AGAIN_VERSION :="):
            return line.split(":=")[1].strip()
    raise AssertionError("no SCORM_AGAIN_VERSION in the Makefile")


def test_the_vendored_version_is_the_pinned_one():
    assert (VENDOR / "VERSION").read_text(encoding="utf-8").strip() == _makefile_version()


@pytest.mark.parametrize("name", sorted(FILES))
def test_each_vendored_file_is_the_registry_packages_file(name):
    if not (INSTALLED / "package.json").is_file():
        pytest.fail(f"scorm-again is not installed in {INSTALLED}: run `make test` (or make {INSTALLED}/package.json)")
    assert json.loads((INSTALLED / "package.json").read_text(encoding="utf-8"))["version"] == _makefile_version()
    assert (VENDOR / name).read_bytes() == (INSTALLED / FILES[name]).read_bytes()


def test_the_licence_is_vendored_with_the_code():
    assert "MIT License" in (VENDOR / "LICENSE").read_text(encoding="utf-8")
