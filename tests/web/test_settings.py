"""The settings page's API tokens (make one, see it once, revoke it) and the token commands."""

import re

import pytest

from annotator.db.models import ApiToken
from tests.fixtures.api_helpers import bearer, make_token
from tests.fixtures.app import HX, csrf_token, rows
from tests.fixtures.cli import assert_one_line_failure
from tests.fixtures.htmltree import page

TOKEN = re.compile(r"fca_[A-Za-z0-9_-]{43}")


def create_token(client, name="CMS sync", *, htmx=False):
    token = csrf_token(client, "/settings/tokens")
    return client.post("/settings/tokens", data={"name": name, "csrf_token": token}, headers=HX if htmx else {})


def revoke(client, token_id, *, htmx=False):
    token = csrf_token(client, "/settings/tokens")
    return client.post(f"/settings/tokens/{token_id}/revoke", data={"csrf_token": token}, headers=HX if htmx else {})


def test_the_settings_page_is_linked_from_every_page(reviewer_client):
    body = reviewer_client.get("/").get_data(as_text=True)
    assert 'href="/settings/tokens"' in body
    response = reviewer_client.get("/settings/tokens")
    assert response.status_code == 200
    root = page(response)
    assert root.find("h1").text().strip() == "API tokens"
    assert "You have no API tokens yet." in root.text()
    assert root.find("label", for_="name").text().strip() == "Token name"


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get("/settings/tokens")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_a_new_token_is_shown_once_and_works(app, client, reviewer_client):
    response = create_token(reviewer_client, "CMS sync")
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    (token,) = set(TOKEN.findall(body))
    assert "shown only this once" in body
    (row,) = rows(app, ApiToken)
    assert row.name == "CMS sync" and token.startswith(row.prefix) and token not in row.token_hash
    assert client.get("/api/v1/articles", headers=bearer(token)).status_code == 200
    listing = reviewer_client.get("/settings/tokens").get_data(as_text=True)
    assert TOKEN.findall(listing) == [] and f"{row.prefix}…" in listing and "CMS sync" in listing


def test_with_htmx_the_answer_is_the_tokens_section_alone(reviewer_client):
    response = create_token(reviewer_client, "Script", htmx=True)
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in body
    assert 'id="tokens"' in body and len(set(TOKEN.findall(body))) == 1


@pytest.mark.parametrize(
    "name, message", [("", "Name the token"), ("   ", "Name the token"), ("x" * 101, "under 100 characters")]
)
def test_a_token_needs_a_name_of_reasonable_length(app, reviewer_client, name, message):
    response = create_token(reviewer_client, name)
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    assert rows(app, ApiToken) == []


def test_creating_a_token_needs_the_csrf_token(app, reviewer_client):
    response = reviewer_client.post("/settings/tokens", data={"name": "x"})
    assert response.status_code == 400 and rows(app, ApiToken) == []


def test_revoking_ones_token_stops_it(app, client, reviewer_client):
    create_token(reviewer_client, "Old script")
    token = TOKEN.findall(create_token(reviewer_client, "Keep").get_data(as_text=True))[0]
    old = [r for r in rows(app, ApiToken) if r.name == "Old script"][0]
    response = revoke(reviewer_client, old.id)
    assert response.status_code == 303 and response.headers["Location"] == "/settings/tokens"
    revoked = [r for r in rows(app, ApiToken) if r.name == "Old script"][0]
    assert revoked.revoked_at is not None
    assert client.get("/api/v1/articles", headers=bearer(token)).status_code == 200  # the other one still works
    root = page(reviewer_client.get("/settings/tokens"))
    row = root.find("tr", id=f"token-{old.id}")
    assert "Revoked" in row.text() and row.find("button") is None


def test_revoking_with_htmx_answers_the_section(app, reviewer_client):
    create_token(reviewer_client, "Temp")
    (row,) = rows(app, ApiToken)
    response = revoke(reviewer_client, row.id, htmx=True)
    assert response.status_code == 200 and 'id="tokens"' in response.get_data(as_text=True)
    assert rows(app, ApiToken)[0].revoked_at is not None


def test_another_users_token_cannot_be_revoked(app, make_user, reviewer_client):
    """Another user's token answers exactly like a token that does not exist."""
    token = make_token(app, "lead", name="Lead's")
    (row,) = rows(app, ApiToken)
    theirs, missing = revoke(reviewer_client, row.id), revoke(reviewer_client, 9999)
    assert theirs.status_code == missing.status_code == 404
    assert rows(app, ApiToken)[0].revoked_at is None
    assert "Lead's" not in reviewer_client.get("/settings/tokens").get_data(as_text=True)
    assert token


# --- Commands ------------------------------------------------------------------------------------------


def test_create_token_prints_one_working_token(app, client, runner):
    result = runner.invoke(args=["create-token", "lead", "--name", "nightly export"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert len(lines) == 1 and TOKEN.fullmatch(lines[0])
    assert rows(app, ApiToken)[0].name == "nightly export"
    assert client.get("/api/v1/articles", headers=bearer(lines[0])).status_code == 200


@pytest.mark.parametrize(
    "args, fragment",
    [
        (["create-token", "nobody"], "no user named nobody"),
        (["create-token", "reviewer", "--name", " "], "needs a name"),
        (["revoke-token", "77"], "no API token with id 77"),
        (["list-tokens", "nobody"], "no user named nobody"),
    ],
)
def test_token_commands_fail_with_one_line(app, runner, args, fragment):
    assert_one_line_failure(runner.invoke(args=args), fragment)


def test_an_account_that_cannot_sign_in_gets_no_token(app, runner):
    from annotator.db.models import User
    from annotator.extensions import db

    with app.app_context():
        db.session().add(User(username="imported", display_name="Imported"))
        db.session().commit()
    result = runner.invoke(args=["create-token", "imported"])
    assert result.exit_code == 1 and "cannot sign in" in result.output and rows(app, ApiToken) == []


def test_list_and_revoke_tokens_from_the_command_line(app, client, runner):
    token = runner.invoke(args=["create-token", "reviewer", "--name", "laptop"]).output.strip()
    listed = runner.invoke(args=["list-tokens", "reviewer"])
    assert listed.exit_code == 0
    (line,) = listed.output.splitlines()
    token_id, prefix, name, *rest = line.split("\t")
    assert token.startswith(prefix.rstrip("…")) and name == "laptop" and rest[-1] == "active"
    result = runner.invoke(args=["revoke-token", token_id])
    assert result.exit_code == 0 and "Revoked token" in result.output
    assert client.get("/api/v1/articles", headers=bearer(token)).status_code == 401
    assert runner.invoke(args=["list-tokens", "reviewer"]).output.split("\t")[-1].startswith("revoked")
