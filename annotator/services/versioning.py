"""Article versions: adding a new text and re-anchoring every span onto it (re-attaching an orphan by
hand is services/reattaching.py).

Plain functions taking the session by keyword (no request), like spans.py. A new
version is written in one transaction: the version row, every span's new place
and state, one SpanAnchor per span for the new version, and the article's
current text. Annotations are never touched: a span that finds no place is
orphaned, with its annotations, until someone re-attaches it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import update
from sqlmodel import Session, col, select

from annotator.db import search_index, sql
from annotator.db.models import Article, ArticleVersion, Span, SpanAnchor, User
from annotator.db.sql import id_col, select_columns, table_of
from annotator.domain import checkworthiness, reanchoring, text
from annotator.domain.reanchoring import ORPHANED, OldSpan, Placement
from annotator.services import suggestions

ORIGINS = {"created": "Added", "pasted": "Pasted", "file": "From a file", "web": "Fetched from the web"}


class SameText(ValueError):
    """The new text is the article's current text: no version to add."""


class NewerVersion(Exception):
    """A version was added after the one the new text was edited from."""

    def __init__(self, current: int):
        super().__init__(f"version {current} arrived meanwhile")
        self.current = current


@dataclass
class VersionReport:
    """What a new version did to the article's spans."""

    version: ArticleVersion
    counts: Counter = field(default_factory=Counter)  # state -> number of spans

    def line(self) -> str:
        return f"version {self.version.number}: {reanchoring.describe(self.counts)}"


def versions_of(*, session: Session, article: Article) -> list[ArticleVersion]:
    """Every version of the article, oldest first. An article stored without a version row (by a
    bulk load, say) has its text as an unsaved first version, which ``add_version`` stores."""
    assert article.id is not None  # a stored article
    found = list(
        session.exec(
            select(ArticleVersion).where(ArticleVersion.article_id == article.id).order_by(col(ArticleVersion.number))
        )
    )
    return found or [
        ArticleVersion(
            article_id=article.id,
            number=article.current_version,
            text=article.text,
            origin="created",
            source=article.source_url,
            created_by_id=article.created_by_id,
            created_at=article.created_at,
        )
    ]


def version_of(*, session: Session, article: Article, number: int) -> ArticleVersion | None:
    if not 0 < number <= article.current_version:  # no such version (nor a number the database cannot hold)
        return None
    found = session.exec(
        select(ArticleVersion).where(ArticleVersion.article_id == article.id, ArticleVersion.number == number)
    ).first()
    if found is None and number == 1 and article.current_version == 1:
        found = versions_of(session=session, article=article)[0]  # the unsaved first version, if none is stored
    return found


def first_version(
    article: Article, created_by: User | None, origin: str = "created", source: str | None = None
) -> ArticleVersion:
    """The version row of a newly added (and flushed) article."""
    assert article.id is not None  # flushed: it has its id
    return ArticleVersion(
        article_id=article.id,
        number=1,
        text=article.text,
        origin=origin,
        source=source or article.source_url,
        created_by_id=created_by.id if created_by else None,
    )


