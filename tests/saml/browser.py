"""Browser-style steps at the SimpleSAMLphp IdP: fill its login form, read the HTTP-POST binding form it returns."""

from __future__ import annotations

import base64
import re
import subprocess
import tempfile
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin

import requests


class _Forms(HTMLParser):
    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append({"action": attrs.get("action") or "", "fields": {}})
        elif tag == "input" and self.forms and attrs.get("name"):
            self.forms[-1]["fields"][attrs["name"]] = attrs.get("value") or ""


def forms_of(html: str) -> list[dict]:
    """Each form of the page: {"action": ..., "fields": {name: value}}."""
    parser = _Forms()
    parser.feed(html)
    return parser.forms


def sign_in_at_idp(location: str, username: str, password: str) -> dict[str, str]:
    """Follow the SP's redirect to the IdP as a browser would, sign in on its form and return the fields of the
    HTTP-POST binding form it answers with (SAMLResponse, RelayState) plus "action" (where it posts them)."""
    browser = requests.Session()
    page = browser.get(location, timeout=30)
    page.raise_for_status()
    login = next((f for f in forms_of(page.text) if "username" in f["fields"] or "AuthState" in f["fields"]), None)
    assert login is not None, page.text[:2000]
    fields = {**login["fields"], "username": username, "password": password}
    answer = browser.post(urljoin(page.url, login["action"]), data=fields, timeout=30)
    answer.raise_for_status()
    post = next((f for f in forms_of(answer.text) if "SAMLResponse" in f["fields"]), None)
    assert post is not None, answer.text[:2000]
    return {**post["fields"], "action": post["action"]}


def decode(saml_response: str) -> str:
    return base64.b64decode(saml_response).decode("utf-8")


def encode(xml: str) -> str:
    return base64.b64encode(xml.encode("utf-8")).decode("ascii")


def resign(xml: str, key_path: Path) -> str:
    """Sign the (altered) assertion of `xml` again with `key_path`, reusing its signature element as the template:
    the result verifies by the IdP's certificate, so only the altered content can make it fail."""
    # The Response's own signature (SimpleSAMLphp signs both) goes; the assertion's is made again below.
    xml = re.sub(r"(<samlp:Response[^>]*>\s*<saml:Issuer>[^<]*</saml:Issuer>)\s*<ds:Signature.*?</ds:Signature>",
                 r"\1", xml, count=1, flags=re.S)
    xml = re.sub(r"<ds:DigestValue>[^<]*</ds:DigestValue>", "<ds:DigestValue></ds:DigestValue>", xml)
    xml = re.sub(r"<ds:SignatureValue>[^<]*</ds:SignatureValue>", "<ds:SignatureValue></ds:SignatureValue>", xml)
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "in.xml"
        source.write_text(xml, encoding="utf-8")
        done = subprocess.run(
            ["xmlsec1", "--sign", "--privkey-pem", str(key_path),
             "--id-attr:ID", "urn:oasis:names:tc:SAML:2.0:assertion:Assertion", str(source)],
            capture_output=True, check=False)
        assert done.returncode == 0, done.stderr.decode()
        return done.stdout.decode("utf-8")
