"""The credential signing key: created once with mode 0600, read back identically, published without private parts."""

from __future__ import annotations

import json
import stat

import pytest
from joserfc.jwk import OKPKey

from lms.certificates.keys import load_or_create_signing_key, public_jwks, with_thumbprint_kid


def test_key_is_created_on_first_use_with_mode_0600(tmp_path):
    path = tmp_path / "nested" / "folder" / "signing-key.json"

    key = load_or_create_signing_key(path)

    assert path.is_file()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert key.is_private
    assert key.curve_name == "Ed25519"
    stored = json.loads(path.read_text())
    assert stored["kty"] == "OKP" and stored["crv"] == "Ed25519" and "d" in stored
    assert [p.name for p in path.parent.iterdir()] == ["signing-key.json"]  # no temporary file left behind


def test_key_is_read_back_identically(tmp_path):
    path = tmp_path / "signing-key.json"
    first = load_or_create_signing_key(path)
    content = path.read_bytes()

    second = load_or_create_signing_key(path)

    assert second.as_dict(private=True) == first.as_dict(private=True)
    assert second.kid == first.kid
    assert path.read_bytes() == content


def test_kid_is_the_rfc7638_thumbprint(tmp_path):
    key = load_or_create_signing_key(tmp_path / "k.json")
    assert key.kid == key.thumbprint()
    other = OKPKey.import_key({**key.as_dict(private=True), "kid": "something-else"})
    assert with_thumbprint_kid(other).kid == key.kid


def test_a_file_without_a_kid_gets_the_same_kid(tmp_path):
    generated = OKPKey.generate_key("Ed25519")
    path = tmp_path / "k.json"
    path.write_text(json.dumps(generated.as_dict(private=True)))

    key = load_or_create_signing_key(path)

    assert key.kid == generated.thumbprint()


@pytest.mark.parametrize("content", ["", "not json", "[]", '{"kty": "oct", "k": "c2VjcmV0"}'])
def test_a_broken_key_file_is_refused_without_quoting_it(tmp_path, content):
    path = tmp_path / "k.json"
    path.write_text(content)
    with pytest.raises(ValueError, match="does not hold an Ed25519 private JWK") as info:
        load_or_create_signing_key(path)
    assert info.value.__suppress_context__  # the original error, which could quote the file, is not chained


def test_a_public_key_file_is_refused(tmp_path):
    key = OKPKey.generate_key("Ed25519")
    path = tmp_path / "k.json"
    path.write_text(json.dumps(key.as_dict(private=False)))
    with pytest.raises(ValueError):
        load_or_create_signing_key(path)


def test_private_key_does_not_reach_the_log(tmp_path, caplog):
    caplog.set_level("DEBUG")
    key = load_or_create_signing_key(tmp_path / "k.json")
    load_or_create_signing_key(tmp_path / "k.json")
    assert key.as_dict(private=True)["d"] not in caplog.text


def test_jwks_has_public_keys_only(tmp_path):
    key = load_or_create_signing_key(tmp_path / "k.json")

    jwks = public_jwks(key)

    assert jwks == {"keys": [{"kty": "OKP", "crv": "Ed25519", "x": key.as_dict()["x"], "kid": key.kid,
                              "alg": "EdDSA", "use": "sig"}]}
    assert "d" not in jwks["keys"][0]
    assert key.as_dict(private=True)["d"] not in json.dumps(jwks)


def test_jwks_holds_several_keys_for_rotation(tmp_path):
    current = load_or_create_signing_key(tmp_path / "new.json")
    old = load_or_create_signing_key(tmp_path / "old.json")

    jwks = public_jwks(current, old, current)

    assert [entry["kid"] for entry in jwks["keys"]] == [current.kid, old.kid]
    assert all("d" not in entry for entry in jwks["keys"])


def test_jwks_accepts_public_keys(tmp_path):
    key = load_or_create_signing_key(tmp_path / "k.json")
    public = OKPKey.import_key(key.as_dict(private=False))
    assert public_jwks(public) == public_jwks(key)


def test_jwks_refuses_other_key_types():
    with pytest.raises(ValueError):
        public_jwks(OKPKey.generate_key("X25519"))
