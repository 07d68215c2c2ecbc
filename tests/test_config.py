"""Configuration: defaults, LMS_* environment, instance/lms.toml, and production refusals."""

from __future__ import annotations

import pytest

from lms import config, create_app
from tests.conftest import settings_for_tests


def test_environment_variable_overrides_default(tmp_path):
    settings = config.load(tmp_path, environ={"LMS_DEFAULT_LOCALE": "kk", "LMS_SESSION_HOURS": "4"})
    assert settings["DEFAULT_LOCALE"] == "kk"
    assert settings["SESSION_HOURS"] == 4


def test_instance_file_is_read_after_the_environment(tmp_path):
    (tmp_path / "lms.toml").write_text('TIMEZONE = "Asia/Aqtobe"\nDEFAULT_LOCALE = "en"\n', encoding="utf-8")
    settings = config.load(tmp_path, environ={"LMS_DEFAULT_LOCALE": "kk"})
    assert settings["TIMEZONE"] == "Asia/Aqtobe"
    assert settings["DEFAULT_LOCALE"] == "en"


def test_unknown_setting_in_instance_file_is_refused(tmp_path):
    (tmp_path / "lms.toml").write_text('SECRET_KYE = "typo"\n', encoding="utf-8")
    with pytest.raises(config.ConfigError, match="SECRET_KYE"):
        config.load(tmp_path, environ={})


def test_malformed_boolean_names_the_variable(tmp_path):
    with pytest.raises(config.ConfigError, match="LMS_DEBUG"):
        config.load(tmp_path, environ={"LMS_DEBUG": "maybe"})


def test_the_snapshot_minimum_is_read_from_the_environment(tmp_path):
    assert config.load(tmp_path, environ={})["REPORT_SNAPSHOT_MIN_ENROLMENTS"] == 50_000
    settings = config.load(tmp_path, environ={"LMS_REPORT_SNAPSHOT_MIN_ENROLMENTS": "1000"})
    assert settings["REPORT_SNAPSHOT_MIN_ENROLMENTS"] == 1000


@pytest.mark.parametrize("value", [-1, "many", True])
def test_a_malformed_snapshot_minimum_is_refused(db_url, value):
    with pytest.raises(config.ConfigError, match="LMS_REPORT_SNAPSHOT_MIN_ENROLMENTS"):
        create_app(settings_for_tests(db_url, REPORT_SNAPSHOT_MIN_ENROLMENTS=value))


