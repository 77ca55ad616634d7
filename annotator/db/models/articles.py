"""Articles, their versions, their live-update counter and change log, and their suggested claims."""

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import JSON, Column, Index, String, Text, UniqueConstraint
from sqlmodel import Field, Relationship, SQLModel

from annotator.db.models.accounts import User
from annotator.db.models.base import _timestamp, utcnow

if TYPE_CHECKING:  # for the annotations only: the mapper finds the class by its name
    from annotator.db.models.claims import Span


class Article(SQLModel, table=True):
    __tablename__ = "articles"

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(sa_column=Column(String(120), unique=True, nullable=False))
    title: str = Field(max_length=300)
    author: str | None = Field(default=None, max_length=200)  # the byline
    publisher: str | None = Field(default=None, max_length=200)
    source_url: str | None = Field(default=None, max_length=2000)
    published_on: date | None = None
    # The text of the latest version (a copy of ArticleVersion.text, which keeps every version).
    text: str = Field(sa_column=Column(Text, nullable=False))
    current_version: int = 1  # the number of the latest version
    # Reviewers see others' verdicts on a claim only after submitting their own.
    blind_review: bool = True
    created_by_id: int | None = Field(default=None, foreign_key="users.id")
    created_at: datetime = Field(default_factory=utcnow, sa_column=_timestamp())

    spans: list["Span"] = Relationship(back_populates="article")
    created_by: User | None = Relationship()


class ArticleVersion(SQLModel, table=True):
    """One text an article has had: version 1 is the text it was added with; later ones came
    from pasted text, a file or its web page. Never changed or removed."""

    __tablename__ = "article_versions"
    __table_args__ = (UniqueConstraint("article_id", "number", name="uq_article_version_number"),)

    id: int | None = Field(default=None, primary_key=True)
    article_id: int = Field(foreign_key="articles.id", index=True)
    number: int
    text: str = Field(sa_column=Column(Text, nullable=False))
    origin: str = Field(default="created", max_length=20)  # created, pasted, file, web
    source: str | None = Field(default=None, max_length=2000)  # the file name or web address
    created_by_id: int | None = Field(default=None, foreign_key="users.id")
    created_at: datetime = Field(default_factory=utcnow, sa_column=_timestamp())

    created_by: User | None = Relationship()


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

    id: int | None = Field(default=None, primary_key=True)
    article_id: int
    revision: int
    kind: str = Field(max_length=20)
    span_id: int | None = None
    annotation_id: int | None = None
    private_to: int | None = None
    actor_id: int | None = None  # who made the change, when one user did (their own page shows it already)


class Suggestion(SQLModel, table=True):
    """A sentence of one article version, scored for check-worthiness (a suggested claim).

    Every sentence is stored, whatever its score: the page lists those at or above the display
    threshold, so the threshold can change without scoring again. ``features`` holds the default
    scorer's features that fired, as [key, weight] pairs (empty for a plug-in scorer).
    """

    __tablename__ = "suggestions"
    __table_args__ = (Index("ix_suggestions_article_version", "article_id", "version", "start"),)

    id: int | None = Field(default=None, primary_key=True)
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

    id: int | None = Field(default=None, primary_key=True)
    article_id: int = Field(foreign_key="articles.id")
    quote_hash: str = Field(sa_column=Column(String(64), nullable=False))
    quote: str = Field(sa_column=Column(Text, nullable=False))
    dismissed_by_id: int = Field(foreign_key="users.id")
    dismissed_at: datetime = Field(default_factory=utcnow, sa_column=_timestamp())
    restored_by_id: int | None = Field(default=None, foreign_key="users.id")
    restored_at: datetime | None = Field(default=None, sa_column=_timestamp(nullable=True))

    dismissed_by: User = Relationship(sa_relationship_kwargs={"foreign_keys": "SuggestionDismissal.dismissed_by_id"})
