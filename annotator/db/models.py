"""SQLModel tables.

Nothing a user entered is removed by the app: a deleted annotation keeps its
row with ``deleted_at`` set.
"""
from datetime import date, datetime, timezone
from typing import Optional

from sqlalchemy import JSON, Column, DateTime, Index, String, Text, UniqueConstraint
from sqlalchemy import text as sql_text
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field, Relationship, SQLModel
from werkzeug.security import check_password_hash, generate_password_hash


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class UTCDateTime(TypeDecorator):
    """Timezone-aware UTC datetimes on every backend (SQLite stores them naive)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use timezone-aware UTC")
        value = value.astimezone(timezone.utc)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        return value


def _timestamp(nullable: bool = False) -> Column:
    return Column(UTCDateTime(), nullable=nullable)


ROLES = ("reviewer", "lead", "admin")
MAX_ID = 2**31 - 1  # ids are 32-bit integers in every database we support: a larger one names no row
# Werkzeug's hash method; tests swap in a cheap one (scrypt is slow on purpose).
PASSWORD_HASH_METHOD = "scrypt"


class User(SQLModel, table=True):
    __tablename__ = "users"
    # One user per imported creator: the import finds the user it made for a creator by this.
    __table_args__ = (Index("uq_users_creator_identity", "creator_identity", unique=True),)

    id: Optional[int] = Field(default=None, primary_key=True)
    username: str = Field(sa_column=Column(String(80), unique=True, nullable=False))
    display_name: str = Field(max_length=120)
    role: str = Field(default="reviewer", max_length=20)
    # None: an account that cannot sign in (e.g. the author of imported annotations).
    password_hash: Optional[str] = Field(default=None, max_length=256)
    # Copied into the session cookie at sign-in; raising it (sign-out, new password or role,
    # deactivation) ends every session signed in before (annotator.web.auth).
    session_version: int = Field(default=1, sa_column_kwargs={"server_default": "1"})
    created_at: datetime = Field(default_factory=utcnow, sa_column=_timestamp())
    # For a user an import made for a file's creator: which creator it stands for (its IRI, or
    # "name:" and its name; see interchange.creator_identity). None for every other account.
    creator_identity: Optional[str] = Field(default=None, max_length=500)

    annotations: list["Annotation"] = Relationship(back_populates="user")

    # Flask-Login's user protocol.
    @property
    def is_anonymous(self) -> bool:
        return False

    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return self.password_hash is not None

    def get_id(self) -> str:
        return str(self.id)

    @property
    def is_lead(self) -> bool:
        return self.role in ("lead", "admin")

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password, method=PASSWORD_HASH_METHOD)

    def check_password(self, password: str) -> bool:
        return self.password_hash is not None and check_password_hash(self.password_hash, password)


class Article(SQLModel, table=True):
    __tablename__ = "articles"

    id: Optional[int] = Field(default=None, primary_key=True)
    slug: str = Field(sa_column=Column(String(120), unique=True, nullable=False))
    title: str = Field(max_length=300)
    author: Optional[str] = Field(default=None, max_length=200)  # the byline
    publisher: Optional[str] = Field(default=None, max_length=200)
    source_url: Optional[str] = Field(default=None, max_length=2000)
    published_on: Optional[date] = None
    # The text of the latest version (a copy of ArticleVersion.text, which keeps every version).
    text: str = Field(sa_column=Column(Text, nullable=False))
    current_version: int = 1  # the number of the latest version
    # Reviewers see others' verdicts on a claim only after submitting their own.
    blind_review: bool = True
    created_by_id: Optional[int] = Field(default=None, foreign_key="users.id")
    created_at: datetime = Field(default_factory=utcnow, sa_column=_timestamp())

    spans: list["Span"] = Relationship(back_populates="article")
    created_by: Optional[User] = Relationship()


class ArticleVersion(SQLModel, table=True):
    """One text an article has had: version 1 is the text it was added with; later ones came
    from pasted text, a file or its web page. Never changed or removed."""

    __tablename__ = "article_versions"
    __table_args__ = (UniqueConstraint("article_id", "number", name="uq_article_version_number"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    article_id: int = Field(foreign_key="articles.id", index=True)
    number: int
    text: str = Field(sa_column=Column(Text, nullable=False))
    origin: str = Field(default="created", max_length=20)  # created, pasted, file, web
    source: Optional[str] = Field(default=None, max_length=2000)  # the file name or web address
    created_by_id: Optional[int] = Field(default=None, foreign_key="users.id")
    created_at: datetime = Field(default_factory=utcnow, sa_column=_timestamp())

    created_by: Optional[User] = Relationship()


from annotator.domain.reanchoring import ORPHANED  # noqa: E402  (a span state the unique range index leaves out)


class Span(SQLModel, table=True):
    """A character range of an article, in code points of its canonical text.

    start/end/quote/prefix/suffix place the span in version ``anchored_version``: the
    latest version, unless re-anchoring found no good place for it there (``anchor_state``
    orphaned), when they keep its last place. SpanAnchor keeps its place in every version.
    """

    __tablename__ = "spans"
    # One span per range of the latest text; orphans keep an old range, which a new span may reuse.
    __table_args__ = (Index("uq_span_range", "article_id", "start", "end", unique=True,
                            sqlite_where=sql_text("anchor_state != 'orphaned'"),
                            postgresql_where=sql_text("anchor_state != 'orphaned'")),)

    id: Optional[int] = Field(default=None, primary_key=True)
    article_id: int = Field(foreign_key="articles.id", index=True)
    start: int
    end: int
    quote: str = Field(sa_column=Column(Text, nullable=False))
    prefix: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    suffix: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    anchor_state: str = Field(default="original", max_length=20)  # see reanchoring.STATES
    anchored_version: int = 1
    created_at: datetime = Field(default_factory=utcnow, sa_column=_timestamp())

    @property
    def orphaned(self) -> bool:
        return self.anchor_state == ORPHANED

    article: Article = Relationship(back_populates="spans")
    annotations: list["Annotation"] = Relationship(back_populates="span")


class SpanAnchor(SQLModel, table=True):
    """Where a span lay in one version of its article, and how re-anchoring found it there
    (original, kept, moved, changed or orphaned; an orphan has no range)."""

    __tablename__ = "span_anchors"
    __table_args__ = (UniqueConstraint("span_id", "version", name="uq_span_anchor_version"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    span_id: int = Field(foreign_key="spans.id", index=True)
    version: int  # the article version's number
    state: str = Field(max_length=20)
    start: Optional[int] = None
    end: Optional[int] = None
    quote: Optional[str] = Field(default=None, sa_column=Column(Text, nullable=True))
    similarity: float = 100.0  # how like the previous wording the new one is (0-100), for changed ones


DRAFT, SUBMITTED, RETURNED = "draft", "submitted", "returned"
STATUSES = (DRAFT, SUBMITTED, RETURNED)


class Annotation(SQLModel, table=True):
    """One reviewer's judgement of one span.

    A draft is seen by its author only; submitting makes it visible to leads
    (and, under blind review, to reviewers who submitted their own). A lead may
    return it with a comment; the author edits and submits again.
    """

    __tablename__ = "annotations"
    # The search page lists annotations newest first: this index gives the first page without a sort.
    __table_args__ = (UniqueConstraint("span_id", "user_id", name="uq_annotation_reviewer"),
                      Index("ix_annotations_updated_at_id", "updated_at", "id"))

    id: Optional[int] = Field(default=None, primary_key=True)
    span_id: int = Field(foreign_key="spans.id", index=True)
    user_id: int = Field(foreign_key="users.id", index=True)
    verdict: str = Field(max_length=40)
    note: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    status: str = Field(default=DRAFT, max_length=20, index=True)
    return_note: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    version: int = 1
    created_at: datetime = Field(default_factory=utcnow, sa_column=_timestamp())
    updated_at: datetime = Field(default_factory=utcnow, sa_column=_timestamp())
    deleted_at: Optional[datetime] = Field(default=None, sa_column=_timestamp(nullable=True))

    made_on_version: int = 1  # the article version the reviewer was reading when creating it

    span: Span = Relationship(back_populates="annotations")
    user: User = Relationship(back_populates="annotations")
    # The sources the annotation cites now, in order (read-only). An edit that drops a
    # source marks its row removed rather than deleting it; ``all_sources`` holds every row.
    sources: list["Source"] = Relationship(
        sa_relationship_kwargs={
            "primaryjoin": "and_(Annotation.id == Source.annotation_id, Source.removed_at.is_(None))",
            "order_by": "Source.position", "viewonly": True,
        },
    )
    all_sources: list["Source"] = Relationship(
        back_populates="annotation", sa_relationship_kwargs={"order_by": "Source.id", "overlaps": "sources"},
    )

    def is_owned_by(self, user: User) -> bool:
        return self.user_id == user.id



class Source(SQLModel, table=True):
    """Evidence cited by an annotation."""

    __tablename__ = "sources"

    id: Optional[int] = Field(default=None, primary_key=True)
    annotation_id: int = Field(foreign_key="annotations.id", index=True)
    position: int = 0
    url: str = Field(max_length=2000)
    title: str = Field(default="", max_length=500)
    excerpt: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    removed_at: Optional[datetime] = Field(default=None, sa_column=_timestamp(nullable=True))

    annotation: Annotation = Relationship(back_populates="all_sources", sa_relationship_kwargs={"overlaps": "sources"})


class FinalVerdict(SQLModel, table=True):
    """A lead's ruling on a span: the verdict the desk publishes. A span with one is settled."""

    __tablename__ = "final_verdicts"

    id: Optional[int] = Field(default=None, primary_key=True)
    span_id: int = Field(foreign_key="spans.id", unique=True)
    verdict: str = Field(max_length=40)
    rationale: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    # Copies of the cited sources ({"url", "title", "excerpt"}), so that a reviewer editing
    # their annotation later does not change what the published review cites.
    cited_sources: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False, default=list))
    lead_id: int = Field(foreign_key="users.id")
    # The words ruled on, as they read when the verdict was set: a later version may change the
    # claim's wording, and the published review must not rate words the lead never saw.
    quote: Optional[str] = Field(default=None, sa_column=Column(Text, nullable=True))
    version: int = 1
    created_at: datetime = Field(default_factory=utcnow, sa_column=_timestamp())
    updated_at: datetime = Field(default_factory=utcnow, sa_column=_timestamp())

    span: Span = Relationship()
    lead: User = Relationship()


