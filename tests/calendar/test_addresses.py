"""Feed addresses: shown once, kept as a hash, rotated and revoked on the account page (each audited), unknown ones
404, and rate limited per feed and, for unknown addresses, per client address."""

from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import select

from lms.accounts.models import User
from lms.audit.models import AuditEntry
from lms.calendar.models import CalendarFeed
from lms.extensions import db, limiter
from tests.calendar.conftest import FEED_URL, events, feed_path, make_feed, parse
from tests.conftest import post_form


def _secret(url: str) -> str:
    return url.rsplit("/", 1)[1].removesuffix(".ics")


def _actions(app) -> list[tuple[str, str, int | None]]:
    with app.app_context():
        return [(e.action, e.object_type, e.actor_id) for e in db.session.scalars(
            select(AuditEntry).where(AuditEntry.action.startswith("calendar_feed.")).order_by(AuditEntry.id))]


def test_the_address_is_shown_once_and_only_its_hash_is_stored(app, client, login_as, people):
    login_as("learner@example.kz")
    page = client.get("/account").get_data(as_text=True)
    assert "Calendar feed" in page and 'action="/account/calendar-feed"' in page
    url = make_feed(client)
    secret = _secret(url)
    assert len(secret) == 32  # 24 random bytes (192 bits), URL-safe
    with app.app_context():
        [feed] = db.session.scalars(select(CalendarFeed)).all()
        assert feed.user_id == people["learner"]
        assert feed.token_hash == hashlib.sha256(secret.encode()).hexdigest()
        stored = [str(v) for row in db.session.execute(select(CalendarFeed.__table__)).all() for v in row]
        stored += [str(e.summary) for e in db.session.scalars(select(AuditEntry))]
    assert not any(secret in value for value in stored)
    # Afterwards the account page says when the address was made, and cannot show it.
    page = client.get("/account").get_data(as_text=True)
    assert secret not in page and not FEED_URL.search(page)
    assert "cannot be shown again" in page and 'action="/account/calendar-feed/rotate"' in page
    assert _actions(app) == [("calendar_feed.created", "calendar_feed", people["learner"])]


def test_the_created_page_offers_the_webcal_link_and_is_not_cached(app, client, login_as, people):
    login_as("learner@example.kz")
    response = post_form(client, "/account/calendar-feed", {}, token_from="/account")
    html = response.get_data(as_text=True)
    [url] = set(FEED_URL.findall(html))
    assert f'href="webcal://{url.split("://", 1)[1]}"' in html
    assert response.headers["Cache-Control"] == "no-store"
    assert "it is shown only this once" in html


def test_making_a_second_feed_sends_back_to_the_account_page(app, client, login_as, people):
    login_as("learner@example.kz")
    url = make_feed(client)
    response = post_form(client, "/account/calendar-feed", {}, token_from="/account")
    assert response.status_code == 303 and response.headers["Location"].endswith("/account")
    with app.app_context():
        assert db.session.scalar(select(db.func.count()).select_from(CalendarFeed)) == 1
    assert client.get(feed_path(url)).status_code == 200  # the first address still works


def test_rotating_invalidates_the_old_address_at_once(app, client, login_as, people):
    login_as("learner@example.kz")
    old = make_feed(client)
    response = post_form(client, "/account/calendar-feed/rotate", {}, token_from="/account")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    [new] = set(FEED_URL.findall(html))
    assert new != old and "The previous address no longer works" in html
    fetch = app.test_client()
    assert fetch.get(feed_path(old)).status_code == 404
    assert fetch.get(feed_path(new)).status_code == 200
    assert [a for a, _t, _u in _actions(app)] == ["calendar_feed.created", "calendar_feed.rotated"]


def test_a_revoked_address_answers_404(app, client, login_as, people):
    login_as("learner@example.kz")
    url = make_feed(client)
    response = post_form(client, "/account/calendar-feed/revoke", {}, token_from="/account")
    assert response.status_code == 303 and response.headers["Location"].endswith("/account")
    assert app.test_client().get(feed_path(url)).status_code == 404
    with app.app_context():
        assert db.session.scalars(select(CalendarFeed)).all() == []
    page = client.get("/account").get_data(as_text=True)
    assert "Your calendar feed is switched off" in page and 'action="/account/calendar-feed"' in page
    assert [a for a, _t, _u in _actions(app)] == ["calendar_feed.created", "calendar_feed.revoked"]
    # Nothing left to rotate or revoke.
    assert post_form(client, "/account/calendar-feed/rotate", {}, token_from="/account").status_code == 404
    assert post_form(client, "/account/calendar-feed/revoke", {}, token_from="/account").status_code == 404


def test_forms_without_a_csrf_token_are_refused(app, client, login_as, people):
    login_as("learner@example.kz")
    assert client.post("/account/calendar-feed").status_code == 400
    with app.app_context():
        assert db.session.scalars(select(CalendarFeed)).all() == []


@pytest.mark.parametrize("path", ["/calendar/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA.ics", "/calendar/short.ics",
                                  "/calendar/" + "A" * 200 + ".ics", "/calendar/%2e%2e.ics"])
def test_unknown_addresses_answer_404(client, people, path):
    assert client.get(path).status_code == 404


def test_a_deactivated_persons_feed_answers_404(app, client, login_as, people):
    login_as("learner@example.kz")
    url = make_feed(client)
    with app.app_context():
        db.session.get(User, people["learner"]).is_active = False
        db.session.commit()
    assert app.test_client().get(feed_path(url)).status_code == 404


@pytest.fixture
def three_per_minute(app):
    app.config["CALENDAR_RATE_LIMIT"] = "3 per minute"
    limiter.reset()
    yield
    app.config["CALENDAR_RATE_LIMIT"] = "30 per minute"
    limiter.reset()


def test_one_feed_is_rate_limited(app, client, login_as, people, three_per_minute):
    login_as("learner@example.kz")
    url = make_feed(client)
    fetch = app.test_client()
    assert [fetch.get(feed_path(url)).status_code for _ in range(4)] == [200, 200, 200, 429]
    # From another address too: the limit is the feed's.
    assert fetch.get(feed_path(url), environ_base={"REMOTE_ADDR": "10.0.0.9"}).status_code == 429


def test_unknown_addresses_are_rate_limited_per_client_address(app, client, login_as, people, three_per_minute):
    login_as("learner@example.kz")
    url = make_feed(client)
    guesser = app.test_client()
    guesses = [guesser.get(f"/calendar/{'A' * 31}{n}.ics").status_code for n in range(3)]
    assert guesses == [404, 404, 404]
    assert guesser.get(f"/calendar/{'B' * 32}.ics").status_code == 429
    assert guesser.get(feed_path(url)).status_code == 429  # that address is stopped, whatever it asks for
    other = {"REMOTE_ADDR": "10.0.0.7"}
    assert app.test_client().get(feed_path(url), environ_base=other).status_code == 200


def test_a_calendar_service_fetching_many_feeds_from_one_address_is_not_limited(app, people, three_per_minute):
    from tests import factories

    urls = []
    for n in range(5):
        with app.app_context():
            factories.user(f"many{n}@example.kz")
        person = app.test_client()
        assert post_form(person, "/login", {"email": f"many{n}@example.kz",
                                            "password": factories.PASSWORD}).status_code == 302
        urls.append(make_feed(person))
    service = app.test_client()
    assert [service.get(feed_path(url)).status_code for url in urls] == [200] * 5
    assert all(events(parse(service.get(feed_path(url)).data)) == [] for url in urls[:2])
