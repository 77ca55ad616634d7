"""Suggested claims: storing each version's scored sentences, listing them, dismissing and restoring.

Sentences are split and scored once, when a version arrives (``store``), never on a page view.
The page lists those at or above the threshold that nobody dismissed and that no claim the
viewer knows of overlaps yet. Any signed-in user may dismiss a suggestion; a lead may restore
it. Dismissals are remembered by the sentence's words, so re-scoring keeps them.
"""

from __future__ import annotations

import bisect
import functools
import hashlib
import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import (
    Float,
    Integer,
    bindparam,
    delete,
    exists,
    func,
    true,
)
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from annotator.db.models import Article, Suggestion, SuggestionDismissal, User, utcnow
from annotator.db.sql import json_rows, select_columns, table_of
from annotator.domain import checkworthiness
from annotator.domain.text import Ranged, SpanRef

log = logging.getLogger("annotator.services.suggestions")


def quote_hash(quote: str) -> str:
    return hashlib.sha256(quote.encode("utf-8")).hexdigest()


def store(
    *,
    session: Session,
    article_id: int,
    version: int,
    article_text: str,
    scorer: checkworthiness.Scorer | None = None,
    strict: bool = False,
) -> int:
    """Split and score ``article_text`` (version ``version`` of the article) and store its sentences,
    replacing those stored before; the number stored. Does not commit.

    A plug-in scorer that fails is logged and nothing is stored (importing the article matters
    more), unless ``strict``, when its ScorerError goes to the caller (the CLI reports it).
    """
    try:
        scored = checkworthiness.scored_sentences(article_text, scorer or checkworthiness.score)
    except Exception as error:  # noqa: BLE001 (a plug-in may raise anything)
        failure = (
            error
            if isinstance(error, checkworthiness.ScorerError)
            else checkworthiness.ScorerError(f"the scorer failed: {error!r}")
        )
        if strict:
            raise failure from None
        log.warning("no suggested claims for article %s version %s: %s", article_id, version, failure)
        return 0
    session.execute(
        delete(Suggestion).where(col(Suggestion.article_id) == article_id, col(Suggestion.version) == version)
    )
    if scored:
        session.execute(
            table_of(Suggestion).insert(),
            [
                {
                    "article_id": article_id,
                    "version": version,
                    "start": s.start,
                    "end": s.end,
                    "quote": s.quote,
                    "quote_hash": quote_hash(s.quote),
                    "score": s.score,
                    "features": s.features,
                }
                for s in scored
            ],
        )
    return len(scored)


@dataclass
class Suggested:
    """A suggestion as the page shows it."""

    id: int
    start: int
    end: int
    quote: str
    score: float
    features: list
    dismissed_by: str | None = None
    dismissed_at: datetime | None = None

    def ref(self) -> SpanRef:
        return SpanRef(self.id, self.start, self.end)

    @property
    def fired(self) -> list[tuple[str, float]]:
        """(label, weight) of each feature that fired, strongest first."""
        return sorted(((checkworthiness.FEATURE_LABELS.get(k, k), w) for k, w in self.features), key=lambda f: -f[1])

    @property
    def explanation(self) -> str:
        """One line for the underline's tooltip: the score and the features that gave it."""
        parts = [f"{label} {weight:+.2f}" for label, weight in self.fired]
        return f"Suggested claim, score {self.score:.2f}" + (": " + ", ".join(parts) if parts else "")


@dataclass
class SuggestionList:
    listed: list[Suggested]  # ranked: highest score first
    dismissed: list[Suggested]  # above the threshold, dismissed (leads may restore them)
    computed: bool  # False: this version has no stored sentences (run flask suggest-claims)
    threshold: float
    shown: int = 20  # the panel lists the best ones; the text underlines them all

    @functools.cached_property  # the page asks once per paragraph
    def tips(self) -> dict[int, str]:
        """suggestion id -> the underline's tooltip."""
        return {s.id: s.explanation for s in self.listed}


def _covered(claims: Sequence[Ranged]):
    """A test of whether a range overlaps any of ``claims`` (by bisection on their starts)."""
    ordered = sorted(claims, key=lambda c: c.start)
    starts = [c.start for c in ordered]
    reach, furthest = [], -1
    for c in ordered:
        furthest = max(furthest, c.end)
        reach.append(furthest)

    def covered(start: int, end: int) -> bool:
        before = bisect.bisect_left(starts, end)  # claims starting before the range ends
        return before > 0 and reach[before - 1] > start

    return covered


def suggestion_list(
    *,
    session: Session,
    article: Article,
    claims: Sequence[Ranged],
    threshold: float,
    within: tuple[int, int] | None = None,
) -> SuggestionList:
    """The article's current suggestions for a viewer who knows of ``claims`` (one query).

    Only sentences at or above the threshold are read; a column says whether the version has
    any stored sentence at all, so the page can tell "none suggested" from "not computed".
    ``within`` = (lo, hi) keeps only those reaching into ``[lo, hi)``; ``threshold`` is the
    desk's (ANNOTATOR_SUGGESTION_THRESHOLD).
    """
    on_version = (col(Suggestion.article_id) == Article.id) & (col(Suggestion.version) == Article.current_version)
    reach = (col(Suggestion.start) < within[1]) & (col(Suggestion.end) > within[0]) if within is not None else true()
    any_stored = (
        exists()
        .where(col(Suggestion.article_id) == article.id, col(Suggestion.version) == article.current_version)
        .correlate(None)
    )
    statement = (
        select_columns(
            any_stored,
            Suggestion.id,
            Suggestion.start,
            Suggestion.end,
            Suggestion.quote,
            Suggestion.score,
            Suggestion.features,
            SuggestionDismissal.dismissed_at,
            User.display_name,
        )
        .select_from(Article)
        .outerjoin(Suggestion, on_version & (col(Suggestion.score) >= threshold) & reach)
        .outerjoin(
            SuggestionDismissal,
            (col(SuggestionDismissal.article_id) == Suggestion.article_id)
            & (col(SuggestionDismissal.quote_hash) == Suggestion.quote_hash)
            & col(SuggestionDismissal.restored_at).is_(None),
        )
        .outerjoin(User, col(User.id) == SuggestionDismissal.dismissed_by_id)
        .where(Article.id == article.id)
        .order_by(col(Suggestion.start))
    )
    covered = _covered(claims)
    listed: list[Suggested] = []
    dismissed: list[Suggested] = []
    computed = False
    for stored, sid, start, end, quote, score, features, dismissed_at, dismissed_by in session.exec(statement):
        computed = computed or bool(stored)
        if sid is None or covered(start, end):
            continue
        item = Suggested(sid, start, end, quote, score, features or [], dismissed_by, dismissed_at)
        (dismissed if dismissed_at is not None else listed).append(item)
    listed.sort(key=lambda s: (-s.score, s.start))
    return SuggestionList(listed, dismissed, computed, threshold)


