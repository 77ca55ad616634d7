"""Export serialisers: W3C Web Annotation JSON-LD and CSV. Pure: no Flask, no database."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from annotator.domain import verdicts
from annotator.domain.claim_record import CLAIMANT_KINDS, ClaimRecord

W3C_CONTEXT = "http://www.w3.org/ns/anno.jsonld"


@dataclass(frozen=True)
class SourceRecord:
    url: str
    title: str = ""
    excerpt: str = ""


@dataclass(frozen=True)
class AnnotationRecord:
    """Everything an export says about one annotation."""

    id: int
    iri: str
    creator_name: str
    creator_username: str
    created: datetime
    modified: datetime
    verdict: str
    note: str
    start: int | None  # None: the words are not in the article's current text (an orphan)
    end: int | None
    quote: str
    prefix: str
    suffix: str
    sources: tuple[SourceRecord, ...] = field(default_factory=tuple)
    # Addresses of what a lead marked as the same claim: other claims here, other fact-checkers' reviews.
    related: tuple[str, ...] = ()


# The W3C property for "same claim as": Dublin Core's relation (the ``dcterms`` prefix is defined by
# the anno.jsonld context), one ``{"id": address}`` per related claim or review.
RELATED = "dcterms:relation"


def iso(moment: datetime) -> str:
    """ISO 8601 in UTC with a Z, to the second (an aware time in another zone is converted first)."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return moment.isoformat(timespec="seconds").replace("+00:00", "Z")


def w3c_annotation(record: AnnotationRecord, *, target_source: str) -> dict[str, Any]:
    """One annotation in the W3C Web Annotation model (without its own @context).

    A draft awaiting a verdict (verdict "") has no assessing body, and no ``body`` at all when it
    has no note or sources either (the model allows an annotation without one)."""
    body: list[dict[str, Any]] = []
    if record.verdict:
        body.append(
            {
                "type": "TextualBody",
                "purpose": "assessing",
                "value": verdicts.label(record.verdict),
                "format": "text/plain",
            }
        )
    if record.note:
        body.append({"type": "TextualBody", "purpose": "commenting", "value": record.note, "format": "text/plain"})
    for source in record.sources:
        linked: dict[str, Any] = {"type": "SpecificResource", "purpose": "linking", "source": source.url}
        if source.title:
            linked["label"] = source.title
        if source.excerpt:
            # The quoted excerpt selects the cited words within the source document.
            linked["selector"] = {"type": "TextQuoteSelector", "exact": source.excerpt}
        body.append(linked)
    selectors: list[dict[str, Any]] = [
        {"type": "TextQuoteSelector", "exact": record.quote, "prefix": record.prefix, "suffix": record.suffix}
    ]
    if record.start is not None:
        selectors.append({"type": "TextPositionSelector", "start": record.start, "end": record.end})
    annotation: dict[str, Any] = {
        "id": record.iri,
        "type": "Annotation",
        "motivation": "assessing",
        "creator": {"type": "Person", "name": record.creator_name, "nickname": record.creator_username},
        "created": iso(record.created),
        "modified": iso(record.modified),
        **({"body": body} if body else {}),
        "target": {"source": target_source, "selector": selectors},
    }
    if record.related:
        annotation[RELATED] = [{"id": address} for address in record.related]
    return annotation


def w3c_collection_json(
    records: Iterable[AnnotationRecord], *, collection_id: str, label: str, target_source: str
) -> Iterator[str]:
    """An AnnotationCollection as JSON text, streamed one annotation per chunk.

    Its first (and only) page embeds every annotation, one per line. ``total`` comes
    last, once the items are counted: key order means nothing in JSON(-LD), and
    counting first would mean reading every row twice.
    """
    head = json.dumps(
        {"@context": W3C_CONTEXT, "id": collection_id, "type": "AnnotationCollection", "label": label},
        ensure_ascii=False,
        indent=2,
    )
    page = json.dumps({"id": f"{collection_id}#page1", "type": "AnnotationPage", "startIndex": 0}, ensure_ascii=False)
    yield f'{head[:-2]},\n  "first": {page[:-1]}, "items": ['
    total = 0
    for record in records:
        item = json.dumps(w3c_annotation(record, target_source=target_source), ensure_ascii=False)
        yield f"{',' if total else ''}\n    {item}"
        total += 1
    yield f'\n  ]}},\n  "total": {total}\n}}\n'


CSV_HEADER = (
    "annotation_id",
    "start",
    "end",
    "quote",
    "reviewer",
    "username",
    "verdict",
    "verdict_label",
    "note",
    "source_count",
    "sources",
    "created",
    "modified",
)
_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: object) -> str:
    """A CSV cell that a spreadsheet will not run as a formula."""
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_PREFIXES) else text