def add_version(
    *,
    session: Session,
    article: Article,
    raw_text: str,
    user: User | None,
    origin: str,
    source: str | None = None,
    base_version: int | None = None,
    scorer: checkworthiness.Scorer | None = None,
) -> VersionReport:
    """Make ``raw_text`` (made canonical) the article's new latest version, re-anchor every span and
    score its sentences (suggested claims).

    ValueError when the text is empty, SameText when it equals the current one, NewerVersion
    when ``base_version`` (the version the text was edited from) is no longer the latest.
    """
    new_text = text.canonicalize(raw_text)
    if not new_text.strip():
        raise ValueError("The new text is empty.")
    sql.begin_write(session)
    # Saves check the article's version under a shared lock; this waits for them and blocks new ones.
    session.refresh(article, with_for_update=True)
    assert article.id is not None  # a stored article (just read again)
    if base_version is not None and base_version != article.current_version:
        raise NewerVersion(article.current_version)
    if new_text == article.text:
        raise SameText(f"This text is the same as version {article.current_version}; nothing to add.")
    known = versions_of(session=session, article=article)
    if known[0].id is None:
        session.add(known[0])
    texts = {v.number: v.text for v in known}
    number = article.current_version + 1
    version = ArticleVersion(
        article_id=article.id,
        number=number,
        text=new_text,
        origin=origin,
        source=(source or "")[:2000] or None,
        created_by_id=user.id if user else None,
    )
    session.add(version)

    rows = list(
        sql.rows(
            session,
            select_columns(
                Span.id,
                Span.start,
                Span.end,
                Span.quote,
                Span.prefix,
                Span.suffix,
                Span.anchor_state,
                Span.anchored_version,
            )
            .where(Span.article_id == article.id)
            .order_by(col(Span.id)),
        )
    )
    groups: dict[int, list[OldSpan]] = {}
    for row in rows:
        groups.setdefault(row.anchored_version, []).append(
            OldSpan(row.id, row.start, row.end, row.quote, row.prefix, row.suffix)
        )
    orphans = {row.id for row in rows if row.anchor_state == ORPHANED}
    placements = reanchoring.reanchor_groups(
        new_text, [(texts[n], spans) for n, spans in sorted(groups.items())], orphans=orphans
    )
    _keep_last_anchors(session, rows)
    _write_placements(session, article, number, placements)
    article.text, article.current_version = new_text, number
    suggestions.store(session=session, article_id=article.id, version=number, article_text=new_text, scorer=scorer)
    session.commit()
    return VersionReport(version, Counter(p.state for p in placements))


def _keep_last_anchors(session: Session, rows) -> None:
    """Make sure each span's place in the version it is anchored in has a SpanAnchor before it moves
    (spans record their first place only when a second version arrives)."""
    if not rows:
        return
    recorded = set(
        session.exec(
            select(SpanAnchor.span_id, SpanAnchor.version).where(col(SpanAnchor.span_id).in_([r.id for r in rows]))
        ).all()
    )
    missing = [
        {
            "span_id": r.id,
            "version": r.anchored_version,
            "state": r.anchor_state,
            "start": r.start,
            "end": r.end,
            "quote": r.quote,
            "similarity": 100.0,
        }
        for r in rows
        if (r.id, r.anchored_version) not in recorded and r.anchor_state != ORPHANED
    ]
    if missing:
        session.execute(table_of(SpanAnchor).insert(), missing)


def _write_placements(session: Session, article: Article, number: int, placements: list[Placement]) -> None:
    if not placements:
        return
    session.execute(
        table_of(SpanAnchor).insert(),
        [
            {
                "span_id": p.span_id,
                "version": number,
                "state": p.state,
                "start": p.start,
                "end": p.end,
                "quote": p.quote,
                "similarity": p.similarity,
            }
            for p in placements
        ],
    )
    # Orphan every span first: ranges are unique among the others, and spans may trade places.
    session.execute(
        update(Span)
        .where(col(Span.article_id) == article.id)
        .values(anchor_state=ORPHANED)
        .execution_options(synchronize_session=False)
    )
    found = [
        {
            "id": p.span_id,
            "start": p.start,
            "end": p.end,
            "quote": p.quote,
            "prefix": p.prefix,
            "suffix": p.suffix,
            "anchor_state": p.state,
            "anchored_version": number,
        }
        for p in placements
        if p.found
    ]
    if found:
        session.execute(update(Span), found, execution_options={"synchronize_session": False})
    # Changed words are a new quote to search (the search index's listener sees ORM changes only).
    search_index.refresh(session, span_ids=[p.span_id for p in placements if p.state == reanchoring.CHANGED])
    session.expire_all()


def span_anchors(*, session: Session, span: Span) -> list[SpanAnchor]:
    """Where the span lay in each version, oldest first (its current place may have no row yet)."""
    return list(session.exec(select(SpanAnchor).where(SpanAnchor.span_id == span.id).order_by(col(SpanAnchor.version))))


