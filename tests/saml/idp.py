"""A throw-away SimpleSAMLphp identity provider (Debian's simplesamlphp under `php -S`), for tests and `make saml-dev`.

Everything it reads lives in one folder of its own (SIMPLESAMLPHP_CONFIG_DIR): config.php, authsources.php with an
`exampleauth:UserPass` source, the IdP's signing key and certificate, and metadata naming our service provider.
`python -m tests.saml.idp` runs one for local development (see the README's "SAML 2.0 sign-in" section).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import secrets
import shutil
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

WWW = Path("/usr/share/simplesamlphp/www")

#: The people of the test IdP: username -> (password, attributes). Attribute names are the SP's defaults.
USERS: dict[str, tuple[str, dict[str, list[str]]]] = {
    "aigerim": ("aigerim-pass", {
        "uid": ["aigerim"], "mail": ["aigerim@gov.kz"], "displayName": ["Айгерім Сәрсенова"],
        "employeeNumber": ["EMP-1001"], "agencyCode": ["MDAI"], "title": ["Chief expert"],
        "emailVerified": ["true"],
    }),
    "daniyar": ("daniyar-pass", {
        "uid": ["daniyar"], "mail": ["daniyar@gov.kz"], "displayName": ["Данияр Ахметов"],
        "employeeNumber": ["EMP-1002"], "agencyCode": ["MDAI"], "title": ["Head of unit"],
        "emailVerified": ["false"], "managerNumber": ["EMP-1001"],
    }),
    "noid": ("noid-pass", {
        "uid": ["noid"], "mail": ["noid@gov.kz"], "displayName": ["No Person Id"],
    }),
}


def make_key_and_certificate(folder: Path, name: str, common_name: str) -> tuple[Path, Path]:
    """Write `name`.key (RSA 2048, PEM) and a self-signed `name`.crt valid for ten years; return both paths."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=3650)).sign(key, hashes.SHA256()))
    key_path, cert_path = folder / f"{name}.key", folder / f"{name}.crt"
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    key_path.chmod(0o600)
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return key_path, cert_path


