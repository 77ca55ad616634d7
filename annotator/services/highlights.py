"""The highlights of a few paragraphs: each claim's range, quote and tone as one viewer sees them.

What the page swaps in after a save (``web.panel.changed_text_context``) needs no reviewer names, dates
or source counts: this read leaves them out and sums up each claim's annotations in the database, so
that it returns a row per claim, not per annotation, and a paragraph holding hundreds of annotations
costs little more than an empty one. The whole page's claims, with all of that, are
``services.spans.span_summaries``; ``tests/services/test_highlights.py`` checks that both give every
viewer the same tones.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from sqlalchemy import Integer, bindparam, case, func
from sqlmodel import Session, col

from annotator.db.models import DRAFT, Annotation, Article, FinalVerdict, Span
from annotator.db.sql import select_columns
from annotator.domain.reanchoring import ORPHANED
from annotator.domain.text import SpanRef
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
def _statement(lead: bool):
    """One row per placed span reaching into ``[lo, hi)`` with a live annotation, for a lead or a reviewer
    (built once; the article, window and viewer are bound at each run). What the viewer may read of its
    annotations is summed up in the database, so the rows are as many as the claims, not the annotations:

    - ``listed``: an annotation is listed to the viewer (``visibility.listed_to``);
    - ``submitted``: the viewer submitted one (under blind review, others' verdicts show after that);
    - ``low``, ``high``: the least and greatest verdict submitted by anyone: the same when all agree;
    - ``own``: the viewer's own verdict, draft or not (its author always reads it).
    """
    viewer = bindparam("viewer", type_=Integer)
    shared = case(((col(Annotation.status) != DRAFT) & (col(Annotation.verdict) != ""), Annotation.verdict))
    return (
        select_columns(
            col(Span.id),
            col(Span.start),
            col(Span.end),
            col(Span.quote),
            col(Span.anchor_state),
            col(FinalVerdict.verdict),
            func.max(case((listed_to_id(viewer, lead=lead), 1), else_=0)),
            func.max(case(((col(Annotation.user_id) == viewer) & (col(Annotation.status) != DRAFT), 1), else_=0)),
            func.min(shared),
            func.max(shared),
            func.max(case(((col(Annotation.user_id) == viewer) & (col(Annotation.verdict) != ""), Annotation.verdict))),
        )
        .join(Annotation, col(Annotation.span_id) == Span.id)
        .outerjoin(FinalVerdict, col(FinalVerdict.span_id) == Span.id)
        .where(
            col(Span.article_id) == bindparam("article"),
            col(Span.start) < bindparam("hi"),
            col(Span.end) > bindparam("lo"),
            placed(),
            not_deleted(),
        )
        .group_by(col(Span.id), col(FinalVerdict.id))
        .order_by(col(Span.start), col(Span.end), col(Span.id))
    )


def highlights(*, session: Session, article: Article, viewer: Reader, within: tuple[int, int]) -> list[Highlight]:
    """The claims reaching into ``within`` that the viewer knows of (an annotation listed to them, or a
    ruling), in text order, with the tone ``SpanSummary.tone`` gives them (one query, a row per claim).

    The verdicts the viewer reads (``visibility.can_see_verdict``): their own, and everyone's submitted
    ones when they lead, when review is not blind, or once they submitted theirs (a ruling settles the
    tone by itself). For the tone only their number matters (one, or more) and the one: the least and
    greatest submitted verdict stand for all of them.
    """
    reader = plain_viewer(viewer)
    lo, hi = within
    rows = session.connection().execute(
        _statement(reader.is_lead), {"article": article.id, "lo": lo, "hi": hi, "viewer": reader.id}
    )
    found = []
    for span_id, start, end, quote, state, final, listed, submitted, low, high, own in rows:
        if not (listed or final is not None):
            continue
        keys = {own} if own else set()
        if low is not None and (reader.is_lead or not article.blind_review or submitted):
            keys |= {low, high}
        found.append(Highlight(span_id, start, end, quote, tone_of(final, keys, state), state, bool(listed)))
    return found
