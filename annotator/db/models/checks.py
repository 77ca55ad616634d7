"""Checked before: other fact-checkers' reviews (imported ClaimReview) and the links a lead makes
between claims that are the same."""

from datetime import date, datetime

from sqlalchemy import Column, Index, String, Text
from sqlalchemy import text as sql_text
from sqlmodel import Field, SQLModel

from annotator.db.models.base import _timestamp, utcnow


class ExternalCheck(SQLModel, table=True):
    """A fact-check published elsewhere (a ClaimReview read by ``flask import-claimreview``),
    kept so that "Checked before" can find it. The review's URL identifies it: importing it
    again updates the row."""

    __tablename__ = "external_checks"

    id: int | None = Field(default=None, primary_key=True)
    url: str = Field(sa_column=Column(String(2000), unique=True, nullable=False))
    claim_reviewed: str = Field(sa_column=Column(Text, nullable=False))
    rating: str = Field(default="", max_length=200)  # reviewRating.alternateName (or its value)
    rating_value: float | None = None
    publisher: str = Field(default="", max_length=300)  # the review's author (or publisher) name
    published_on: date | None = None
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
        Index(
            "uq_claim_link_span",
            "span_id",
            "other_span_id",
            unique=True,
            sqlite_where=sql_text("removed_at IS NULL"),
            postgresql_where=sql_text("removed_at IS NULL"),
        ),
        Index(
            "uq_claim_link_external",
            "span_id",
            "external_check_id",
            unique=True,
            sqlite_where=sql_text("removed_at IS NULL"),
            postgresql_where=sql_text("removed_at IS NULL"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    span_id: int = Field(foreign_key="spans.id", index=True)
    other_span_id: int | None = Field(default=None, foreign_key="spans.id", index=True)
    external_check_id: int | None = Field(default=None, foreign_key="external_checks.id", index=True)
    created_by_id: int = Field(foreign_key="users.id")
    created_at: datetime = Field(default_factory=utcnow, sa_column=_timestamp())
    removed_by_id: int | None = Field(default=None, foreign_key="users.id")
    removed_at: datetime | None = Field(default=None, sa_column=_timestamp(nullable=True))

    @property
    def active(self) -> bool:
        return self.removed_at is None
