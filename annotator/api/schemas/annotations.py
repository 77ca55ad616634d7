"""The bodies of the annotation operations: W3C annotations as the API writes them, and what a POST or PUT may say."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    model_validator,
)
from pydantic.json_schema import SkipJsonSchema
from pydantic_core import InitErrorDetails

from annotator.api.fields import (
    ADDRESS_MISSING,
    AtMost,
    CheckedVerdict,
    DateTime,
    LinkedAddress,
    NoteText,
    Quote,
    SourceAddress,
    SourceExcerpt,
    SourceTitle,
    Status,
    Url,
    VerdictName,
    line_errors,
    raise_all,
    rule_error,
)
from annotator.domain.text import canonicalize_fragment
from annotator.formats.exports import W3C_CONTEXT
from annotator.services.content import MAX_SOURCES

W3CContext = Literal["http://www.w3.org/ns/anno.jsonld"]
assert W3C_CONTEXT == "http://www.w3.org/ns/anno.jsonld"

# --- W3C annotations ---------------------------------------------------------------------------------------


class TextQuoteSelector(BaseModel):
    type: Literal["TextQuoteSelector"]
    exact: Quote = Field(description="The quoted words, exactly as in the article.")
    prefix: str = Field("", description="Words just before them (up to 32 code points), to single them out.")
    suffix: str = Field("", description="Words just after them (up to 32 code points).")


class TextPositionSelector(BaseModel):
    type: Literal["TextPositionSelector"]
    start: int = Field(ge=0, description="Where the words start, in Unicode code points of the article's text.")
    end: int = Field(ge=0, description="Where they end (exclusive); the quote must be the text between.")


class Target(BaseModel):
    source: str | SkipJsonSchema[None] = Field(None, description="The article's address (ignored on input).")
    selector: list[TextQuoteSelector | TextPositionSelector] = Field(min_length=1, max_length=2)


class VerdictBody(BaseModel):
    """The verdict: its label or its key."""

    type: Literal["TextualBody"]
    purpose: Literal["assessing"]
    value: VerdictName
    format: str | SkipJsonSchema[None] = None


class NoteBody(BaseModel):
    """A note; several are joined with a blank line, and the note must stay under the same limit."""

    type: Literal["TextualBody"]
    purpose: Literal["commenting"]
    value: NoteText
    format: str | SkipJsonSchema[None] = None


class ExcerptSelector(BaseModel):
    type: Literal["TextQuoteSelector"]
    exact: SourceExcerpt = Field(description="The cited words of the source.")


class SourceBody(BaseModel):
    """A cited source: its http(s) address, title (label) and an excerpt."""

    type: Literal["SpecificResource"]
    purpose: Literal["linking"]
    source: LinkedAddress
    label: SourceTitle | SkipJsonSchema[None] = None
    selector: ExcerptSelector | SkipJsonSchema[None] = None


Body = VerdictBody | NoteBody | SourceBody


class Creator(BaseModel):
    type: Literal["Person"]
    name: str
    nickname: str = Field(description="The username.")


class W3CAnnotation(BaseModel):
    """A W3C Web Annotation as the export writes it. A draft with no verdict yet (a highlight imported without
    one) has no assessing body, and no body at all when it has no note or sources either."""

    id: Url = Field(description="Its address in the app.")
    type: Literal["Annotation"]
    motivation: Literal["assessing"]
    creator: Creator
    created: DateTime
    modified: DateTime
    body: Annotated[list[Body], Field(min_length=1)] | SkipJsonSchema[None] = None
    target: Target


class AnnotationLinks(BaseModel):
    self: Url = Field(description="This annotation in the API.")
    article: Url


class Annotation(W3CAnnotation):
    """One annotation, with this API's own members: ``status``, ``version`` and ``links``."""

    context: W3CContext = Field(alias="@context")
    status: Status
    version: int = Field(ge=1, description='Also the ETag; send it back as If-Match: "N".')
    links: AnnotationLinks


class AnnotationPage(BaseModel):
    id: str
    type: Literal["AnnotationPage"]
    startIndex: int
    items: list[W3CAnnotation]


class AnnotationCollection(BaseModel):
    """Every annotation you may read, on the collection's first page."""

    context: W3CContext = Field(alias="@context")
    id: Url
    type: Literal["AnnotationCollection"]
    label: str
    total: int = Field(ge=0)
    first: AnnotationPage


