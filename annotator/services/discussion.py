"""The discussion thread of a span: comments by reviewers and leads."""

from __future__ import annotations

from sqlalchemy.orm import joinedload
from sqlmodel import Session, col, select

from annotator.db.models import Comment, Span, User, utcnow
from annotator.db.sql import related
from annotator.services import history


def add_comment(*, session: Session, span: Span, user: User, body: str) -> Comment:
    """Add a message to the span's discussion."""
    assert span.id is not None and user.id is not None  # both are stored rows
    comment = Comment(span_id=span.id, user_id=user.id, body=body, created_at=utcnow())
    session.add(comment)
    history.record(
        session, span_id=span.id, user=user, action="commented", after={"comment": body}, at=comment.created_at
    )
    session.commit()
    return comment


def span_comments(*, session: Session, span_id: int) -> list[Comment]:
    """The claim's thread, oldest first, with each comment's author (one statement: a join)."""
    statement = (
        select(Comment)
        .where(Comment.span_id == span_id)
        .options(joinedload(related(Comment.user), innerjoin=True))
        .order_by(col(Comment.created_at), col(Comment.id))
    )
    return list(session.exec(statement))
