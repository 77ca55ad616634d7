"""Publishing an article's fact-check: the lead's publish, unpublish and correction, and the public read.

The public pages show a snapshot (``Publication.content``) made here from whitelisted fields of the
chosen settled claims: the words ruled on and their paragraph, the rating, the public rationale, the
cited sources' addresses and titles, the claim on record and the dates; the reviewers' names only
with ``byline`` (ANNOTATOR_PUBLIC_BYLINE). Nothing else of the desk's work (drafts, reviewers'
verdicts, notes, comments, history, unpublished claims) is read into it, so nothing else can leak.
A later change to a ruling goes public when the lead publishes again. Publishing, unpublishing and
corrections go into each published claim's history.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any

from sqlalchemy import select as sql_select
from sqlmodel import Session, col, select

from annotator.db import sql
from annotator.db.models import (
    ORPHANED,
    SUBMITTED,
    Annotation,
    Article,
    FinalVerdict,
    Publication,
    PublishedClaim,
    Span,
    User,
    utcnow,
)
from annotator.domain import text, verdicts
from annotator.services import history

RESERVED_SLUGS = {"feed.xml", "methodology"}  # public addresses of their own under /p/
CORRECTION_MAX = 2000


class NotPublishable(ValueError):
    """The request cannot be published as it is; the message says why (shown with the form)."""


@dataclass(frozen=True)
class Settled:
    """A settled claim of the article, as the lead's publish form lists it."""

    span_id: int
    quote: str
    verdict: str
    number: int | None  # its public number, when it has been published
    public: bool  # public now: chosen, and the publication is live
    chosen: bool  # chosen the last time the lead published (live or taken down since)


def publication_of(*, session: Session, article_id: int) -> Publication | None:
    statement = select(Publication).where(Publication.article_id == article_id)
    return session.exec(statement.execution_options(populate_existing=True)).first()


def _lock(session: Session, article: Article) -> None:
    """One change to an article's publication at a time: SQLite's write lock (taken here), or on
    PostgreSQL the article's row, locked until the commit. A publish and a correction made at once
    then both keep their part; two first publishes cannot both create the publication."""
    sql.begin_write(session)
    if not sql.holds_write_lock(session):
        session.execute(sql_select(col(Article.id)).where(col(Article.id) == article.id).with_for_update())


def on_desk_page(canonical_url: str, number: int) -> str:
    """A claim's address on the desk's own page, when the lead gave one: the page and the claim's
    anchor (each ClaimReview keeps a url of its own, as Google allows: the page plus an anchor)."""
    return f"{canonical_url.split('#')[0]}#claim-{number}" if canonical_url else ""


def settled_claims(*, session: Session, article: Article) -> list[Settled]:
    """The article's settled claims placed in its current text, in text order, with their public
    numbers and whether they are published."""
    publication = publication_of(session=session, article_id=article.id or 0)
    numbers: dict[int, PublishedClaim] = {}
    if publication is not None:
        numbers = {
            p.span_id: p
            for p in session.exec(select(PublishedClaim).where(PublishedClaim.publication_id == publication.id))
        }
    rows = session.exec(
        select(Span, FinalVerdict)
        .join(FinalVerdict, col(FinalVerdict.span_id) == Span.id)
        .where(Span.article_id == article.id, col(Span.anchor_state) != ORPHANED)
        .order_by(col(Span.start), col(Span.end), col(Span.id))
    )
    found = []
    for span, final in rows:
        assert span.id is not None
        chosen = numbers.get(span.id)
        found.append(
            Settled(
                span.id,
                final.quote or span.quote,
                final.verdict,
                chosen.number if chosen else None,
                bool(chosen and chosen.public and publication and publication.live),
                bool(chosen and chosen.public),
            )
        )
    return found


def publish(
    *,
    session: Session,
    article: Article,
    lead: User,
    span_ids: list[int],
    canonical_url: str = "",
    byline: bool = False,
) -> Publication:
    """Publish the article's fact-check with the settled claims ``span_ids`` (or publish it again,
    with the rulings as they are now); NotPublishable when none is chosen or one is not settled."""
    assert article.id is not None and lead.id is not None
    _lock(session, article)
    settled = {s.span_id: s for s in settled_claims(session=session, article=article)}
    chosen = set(span_ids)
    if not settled:
        raise NotPublishable("Settle at least one claim before publishing.")
    if not chosen:
        raise NotPublishable("Choose at least one settled claim to publish.")
    if unknown := sorted(chosen - set(settled)):
        raise NotPublishable(f"Claim {unknown[0]} is not settled (or no longer placed in the text): reload the page.")
    now = utcnow()
    publication = publication_of(session=session, article_id=article.id)
    if publication is None:
        publication = Publication(
            article_id=article.id, slug=_free_slug(session, article.slug), published_by=lead.id, first_published_at=now
        )
        session.add(publication)
        session.flush()
    rows = {
        p.span_id: p
        for p in session.exec(select(PublishedClaim).where(PublishedClaim.publication_id == publication.id))
    }
    next_number = max((p.number for p in rows.values()), default=0) + 1
    for span_id in settled:  # text order: new claims are numbered as they read
        row = rows.get(span_id)
        if span_id in chosen and row is None:
            row = PublishedClaim(
                publication_id=publication.id or 0, span_id=span_id, number=next_number, first_published_at=now
            )
            next_number += 1
            session.add(row)
            rows[span_id] = row
        elif row is not None:  # chosen again later, it keeps its number and its first date
            row.public = span_id in chosen
    for span_id, row in rows.items():
        if span_id not in settled:
            row.public = False  # unsettled or orphaned since: no longer public
    was_live = publication.live
    publication.live, publication.canonical_url, publication.published_by = True, canonical_url, lead.id
    publication.updated_at = now
    corrections = list(publication.content.get("corrections", [])) if publication.content else []
    session.flush()
    publication.content = snapshot(
        session=session, article=article, publication=publication, corrections=corrections, byline=byline
    )
    publication.etag = digest(publication.content, publication.canonical_url)
    action = "republished" if was_live else "published"
    for row in rows.values():
        if row.public:
            history.record(
                session,
                span_id=row.span_id,
                user=lead,
                action=action,
                after={"publication": f"/p/{publication.slug}/claims/{row.number}"},
                at=now,
            )
    session.commit()
    return publication


