"""Completing the last course of a programme issues the programme certificate: page, PDF, credential with evidence."""

from __future__ import annotations

import io
import json
from datetime import timedelta

from pypdf import PdfReader
from sqlalchemy import select

from lms.certificates.credential import verify_credential
from lms.certificates.expiry import notify_expiring
from lms.certificates.models import Certificate
from lms.db import utcnow
from lms.extensions import db
from lms.notifications.models import Notification
from tests import factories
from tests.conftest import post_form

LESSONS = ("intro", "data-basics", "wrap-up")


def _finish(client, key):
    post_form(client, f"/courses/{key}/enroll", {}, token_from=f"/courses/{key}")
    for lesson in LESSONS:
        post_form(client, f"/courses/{key}/lessons/{lesson}/complete", {}, token_from=f"/courses/{key}")


def _programme_certificates():
    return list(db.session.scalars(select(Certificate).where(Certificate.programme_id.is_not(None))))


def _complete_programme(app, login_as):
    """Aliya completes both courses of the programme: her signed-in client and the programme certificate."""
    with app.app_context():
        factories.user("aliya@example.kz")
    client = login_as("aliya@example.kz")
    _finish(client, "plain")
    _finish(client, "other")
    with app.app_context():
        [certificate] = _programme_certificates()
    return client, certificate


def test_the_required_course_alone_does_not_complete_the_programme(app, login_as, programme_root):
    with app.app_context():
        factories.user("aliya@example.kz")
    client = login_as("aliya@example.kz")
    _finish(client, "plain")
    with app.app_context():
        assert _programme_certificates() == []
    page = client.get("/programmes/basics").get_data(as_text=True)
    assert "1 of 2 courses done" in page, page[page.find("<main"):page.find("</main>")]


def test_the_group_course_completes_it_and_issues_the_certificate(app, login_as, programme_root):
    client, certificate = _complete_programme(app, login_as)
    with app.app_context():
        course_serials = set(db.session.scalars(select(Certificate.serial).where(Certificate.course_id.is_not(None))))
        assert {e["serial"] for e in certificate.evidence} == course_serials
        assert certificate.course_titles["en"] == "Basics" and certificate.expires_at is not None
        assert certificate.study_minutes == 90
    page = client.get("/programmes/basics").get_data(as_text=True)
    assert "Programme complete" in page and f"/certificates/{certificate.serial}.pdf" in page


def test_completing_more_does_not_issue_a_second_certificate(app, login_as, programme_root):
    with app.app_context():
        factories.user("aliya@example.kz")
    client = login_as("aliya@example.kz")
    for key in ("plain", "other", "third"):
        _finish(client, key)
    with app.app_context():
        assert len(_programme_certificates()) == 1


def test_the_pdf_says_programme(app, login_as, programme_root):
    client, certificate = _complete_programme(app, login_as)
    data = client.get(f"/certificates/{certificate.serial}.pdf?lang=en").data
    text = " ".join(PdfReader(io.BytesIO(data)).pages[0].extract_text().split())
    assert "has completed the programme" in text and "Basics" in text


def test_the_credential_names_the_course_credentials_as_evidence(app, client, login_as, programme_root):
    owner, certificate = _complete_programme(app, login_as)
    with app.app_context():
        course_serials = [e["serial"] for e in certificate.evidence]
    envelope = json.loads(owner.get(f"/certificates/{certificate.serial}/credential.json").data)
    token = envelope["id"].removeprefix("data:application/vc+jwt,")
    jwks = client.get("/issuer/jwks.json").json
    result = verify_credential(token, jwks, now=utcnow(), is_revoked=lambda credential: (False, None))
    assert result.valid, result.problems
    evidence = result.credential["evidence"]
    assert len(evidence) == 2 and all(item["type"] == ["Evidence"] for item in evidence)
    assert all(any(serial.replace("-", "") in item["id"].replace("-", "") for item in evidence)
               for serial in course_serials)
    assert result.credential["credentialSubject"]["achievement"]["id"].endswith("/programmes/basics")


def test_the_public_verification_page_names_the_programme(app, client, login_as, programme_root):
    _owner, certificate = _complete_programme(app, login_as)
    page = client.get(f"/verify/{certificate.serial}").get_data(as_text=True)
    assert "Valid certificate" in page and "Programme" in page and "Basics" in page


def test_the_backfill_issues_certificates_due(app, runner, login_as, programme_root):
    with app.app_context():
        factories.user("aliya@example.kz")
    owner = login_as("aliya@example.kz")
    _finish(owner, "plain")
    _finish(owner, "other")
    with app.app_context():
        for certificate in _programme_certificates():
            db.session.delete(certificate)
        db.session.commit()
    result = runner.invoke(args=["programmes", "award"])
    assert result.exit_code == 0, result.output
    assert "1 programme certificate(s) issued." in result.output
    again = runner.invoke(args=["programmes", "award"])
    assert "0 programme certificate(s) issued." in again.output


def test_reissue_keeps_the_programme_and_its_evidence(app, login_as, programme_root):
    from lms.accounts.models import Role, User
    from lms.certificates.services import reissue

    with app.app_context():
        factories.user("aliya@example.kz")
        factories.user("admin@example.kz", roles={Role.ADMIN})
    client = login_as("aliya@example.kz")
    _finish(client, "plain")
    _finish(client, "other")
    with app.app_context():
        [old] = _programme_certificates()
        admin = db.session.scalar(select(User).where(User.email == "admin@example.kz"))
        new = reissue(old, actor=admin, reason="Name corrected", now=utcnow())
        db.session.commit()
        assert old.revoked_at is not None and old.replaced_by_id == new.id
        assert new.programme_id == old.programme_id and new.evidence == old.evidence


def test_a_programme_without_certificate_completes_without_one(app, login_as, programme_root):
    from tests.programmes.builders import write_programme
    from tests.programmes.conftest import sync_all

    write_programme(programme_root, courses=("plain",), certificate=False)
    with app.app_context():
        sync_all(programme_root)
        factories.user("aliya@example.kz")
    client = login_as("aliya@example.kz")
    _finish(client, "plain")
    with app.app_context():
        assert _programme_certificates() == []
    assert "Programme complete" in client.get("/programmes/basics").get_data(as_text=True)


def test_the_programme_certificate_reaches_the_learners_inbox(app, login_as, programme_root):
    client, certificate = _complete_programme(app, login_as)
    with app.app_context():
        [notification] = db.session.scalars(select(Notification).where(
            Notification.kind == "programme_certificate_issued"))
        assert notification.params["serial"] == certificate.serial
    inbox = client.get("/notifications/").get_data(as_text=True)
    assert "Programme certificate issued: Basics" in inbox


def test_a_programme_certificate_about_to_expire_is_told_of_once(app, login_as, programme_root):
    client, certificate = _complete_programme(app, login_as)
    with app.app_context():
        notify_expiring(now=certificate.expires_at - timedelta(days=29))
        notify_expiring(now=certificate.expires_at - timedelta(days=10))
        db.session.commit()
        [notification] = db.session.scalars(select(Notification).where(
            Notification.kind == "programme_certificate_expiring"))
        assert notification.params["serial"] == certificate.serial
    inbox = client.get("/notifications/").get_data(as_text=True)
    assert "Your programme certificate for Basics expires soon" in inbox
