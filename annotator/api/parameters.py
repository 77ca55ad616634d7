"""The API's path, query and header parameters as pydantic models: the OpenAPI document describes each
parameter from them, and the views read the query through them (``reading.query``) with the rules and
messages of ``fields`` (a fault is a 400 ``bad-query`` problem naming the parameter)."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, Field
from pydantic.json_schema import SkipJsonSchema

from annotator.api.fields import Flag, VersionNumber, whole_number
from annotator.db.models import MAX_ID

DEFAULT_PER_PAGE, MAX_PER_PAGE = 20, 100


class ArticlePath(BaseModel):
    article_id: int = Field(ge=1, description="The article's id.", examples=[1])


class VersionPath(ArticlePath):
    number: int = Field(
        ge=1, description="The version's number (1 is the text the article was added with).", examples=[1]
    )


class AnnotationPath(BaseModel):
    annotation_id: int = Field(ge=1, description="The annotation's id.", examples=[1])


class ArticlePageQuery(BaseModel):
    page: Annotated[int, whole_number(1, MAX_ID)] = Field(1, description="The page to read, from 1.")
    per_page: Annotated[int, whole_number(1, MAX_PER_PAGE)] = Field(DEFAULT_PER_PAGE, description="Articles on a page.")


class SubmitQuery(BaseModel):
    submit: Flag = Field(
        False,
        description="true: submit the annotation too (leads, and reviewers as blind review "
        "allows, see it); otherwise it stays a draft (or keeps its status, on "
        "an update).",
    )


class CreateQuery(SubmitQuery):
    article_version: VersionNumber | SkipJsonSchema[None] = Field(
        None,
        description="The article version whose text the target was anchored on (the `number` of its current "
        "version); 409 text-changed when a newer one has arrived since.",
    )


IF_MATCH = 'The ETag of the version you read ("N"), or *. A stale one answers 409.'


class IfMatch(BaseModel):
    if_match: str = Field(alias="If-Match", description=IF_MATCH)


class OptionalIfMatch(BaseModel):
    if_match: str | SkipJsonSchema[None] = Field(None, alias="If-Match", description=IF_MATCH)
