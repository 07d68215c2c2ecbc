"""[saml.<key>] settings: read from instance/lms.toml, checked at start-up with a message naming what to fix."""

from __future__ import annotations

import pytest

from lms import config
from lms.saml_config import DEFAULT_ATTRIBUTES, saml_providers

TABLE = """
[saml.agency-idp]
name = "Agency IdP"
idp_metadata_url = "https://idp.agency.gov.kz/saml2/idp/metadata.php"
sp_key_file = "/etc/lms/sp.key"
sp_cert_file = "/etc/lms/sp.crt"
allow_create = true
email_verified = true

[saml.agency-idp.attributes]
person_id = "urn:oid:1.2.398.3.3.4.1.1"
agency_code = "department"
"""


def settings_from(tmp_path, text: str) -> dict:
    (tmp_path / "lms.toml").write_text(text, encoding="utf-8")
    return config.app_settings(tmp_path, {"ENV": "testing"})


def test_a_saml_table_in_the_instance_file_becomes_a_provider(tmp_path):
    provider = saml_providers(settings_from(tmp_path, TABLE))["agency-idp"]
    assert provider.name == "Agency IdP"
    assert provider.allow_create is True and provider.email_verified is True
    assert provider.attributes == {**DEFAULT_ATTRIBUTES, "person_id": "urn:oid:1.2.398.3.3.4.1.1",
                                   "agency_code": "department"}


@pytest.mark.parametrize(("change", "message"), [
    ('sp_key_file = "/etc/lms/sp.key"', "sp_key_file"),
    ('idp_metadata_url = "https://idp.agency.gov.kz/saml2/idp/metadata.php"', "idp_metadata_url"),
])
def test_a_missing_required_setting_is_named(tmp_path, change, message):
    with pytest.raises(config.ConfigError, match=message):
        settings_from(tmp_path, TABLE.replace(change, ""))


def test_metadata_from_both_a_url_and_a_file_is_refused(tmp_path):
    with pytest.raises(config.ConfigError, match="exactly one"):
        settings_from(tmp_path, TABLE.replace("allow_create", 'idp_metadata_file = "/etc/lms/idp.xml"\nallow_create'))


def test_an_unknown_setting_or_attribute_is_refused(tmp_path):
    with pytest.raises(config.ConfigError, match="unknown settings email_verifed"):
        settings_from(tmp_path, TABLE.replace("email_verified = true", "email_verifed = true"))
    with pytest.raises(config.ConfigError, match="known fields"):
        settings_from(tmp_path, TABLE.replace('agency_code = "department"', 'agency = "department"'))


def test_a_yes_no_setting_must_be_a_boolean(tmp_path):
    with pytest.raises(config.ConfigError, match="allow_create must be true or false"):
        settings_from(tmp_path, TABLE.replace("allow_create = true", 'allow_create = "yes"'))


def test_a_key_used_by_an_oidc_provider_too_is_refused():
    with pytest.raises(ValueError, match="unique across"):
        saml_providers({"SAML_PROVIDERS": {"egov": {}}, "OIDC_PROVIDERS": {"egov": {}}})
