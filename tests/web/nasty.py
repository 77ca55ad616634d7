"""Input no browser sends but anyone can, shared by the fuzz and bad-input tests: file parts where a form asks
for text, lone surrogates, dates at the ends of the calendar, integers too large for any column, and the
encoders that put them on the wire as a careless client would."""
import json
import re
from urllib.parse import quote

from tests.conftest import CLAIM
from tests.web.api_helpers import make_token, w3c

LONE_SURROGATES = ["\ud800", "a\udfffb", CLAIM + "\udbff", "\udc00\ud800"]
CALENDAR_EDGES = ["0001-01-01", "9999-12-31", "0000-00-00", "10000-01-01", "-0001-01-01", "2024-02-30",
                  "0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00", "0-1-0001-01-01T00:00:00+14:00",
                  "1-1-9999-12-31T23:59:59-14:00", "0001-01-01T00:00:00+23:59", "1970-01-01T00:00:00Z"]
HUGE_INTEGERS = ["9" * 400, "9" * 5000, str(2**63), str(-(2**63) - 1), "2147483648", "4294967296", "1e309",
                 "-0", "NaN", "Infinity", "١٢", "²"]
AWKWARD = LONE_SURROGATES + CALENDAR_EDGES + HUGE_INTEGERS
RAW_NUMBER = "\x00number:"


def number(text: str) -> str:
    """A JSON number written as is, beyond what Python writes (``raw`` puts it in the document unquoted)."""
    return RAW_NUMBER + text


RAW_NUMBERS = [number("9" * 5000), number("NaN"), number("-Infinity"), number("1e999"), number("-0.0e-999")]


# JSON's own: numbers beyond any column, a float where an integer belongs, and the wrong kinds of value.
AWKWARD_JSON = [*AWKWARD, *RAW_NUMBERS, None, True, 0, -1, 2**63, 2**70, -(2**64), 10**400, 1e308, 0.5, [], {},
                [None], {"a": "\ud800"}, ["\ud800"]]
# One of each kind, for the sweeps that send every one to every field.
SAMPLE = ["\ud800", "a\udfffb", "0001-01-01T00:00:00+14:00", "0-1-0001-01-01T00:00:00+14:00", "9999-12-31",
          "0000-00-00", "9" * 5000, str(2**63), "-1", "1e309", "١٢"]
SAMPLE_JSON = [*SAMPLE, None, 2**63, 10**400, 1e308, 0.5, [], {}, ["\ud800"], *RAW_NUMBERS]


# Valid documents, whose members the fuzz and sweep tests replace one at a time.
W3C_ITEM = w3c(CLAIM, note="A note", sources=[{"url": "https://a.example/", "title": "A", "excerpt": "E"}], start=0,
               end=len(CLAIM))
CLAIM_REVIEW = {"@context": "https://schema.org", "@type": "ClaimReview", "url": "https://checks.example/1",
                "claimReviewed": CLAIM, "datePublished": "2024-05-01",
                "reviewRating": {"@type": "Rating", "ratingValue": 2, "bestRating": 5, "worstRating": 1,
                                 "alternateName": "False"},
                "author": {"@type": "Organization", "name": "Checks", "url": "https://checks.example/"},
                "itemReviewed": {"@type": "Claim", "author": {"name": "Someone"}, "datePublished": "2024-04-01"}}


class FilePart:
    """A multipart file part (made into a fresh file for each request)."""

    def __init__(self, content: bytes, filename: str):
        self.content, self.filename = content, filename

    def __repr__(self) -> str:
        return f"FilePart({self.content!r}, {self.filename!r})"


def encoded(value: str) -> bytes:
    """Text as bytes, a lone surrogate included (as CESU-8, which is no UTF-8)."""
    return value.encode("utf-8", "surrogatepass")


def form_body(fields) -> tuple[bytes, str]:
    """A form body and its content type: multipart when a field is a file part, else URL-encoded."""
    if not any(isinstance(value, FilePart) for _, value in fields):
        body = "&".join(f"{quote(encoded(k))}={quote(encoded(v))}" for k, v in fields)
        return body.encode("ascii"), "application/x-www-form-urlencoded"
    boundary = "fuzz-boundary-7MA4YWxkTrZu0gW"
    parts = []
    for name, value in fields:
        if isinstance(value, FilePart):
            head = (f'Content-Disposition: form-data; name="{name}"; filename="{value.filename}"\r\n'
                    "Content-Type: application/octet-stream")
            content = value.content
        else:
            head, content = f'Content-Disposition: form-data; name="{name}"', encoded(value)
        parts.append(f"--{boundary}\r\n{head}\r\n\r\n".encode() + content + b"\r\n")
    return b"".join(parts) + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def query_string(fields) -> str:
    return "&".join(f"{quote(encoded(k))}={quote(encoded(v))}" for k, v in fields)


def json_paths(value, path=()):
    """Every place in a JSON document where a value can be replaced."""
    yield path
    if isinstance(value, dict):
        for key, item in value.items():
            yield from json_paths(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from json_paths(item, (*path, index))


def replaced(document, path, value):
    if not path:
        return value
    copy = json.loads(json.dumps(document))
    holder = copy
    for step in path[:-1]:
        holder = holder[step]
    holder[path[-1]] = value
    return copy


def raw(document) -> bytes:
    """JSON as a client may write it: a lone surrogate as its \\u escape, and ``number``s as they are."""
    return re.sub(r'"\\u0000number:([^"]*)"', r"\1", json.dumps(document)).encode()


# Every page and API list that reads its query string, with the parameters it reads.
QUERIES = {
    "/": [],
    "/articles/1": ["span", "version"],
    "/articles/1/annotate": ["start", "end", "quote", "prefix", "suffix"],
    "/annotate/source-row": ["index"],
    "/articles/1/checked-before": ["start", "end"],
    "/articles/1/live": ["since", "open_span", "version", "claims"],
    "/articles/1/diff": ["from", "to"],
    "/articles/1/versions": [],
    "/review": ["article"],
    "/review/queue": ["page", "after", "article", "verdict", "reviewer", "status"],
    "/review/queue.csv": ["article", "verdict", "reviewer", "status"],
    "/work": ["article", "differs"],
    "/search": ["q", "verdict", "reviewer", "status", "article", "from", "to", "page"],
    "/login": ["next"],
    "/api/v1/articles": ["page", "per_page"],
    "/api/v1/articles/1/annotations": ["page", "per_page"],
    "/api/v1/articles/1/claims": ["page", "per_page"],
}


def api_token(app) -> str:
    """One API token per app, for the user "fuzzer" (kept on the app: the fixture makes one app per test)."""
    if "fuzz_token" not in app.extensions:
        app.extensions["fuzz_token"] = make_token(app, "fuzzer")
    return app.extensions["fuzz_token"]
