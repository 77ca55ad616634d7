"""A lead's actions on a span: the final verdict, returning and restoring annotations."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from annotator.db import sql
from annotator.db.models import RETURNED, SUBMITTED, Annotation, FinalVerdict, Span, User
from annotator.domain.claim_record import ClaimRecord
from annotator.services import history
from annotator.services.annotations import Locked, StaleEdit, lock_current, touch
from annotator.services.spans import final_verdict_of
from annotator.services.visibility import annotation_claim_settled


def cited_sources(annotations: list[Annotation], source_ids: list[int]) -> list[dict]:
    """Copies of the chosen sources, in the order they appear in the panel (unknown ids ignored)."""
    chosen = set(source_ids)
    return [
        {"url": s.url, "title": s.title, "excerpt": s.excerpt} for a in annotations for s in a.sources if s.id in chosen
    ]


def set_final_verdict(
    *,
    session: Session,
    span: Span,
    lead: User,
    verdict: str,
    rationale: str,
    sources: list[dict],
    expected_version: int | None,
    record: ClaimRecord | None = None,
) -> FinalVerdict:
    """Settle the span, or change its final verdict (StaleEdit when it moved since ``expected_version``).

    ``expected_version`` is None when the lead's form was opened on an unsettled span:
    any ruling found then is newer than what the lead saw. ``record``: the claim on record
    (None keeps the one the ruling has, or none).
    """
    assert span.id is not None and lead.id is not None  # both are stored rows
    sql.begin_write(session)
    final = final_verdict_of(session, span.id, fresh=True)  # the panel's read came before the lock
    if final is not None:
        if sql.holds_write_lock(session):
            sql.mark_read_for_change(session, final)  # read under SQLite's lock: lock_current reads it no more
        # Versions start at 1: a form opened on an unsettled claim (None) is stale once another lead settled it.
        lock_current(session, final, expected_version or 0)
        before: dict | None = history.final_verdict_snapshot(final)
        touch(final)
        final.lead_id = lead.id
        final.verdict, final.rationale, final.cited_sources, final.quote = verdict, rationale, sources, span.quote
        if record is not None:
            final.set_record(record)
    else:
        before = None
        final = FinalVerdict(
            span_id=span.id,
            lead_id=lead.id,
            verdict=verdict,
            rationale=rationale,
            cited_sources=sources,
            quote=span.quote,
        )
        if record is not None:
            final.set_record(record)
        if sql.holds_write_lock(session):  # SQLite: no other lead can insert a ruling meanwhile
            session.add(final)
        else:
            try:
                with session.begin_nested():  # PostgreSQL: another lead may insert the same ruling meanwhile
                    session.add(final)
            except IntegrityError:
                raise StaleEdit(final_verdict_of(session, span.id)) from None
    history.record(
        session,
        span_id=span.id,
        user=lead,
        action="settled",
        before=before,
        after=history.final_verdict_snapshot(final),
        at=final.updated_at,
    )
    session.commit()
    return final


def return_annotation(*, session: Session, annotation: Annotation, lead: User, note: str) -> Annotation:
    """Send a submitted annotation back to its reviewer with a comment ("needs changes")."""
    lock_current(session, annotation, None)
    if annotation.status != SUBMITTED or annotation.deleted_at is not None:
        raise ValueError("only a submitted annotation can be returned")
    if annotation_claim_settled(session, annotation):
        raise Locked()
    before = history.annotation_snapshot(annotation)
    touch(annotation)
    annotation.status, annotation.return_note = RETURNED, note
    history.record(
        session,
        span_id=annotation.span_id,
        annotation_id=annotation.id,
        user=lead,
        action="returned",
        before=before,
        after=history.annotation_snapshot(annotation),
        at=annotation.updated_at,
    )
    session.commit()
    return annotation


def restore_annotation(*, session: Session, annotation: Annotation, lead: User) -> Annotation:
    """Bring back a deleted annotation as it was."""
    lock_current(session, annotation, None)
    if annotation.deleted_at is None:
        session.commit()  # nothing to restore: end the transaction, and SQLite's write lock with it
        return annotation
    if annotation_claim_settled(session, annotation):
        raise Locked()
    touch(annotation)
    annotation.deleted_at = None
    # No "before": the annotation was hidden; "after" is what the restore brings back.
    history.record(
        session,
        span_id=annotation.span_id,
        annotation_id=annotation.id,
        user=lead,
        action="restored",
        before=None,
        after=history.annotation_snapshot(annotation),
        at=annotation.updated_at,
    )
    session.commit()
    return annotation
