"""Spans and annotations: the queries and rules behind the article page and panel.

Plain functions that take the session by keyword, so that they can be tested
without a request. Every page loads its annotations here, in a fixed number
of queries.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload
from sqlmodel import Session, select

from . import db, verdicts
from .anchoring import Target
from .models import Annotation, AnnotationEvent, Article, Source, Span, User, utcnow
from .text import SpanRef


@dataclass
class Judgement:
    """One reviewer's verdict on a span, as the overview pages need it."""

    annotation_id: int
    user_id: int
    reviewer: str
    verdict: str
    source_count: int


@dataclass
class SpanSummary:
    """A span with every visible verdict on it."""

    id: int
    start: int
    end: int
    quote: str
    judgements: list[Judgement] = field(default_factory=list)

    @property
    def verdict_keys(self) -> set[str]:
        return {j.verdict for j in self.judgements}

    @property
    def disputed(self) -> bool:
        return len(self.verdict_keys) > 1

    @property
    def tone(self) -> str:
        """The CSS tone of the highlight: the shared verdict, or 'disputed'."""
        keys = self.verdict_keys
        return f"verdict-{next(iter(keys))}" if len(keys) == 1 else "disputed"

    @property
    def source_count(self) -> int:
        return sum(j.source_count for j in self.judgements)

    def ref(self) -> SpanRef:
        return SpanRef(self.id, self.start, self.end)


def visible_annotations():
    """The condition for annotations shown to users: not deleted."""
    return Annotation.deleted_at.is_(None)


def span_summaries(*, session: Session, article_id: int) -> list[SpanSummary]:
    """Every span of the article that has a visible annotation, in text order (one query)."""
    statement = (
        select(Span.id, Span.start, Span.end, Span.quote, Annotation.id, Annotation.verdict,
               User.id, User.display_name, func.count(Source.id))
        .join(Annotation, Annotation.span_id == Span.id)
        .join(User, User.id == Annotation.user_id)
        .outerjoin(Source, Source.annotation_id == Annotation.id)
        .where(Span.article_id == article_id, visible_annotations())
        .group_by(Span.id, Annotation.id, User.id)
        .order_by(Span.start, Span.end, Span.id, User.display_name)
    )
    summaries: dict[int, SpanSummary] = {}
    for span_id, start, end, quote, annotation_id, verdict, user_id, reviewer, source_count in session.exec(statement):
        summary = summaries.get(span_id)
        if summary is None:
            summary = summaries[span_id] = SpanSummary(span_id, start, end, quote)
        summary.judgements.append(Judgement(annotation_id, user_id, reviewer, verdict, source_count))
    return list(summaries.values())


def verdict_counts(summaries: list[SpanSummary]) -> list[tuple[verdicts.Verdict, int]]:
    """How many annotations give each verdict, in scale order."""
    counts = Counter(j.verdict for s in summaries for j in s.judgements)
    return [(v, counts.get(v.key, 0)) for v in verdicts.SCALE]


def span_annotations(*, session: Session, span: Span) -> list[Annotation]:
    """The visible annotations on a span with their reviewers and sources (two queries)."""
    statement = (
        select(Annotation)
        .where(Annotation.span_id == span.id, visible_annotations())
        .options(selectinload(Annotation.user), selectinload(Annotation.sources))
        .order_by(Annotation.created_at, Annotation.id)
    )
    return list(session.exec(statement))


def overlapping_spans(*, session: Session, span: Span) -> list[Span]:
    """Other annotated spans of the same article that share text with ``span``."""
    statement = (
        select(Span)
        .where(Span.article_id == span.article_id, Span.id != span.id,
               Span.start < span.end, Span.end > span.start,
               Span.id.in_(select(Annotation.span_id).where(visible_annotations())))
        .order_by(Span.start, Span.end)
    )
    return list(session.exec(statement))


def find_span(*, session: Session, article_id: int, start: int, end: int) -> Span | None:
    return session.exec(
        select(Span).where(Span.article_id == article_id, Span.start == start, Span.end == end)
    ).first()


def own_annotation(*, session: Session, span: Span | None, user: User, include_deleted: bool = False) -> Annotation | None:
    """This user's annotation on the span, if any."""
    if span is None or span.id is None:
        return None
    statement = select(Annotation).where(Annotation.span_id == span.id, Annotation.user_id == user.id)
    if not include_deleted:
        statement = statement.where(visible_annotations())
    return session.exec(statement.options(selectinload(Annotation.sources))).first()


