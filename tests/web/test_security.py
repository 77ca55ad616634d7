"""Security headers, session handling and sign-in rate limits."""

import re
from datetime import UTC

import pytest

from annotator import create_app
from tests.fixtures.app import PASSWORD, csrf_token, login, make_app

REQUIRED_CSP = [
    "default-src 'self'",
    "script-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "frame-ancestors 'none'",
    "form-action 'self'",
]


@pytest.mark.parametrize(
    "path",
    ["/login", "/", "/articles/1", "/articles/1/annotations.jsonld", "/verdicts.css", "/static/app.css", "/nowhere"],
)
def test_every_response_carries_the_security_headers(reviewer_client, path):
    response = reviewer_client.get(path)
    policy = [d.strip() for d in response.headers["Content-Security-Policy"].split(";")]
    for directive in REQUIRED_CSP:
        assert directive in policy
    assert not any("unsafe" in d for d in policy)
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert "Strict-Transport-Security" not in response.headers  # plain http on 127.0.0.1 keeps working


def test_hsts_is_sent_when_configured(tmp_path):
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "x",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'h.sqlite3'}",
            "HSTS_SECONDS": 31536000,
        }
    )
    response = app.test_client().get("/login")
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    app.extensions["engine"].dispose()


def session_cookie(response) -> str:
    (header,) = [h for h in response.headers.getlist("Set-Cookie") if h.startswith("session=")]
    return header


def test_session_cookie_is_http_only_and_same_site_lax_and_not_secure_by_default(client):
    response = login(client, "reviewer")
    cookie = session_cookie(response)
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie


def test_session_cookie_is_secure_when_configured(tmp_path):
    app = make_app(tmp_path / "s.sqlite3")
    app.config.update(SESSION_COOKIE_SECURE=True)
    response = login(app.test_client(), "reviewer")
    assert "Secure" in session_cookie(response)
    app.extensions["engine"].dispose()


def test_signing_in_starts_a_fresh_session(client):
    token_before = csrf_token(client, "/login")
    response = login(client, "reviewer")
    assert response.status_code == 303
    token_after = csrf_token(client, "/articles/1")
    assert token_after != token_before
    # The anonymous session's token no longer works: nothing carries over into the signed-in session.
    rejected = client.post("/logout", data={"csrf_token": token_before})
    assert rejected.status_code == 400
    assert client.get("/").status_code == 200


def failed_login(client, username: str):
    token = csrf_token(client, "/login")
    return client.post("/login", data={"username": username, "password": "wrong password", "csrf_token": token})


def test_failed_sign_ins_are_limited_per_account(app):
    client = app.test_client()
    for _ in range(5):
        assert failed_login(client, "reviewer").status_code == 422
    blocked = failed_login(client, "reviewer")
    assert blocked.status_code == 429
    assert "Too many failed sign-ins" in blocked.get_data(as_text=True)
    # Even the right password waits now; another account is not affected.
    assert login(client, "reviewer").status_code == 429
    assert login(client, "lead").status_code == 303


def test_successful_sign_ins_do_not_count(app):
    for _ in range(8):
        assert login(app.test_client(), "reviewer").status_code == 303


def test_failed_sign_ins_are_limited_per_address(app):
    app.config.update(LOGIN_LIMIT_PER_ADDRESS="3 per 15 minutes")
    client = app.test_client()
    for name in ("nobody1", "nobody2", "nobody3"):
        assert failed_login(client, name).status_code == 422
    assert failed_login(client, "nobody4").status_code == 429
    assert login(client, "reviewer").status_code == 429


