"""The SQLModel tables, by area (accounts, articles, claims, checks, publishing), all importable from here.

Nothing a user entered is removed by the app: a deleted annotation keeps its row with
``deleted_at`` set.
"""

from annotator.db.models.accounts import ApiToken, User
from annotator.db.models.articles import (
    Article,
    ArticleRevision,
    ArticleVersion,
    LiveChange,
    Suggestion,
    SuggestionDismissal,
)
from annotator.db.models.base import (
    DRAFT,
    MAX_ID,
    RETURNED,
    ROLES,
    STATUSES,
    SUBMITTED,
    UTCDateTime,
    utcnow,
)
from annotator.db.models.checks import ClaimLink, ExternalCheck
from annotator.db.models.claims import (
    ORPHANED,
    Annotation,
    Comment,
    Event,
    FinalVerdict,
    SearchDocument,
    Source,
    Span,
    SpanAnchor,
)
from annotator.db.models.publishing import Publication, PublishedClaim

__all__ = [
    "DRAFT",
    "MAX_ID",
    "ORPHANED",
    "RETURNED",
    "ROLES",
    "STATUSES",
    "SUBMITTED",
    "Annotation",
    "ApiToken",
    "Article",
    "ArticleRevision",
    "ArticleVersion",
    "ClaimLink",
    "Comment",
    "Event",
    "ExternalCheck",
    "FinalVerdict",
    "LiveChange",
    "Publication",
    "PublishedClaim",
    "SearchDocument",
    "Source",
    "Span",
    "SpanAnchor",
    "Suggestion",
    "SuggestionDismissal",
    "UTCDateTime",
    "User",
    "utcnow",
]
