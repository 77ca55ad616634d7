"""Matching a claim against earlier checks: candidate words for the database, and fuzzy re-ranking.

Pure: no Flask, no database. The database gives candidates that share a key word with the
claim (:func:`key_terms`); :func:`rank` scores each against the claim with rapidfuzz on
normalised text and keeps those at or above :data:`THRESHOLD`.

The score (0-100) is the mean of ``token_set_ratio`` and ``token_sort_ratio`` over the
normalised words (case-folded, NFKC, digit groups joined): the first forgives extra words
(a sentence-long claim against a headline), the second pulls down a candidate that holds
only a few of the claim's words ("Russian soldiers"), which ``token_set_ratio`` alone would
score 100. Stopwords stay in for scoring (dropping them made short fragments score higher);
they are left out of the candidate query's key words only.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Generic, TypeVar

from rapidfuzz import fuzz

THRESHOLD = 65.0  # the lowest score shown; tuned on tests/unit/test_matching.py's pairs
LIMIT = 8  # matches shown at most
MAX_TERMS = 6  # key words the candidate query asks for
CANDIDATES = 200  # rows the candidate query reads at most, per kind (settled claims, external checks)

# Words that say nothing about which claim it is: never key terms.
STOPWORDS = frozenset(
    """
a about after all also an and any are as at be been before being but by can could did do does
for from had has have he her his how i if in into is it its just least less more most much
no not now of on one only or other our out over said says she so some such than that the
their them then there these they this those to under up was we were what when which who will
with would you
""".split()
)

# A number written in groups of three digits (600,000 / 600 000 / 600.000 once NFKC made thin spaces plain).
_GROUPED = re.compile(r"\b\d{1,3}(?:[ ,.'’]\d{3})+\b")
_WORD = re.compile(r"\w+")


def words(text: str) -> list[str]:
    """The text's words, case-folded and NFKC-normalised, with digit groups joined (600,000 -> 600000)."""
    text = unicodedata.normalize("NFKC", text).casefold()
    return _WORD.findall(_GROUPED.sub(lambda m: re.sub(r"\D", "", m.group()), text))


def normalise(text: str) -> str:
    """The claim's words, space-separated, without punctuation (what :func:`score` compares)."""
    return " ".join(words(text))


def score(claim: str, candidate: str) -> float:
    """How alike two claims read, 0-100 (see the module's docstring)."""
    return _score(normalise(claim), normalise(candidate))


def _score(a: str, b: str) -> float:
    if not a or not b:
        return 0.0
    return (fuzz.token_set_ratio(a, b) + fuzz.token_sort_ratio(a, b)) / 2


def key_terms(claim: str, limit: int = MAX_TERMS) -> list[str]:
    """The claim's most telling words, for a cheap ``LIKE`` pre-filter: numbers and long words first.

    A number keeps only its leading digits group (600,000 -> 600), which matches however the
    other text groups its digits. Words shorter than four letters are left out.
    """
    raw = _WORD.findall(unicodedata.normalize("NFKC", claim).casefold())
    terms: list[str] = []
    for word in raw:
        if word.isdigit():
            word = word.lstrip("0")
            if len(word) < 2:
                continue
        elif len(word) < 4 or word in STOPWORDS:
            continue
        if word not in terms:
            terms.append(word)
    terms.sort(key=lambda w: (not w.isdigit(), -len(w)))
    return terms[:limit]


T = TypeVar("T")


@dataclass(frozen=True)
class Match(Generic[T]):
    item: T
    score: float

    @property
    def percent(self) -> int:
        return round(self.score)


def rank(
    claim: str, candidates: Iterable[tuple[T, str]], *, threshold: float = THRESHOLD, limit: int = LIMIT
) -> list[Match[T]]:
    """The candidates ``(item, text)`` scoring at least ``threshold`` against the claim, best first."""
    normalised = normalise(claim)
    scored = [Match(item, _score(normalised, normalise(text))) for item, text in candidates]
    kept = [m for m in scored if m.score >= threshold]
    kept.sort(key=lambda m: -m.score)
    return kept[:limit]
