"""One batch of an import (``services.imports``): its items planned against what the database holds,
read once for the whole batch, then written with a few bulk statements (``services.import_writing``), all
in one transaction.

Planning: each item, in file order, gets its article, its place in the text, its author and its span,
and is checked for a settled claim and for a verdict its author already gave, exactly as if the items
before it had been stored one at a time (the spans, users and annotations of this batch count), or is
rejected with the reason, the same reason in the same order of checks as when it was stored alone.

An unforeseen error that belongs to one item raises ``ItemFailed``: the caller rolls the batch back and
plans it again without that item. Any other error is the whole batch's.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlmodel import Session, col

from annotator.db import sql
from annotator.db.models import DRAFT, SUBMITTED, Annotation, Article, FinalVerdict, Span, User, utcnow
from annotator.db.search_index import CHUNK
from annotator.db.sql import id_col
from annotator.domain.anchoring import AnchorError, QuoteAbsent, Target, anchor
from annotator.domain.reanchoring import ORIGINAL, ORPHANED
from annotator.domain.text import canonicalize_fragment
from annotator.formats.interchange import Incoming, Rejected
from annotator.services.import_authors import Authors, NewAuthor
from annotator.services.import_reading import Item
from annotator.services.import_report import (
    IMPORTED,
    NO_VERDICT,
    ORPHAN_REASON,
    REANCHORED,
    REANCHORED_REASON,
    ItemReport,
    not_stored,
    rejected,
)
from annotator.services.import_writing import ArticleRow, Claim, ItemFailed, Planned, span_row, write
from annotator.services.visibility import placed

log = logging.getLogger("annotator.services.imports")
SETTLED = "A lead has settled these words; their verdicts can no longer be added to."


@dataclass(frozen=True)
class Options:
    article_id: int | None  # every item goes to this article (else by its target's source URL)
    reviewer_id: int | None  # every item is this user's (else its creator's)
    keep_times: bool


@dataclass(eq=False)
class Repeated:
    """An item whose author judged the same words in an earlier item of this batch (its id comes later)."""

    item: Item
    earlier: Planned


@dataclass(eq=False)
class Batch:
    """The items of one transaction; :meth:`run` plans and writes them."""

    session: Session
    items: list[Item]
    options: Options
    outcomes: list[ItemReport | Planned | Repeated] = field(default_factory=list)
    claims: dict[tuple, Claim] = field(default_factory=dict)
    new_claims: list[Claim] = field(default_factory=list)
    articles: dict[str, ArticleRow | str] = field(default_factory=dict)  # by source URL; str: why not

    def run(self) -> list[ItemReport]:
        """Plan and write the batch in the session's transaction (not committed); a report per item."""
        sql.begin_write(self.session)
        given = self._article_by_id(self.options.article_id) if self.options.article_id is not None else None
        anchored = [found for item in self.items if (found := self._place(item, given)) is not None]
        self._read_stored(anchored)
        reviewer, authors = None, None
        if self.options.reviewer_id is not None:
            reviewer = self.session.get(User, self.options.reviewer_id)
            if reviewer is None:  # gone since the import began: no item may fall to its creator instead
                raise LookupError(f"no user with id {self.options.reviewer_id}")
        else:
            authors = Authors(self.session, (item.incoming for item, *_ in anchored if item.incoming))
        for item, article, target, moved in anchored:
            try:
                self._plan(item, article, target, moved, reviewer, authors)
            except Exception as error:
                raise ItemFailed(item, error) from error
        write(self.session, self.new_claims, [outcome for outcome in self.outcomes if isinstance(outcome, Planned)])
        return [self._report(outcome) for outcome in self.outcomes]

    # --- Planning -----------------------------------------------------------------------------------

    def _place(self, item: Item, given: ArticleRow | None) -> tuple[Item, ArticleRow, Target | None, bool] | None:
        """The item's article and its place there (None: orphaned); None when it is rejected already."""
        if item.failure is not None or item.incoming is None:
            self._refuse(item, item.failure or ValueError("unread"))
            return None
        incoming = item.incoming
        try:
            article = given or self._article_at(incoming.target_source)
        except Rejected as error:
            self._refuse(item, error)
            return None
        except Exception as error:
            raise ItemFailed(item, error) from error
        try:
            target, moved = anchor(
                article.text, quote=incoming.quote, prefix=incoming.prefix, suffix=incoming.suffix, start=incoming.start
            )
        except QuoteAbsent:
            target, moved = None, False
        except Exception as error:  # noqa: BLE001 - AnchorError: rejected; anything else: not stored
            self._refuse(item, error)
            return None
        if item.content_failure is not None:
            self._refuse(item, item.content_failure)
            return None
        return item, article, target, moved

    def _refuse(self, item: Item, error: BaseException) -> None:
        if isinstance(error, (Rejected, AnchorError)):
            self.outcomes.append(rejected(item.number, str(error), item.quote))
        else:
            log.error("import item %d failed", item.number, exc_info=error)
            self.outcomes.append(not_stored(item.number, error, item.quote))

    def _article_by_id(self, article_id: int) -> ArticleRow:
        """The article, under a shared lock: no new version of its text arrives before the batch is stored."""
        statement = _article_columns().where(id_col(Article.id) == article_id)
        return ArticleRow(*self.session.execute(statement.with_for_update(read=True)).one())

    def _article_at(self, source: str | None) -> ArticleRow:
        """The one article published at ``source`` (under a shared lock); Rejected when none or several are."""
        if not source:
            raise Rejected("The target names no article; give the article to import into.")
        if source not in self.articles:
            statement = _article_columns().where(col(Article.source_url) == source).limit(2)
            found = self.session.execute(statement.with_for_update(read=True)).all()
            if not found:
                self.articles[source] = (
                    f"No article here has the source URL {source}; import the article first or name it."
                )
            elif len(found) > 1:
                self.articles[source] = f"Several articles have the source URL {source}; name the one to import into."
            else:
                self.articles[source] = ArticleRow(*found[0])
        article = self.articles[source]
        if isinstance(article, str):
            raise Rejected(article)
        return article

    def _read_stored(self, anchored: list[tuple[Item, ArticleRow, Target | None, bool]]) -> None:
        """The stored spans the items name, which of them are settled, and who judged them (a few queries)."""
        ranges: dict[int, set[tuple[int, int]]] = defaultdict(set)
        quotes: dict[int, set[str]] = defaultdict(set)
        for item, article, target, _ in anchored:
            if target is not None:
                ranges[article.id].add((target.start, target.end))
            elif item.incoming is not None:
                quotes[article.id].add(canonicalize_fragment(item.incoming.quote))
        by_id: dict[int, Claim] = {}
        for article_id, wanted in ranges.items():
            for chunk in _chunks({start for start, _ in wanted}):
                spans = select(id_col(Span.id), col(Span.start), col(Span.end), col(Span.quote)).where(
                    col(Span.article_id) == article_id, placed(), col(Span.start).in_(chunk)
                )
                for span_id, start, end, quote in sql.rows(self.session, spans):
                    if (start, end) in wanted:
                        key = ("placed", article_id, start, end)
                        self.claims[key] = by_id[span_id] = Claim(quote, key, span_id)
        for article_id, wanted_quotes in quotes.items():
            for chunk in _chunks(wanted_quotes):
                orphans = (
                    select(id_col(Span.id), col(Span.quote))
                    .where(col(Span.article_id) == article_id, col(Span.anchor_state) == ORPHANED)
                    .where(col(Span.quote).in_(chunk))
                    .order_by(col(Span.id))
                )
                for span_id, quote in sql.rows(self.session, orphans):
                    orphan_key = ("orphaned", article_id, quote)
                    if orphan_key not in self.claims:  # the first orphan with these words, as one at a time found it
                        self.claims[orphan_key] = by_id[span_id] = Claim(quote, orphan_key, span_id)
        self.settled: set[int] = set()
        self.judged: dict[tuple[Claim, int], int | Planned] = {}
        for chunk in _chunks(by_id):
            self.settled.update(
                sql.rows(self.session, select(col(FinalVerdict.span_id)).where(col(FinalVerdict.span_id).in_(chunk)))
                .scalars()
                .all()
            )
            judged = select(col(Annotation.span_id), col(Annotation.user_id), id_col(Annotation.id)).where(
                col(Annotation.span_id).in_(chunk)
            )
            for span_id, user_id, annotation_id in sql.rows(self.session, judged):
                self.judged[(by_id[span_id], user_id)] = annotation_id

    def _plan(
        self,
        item: Item,
        article: ArticleRow,
        target: Target | None,
        moved: bool,
        reviewer: User | None,
        authors: Authors | None,
    ) -> None:
        """Store the item (in the plan), or reject it: the checks of an item stored on its own, in their order."""
        incoming = item.incoming
        assert incoming is not None  # only read items get here
        verdict, note, sources = item.content
        named: User | NewAuthor
        try:
            if reviewer is not None:
                named, notice = reviewer, ""
            else:
                assert authors is not None  # made when no reviewer is given
                named, notice = authors.named(incoming)
        except Rejected as error:
            self._refuse(item, error)
            return
        if target is None:
            claim, outcome, reason = self._orphan(article, incoming), ORPHANED, ORPHAN_REASON
        else:
            claim = self._placed(article, target)
            outcome, reason = (REANCHORED, "") if moved else (IMPORTED, "")
        awaiting = not verdict  # a highlight without a verdict: its author's draft, to judge later
        if awaiting:
            outcome, reason = NO_VERDICT, reason or (REANCHORED_REASON if moved else "")
        if claim.id is not None and claim.id in self.settled:
            self._refuse(item, Rejected(SETTLED))
            return
        if isinstance(named, User):
            earlier = self.judged.get((claim, sql.stored_id(named)))
            if isinstance(earlier, Planned):
                self.outcomes.append(Repeated(item, earlier))
                return
            if earlier is not None:
                message = f"{named.username} already judged these words (annotation {earlier}); not imported twice."
                self._refuse(item, Rejected(message))
                return
            author: User = named
        else:  # a new creator: no verdict of theirs anywhere yet
            assert authors is not None
            author = authors.make(named)
        if claim.id is None and self.claims.get(claim.key) is not claim:
            self.claims[claim.key] = claim
            self.new_claims.append(claim)
        now = utcnow()
        # The file's times when trusted, never later than now: they order the lead's queue.
        created = min(incoming.created or now, now) if self.options.keep_times else now
        modified = min(max(incoming.modified or created, created), now) if self.options.keep_times else now
        values = {
            "user_id": sql.stored_id(author),
            "verdict": verdict,
            "note": note,
            "status": DRAFT if awaiting else SUBMITTED,
            "return_note": "",
            "version": 1,
            "created_at": created,
            "updated_at": modified,
            "deleted_at": None,
            "made_on_version": article.current_version,
            "sources": sources,
        }
        planned = Planned(item, article, claim, author, outcome, reason, notice, values, now)
        self.judged[(claim, sql.stored_id(author))] = planned
        self.outcomes.append(planned)

    def _placed(self, article: ArticleRow, target: Target) -> Claim:
        """The span on exactly this range of the text (stored, or new in this batch), or a new one."""
        key = ("placed", article.id, target.start, target.end)
        found = self.claims.get(key)
        if found is not None:
            return found
        return Claim(target.quote, key, row=span_row(article, target, ORIGINAL))

    def _orphan(self, article: ArticleRow, incoming: Incoming) -> Claim:
        """The article's orphan with these words (another item, or an export of it, made it), or a new one.
        The position the file gives is kept as its last known place."""
        quote = canonicalize_fragment(incoming.quote)
        key = ("orphaned", article.id, quote)
        found = self.claims.get(key)
        if found is not None:
            return found
        start = incoming.start if incoming.start is not None and incoming.start >= 0 else 0
        prefix, suffix = canonicalize_fragment(incoming.prefix), canonicalize_fragment(incoming.suffix)
        place = Target(start, start + len(quote), quote, prefix, suffix)
        return Claim(quote, key, row=span_row(article, place, ORPHANED))

    def _report(self, outcome: ItemReport | Planned | Repeated) -> ItemReport:
        if isinstance(outcome, ItemReport):
            return outcome
        if isinstance(outcome, Repeated):
            earlier = outcome.earlier
            message = (
                f"{earlier.author.username} already judged these words (annotation {earlier.annotation_id}); "
                "not imported twice."
            )
            return rejected(outcome.item.number, message, outcome.item.quote)
        return ItemReport(
            outcome.item.number,
            outcome.outcome,
            outcome.reason,
            annotation_id=outcome.annotation_id,
            article_id=outcome.article.id,
            span_id=outcome.claim.id,
            author=outcome.author.username,
            quote=outcome.claim.quote,
            notice=outcome.notice,
        )


def _article_columns():
    return select(id_col(Article.id), col(Article.text), col(Article.current_version))


def _chunks(values: Iterable) -> Iterable[list]:
    ordered = sorted(set(values))
    for i in range(0, len(ordered), CHUNK):
        yield ordered[i : i + CHUNK]