def listed_json(dialect: str):
    """The current version's sentences at or above the threshold that nobody dismissed and that reach
    into ``[lo, hi)``, as a one-row table whose column ``suggested`` holds them as one JSON array of
    ``[id, start, end, score, features]`` (an empty array when there are none): what the touched
    paragraphs' read carries (``services.highlights``), so that it needs no statement of its own. The
    article, threshold and window are bound as ``article``, ``threshold``, ``lo`` and ``hi``. Read it
    back with :func:`from_json`."""
    current = (col(Suggestion.article_id) == Article.id) & (col(Suggestion.version) == Article.current_version)
    reach = (col(Suggestion.start) < bindparam("hi", type_=Integer)) & (
        col(Suggestion.end) > bindparam("lo", type_=Integer)
    )
    not_dismissed = ~(
        exists()
        .where(
            col(SuggestionDismissal.article_id) == Suggestion.article_id,
            col(SuggestionDismissal.quote_hash) == Suggestion.quote_hash,
            col(SuggestionDismissal.restored_at).is_(None),
        )
        .correlate(Suggestion)
    )
    wanted = (
        (col(Article.id) == bindparam("article", type_=Integer))
        & (col(Suggestion.score) >= bindparam("threshold", type_=Float))
        & reach
        & not_dismissed
    )
    # json(): on SQLite the features are stored as JSON text, to be nested as JSON.
    features = Suggestion.features if dialect == "postgresql" else func.json(Suggestion.features)
    rows = json_rows(dialect, Suggestion.id, Suggestion.start, Suggestion.end, Suggestion.score, features)
    return (
        select(rows.label("suggested"))
        .select_from(Suggestion)
        .join(Article, current)
        .where(wanted)
        .subquery("suggested")
    )


def from_json(text: str) -> list[Suggested]:
    """The sentences of :func:`listed_json` (their quotes are not carried: the page shows none)."""
    rows = json.loads(text)
    return [Suggested(sid, start, end, "", score, features or []) for sid, start, end, score, features in rows]


def nearby_list(
    suggested: list[Suggested], *, claims: Sequence[Ranged], within: tuple[int, int], threshold: float
) -> SuggestionList:
    """Of ``suggested`` (from :func:`from_json`), those reaching into ``within`` that no claim in
    ``claims`` overlaps: what ``suggestion_list(within=...)`` gives, from rows already read."""
    covered = _covered(claims)
    lo, hi = within
    listed = [s for s in suggested if s.start < hi and s.end > lo and not covered(s.start, s.end)]
    listed.sort(key=lambda s: (-s.score, s.start))
    return SuggestionList(listed, [], True, threshold)


def set_dismissed(*, session: Session, suggestion: Suggestion, user: User, dismissed: bool) -> None:
    """Dismiss the suggestion's sentence on its article (or restore it), recording who and when."""
    assert user.id is not None  # a signed-in user is a stored one
    row = session.exec(
        select(SuggestionDismissal).where(
            SuggestionDismissal.article_id == suggestion.article_id,
            SuggestionDismissal.quote_hash == suggestion.quote_hash,
        )
    ).first()
    now = utcnow()
    if dismissed:
        if row is None:
            session.add(
                SuggestionDismissal(
                    article_id=suggestion.article_id,
                    quote_hash=suggestion.quote_hash,
                    quote=suggestion.quote,
                    dismissed_by_id=user.id,
                    dismissed_at=now,
                )
            )
        elif row.restored_at is not None:  # dismissed again after a restore
            row.dismissed_by_id, row.dismissed_at, row.restored_by_id, row.restored_at = user.id, now, None, None
    elif row is not None and row.restored_at is None:
        row.restored_by_id, row.restored_at = user.id, now
    try:
        session.commit()
    except IntegrityError:  # someone dismissed it at the same moment: it is dismissed either way
        session.rollback()


def recompute(*, session: Session, article: Article, scorer: checkworthiness.Scorer | None = None) -> int:
    """Score the article's current version again (CLI); ScorerError when the scorer fails."""
    assert article.id is not None  # a stored article
    count = store(
        session=session,
        article_id=article.id,
        version=article.current_version,
        article_text=article.text,
        scorer=scorer,
        strict=True,
    )
    session.commit()
    return count


def has_suggestions(*, session: Session, article: Article) -> bool:
    return (
        session.exec(
            select(Suggestion.id)
            .where(Suggestion.article_id == article.id, Suggestion.version == article.current_version)
            .limit(1)
        ).first()
        is not None
    )
