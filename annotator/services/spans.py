"""Spans (the claims reviewers annotate): the queries behind every page that lists them.

The reviewer's actions on annotations are ``services.annotations``; the export rows ``services.exports``;
who may see which span, annotation and verdict is decided in ``services.visibility`` and nowhere else.

Plain functions that take the session by keyword, so that they can be tested without a request.
"""

from __future__ import annotations

import functools
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Integer, bindparam, func
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload
from sqlmodel import Session, col, select

from annotator.db import sql
from annotator.db.models import DRAFT, ORPHANED, Annotation, Article, FinalVerdict, Source, Span, User
from annotator.db.sql import related, select_columns, stored_id
from annotator.domain import verdicts
from annotator.domain.anchoring import Target
from annotator.domain.reanchoring import CHANGED
from annotator.domain.text import SpanRef
from annotator.services.visibility import (
    Reader,
    can_see_verdict,
    is_listed,
    is_settled,
    listed_to_id,
    not_deleted,
    placed,
    plain_viewer,
)


def tone_of(final_verdict: str | None, verdicts: Iterable[str], state: str) -> str:
    """CSS classes of a claim's highlight: settled, agreed (verdict colour), disputed, or pending;
    ``verdicts`` are those the viewer may read ("" awaits one), ``state`` how the latest version placed it."""
    changed = " changed" if state == CHANGED else ""
    if final_verdict:
        return f"settled verdict-{final_verdict}{changed}"
    agreed = ""
    for verdict in verdicts:
        if verdict and verdict != agreed:
            if agreed:
                return "disputed" + changed
            agreed = verdict
    return (f"verdict-{agreed}" if agreed else "pending") + changed


@dataclass
class Judgement:
    """One reviewer's annotation on a span as the overview pages show it; ``verdict`` None when hidden."""

    annotation_id: int
    user_id: int
    reviewer: str
    verdict: str | None
    status: str
    source_count: int
    created_at: datetime
    made_on_version: int = 1

    @property
    def hidden(self) -> bool:
        return self.verdict is None


@dataclass
class SpanSummary:
    """A span with every judgement on it that the viewer may know of."""

    id: int
    start: int
    end: int
    quote: str
    final_verdict: str | None = None
    judgements: list[Judgement] = field(default_factory=list)
    state: str = "original"  # how the latest version placed it (see reanchoring)

    @property
    def orphaned(self) -> bool:
        return self.state == ORPHANED

    @property
    def shown(self) -> list[Judgement]:
        return [j for j in self.judgements if j.verdict is not None]

    @property
    def verdict_keys(self) -> set[str]:
        """The verdicts the viewer may read (a draft awaiting one gives none: the claim stays pending)."""
        return {j.verdict for j in self.shown if j.verdict}

    @property
    def draft_count(self) -> int:
        """Others' drafts the viewer knows of (a lead) but may not read."""
        return sum(1 for j in self.judgements if j.verdict is None and j.status == DRAFT)

    @property
    def hidden_count(self) -> int:
        """Submitted verdicts that blind review hides from the viewer."""
        return sum(1 for j in self.judgements if j.verdict is None and j.status != DRAFT)

    @property
    def disputed(self) -> bool:
        return len(self.verdict_keys) > 1

    @property
    def settled(self) -> bool:
        return self.final_verdict is not None

    @property
    def tone(self) -> str:
        """CSS classes of the highlight: settled, agreed (verdict colour), disputed, or pending."""
        return tone_of(self.final_verdict, self.verdict_keys, self.state)

    @property
    def source_count(self) -> int:
        return sum(j.source_count for j in self.shown)

    def ref(self) -> SpanRef:
        return SpanRef(self.id, self.start, self.end)


@functools.cache
def _summaries_statement(within: bool):
    """The statement of ``span_summaries`` (built once; the article and window are bound at each run)."""
    statement = (
        select_columns(
            col(Span.id),
            col(Span.start),
            col(Span.end),
            col(Span.quote),
            col(FinalVerdict.verdict),
            col(Annotation.id),
            col(Annotation.verdict),
            col(Annotation.status),
            col(Annotation.created_at),
            col(User.id),
            col(User.display_name),
            func.count(col(Source.id)),
            col(Span.anchor_state),
            col(Annotation.made_on_version),
        )
        .join(Annotation, col(Annotation.span_id) == Span.id)
        .join(User, col(User.id) == Annotation.user_id)
        .outerjoin(FinalVerdict, col(FinalVerdict.span_id) == Span.id)
        .outerjoin(Source, (col(Source.annotation_id) == Annotation.id) & col(Source.removed_at).is_(None))
        .where(col(Span.article_id) == bindparam("article"), not_deleted())
        .group_by(col(Span.id), col(FinalVerdict.id), col(Annotation.id), col(User.id))
        .order_by(col(Span.start), col(Span.end), col(Span.id), col(User.display_name))
    )
    if within:
        statement = statement.where(col(Span.start) < bindparam("hi"), col(Span.end) > bindparam("lo"), placed())
    return statement


