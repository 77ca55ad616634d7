"""Suggested claims: split an article into sentences and score how worth checking each is.

Pure (no Flask, no database). Offsets are code points of the canonical text, like every
span's. The default scorer is a weighted list of features (below), transparent by design:
``explain`` names the features that fired and their weights, and the page shows them. A
newsroom can replace it with any callable ``score(sentences: list[str]) -> list[float]``
named by ``ANNOTATOR_CLAIM_SCORER`` (``load_scorer``).
"""

from __future__ import annotations

import importlib
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import cast

import pysbd

from annotator.domain.text import paragraph_bounds

Scorer = Callable[[list[str]], Sequence[float]]

# The default display threshold: the default scorer's score from which a sentence is suggested.
DEFAULT_THRESHOLD = 0.35


@dataclass(frozen=True)
class Feature:
    key: str
    label: str  # what the tooltip and README call it
    weight: float
    pattern: re.Pattern[str] | None


def _words(alternatives: str) -> str:
    """A regular expression for any of the ``|``-separated ``alternatives`` as whole words."""
    return r"\b(?:" + alternatives + r")\b"


_NAME = r"[A-Z][\w’'.-]*(?:\s+[A-Z][\w’'.-]*)*"  # one or more capitalised words (or an acronym)
_SAYS = (
    r"(?:said|says|stated|told|telling|reported|reports|claimed|claims|announced|revealed|reveals|confirmed|"
    r"estimated|estimates|wrote)"
)

FEATURES: tuple[Feature, ...] = (
    Feature(
        "number",
        "Numbers or quantities",
        0.30,
        re.compile(
            r"\d|" + _words("hundreds?|thousands?|millions?|billions?|trillions?|dozens?|twice|double|triple|half"),
            re.I,
        ),
    ),
    Feature(
        "money_percent",
        "Percentages or money",
        0.20,
        re.compile(
            r"%|[$€£¥₴₽]|" + _words("per ?cent|percent|dollars?|euros?|pounds|roubles?|rubles?|hryvnias?|budget|GDP"),
            re.I,
        ),
    ),
    Feature(
        "comparison",
        "Comparisons or superlatives",
        0.15,
        re.compile(
            _words(
                "more than|less than|fewer than|at least|at most|as many as|as much as|up from|down from|compared|"
                "increased?|decreased?|rose|risen|fell|fallen|doubled|tripled|record|largest|biggest|highest|lowest|"
                "smallest|worst|best|most|least|only|first"
            ),
            re.I,
        ),
    ),
    Feature(
        "attribution",
        "Attribution (said, according to, claimed…)",
        0.20,
        re.compile(
            _words(
                "according to|said|says|stated|states|told|telling|claims?|claimed|claiming|reported|report|reports|"
                "announced|proposed|promised|pledged|vowed|confirmed|revealed|reveals|estimated|estimates|testified|wrote"
            ),
            re.I,
        ),
    ),
    Feature(
        "named_source",
        "A named source",
        0.15,
        re.compile(
            r"\b[Aa]ccording to (?:the )?[A-Z]|" + _NAME + r",?(?:\s+\w+ly)?\s+" + _SAYS + r"\b|"
            r"\b(?:told|telling)\s+(?:the\s+)?[A-Z]"
        ),
    ),
    Feature(
        "time",
        "Time references",
        0.10,
        re.compile(
            r"\b(?:1[89]|20)\d\d\b|"
            + _words(
                "January|February|March|April|May|June|July|August|September|October|November|December|"
                "Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|"
                "yesterday|today|last (?:week|month|year)|this (?:week|month|year)|since|ago|earlier|previously"
            )
        ),
    ),
    # What makes a sentence less likely to hold a checkable fact.
    Feature("question", "A question", -0.50, re.compile(r"\?[\s\"”’')\]]*$")),
    Feature(
        "opinion",
        "Opinion or hedging (I think, should, likely…)",
        -0.20,
        re.compile(
            r"\bI (?:don[’']t )?(?:think|believe|feel)\b|"
            + _words("in my (?:view|opinion)|should|ought to|appears?|seems?|likely|unlikely|would|might"),
            re.I,
        ),
    ),
    # Found by _not_a_sentence, not by a pattern.
    Feature("not_a_sentence", "Not a full sentence (a headline, label or link)", -0.70, None),
)
FEATURE_LABELS = {f.key: f.label for f in FEATURES}


def _not_a_sentence(sentence: str) -> bool:
    """Headlines, labels and link titles end without a full stop or exclamation mark
    (a question has its own feature), or are a few words long."""
    stripped = sentence.rstrip(" \"”’')]")
    return not stripped.endswith((".", "!", "?")) or len(sentence.split()) < 4


def explain(sentence: str) -> list[tuple[str, float]]:
    """The default scorer's features that fire on ``sentence``, as (key, weight)."""
    fired: list[tuple[str, float]] = []
    for feature in FEATURES:
        if feature.key == "not_a_sentence":
            hit = _not_a_sentence(sentence)
        else:
            hit = feature.pattern is not None and feature.pattern.search(sentence) is not None
        if hit:
            fired.append((feature.key, feature.weight))
    return fired


def score_one(sentence: str) -> float:
    """The sum of the weights of the features that fire, held to [0, 1]."""
    return round(min(1.0, max(0.0, sum(weight for _, weight in explain(sentence)))), 4)


def score(sentences: list[str]) -> list[float]:
    """The default scorer: no model, the weighted features above."""
    return [score_one(s) for s in sentences]


# --- sentences ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    quote: str  # text[start:end]


_segmenter: pysbd.Segmenter | None = None
BULLET = re.compile(r"^(?:[-*•–—]\s+|\d+[.)]\s+)")


