"""A claim as its panel opens: the article, the span, its ruling (with the lead who gave it), and whether the
viewer may know of it and whether it has a thread, in one read.

The panel then reads the claim's annotations (``spans.span_annotations``, one statement) and the claims that
overlap it (one more); its comments only when it has some, the earlier wording only when a new version changed
it. Who may know of a claim is ``visibility.knows_span``; this read asks the same in SQL.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from sqlalchemy import Integer, bindparam, exists
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from annotator.db.models import Annotation, Article, Comment, FinalVerdict, Span, User
from annotator.db.sql import select_columns
from annotator.services.visibility import Reader, listed_to_id, plain_viewer


@dataclass
class Claim:
    article: Article
    span: Span
    final: FinalVerdict | None
    known: bool  # the viewer may know the claim exists (``visibility.knows_span``)
    has_comments: bool


@functools.cache
def _statement(lead: bool, by_article: bool = True):
    """The claim's read for a lead or a reviewer (built once; ids bound at each run), of the span in the
    bound article, or (``by_article`` False) in whichever article holds it."""
    ruler = aliased(User, name="ruler")
    viewer_id = bindparam("viewer", type_=Integer)
    listed = exists().where(col(Annotation.span_id) == Span.id, listed_to_id(viewer_id, lead=lead)).correlate(Span)
    statement = (
        select_columns(
            Article, Span, FinalVerdict, ruler, listed, exists().where(col(Comment.span_id) == Span.id).correlate(Span)
        )
        .select_from(Span)
        .join(Article, col(Article.id) == Span.article_id)
        .outerjoin(FinalVerdict, col(FinalVerdict.span_id) == Span.id)
        .outerjoin(ruler, col(ruler.id) == FinalVerdict.lead_id)
        .where(col(Span.id) == bindparam("span", type_=Integer))
    )
    if by_article:
        statement = statement.where(col(Span.article_id) == bindparam("article", type_=Integer))
    return statement


def open_claim(*, session: Session, article_id: int, span_id: int, viewer: Reader) -> Claim | None:
    """The claim ``span_id`` of article ``article_id``; None when there is no such span in that article."""
    return _read(session, {"span": span_id, "article": article_id}, viewer)


def claim_of_span(*, session: Session, span_id: int, viewer: Reader) -> Claim | None:
    """The claim ``span_id``, in whichever article holds it (a span the caller has just changed: its article
    comes with it, in the same read); None when there is no such span."""
    return _read(session, {"span": span_id}, viewer)


def _read(session: Session, ids: dict[str, int], viewer: Reader) -> Claim | None:
    reader = plain_viewer(viewer)
    row = session.execute(_statement(reader.is_lead, "article" in ids), ids | {"viewer": reader.id}).first()
    if row is None:
        return None
    article, span, final, _ruler, listed, commented = row  # the ruler is in the identity map: final.lead reads it
    return Claim(article, span, final, bool(reader.is_lead or listed or final is not None), bool(commented))