class ApiToken(SQLModel, table=True):
    """A personal API token: the API acts as its user. Only the token's SHA-256 is stored;
    the token itself is shown once, when it is made."""

    __tablename__ = "api_tokens"

    id: Optional[int] = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", index=True)
    name: str = Field(max_length=100)
    # Hex SHA-256 of the whole token: what a request's token is looked up by.
    token_hash: str = Field(sa_column=Column(String(64), unique=True, index=True, nullable=False))
    # The token's first characters, shown in lists so that its owner can tell tokens apart.
    prefix: str = Field(max_length=16)
    created_at: datetime = Field(default_factory=utcnow, sa_column=_timestamp())
    last_used_at: Optional[datetime] = Field(default=None, sa_column=_timestamp(nullable=True))
    revoked_at: Optional[datetime] = Field(default=None, sa_column=_timestamp(nullable=True))

    user: User = Relationship()

    @property
    def active(self) -> bool:
        return self.revoked_at is None


class Comment(SQLModel, table=True):
    """A message in a span's discussion thread."""

    __tablename__ = "comments"

    id: Optional[int] = Field(default=None, primary_key=True)
    span_id: int = Field(foreign_key="spans.id", index=True)
    user_id: int = Field(foreign_key="users.id")
    body: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_column=_timestamp())

    user: User = Relationship()


