"""The highlights of a few paragraphs: each claim's range, quote and tone as one viewer sees them.

What the page swaps in after a save (``web.panel.changed_text_context``) and what the live poll
redraws need no reviewer names, dates or source counts: this read leaves them out (no join of users or
sources, no grouping), so that a paragraph holding hundreds of annotations costs little more than an
empty one. The whole page's claims, with all of that, are ``services.spans.span_summaries``.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from itertools import groupby

from sqlalchemy import bindparam
from sqlmodel import Session, col

from annotator.db.models import DRAFT, Annotation, Article, FinalVerdict, Span
from annotator.db.sql import select_columns
from annotator.domain.reanchoring import ORPHANED
from annotator.domain.text import SpanRef
from annotator.services.spans import tone_of
from annotator.services.visibility import Reader, can_see_verdict, is_listed, not_deleted, placed, plain_viewer


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
def _statement():
    """One row per live annotation on a placed span reaching into ``[lo, hi)`` (built once)."""
    return (
        select_columns(
            col(Span.id),
            col(Span.start),
            col(Span.end),
            col(Span.quote),
            col(Span.anchor_state),
            col(FinalVerdict.verdict),
            col(Annotation.user_id),
            col(Annotation.status),
            col(Annotation.verdict),
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
        .order_by(col(Span.start), col(Span.end), col(Span.id))
    )


def highlights(*, session: Session, article: Article, viewer: Reader, within: tuple[int, int]) -> list[Highlight]:
    """The claims reaching into ``within`` that the viewer knows of (an annotation listed to them, or a
    ruling), in text order, with the tone ``SpanSummary.tone`` gives them (one query)."""
    viewer = plain_viewer(viewer)
    lo, hi = within
    rows = session.connection().execute(_statement(), {"article": article.id, "lo": lo, "hi": hi})
    found = []
    for span_id, group in groupby(rows, key=lambda row: row[0]):
        annotations = list(group)
        _, start, end, quote, state, final, *_ = annotations[0]
        viewer_submitted = any(author == viewer.id and status != DRAFT for *_, author, status, _ in annotations)
        listed = False
        keys = set()
        for *_, author, status, verdict in annotations:
            listed = listed or is_listed(viewer, author_id=author, status=status)
            seen = can_see_verdict(
                viewer,
                author_id=author,
                status=status,
                blind=article.blind_review,
                settled=final is not None,
                viewer_submitted=viewer_submitted,
            )
            if seen and verdict:
                keys.add(verdict)
        if listed or final is not None:
            found.append(Highlight(span_id, start, end, quote, tone_of(final, keys, state), state, listed))
    return found
