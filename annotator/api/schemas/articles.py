"""The bodies of the article, version and claim operations."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, Field

from annotator.api.fields import (
    DateTime,
    Day,
    Status,
    Url,
    VerdictKey,
    enum_of,
)
from annotator.api.parameters import MAX_PER_PAGE
from annotator.domain.reanchoring import STATES
from annotator.services.versioning import ORIGINS


class ArticleLinks(BaseModel):
    self: Url = Field(description="This article in the API.")
    html: Url = Field(description="Its page in the app.")
    annotations: Url
    claims: Url


class Article(BaseModel):
    id: int
    title: str
    author: str | None
    publisher: str | None
    source_url: str | None
    published_on: Day | None
    created_at: DateTime
    blind_review: bool = Field(description="Reviewers see others' verdicts on a claim only after submitting their own.")
    links: ArticleLinks


class VersionLinks(BaseModel):
    self: Url
    html: Url


class ArticleVersion(BaseModel):
    number: int = Field(ge=1)
    created_at: DateTime
    origin: Annotated[str, enum_of(list(ORIGINS))]
    source: str | None = Field(description="The file's name or the web address.")
    text_length: int = Field(ge=0, description="In Unicode code points.")
    current: bool = Field(description="The latest version, which annotations anchor on.")
    links: VersionLinks


class ArticleVersionText(ArticleVersion):
    text: str


class ArticleDetail(Article):
    text: str = Field(description="The canonical text (NFC, \\n line endings); offsets count its Unicode code points.")
    versions: list[ArticleVersion]


class PageLinks(BaseModel):
    self: Url
    first: Url
    last: Url
    next: Url | None
    prev: Url | None


class ArticlePage(BaseModel):
    """One page of articles, oldest first; the Link header has first, last, next and prev."""

    items: list[Article]
    page: int = Field(ge=1)
    per_page: int = Field(ge=1, le=MAX_PER_PAGE)
    total: int = Field(ge=0)
    pages: int = Field(ge=1)
    links: PageLinks


class CitedSource(BaseModel):
    url: str
    title: str
    excerpt: str


class Claimant(BaseModel):
    name: str
    kind: Literal["person", "organization"]
    url: str = Field(description="Empty when the lead gave none.")


class ClaimOnRecord(BaseModel):
    """What the lead recorded of the claim for its publication (each field empty when not given)."""

    summary: str = Field(description="The claim as a reader would search for it (at most 120 characters).")
    claimant: Claimant | None = Field(description="Who made the claim; null when not recorded.")
    claim_date: str | None = Field(description="When the claim was made (YYYY-MM-DD), or null.")
    first_appeared: str = Field(description="Where the claim first appeared (a URL).")
    tags: list[str]


class FinalVerdict(BaseModel):
    """A lead's ruling on the claim."""

    verdict: VerdictKey
    label: str
    rationale: str
    cited_sources: list[CitedSource]
    settled_at: DateTime
    updated_at: DateTime
    on_record: ClaimOnRecord


class SelfLink(BaseModel):
    self: Url


class ClaimAnnotation(BaseModel):
    id: int
    reviewer: str = Field(description="The reviewer's display name.")
    status: Status
    verdict: VerdictKey | None = Field(
        description="null when hidden from you (someone else's draft, or blind "
        "review), or when your draft has no verdict yet (a highlight "
        "imported without one)."
    )
    links: SelfLink


class HtmlLink(BaseModel):
    html: Url


class Claim(BaseModel):
    id: int
    start: Annotated[int, Field(ge=0)] | None
    end: Annotated[int, Field(ge=1)] | None
    quote: str
    anchor: Annotated[str, enum_of(STATES)] = Field(
        description="How the latest version placed the claim; an orphan's words are not in it (start and end are null)."
    )
    final: FinalVerdict | None = Field(description="null until a lead settles it.")
    annotations: list[ClaimAnnotation]
    links: HtmlLink


class ClaimList(BaseModel):
    """Every claim with an annotation you may know of, or with a final verdict, in text order."""

    article: int
    items: list[Claim]
    total: int = Field(ge=0)
