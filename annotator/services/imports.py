"""Importing annotations (W3C Web Annotation or Hypothesis JSON): each item checked, anchored and stored on its own.

An item goes to the article whose source URL is its target's source (or to the
article given), is anchored with its quote (the position as a hint), checked with
the same form as a reviewer's save, and stored with its sources and a history event
in one transaction. A bad item is reported with the reason and never stops the others
or leaves half an annotation behind.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, col, select

from annotator.db import sql
from annotator.db.models import DRAFT, SUBMITTED, Annotation, Article, Source, Span, User, utcnow
from annotator.domain.anchoring import AnchorError, QuoteAbsent, anchor
from annotator.domain.reanchoring import ORPHANED
from annotator.domain.text import canonicalize_fragment, one_line
from annotator.formats.creators import creator_identity, derived_username, describe_creator
from annotator.formats.interchange import UNTAGGED_DRAFT, Incoming, Rejected, parse_item, read_items
from annotator.services import history, spans, visibility
from annotator.services.content import content_form
from annotator.services.users import find_user

IMPORTED, REANCHORED, REJECTED = "imported", "re-anchored", "rejected"  # and ORPHANED, a span state too
# A highlight whose tags name no verdict, stored as its author's draft awaiting one (whether anchored
# at its place, re-anchored or orphaned: the reason says).
NO_VERDICT = "imported, no verdict"
# In this order on the report and in the totals line; NO_VERDICT last and only when some item had it,
# so a file of verdicts prints the totals line it always did.
OUTCOMES = (IMPORTED, REANCHORED, ORPHANED, REJECTED, NO_VERDICT)
ORPHAN_REASON = "Its words are not in the article's current text: kept as an orphan to re-attach."
REANCHORED_REASON = "Re-anchored: the quote was found away from the position the file gave."

log = logging.getLogger(__name__)


def shown_outcomes(totals: Counter) -> list[str]:
    """The outcomes a report's totals list: every one, but NO_VERDICT only when some item had it."""
    return [o for o in OUTCOMES if o != NO_VERDICT or totals[o]]


def totals_line(totals: Counter) -> str:
    """``2 imported, 0 re-anchored, 0 orphaned, 1 rejected`` (``, 3 imported, no verdict`` when any)."""
    return ", ".join(f"{totals[o]} {o}" for o in shown_outcomes(totals))


@dataclass(frozen=True)
class ItemReport:
    """What became of one item of the file (``number`` counts from 1)."""

    number: int
    outcome: str  # imported, re-anchored, orphaned, rejected, or imported with no verdict
    reason: str = ""
    annotation_id: int | None = None
    article_id: int | None = None
    span_id: int | None = None
    author: str = ""
    quote: str = ""  # the words the item quotes (once it could be read)
    notice: str = ""  # something to know about a stored item (its creator imported under another name)


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
) -> Iterator[ItemReport]:
    """Import the items of a document in ``file_format``; one report per item, in order, as each is stored.

    ``article`` takes every item (otherwise each goes to the article whose source URL
    is its target's source). ``reviewer`` is the author of every item (otherwise the
    creator names the user, who is created, without a password, if new: see :func:`creator`).
    ``keep_times`` keeps the file's created and modified times (capped at now); otherwise the
    items are dated now, so that whoever imports cannot move their claims up the queue.
    ``untagged``: what becomes of a Hypothesis highlight with no verdict tag (``interchange.UNTAGGED_DRAFT``:
    its author's draft awaiting a verdict, reported NO_VERDICT; ``UNTAGGED_SKIP``: rejected).
    """
    for number, item in enumerate(items, start=1):
        incoming = None
        try:
            incoming = parse_item(file_format, item, untagged=untagged)
            annotation, outcome, reason, notice = store(
                session, incoming, article=article, reviewer=reviewer, keep_times=keep_times
            )
        except (Rejected, AnchorError) as error:
            session.rollback()
            yield ItemReport(number, REJECTED, str(error), quote=incoming.quote if incoming else "")
            continue
        except Exception as error:  # noqa: BLE001 - one odd item (a database refusal) must not stop the rest
            session.rollback()
            log.exception("import item %d failed", number)
            yield ItemReport(
                number, REJECTED, f"not stored: {type(error).__name__}", quote=incoming.quote if incoming else ""
            )
            continue
        yield ItemReport(
            number,
            outcome,
            reason,
            annotation_id=annotation.id,
            article_id=annotation.span.article_id,
            span_id=annotation.span_id,
            author=annotation.user.username,
            quote=annotation.span.quote,
            notice=notice,
        )


