"""The append-only history of a span: recording events and reading them back."""

from __future__ import annotations

from types import SimpleNamespace

from sqlalchemy.orm import selectinload
from sqlmodel import Session, col, select

from annotator.db.models import DRAFT, Annotation, Event, FinalVerdict, User
from annotator.db.sql import related


def annotation_snapshot(annotation: Annotation, sources: list[dict] | None = None) -> dict:
    """What a reviewer entered, as history keeps it. ``sources`` (url, title, excerpt each): the list
    just stored, when the caller has it (the annotation's own is then read again from the database)."""
    return content_snapshot(
        verdict=annotation.verdict,
        note=annotation.note,
        status=annotation.status,
        sources=[{"url": s.url, "title": s.title, "excerpt": s.excerpt} for s in annotation.sources]
        if sources is None
        else sources,
        return_note=annotation.return_note,
    )


def content_snapshot(*, verdict: str, note: str, status: str, sources: list[dict], return_note: str = "") -> dict:
    """``annotation_snapshot`` of an annotation not read back as a row (a bulk import writes its rows
    with plain INSERTs, the fast save in ``services.saving`` too): ``sources`` as
    ``{"url", "title", "excerpt"}`` in their order."""
    return {
        "verdict": verdict,
        "note": note,
        "status": status,
        "sources": [{"url": s["url"], "title": s["title"], "excerpt": s["excerpt"]} for s in sources],
        **({"return_note": return_note} if return_note else {}),
    }


def final_verdict_snapshot(final: FinalVerdict) -> dict:
    """What a lead ruled, as history keeps it."""
    ruling = {"verdict": final.verdict, "rationale": final.rationale, "cited_sources": list(final.cited_sources)}
    return ruling | final.record.snapshot()  # the claim on record: only the fields that hold something


def record(
    session: Session,
    *,
    span_id: int,
    user: User,
    action: str,
    before: dict | None = None,
    after: dict | None = None,
    annotation_id: int | None = None,
    at=None,
) -> Event:
    """Add an event to the session (it is committed with the change it describes)."""
    assert user.id is not None  # the user acting is a stored one
    # ``at`` given to the constructor, not set after it: SQLModel calls a default factory with an
    # inspect.signature() of it each time, a third of the cost of the event (and of a bulk import).
    event = Event(
        span_id=span_id,
        annotation_id=annotation_id,
        user_id=user.id,
        action=action,
        before=before,
        after=after,
        **({"at": at} if at is not None else {}),
    )
    session.add(event)
    return event


def span_history(*, session: Session, span_id: int, viewer: User) -> list[Event]:
    """The span's events, oldest first, as this user may see them.

    Leads see every event, but not the content of others' drafts (only that they
    exist). A reviewer sees events of their own annotations and of the span itself
    (final verdict, comments), never another reviewer's verdicts: history must not
    undo blind review.
    """
    statement = (
        select(Event)
        .where(Event.span_id == span_id)
        .options(selectinload(related(Event.user)))
        .order_by(col(Event.at), col(Event.id))
    )
    events = list(session.exec(statement))
    authors = dict(session.exec(select(Annotation.id, Annotation.user_id).where(Annotation.span_id == span_id)).all())
    others = {e.id for e in events if e.annotation_id is not None and authors.get(e.annotation_id) != viewer.id}
    if not viewer.is_lead:
        return [e for e in events if e.id not in others]
    return [without_draft_content(e) if e.id in others else e for e in events]


def _mask_draft(value: dict | None) -> dict | None:
    return {"status": DRAFT} if value is not None and value.get("status") == DRAFT else value


def without_draft_content(event: Event):
    """The event as someone other than the annotation's author sees it: a draft's content is hidden.

    A lead knows that a draft exists and when it changed, not what it says. Returns a
    plain copy, never a changed Event (the session must not write the history back).
    """
    before, after = _mask_draft(event.before), _mask_draft(event.after)
    if before is event.before and after is event.after:
        return event
    return SimpleNamespace(
        id=event.id,
        span_id=event.span_id,
        annotation_id=event.annotation_id,
        user_id=event.user_id,
        user=event.user,
        action=event.action,
        at=event.at,
        before=before,
        after=after,
    )


FIELD_LABELS = {
    "verdict": "Verdict",
    "status": "Status",
    "note": "Note",
    "sources": "Sources",
    "rationale": "Rationale",
    "cited_sources": "Cited sources",
    "return_note": "Return note",
    "comment": "Comment",
    "same_claim": "Same claim as",
    "claim": "Claim",
    "claimant": "Claimant",
    "claimant_url": "Claimant's web page",
    "claim_date": "Claim date",
    "first_appeared": "First appeared at",
    "summary": "Claim summary",
    "tags": "Tags",
    "publication": "Public page",
    "correction": "Correction",
}


def changes(before: dict | None, after: dict | None) -> list[tuple[str, object, object]]:
    """(field, old, new) for every field an event changed, in a fixed order; all fields when one side is missing."""
    before, after = before or {}, after or {}
    return [
        (key, before.get(key), after.get(key))
        for key in FIELD_LABELS
        if (key in before or key in after) and before.get(key) != after.get(key)
    ]