def get_or_create_span(*, session: Session, article: Article, target: Target) -> Span:
    """The span with exactly these offsets, created when new.

    Two reviewers saving the same new span at once race on the unique
    constraint; the loser reads the winner's row.
    """
    span = find_span(session=session, article_id=article.id, start=target.start, end=target.end)
    if span is not None:
        return span
    span = Span(article_id=article.id, start=target.start, end=target.end,
                quote=target.quote, prefix=target.prefix, suffix=target.suffix)
    try:
        with session.begin_nested():
            session.add(span)
    except IntegrityError:
        span = find_span(session=session, article_id=article.id, start=target.start, end=target.end)
        if span is None:
            raise
    return span


def snapshot(annotation: Annotation) -> dict:
    """What a reviewer entered, as stored in history events."""
    return {
        "verdict": annotation.verdict,
        "note": annotation.note,
        "status": annotation.status,
        "sources": [{"url": s.url, "title": s.title, "excerpt": s.excerpt} for s in annotation.sources],
    }


def _record(session: Session, annotation: Annotation, user: User, action: str, before: dict | None) -> None:
    after = None if annotation.deleted_at is not None else snapshot(annotation)
    session.add(AnnotationEvent(annotation_id=annotation.id, user_id=user.id, action=action, at=annotation.updated_at,
                                before=before, after=after))


def _touch(annotation: Annotation) -> None:
    """Mark a change: a new version (for stale-edit checks) and the time of it."""
    annotation.version += 1
    annotation.updated_at = utcnow()


def _apply(annotation: Annotation, *, verdict: str, note: str, sources: list[dict]) -> None:
    annotation.verdict = verdict
    annotation.note = note
    annotation.sources.clear()  # the previous sources live on in the history event
    for position, row in enumerate(sources):
        annotation.sources.append(Source(position=position, url=row["url"], title=row["title"], excerpt=row["excerpt"]))


def save_annotation(*, session: Session, user: User, article: Article, target: Target,
                    verdict: str, note: str, sources: list[dict]) -> Annotation:
    """Store this user's annotation on the target span: created, or updated when it exists.

    A reviewer has one annotation per span; saving again (even after deleting
    it) updates that row rather than adding another. Span, annotation, sources
    and the history event are written in one transaction.
    """
    db.begin_write(session)
    action = None
    span = get_or_create_span(session=session, article=article, target=target)
    annotation = own_annotation(session=session, span=span, user=user, include_deleted=True)
    if annotation is None:
        annotation = Annotation(span_id=span.id, user_id=user.id, verdict=verdict)
        try:
            with session.begin_nested():
                session.add(annotation)
            before, action = None, "created"
        except IntegrityError:
            # The same reviewer saved this span from another tab at the same moment: update that row.
            annotation = own_annotation(session=session, span=span, user=user, include_deleted=True)
            if annotation is None:
                raise
    if action is None:
        before = snapshot(annotation)
        action = "restored" if annotation.deleted_at is not None else "edited"
        _touch(annotation)
        annotation.deleted_at = None
    _apply(annotation, verdict=verdict, note=note, sources=sources)
    _record(session, annotation, user, action, before)
    session.commit()
    return annotation


def update_annotation(*, session: Session, annotation: Annotation, user: User, verdict: str, note: str,
                      sources: list[dict]) -> Annotation:
    """Change an existing annotation's verdict, note and sources."""
    before = snapshot(annotation)
    _touch(annotation)
    _apply(annotation, verdict=verdict, note=note, sources=sources)
    _record(session, annotation, user, "edited", before)
    session.add(annotation)
    session.commit()
    return annotation


def delete_annotation(*, session: Session, annotation: Annotation, user: User) -> None:
    """Hide an annotation; its row, its sources and its history stay in the database."""
    before = snapshot(annotation)
    _touch(annotation)
    annotation.deleted_at = annotation.updated_at
    _record(session, annotation, user, "deleted", before)
    session.add(annotation)
    session.commit()


def annotations_for_export(*, session: Session, article_id: int) -> list[Annotation]:
    """Every visible annotation of the article with span, reviewer and sources loaded."""
    statement = (
        select(Annotation)
        .join(Span, Span.id == Annotation.span_id)
        .where(Span.article_id == article_id, visible_annotations())
        .options(selectinload(Annotation.user), selectinload(Annotation.sources), selectinload(Annotation.span))
        .order_by(Span.start, Span.end, Annotation.id)
    )
    return list(session.exec(statement))