def store(
    session: Session, incoming: Incoming, *, article: Article | None, reviewer: User | None, keep_times: bool = True
) -> tuple[Annotation, str, str, str]:
    """Store one item in its own transaction; the annotation, its outcome (imported, re-anchored,
    orphaned: words no longer in the article; or NO_VERDICT, a draft awaiting a verdict), the reason
    for it, and a notice about its author (see :func:`creator`). Rejected (nothing stored) when it
    does not fit."""
    article = article or article_for(session, incoming.target_source)
    try:
        target, moved = anchor(
            article.text, quote=incoming.quote, prefix=incoming.prefix, suffix=incoming.suffix, start=incoming.start
        )
    except QuoteAbsent:
        target, moved = None, False
    verdict, note, sources = checked_content(incoming)
    sql.begin_write(session)
    author, notice = (reviewer, "") if reviewer is not None else creator(session, incoming)
    if target is None:
        span, outcome, reason = orphan_span(session, article, incoming), ORPHANED, ORPHAN_REASON
    else:
        span = spans.get_or_create_span(session=session, article=article, target=target)
        outcome, reason = (REANCHORED, "") if moved else (IMPORTED, "")
    awaiting = not verdict  # a highlight without a verdict: its author's draft, to judge later
    if awaiting:
        outcome, reason = NO_VERDICT, reason or (REANCHORED_REASON if moved else "")
    assert span.id is not None and author.id is not None  # stored rows (new ones were flushed)
    if visibility.is_settled(session, span.id):
        raise Rejected("A lead has settled these words; their verdicts can no longer be added to.")
    existing = session.exec(
        select(Annotation.id).where(Annotation.span_id == span.id, Annotation.user_id == author.id)
    ).first()
    if existing is not None:
        raise Rejected(f"{author.username} already judged these words (annotation {existing}); not imported twice.")
    now = utcnow()
    # The file's times when trusted, never later than now: they order the lead's queue.
    created = min(incoming.created or now, now) if keep_times else now
    modified = min(max(incoming.modified or created, created), now) if keep_times else now
    annotation = Annotation(
        span_id=span.id,
        user_id=author.id,
        verdict=verdict,
        note=note,
        status=DRAFT if awaiting else SUBMITTED,
        created_at=created,
        updated_at=modified,
        made_on_version=article.current_version,
    )
    session.add(annotation)
    session.flush()
    assert annotation.id is not None  # the flush gave it one
    for position, source in enumerate(sources):
        session.add(Source(annotation_id=annotation.id, position=position, **source))
    session.flush()
    session.refresh(annotation, ["sources"])
    history.record(
        session,
        span_id=span.id,
        annotation_id=annotation.id,
        user=author,
        action="imported",
        after=history.annotation_snapshot(annotation),
        at=now,
    )
    session.commit()
    return annotation, outcome, reason, notice


def orphan_span(session: Session, article: Article, incoming: Incoming) -> Span:
    """The article's orphan with these words (another item, or an export of it, made it), or a new one.

    The position the file gives is kept as its last known place."""
    quote = canonicalize_fragment(incoming.quote)
    found = session.exec(
        select(Span)
        .where(Span.article_id == article.id, Span.anchor_state == ORPHANED, Span.quote == quote)
        .order_by(col(Span.id))
    ).first()
    if found is not None:
        return found
    assert article.id is not None  # a stored article
    start = incoming.start if incoming.start is not None and incoming.start >= 0 else 0
    span = Span(
        article_id=article.id,
        start=start,
        end=start + len(quote),
        quote=quote,
        prefix=canonicalize_fragment(incoming.prefix),
        suffix=canonicalize_fragment(incoming.suffix),
        anchor_state=ORPHANED,
        anchored_version=article.current_version,
    )
    session.add(span)
    session.flush()
    return span


