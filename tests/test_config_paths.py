"""Paths are resolved once in the configuration: app.config holds the real folder or file, never an empty setting."""

from __future__ import annotations

from lms import PROJECT_ROOT, config


def test_empty_path_settings_resolve_to_their_defaults(tmp_path):
    out = config.flask_settings(config.load(tmp_path, environ={}), tmp_path)
    assert out["COURSES_DIR"] == str(PROJECT_ROOT / "courses")
    assert out["EXPORT_DIR"] == str(tmp_path / "exports")
    assert out["SIGNING_KEY_PATH"] == str(tmp_path / "signing-key.jwk")
    assert out["CERTIFICATE_CACHE_DIR"] == str(tmp_path / "certificates")


def test_configured_paths_are_kept(tmp_path):
    environ = {"LMS_COURSES_DIR": "/srv/courses", "LMS_EXPORT_DIR": "/srv/exports",
               "LMS_SIGNING_KEY_PATH": "/etc/lms/key.jwk", "LMS_CERTIFICATE_CACHE_DIR": "/var/cache/lms"}
    out = config.flask_settings(config.load(tmp_path, environ=environ), tmp_path)
    assert [out[name] for name in ("COURSES_DIR", "EXPORT_DIR", "SIGNING_KEY_PATH", "CERTIFICATE_CACHE_DIR")] == [
        "/srv/courses", "/srv/exports", "/etc/lms/key.jwk", "/var/cache/lms"]