def span_summaries(
    *, session: Session, article: Article, viewer: Reader, within: tuple[int, int] | None = None
) -> list[SpanSummary]:
    """Every span of the article with an annotation the viewer may know of, in text order (one query).
    Orphaned spans are among them (``orphaned``; their range is in an older version).

    ``within`` = (lo, hi) keeps only the placed spans that reach into ``[lo, hi)`` of the latest text.
    """
    statement = _summaries_statement(within is not None)
    lo, hi = within if within is not None else (0, 0)
    rows_by_span: dict[int, list[Any]] = defaultdict(list)
    for row in session.connection().execute(statement, {"article": article.id, "lo": lo, "hi": hi}):
        rows_by_span[row[0]].append(row)
    # A plain object, not the request's user proxy: this loop runs once per annotation.
    viewer = plain_viewer(viewer)
    summaries = []
    for span_id, rows in rows_by_span.items():
        _, start, end, quote, final, *_, state, _ = rows[0]
        viewer_submitted = any(r[9] == viewer.id and r[7] != DRAFT for r in rows)
        summary = SpanSummary(span_id, start, end, quote, final, state=state)
        for (
            _,
            _,
            _,
            _,
            _,
            annotation_id,
            verdict,
            status,
            created_at,
            user_id,
            reviewer,
            source_count,
            _,
            made_on,
        ) in rows:
            if not is_listed(viewer, author_id=user_id, status=status):
                continue
            seen = can_see_verdict(
                viewer,
                author_id=user_id,
                status=status,
                blind=article.blind_review,
                settled=final is not None,
                viewer_submitted=viewer_submitted,
            )
            summary.judgements.append(
                Judgement(
                    annotation_id,
                    user_id,
                    reviewer,
                    verdict if seen else None,
                    status,
                    source_count if seen else 0,
                    created_at,
                    made_on,
                )
            )
        if summary.judgements or summary.settled:
            summaries.append(summary)
    return summaries


def listed_counts(*, session: Session, article: Article, viewer: Reader) -> tuple[int, int]:
    """How many claims and annotations the article shows this viewer: the counts of ``span_summaries``
    from a lighter query (no reviewers, no sources), annotation by annotation. What a save returns
    comes from the spans' counters instead (``highlights.paragraphs``); tests hold the two equal."""
    statement = (
        select(col(Annotation.span_id), col(Annotation.user_id), col(Annotation.status), col(FinalVerdict.id))
        .join(Span, col(Span.id) == Annotation.span_id)
        .outerjoin(FinalVerdict, col(FinalVerdict.span_id) == Span.id)
        .where(col(Span.article_id) == article.id, not_deleted(), placed())
    )
    viewer = plain_viewer(viewer)
    claims, annotations = set(), 0
    for span_id, user_id, status, final_id in sql.rows(session, statement):
        listed = is_listed(viewer, author_id=user_id, status=status)
        annotations += listed
        if listed or final_id is not None:
            claims.add(span_id)
    return len(claims), annotations


def verdict_counts(summaries: list[SpanSummary]) -> list[tuple[verdicts.Verdict, int]]:
    """How many visible annotations give each verdict, in scale order."""
    counts = Counter(j.verdict for s in summaries for j in s.shown)
    return [(v, counts.get(v.key, 0)) for v in verdicts.SCALE]


@dataclass
class SpanAnnotations:
    """The annotations of one span as a viewer sees them in the panel."""

    visible: list[Annotation]
    hidden_count: int  # submitted by others, verdicts hidden by blind review
    draft_count: int  # others' drafts a lead knows of
    deleted: list[Annotation]  # hidden annotations a lead may restore


@functools.cache
def _annotations_statement():
    """A span's annotations with their reviewers and current sources (built once; the span bound)."""
    return (
        select(Annotation)
        .where(col(Annotation.span_id) == bindparam("span", type_=Integer))
        .options(joinedload(related(Annotation.user)), joinedload(related(Annotation.sources)))
        .order_by(col(Annotation.created_at), col(Annotation.id))
    )


