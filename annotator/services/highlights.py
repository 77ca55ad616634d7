"""The highlights of some paragraphs or of the whole article: each claim's range and tone as one
viewer sees them, a row per claim.

What the page swaps in after a change (``web.panel.changed_text_context``) and the article page's
text (``whole_article``) need no reviewer names, dates or source counts: this read leaves them out and
takes each claim's tone from what the database's triggers keep on its span (counters, the range of
shared verdicts, whether ruled) and the viewer's own annotation, so that it reads a row per claim, not
per annotation, and a paragraph holding hundreds of annotations costs little more than an empty one.
The same statement carries the page's counters (sums over the spans) and, for changed paragraphs, the
suggested sentences. Every claim with all of that is ``services.spans.span_summaries``;
``tests/services/test_highlights.py`` checks that both give every viewer the same tones and counts.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from typing import NamedTuple

from sqlalchemy import Integer, bindparam, case, func, select, true
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from annotator.db.models import DRAFT, Annotation, Article, FinalVerdict, Span
from annotator.db.sql import json_rows
from annotator.domain.reanchoring import ORPHANED
from annotator.domain.text import SpanRef
from annotator.services import suggestions
from annotator.services.spans import tone_of
from annotator.services.visibility import Reader, not_deleted, placed, plain_viewer


class Highlight(NamedTuple):
    """A claim in the paragraphs read: its range and quote, and its tone for the viewer. A plain tuple
    whose first fields are a ``text.SpanRef``'s, so that segmentation takes it as it is (a busy
    paragraph has hundreds)."""

    id: int
    start: int
    end: int
    quote: str
    tone: str
    state: str = "original"
    listed: bool = True  # an annotation on it is listed to the viewer (False: known by its ruling alone)

    @property
    def orphaned(self) -> bool:
        return self.state == ORPHANED

    def ref(self) -> SpanRef:
        return SpanRef(self.id, self.start, self.end)


@functools.cache
def _claims(lead: bool):
    """One row per placed span reaching into ``[lo, hi)`` with a live annotation, for a lead or a reviewer
    (the article, window and viewer are bound at each run). What the tone needs of the span's
    annotations is kept on the span by the database's triggers (``models.Span``: counters and the range
    of shared verdicts), and what is the viewer's own comes from their annotation on it (the unique
    index on span and reviewer): the rows are as many as the claims, and no annotation of others is read.

    - ``listed``: an annotation is listed to the viewer (``visibility.listed_to``): for a lead any live
      one; for a reviewer a shared one, or their own;
    - ``submitted``: the viewer submitted one (under blind review, others' verdicts show after that);
    - ``low``, ``high``: the least and greatest verdict submitted by anyone: the same when all agree;
    - ``own``: the viewer's own verdict, draft or not (its author always reads it).
    """
    own = aliased(Annotation, name="own")
    mine = (
        (col(own.span_id) == Span.id)
        & (col(own.user_id) == bindparam("viewer", type_=Integer))
        & col(own.deleted_at).is_(None)
    )
    listed = true() if lead else (col(Span.shared_annotations) > 0) | col(own.id).is_not(None)
    return (
        select(
            col(Span.id).label("id"),
            col(Span.start).label("start"),
            col(Span.end).label("end"),
            col(Span.anchor_state).label("state"),
            col(FinalVerdict.verdict).label("final"),
            case((listed, 1), else_=0).label("listed"),
            case((col(own.status) != DRAFT, 1), else_=0).label("submitted"),
            col(Span.verdict_low).label("low"),
            col(Span.verdict_high).label("high"),
            case((col(own.verdict) != "", own.verdict)).label("own"),
        )
        .outerjoin(own, mine)
        .outerjoin(FinalVerdict, col(FinalVerdict.span_id) == Span.id)
        .where(
            col(Span.article_id) == bindparam("article", type_=Integer),
            col(Span.start) < bindparam("hi", type_=Integer),
            col(Span.end) > bindparam("lo", type_=Integer),
            placed(),
            col(Span.live_annotations) > 0,
        )
        .subquery("claims")
    )


@functools.cache
def _counted(lead: bool):
    """How many claims and annotations the article shows the viewer (``spans.listed_counts``), from the
    spans' counters (kept by triggers, see ``models.Span``): a sum over the article's spans, not its
    annotations. A lead knows of every live annotation; a reviewer of those not drafts, and of their own
    drafts (from the index on ``annotations (user_id, status)``), whose claims count when nothing else
    on them is listed to the reviewer (no annotation others shared, no ruling)."""
    article = bindparam("article", type_=Integer)
    placed_spans = (col(Span.article_id) == article) & placed()
    if lead:
        return (
            select(
                func.coalesce(func.sum(Span.live_annotations), 0).label("annotations"),
                func.count().filter(col(Span.live_annotations) > 0).label("claims"),
            )
            .where(placed_spans)
            .subquery("counted")
        )
    shared = (
        select(
            func.coalesce(func.sum(Span.shared_annotations), 0).label("annotations"),
            func.count()
            .filter((col(Span.shared_annotations) > 0) | ((col(Span.live_annotations) > 0) & col(Span.settled)))
            .label("claims"),
        )
        .where(placed_spans)
        .subquery("shared")
    )
    drafts = (
        select(
            func.count().label("annotations"),
            func.count().filter((col(Span.shared_annotations) == 0) & ~col(Span.settled)).label("claims"),
        )
        .select_from(Annotation)
        .join(Span, col(Span.id) == Annotation.span_id)
        .where(
            col(Annotation.user_id) == bindparam("viewer", type_=Integer),
            col(Annotation.status) == DRAFT,
            not_deleted(),
            placed_spans,
        )
        .subquery("drafts")
    )
    return (
        select(
            (shared.c.annotations + drafts.c.annotations).label("annotations"),
            (shared.c.claims + drafts.c.claims).label("claims"),
        )
        .select_from(shared)
        .join(drafts, true())
        .subquery("counted")
    )


@functools.cache
def _statement(dialect: str, lead: bool, suggested: bool = True):
    """The paragraphs' read, one row: the article's counters, the window's claims (as one JSON column of
    ``[id, start, end, state, final, listed, submitted, low, high, own]`` arrays) and, unless
    ``suggested`` is False, its suggested sentences at or above the bound ``threshold`` (another). One
    row decoded once, however many claims the paragraphs hold. Built once per database, kind of viewer
    and with or without the suggestions."""
    claims = _claims(lead)
    gathered = select(json_rows(dialect, *claims.c).label("claims")).select_from(claims).subquery("gathered")
    counted = _counted(lead)
    statement = select(counted.c.claims, counted.c.annotations, gathered.c.claims).select_from(counted)
    statement = statement.join(gathered, true())
    if suggested:
        sentences = suggestions.listed_json(dialect)
        statement = statement.add_columns(sentences.c.suggested).join(sentences, true())
    return statement


@dataclass
class Paragraphs:
    """What the touched paragraphs hold for the viewer, and what the page's counters say now."""

    claims: list[Highlight]
    claim_count: int
    annotation_count: int
    suggested: list[suggestions.Suggested]  # the article's, at or above the threshold; not dismissed


