"""Fetching a web page to import, safely: http(s) only, public addresses only, bounded in time,
size and redirects.

Each hop's host is resolved once and every address it resolves to is checked: loopback,
private, link-local, shared, reserved, multicast and unspecified addresses (and IPv6 forms
that carry an IPv4 address: mapped, NAT64, 6to4, Teredo) are refused, so that an import
cannot reach into the newsroom's network, unless the host is in the allowed list. The
connection then goes to an address that was checked, so a second DNS answer cannot send
it elsewhere. Redirects are followed by hand, each hop checked the same way. A timer closes
the connection when the whole fetch runs out of time, however slowly the server drips.
"""

from __future__ import annotations

import ipaddress
import socket
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import certifi
import urllib3
from urllib3.connection import HTTPConnection, HTTPSConnection

USER_AGENT = "FactCheckAnnotator/1.0 (article import)"
HTML_TYPES = ("text/html", "application/xhtml+xml")
REDIRECTS = (301, 302, 303, 307, 308)
# IPv6 ranges that lead to IPv4 hosts through a translator: the IPv4 address inside is not checked there.
TRANSLATED = tuple(
    ipaddress.ip_network(n) for n in ("64:ff9b::/96", "64:ff9b:1::/48", "2002::/16", "2001::/32", "::/96")
)


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
    host: str  # ASCII (IDNA) form
    port: int
    addresses: tuple[str, ...]  # the checked addresses, IPv4 first, to connect to in turn
    path: str  # path and query


Resolver = Callable[..., Iterable[tuple]]


def is_public(address: str) -> bool:
    """Whether an address is on the public internet (and not multicast, which is no web server)."""
    ip = ipaddress.ip_address(address)
    if ip.version == 6:
        if ip.ipv4_mapped is not None:
            return is_public(str(ip.ipv4_mapped))
        if any(ip in network for network in TRANSLATED):
            return False
    return ip.is_global and not ip.is_multicast


def not_fetchable(host: str) -> str:
    """Why ``host`` is not fetched, the same whether it does not exist or is not public."""
    return (
        f"{host} cannot be fetched: it could not be found, or it is not a public web address "
        "(only public web pages are fetched)."
    )


def checked_target(url: str, rules: FetchRules, resolve: Resolver = socket.getaddrinfo) -> Target:
    """Where ``url`` would be fetched from; FetchError when it is not an http(s) address of a public host."""
    try:
        parts = urlsplit(url)
        port = parts.port or (443 if parts.scheme == "https" else 80)
        host = (parts.hostname or "").encode("idna").decode("ascii")
    except (ValueError, UnicodeError):
        raise FetchError(f"“{url}” is not a web address.") from None
    if parts.scheme not in ("http", "https") or not host:
        raise FetchError(f"Only http:// and https:// addresses can be fetched, not “{url}”.")
    if parts.username or parts.password:
        raise FetchError("Addresses with a user name or password are not fetched.")
    try:
        found = list(dict.fromkeys(info[4][0] for info in resolve(host, port, type=socket.SOCK_STREAM)))
    except (OSError, UnicodeError):
        found = []
    if not found or (
        host not in rules.allowed_hosts and not all(a in rules.allowed_hosts or is_public(a) for a in found)
    ):
        # One message for a host that does not exist and one on a private or reserved network: telling
        # them apart (or naming the address) would map the newsroom's internal network.
        raise FetchError(not_fetchable(host))
    addresses = tuple(sorted(found, key=lambda a: ":" in a))  # IPv4 first: many servers have no IPv6 route
    path = parts.path or "/"
    return Target(parts.scheme, host, port, addresses, path + (f"?{parts.query}" if parts.query else ""))


def fetch(url: str, rules: FetchRules, resolve: Resolver = socket.getaddrinfo) -> Fetched:
    """The HTML page at ``url``, after at most ``rules.max_redirects`` redirects, each hop checked."""
    url = url.strip()
    deadline = time.monotonic() + rules.timeout
    for _hop in range(rules.max_redirects + 1):
        target = checked_target(url, rules, resolve)
        with Exchange(target, deadline) as exchange:
            response = exchange.response
            if response.status in REDIRECTS:
                location = response.headers.get("Location")
                if not location:
                    raise FetchError(f"{url} redirects without saying where.")
                url = urljoin(url, location.strip())
                continue
            if response.status != 200:
                raise FetchError(f"The server answered {response.status} for {url}.")
            content_type = response.headers.get("Content-Type", "")
            if content_type.split(";")[0].strip().lower() not in HTML_TYPES:
                raise FetchError(f"{url} is not a web page ({content_type.split(';')[0] or 'no type'}).")
            return Fetched(url, exchange.read(rules.max_bytes), _charset(content_type))
    raise FetchError(f"More than {rules.max_redirects} redirects: stopped at {url}.")


