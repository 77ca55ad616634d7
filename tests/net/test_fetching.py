"""The fetch address check: http(s) only, no credentials, and only public addresses unless a host is allowed."""

from __future__ import annotations

import socket

import pytest

from annotator.net.fetching import FetchError, FetchRules, checked_target, not_fetchable


def resolver(*addresses: str):
    def resolve(host, port, type=None):
        return [
            (socket.AF_INET6 if ":" in a else socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port)) for a in addresses
        ]

    return resolve


PUBLIC = "93.184.216.34"


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.0.0.8",
        "172.16.5.4",
        "192.168.1.1",
        "169.254.169.254",
        "100.64.0.1",
        "0.0.0.0",
        "224.0.0.1",
        "240.0.0.1",
        "::1",
        "fe80::1",
        "fc00::1",
        "::ffff:127.0.0.1",
        "::ffff:a00:1",
        "64:ff9b::a00:1",
        "64:ff9b:1::a00:1",
        "2002:a00:1::",
        "2001:0:4136:e378::1",
        "::127.0.0.1",
    ],
)
def test_hosts_on_private_or_reserved_addresses_are_refused(address):
    with pytest.raises(FetchError, match="news.example cannot be fetched") as refused:
        checked_target("https://news.example/story", FetchRules(), resolver(address))
    assert str(refused.value) == not_fetchable("news.example") and address not in str(refused.value)


def test_a_host_with_one_private_address_among_public_ones_is_refused_without_naming_it():
    with pytest.raises(FetchError, match="news.example cannot be fetched") as refused:
        checked_target("https://news.example/", FetchRules(), resolver(PUBLIC, "10.0.0.8"))
    assert "10.0.0.8" not in str(refused.value)  # no map of the internal network for whoever asks


def test_a_public_host_gives_the_checked_address_to_connect_to():
    target = checked_target("https://news.example:8443/a/b?x=1#frag", FetchRules(), resolver(PUBLIC))
    assert (target.scheme, target.host, target.port, target.addresses, target.path) == (
        "https",
        "news.example",
        8443,
        (PUBLIC,),
        "/a/b?x=1",
    )
    assert checked_target("http://news.example", FetchRules(), resolver(PUBLIC)).path == "/"


@pytest.mark.parametrize(
    "url",
    [
        "ftp://news.example/a",
        "file:///etc/passwd",
        "javascript:alert(1)",
        "news.example",
        "http://",
        "gopher://news.example",
        "http://[::1",
        "http://news.example:99999/",
    ],
)
def test_only_http_and_https_addresses_are_fetched(url):
    with pytest.raises(FetchError):
        checked_target(url, FetchRules(), resolver(PUBLIC))


def test_addresses_with_credentials_are_refused():
    with pytest.raises(FetchError, match="user name or password"):
        checked_target("https://user:secret@news.example/", FetchRules(), resolver(PUBLIC))


def test_an_allowed_host_may_be_private():
    rules = FetchRules(allowed_hosts=frozenset({"127.0.0.1", "cms.intranet"}))
    assert checked_target("http://127.0.0.1:8000/x", rules, resolver("127.0.0.1")).addresses == ("127.0.0.1",)
    assert checked_target("http://cms.intranet/x", rules, resolver("10.0.0.8")).addresses == ("10.0.0.8",)
    with pytest.raises(FetchError):
        checked_target("http://other.intranet/x", rules, resolver("10.0.0.9"))


def test_unknown_hosts_and_private_ones_get_the_same_message():
    """Telling "no such host" from "a host on the internal network" apart would let anyone who may
    import a page probe which internal host names exist."""

    def fail(*args, **kwargs):
        raise socket.gaierror("no such host")

    with pytest.raises(FetchError) as unknown:
        checked_target("https://intranet-wiki/", FetchRules(), fail)
    with pytest.raises(FetchError) as private:
        checked_target("https://intranet-wiki/", FetchRules(), resolver("10.0.0.8"))
    with pytest.raises(FetchError) as no_address:
        checked_target("https://intranet-wiki/", FetchRules(), resolver())
    assert str(unknown.value) == str(private.value) == str(no_address.value) == not_fetchable("intranet-wiki")


def test_ipv4_addresses_are_tried_first_and_each_only_once():
    target = checked_target(
        "https://news.example/", FetchRules(), resolver("2606:2800:220:1:248:1893:25c8:1946", PUBLIC, PUBLIC)
    )
    assert target.addresses == (PUBLIC, "2606:2800:220:1:248:1893:25c8:1946")


def test_international_host_names_are_looked_up_and_sent_in_their_ascii_form():
    asked = []

    def resolve(host, port, type=None):
        asked.append(host)
        return resolver(PUBLIC)(host, port, type)

    assert checked_target("https://пример.рф/новости", FetchRules(), resolve).host == "xn--e1afmkfd.xn--p1ai"
    assert asked == ["xn--e1afmkfd.xn--p1ai"]