def paragraphs(
    *, session: Session, article: Article, viewer: Reader, within: tuple[int, int], threshold: float
) -> Paragraphs:
    """The claims reaching into ``within`` that the viewer knows of (an annotation listed to them, or a
    ruling), in text order, with the tone ``SpanSummary.tone`` gives them; the page's counters; and the
    suggested sentences: one query, a row per claim.

    The verdicts the viewer reads (``visibility.can_see_verdict``): their own, and everyone's submitted
    ones when they lead, when review is not blind, or once they submitted theirs (a ruling settles the
    tone by itself). For the tone only their number matters (one, or more) and the one: the least and
    greatest submitted verdict stand for all of them.
    """
    return _read(session=session, article=article, viewer=viewer, within=within, threshold=threshold)


def whole_article(*, session: Session, article: Article, viewer: Reader) -> Paragraphs:
    """:func:`paragraphs` over the whole text, without the suggested sentences (``suggested`` is
    empty): the article page's highlights and counters, a row per claim. The page reads its
    suggestions with the dismissed ones and their names (``suggestions.suggestion_list``)."""
    return _read(session=session, article=article, viewer=viewer, within=(0, len(article.text)), threshold=None)


def _read(
    *, session: Session, article: Article, viewer: Reader, within: tuple[int, int], threshold: float | None
) -> Paragraphs:
    """:func:`paragraphs`; ``threshold=None``: without the suggested sentences."""
    reader = plain_viewer(viewer)
    lo, hi = within
    connection = session.connection()
    values = {"article": article.id, "lo": lo, "hi": hi, "viewer": reader.id, "threshold": threshold}
    row = connection.execute(_statement(connection.dialect.name, reader.is_lead, threshold is not None), values).one()
    claim_count, annotation_count, gathered = row[:3]
    found = []
    text = article.text  # a placed span's quote is the text at its range (the data model's invariant)
    for span_id, start, end, state, final, listed, submitted, low, high, own in json.loads(gathered):
        if not (listed or final is not None):
            continue
        keys = {own} if own else set()
        if low is not None and (reader.is_lead or not article.blind_review or submitted):
            keys |= {low, high}
        found.append(Highlight(span_id, start, end, text[start:end], tone_of(final, keys, state), state, bool(listed)))
    found.sort(key=lambda claim: (claim.start, claim.end, claim.id))
    suggested = suggestions.from_json(row[3]) if threshold is not None else []
    return Paragraphs(found, claim_count, annotation_count, suggested)


def highlights(*, session: Session, article: Article, viewer: Reader, within: tuple[int, int]) -> list[Highlight]:
    """The claims of :func:`paragraphs` alone."""
    return paragraphs(session=session, article=article, viewer=viewer, within=within, threshold=1.0).claims
