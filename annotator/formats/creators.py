"""Who an imported annotation's creator is: a username for a creator without a nickname (from its name
or its IRI), the identity that finds the same creator in a later import, and how to describe it.
Pure: no Flask, no database."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from urllib.parse import unquote, urlsplit

from annotator.formats.interchange import Incoming

USERNAME_MAX = 60  # leaves room for a "-2"… suffix in the 80 characters a username may have
# Latin letters that Unicode does not decompose into a base letter and a mark.
TRANSLITERATED = str.maketrans(
    {"ø": "o", "æ": "ae", "œ": "oe", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "ı": "i", "ŋ": "n", "ħ": "h"}
)
SEPARATORS = re.compile(r"[-._]*-[-._]*")


def username_from(text: str) -> str | None:
    """``text`` as a username: case-folded, accents dropped (NFKD without combining marks, so "José Núñez"
    gives "jose-nunez"; ø, æ, ł… spelled in Latin letters), white space as hyphens, every character but
    a-z, 0-9, ".", "_" and "-" left out; None when nothing is left (a name in another script)."""
    folded = unicodedata.normalize("NFKD", text.casefold().translate(TRANSLITERATED))
    kept = "".join("-" if c.isspace() else c for c in folded if not unicodedata.combining(c))
    username = SEPARATORS.sub("-", re.sub(r"[^a-z0-9._-]", "", kept)).strip("-._")[:USERNAME_MAX].rstrip("-._")
    return username or None


def username_from_iri(iri: str) -> str | None:
    """The IRI's last path segment as a username (``https://example.org/users/jdoe`` gives "jdoe"); for
    ``mailto:``/``acct:`` addresses and URNs, the part that names the person."""
    parts = urlsplit(iri.strip())
    segments = [unquote(s) for s in re.split(r"[/:]", parts.path) if s.strip()]
    if not segments:
        return None
    last = segments[-1]
    if parts.scheme.lower() in ("mailto", "acct"):
        last = last.split("@")[0]
    return username_from(last)


def derived_username(name: str | None, iri: str | None) -> str | None:
    """The username for a creator without a nickname: from its name, else from its IRI; None when neither gives one."""
    return (username_from(name) if name else None) or (username_from_iri(iri) if iri else None)


IDENTITY_MAX = 500


def creator_identity(incoming: Incoming) -> str | None:
    """Which creator an item names, as the user made for it remembers it: its IRI when it has one, else
    ``name:`` and its name (white space collapsed); a SHA-256 of that when longer than 500 characters."""
    identity = incoming.creator_id or (
        f"name:{' '.join(incoming.creator_name.split())}"
        if incoming.creator_name and incoming.creator_name.strip()
        else None
    )
    if identity is not None and len(identity) > IDENTITY_MAX:
        identity = "sha256:" + hashlib.sha256(identity.encode("utf-8")).hexdigest()
    return identity


def describe_creator(incoming: Incoming) -> str:
    """The creator as a report names it: “Jane Doe” (https://example.org/jane), or one of the two."""
    name = " ".join((incoming.creator_name or "").split())
    parts = [
        f"“{name}”" if name else "",
        f"({incoming.creator_id})" if incoming.creator_id and name else incoming.creator_id or "",
    ]
    return " ".join(p for p in parts if p) or "without a name"


# acct:NAME@AUTHORITY. The whole NAME@AUTHORITY names the user here: a Hypothesis account is not
# the newsroom's account of the same name.
