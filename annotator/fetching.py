"""Fetching a web page to import, safely: http(s) only, public addresses only, bounded in time,
size and redirects.

Each hop's host is resolved once and every address it resolves to is checked: loopback,
private, link-local, shared, reserved, multicast and unspecified addresses are refused (no
server-side request forgery into the newsroom's network) unless the host is in the allowed
list. The connection then goes to the address that was checked, so a second DNS answer
cannot send it elsewhere. Redirects are followed by hand, each hop checked the same way.
"""
from __future__ import annotations

import ipaddress
import socket
import time
from dataclasses import dataclass
from typing import Callable, Iterable
from urllib.parse import urljoin, urlsplit

import urllib3

USER_AGENT = "FactCheckAnnotator/1.0 (article import)"
HTML_TYPES = ("text/html", "application/xhtml+xml")
REDIRECTS = (301, 302, 303, 307, 308)


class FetchError(ValueError):
    """Why the page could not be fetched, in a sentence."""


@dataclass(frozen=True)
class FetchRules:
    allowed_hosts: frozenset[str] = frozenset()  # hosts (names or addresses) exempt from the address check
    timeout: float = 10.0  # seconds for the whole fetch, redirects included
    max_bytes: int = 5 * 1024 * 1024
    max_redirects: int = 5


@dataclass(frozen=True)
class Fetched:
    url: str  # the address that answered, after redirects
    body: bytes
    charset: str | None  # from the Content-Type header; None lets the page's own <meta> decide


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str
    port: int
    address: str  # the checked address to connect to
    path: str  # path and query


Resolver = Callable[..., Iterable[tuple]]


def checked_target(url: str, rules: FetchRules, resolve: Resolver = socket.getaddrinfo) -> Target:
    """Where ``url`` would be fetched from; FetchError when it is not an http(s) address of a public host."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise FetchError(f"“{url}” is not a web address.") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise FetchError(f"Only http:// and https:// addresses can be fetched, not “{url}”.")
    if parts.username or parts.password:
        raise FetchError("Addresses with a user name or password are not fetched.")
    host = parts.hostname
    try:
        found = {info[4][0] for info in resolve(host, port, type=socket.SOCK_STREAM)}
    except (socket.gaierror, UnicodeError, OSError):
        raise FetchError(f"The host {host} could not be found.") from None
    if not found:
        raise FetchError(f"The host {host} could not be found.")
    allowed = host in rules.allowed_hosts
    for address in sorted(found):
        if not allowed and address not in rules.allowed_hosts and not is_public(address):
            raise FetchError(f"{host} is on a private or reserved network address ({address}); "
                             "only public web pages are fetched.")
    path = parts.path or "/"
    return Target(parts.scheme, host, port, sorted(found)[0], path + (f"?{parts.query}" if parts.query else ""))


def is_public(address: str) -> bool:
    """Whether an address is on the public internet (multicast counts as global, yet is no web server)."""
    ip = ipaddress.ip_address(address)
    return ip.is_global and not ip.is_multicast


def fetch(url: str, rules: FetchRules, resolve: Resolver = socket.getaddrinfo) -> Fetched:
    """The HTML page at ``url``, after at most ``rules.max_redirects`` redirects, each hop checked."""
    deadline = time.monotonic() + rules.timeout
    for _hop in range(rules.max_redirects + 1):
        target = checked_target(url, rules, resolve)
        pool, response = _request(target, max(0.1, deadline - time.monotonic()))
        try:
            if response.status in REDIRECTS:
                location = response.headers.get("Location")
                if not location:
                    raise FetchError(f"{url} redirects without saying where.")
                url = urljoin(url, location)
                continue
            if response.status != 200:
                raise FetchError(f"The server answered {response.status} for {url}.")
            content_type = response.headers.get("Content-Type", "")
            if content_type.split(";")[0].strip().lower() not in HTML_TYPES:
                raise FetchError(f"{url} is not a web page ({content_type.split(';')[0] or 'no type'}).")
            return Fetched(url, _read(response, rules.max_bytes, deadline), _charset(content_type))
        finally:
            response.release_conn()
            pool.close()
    raise FetchError(f"More than {rules.max_redirects} redirects: stopped at {url}.")


def _request(target: Target, timeout: float):
    headers = {"Host": target.host if target.port in (80, 443) else f"{target.host}:{target.port}",
               "User-Agent": USER_AGENT, "Accept": "text/html,application/xhtml+xml;q=0.9"}
    options = {"timeout": urllib3.Timeout(connect=timeout, read=timeout), "retries": False, "maxsize": 1}
    if target.scheme == "https":  # the certificate must be the host's, though we connect to its address
        pool = urllib3.HTTPSConnectionPool(target.address, target.port, server_hostname=target.host,
                                           assert_hostname=target.host, **options)
    else:
        pool = urllib3.HTTPConnectionPool(target.address, target.port, **options)
    try:
        return pool, pool.urlopen("GET", target.path, headers=headers, redirect=False, preload_content=False)
    except urllib3.exceptions.TimeoutError:
        pool.close()
        raise FetchError(f"{target.host} did not answer in time.") from None
    except urllib3.exceptions.HTTPError as error:
        pool.close()
        raise FetchError(f"{target.host} could not be reached ({type(error).__name__}).") from None


def _read(response, max_bytes: int, deadline: float) -> bytes:
    declared = response.headers.get("Content-Length")
    if declared and declared.isdigit() and int(declared) > max_bytes:
        raise FetchError(f"The page is larger than {max_bytes // (1024 * 1024)} MB.")
    chunks, size = [], 0
    try:
        for chunk in response.stream(64 * 1024):
            size += len(chunk)
            if size > max_bytes:
                raise FetchError(f"The page is larger than {max_bytes // (1024 * 1024)} MB.")
            if time.monotonic() > deadline:
                raise FetchError("The page took too long to arrive.")
            chunks.append(chunk)
    except urllib3.exceptions.TimeoutError:
        raise FetchError("The page took too long to arrive.") from None
    except urllib3.exceptions.HTTPError as error:
        raise FetchError(f"The page could not be read ({type(error).__name__}).") from None
    return b"".join(chunks)


def _charset(content_type: str) -> str | None:
    for parameter in content_type.split(";")[1:]:
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "charset" and value.strip():
            return value.strip().strip('"').lower()
    return None
