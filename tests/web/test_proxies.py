"""Behind a reverse proxy (ANNOTATOR_TRUSTED_PROXIES): each client keeps its own sign-in bucket and the
request log names the client, while a client that writes X-Forwarded-For itself chooses nothing."""

import logging

import pytest

from annotator import config
from tests.fixtures.app import csrf_token, make_app

PROXY = "127.0.0.1"  # the address every request comes from behind a proxy


def failed_login(client, forwarded_for: str | None):
    headers = {"X-Forwarded-For": forwarded_for} if forwarded_for else {}
    token = csrf_token(client, "/login")
    return client.post(
        "/login",
        data={"username": "nobody", "password": "wrong password", "csrf_token": token},
        headers=headers,
        environ_base={"REMOTE_ADDR": PROXY},
    )


@pytest.fixture
def proxied_app(tmp_path, monkeypatch):
    monkeypatch.setenv("ANNOTATOR_TRUSTED_PROXIES", "1")
    app = make_app(tmp_path / "proxied.sqlite3")
    app.config.update(LOGIN_LIMIT_PER_ADDRESS="3 per 15 minutes", LOGIN_LIMIT_PER_ACCOUNT="1000 per 15 minutes")
    yield app
    app.extensions["engine"].dispose()


def test_behind_a_trusted_proxy_each_client_has_its_own_sign_in_bucket(proxied_app):
    first, second = proxied_app.test_client(), proxied_app.test_client()
    for _ in range(3):
        assert failed_login(first, "203.0.113.5").status_code == 422
    assert failed_login(first, "203.0.113.5").status_code == 429
    assert failed_login(second, "198.51.100.7").status_code == 422  # not locked out by the first client


def test_behind_a_trusted_proxy_a_client_cannot_choose_its_address(proxied_app):
    """The proxy appends the address it saw; what the client wrote before it is not believed."""
    client = proxied_app.test_client()
    for n in range(3):
        assert failed_login(client, f"10.0.0.{n}, 203.0.113.5").status_code == 422
    assert failed_login(client, "10.0.0.99, 203.0.113.5").status_code == 429


def test_behind_a_trusted_proxy_the_request_log_names_the_client(proxied_app, caplog):
    caplog.set_level(logging.INFO, logger="annotator.requests")
    proxied_app.test_client().get(
        "/login", headers={"X-Forwarded-For": "203.0.113.5"}, environ_base={"REMOTE_ADDR": PROXY}
    )
    (record,) = [r for r in caplog.records if r.name == "annotator.requests"]
    assert record.getMessage().endswith("address=203.0.113.5")


def test_by_default_forwarded_headers_are_ignored(app, caplog):
    """With no trusted proxy, a client that sends a new X-Forwarded-For each time still runs out of guesses."""
    app.config.update(LOGIN_LIMIT_PER_ADDRESS="3 per 15 minutes", LOGIN_LIMIT_PER_ACCOUNT="1000 per 15 minutes")
    caplog.set_level(logging.INFO, logger="annotator.requests")
    client = app.test_client()
    for n in range(3):
        assert failed_login(client, f"203.0.113.{n}").status_code == 422
    assert failed_login(client, "203.0.113.99").status_code == 429
    lines = [r.getMessage() for r in caplog.records if r.name == "annotator.requests"]
    assert lines and all(line.endswith(f"address={PROXY}") for line in lines)


@pytest.mark.parametrize("value", ["-1", "two", "1.5", "11", "１"])
def test_a_bad_trusted_proxies_setting_stops_the_app_with_its_name(tmp_path, monkeypatch, value):
    monkeypatch.setenv("ANNOTATOR_TRUSTED_PROXIES", value)
    with pytest.raises(ValueError, match="ANNOTATOR_TRUSTED_PROXIES must be a number of proxies from 0 to 10"):
        config.from_environment(tmp_path)


@pytest.mark.parametrize("value, hops", [("", 0), ("0", 0), ("2", 2), (" 1 ", 1)])
def test_trusted_proxies_reads_a_hop_count(tmp_path, monkeypatch, value, hops):
    monkeypatch.setenv("ANNOTATOR_TRUSTED_PROXIES", value)
    assert config.from_environment(tmp_path)["TRUSTED_PROXIES"] == hops
