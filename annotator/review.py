"""Lead summaries: what was checked in an article and where reviewers disagree."""
from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, render_template

from . import db, spans
from .models import Article
from .web import get_or_404

bp = Blueprint("review", __name__)


@dataclass
class ChartBar:
    label: str
    key: str
    count: int
    width: float  # share of the longest bar, 0..1


def chart_bars(summaries: list[spans.SpanSummary]) -> list[ChartBar]:
    """Bars of the verdict chart, in scale order, scaled to the largest count."""
    counts = spans.verdict_counts(summaries)
    largest = max((count for _, count in counts), default=0) or 1
    return [ChartBar(v.label, v.key, count, count / largest) for v, count in counts]


def summary_rows(summaries: list[spans.SpanSummary]) -> list[spans.SpanSummary]:
    """Claims with disagreements first, then in the order of the text."""
    return sorted(summaries, key=lambda s: (not s.disputed, s.start, s.end))


def reviewer_columns(summaries: list[spans.SpanSummary]) -> list[tuple[int, str]]:
    """(user id, name) of everyone who judged a claim of the article, by name."""
    names = {j.user_id: j.reviewer for s in summaries for j in s.judgements}
    return sorted(names.items(), key=lambda item: (item[1].lower(), item[0]))


@bp.get("/articles/<int:article_id>/summary")
def summary(article_id: int):
    """Per article: verdict counts, each claim with every reviewer's verdict side by side."""
    article = get_or_404(Article, article_id)
    summaries = spans.span_summaries(session=db.session(), article_id=article.id)
    return render_template(
        "review/summary.html",
        article=article,
        rows=summary_rows(summaries),
        reviewers=reviewer_columns(summaries),
        bars=chart_bars(summaries),
        annotation_count=sum(len(s.judgements) for s in summaries),
        disputed_count=sum(1 for s in summaries if s.disputed),
        single_count=sum(1 for s in summaries if len(s.judgements) == 1),
    )
