"""Importing annotations (W3C Web Annotation or Hypothesis JSON): every item checked, anchored and reported
on, in batches of ``BATCH_SIZE`` items, each stored in one transaction.

An item goes to the article whose source URL is its target's source (or to the article given), is
anchored with its quote (the position as a hint), checked with the same form as a reviewer's save, and
stored with its sources and a history event. A bad item is reported with the reason and never stops the
others or leaves half an annotation behind. A batch ends as items stored one at a time would: the same
report, line for line, ids included (``services.import_batch`` plans it item after item, then writes it
with a few bulk statements). When the database refuses one item, the batch is rolled back and stored
again without it; when it refuses the batch for no item in particular (another writer took the same
new span at the same moment), its items are stored one at a time.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

from sqlmodel import Session

from annotator.db.models import Article, User
from annotator.formats.interchange import UNTAGGED_DRAFT, read_items
from annotator.services.import_batch import Batch, Options
from annotator.services.import_reading import Item, read
from annotator.services.import_report import (
    IMPORTED,
    NO_VERDICT,
    ORPHAN_REASON,
    OUTCOMES,
    REANCHORED,
    REANCHORED_REASON,
    REJECTED,
    ItemReport,
    not_stored,
    shown_outcomes,
    totals_line,
)
from annotator.services.import_writing import ItemFailed

__all__ = [
    "BATCH_SIZE",
    "IMPORTED",
    "NO_VERDICT",
    "ORPHAN_REASON",
    "OUTCOMES",
    "REANCHORED",
    "REANCHORED_REASON",
    "REJECTED",
    "ItemReport",
    "import_document",
    "import_items",
    "shown_outcomes",
    "totals_line",
]

# Items per transaction: large enough that the fixed cost of a transaction (its commit, the search index
# and live marker statements) is shared by many, small enough that other writers (on SQLite, every save
# waits for the write lock) wait a fraction of a second at most.
BATCH_SIZE = 500
# Items a batch may lose to database refusals before the rest of it is stored one item at a time
# (each refusal costs the batch a rollback and a second go).
MAX_REFUSALS = 3

log = logging.getLogger(__name__)


def import_document(*, session: Session, document: Any, **options) -> Iterator[ItemReport]:
    """Import every annotation of a W3C or Hypothesis document (see :func:`import_items`).

    Rejected, before any item is stored: a document that holds no annotations, or only
    one page of them.
    """
    file_format, items = read_items(document)
    return import_items(session=session, file_format=file_format, items=items, **options)


def import_items(
    *,
    session: Session,
    file_format: str,
    items: list[Any],
    article: Article | None = None,
    reviewer: User | None = None,
    keep_times: bool = True,
    untagged: str = UNTAGGED_DRAFT,
    batch_size: int | None = None,
) -> Iterator[ItemReport]:
    """Import the items of a document in ``file_format``; one report per item, in order, a batch at a time
    as each batch is stored (``batch_size`` items per transaction, ``BATCH_SIZE`` unless given).

    ``article`` takes every item (otherwise each goes to the article whose source URL
    is its target's source). ``reviewer`` is the author of every item (otherwise the
    creator names the user, who is created, without a password, if new: see ``import_authors``).
    ``keep_times`` keeps the file's created and modified times (capped at now); otherwise the
    items are dated now, so that whoever imports cannot move their claims up the queue.
    ``untagged``: what becomes of a Hypothesis highlight with no verdict tag (``interchange.UNTAGGED_DRAFT``:
    its author's draft awaiting a verdict, reported NO_VERDICT; ``UNTAGGED_SKIP``: rejected).
    """
    options = Options(
        article_id=article.id if article is not None else None,
        reviewer_id=reviewer.id if reviewer is not None else None,
        keep_times=keep_times,
    )
    size = max(batch_size or BATCH_SIZE, 1)
    for first in range(0, len(items), size):
        batch = [
            read(number, file_format, raw, untagged=untagged)
            for number, raw in enumerate(items[first : first + size], start=first + 1)
        ]
        yield from sorted(store_batch(session, batch, options), key=lambda report: report.number)


def store_batch(session: Session, items: list[Item], options: Options) -> list[ItemReport]:
    """Store the items in one transaction and report on each (in no particular order).

    An item the database refuses is reported "not stored" and the batch stored again without it;
    a batch refused as a whole, or refused too often, is stored again one item at a time.
    """
    refused: list[ItemReport] = []
    while items:
        try:
            reports = Batch(session, items, options).run()
            session.commit()
            return refused + reports
        except ItemFailed as failure:
            session.rollback()
            log.error("import item %d failed", failure.item.number, exc_info=failure.error)
            refused.append(not_stored(failure.item.number, failure.error, failure.item.quote))
            items = [item for item in items if item is not failure.item]
            if len(refused) >= MAX_REFUSALS and len(items) > 1:
                return refused + one_at_a_time(session, items, options)
        except Exception as error:  # noqa: BLE001 - whatever the database says, the other items go on
            session.rollback()
            if len(items) > 1:
                first, last = items[0].number, items[-1].number
                log.warning("import of items %d-%d refused (%r): storing them one at a time", first, last, error)
                return refused + one_at_a_time(session, items, options)
            log.exception("import item %d failed", items[0].number)
            return [*refused, not_stored(items[0].number, error, items[0].quote)]
    return refused


def one_at_a_time(session: Session, items: list[Item], options: Options) -> list[ItemReport]:
    return [report for item in items for report in store_batch(session, [item], options)]