def span_annotations(
    *, session: Session, span: Span, viewer: Reader, settled: bool | None = None, blind: bool | None = None
) -> SpanAnnotations:
    """The span's annotations with reviewers and sources, split by what the viewer may see: one query
    (with ``settled`` and ``blind`` known already; otherwise one more for the ruling)."""
    annotations = list(session.scalars(_annotations_statement(), {"span": span.id}).unique())
    live = [a for a in annotations if a.deleted_at is None]
    if settled is None:
        settled = is_settled(session, stored_id(span))
    viewer_submitted = any(a.user_id == viewer.id and a.status != DRAFT for a in live)
    if blind is None:
        blind = span.article.blind_review
    visible, hidden, drafts = [], 0, 0
    for a in live:
        if can_see_verdict(
            viewer,
            author_id=a.user_id,
            status=a.status,
            blind=blind,
            settled=settled,
            viewer_submitted=viewer_submitted,
        ):
            visible.append(a)
        elif is_listed(viewer, author_id=a.user_id, status=a.status):
            drafts += a.status == DRAFT
            hidden += a.status != DRAFT
    deleted = [a for a in annotations if a.deleted_at is not None] if viewer.is_lead else []
    return SpanAnnotations(visible, hidden, drafts, deleted)


def overlapping_spans(*, session: Session, span: Span, viewer: Reader) -> list[Span]:
    """Other spans of the same article that share text with ``span`` and that the viewer knows of."""
    parameters = {
        "article": span.article_id,
        "span": span.id,
        "start": span.start,
        "end": span.end,
        "viewer": stored_id(viewer),
    }
    return list(session.scalars(_overlapping_statement(bool(viewer.is_lead)), parameters))


@functools.cache
def _overlapping_statement(lead: bool):
    """``overlapping_spans``'s statement for a lead or a reviewer (built once; values bound at each run)."""
    known = select(col(Annotation.span_id)).where(listed_to_id(bindparam("viewer", type_=Integer), lead=lead))
    return (
        select(Span)
        .where(
            col(Span.article_id) == bindparam("article", type_=Integer),
            col(Span.id) != bindparam("span", type_=Integer),
            placed(),
            col(Span.start) < bindparam("end", type_=Integer),
            col(Span.end) > bindparam("start", type_=Integer),
            col(Span.id).in_(known),
        )
        .order_by(col(Span.start), col(Span.end))
    )


def find_span(*, session: Session, article_id: int, start: int, end: int) -> Span | None:
    """The placed span on exactly this range of the latest text."""
    return session.exec(
        select(Span).where(col(Span.article_id) == article_id, col(Span.start) == start, col(Span.end) == end, placed())
    ).first()


def final_verdict_of(session: Session, span_id: int, *, fresh: bool = False) -> FinalVerdict | None:
    """The span's final verdict, if a lead has settled it. ``fresh``: its values as the database holds them
    now, even when the session holds the row already (read before a lock, say)."""
    statement = select(FinalVerdict).where(col(FinalVerdict.span_id) == span_id)
    if fresh:
        statement = statement.execution_options(populate_existing=True)
    return session.exec(statement).first()


def own_annotation(
    *, session: Session, span: Span | None, user: User, include_deleted: bool = False
) -> Annotation | None:
    """This user's annotation on the span, if any."""
    if span is None or span.id is None:
        return None
    statement = select(Annotation).where(col(Annotation.span_id) == span.id, col(Annotation.user_id) == user.id)
    if not include_deleted:
        statement = statement.where(not_deleted())
    return session.exec(statement.options(selectinload(related(Annotation.sources)))).first()


def span_on(article: Article, target: Target, **stored) -> Span:
    """A span row on ``target`` in the article's latest text (not added to any session); ``stored``: the
    columns of a row already written (the fast save renders from one)."""
    return Span(
        article_id=stored_id(article),
        start=target.start,
        end=target.end,
        quote=target.quote,
        prefix=target.prefix,
        suffix=target.suffix,
        anchored_version=article.current_version,
        **stored,
    )


def get_or_create_span(*, session: Session, article: Article, target: Target) -> Span:
    """The span with exactly these offsets, created when new.

    Two reviewers saving the same new span at once race on the unique
    constraint; the loser reads the winner's row.
    """
    article_id = stored_id(article)
    span = find_span(session=session, article_id=article_id, start=target.start, end=target.end)
    if span is not None:
        return span
    span = span_on(article, target)
    try:
        with session.begin_nested():
            session.add(span)
    except IntegrityError:
        span = find_span(session=session, article_id=article_id, start=target.start, end=target.end)
        if span is None:
            raise
    return span