def test_htmx_sign_in_limit_answers_in_the_notice_area(app):
    client = app.test_client()
    for _ in range(5):
        failed_login(client, "lead")
    token = csrf_token(client, "/login")
    response = client.post(
        "/login", data={"username": "lead", "password": PASSWORD, "csrf_token": token}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 429 and response.headers["HX-Retarget"] == "#notice"


def test_a_request_body_over_the_limit_is_413(app, reviewer_client, demo_article):
    app.config.update(MAX_CONTENT_LENGTH=10_000)
    token = csrf_token(reviewer_client, f"/articles/{demo_article.id}")
    response = reviewer_client.post(
        f"/articles/{demo_article.id}/annotations",
        data={"csrf_token": token, "note": "x" * 20_000, "verdict": "true", "quote": "Putin"},
    )
    assert response.status_code == 413
    assert re.search(r"Too large", response.get_data(as_text=True))


# --- Sign-in limits: one name, however it is spelled (outside test finding 1) -------------------------------

CONTROL_CHARACTERS = [chr(c) for c in range(0x01, 0x20)] + ["\x7f"]


def right_password_login(client, username: str):
    token = csrf_token(client, "/login")
    return client.post("/login", data={"username": username, "password": PASSWORD, "csrf_token": token})


def test_control_characters_in_the_username_do_not_open_a_fresh_bucket_of_guesses(app):
    """After five wrong passwords for an account, no spelling of its name with a control character
    (any of U+0001-U+001F and U+007F, at the start, inside or at the end) signs in: 429 each time."""
    app.config.update(LOGIN_LIMIT_PER_ADDRESS="10000 per 15 minutes")  # the account's limit is under test
    client = app.test_client()
    for _ in range(5):
        assert failed_login(client, "reviewer").status_code == 422
    for character in CONTROL_CHARACTERS:
        for variant in (
            character + "reviewer",
            "re" + character + "viewer",
            "reviewer" + character,
            "REVIEWER" + character,
        ):
            response = right_password_login(client, variant)
            assert response.status_code == 429, (repr(variant), response.status_code)
    assert client.get("/").status_code == 302  # never signed in


def test_failed_sign_ins_under_control_character_spellings_count_against_the_account(app):
    app.config.update(LOGIN_LIMIT_PER_ADDRESS="10000 per 15 minutes")
    client = app.test_client()
    for character in ("\x01", "\x1f", "\x7f", "\u200b", "\x00"):
        assert failed_login(client, f"rev{character}iewer").status_code == 422
    assert right_password_login(client, "reviewer").status_code == 429


def test_the_same_name_finds_the_account_and_keys_its_limit():
    from annotator.services.users import login_name

    for character in CONTROL_CHARACTERS + ["\x80", "\x9f", "\u200b", "\u2060", "\ufeff"]:
        assert login_name(f" al{character}ice ") == "alice"
    assert login_name("Cafe\u0301") == "Café"  # NFC, as stored
    assert login_name(None) == login_name(b"alice") == ""


def test_an_account_named_before_names_were_normalised_still_signs_in_by_its_exact_name(app):
    """A name with a zero-width non-joiner (which Persian names need) or not in NFC, stored before sign-in
    names were normalised: typed exactly it still finds the account, and its failures count against the
    normalised name like every other spelling's."""
    from annotator.extensions import db
    from annotator.services.users import create_or_update_user

    app.config.update(LOGIN_LIMIT_PER_ADDRESS="10000 per 15 minutes")
    legacy = ("\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645", "Cafe\u0301")
    with app.app_context():
        for name in legacy:
            create_or_update_user(session=db.session(), username=name, role="reviewer", password=PASSWORD)
    for name in legacy:
        client = app.test_client()
        assert right_password_login(client, name).status_code == 303, repr(name)
        assert client.get("/").status_code == 200
    client = app.test_client()
    for spelling in ("Cafe\u0301", "Caf\u00e9", "CAF\u00c9\x01", "Cafe\u0301", "Caf\u00e9\u200b"):
        assert failed_login(client, spelling).status_code == 422
    assert right_password_login(client, "Cafe\u0301").status_code == 429


# --- Sessions that end (outside test finding 3) --------------------------------------------------------------


def cookie_of(client) -> str:
    return client.get_cookie("session").value


def replay(app, cookie: str):
    """A new browser that sends ``cookie`` as its session: what an attacker holding a copy would do."""
    other = app.test_client()
    other.set_cookie("session", cookie)
    return other


def test_a_session_cookie_replayed_after_sign_out_signs_nobody_in(app, reviewer_client):
    copied = cookie_of(reviewer_client)
    assert replay(app, copied).get("/").status_code == 200
    token = csrf_token(reviewer_client, "/")
    assert reviewer_client.post("/logout", data={"csrf_token": token}).status_code == 303
    replayed = replay(app, copied)
    assert replayed.get("/").status_code == 302
    assert replayed.get("/articles/1", headers={"HX-Request": "true"}).status_code == 401


def test_signing_out_ends_the_accounts_other_sessions_too(app):
    laptop, phone = app.test_client(), app.test_client()
    assert login(laptop, "reviewer").status_code == login(phone, "reviewer").status_code == 303
    laptop.post("/logout", data={"csrf_token": csrf_token(laptop, "/")})
    assert phone.get("/").status_code == 302
    assert login(phone, "reviewer").status_code == 303 and phone.get("/").status_code == 200


@pytest.mark.parametrize(
    "command",
    [
        ["create-user", "reviewer", "--password", "a new password"],
        ["create-user", "reviewer", "--role", "lead", "--password", PASSWORD],
        ["deactivate-user", "reviewer"],
    ],
)
def test_a_new_password_a_new_role_or_deactivation_ends_the_users_sessions(app, reviewer_client, lead_client, command):
    copied = cookie_of(reviewer_client)
    result = app.test_cli_runner().invoke(args=command)
    assert result.exit_code == 0, result.output
    assert replay(app, copied).get("/").status_code == 302
    assert reviewer_client.get("/").status_code == 302
    assert lead_client.get("/").status_code == 200  # other accounts keep theirs


def test_a_deactivated_user_cannot_sign_in_until_given_a_password_again(app, client):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["deactivate-user", "reviewer"]).exit_code == 0
    assert login(client, "reviewer").status_code == 422
    assert runner.invoke(args=["create-user", "reviewer", "--password", "back again 123"]).exit_code == 0
    assert login(client, "reviewer", "back again 123").status_code == 303
    failed = runner.invoke(args=["deactivate-user", "nobody"])
    assert failed.exit_code == 1 and "no user named nobody" in failed.output


