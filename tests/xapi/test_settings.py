"""The XAPI_* settings: off by default, and refused when switched on without a usable LRS address."""

from __future__ import annotations

import pytest

from lms import config


def _settings(tmp_path, **environ) -> dict:
    return config.flask_settings(config.load(tmp_path, environ=environ), tmp_path)


def test_xapi_is_off_by_default_and_sends_accounts_not_emails(tmp_path):
    settings = _settings(tmp_path)
    config.validate(settings)
    assert (settings["XAPI_ENABLED"], settings["XAPI_ACTOR"], settings["XAPI_BATCH_SIZE"]) == (False, "account", 50)


def test_the_settings_are_read_from_the_environment(tmp_path):
    settings = _settings(tmp_path, LMS_XAPI_ENABLED="true", LMS_XAPI_ENDPOINT="https://lrs.example.kz/xAPI/",
                         LMS_XAPI_KEY="lms", LMS_XAPI_SECRET="s3cret", LMS_XAPI_BATCH_SIZE="200")
    config.validate(settings)
    assert (settings["XAPI_ENDPOINT"], settings["XAPI_KEY"], settings["XAPI_BATCH_SIZE"]) == (
        "https://lrs.example.kz/xAPI/", "lms", 200)


@pytest.mark.parametrize("endpoint", ["", "lrs.example.kz/xAPI", "ftp://lrs.example.kz/", "https://lrs/x?a=1"])
def test_switching_xapi_on_needs_an_http_endpoint(tmp_path, endpoint):
    settings = _settings(tmp_path, LMS_XAPI_ENABLED="true", LMS_XAPI_ENDPOINT=endpoint)
    with pytest.raises(config.ConfigError, match="LMS_XAPI_ENDPOINT"):
        config.validate(settings)


def test_production_sends_learning_records_over_https_only(tmp_path):
    settings = {**_settings(tmp_path, LMS_XAPI_ENABLED="true", LMS_XAPI_ENDPOINT="http://lrs.example.kz/xAPI/"),
                "ENV": "production"}
    with pytest.raises(config.ConfigError, match="must be https in production"):
        config.validate(settings)


@pytest.mark.parametrize("name, value", [("LMS_XAPI_ACTOR", "email"), ("LMS_XAPI_BATCH_SIZE", "0"),
                                         ("LMS_XAPI_RETRY_SECONDS", "0")])
def test_malformed_values_name_the_variable(tmp_path, name, value):
    with pytest.raises(config.ConfigError, match=name):
        config.validate(_settings(tmp_path, **{name: value}))
