"""A reviewer's actions on their annotation of a span: save (a draft, or submitted), edit, submit and
delete, each in one transaction, with its history event and the optimistic version check (409 on a
stale edit). Who may see what is ``services.spans``."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from annotator.db import search_index, sql
from annotator.db.models import DRAFT, SUBMITTED, Annotation, Article, Source, User, utcnow
from annotator.db.sql import stored_id
from annotator.domain.anchoring import Target
from annotator.services import history
from annotator.services.spans import get_or_create_span, own_annotation
from annotator.services.visibility import annotation_claim_settled, is_settled


class Locked(Exception):
    """The span is settled: its annotations can no longer be changed by their authors."""


class NoVerdict(Exception):
    """A draft awaiting a verdict (an imported highlight) can't be submitted until one is chosen."""

    message = "Choose a verdict before submitting: edit the annotation and pick one."


class TextChanged(Exception):
    """A new version of the article arrived after the selection was made."""


class StaleEdit(Exception):
    """Someone saved a newer version since the form was opened."""

    def __init__(self, current):
        super().__init__("saved over a newer version")
        self.current = current


def touch(row) -> None:
    """Mark a change of an annotation or final verdict: a new version and the time of it."""
    row.version += 1
    row.updated_at = utcnow()


def lock_current(session: Session, row, expected_version: int | None) -> None:
    """Take the write lock, re-read ``row`` and refuse when it moved past ``expected_version``.

    Two saves of the same version therefore never both succeed: the second
    waits for the first's lock, then sees the new version and gets StaleEdit.
    """
    if not sql.read_for_change(session, row):  # read under the lock already: no second read
        sql.begin_write(session)
        session.refresh(row, with_for_update=True)
    if expected_version is not None and row.version != expected_version:
        raise StaleEdit(row)


def _apply(session: Session, annotation: Annotation, *, verdict: str, note: str, sources: list[dict]) -> None:
    """Set verdict, note and sources. Unchanged sources keep their rows (and ids, which a
    lead's open form may cite); dropped ones are marked removed, never deleted."""
    annotation.verdict = verdict
    annotation.note = note
    kept: dict[tuple, list[Source]] = defaultdict(list)  # a list: the same source may be cited twice
    for source in annotation.sources:
        kept[(source.url, source.title, source.excerpt)].append(source)
    for position, row in enumerate(sources):
        matches = kept.get((row["url"], row["title"], row["excerpt"]))
        found = matches.pop(0) if matches else None
        if found is None:
            found = Source(
                annotation_id=stored_id(annotation), url=row["url"], title=row["title"], excerpt=row["excerpt"]
            )
            session.add(found)
        found.position = position
    for dropped in (s for rows in kept.values() for s in rows):
        dropped.removed_at = annotation.updated_at
    session.flush()
    session.expire(annotation, ["sources"])  # read the current list back on next use


def _record(
    session: Session,
    annotation: Annotation,
    user: User,
    action: str,
    before: dict | None,
    sources: list[dict] | None = None,
) -> None:
    """Record ``action`` with the annotation as it is now (``sources``: the list just stored, if known)."""
    after = None if annotation.deleted_at is not None else history.annotation_snapshot(annotation, sources)
    history.record(
        session,
        span_id=annotation.span_id,
        annotation_id=annotation.id,
        user=user,
        action=action,
        before=before,
        after=after,
        at=annotation.updated_at,
    )


def _submit(
    session: Session, annotation: Annotation, user: User, sources: list[dict] | None = None, before: dict | None = None
) -> None:
    """Submit the annotation and record it; ``before``: its snapshot, when the caller took it already."""
    if before is None:
        before = history.annotation_snapshot(annotation, sources)
    annotation.status = SUBMITTED
    annotation.return_note = ""
    _record(session, annotation, user, "submitted", before, sources)