def test_default_database_is_sqlite_under_instance(tmp_path):
    out = config.flask_settings(config.load(tmp_path, environ={}), tmp_path)
    assert out["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'lms.sqlite3'}"


def test_postgres_url_gets_the_psycopg_driver(tmp_path):
    settings = config.load(tmp_path, environ={"LMS_DATABASE_URL": "postgres://u@db/lms"})
    assert config.flask_settings(settings, tmp_path)["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@db/lms"


def test_redis_url_moves_rate_limits_to_redis(tmp_path):
    settings = config.load(tmp_path, environ={"LMS_REDIS_URL": "redis://127.0.0.1:6379/0"})
    assert config.flask_settings(settings, tmp_path)["RATELIMIT_STORAGE_URI"] == "redis://127.0.0.1:6379/0"


def _production(**extra) -> dict:
    base = config.flask_settings(config.load("/nonexistent", environ={}), "/nonexistent")
    base.update(ENV="production", SECRET_KEY="k" * 40, MAIL_BACKEND="smtp", DEBUG=False,
                BASE_URL="https://lms.example.kz", TRUSTED_HOSTS=["lms.example.kz"],
                SCORM_CONTENT_ORIGIN="")  # production derives none (the development default is a loopback address)
    base.update(extra)
    return base


def test_production_refuses_the_development_secret_key():
    with pytest.raises(config.ConfigError, match="LMS_SECRET_KEY"):
        config.validate(_production(SECRET_KEY=config.DEV_SECRET_KEY))


def test_production_refuses_debug():
    with pytest.raises(config.ConfigError, match="LMS_DEBUG"):
        config.validate(_production(DEBUG=True))


def test_production_refuses_cheap_password_hashes():
    with pytest.raises(config.ConfigError, match="LMS_PASSWORD_HASH_COST=strong"):
        config.validate(_production(PASSWORD_HASH_COST="cheap"))


def test_an_unknown_password_hash_cost_is_refused():
    with pytest.raises(config.ConfigError, match="LMS_PASSWORD_HASH_COST must be strong or cheap"):
        config.validate({**_production(), "ENV": "development", "PASSWORD_HASH_COST": "fast"})


def test_production_accepts_safe_settings():
    config.validate(_production())


def test_create_app_refuses_to_start_in_production_with_defaults(db_url):
    with pytest.raises(config.ConfigError, match="Refusing to start"):
        create_app({"ENV": "production", "DATABASE_URL": db_url})


def test_production_cookies_are_secure_and_hsts_is_sent(make_app):
    prod = make_app(ENV="production", MAIL_BACKEND="smtp", TESTING=False, BASE_URL="https://lms.example.kz",
                    PASSWORD_HASH_COST="strong")
    assert prod.config["SESSION_COOKIE_SECURE"] is True
    response = prod.test_client().get("/healthz", base_url="https://lms.example.kz")
    assert "max-age=" in response.headers["Strict-Transport-Security"]


def test_a_malformed_calendar_rate_limit_is_refused(db_url):
    with pytest.raises(config.ConfigError, match="LMS_CALENDAR_RATE_LIMIT"):
        create_app(settings_for_tests(db_url, CALENDAR_RATE_LIMIT="lots"))


def test_the_calendar_rate_limit_is_read_from_the_environment(tmp_path):
    settings = config.load(tmp_path, environ={"LMS_CALENDAR_RATE_LIMIT": "5 per minute"})
    config.validate(config.flask_settings(settings, tmp_path))
    assert settings["CALENDAR_RATE_LIMIT"] == "5 per minute"


def test_malformed_registration_domains_are_refused(db_url):
    with pytest.raises(config.ConfigError, match="LMS_REGISTRATION_DOMAINS"):
        create_app(settings_for_tests(db_url, REGISTRATION_DOMAINS="gov.kz"))


def test_production_requires_the_base_url():
    with pytest.raises(config.ConfigError, match="LMS_BASE_URL"):
        config.validate(_production(BASE_URL="", TRUSTED_HOSTS=[]))


def test_production_base_url_is_read_from_the_environment_without_a_development_default(tmp_path):
    settings = config.flask_settings(config.load(tmp_path, environ={"LMS_ENV": "production"}), tmp_path)
    assert settings["BASE_URL"] == ""
    with pytest.raises(config.ConfigError, match="LMS_BASE_URL"):
        config.validate({**settings, "SECRET_KEY": "k" * 40, "MAIL_BACKEND": "smtp"})


def test_production_refuses_a_plain_http_base_url():
    with pytest.raises(config.ConfigError, match="https://"):
        config.validate(_production(BASE_URL="http://lms.example.kz"))


@pytest.mark.parametrize("base_url", ["lms.example.kz", "ftp://lms.example.kz", "https://", "https://u:p@lms.kz",
                                      "https://lms.kz/?next=x", "https://lms.kz:99999"])
def test_malformed_base_url_is_refused_in_every_environment(tmp_path, base_url):
    settings = config.flask_settings(config.load(tmp_path, environ={"LMS_BASE_URL": base_url}), tmp_path)
    with pytest.raises(config.ConfigError, match="LMS_BASE_URL"):
        config.validate(settings)


def test_trusted_hosts_are_the_base_url_host_and_the_listed_ones(tmp_path):
    environ = {"LMS_BASE_URL": "https://lms.example.kz/academy/",
               "LMS_TRUSTED_HOSTS": "Mirror.example.kz:8443, .intra.kz"}
    settings = config.flask_settings(config.load(tmp_path, environ=environ), tmp_path)
    assert settings["BASE_URL"] == "https://lms.example.kz/academy"
    assert settings["TRUSTED_HOSTS"] == ["lms.example.kz", "mirror.example.kz", ".intra.kz"]


def test_a_loopback_base_url_admits_both_loopback_names(tmp_path):
    settings = config.flask_settings(config.load(tmp_path, environ={}), tmp_path)
    assert settings["BASE_URL"] == config.DEV_BASE_URL
    assert settings["TRUSTED_HOSTS"] == ["127.0.0.1", "localhost"]


def test_malformed_trusted_host_is_refused(tmp_path):
    settings = config.flask_settings(config.load(tmp_path, environ={"LMS_TRUSTED_HOSTS": "lms.kz, evil/x"}), tmp_path)
    with pytest.raises(config.ConfigError, match="LMS_TRUSTED_HOSTS"):
        config.validate(settings)


# --- the SCORM content origin -------------------------------------------------------------------------------------

@pytest.mark.parametrize(("base_url", "origin"), [("http://127.0.0.1:5000", "http://localhost:5001"),
                                                  ("http://localhost:8080", "http://127.0.0.1:8081"),
                                                  ("http://lms.test", "http://lms.test:81")])
def test_development_serves_scorm_content_on_the_next_port_of_another_host_name(tmp_path, base_url, origin):
    settings = config.flask_settings(config.load(tmp_path, environ={"LMS_BASE_URL": base_url}), tmp_path)
    assert settings["SCORM_CONTENT_ORIGIN"] == origin
    config.validate(settings)


def test_production_derives_no_content_origin(tmp_path):
    settings = config.flask_settings(config.load(tmp_path, environ={"LMS_ENV": "production"}), tmp_path)
    assert settings["SCORM_CONTENT_ORIGIN"] == ""


def test_production_takes_an_https_content_origin_on_its_own_host():
    config.validate(_production(SCORM_CONTENT_ORIGIN="https://lms-content.example.kz"))
    for origin in ("http://lms-content.example.kz", "https://lms.example.kz:8443"):
        with pytest.raises(config.ConfigError, match="LMS_SCORM_CONTENT_ORIGIN must be https in production"):
            config.validate(_production(SCORM_CONTENT_ORIGIN=origin))


@pytest.mark.parametrize("origin", ["https://lms.example.kz/content", "lms-content.example.kz", "ftp://x.kz",
                                    "https://user:pw@x.kz", "https://x.kz?a=1"])
def test_a_malformed_content_origin_is_refused(origin):
    with pytest.raises(config.ConfigError, match="LMS_SCORM_CONTENT_ORIGIN must look like"):
        config.validate(_production(SCORM_CONTENT_ORIGIN=origin))


def test_the_content_origin_may_never_be_the_sites():
    with pytest.raises(config.ConfigError, match="must differ from LMS_BASE_URL"):
        config.validate(_production(SCORM_CONTENT_ORIGIN="https://lms.example.kz"))


def test_launch_minutes_are_checked():
    with pytest.raises(config.ConfigError, match="LMS_SCORM_LAUNCH_MINUTES"):
        config.validate(_production(SCORM_LAUNCH_MINUTES=0))


def test_the_content_origin_is_written_as_browsers_write_origins(tmp_path):
    settings = config.flask_settings(config.load(tmp_path, environ={
        "LMS_SCORM_CONTENT_ORIGIN": "https://LMS-Content.example.kz:443/"}), tmp_path)
    assert settings["SCORM_CONTENT_ORIGIN"] == "https://lms-content.example.kz"
    assert config.origin_of("http://127.0.0.1:5000/lms/") == "http://127.0.0.1:5000"
