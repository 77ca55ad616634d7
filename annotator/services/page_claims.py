"""The lines of an article's claims list as one viewer sees them: the verdicts they may read, how many
are hidden, and each claim's tone.

What ``spans.span_summaries`` says of each span, from a leaner query: the list needs no reviewer
names, source counts or dates, only the verdicts the viewer may read and how many are hidden. Rows
come as plain rows (no ORM loading) and are folded span by span as they arrive into one tuple per
claim. The article page reads them only for the claims its list shows and the orphans (its
highlights and counters come a row per claim from ``services.highlights``); the live poll, which
decides which annotations the viewer may read, for every claim.

The rules of who may see what are ``services.visibility``'s, applied to each annotation here as there.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any, NamedTuple

from sqlalchemy import Integer, bindparam, case, or_
from sqlmodel import Session, col

from annotator.db import sql
from annotator.db.models import DRAFT, ORPHANED, Annotation, Article, FinalVerdict, Span, User
from annotator.domain.text import Ranged, SpanRef
from annotator.services.spans import tone_of
from annotator.services.visibility import Reader, Viewer, can_see_verdict, is_listed, not_deleted, plain_viewer


class Shown(NamedTuple):
    """An annotation whose verdict the viewer may read ("" when it awaits one)."""

    annotation_id: int
    verdict: str


class ListedClaim(NamedTuple):
    """A span with an annotation the viewer knows of (or a ruling), as the article page shows it. A plain
    tuple: a long article has thousands, built on every page load."""

    id: int
    start: int
    end: int
    quote: str
    final_verdict: str | None
    state: str  # how the latest version placed it (see reanchoring)
    verdicts: tuple[str, ...]  # the verdicts the viewer may read, reviewers by name
    readable: tuple[int, ...]  # the annotations that hold them, in the same order
    listed: int  # annotations the viewer knows of
    hidden_count: int  # submitted verdicts that blind review hides from the viewer
    draft_count: int  # others' drafts the viewer knows of (a lead) but may not read
    tone: str  # the highlight's classes (``spans.tone_of``)

    @property
    def orphaned(self) -> bool:
        return self.state == ORPHANED

    @property
    def settled(self) -> bool:
        return self.final_verdict is not None

    @property
    def verdict_keys(self) -> set[str]:
        return {v for v in self.verdicts if v}

    @property
    def disputed(self) -> bool:
        return len(self.verdict_keys) > 1

    @property
    def shown(self) -> list[Shown]:
        """Like ``SpanSummary.shown``: the annotations whose verdicts the viewer may read."""
        return [Shown(a, v) for a, v in zip(self.readable, self.verdicts, strict=True)]

    def ref(self) -> SpanRef:
        return SpanRef(self.id, self.start, self.end)


@functools.cache
def _statement(bounded: bool):
    """The claims' rows, a row per live annotation (the article bound as ``article``); ``bounded``: only
    orphans and the spans that start from ``first`` to ``last``. Built once."""
    wanted = not_deleted()
    if bounded:
        window = col(Span.start).between(bindparam("first", type_=Integer), bindparam("last", type_=Integer))
        wanted = wanted & or_(col(Span.anchor_state) == ORPHANED, window)
    return (
        sql.select_columns(
            col(Span.id),
            col(Span.start),
            col(Span.end),
            case((col(Span.anchor_state) == ORPHANED, col(Span.quote)), else_=None),
            col(Span.anchor_state),
            col(FinalVerdict.verdict),
            col(Annotation.id),
            col(Annotation.user_id),
            col(Annotation.verdict),
            col(Annotation.status),
        )
        .join(Annotation, col(Annotation.span_id) == Span.id)
        .join(User, col(User.id) == Annotation.user_id)
        .outerjoin(FinalVerdict, col(FinalVerdict.span_id) == Span.id)
        .where(col(Span.article_id) == bindparam("article", type_=Integer), wanted)
        .order_by(col(Span.start), col(Span.end), col(Span.id), col(User.display_name), col(Annotation.id))
    )


def listed_claims(
    *, session: Session, article: Article, viewer: Reader, only: Sequence[Ranged] | None = None
) -> list[ListedClaim]:
    """Every span of the article with an annotation the viewer may know of, or a ruling, in text order
    (one query); orphaned spans among them (``orphaned``). Agrees with ``spans.span_summaries``.

    ``only``: of the placed spans, these alone (the claims a page of the claims list shows: the rows
    read are those of the spans starting from the first one's start to the last one's); orphans are
    all read.

    A placed span's quote is the article's text at its range (the data model's invariant), so only
    orphans' quotes, whose range is in an older text, are read: a quote per annotation row would
    double the rows' size.
    """
    kept: set[int] | None = None
    values = {"article": article.id}
    if only is not None:
        kept = {claim.id for claim in only}
        starts = [claim.start for claim in only]
        values["first"], values["last"] = (min(starts), max(starts)) if starts else (0, -1)
    reader = plain_viewer(viewer)  # a plain object, not the request's user proxy: read once per annotation
    claims: list[ListedClaim] = []
    span: list[Any] = []  # the rows of one span, one per annotation
    submitted = False  # whether the viewer submitted an annotation of that span
    blind, text = article.blind_review, article.text
    for row in session.connection().execute(_statement(only is not None), values):
        if span and row[0] != span[0][0]:
            _fold(span, submitted, reader, blind, text, claims)
            span, submitted = [], False
        span.append(row)
        if row[7] == reader.id and row[9] != DRAFT:
            submitted = True
    if span:
        _fold(span, submitted, reader, blind, text, claims)
    if kept is not None:  # spans in the window that are not wanted (sharing a start with a wanted one)
        claims = [claim for claim in claims if claim.id in kept or claim.orphaned]
    return claims


def _fold(rows: list[Any], submitted: bool, viewer: Viewer, blind: bool, text: str, claims: list[ListedClaim]) -> None:
    """One span's rows as the viewer's claim, appended when they may know of it (``submitted``: the viewer's
    own annotation on it is submitted)."""
    span_id, start, end, quote, state, final = rows[0][:6]
    settled = final is not None
    verdicts: list[str] = []
    readable: list[int] = []
    listed = hidden = drafts = 0
    for row in rows:
        author_id, verdict, status = row[7], row[8], row[9]
        if not is_listed(viewer, author_id=author_id, status=status):
            continue
        listed += 1
        if verdict is not None and can_see_verdict(
            viewer, author_id=author_id, status=status, blind=blind, settled=settled, viewer_submitted=submitted
        ):
            verdicts.append(verdict)
            readable.append(row[6])
        elif status == DRAFT:
            drafts += 1
        else:
            hidden += 1
    if listed or settled:
        if quote is None:  # placed: the text at its range
            quote = text[start:end]
        tone = tone_of(final, verdicts, state)
        claims.append(
            ListedClaim(
                span_id, start, end, quote, final, state, tuple(verdicts), tuple(readable), listed, hidden, drafts, tone
            )
        )