def _free_slug(session: Session, slug: str) -> str:
    """The article's slug, unless a public address of its own (``methodology``) or another
    publication has it: then with ``-fact-check``, and a number if that is taken too."""
    taken = set(session.exec(select(Publication.slug).where(col(Publication.slug).startswith(slug))))
    candidates = [slug, f"{slug}-fact-check", *(f"{slug}-fact-check-{n}" for n in range(2, len(taken) + 3))]
    return next(c for c in candidates if c not in taken and c not in RESERVED_SLUGS)


def unpublish(*, session: Session, article: Article, lead: User) -> Publication:
    """Take the article's fact-check down: every public address answers 404 until it is published again."""
    _lock(session, article)
    publication = publication_of(session=session, article_id=article.id or 0)
    if publication is None or not publication.live:
        raise NotPublishable("This fact-check is not published.")
    publication.live = False
    publication.updated_at = utcnow()
    for row in session.exec(select(PublishedClaim).where(PublishedClaim.publication_id == publication.id)):
        if row.public:
            history.record(
                session,
                span_id=row.span_id,
                user=lead,
                action="unpublished",
                before={"publication": f"/p/{publication.slug}/claims/{row.number}"},
                at=publication.updated_at,
            )
    session.commit()
    return publication


def correct(*, session: Session, article: Article, lead: User, note: str) -> Publication:
    """Add a dated correction to the published fact-check: it shows on its pages, and in the history
    of each claim published."""
    note = text.canonicalize_fragment(note).strip()
    if not note:
        raise NotPublishable("Write the correction readers will see.")
    if len(note) > CORRECTION_MAX:
        raise NotPublishable(f"Keep the correction under {CORRECTION_MAX:,} characters.")
    _lock(session, article)
    publication = publication_of(session=session, article_id=article.id or 0)
    if publication is None or not publication.live:
        raise NotPublishable("Publish the fact-check before correcting it.")
    now = utcnow()
    content = dict(publication.content)
    content["corrections"] = [*content.get("corrections", []), {"at": now.isoformat(timespec="seconds"), "note": note}]
    publication.content, publication.updated_at = content, now
    publication.etag = digest(content, publication.canonical_url)
    for row in session.exec(select(PublishedClaim).where(PublishedClaim.publication_id == publication.id)):
        if row.public:
            history.record(
                session, span_id=row.span_id, user=lead, action="corrected", after={"correction": note}, at=now
            )
    session.commit()
    return publication


def snapshot(
    *, session: Session, article: Article, publication: Publication, corrections: list[dict], byline: bool
) -> dict[str, Any]:
    """What the public pages show, from whitelisted fields only (see the module's docstring)."""
    rows = session.exec(
        select(PublishedClaim, Span, FinalVerdict)
        .join(Span, col(Span.id) == PublishedClaim.span_id)
        .join(FinalVerdict, col(FinalVerdict.span_id) == Span.id)
        .where(PublishedClaim.publication_id == publication.id, col(PublishedClaim.public))
        .order_by(col(Span.start), col(Span.end), col(Span.id))
    ).all()
    names = _bylines(session, [span.id for _, span, _ in rows if span.id is not None]) if byline else {}
    claims: list[dict[str, Any]] = []
    paragraphs: dict[int, dict[str, Any]] = {}
    bounds = text.paragraph_bounds(article.text)
    for published, span, final in rows:
        scale = verdicts.get(final.verdict)
        record = final.record
        lo, hi = next(((lo, hi) for lo, hi in bounds if lo <= span.start < hi), (span.start, span.end))
        paragraph = paragraphs.setdefault(lo, {"start": lo, "text": article.text[lo:hi], "claims": []})
        paragraph["claims"].append(
            {"number": published.number, "start": span.start - lo, "end": min(span.end, hi) - lo}
        )
        claims.append(
            {
                "number": published.number,
                "quote": final.quote or span.quote,
                "verdict": final.verdict,
                "label": verdicts.label(final.verdict),
                "definition": scale.description if scale else "",
                "rationale": final.rationale,
                "cited": [{"url": c["url"], "title": c.get("title", "")} for c in final.cited_sources],
                "summary": record.summary,
                "claimant": record.claimant,
                "claimant_kind": record.claimant_kind,
                "claimant_url": record.claimant_url,
                "claim_date": record.claim_date.isoformat() if record.claim_date else "",
                "first_appeared": record.first_appeared,
                "tags": list(record.tags),
                "published_at": published.first_published_at.isoformat(timespec="seconds"),
                "updated_at": final.updated_at.isoformat(timespec="seconds"),
                "byline": names.get(span.id or 0, []),
            }
        )
    return {
        "title": article.title,
        "publisher": article.publisher or "",
        "source_url": article.source_url or "",
        "article_date": article.published_on.isoformat() if article.published_on else "",
        "published_at": publication.first_published_at.isoformat(timespec="seconds"),
        "updated_at": publication.updated_at.isoformat(timespec="seconds"),
        "paragraphs": sorted(paragraphs.values(), key=lambda p: p["start"]),
        "claims": claims,
        "corrections": corrections,
    }