def save_annotation(
    *,
    session: Session,
    user: User,
    article: Article,
    target: Target,
    verdict: str,
    note: str,
    sources: list[dict],
    submit: bool = False,
    expected_version: int | None = None,
) -> Annotation:
    """Store this user's annotation on the target span: a new draft, or an update of theirs.

    A reviewer has one annotation per span; saving again (even after deleting
    it) updates that row rather than adding another. ``submit`` also submits
    it. ``expected_version`` (sent by a form opened on the existing annotation)
    gives StaleEdit when the row moved since. Span, annotation, sources and
    history are written in one transaction. TextChanged when a new version of the
    article arrived since ``article`` (and so ``target``) was read.
    """
    sql.begin_write(session)
    # A shared lock: saves go on side by side, but not while a new version is written.
    current = session.exec(
        select(Article.current_version).where(Article.id == article.id).with_for_update(read=True)
    ).one()
    if current != article.current_version:
        raise TextChanged()
    span = get_or_create_span(session=session, article=article, target=target)
    if is_settled(session, stored_id(span)):
        raise Locked()
    annotation = own_annotation(session=session, span=span, user=user, include_deleted=True)
    action = None
    if annotation is None:
        annotation = Annotation(
            span_id=stored_id(span), user_id=stored_id(user), verdict=verdict, made_on_version=article.current_version
        )
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
        if expected_version is not None and annotation.version != expected_version:
            raise StaleEdit(annotation)
        before = history.annotation_snapshot(annotation)
        if annotation.deleted_at is not None:
            action, annotation.deleted_at, annotation.status = "restored", None, DRAFT
        else:
            action = "edited"
        touch(annotation)
    _apply(session, annotation, verdict=verdict, note=note, sources=sources)
    _record(session, annotation, user, action, before)
    if submit and annotation.status != SUBMITTED:
        _submit(session, annotation, user)
    session.commit()
    return annotation


def update_annotation(
    *,
    session: Session,
    annotation: Annotation,
    user: User,
    verdict: str,
    note: str,
    sources: list[dict],
    expected_version: int | None = None,
    submit: bool = False,
) -> Annotation:
    """Change one's annotation; StaleEdit if it changed since ``expected_version``, Locked once settled."""
    lock_current(session, annotation, expected_version)
    if annotation_claim_settled(session, annotation):
        raise Locked()
    before = history.annotation_snapshot(annotation)
    touch(annotation)
    _apply(session, annotation, verdict=verdict, note=note, sources=sources)
    search_index.rewrite_document(
        session,
        annotation_id=stored_id(annotation),
        quote=annotation.span.quote,
        note=note,
        sources=search_index.sources_text((s["title"], s["url"]) for s in sources),
    )
    _record(session, annotation, user, "edited", before, sources)
    if submit and annotation.status != SUBMITTED:
        _submit(session, annotation, user, sources)
    session.commit()
    return annotation


def submit_annotation(
    *, session: Session, annotation: Annotation, user: User, expected_version: int | None = None
) -> Annotation:
    """Make a draft (or returned) annotation visible to leads and, after their own submission, to reviewers.
    NoVerdict (nothing changed) for a draft awaiting a verdict."""
    lock_current(session, annotation, expected_version)
    if annotation_claim_settled(session, annotation):
        raise Locked()
    if not annotation.verdict:
        raise NoVerdict()
    if annotation.status != SUBMITTED:
        # Its sources are read for the snapshot before anything changes, so that the change is one UPDATE
        # (reading them after would flush the new version first).
        before = history.annotation_snapshot(annotation)
        touch(annotation)
        _submit(session, annotation, user, before=before)
    session.commit()
    return annotation


def delete_annotation(
    *, session: Session, annotation: Annotation, user: User, expected_version: int | None = None
) -> None:
    """Hide one's annotation; its row, sources and history stay in the database."""
    lock_current(session, annotation, expected_version)
    if annotation_claim_settled(session, annotation):
        raise Locked()
    before = history.annotation_snapshot(annotation)
    touch(annotation)
    annotation.deleted_at = annotation.updated_at
    _record(session, annotation, user, "deleted", before)
    session.commit()
