"""The printable fact-check report of an article (leads only): settled claims in reading order with
their final verdicts, rationales and cited sources; counts; open claims; the version history.

Leads only, like the dashboard: the report lists every submitted verdict's claim, which blind
review would hide from a reviewer, and it is the document a desk publishes from.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, render_template
from sqlmodel import Session, col, select

from annotator.db.models import (
    ORPHANED,
    SUBMITTED,
    Annotation,
    Article,
    ArticleVersion,
    FinalVerdict,
    Span,
    User,
    utcnow,
)
from annotator.db.sql import select_columns
from annotator.domain import reporting
from annotator.extensions import db
from annotator.services.versioning import ORIGINS, versions_of
from annotator.services.visibility import not_deleted
from annotator.web.helpers import get_or_404, lead_required

bp = Blueprint("report", __name__)


@dataclass
class VersionLine:
    number: int
    created_at: object
    origin: str
    source: str | None
    by: str | None


@dataclass
class Report:
    article: Article
    settled: list[reporting.SettledClaim]
    counts: list[reporting.VerdictCount]
    open: list[reporting.OpenClaim]
    versions: list[VersionLine]


def load_report(*, session: Session, article: Article) -> Report:
    """Everything the report shows, in four queries whatever the number of claims or versions."""
    orphaned = col(Span.anchor_state) == ORPHANED
    settled = [
        reporting.SettledClaim(
            final.span_id,
            span.start,
            span.end,
            span.anchor_state == ORPHANED,
            span.prefix,
            span.quote,
            span.suffix,
            final.quote,
            final.verdict,
            final.rationale,
            list(final.cited_sources),
            lead,
            final.updated_at,
        )
        for final, span, lead in session.exec(
            select(FinalVerdict, Span, User.display_name)
            .join(Span, col(Span.id) == FinalVerdict.span_id)
            .join(User, col(User.id) == FinalVerdict.lead_id)
            .where(Span.article_id == article.id)
        )
    ]
    open_rows = list(
        session.exec(
            select_columns(Span.id, Span.start, Span.end, orphaned, Span.quote, Annotation.verdict)
            .join(Annotation, col(Annotation.span_id) == Span.id)
            .outerjoin(FinalVerdict, col(FinalVerdict.span_id) == Span.id)
            .where(
                Span.article_id == article.id,
                col(FinalVerdict.id).is_(None),
                Annotation.status == SUBMITTED,
                not_deleted(),
            )
            .order_by(col(Span.id), col(Annotation.user_id))
        )
    )
    versions: list[ArticleVersion] = versions_of(session=session, article=article)
    author_ids = {v.created_by_id for v in versions if v.created_by_id is not None}
    names = (
        {
            user_id: name
            for user_id, name in session.exec(select(User.id, User.display_name).where(col(User.id).in_(author_ids)))
        }
        if author_ids
        else {}
    )
    return Report(
        article=article,
        settled=reporting.reading_order(settled),
        counts=reporting.verdict_counts(settled),
        open=reporting.open_claims(open_rows),
        versions=[
            VersionLine(v.number, v.created_at, ORIGINS.get(v.origin, v.origin), v.source, names.get(v.created_by_id))
            for v in versions
        ],
    )


@bp.get("/articles/<int:article_id>/report")
@lead_required
def show(article_id: int):
    """The article's fact-check report, made to be printed (see static/print.css)."""
    article = get_or_404(Article, article_id)
    return render_template(
        "report/article.html", report=load_report(session=db.session(), article=article), generated_at=utcnow()
    )