class Exchange:
    """One GET to a checked target: the connection, its answer, and a timer that closes the
    connection at the deadline (a read blocked on a slow server then fails at once)."""

    def __init__(self, target: Target, deadline: float) -> None:
        self.target, self.deadline, self.expired = target, deadline, False
        self.connection: HTTPConnection | None = None
        self.sock: socket.socket | None = None  # kept: http.client lets go of it once a closing answer starts
        self.timer: threading.Timer | None = None

    def __enter__(self) -> Exchange:
        target = self.target
        host_header = f"[{target.host}]" if ":" in target.host else target.host
        headers = {
            "Host": host_header if target.port in (80, 443) else f"{host_header}:{target.port}",
            "User-Agent": USER_AGENT,
            "Accept": "text/html,application/xhtml+xml;q=0.9",
        }
        self.timer = threading.Timer(max(0.0, self.deadline - time.monotonic()), self._expire)
        self.timer.daemon = True
        self.timer.start()
        try:
            self.response = self._open(headers)
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def _open(self, headers: dict):
        failure = "could not be reached"
        for address in self.target.addresses:
            timeout = max(0.1, self.deadline - time.monotonic())
            if self.target.scheme == "https":  # the certificate must be the host's, though we dial its address
                self.connection = HTTPSConnection(
                    address,
                    self.target.port,
                    timeout=timeout,
                    server_hostname=self.target.host,
                    assert_hostname=self.target.host,
                    cert_reqs="CERT_REQUIRED",
                    ca_certs=certifi.where(),
                )
            else:
                self.connection = HTTPConnection(address, self.target.port, timeout=timeout)
            try:
                self.connection.request("GET", self.target.path, headers=headers, preload_content=False)
                self.sock = self.connection.sock
                return self.connection.getresponse()
            except urllib3.exceptions.NewConnectionError:  # (a subclass of the timeout error) next address
                failure = "could not be reached"
            except (urllib3.exceptions.TimeoutError, TimeoutError):
                failure = "did not answer in time"
            except (urllib3.exceptions.HTTPError, OSError, ValueError) as error:
                failure = f"could not be reached ({type(error).__name__})"
            self.connection.close()
            if self.expired:
                break
        raise FetchError(f"{self.target.host} {'did not answer in time' if self.expired else failure}.")

    def read(self, max_bytes: int) -> bytes:
        declared = self.response.headers.get("Content-Length")
        if declared and declared.isdigit() and int(declared) > max_bytes:
            raise FetchError(f"The page is larger than {max_bytes // (1024 * 1024) or 1} MB.")
        chunks, size = [], 0
        try:
            for chunk in self.response.stream(64 * 1024):
                size += len(chunk)
                if size > max_bytes:
                    raise FetchError(f"The page is larger than {max_bytes // (1024 * 1024) or 1} MB.")
                chunks.append(chunk)
        except FetchError:
            raise
        except (urllib3.exceptions.HTTPError, OSError, ValueError) as error:
            if self.expired:
                raise FetchError("The page took too long to arrive.") from None
            raise FetchError(f"The page could not be read ({type(error).__name__}).") from None
        if self.expired:
            raise FetchError("The page took too long to arrive.")
        return b"".join(chunks)

    def _expire(self) -> None:
        self.expired = True
        sock = self.sock or getattr(self.connection, "sock", None)
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def __exit__(self, *exc) -> None:
        if self.timer is not None:
            self.timer.cancel()
        response = getattr(self, "response", None)
        if response is not None:
            response.close()
        if self.connection is not None:
            self.connection.close()


def _charset(content_type: str) -> str | None:
    for parameter in content_type.split(";")[1:]:
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "charset" and value.strip():
            return value.strip().strip('"').lower()
    return None
