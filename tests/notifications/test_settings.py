"""The notification setting: read retention days from the environment, refuse what is not a number of days."""

from __future__ import annotations

import pytest

from lms import config


def _settings(tmp_path, **environ) -> dict:
    return config.flask_settings(config.load(tmp_path, environ=environ), tmp_path)


def test_read_notifications_are_kept_90_days_unless_configured(tmp_path):
    assert _settings(tmp_path)["NOTIFICATION_RETENTION_DAYS"] == 90
    settings = _settings(tmp_path, LMS_NOTIFICATION_RETENTION_DAYS="30")
    config.validate(settings)
    assert settings["NOTIFICATION_RETENTION_DAYS"] == 30


@pytest.mark.parametrize("days", [0, -5, 5000, True, "soon"])
def test_a_retention_that_is_not_a_number_of_days_is_refused(tmp_path, days):
    settings = {**_settings(tmp_path), "NOTIFICATION_RETENTION_DAYS": days}
    with pytest.raises(config.ConfigError, match="LMS_NOTIFICATION_RETENTION_DAYS"):
        config.validate(settings)