def csv_lines(records: Iterable[AnnotationRecord]) -> Iterator[str]:
    """The annotations as CSV, one encoded line at a time (header first)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def line(values: Iterable[object]) -> str:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow(values)
        return buffer.getvalue()

    yield line(CSV_HEADER)
    for r in records:
        sources = "\n".join(f"{s.url} {s.title}".strip() for s in r.sources)
        yield line(
            [
                r.id,
                r.start,
                r.end,
                csv_cell(r.quote),
                csv_cell(r.creator_name),
                csv_cell(r.creator_username),
                r.verdict,
                verdicts.label(r.verdict) if r.verdict else "",  # both cells empty for a draft awaiting a verdict
                csv_cell(r.note),
                len(r.sources),
                csv_cell(sources),
                iso(r.created),
                iso(r.modified),
            ]
        )


SCHEMA_CONTEXT = "https://schema.org"


@dataclass(frozen=True)
class FinalVerdictRecord:
    """Everything a ClaimReview says about one settled claim."""

    url: str  # the claim's address in this app
    quote: str
    verdict: str
    rationale: str
    settled: datetime
    modified: datetime
    cited: tuple[SourceRecord, ...] = field(default_factory=tuple)
    same_as: tuple[str, ...] = ()  # other settled claims here, or other fact-checkers' reviews, of the same claim
    record: ClaimRecord = ClaimRecord()  # the claim on record: claimant, claim date, first appearance, ...


def claim_review(
    record: FinalVerdictRecord,
    *,
    organisation: str,
    article_url: str,
    publisher: str | None = None,
    article_date: str | None = None,
    organisation_url: str = "",
) -> dict[str, Any]:
    """One schema.org ClaimReview (with its own @context) for a settled claim.

    The rating comes from the desk's scale: its ratingValue, bestRating and worstRating,
    with the verdict's label as alternateName; a rating without a ratingValue (Unverifiable,
    by default) has its alternateName only. The claim on record gives the claim's author (the
    claimant; otherwise the article's publisher), date and first appearance, the claim as a
    reader would search for it (otherwise the quote) and the keywords.
    """
    verdict = verdicts.get(record.verdict)
    rating: dict[str, Any] = {"@type": "Rating", "alternateName": verdicts.label(record.verdict)}
    if verdict is not None and verdict.rating is not None:
        rating.update(ratingValue=verdict.rating, bestRating=verdicts.BEST_RATING, worstRating=verdicts.WORST_RATING)
    appearance: dict[str, Any] = {"@type": "CreativeWork", "url": article_url}
    if article_date:
        appearance["datePublished"] = article_date
    claim: dict[str, Any] = {"@type": "Claim", "appearance": [appearance]}
    on_record = record.record
    if on_record.claimant:
        claim["author"] = {"@type": CLAIMANT_KINDS[on_record.claimant_kind], "name": on_record.claimant}
        if on_record.claimant_url:
            claim["author"]["url"] = on_record.claimant_url
    elif publisher:
        claim["author"] = {"@type": "Organization", "name": publisher}
    if on_record.claim_date:
        claim["datePublished"] = on_record.claim_date.isoformat()
    if on_record.first_appeared:
        claim["firstAppearance"] = {"@type": "CreativeWork", "url": on_record.first_appeared}
    if record.same_as:
        # The claim reviewed is the same claim as these: schema.org's sameAs on the Claim.
        claim["sameAs"] = list(record.same_as)
    review: dict[str, Any] = {
        "@context": SCHEMA_CONTEXT,
        "@type": "ClaimReview",
        "url": record.url,
        "claimReviewed": on_record.summary or record.quote,
        "reviewRating": rating,
        "itemReviewed": claim,
        "author": {
            "@type": "Organization",
            "name": organisation,
            **({"url": organisation_url} if organisation_url else {}),
        },
        "datePublished": record.settled.date().isoformat(),
        "dateModified": iso(record.modified),
        "reviewBody": record.rationale,
    }
    if on_record.tags:
        review["keywords"] = ", ".join(on_record.tags)
    if record.cited:
        review["citation"] = [
            {"@type": "CreativeWork", "url": s.url, **({"name": s.title} if s.title else {})} for s in record.cited
        ]
    return review


def csv_text(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """A CSV document; text cells are escaped so that a spreadsheet never runs them as formulas.

    Numbers are written as numbers (a negative alpha must stay a number), None as an empty cell.
    Header cells are escaped too: some headers are user names.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in (header, *rows):
        writer.writerow(["" if v is None else csv_cell(v) if isinstance(v, str) else v for v in row])
    return buffer.getvalue()
