"""The highlights of a few paragraphs: each claim's range, quote and tone as one viewer sees them.

What the page swaps in after a change (``web.panel.changed_text_context``) needs no reviewer names,
dates or source counts: this read leaves them out and sums up each claim's annotations in the
database, so that it returns a row per claim, not per annotation, and a paragraph holding hundreds of
annotations costs little more than an empty one. The same statement carries the page's counters and
the suggested sentences, which the swapped paragraphs and counters need too. The whole page's claims,
with all of that, are ``services.spans.span_summaries``; ``tests/services/test_highlights.py`` checks
that both give every viewer the same tones and counts.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass

from sqlalchemy import Integer, bindparam, case, func, select, true
from sqlmodel import Session, col

from annotator.db.models import DRAFT, Annotation, Article, FinalVerdict, Span
from annotator.db.sql import json_rows
from annotator.domain.reanchoring import ORPHANED
from annotator.domain.text import SpanRef
from annotator.services import suggestions
from annotator.services.spans import tone_of
from annotator.services.visibility import Reader, listed_to_id, not_deleted, placed, plain_viewer


@dataclass(frozen=True)
class Highlight:
    """A claim in the paragraphs read: its range and quote, and its tone for the viewer."""

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
    (the article, window and viewer are bound at each run). What the viewer may read of its
    annotations is summed up in the database, so the rows are as many as the claims, not the annotations:

    - ``listed``: an annotation is listed to the viewer (``visibility.listed_to``);
    - ``submitted``: the viewer submitted one (under blind review, others' verdicts show after that);
    - ``low``, ``high``: the least and greatest verdict submitted by anyone: the same when all agree;
    - ``own``: the viewer's own verdict, draft or not (its author always reads it).
    """
    viewer = bindparam("viewer", type_=Integer)
    shared = case(((col(Annotation.status) != DRAFT) & (col(Annotation.verdict) != ""), Annotation.verdict))
    window = select(col(Span.id)).where(
        col(Span.article_id) == bindparam("article", type_=Integer),
        col(Span.start) < bindparam("hi", type_=Integer),
        col(Span.end) > bindparam("lo", type_=Integer),
        placed(),
    )
    # Summed up per span first, from the annotations index in span order: no sort of the rows, which
    # are as many as the annotations, and the spans' quotes are joined to the sums alone.
    judged = (
        select(
            col(Annotation.span_id).label("span_id"),
            func.max(case((listed_to_id(viewer, lead=lead), 1), else_=0)).label("listed"),
            func.max(case(((col(Annotation.user_id) == viewer) & (col(Annotation.status) != DRAFT), 1), else_=0)).label(
                "submitted"
            ),
            func.min(shared).label("low"),
            func.max(shared).label("high"),
            func.max(
                case(((col(Annotation.user_id) == viewer) & (col(Annotation.verdict) != ""), Annotation.verdict))
            ).label("own"),
        )
        .where(col(Annotation.span_id).in_(window), not_deleted())
        .group_by(col(Annotation.span_id))
        .subquery("judged")
    )
    return (
        select(
            col(Span.id).label("id"),
            col(Span.start).label("start"),
            col(Span.end).label("end"),
            col(Span.quote).label("quote"),
            col(Span.anchor_state).label("state"),
            col(FinalVerdict.verdict).label("final"),
            judged.c.listed,
            judged.c.submitted,
            judged.c.low,
            judged.c.high,
            judged.c.own,
        )
        .join(judged, judged.c.span_id == Span.id)
        .outerjoin(FinalVerdict, col(FinalVerdict.span_id) == Span.id)
        .subquery("claims")
    )


@functools.cache
def _counted(lead: bool):
    """How many claims and annotations the article shows the viewer (``spans.listed_counts`` in SQL)."""
    listed = listed_to_id(bindparam("viewer", type_=Integer), lead=lead)
    return (
        select(
            func.count().filter(listed).label("annotations"),
            func.count(func.distinct(col(Span.id))).filter(listed | col(FinalVerdict.id).is_not(None)).label("claims"),
        )
        .select_from(Annotation)
        .join(Span, col(Span.id) == Annotation.span_id)
        .outerjoin(FinalVerdict, col(FinalVerdict.span_id) == Span.id)
        .where(col(Span.article_id) == bindparam("article", type_=Integer), not_deleted(), placed())
        .subquery("counted")
    )


@functools.cache
def _statement(dialect: str, lead: bool):
    """The paragraphs' read, one row: the article's counters, the window's claims (as one JSON column of
    ``[id, start, end, quote, state, final, listed, submitted, low, high, own]`` arrays) and its
    suggested sentences at or above the bound ``threshold`` (another). One row decoded once, however
    many claims the paragraphs hold. Built once per database and kind of viewer."""
    claims = _claims(lead)
    gathered = select(json_rows(dialect, *claims.c).label("claims")).select_from(claims).subquery("gathered")
    counted, suggested = _counted(lead), suggestions.listed_json(dialect)
    return (
        select(counted.c.claims, counted.c.annotations, gathered.c.claims, suggested.c.suggested)
        .select_from(counted)
        .join(gathered, true())
        .join(suggested, true())
    )


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
    reader = plain_viewer(viewer)
    lo, hi = within
    connection = session.connection()
    claim_count, annotation_count, gathered, suggested = connection.execute(
        _statement(connection.dialect.name, reader.is_lead),
        {"article": article.id, "lo": lo, "hi": hi, "viewer": reader.id, "threshold": threshold},
    ).one()
    found = []
    for span_id, start, end, quote, state, final, listed, submitted, low, high, own in json.loads(gathered):
        if not (listed or final is not None):
            continue
        keys = {own} if own else set()
        if low is not None and (reader.is_lead or not article.blind_review or submitted):
            keys |= {low, high}
        found.append(Highlight(span_id, start, end, quote, tone_of(final, keys, state), state, bool(listed)))
    found.sort(key=lambda claim: (claim.start, claim.end, claim.id))
    return Paragraphs(found, claim_count, annotation_count, suggestions.from_json(suggested))


def highlights(*, session: Session, article: Article, viewer: Reader, within: tuple[int, int]) -> list[Highlight]:
    """The claims of :func:`paragraphs` alone."""
    return paragraphs(session=session, article=article, viewer=viewer, within=within, threshold=1.0).claims
