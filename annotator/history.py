"""The append-only history of a span: recording events and reading them back."""
from __future__ import annotations

from sqlalchemy.orm import selectinload
from sqlmodel import Session, select

from .models import Annotation, Event, FinalVerdict, User


def annotation_snapshot(annotation: Annotation) -> dict:
    """What a reviewer entered, as history keeps it."""
    return {
        "verdict": annotation.verdict,
        "note": annotation.note,
        "status": annotation.status,
        "sources": [{"url": s.url, "title": s.title, "excerpt": s.excerpt} for s in annotation.sources],
        **({"return_note": annotation.return_note} if annotation.return_note else {}),
    }


def final_verdict_snapshot(final: FinalVerdict) -> dict:
    """What a lead ruled, as history keeps it."""
    return {"verdict": final.verdict, "rationale": final.rationale, "cited_sources": list(final.cited_sources)}


def record(session: Session, *, span_id: int, user: User, action: str, before: dict | None = None,
           after: dict | None = None, annotation_id: int | None = None, at=None) -> Event:
    """Add an event to the session (it is committed with the change it describes)."""
    event = Event(span_id=span_id, annotation_id=annotation_id, user_id=user.id, action=action,
                  before=before, after=after)
    if at is not None:
        event.at = at
    session.add(event)
    return event


def span_history(*, session: Session, span_id: int, viewer: User) -> list[Event]:
    """The span's events, oldest first, as this user may see them.

    Leads see everything. A reviewer sees events of their own annotations and of
    the span itself (final verdict, comments), never another reviewer's
    verdicts: history must not undo blind review.
    """
    statement = (
        select(Event).where(Event.span_id == span_id)
        .options(selectinload(Event.user)).order_by(Event.at, Event.id)
    )
    events = list(session.exec(statement))
    if viewer.is_lead:
        return events
    own = set(session.exec(select(Annotation.id).where(Annotation.span_id == span_id,
                                                       Annotation.user_id == viewer.id)))
    return [e for e in events if e.annotation_id is None or e.annotation_id in own]


FIELD_LABELS = {"verdict": "Verdict", "status": "Status", "note": "Note", "sources": "Sources",
                "rationale": "Rationale", "cited_sources": "Cited sources", "return_note": "Return note",
                "comment": "Comment"}


def changes(before: dict | None, after: dict | None) -> list[tuple[str, object, object]]:
    """(field, old, new) for every field an event changed, in a fixed order; all fields when one side is missing."""
    before, after = before or {}, after or {}
    return [(key, before.get(key), after.get(key)) for key in FIELD_LABELS
            if (key in before or key in after) and before.get(key) != after.get(key)]