def article_for(session: Session, source: str | None) -> Article:
    """The one article published at ``source``; Rejected when none or several are."""
    if not source:
        raise Rejected("The target names no article; give the article to import into.")
    found = session.exec(select(Article).where(Article.source_url == source).limit(2)).all()
    if not found:
        raise Rejected(f"No article here has the source URL {source}; import the article first or name it.")
    if len(found) > 1:
        raise Rejected(f"Several articles have the source URL {source}; name the one to import into.")
    return found[0]


def checked_content(incoming: Incoming) -> tuple[str, str, list[dict]]:
    """Verdict, note and sources, checked by the reviewer's own form (same limits, same messages).
    An item awaiting a verdict (``incoming.verdict`` "") keeps "": its draft gets one later."""
    form = content_form(verdict=incoming.verdict, note=incoming.note, sources=incoming.sources)
    errors = {name: messages for name, messages in form.errors.items() if incoming.verdict or name != "verdict"}
    if errors:
        raise Rejected(" ".join(_messages(errors)))
    return form.verdict.data or "", form.note.data or "", form.source_rows()


def _messages(errors) -> list[str]:
    if isinstance(errors, dict):
        return [m for value in errors.values() for m in _messages(value)]
    if isinstance(errors, list):
        return [m for value in errors for m in _messages(value)]
    return [str(errors)]


def creator(session: Session, incoming: Incoming) -> tuple[User, str]:
    """The user the file names as author, created as a reviewer without a password when new, and a
    notice for the report when the username is not the one the creator's name gives.

    A nickname names the user exactly, as given (an existing account included). A creator without
    one is found by its identity (``creators.creator_identity``: its IRI, else its name) among
    the users earlier imports made; else a user is made with the username its name or IRI gives,
    ``-2``, ``-3``… added when another user (another creator, or a real account) has that name.
    """
    nickname = (incoming.creator_username or "").strip()
    identity = creator_identity(incoming)
    if nickname:
        if len(nickname) > 80 or not nickname.isprintable() or any(c.isspace() for c in nickname):
            raise Rejected("The annotation's creator has no usable username (creator.nickname); name a reviewer.")
        user = find_user(session, nickname)
        if user is None:
            free = (
                identity is not None
                and session.exec(select(User.id).where(User.creator_identity == identity)).first() is None
            )
            user = _new_user(session, nickname, incoming, identity if free else None)
        return user, ""
    if identity is None:
        raise Rejected(
            "The annotation's creator has no usable username: no nickname, name or IRI to name a "
            "user by (creator.nickname, creator.name, creator.id); name a reviewer."
        )
    wanted = derived_username(incoming.creator_name, incoming.creator_id)
    user = session.exec(select(User).where(User.creator_identity == identity)).first()
    if user is not None:
        if user.username == wanted:
            return user, ""
        return user, f"creator {describe_creator(incoming)} imported as {user.username}, as in an earlier import"
    if wanted is None:
        raise Rejected(
            f"The creator {describe_creator(incoming)} gives no usable username (no Latin letters or "
            "digits in its name or IRI); name a reviewer."
        )
    username = _free_username(session, wanted)
    user = _new_user(session, username, incoming, identity)
    notice = (
        ""
        if username == wanted
        else (f"creator {describe_creator(incoming)} imported as {username}: {wanted} is another creator")
    )
    return user, notice


def _free_username(session: Session, wanted: str) -> str:
    """``wanted``, or the first of ``wanted-2``, ``wanted-3``… no user has."""
    taken = set(session.exec(select(User.username).where(col(User.username).startswith(wanted, autoescape=True))))
    username, n = wanted, 2
    while username in taken:
        username, n = f"{wanted}-{n}", n + 1
    return username


def _new_user(session: Session, username: str, incoming: Incoming, identity: str | None) -> User:
    display_name = (one_line(incoming.creator_name) or "")[:120]
    user = User(username=username, display_name=display_name or username, role="reviewer", creator_identity=identity)
    session.add(user)
    session.flush()
    return user
