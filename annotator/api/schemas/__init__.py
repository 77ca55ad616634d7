"""The API's request and response bodies as pydantic models.

They are the one description of what ``/api/v1`` takes and gives: the OpenAPI document
(``annotator.api.openapi``) is generated from them, the views read queries and check what an
annotation says with them, and write articles, versions and claims through them. W3C annotations
are written by the export's own writer (``annotator.formats.exports``); ``Annotation`` and
``AnnotationCollection`` describe what it writes, and the API's tests hold the two together.
Field types with rules (lengths, verdicts, web addresses) are in ``fields``; parameters in ``parameters``.
The models live by operation in ``annotations`` and ``articles``; all are importable from here.
"""

from annotator.api.schemas.annotations import (
    EXAMPLE_INPUT,
    Annotation,
    AnnotationCollection,
    AnnotationContent,
    AnnotationInput,
    AnnotationLinks,
    AnnotationPage,
    AnnotationUpdate,
    Body,
    Creator,
    ExcerptSelector,
    NoteBody,
    SourceBody,
    SourceIn,
    Target,
    TextPositionSelector,
    TextQuoteSelector,
    VerdictBody,
    W3CAnnotation,
)
from annotator.api.schemas.articles import (
    Article,
    ArticleDetail,
    ArticleLinks,
    ArticlePage,
    ArticleVersion,
    ArticleVersionText,
    CitedSource,
    Claim,
    ClaimAnnotation,
    Claimant,
    ClaimList,
    ClaimOnRecord,
    FinalVerdict,
    HtmlLink,
    PageLinks,
    SelfLink,
    VersionLinks,
)

__all__ = [
    "Annotation",
    "AnnotationCollection",
    "AnnotationContent",
    "AnnotationInput",
    "AnnotationLinks",
    "AnnotationPage",
    "AnnotationUpdate",
    "Article",
    "ArticleDetail",
    "ArticleLinks",
    "ArticlePage",
    "ArticleVersion",
    "ArticleVersionText",
    "Body",
    "CitedSource",
    "ClaimOnRecord",
    "Claimant",
    "Claim",
    "ClaimAnnotation",
    "ClaimList",
    "Creator",
    "EXAMPLE_INPUT",
    "ExcerptSelector",
    "FinalVerdict",
    "HtmlLink",
    "NoteBody",
    "PageLinks",
    "SelfLink",
    "SourceBody",
    "SourceIn",
    "Target",
    "TextPositionSelector",
    "TextQuoteSelector",
    "VerdictBody",
    "VersionLinks",
    "W3CAnnotation",
]
