"""Signing in and out, and what anonymous visitors may reach."""

import pytest

from tests.fixtures.app import HX, PASSWORD, csrf_token, login
from tests.fixtures.htmltree import labelled, page

PROTECTED_GET_ROUTES = [
    "/",
    "/articles/new",
    "/articles/1",
    "/articles/1/summary",
    "/articles/1/annotations.jsonld",
    "/articles/1/annotations.csv",
    "/articles/1/spans/1",
    "/annotations/1/edit",
    "/articles/1/annotate?start=0&end=5&quote=Putin",
    "/articles/1/claims",
    "/annotate/source-row?index=1",
]


def test_login_page_has_labelled_username_and_password_and_sign_in_button(client):
    response = client.get("/login")
    assert response.status_code == 200
    root = page(response)
    username = labelled(root, "Username")
    password = labelled(root, "Password")
    assert username is not None and username.tag == "input"
    assert password is not None and password.get("type") == "password"
    buttons = [b.text().strip() for b in root.find_all("button")]
    assert "Sign in" in buttons


def test_successful_login_redirects_with_303_and_opens_the_article_list(client, demo_article):
    response = login(client, "reviewer")
    assert response.status_code == 303
    assert response.headers["Location"] == "/"
    home = client.get("/")
    assert home.status_code == 200
    assert demo_article.title in home.get_data(as_text=True)


def test_wrong_password_answers_422_with_a_message_and_no_session(client):
    response = login(client, "reviewer", "not the password")
    assert response.status_code == 422
    assert "wrong password" in response.get_data(as_text=True)
    follow = client.get("/")
    assert follow.status_code == 302
    assert follow.headers["Location"].startswith("/login")


def test_unknown_user_answers_422_like_a_wrong_password(client):
    response = login(client, "nobody-here")
    assert response.status_code == 422
    assert "Unknown username or wrong password." in response.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_login_without_csrf_token_is_rejected(client):
    response = client.post("/login", data={"username": "reviewer", "password": PASSWORD})
    assert response.status_code == 400
    assert client.get("/").status_code == 302


@pytest.mark.parametrize("path", PROTECTED_GET_ROUTES)
def test_anonymous_visitor_is_redirected_to_login(client, path):
    response = client.get(path)
    assert response.status_code in (302, 303)
    assert response.headers["Location"].startswith("/login?next=")


@pytest.mark.parametrize(
    "path", ["/articles/1/annotations", "/annotations/1", "/annotations/1/delete", "/articles/new"]
)
def test_anonymous_post_with_valid_csrf_token_is_redirected_to_login_and_changes_nothing(client, path):
    token = csrf_token(client, "/login")
    response = client.post(path, data={"csrf_token": token, "quote": "Putin", "verdict": "true"})
    assert response.status_code in (302, 303)
    assert response.headers["Location"].startswith("/login")


@pytest.mark.parametrize("path", ["/", "/articles/1", "/articles/1/spans/1"])
def test_anonymous_htmx_request_gets_401_with_hx_redirect_to_login(client, path):
    response = client.get(path, headers=HX)
    assert response.status_code == 401
    assert response.headers["HX-Redirect"].startswith("/login")


@pytest.mark.parametrize(
    "path", ["/login", "/static/app.css", "/static/annotator.js", "/vendor/htmx/htmx.min.js", "/verdicts.css"]
)
def test_login_page_and_assets_are_public(client, path):
    response = client.get(path)
    assert response.status_code == 200


def test_login_follows_next_to_a_page_of_this_site(client, demo_article):
    token = csrf_token(client, "/login")
    response = client.post(
        f"/login?next=/articles/{demo_article.id}",
        data={"username": "reviewer", "password": PASSWORD, "csrf_token": token},
    )
    assert response.status_code == 303
    assert response.headers["Location"] == f"/articles/{demo_article.id}"