def _one(purpose: str, low: int, high: int) -> dict[str, Any]:
    return {
        "contains": {"type": "object", "required": ["purpose"], "properties": {"purpose": {"const": purpose}}},
        "minContains": low,
        "maxContains": high,
    }


def _counted(bodies: list[Body]) -> list[Body]:
    """One verdict, at most MAX_SOURCES sources (the W3C reader's and the form's messages)."""
    verdict_count = sum(isinstance(b, VerdictBody) for b in bodies)
    errors = []
    if verdict_count != 1:
        errors.append(
            "The annotation gives more than one verdict."
            if verdict_count
            else "The annotation has no verdict (a TextualBody with purpose “assessing”)."
        )
    if sum(isinstance(b, SourceBody) for b in bodies) > MAX_SOURCES:
        errors.append(f"Cite at most {MAX_SOURCES} sources.")
    raise_all([InitErrorDetails(type=rule_error(message), loc=(), input=bodies) for message in errors])
    return bodies


EXAMPLE_INPUT: dict[str, Any] = {  # the demo article's claim, as `make run` loads it
    "@context": W3C_CONTEXT,
    "type": "Annotation",
    "body": [
        {"type": "TextualBody", "purpose": "assessing", "value": "Mostly true"},
        {"type": "TextualBody", "purpose": "commenting", "value": "NATO's estimate; Russia publishes none."},
        {"type": "SpecificResource", "purpose": "linking", "source": "https://www.nato.int/", "label": "NATO briefing"},
    ],
    "target": {
        "selector": [
            {"type": "TextQuoteSelector", "exact": "more than 600,000 Russian soldiers have been killed or wounded"},
        ]
    },
}


class AnnotationInput(BaseModel):
    """A W3C Annotation as the export writes it (id, creator and times are ignored). One body with purpose
    assessing gives the verdict; commenting bodies the note; linking SpecificResources the sources (at most 20).
    The target's TextQuoteSelector must match its TextPositionSelector, or occur once in the article (a prefix
    and suffix may single it out)."""

    model_config = ConfigDict(json_schema_extra={"examples": [EXAMPLE_INPUT]})

    context: Any = Field(None, alias="@context")
    type: Literal["Annotation"] = "Annotation"
    motivation: str | SkipJsonSchema[None] = None
    body: Annotated[
        list[Body],
        Field(min_length=1, json_schema_extra={"allOf": [_one("assessing", 1, 1), _one("linking", 0, MAX_SOURCES)]}),
        AfterValidator(_counted),
    ]
    target: Target


class AnnotationUpdate(AnnotationInput):
    """As for a new annotation; the target may be left out (it cannot change)."""

    target: Target | SkipJsonSchema[None] = None  # type: ignore[assignment]


# --- What an annotation says, checked --------------------------------------------------------------------


class SourceIn(BaseModel):
    """One cited source, checked as the annotation form checks a source row; a row left empty is ignored."""

    url: SourceAddress = ""
    title: SourceTitle = ""
    excerpt: SourceExcerpt = ""

    @model_validator(mode="wrap")
    @classmethod
    def _address_given(cls, data: Any, handler: Any) -> SourceIn:
        """A title or an excerpt needs the source's address (said after the address's own faults)."""
        errors: list[InitErrorDetails] = []
        result = None
        try:
            result = handler(data)
        except ValidationError as error:
            errors = line_errors(error)
        if (
            isinstance(data, dict)
            and _blank(data.get("url"))
            and not (_blank(data.get("title")) and _blank(data.get("excerpt")))
        ):
            at = next((i for i, e in enumerate(errors) if e["loc"][:1] != ("url",)), len(errors))
            errors.insert(at, InitErrorDetails(type=rule_error(ADDRESS_MISSING), loc=("url",), input=data.get("url")))
        raise_all(errors, cls.__name__)
        assert result is not None
        return result

    def is_empty(self) -> bool:
        return not (self.url or self.title or self.excerpt)


def _blank(value: Any) -> bool:
    return not isinstance(value, str) or not canonicalize_fragment(value).strip()


class AnnotationContent(BaseModel):
    """What an annotation says, checked with the rules and messages of the app's annotation form."""

    verdict: CheckedVerdict
    note: NoteText = ""
    sources: Annotated[list[SourceIn], AtMost(MAX_SOURCES, f"Cite at most {MAX_SOURCES} sources.")] = []

    def source_rows(self) -> list[dict[str, str]]:
        """The sources given, in order, as the services take them (empty rows left out)."""
        return [source.model_dump() for source in self.sources if not source.is_empty()]