def test_a_cookie_from_before_session_versions_signs_nobody_in(app, reviewer_client):
    """A cookie that names a user but carries no session version (as every cookie did before) is over."""
    from flask.sessions import SecureCookieSessionInterface

    serializer = SecureCookieSessionInterface().get_signing_serializer(app)
    old_style = serializer.dumps({"_user_id": "1", "_fresh": True, "csrf_token": "x"})
    assert replay(app, old_style).get("/").status_code == 302


class Clock:
    """time.time as the session checks see it, moved on by hand."""

    def __init__(self, monkeypatch):
        import time

        self.now = time.time()
        monkeypatch.setattr("annotator.web.auth.time.time", lambda: self.now)

    def advance(self, hours: float) -> None:
        self.now += hours * 3600


def test_a_session_ends_after_twelve_hours_without_use(app, monkeypatch):
    clock = Clock(monkeypatch)
    client = app.test_client()
    assert login(client, "reviewer").status_code == 303
    clock.advance(11.9)
    assert client.get("/").status_code == 200  # used: the idle clock starts again
    clock.advance(11.9)
    assert client.get("/").status_code == 200
    clock.advance(12.1)
    assert client.get("/").status_code == 302


def test_a_session_ends_fourteen_days_after_signing_in_however_busy(app, monkeypatch):
    clock = Clock(monkeypatch)
    client = app.test_client()
    assert login(client, "reviewer").status_code == 303
    for _ in range(14 * 2 - 1):  # used every 12 hours less a minute: never idle
        clock.advance(12 - 1 / 60)
        assert client.get("/").status_code == 200
    clock.advance(12)
    assert client.get("/").status_code == 302
    assert login(client, "reviewer").status_code == 303 and client.get("/").status_code == 200


def test_the_session_limits_are_settings(tmp_path, monkeypatch):
    monkeypatch.setenv("ANNOTATOR_SESSION_IDLE_HOURS", "0.5")
    monkeypatch.setenv("ANNOTATOR_SESSION_LIFETIME_HOURS", "8")
    app = make_app(tmp_path / "limits.sqlite3")
    assert app.config["SESSION_IDLE_SECONDS"] == 1800 and app.config["SESSION_LIFETIME_SECONDS"] == 8 * 3600
    response = login(app.test_client(), "reviewer")
    expires = re.search(r"Expires=([^;]+)", session_cookie(response)).group(1)
    from datetime import datetime
    from email.utils import parsedate_to_datetime

    left = parsedate_to_datetime(expires) - datetime.now(UTC)
    assert 7.9 * 3600 < left.total_seconds() <= 8 * 3600  # the browser drops it at the absolute limit too
    app.extensions["engine"].dispose()
    monkeypatch.setenv("ANNOTATOR_SESSION_IDLE_HOURS", "zero")
    with pytest.raises(ValueError):
        make_app(tmp_path / "bad.sqlite3")


def test_polls_do_not_keep_an_idle_session_alive(app, monkeypatch, reviewer_client, demo_article):
    from tests.fixtures.live import Poller

    clock = Clock(monkeypatch)
    poller = Poller(reviewer_client, demo_article.id)
    for _ in range(11):  # the page polls for 11 hours; the reviewer does nothing
        clock.advance(1)
        assert poller.poll().status_code in (200, 304)
    clock.advance(1.5)
    assert poller.poll().status_code == 401


def test_a_revoked_session_gets_no_304_from_the_live_poll(app, reviewer_client, demo_article):
    from tests.fixtures.live import Poller

    copied = cookie_of(reviewer_client)
    thief = replay(app, copied)
    poller = Poller(thief, demo_article.id)
    assert poller.poll().status_code in (200, 304)
    reviewer_client.post("/logout", data={"csrf_token": csrf_token(reviewer_client, "/")})
    assert poller.poll().status_code == 401