def previous_wording(*, session: Session, span: Span) -> str | None:
    """The span's wording before the latest version changed it, or None when it did not."""
    if span.anchor_state != reanchoring.CHANGED:
        return None
    earlier = [a for a in span_anchors(session=session, span=span) if a.version < span.anchored_version and a.quote]
    return earlier[-1].quote if earlier else None


def placed_in_version(*, session: Session, article: Article, number: int) -> dict[int, tuple[int, int, str]]:
    """span id -> (start, end, state) of every span found in version ``number`` (one query)."""
    placed: dict[int, tuple[int, int, str]] = {}
    for span_id, start, end, state in session.exec(
        select(SpanAnchor.span_id, SpanAnchor.start, SpanAnchor.end, SpanAnchor.state)
        .join(Span, col(Span.id) == SpanAnchor.span_id)
        .where(Span.article_id == article.id, SpanAnchor.version == number, SpanAnchor.state != ORPHANED)
    ):
        assert start is not None and end is not None  # only an orphaned anchor has no range
        placed[span_id] = (start, end, state)
    if number == article.current_version:
        # The current place is the span row itself (a span made on this version has no anchor row yet).
        placed.update(
            {
                span_id: (start, end, state)
                for span_id, start, end, state in session.exec(
                    select(id_col(Span.id), Span.start, Span.end, Span.anchor_state).where(
                        Span.article_id == article.id, Span.anchor_state != ORPHANED
                    )
                )
            }
        )
    return placed


@dataclass
class ClaimChange:
    """A claim a version changed or orphaned, as its report lists it."""

    span_id: int
    state: str
    quote: str  # the wording before this version
    new_quote: str | None = None
    similarity: float = 100.0


@dataclass
class VersionChanges:
    counts: Counter
    changed: list[ClaimChange]
    orphaned: list[ClaimChange]


def state_counts(*, session: Session, article: Article, known: set[int] | None) -> dict[int, Counter]:
    """version number -> how many spans (of ``known`` only, unless None) it kept, moved, changed and
    orphaned (one query)."""
    counts: dict[int, Counter] = {}
    statement = (
        select(SpanAnchor.version, SpanAnchor.state, SpanAnchor.span_id)
        .join(Span, col(Span.id) == SpanAnchor.span_id)
        .where(Span.article_id == article.id)
    )
    for number, state, span_id in session.exec(statement):
        if known is None or span_id in known:
            counts.setdefault(number, Counter())[state] += 1
    return counts


def version_changes(*, session: Session, article: Article, number: int, known: set[int] | None) -> VersionChanges:
    """What version ``number`` did to the claims (those in ``known`` only, unless None): counts by state,
    the changed ones with their old and new wording, and the orphaned ones (two queries)."""
    anchors = list(
        session.exec(
            select(SpanAnchor)
            .join(Span, col(Span.id) == SpanAnchor.span_id)
            .where(Span.article_id == article.id, col(SpanAnchor.version).in_([number - 1, number]))
        )
    )
    if known is not None:
        anchors = [a for a in anchors if a.span_id in known]
    before = {a.span_id: a for a in anchors if a.version == number - 1}
    now = [a for a in anchors if a.version == number]
    last_quotes = dict(session.exec(select(Span.id, Span.quote).where(Span.article_id == article.id)).all())
    changed, orphaned = [], []
    for anchor in sorted(now, key=lambda a: (a.start is None, a.start or 0, a.span_id)):
        earlier = before.get(anchor.span_id)
        old_quote = earlier.quote if earlier is not None and earlier.quote else last_quotes.get(anchor.span_id, "")
        if anchor.state == reanchoring.CHANGED:
            changed.append(ClaimChange(anchor.span_id, anchor.state, old_quote, anchor.quote, anchor.similarity))
        elif anchor.state == ORPHANED:
            orphaned.append(ClaimChange(anchor.span_id, anchor.state, old_quote, similarity=anchor.similarity))
    return VersionChanges(Counter(a.state for a in now), changed, orphaned)