def _bylines(session: Session, span_ids: list[int]) -> dict[int, list[str]]:
    """The display names of those who checked each claim: the reviewers who submitted a verdict on it
    (not deleted), then the lead who ruled."""
    names: dict[int, list[str]] = {span_id: [] for span_id in span_ids}
    for span_id, name in session.exec(
        select(Annotation.span_id, User.display_name)
        .join(User, col(User.id) == Annotation.user_id)
        .where(
            col(Annotation.span_id).in_(span_ids), Annotation.status == SUBMITTED, col(Annotation.deleted_at).is_(None)
        )
        .order_by(col(Annotation.created_at))
    ):
        names[span_id].append(name)
    for span_id, name in session.exec(
        select(FinalVerdict.span_id, User.display_name)
        .join(User, col(User.id) == FinalVerdict.lead_id)
        .where(col(FinalVerdict.span_id).in_(span_ids))
    ):
        if name not in names[span_id]:
            names[span_id].append(name)
    return names


def snapshot_keys(*, session: Session) -> Counter[str]:
    """How many published claims use each rating key (in every publication's snapshot)."""
    counts: Counter[str] = Counter()
    for (content,) in session.execute(sql_select(col(Publication.content))):
        counts.update(claim["verdict"] for claim in content.get("claims", []))
    return counts


def rename_in_snapshots(*, session: Session, scale: verdicts.Scale) -> int:
    """Give published claims under a key the ``scale`` renames the new rating (key, label,
    definition): a rename says the old rating is the new one. How many claims changed; the caller
    commits."""
    changed = 0
    ratings = scale.by_key
    for publication in session.exec(select(Publication)):
        content = dict(publication.content)
        claims = []
        for claim in content.get("claims", []):
            rating = ratings.get(scale.renamed.get(claim["verdict"], ""))
            if rating is not None:
                claim = claim | {"verdict": rating.key, "label": rating.label, "definition": rating.description}
                changed += 1
            claims.append(claim)
        if claims != content.get("claims", []):
            publication.content = content | {"claims": claims}
            publication.etag = digest(publication.content, publication.canonical_url)
    return changed


def digest(content: dict[str, Any], canonical_url: str) -> str:
    """The public pages' strong ETag: a digest of everything they show."""
    data = json.dumps([content, canonical_url], sort_keys=True, ensure_ascii=False).encode("utf-8")
    return hashlib.sha256(data).hexdigest()[:32]


@dataclass(frozen=True)
class Public:
    """A live publication as its public pages read it: one statement."""

    slug: str
    canonical_url: str
    etag: str
    content: dict[str, Any]
    first_published_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, publication: Publication) -> Public:
        """The publication as its public pages read it (for the lead's page, which holds the row)."""
        return cls(*(getattr(publication, field.name) for field in fields(cls)))


# What the public pages read of a publication (the fields of Public, in order).
_PUBLIC_COLUMNS = (
    col(Publication.slug),
    col(Publication.canonical_url),
    col(Publication.etag),
    col(Publication.content),
    col(Publication.first_published_at),
    col(Publication.updated_at),
)


def public(*, session: Session, slug: str) -> Public | None:
    """The live publication at ``slug``, or None (never published, or unpublished)."""
    row = session.execute(
        sql_select(*_PUBLIC_COLUMNS).where(col(Publication.slug) == slug, col(Publication.live))
    ).first()
    return Public(*row) if row is not None else None


def public_list(*, session: Session) -> list[Public]:
    """Every live publication, the latest change first (the feed and the sitemap): one statement."""
    rows = session.execute(
        sql_select(*_PUBLIC_COLUMNS)
        .where(col(Publication.live))
        .order_by(col(Publication.updated_at).desc(), col(Publication.id).desc())
    ).all()
    return [Public(*row) for row in rows]
