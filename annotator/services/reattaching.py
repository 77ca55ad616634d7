"""Re-attaching an orphaned claim: putting a span that a new version could not place onto words of the
latest text by hand (``/articles/<id>/spans/<id>/reattach`` and ``flask reattach``).

Plain functions taking the session by keyword (no request), like the other services.
"""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from annotator.db import sql
from annotator.db.models import Annotation, Article, Event, Span, SpanAnchor, User
from annotator.domain.anchoring import Target
from annotator.domain.reanchoring import ORPHANED, REATTACHED
from annotator.services import annotations as annotation_service
from annotator.services import history, visibility


class NotOrphaned(Exception):
    """Only an orphaned span is re-attached (someone may have done it already)."""


class RangeTaken(Exception):
    """Another claim already covers exactly the chosen words."""

    def __init__(self, span: Span | None):
        super().__init__("another claim covers these words")
        self.span = span


def reattach(*, session: Session, span: Span, target: Target, user: User, article_version: int) -> Span:
    """Put an orphaned span on new words of version ``article_version``, which must still be the
    latest (TextChanged otherwise), and record it in the span's history."""
    sql.begin_write(session)
    assert span.id is not None  # a stored span
    article = span.article
    current = session.exec(
        select(Article.current_version).where(Article.id == article.id).with_for_update(read=True)
    ).one()
    if article_version != current or article.current_version != current:
        raise annotation_service.TextChanged()
    session.refresh(span, with_for_update=True)
    if not span.orphaned:
        raise NotOrphaned()
    taken = session.exec(
        select(Span).where(
            Span.article_id == span.article_id,
            Span.start == target.start,
            Span.end == target.end,
            Span.anchor_state != ORPHANED,
        )
    ).first()
    if taken is not None:
        if visibility.knows_span(session=session, span=taken, viewer=user):
            raise RangeTaken(taken)
        _make_room(session, orphan=span, hidden=taken, user=user)
    before = {"quote": span.quote}
    span.start, span.end, span.quote = target.start, target.end, target.quote
    span.prefix, span.suffix = target.prefix, target.suffix
    span.anchor_state, span.anchored_version = REATTACHED, article.current_version
    anchor = session.exec(
        select(SpanAnchor).where(SpanAnchor.span_id == span.id, SpanAnchor.version == article.current_version)
    ).first()
    if anchor is None:
        anchor = SpanAnchor(span_id=span.id, version=article.current_version, state=REATTACHED)
        session.add(anchor)
    anchor.state, anchor.start, anchor.end, anchor.quote, anchor.similarity = (
        REATTACHED,
        target.start,
        target.end,
        target.quote,
        100.0,
    )
    history.record(
        session, span_id=span.id, user=user, action="reattached", before=before, after={"quote": target.quote}
    )
    try:
        session.flush()
    except IntegrityError:  # a new claim took exactly these words a moment ago
        session.rollback()
        raise RangeTaken(None) from None
    session.commit()
    return span


def _make_room(session: Session, *, orphan: Span, hidden: Span, user: User) -> None:
    """Re-attaching onto words that only other reviewers' drafts hold (a claim ``user`` may not know of)
    goes ahead as if the words were free, and tells ``user`` nothing: the drafts move onto the
    re-attached claim unchanged and still private, with their history and a "moved" event their
    authors (and leads) see. The claim they leave keeps its discussion and is retired (orphaned, and
    with nothing on it, listed nowhere). A draft whose author already has an annotation on the
    re-attached claim cannot join it (one annotation per reviewer and claim): it stays, untouched,
    on the retired claim, which its author then finds among the orphans, to re-attach elsewhere."""
    hidden.anchor_state = ORPHANED  # off the words first: the unique range index takes one placed claim
    # Nor is it placed in the current version any more (the version pages read these rows).
    session.execute(
        update(SpanAnchor)
        .where(col(SpanAnchor.span_id) == hidden.id, col(SpanAnchor.version) == hidden.anchored_version)
        .values(state=ORPHANED, start=None, end=None, quote=None)
        .execution_options(synchronize_session=False)
    )
    session.flush()
    assert orphan.id is not None  # a stored span
    judged = set(session.exec(select(Annotation.user_id).where(Annotation.span_id == orphan.id)))
    for annotation in session.exec(select(Annotation).where(Annotation.span_id == hidden.id)).all():
        if annotation.user_id in judged:
            continue
        annotation.span_id = orphan.id
        session.execute(
            update(Event)
            .where(col(Event.annotation_id) == annotation.id)
            .values(span_id=orphan.id)
            .execution_options(synchronize_session=False)
        )
        history.record(
            session,
            span_id=orphan.id,
            annotation_id=annotation.id,
            user=user,
            action="moved",
            before={"claim": hidden.id},
            after={"claim": orphan.id},
        )
    session.flush()