class Event(SQLModel, table=True):
    """Append-only history of a span: who did what, when, with the value before and after.

    Actions on annotations: created, edited, submitted, deleted, restored, returned.
    On the span: settled (a final verdict set or changed), commented, linked and unlinked (a lead's
    "same claim as", recorded on both claims).
    """

    __tablename__ = "events"
    # The review queue asks, per annotation, when it was first submitted: this index answers
    # that without reading the table (and serves every lookup by annotation too).
    __table_args__ = (Index("ix_events_annotation_action_at", "annotation_id", "action", "at"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    span_id: int = Field(foreign_key="spans.id", index=True)
    annotation_id: Optional[int] = Field(default=None, foreign_key="annotations.id")
    user_id: int = Field(foreign_key="users.id")
    action: str = Field(max_length=20)
    at: datetime = Field(default_factory=utcnow, sa_column=_timestamp())
    before: Optional[dict] = Field(default=None, sa_column=Column(JSON, nullable=True))
    after: Optional[dict] = Field(default=None, sa_column=Column(JSON, nullable=True))

    user: User = Relationship()


class SearchDocument(SQLModel, table=True):
    """What search reads for one annotation: its claim's quote, its note, its current sources.

    Kept by ``search_index`` (never written elsewhere). The full-text index over it is not part
    of this model, since each database has its own: on SQLite the FTS5 table ``search_fts``
    (external content, kept by triggers on this table), on PostgreSQL the generated
    ``search_vector`` column with a GIN index (both made by migration 0005).
    """

    __tablename__ = "search_documents"

    annotation_id: int = Field(foreign_key="annotations.id", primary_key=True, sa_column_kwargs={"autoincrement": False})
    quote: str = Field(sa_column=Column(Text, nullable=False))
    note: str = Field(sa_column=Column(Text, nullable=False))
    sources: str = Field(sa_column=Column(Text, nullable=False))  # each source's title and URL, a line each


class ExternalCheck(SQLModel, table=True):
    """A fact-check published elsewhere (a ClaimReview read by ``flask import-claimreview``),
    kept so that "Checked before" can find it. The review's URL identifies it: importing it
    again updates the row."""

    __tablename__ = "external_checks"

    id: Optional[int] = Field(default=None, primary_key=True)
    url: str = Field(sa_column=Column(String(2000), unique=True, nullable=False))
    claim_reviewed: str = Field(sa_column=Column(Text, nullable=False))
    rating: str = Field(default="", max_length=200)  # reviewRating.alternateName (or its value)
    rating_value: Optional[float] = None
    publisher: str = Field(default="", max_length=300)  # the review's author (or publisher) name
    published_on: Optional[date] = None
    claim_author: str = Field(default="", max_length=300)  # itemReviewed.author.name: who made the claim
    appearance_url: str = Field(default="", max_length=2000)  # itemReviewed.appearance: where it was made
    imported_at: datetime = Field(default_factory=utcnow, sa_column=_timestamp())
    updated_at: datetime = Field(default_factory=utcnow, sa_column=_timestamp())


class ClaimLink(SQLModel, table=True):
    """A lead's "same claim as": this span states the same claim as another article's span
    (stored once, ``span_id`` < ``other_span_id``) or as an external check.

    Removing the link sets ``removed_at`` (the row stays, as a trace); marking it again clears it.
    """

    __tablename__ = "claim_links"
    # One active link per pair: a double click or two leads at once must not link twice.
    __table_args__ = (
        Index("uq_claim_link_span", "span_id", "other_span_id", unique=True,
              sqlite_where=sql_text("removed_at IS NULL"), postgresql_where=sql_text("removed_at IS NULL")),
        Index("uq_claim_link_external", "span_id", "external_check_id", unique=True,
              sqlite_where=sql_text("removed_at IS NULL"), postgresql_where=sql_text("removed_at IS NULL")),
    )

    id: Optional[int] = Field(default=None, primary_key=True)
    span_id: int = Field(foreign_key="spans.id", index=True)
    other_span_id: Optional[int] = Field(default=None, foreign_key="spans.id", index=True)
    external_check_id: Optional[int] = Field(default=None, foreign_key="external_checks.id", index=True)
    created_by_id: int = Field(foreign_key="users.id")
    created_at: datetime = Field(default_factory=utcnow, sa_column=_timestamp())
    removed_by_id: Optional[int] = Field(default=None, foreign_key="users.id")
    removed_at: Optional[datetime] = Field(default=None, sa_column=_timestamp(nullable=True))

    @property
    def active(self) -> bool:
        return self.removed_at is None
class Suggestion(SQLModel, table=True):
    """A sentence of one article version, scored for check-worthiness (a suggested claim).

    Every sentence is stored, whatever its score: the page lists those at or above the display
    threshold, so the threshold can change without scoring again. ``features`` holds the default
    scorer's features that fired, as [key, weight] pairs (empty for a plug-in scorer).
    """

    __tablename__ = "suggestions"
    __table_args__ = (Index("ix_suggestions_article_version", "article_id", "version", "start"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    article_id: int = Field(foreign_key="articles.id")
    version: int  # the article version's number
    start: int
    end: int
    quote: str = Field(sa_column=Column(Text, nullable=False))
    # SHA-256 of the quote: what a dismissal is remembered by, across re-scoring and versions.
    quote_hash: str = Field(sa_column=Column(String(64), nullable=False))
    score: float
    features: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False, default=list))


class SuggestionDismissal(SQLModel, table=True):
    """A suggested sentence someone dismissed on an article, remembered by its words, so that it
    stays dismissed when the article is scored again or a new version keeps the sentence. A lead
    may restore it; the row is kept, with who restored it and when."""

    __tablename__ = "suggestion_dismissals"
    __table_args__ = (UniqueConstraint("article_id", "quote_hash", name="uq_suggestion_dismissal"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    article_id: int = Field(foreign_key="articles.id")
    quote_hash: str = Field(sa_column=Column(String(64), nullable=False))
    quote: str = Field(sa_column=Column(Text, nullable=False))
    dismissed_by_id: int = Field(foreign_key="users.id")
    dismissed_at: datetime = Field(default_factory=utcnow, sa_column=_timestamp())
    restored_by_id: Optional[int] = Field(default=None, foreign_key="users.id")
    restored_at: Optional[datetime] = Field(default=None, sa_column=_timestamp(nullable=True))

    dismissed_by: User = Relationship(sa_relationship_kwargs={"foreign_keys": "SuggestionDismissal.dismissed_by_id"})
class ArticleRevision(SQLModel, table=True):
    """The article's change counter for live updates: raised in the transaction of every change to its
    claims, annotations, sources, comments, final verdicts, versions or settings (``live_marker``).

    A table of its own, not a column of ``articles``: saves hold a shared lock on the article row
    while they write, and raising a counter there would deadlock two saves on PostgreSQL. No
    foreign keys here nor in ``live_changes``: their checks would lock the article row too, and a
    new version (which holds it exclusively) could then deadlock with a comment raising the counter.
    """

    __tablename__ = "article_revisions"

    article_id: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    revision: int = 0
    changed_at: datetime = Field(default_factory=utcnow, sa_column=_timestamp())


class LiveChange(SQLModel, table=True):
    """What one revision of an article changed, for the live poll to re-render: one row per claim touched
    (``span_id``), or one without a claim for a change to the whole article. ``kind`` says who may
    learn of it (``live_rules.KINDS``); ``private_to`` is the author of a change to a draft."""

    __tablename__ = "live_changes"
    __table_args__ = (Index("ix_live_changes_article_revision", "article_id", "revision"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    article_id: int
    revision: int
    kind: str = Field(max_length=20)
    span_id: Optional[int] = None
    annotation_id: Optional[int] = None
    private_to: Optional[int] = None
    actor_id: Optional[int] = None  # who made the change, when one user did (their own page shows it already)
