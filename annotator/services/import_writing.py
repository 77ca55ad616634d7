"""Writing a planned batch of imported items (``services.import_batch``): the new spans, the annotations
and their sources with one INSERT per table, ids in file order; a history event per item, made by
``history.record`` and written with one more INSERT; then the search documents (``search_index.refresh``)
and the live marker (``live_marker.mark``), whose listeners see no ORM flush of these rows. In the
caller's transaction."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import insert
from sqlmodel import Session

from annotator.db import live_marker, search_index
from annotator.db.models import Annotation, Event, Source, Span, User, utcnow
from annotator.db.sql import stored_id, table_of
from annotator.domain.anchoring import Target
from annotator.domain.live_rules import Change, annotation_kind
from annotator.services import history
from annotator.services.import_reading import Item


class ItemFailed(Exception):
    """An unforeseen error (a database refusal) while planning or writing one item."""

    def __init__(self, item: Item, error: BaseException):
        super().__init__(f"item {item.number}: {type(error).__name__}")
        self.item, self.error = item, error


class ArticleRow(NamedTuple):
    id: int
    text: str
    current_version: int


@dataclass(eq=False)
class Claim:
    """The span an item goes to: stored (``id``), or new in this batch (``row`` to insert; ``id`` after)."""

    quote: str
    key: tuple
    id: int | None = None
    row: dict | None = None


def span_row(article: ArticleRow, place: Target, state: str) -> dict[str, Any]:
    """A new span's columns: ``place`` in the article's current version."""
    return {
        "article_id": article.id,
        "start": place.start,
        "end": place.end,
        "quote": place.quote,
        "prefix": place.prefix,
        "suffix": place.suffix,
        "anchor_state": state,
        "anchored_version": article.current_version,
        "created_at": utcnow(),
    }


@dataclass(eq=False)
class Planned:
    """An item to store, with everything its rows and its report need."""

    item: Item
    article: ArticleRow
    claim: Claim
    author: User
    outcome: str
    reason: str
    notice: str
    values: dict  # the annotation's columns but its span, and its "sources" (dicts, in order)
    at: datetime
    annotation_id: int | None = None


def write(session: Session, new_claims: list[Claim], planned: list[Planned]) -> None:
    """Insert the batch's rows; sets the ids of the new claims and of the planned annotations.
    ItemFailed when the history event of one item cannot be recorded."""
    if new_claims:
        spans = table_of(Span)
        statement = insert(spans).returning(spans.c.id, sort_by_parameter_order=True)
        span_ids = session.scalars(statement, [claim.row for claim in new_claims if claim.row]).all()
        for claim, span_id in zip(new_claims, span_ids, strict=True):
            claim.id = span_id
    if not planned:
        return
    annotations = table_of(Annotation)
    rows = [{**{k: v for k, v in p.values.items() if k != "sources"}, "span_id": p.claim.id} for p in planned]
    statement = insert(annotations).returning(annotations.c.id, sort_by_parameter_order=True)
    annotation_ids = session.scalars(statement, rows).all()
    for p, annotation_id in zip(planned, annotation_ids, strict=True):
        p.annotation_id = annotation_id
    sources = [
        {"annotation_id": p.annotation_id, "position": position, "removed_at": None, **source}
        for p in planned
        for position, source in enumerate(p.values["sources"])
    ]
    if sources:
        session.execute(insert(table_of(Source)), sources)
    changes: dict[int, set[Change]] = defaultdict(set)
    events = []
    for p in planned:
        assert p.claim.id is not None and p.annotation_id is not None  # inserted above
        try:
            event = history.record(
                session,
                span_id=p.claim.id,
                annotation_id=p.annotation_id,
                user=p.author,
                action="imported",
                after=history.content_snapshot(
                    verdict=p.values["verdict"],
                    note=p.values["note"],
                    status=p.values["status"],
                    sources=p.values["sources"],
                ),
                at=p.at,
            )
        except Exception as error:
            raise ItemFailed(p.item, error) from error
        events.append(event)
        changes[p.article.id].add(_change(p))
    # history.record makes each event and adds it to the session, where the flush would insert them as
    # ORM objects, a fifth of an import's time in their bookkeeping: they are taken back out of the
    # session and written with one INSERT, as made.
    table = table_of(Event)
    columns = [column.key for column in table.columns if column.key != "id"]
    for event in events:
        session.expunge(event)
    session.execute(insert(table), [{key: getattr(event, key) for key in columns} for event in events])
    search_index.refresh(session, annotation_ids=annotation_ids)
    live_marker.mark(session, changes)


def _change(planned: Planned) -> Change:
    """The live change of a new annotation, as the live marker logs one the ORM adds (its author the actor)."""
    kind = annotation_kind(
        new=True,
        before_status=None,
        before_deleted=False,
        after_status=planned.values["status"],
        after_deleted=False,
        status_changed=True,
    )
    author_id = stored_id(planned.author)
    return Change(kind, planned.claim.id, planned.annotation_id, None if kind == "status" else author_id, author_id)
