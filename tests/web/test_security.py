"""Security headers, session handling and sign-in rate limits."""
import re

import pytest

from annotator import create_app
from tests.conftest import PASSWORD, csrf_token, login, make_app

REQUIRED_CSP = ["default-src 'self'", "script-src 'self'", "object-src 'none'", "base-uri 'self'",
                "frame-ancestors 'none'", "form-action 'self'"]


@pytest.mark.parametrize("path", ["/login", "/", "/articles/1", "/articles/1/annotations.jsonld", "/verdicts.css",
                                  "/static/app.css", "/nowhere"])
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
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "DATABASE_URL": f"sqlite:///{tmp_path / 'h.sqlite3'}",
                      "HSTS_SECONDS": 31536000})
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
    response = client.post("/login", data={"username": "lead", "password": PASSWORD, "csrf_token": token},
                           headers={"HX-Request": "true"})
    assert response.status_code == 429 and response.headers["HX-Retarget"] == "#notice"


def test_a_request_body_over_the_limit_is_413(app, reviewer_client, demo_article):
    app.config.update(MAX_CONTENT_LENGTH=10_000)
    token = csrf_token(reviewer_client, f"/articles/{demo_article.id}")
    response = reviewer_client.post(f"/articles/{demo_article.id}/annotations",
                                    data={"csrf_token": token, "note": "x" * 20_000, "verdict": "true",
                                          "quote": "Putin"})
    assert response.status_code == 413
    assert re.search(r"Too large", response.get_data(as_text=True))
