"""The claim on record: what a lead records beside a final verdict so that the fact-check can be
published (ClaimReview's ``itemReviewed``): who made the claim, when, where it first appeared, the
claim as a reader would search for it, and tags.

Pure: the values, their history snapshot, the tags' reading, and :func:`attributed_claimant`, which
finds "X said" / "according to X" around a claim in the article's text so that the lead's form can
offer the claimant (for suggested claims and imported annotations alike).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from annotator.domain.checkworthiness import sentence_around

SUMMARY_MAX = 120  # the claim as a reader would search for it
CLAIMANT_MAX = 200
TAG_MAX = 40
TAGS_MAX = 20
PERSON, ORGANIZATION = "person", "organization"
ATTRIBUTION_REACH = 240  # characters read each side of a claim for "X said", "according to X"
CLAIMANT_KINDS = {PERSON: "Person", ORGANIZATION: "Organization"}  # key -> schema.org type


@dataclass(frozen=True)
class ClaimRecord:
    claimant: str = ""
    claimant_kind: str = PERSON  # who: a person or an organisation (schema.org Person / Organization)
    claimant_url: str = ""
    claim_date: date | None = None  # when the claim was made
    first_appeared: str = ""  # the address where it first appeared
    summary: str = ""  # under SUMMARY_MAX characters; the quote stays stored beside it
    tags: tuple[str, ...] = ()

    def snapshot(self) -> dict[str, Any]:
        """The record as the claim's history keeps it: only the fields that hold something, so that
        a ruling without a record reads as it always did."""
        values: dict[str, Any] = {
            "claimant": self.claimant and f"{self.claimant} ({CLAIMANT_KINDS[self.claimant_kind]})",
            "claimant_url": self.claimant_url,
            "claim_date": self.claim_date.isoformat() if self.claim_date else "",
            "first_appeared": self.first_appeared,
            "summary": self.summary,
            "tags": ", ".join(self.tags),
        }
        return {key: value for key, value in values.items() if value}


def read_tags(text: str) -> tuple[str, ...]:
    """Tags from comma-separated text: trimmed, inner spaces collapsed, each once (in any case),
    in the order given. ValueError (the reason) for a tag over TAG_MAX characters or over TAGS_MAX tags."""
    tags: list[str] = []
    seen: set[str] = set()
    for part in text.split(","):
        tag = " ".join(part.split())
        if not tag or tag.casefold() in seen:
            continue
        if len(tag) > TAG_MAX:
            raise ValueError(f"Keep each tag under {TAG_MAX} characters (“{tag[:20]}…” is longer).")
        seen.add(tag.casefold())
        tags.append(tag)
    if len(tags) > TAGS_MAX:
        raise ValueError(f"At most {TAGS_MAX} tags.")
    return tuple(tags)


# A name's run of words (letters of any script, with hyphens, dots and possessives): "CNN’s Lauren
# Kent", "Aleksandar Vučić". The regexes take any words; :func:`_name` keeps the capitalised ones.
_WORD = r"[^\W\d_][\w.’'-]*"
_NAME = rf"{_WORD}(?:\s+{_WORD})*?"
_JOINERS = {
    "of",
    "de",
    "del",
    "della",
    "la",
    "le",
    "du",
    "da",
    "dos",
    "das",
    "di",
    "van",
    "von",
    "der",
    "den",
    "al",
    "bin",
    "ibn",
}
_NOT_NAMES = {
    *("the", "a", "an", "he", "she", "they", "it", "we", "i", "you", "this", "that", "these", "those"),
    *("but", "and", "however", "earlier", "later", "meanwhile", "then", "also", "yesterday", "today"),
}
_SAYS = (
    r"(?:said|says|told|claimed|claims|stated|states|wrote|writes|argued|argues|added|insisted|announced|"
    r"previously said|previously stated|also said)"
)
_APPOSITION = r"(?:,[^,.;“”]{1,80},)?"  # "Thomas Graham, a Russian foreign policy expert, told CNN"
_SOURCE = r"(?:(?:an? |the )?(?:analysis|estimates?|figures|data|report|reports|a statement) (?:by|from|of) )?"
_BEFORE = [  # "<name> said (that) <claim>", "according to <name>, <claim>"
    re.compile(rf"(?i:according to) {_SOURCE}(?P<name>{_NAME})(?=[,.;:]|\s*$)"),
    re.compile(rf"(?P<name>{_NAME}){_APPOSITION}\s+{_SAYS}\b"),
]
_AFTER = [  # "<claim>, <name> said", "<claim>, said <name>", "<claim>, according to <name>"
    re.compile(rf"^[^.;]{{0,120}}?(?i:according to) {_SOURCE}(?P<name>{_NAME})(?=[,.;:]|$)"),
    re.compile(rf"^[^.;]{{0,12}}?(?P<name>{_NAME}){_APPOSITION}\s+{_SAYS}\b"),
    re.compile(rf"^[^.;]{{0,12}}?{_SAYS}\s+(?P<name>{_NAME})(?=[,.;:]|$)"),
]


def _name(found: re.Match[str] | None) -> str | None:
    """The matched words' name: its capitalised words from the last run of them (with the small words
    names hold), so that "Earlier, Serbian President Aleksandar Vučić" gives the president and
    "Zelenskyy previously" the president too; None when no word is capitalised."""
    if found is None:
        return None
    words = found.group("name").strip(" ,.;:’'“”").split()
    run: list[str] = []
    for word in words:
        if not run and word.casefold() in _NOT_NAMES:
            continue  # a sentence's first word is capitalised without being a name ("The Kremlin said")
        if word[:1].isupper():
            run.append(word)
        elif word in _JOINERS and run:
            run.append(word)
        elif run:
            break  # the name ended: what follows is not part of it ("Zelenskyy previously")
    while run and run[-1] in _JOINERS:
        run.pop()
    name = " ".join(run).strip(" ,.;:’'“”")
    return name[:CLAIMANT_MAX] or None


def attributed_claimant(text: str, start: int, end: int) -> str | None:
    """Who the article says made the claim at ``[start, end)``: the name in "X said", "X told …",
    "according to X" in the claim's sentence, before the claim (the nearest) or right after it;
    None when the sentence attributes it to no one by name."""
    lo, hi = sentence_around(text, start, end)
    # An attribution sits near the claim: the words just before and after it are enough, and a run of
    # text with no punctuation (which the patterns scan in quadratic time) is cut short.
    before, after = text[max(lo, start - ATTRIBUTION_REACH) : start], text[end : min(hi, end + ATTRIBUTION_REACH)]
    candidates = []
    for pattern in _BEFORE:
        for found in pattern.finditer(before):
            if (name := _name(found)) is not None:
                candidates.append((found.end(), name))
    if candidates:
        return max(candidates)[1]  # the nearest the claim
    for pattern in _AFTER:
        if (name := _name(pattern.search(after))) is not None:
            return name
    return None
