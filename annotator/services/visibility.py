"""Who may see what: the visibility rules every page, export and API answer applies.

- a draft is seen by its author only (a lead sees that it exists, not what it says);
- under blind review (an article setting, on by default) a reviewer sees other
  reviewers' verdicts on a span only once their own annotation on it is submitted,
  or once the span is settled;
- leads see every submitted annotation;
- a span (claim) is known to a reviewer only through an annotation listed to them, or a ruling:
  its address must not reveal which words another reviewer is drafting on.

Plain functions that take the session by keyword, like the other services.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Integer, bindparam, exists
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, col, select

from annotator.db.models import DRAFT, ORPHANED, Annotation, Article, FinalVerdict, Span, User
from annotator.db.sql import stored_id


@dataclass(frozen=True)
class Viewer:
    """Someone who reads annotations without being a user (e.g. the operator at the command line)."""

    id: int
    is_lead: bool


# Command-line exports see what a lead sees: everything submitted, no drafts.
OPERATOR = Viewer(id=0, is_lead=True)

# Whoever reads: a signed-in user, or the operator.
Reader = User | Viewer


def plain_viewer(viewer: Reader) -> Viewer:
    """The reader as a plain object (not the request's user proxy), for loops run once per annotation."""
    return Viewer(stored_id(viewer), viewer.is_lead)


def can_see_verdict(
    viewer: Reader, *, author_id: int, status: str, blind: bool, settled: bool, viewer_submitted: bool
) -> bool:
    """Whether ``viewer`` may read an annotation's verdict and content."""
    if author_id == viewer.id:
        return True
    if status == DRAFT:
        return False
    return viewer.is_lead or not blind or settled or viewer_submitted


def is_listed(viewer: Reader, *, author_id: int, status: str) -> bool:
    """Whether ``viewer`` may know the annotation exists (leads know of drafts)."""
    return author_id == viewer.id or status != DRAFT or viewer.is_lead


def not_deleted() -> ColumnElement[bool]:
    return col(Annotation.deleted_at).is_(None)


def placed() -> ColumnElement[bool]:
    """Spans with a place in the latest text (not orphaned by a new version)."""
    return col(Span.anchor_state) != ORPHANED


def listed_to(viewer: Reader):
    """``is_listed`` as SQL: live annotations the viewer may know exist (a reviewer: not others' drafts)."""
    return listed_to_id(stored_id(viewer), lead=viewer.is_lead)


def listed_to_id(viewer_id: int | ColumnElement[int], *, lead: bool) -> ColumnElement[bool]:
    """``listed_to`` for a viewer given by id, which may be a bound parameter (a statement built once)."""
    if lead:
        return not_deleted()
    return not_deleted() & ((col(Annotation.status) != DRAFT) | (col(Annotation.user_id) == viewer_id))


def is_settled(session: Session, span_id: int) -> bool:
    return session.exec(select(col(FinalVerdict.id)).where(col(FinalVerdict.span_id) == span_id)).first() is not None


@functools.cache
def _span_and_ruling():
    return select(Span, exists().where(col(FinalVerdict.span_id) == Span.id)).where(
        col(Span.id) == bindparam("span", type_=Integer)
    )


def annotation_claim_settled(session: Session, annotation: Annotation) -> bool:
    """:func:`is_settled` for the annotation's claim, read with its span in one statement: the annotation
    then holds the span (a change's search document and live marker read it, without a statement more)."""
    span, settled = session.execute(_span_and_ruling(), {"span": annotation.span_id}).one()
    set_committed_value(annotation, "span", span)
    return bool(settled)


def knows_span(*, session: Session, span: Span, viewer: Reader) -> bool:
    """Whether the viewer may know the span exists: it has an annotation listed for them, or a ruling.

    Otherwise its address must not reveal which words another reviewer is drafting on.
    """
    if viewer.is_lead:
        return True
    listed = select(col(Annotation.id)).where(col(Annotation.span_id) == span.id, listed_to(viewer))
    return session.exec(listed).first() is not None or is_settled(session, stored_id(span))


def known_span_ids(*, session: Session, article: Article, viewer: Reader) -> set[int] | None:
    """The article's spans the viewer may know of (see ``knows_span``); None for a lead: all of them."""
    if viewer.is_lead:
        return None
    listed = (
        select(col(Annotation.span_id))
        .join(Span, col(Span.id) == Annotation.span_id)
        .where(col(Span.article_id) == article.id, listed_to(viewer))
    )
    ruled = (
        select(col(FinalVerdict.span_id))
        .join(Span, col(Span.id) == FinalVerdict.span_id)
        .where(col(Span.article_id) == article.id)
    )
    return {row[0] for row in session.execute(listed.union(ruled))}


@functools.cache
def _orphans_statement(lead: bool):
    """``known_orphans``'s statement for a lead or a reviewer (built once; ids bound at each run)."""
    statement = (
        select(Span)
        .where(col(Span.article_id) == bindparam("article", type_=Integer), ~placed())
        .order_by(col(Span.start), col(Span.id))
    )
    ruled = select(col(FinalVerdict.span_id))
    # A lead: every orphan with something on it (a claim retired by a re-attachment has nothing).
    listed = select(col(Annotation.span_id)).where(listed_to_id(bindparam("viewer", type_=Integer), lead=lead))
    return statement.where(col(Span.id).in_(listed) | col(Span.id).in_(ruled))


def known_orphans(*, session: Session, article: Article, viewer: Reader) -> list[Span]:
    """The article's orphaned spans that the viewer may know of, in their old text order (one query)."""
    parameters = {"article": article.id, "viewer": stored_id(viewer)}
    return list(session.scalars(_orphans_statement(bool(viewer.is_lead)), parameters))


def may_read(*, session: Session, annotation: Annotation, viewer: Reader) -> bool:
    """Whether ``viewer`` may read this one annotation (its verdict, note and sources), as every view decides."""
    if annotation.user_id == viewer.id:
        return True
    viewer_submitted = (
        session.exec(
            select(col(Annotation.id)).where(
                col(Annotation.span_id) == annotation.span_id,
                col(Annotation.user_id) == viewer.id,
                col(Annotation.status) != DRAFT,
                not_deleted(),
            )
        ).first()
        is not None
    )
    return can_see_verdict(
        viewer,
        author_id=annotation.user_id,
        status=annotation.status,
        blind=annotation.span.article.blind_review,
        settled=is_settled(session, annotation.span_id),
        viewer_submitted=viewer_submitted,
    )