def _pysbd() -> pysbd.Segmenter:
    global _segmenter
    if _segmenter is None:
        _segmenter = pysbd.Segmenter(language="en", clean=False, char_span=True)
    return _segmenter


def _pieces(paragraph: str) -> list[tuple[int, int]]:
    """pysbd's sentences of one paragraph as (start, end) in it. Its spans are checked against the
    text (pysbd finds them by searching, which can go wrong on repeated sentences); a sentence whose
    span does not hold it is found again after the previous one."""
    found = []
    cursor = 0
    for piece in _pysbd().segment(paragraph):
        sentence = piece.sent
        start = piece.start if paragraph[piece.start : piece.end] == sentence and piece.start >= cursor else -1
        if start < 0:
            start = paragraph.find(sentence, cursor)
        if start < 0:  # pysbd changed the text: the rest of the paragraph is one piece
            if cursor < len(paragraph):
                found.append((cursor, len(paragraph)))
            return found
        found.append((start, start + len(sentence)))
        cursor = start + len(sentence)
    return found


def split_sentences(text: str) -> list[Sentence]:
    """The sentences of ``text``, paragraph by paragraph (a sentence never crosses a line break),
    trimmed of white space and of a leading list bullet, in order, never overlapping."""
    sentences = []
    for p_start, p_end in paragraph_bounds(text):
        paragraph = text[p_start:p_end]
        if not paragraph.strip():
            continue
        for start, end in _pieces(paragraph):
            piece = paragraph[start:end]
            bullet = BULLET.match(piece.lstrip())
            lead = len(piece) - len(piece.lstrip()) + (bullet.end() if bullet else 0)
            trail = len(piece) - len(piece.rstrip())
            start, end = start + lead, end - trail
            if start < end:
                sentences.append(Sentence(p_start + start, p_start + end, text[p_start + start : p_start + end]))
    return sentences


def sentence_around(text: str, start: int, end: int) -> tuple[int, int]:
    """The bounds of the sentences of ``text`` that ``[start, end)`` reaches into (within its paragraph):
    from the start of the one holding ``start`` to the end of the one holding ``end``'s last character."""
    for p_start, p_end in paragraph_bounds(text):
        if p_start <= start <= p_end:
            lo, hi = p_start, max(p_end, end)
            for s_start, s_end in _pieces(text[p_start:p_end]):
                if p_start + s_start <= start:
                    lo = p_start + s_start
                if p_start + s_end >= end:
                    hi = max(p_start + s_end, end)
                    break
            return lo, hi
    return start, end


@dataclass(frozen=True)
class Scored:
    start: int
    end: int
    quote: str
    score: float
    features: list[list[str | float]]  # [[key, weight], ...] of the default scorer; [] for a plug-in


class ScorerError(Exception):
    """The configured scorer cannot be loaded or does not answer as it should."""


def scored_sentences(text: str, scorer: Scorer = score) -> list[Scored]:
    """Every sentence of ``text`` with its score (and, for the default scorer, the features that fired).

    ScorerError when a plug-in answers with the wrong number of scores or with non-numbers.
    """
    sentences = split_sentences(text)
    if not sentences:
        return []
    scores = scorer([s.quote for s in sentences]) if scorer is not score else None
    if scores is None:
        return [
            Scored(s.start, s.end, s.quote, score_one(s.quote), [[k, w] for k, w in explain(s.quote)])
            for s in sentences
        ]
    scores = list(scores)
    if len(scores) != len(sentences):
        raise ScorerError(f"the scorer gave {len(scores)} scores for {len(sentences)} sentences")
    try:
        values = [float(v) for v in scores]
    except (TypeError, ValueError):
        raise ScorerError("the scorer gave a score that is not a number") from None
    if not all(math.isfinite(v) for v in values):  # NaN would be stored as NULL, infinity sorts nowhere
        raise ScorerError("the scorer gave a score that is not a finite number")
    return [Scored(s.start, s.end, s.quote, round(v, 4), []) for s, v in zip(sentences, values, strict=True)]


def load_scorer(spec: str | None) -> Scorer:
    """The scorer named ``package.module:callable`` (the default one when ``spec`` is empty).

    Called at start-up, so that a bad setting stops the app with a clear ScorerError instead of
    failing later: the callable must import and answer one float per sentence of a sample.
    """
    if not spec or spec.strip() in ("", "default"):
        return score
    module_name, _, attribute = spec.strip().partition(":")
    if not module_name or not attribute:
        raise ScorerError(f"ANNOTATOR_CLAIM_SCORER={spec!r}: expected 'package.module:callable'")
    try:
        module = importlib.import_module(module_name)
    except Exception as error:  # noqa: BLE001 (any import failure is a bad setting)
        raise ScorerError(f"ANNOTATOR_CLAIM_SCORER={spec!r}: cannot import {module_name}: {error}") from None
    scorer = getattr(module, attribute, None)
    if not callable(scorer):
        raise ScorerError(f"ANNOTATOR_CLAIM_SCORER={spec!r}: {module_name} has no callable {attribute!r}")
    sample = ["The budget rose by 4% in 2023, the ministry said.", "Is this a question?"]
    try:
        answer = [float(v) for v in scorer(sample)]
    except Exception as error:  # noqa: BLE001
        raise ScorerError(f"ANNOTATOR_CLAIM_SCORER={spec!r}: failed on a sample: {error!r}") from None
    if len(answer) != len(sample):
        raise ScorerError(f"ANNOTATOR_CLAIM_SCORER={spec!r}: gave {len(answer)} scores for {len(sample)} sentences")
    return cast(Scorer, scorer)  # callable, and answered one float per sentence of the sample


def scorer_name(scorer: Scorer) -> str:
    return "default" if scorer is score else f"{scorer.__module__}:{getattr(scorer, '__qualname__', scorer)}"
