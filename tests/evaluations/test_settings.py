"""The evaluation threshold setting: 5 by default, read from the environment, refused when not a whole number."""

from __future__ import annotations

import pytest

from lms import config


def _settings(tmp_path, **environ) -> dict:
    return config.flask_settings(config.load(tmp_path, environ=environ), tmp_path)


def test_figures_need_5_respondents_unless_configured(tmp_path):
    assert _settings(tmp_path)["EVALUATION_MIN_RESPONDENTS"] == 5
    settings = _settings(tmp_path, LMS_EVALUATION_MIN_RESPONDENTS="10")
    config.validate(settings)
    assert settings["EVALUATION_MIN_RESPONDENTS"] == 10


@pytest.mark.parametrize("minimum", [0, -1, 5000, True, "few"])
def test_a_threshold_that_is_not_a_whole_number_from_1_is_refused(tmp_path, minimum):
    settings = {**_settings(tmp_path), "EVALUATION_MIN_RESPONDENTS": minimum}
    with pytest.raises(config.ConfigError, match="LMS_EVALUATION_MIN_RESPONDENTS"):
        config.validate(settings)
