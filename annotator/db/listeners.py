"""The session listeners that keep derived tables current in the transaction that changes their rows.

``create_app`` calls :func:`install`; nothing is installed by importing a module. The search index
goes first, then the live marker (the order they have always run in): each notes what a flush
changed and writes its own rows just before the transaction commits.
"""

from __future__ import annotations

from sqlalchemy import event
from sqlalchemy.orm import Session as OrmSession

from annotator.db import live_marker, search_index

LISTENERS = (
    ("after_flush", search_index.note_changes),
    ("before_commit", search_index.refresh_before_commit),
    ("after_transaction_end", search_index.forget_on_end),
    ("after_flush", live_marker.note_changes),
    ("before_commit", live_marker.mark_before_commit),
    ("after_transaction_end", live_marker.forget_on_end),
)


def install() -> None:
    """Attach the listeners to every ORM session (once, however often it is called)."""
    for name, listener in LISTENERS:
        if not event.contains(OrmSession, name, listener):
            event.listen(OrmSession, name, listener)


def installed() -> bool:
    return all(event.contains(OrmSession, name, listener) for name, listener in LISTENERS)