def test_login_redirect_keeps_the_next_page_through_the_form(client, demo_article):
    first = client.get(f"/articles/{demo_article.id}")
    login_url = first.headers["Location"]
    form_page = page(client.get(login_url))
    action = form_page.find("form", method="post").get("action")
    token = csrf_token(client, login_url)
    response = client.post(action, data={"username": "reviewer", "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 303
    assert response.headers["Location"] == f"/articles/{demo_article.id}"


@pytest.mark.parametrize(
    "target",
    [
        "//evil.com",
        "https://evil.com",
        "http://evil.com/path",
        "//evil.com/articles/1",
        "/\\evil.com",
        "\\\\evil.com",
        "/\t/evil.com",
        "javascript:alert(1)",
        "https:evil.com",
        "evil.com",
        "/\r\nX:1",
        "/\nSet-Cookie: a=b",
        "/nowhere",
        "/logout",
        "/articles/1\x00",
        "/articles/1 x",
        "/\u2028x",
        "/api/v1/articles",
    ],
)
def test_login_next_that_is_no_page_of_this_site_is_refused_without_signing_in(client, target):
    """Another host, a scheme, control characters or white space (a header split), or no page of the
    app: 400 with the reason, the form again (without the bad next), and nobody signed in."""
    token = csrf_token(client, "/login")
    response = client.post(
        "/login",
        query_string={"next": target},
        data={"username": "reviewer", "password": PASSWORD, "csrf_token": token},
    )
    assert response.status_code == 400
    assert "Location" not in response.headers and "X" not in response.headers
    body = response.get_data(as_text=True)
    assert "not a page of this site" in body
    assert page(response).find("form", method="post").get("action") == "/login"
    assert client.get("/").status_code == 302  # not signed in


def test_login_page_with_a_bad_next_leaves_it_out_of_the_form(client):
    response = client.get("/login", query_string={"next": "//evil.com"})
    assert response.status_code == 200
    assert page(response).find("form", method="post").get("action") == "/login"
    token = csrf_token(client, "/login")
    signed_in = client.post("/login", data={"username": "reviewer", "password": PASSWORD, "csrf_token": token})
    assert signed_in.status_code == 303 and signed_in.headers["Location"] == "/"


def test_login_next_keeps_the_query_of_a_page_of_this_site(client, demo_article):
    token = csrf_token(client, "/login")
    target = f"/search?q=%22600%2C000%22&article={demo_article.id}"
    response = client.post(
        "/login",
        query_string={"next": target},
        data={"username": "reviewer", "password": PASSWORD, "csrf_token": token},
    )
    assert response.status_code == 303 and response.headers["Location"] == target


def test_logout_is_post_only(reviewer_client):
    assert reviewer_client.get("/logout").status_code == 405
    assert reviewer_client.get("/").status_code == 200


def test_logout_without_csrf_token_is_rejected_and_keeps_the_session(reviewer_client):
    response = reviewer_client.post("/logout")
    assert response.status_code == 400
    assert reviewer_client.get("/").status_code == 200


def test_logout_with_wrong_csrf_token_is_rejected(reviewer_client):
    response = reviewer_client.post("/logout", data={"csrf_token": "forged"})
    assert response.status_code == 400
    assert reviewer_client.get("/").status_code == 200


def test_logout_with_csrf_token_ends_the_session(reviewer_client):
    token = csrf_token(reviewer_client, "/")
    response = reviewer_client.post("/logout", data={"csrf_token": token})
    assert response.status_code == 303
    assert response.headers["Location"] == "/login"
    assert reviewer_client.get("/").status_code == 302


def test_signed_in_pages_show_who_is_signed_in_and_a_sign_out_button(reviewer_client):
    root = page(reviewer_client.get("/"))
    assert "Riley Reviewer" in root.find(class_="whoami").text()
    form = root.find("form", action="/logout")
    assert form is not None and form.get("method") == "post"
    assert form.find("input", name="csrf_token") is not None


def test_user_without_password_cannot_sign_in(app, client):
    from annotator.db.models import User
    from annotator.extensions import db

    with app.app_context():
        session = db.session()
        session.add(User(username="imported", display_name="Imported", role="reviewer"))
        session.commit()
    response = login(client, "imported", "")
    assert response.status_code == 422
    assert client.get("/").status_code == 302


def test_passwords_are_stored_as_scrypt_hashes(monkeypatch):
    from annotator.db.models import accounts
    from tests.fixtures.app import PRODUCTION_HASH_METHOD

    assert PRODUCTION_HASH_METHOD == "scrypt"
    monkeypatch.setattr(accounts, "PASSWORD_HASH_METHOD", PRODUCTION_HASH_METHOD)
    user = accounts.User(username="hashme", display_name="Hash Me")
    user.set_password("s3cret-passphrase")
    assert user.password_hash.startswith("scrypt:")
    assert "s3cret-passphrase" not in user.password_hash
    assert user.check_password("s3cret-passphrase")
    assert not user.check_password("wrong")
