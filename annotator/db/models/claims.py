"""Claims (spans of an article's text) and what is said of them: annotations with their sources, final
verdicts, comments, the history of events, and each annotation's search document."""

from datetime import date, datetime

from sqlalchemy import JSON, Column, Index, Text, UniqueConstraint
from sqlalchemy import false as sql_false
from sqlalchemy import text as sql_text
from sqlmodel import Field, Relationship, SQLModel

from annotator.db.models.accounts import User
from annotator.db.models.articles import Article
from annotator.db.models.base import DRAFT, _timestamp, utcnow
from annotator.domain.claim_record import ClaimRecord
from annotator.domain.reanchoring import ORPHANED  # a span state the unique range index leaves out


class Span(SQLModel, table=True):
    """A character range of an article, in code points of its canonical text.

    start/end/quote/prefix/suffix place the span in version ``anchored_version``: the
    latest version, unless re-anchoring found no good place for it there (``anchor_state``
    orphaned), when they keep its last place. SpanAnchor keeps its place in every version.
    """

    __tablename__ = "spans"
    # One span per range of the latest text; orphans keep an old range, which a new span may reuse.
    __table_args__ = (
        Index(
            "uq_span_range",
            "article_id",
            "start",
            "end",
            unique=True,
            sqlite_where=sql_text("anchor_state != 'orphaned'"),
            postgresql_where=sql_text("anchor_state != 'orphaned'"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    article_id: int = Field(foreign_key="articles.id", index=True)
    start: int
    end: int
    quote: str = Field(sa_column=Column(Text, nullable=False))
    prefix: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    suffix: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    anchor_state: str = Field(default="original", max_length=20)  # see reanchoring.STATES
    anchored_version: int = 1
    created_at: datetime = Field(default_factory=utcnow, sa_column=_timestamp())
    # Kept by the database's triggers (migration 0012) in the statement that changes one of the span's
    # annotations or its ruling; the app reads them (services.highlights) and never writes them. Live
    # annotations, those of them not drafts, the least and greatest verdict of those (the same when all
    # agree), and whether a final verdict exists.
    live_annotations: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    shared_annotations: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    verdict_low: str | None = Field(default=None, max_length=40)
    verdict_high: str | None = Field(default=None, max_length=40)
    settled: bool = Field(default=False, sa_column_kwargs={"server_default": sql_false()})

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

    id: int | None = Field(default=None, primary_key=True)
    span_id: int = Field(foreign_key="spans.id", index=True)
    version: int  # the article version's number
    state: str = Field(max_length=20)
    start: int | None = None
    end: int | None = None
    quote: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    similarity: float = 100.0  # how like the previous wording the new one is (0-100), for changed ones


class Annotation(SQLModel, table=True):
    """One reviewer's judgement of one span.

    A draft is seen by its author only; submitting makes it visible to leads
    (and, under blind review, to reviewers who submitted their own). A lead may
    return it with a comment; the author edits and submits again.
    """

    __tablename__ = "annotations"
    # The search page lists annotations newest first: this index gives the first page without a sort.
    __table_args__ = (
        UniqueConstraint("span_id", "user_id", name="uq_annotation_reviewer"),
        Index("ix_annotations_updated_at_id", "updated_at", "id"),
        # A reviewer's own drafts in an article, for its counters (services.highlights).
        Index("ix_annotations_user_status", "user_id", "status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    span_id: int = Field(foreign_key="spans.id", index=True)
    user_id: int = Field(foreign_key="users.id", index=True)
    verdict: str = Field(max_length=40)
    note: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    status: str = Field(default=DRAFT, max_length=20, index=True)
    return_note: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    version: int = 1
    created_at: datetime = Field(default_factory=utcnow, sa_column=_timestamp())
    updated_at: datetime = Field(default_factory=utcnow, sa_column=_timestamp())
    deleted_at: datetime | None = Field(default=None, sa_column=_timestamp(nullable=True))

    made_on_version: int = 1  # the article version the reviewer was reading when creating it

    span: Span = Relationship(back_populates="annotations")
    user: User = Relationship(back_populates="annotations")
    # The sources the annotation cites now, in order (read-only). An edit that drops a
    # source marks its row removed rather than deleting it; ``all_sources`` holds every row.
    sources: list["Source"] = Relationship(
        sa_relationship_kwargs={
            "primaryjoin": "and_(Annotation.id == Source.annotation_id, Source.removed_at.is_(None))",
            "order_by": "Source.position",
            "viewonly": True,
        },
    )
    all_sources: list["Source"] = Relationship(
        back_populates="annotation",
        sa_relationship_kwargs={"order_by": "Source.id", "overlaps": "sources"},
    )

    def is_owned_by(self, user: User) -> bool:
        return self.user_id == user.id


class Source(SQLModel, table=True):
    """Evidence cited by an annotation."""

    __tablename__ = "sources"

    id: int | None = Field(default=None, primary_key=True)
    annotation_id: int = Field(foreign_key="annotations.id", index=True)
    position: int = 0
    url: str = Field(max_length=2000)
    title: str = Field(default="", max_length=500)
    excerpt: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    removed_at: datetime | None = Field(default=None, sa_column=_timestamp(nullable=True))

    annotation: Annotation = Relationship(back_populates="all_sources", sa_relationship_kwargs={"overlaps": "sources"})


class FinalVerdict(SQLModel, table=True):
    """A lead's ruling on a span: the verdict the desk publishes. A span with one is settled."""

    __tablename__ = "final_verdicts"

    id: int | None = Field(default=None, primary_key=True)
    span_id: int = Field(foreign_key="spans.id", unique=True)
    verdict: str = Field(max_length=40)
    rationale: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    # Copies of the cited sources ({"url", "title", "excerpt"}), so that a reviewer editing
    # their annotation later does not change what the published review cites.
    cited_sources: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False, default=list))
    lead_id: int = Field(foreign_key="users.id")
    # The words ruled on, as they read when the verdict was set: a later version may change the
    # claim's wording, and the published review must not rate words the lead never saw.
    quote: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    version: int = 1
    created_at: datetime = Field(default_factory=utcnow, sa_column=_timestamp())
    updated_at: datetime = Field(default_factory=utcnow, sa_column=_timestamp())
    # The claim on record (``domain.claim_record``), what a published fact-check says of the claim:
    # who made it (a person or an organisation), when, where it first appeared, the claim as a reader
    # would search for it (the quote stays above), and tags.
    claimant: str = Field(default="", max_length=200, sa_column_kwargs={"server_default": ""})
    claimant_kind: str = Field(default="person", max_length=20, sa_column_kwargs={"server_default": "person"})
    claimant_url: str = Field(default="", max_length=2000, sa_column_kwargs={"server_default": ""})
    claim_date: date | None = None
    first_appeared: str = Field(default="", max_length=2000, sa_column_kwargs={"server_default": ""})
    summary: str = Field(default="", max_length=120, sa_column_kwargs={"server_default": ""})
    tags: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False, default=list, server_default="[]"))

    span: Span = Relationship()
    lead: User = Relationship()

    @property
    def record(self) -> ClaimRecord:
        return ClaimRecord(
            self.claimant,
            self.claimant_kind,
            self.claimant_url,
            self.claim_date,
            self.first_appeared,
            self.summary,
            tuple(self.tags),
        )

    def set_record(self, record: ClaimRecord) -> None:
        self.claimant, self.claimant_kind, self.claimant_url = (
            record.claimant,
            record.claimant_kind,
            record.claimant_url,
        )
        self.claim_date, self.first_appeared, self.summary = record.claim_date, record.first_appeared, record.summary
        self.tags = list(record.tags)


class Comment(SQLModel, table=True):
    """A message in a span's discussion thread."""

    __tablename__ = "comments"

    id: int | None = Field(default=None, primary_key=True)
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

    id: int | None = Field(default=None, primary_key=True)
    span_id: int = Field(foreign_key="spans.id", index=True)
    annotation_id: int | None = Field(default=None, foreign_key="annotations.id")
    user_id: int = Field(foreign_key="users.id")
    action: str = Field(max_length=20)
    at: datetime = Field(default_factory=utcnow, sa_column=_timestamp())
    before: dict | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    after: dict | None = Field(default=None, sa_column=Column(JSON, nullable=True))

    user: User = Relationship()


class SearchDocument(SQLModel, table=True):
    """What search reads for one annotation: its claim's quote, its note, its current sources.

    Kept by ``search_index`` (never written elsewhere). The full-text index over it is not part
    of this model, since each database has its own: on SQLite the FTS5 table ``search_fts``
    (external content, kept by triggers on this table), on PostgreSQL the generated
    ``search_vector`` column with a GIN index (both made by migration 0005).
    """

    __tablename__ = "search_documents"

    annotation_id: int = Field(
        foreign_key="annotations.id", primary_key=True, sa_column_kwargs={"autoincrement": False}
    )
    quote: str = Field(sa_column=Column(Text, nullable=False))
    note: str = Field(sa_column=Column(Text, nullable=False))
    sources: str = Field(sa_column=Column(Text, nullable=False))  # each source's title and URL, a line each
