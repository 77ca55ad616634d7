"""What the API writes: rows made into the response models of ``schemas`` (or, for annotations, into
the W3C JSON-LD of the export's own writer)."""

from __future__ import annotations

from typing import Any

from flask import request, url_for

from annotator.api import schemas
from annotator.db.models import Annotation, Article, ArticleVersion, FinalVerdict
from annotator.domain import verdicts
from annotator.domain.claim_record import ORGANIZATION
from annotator.extensions import db
from annotator.formats import exports
from annotator.services import versioning
from annotator.services.exports import Addresses, article_iri
from annotator.services.spans import SpanSummary


def link(endpoint: str, **values: Any) -> str:
    return url_for(endpoint, _external=True, **values)


def article_json(article: Article) -> schemas.Article:
    """The article without its text."""
    assert article.id is not None  # a stored article
    return schemas.Article(
        id=article.id,
        title=article.title,
        author=article.author,
        publisher=article.publisher,
        source_url=article.source_url,
        published_on=article.published_on.isoformat() if article.published_on else None,
        created_at=exports.iso(article.created_at),
        blind_review=article.blind_review,
        links=schemas.ArticleLinks(
            self=link("api.article", article_id=article.id),
            html=link("articles.show", article_id=article.id),
            annotations=link("api.article_annotations", article_id=article.id),
            claims=link("api.article_claims", article_id=article.id),
        ),
    )


def version_fields(article: Article, version: ArticleVersion) -> dict[str, Any]:
    return {
        "number": version.number,
        "created_at": exports.iso(version.created_at),
        "origin": version.origin,
        "source": version.source,
        "text_length": len(version.text),
        "current": version.number == article.current_version,
        "links": schemas.VersionLinks(
            self=link("api.article_version", article_id=article.id, number=version.number),
            html=link("articles.show", article_id=article.id, version=version.number),
        ),
    }


def article_detail(article: Article, article_fields: schemas.Article) -> schemas.ArticleDetail:
    """The article with its text and its versions, oldest first (each version's text is at its own address)."""
    versions = [
        schemas.ArticleVersion(**version_fields(article, v))
        for v in versioning.versions_of(session=db.session(), article=article)
    ]
    return schemas.ArticleDetail(**dict(article_fields), text=article.text, versions=versions)


def version_detail(article: Article, version: ArticleVersion) -> schemas.ArticleVersionText:
    return schemas.ArticleVersionText(**version_fields(article, version), text=version.text)


def annotation_record(annotation: Annotation) -> exports.AnnotationRecord:
    span = annotation.span
    assert annotation.id is not None  # a stored row
    return exports.AnnotationRecord(
        id=annotation.id,
        iri=link("annotations.show", annotation_id=annotation.id),
        creator_name=annotation.user.display_name,
        creator_username=annotation.user.username,
        created=annotation.created_at,
        modified=annotation.updated_at,
        verdict=annotation.verdict,
        note=annotation.note,
        start=None if span.orphaned else span.start,
        end=None if span.orphaned else span.end,
        quote=span.quote,
        prefix=span.prefix,
        suffix=span.suffix,
        sources=tuple(exports.SourceRecord(s.url, s.title, s.excerpt) for s in annotation.sources),
    )


def annotation_json(annotation: Annotation) -> dict[str, Any]:
    """One annotation as the W3C export writes it, with its own @context, plus ``status`` and ``version``
    (members of this API outside the W3C vocabulary) and its API address in ``links`` (``schemas.Annotation``)."""
    article = annotation.span.article
    item = exports.w3c_annotation(
        annotation_record(annotation), target_source=article_iri(article, Addresses.under(request.url_root))
    )
    return {
        "@context": exports.W3C_CONTEXT,
        **item,
        "status": annotation.status,
        "version": annotation.version,
        "links": {
            "self": link("api.annotation", annotation_id=annotation.id),
            "article": link("api.article", article_id=article.id),
        },
    }


def final_json(final: FinalVerdict | None) -> schemas.FinalVerdict | None:
    if final is None:
        return None
    return schemas.FinalVerdict(
        verdict=final.verdict,
        label=verdicts.label(final.verdict),
        rationale=final.rationale,
        cited_sources=[
            schemas.CitedSource(url=c["url"], title=c.get("title", ""), excerpt=c.get("excerpt", ""))
            for c in final.cited_sources
        ],
        settled_at=exports.iso(final.created_at),
        updated_at=exports.iso(final.updated_at),
        on_record=schemas.ClaimOnRecord(
            summary=final.summary,
            claimant=schemas.Claimant(
                name=final.claimant,
                kind="organization" if final.claimant_kind == ORGANIZATION else "person",
                url=final.claimant_url,
            )
            if final.claimant
            else None,
            claim_date=final.claim_date.isoformat() if final.claim_date else None,
            first_appeared=final.first_appeared,
            tags=list(final.tags),
        ),
    )


def claim_json(article: Article, summary: SpanSummary, final: FinalVerdict | None) -> schemas.Claim:
    """One claim with its final verdict and the annotations the user knows of (a verdict hidden from them,
    or awaited by their draft, is null)."""
    return schemas.Claim(
        id=summary.id,
        start=None if summary.orphaned else summary.start,
        end=None if summary.orphaned else summary.end,
        quote=summary.quote,
        anchor=summary.state,
        final=final_json(final),
        annotations=[
            schemas.ClaimAnnotation(
                id=j.annotation_id,
                reviewer=j.reviewer,
                status=j.status,
                verdict=j.verdict or None,
                links=schemas.SelfLink(self=link("api.annotation", annotation_id=j.annotation_id)),
            )
            for j in summary.judgements
        ],
        links=schemas.HtmlLink(html=link("articles.show", article_id=article.id, span=summary.id)),
    )