def _php(value) -> str:
    """A PHP literal for a str / bool / int / list / dict (JSON strings are valid PHP strings once escaped)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_php(v) for v in value) + "]"
    if isinstance(value, dict):
        return "[" + ", ".join(f"{_php(k)} => {_php(v)}" for k, v in value.items()) + "]"
    raise TypeError(type(value))


def _cert_body(pem: str) -> str:
    return "".join(line for line in pem.strip().splitlines() if "-----" not in line)


@dataclass
class IdP:
    """One configured SimpleSAMLphp IdP; `start()` serves it."""

    folder: Path
    port: int
    key_path: Path
    cert_path: Path
    process: subprocess.Popen | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def entity_id(self) -> str:
        return f"{self.base_url}/saml2/idp/metadata.php"

    @property
    def metadata_url(self) -> str:
        return self.entity_id

    def start(self, timeout: float = 20.0) -> IdP:
        """Serve the IdP with `php -S` and wait until its metadata answers; raise if it does not."""
        if shutil.which("php") is None or not WWW.is_dir():
            raise RuntimeError("SimpleSAMLphp needs Debian's php-cli, php-xml, php-mbstring and simplesamlphp")
        log = self.folder / "php-server.log"
        env = {**os.environ, "SIMPLESAMLPHP_CONFIG_DIR": str(self.folder / "config")}
        with log.open("ab") as out:  # the child keeps its own copy of the file descriptor
            self.process = subprocess.Popen(["php", "-S", f"127.0.0.1:{self.port}", "-t", str(WWW)],
                                            env=env, stdout=out, stderr=subprocess.STDOUT, cwd=self.folder)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"php -S exited with {self.process.returncode}; see {log}")
            try:
                with urllib.request.urlopen(self.metadata_url, timeout=2) as response:  # noqa: S310 - our own IdP
                    if response.status == 200 and b"EntityDescriptor" in response.read():
                        return self
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"SimpleSAMLphp did not answer at {self.metadata_url} within {timeout} s")

    def metadata_xml(self) -> str:
        with urllib.request.urlopen(self.metadata_url, timeout=5) as response:  # noqa: S310 - our own IdP
            return response.read().decode()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def configure(folder: Path, *, port: int, sp_entity_id: str, sp_acs_url: str, sp_cert_pem: str,
              users: dict[str, tuple[str, dict[str, list[str]]]] | None = None) -> IdP:
    """Write a complete SimpleSAMLphp configuration under `folder` and return the (not yet started) IdP."""
    folder = Path(folder)
    for sub in ("config", "metadata", "cert", "data", "log", "tmp", "sessions"):
        (folder / sub).mkdir(parents=True, exist_ok=True)
    key_path, cert_path = make_key_and_certificate(folder / "cert", "idp", f"SimpleSAMLphp test IdP {port}")
    base = f"http://127.0.0.1:{port}/"
    config = {
        "baseurlpath": base,
        "certdir": str(folder / "cert") + "/",
        "loggingdir": str(folder / "log") + "/",
        "datadir": str(folder / "data") + "/",
        "tempdir": str(folder / "tmp"),
        "metadatadir": str(folder / "metadata") + "/",
        "metadata.sources": [{"type": "flatfile", "directory": str(folder / "metadata")}],
        "secretsalt": secrets.token_hex(16),
        "auth.adminpassword": secrets.token_hex(16),
        "admin.protectindexpage": True,
        "admin.protectmetadata": False,
        "technicalcontact_name": "Test",
        "technicalcontact_email": "saml-admin@example.kz",
        "timezone": "UTC",
        "errorreporting": False,
        "showerrors": True,
        "logging.level": 6,  # INFO
        "logging.handler": "file",
        "logging.logfile": "simplesamlphp.log",
        "enable.saml20-idp": True,
        "module.enable": {"exampleauth": True, "core": True, "saml": True, "admin": True},
        "store.type": "phpsession",
        "session.phpsession.savepath": str(folder / "sessions"),
        "session.phpsession.cookiename": f"SimpleSAML{port}",
        "session.authtoken.cookiename": f"SimpleSAMLAuthToken{port}",
        "session.cookie.secure": False,
        "session.cookie.samesite": "Lax",
        "language.available": ["en", "ru"],
        "language.default": "en",
        "theme.use": "default",
        "trusted.url.domains": ["127.0.0.1"],
    }
    (folder / "config" / "config.php").write_text(f"<?php\n$config = {_php(config)};\n")
    source = {"0": "exampleauth:UserPass"}
    for username, (password, attributes) in (users or USERS).items():
        source[f"{username}:{password}"] = attributes
    # PHP keeps the positional class name at index 0: write it as a list item, not "0" => ...
    items = ", ".join(f"{_php(k)} => {_php(v)}" for k, v in source.items() if k != "0")
    (folder / "config" / "authsources.php").write_text(
        "<?php\n$config = ['admin' => ['core:AdminPassword'], "
        f"'example-userpass' => ['exampleauth:UserPass', {items}]];\n")
    idp = IdP(folder=folder, port=port, key_path=key_path, cert_path=cert_path)
    hosted = {
        "host": "__DEFAULT__",
        "privatekey": "idp.key",
        "certificate": "idp.crt",
        "auth": "example-userpass",
        "signature.algorithm": "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
        # A stable, opaque subject per person and SP: the uid, as a persistent NameID.
        "NameIDFormat": "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent",
        "authproc": {"10": {"class": "saml:AttributeNameID", "attribute": "uid",
                            "Format": "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent"}},
    }
    remote = {
        "AssertionConsumerService": [{"index": 0, "isDefault": True, "Location": sp_acs_url,
                                      "Binding": "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST"}],
        "certData": _cert_body(sp_cert_pem),
        # AuthnRequests must carry a valid signature by the SP's key.
        "validate.authnrequest": True,
        "NameIDFormat": "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent",
        "saml20.sign.assertion": True,
        "signature.algorithm": "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
    }
    (folder / "metadata" / "saml20-idp-hosted.php").write_text(
        f"<?php\n$metadata[{_php(idp.entity_id)}] = {_php(hosted)};\n".replace("'10' =>", "10 =>"))
    (folder / "metadata" / "saml20-sp-remote.php").write_text(
        f"<?php\n$metadata[{_php(sp_entity_id)}] = {_php(remote)};\n")
    return idp


def main(argv: list[str] | None = None) -> int:
    """`make saml-dev`: an IdP on 127.0.0.1 for a local `make run`, with the SP's key made on first use."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folder", default="instance/saml-dev")
    parser.add_argument("--port", type=int, default=8091)
    parser.add_argument("--base-url", default=os.environ.get("LMS_BASE_URL", "http://127.0.0.1:5000"))
    parser.add_argument("--provider", default="dev-idp")
    args = parser.parse_args(argv)
    folder = Path(args.folder).resolve()
    folder.mkdir(parents=True, exist_ok=True)
    sp_key, sp_cert = folder / "sp.key", folder / "sp.crt"
    if not sp_key.exists():
        make_key_and_certificate(folder, "sp", "AI Competency Academy SP (development)")
    base = args.base_url.rstrip("/")
    idp = configure(folder / "idp", port=args.port, sp_entity_id=f"{base}/saml/{args.provider}/metadata",
                    sp_acs_url=f"{base}/saml/{args.provider}/acs", sp_cert_pem=sp_cert.read_text())
    print(f"""Add this to instance/lms.toml, then `make run` and choose "Sign in with Local SimpleSAMLphp":

[saml.{args.provider}]
name = "Local SimpleSAMLphp"
idp_metadata_url = "{idp.metadata_url}"
sp_key_file = "{sp_key}"
sp_cert_file = "{sp_cert}"
allow_create = true
email_verified_attribute = "emailVerified"

Users (username / password): {json.dumps({u: p for u, (p, _) in USERS.items()}, ensure_ascii=False)}
Serving the IdP on {idp.base_url} (Ctrl-C stops it)""", flush=True)
    idp.start()
    try:
        idp.process.wait()
    except KeyboardInterrupt:
        pass
    finally:
        idp.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
