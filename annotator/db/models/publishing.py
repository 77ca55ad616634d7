"""Publishing: an article's fact-check as the public reads it, at ``/p/<slug>``.

What is public is a snapshot (``content``) that the lead's Publish makes from the chosen settled
claims (``services.publishing``): a later change to a ruling goes public only when the lead
publishes again, so nothing reaches readers by accident. Unpublishing keeps the row (and its
claims' numbers) but takes the pages down; corrections are dated notes kept in the snapshot and in
each published claim's history.
"""

from datetime import datetime

from sqlalchemy import JSON, Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from annotator.db.models.base import _timestamp, utcnow


class Publication(SQLModel, table=True):
    """An article's published fact-check: one per article, found by its slug."""

    __tablename__ = "publications"

    id: int | None = Field(default=None, primary_key=True)
    article_id: int = Field(foreign_key="articles.id", unique=True)
    slug: str = Field(max_length=120, unique=True)  # the article's slug when first published: addresses last
    live: bool = False  # False once unpublished: every public address answers 404
    canonical_url: str = Field(default="", max_length=2000)  # the desk's own page (its CMS), when given
    first_published_at: datetime = Field(default_factory=utcnow, sa_column=_timestamp())
    updated_at: datetime = Field(default_factory=utcnow, sa_column=_timestamp())  # the last publish or correction
    published_by: int = Field(foreign_key="users.id")
    # What the public pages show, built from whitelisted fields only (services.publishing.snapshot):
    # the article's title and claim paragraphs, each published claim's ruling and record, corrections.
    content: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    etag: str = Field(default="", max_length=64)  # a digest of content: the pages' strong ETag


class PublishedClaim(SQLModel, table=True):
    """A settled claim chosen for publication, and its number on the public pages (/claims/<n>).
    Numbers are given once, in text order at first, and never reused."""

    __tablename__ = "published_claims"
    __table_args__ = (UniqueConstraint("publication_id", "number"), UniqueConstraint("publication_id", "span_id"))

    id: int | None = Field(default=None, primary_key=True)
    publication_id: int = Field(foreign_key="publications.id", index=True)
    span_id: int = Field(foreign_key="spans.id")
    number: int
    public: bool = True  # False: no longer chosen (its number stays taken)
    first_published_at: datetime = Field(default_factory=utcnow, sa_column=_timestamp())  # its ClaimReview's date
