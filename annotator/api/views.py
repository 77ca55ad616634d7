"""The JSON API, ``/api/v1/``: articles, annotations as W3C Web Annotations, claims with final verdicts.

Requests authenticate with a personal API token (``Authorization: Bearer fca_…``; see
``tokens``) and only with it: the API ignores session cookies, so a page of another site
can never make a signed-in browser write through it, and needs no CSRF token. The token's
user has the same rights as in the app, through the same service functions (``spans``), the
annotation form's rules (``schemas.AnnotationContent``) and the same visibility rules (drafts,
blind review). Every error is RFC 9457 ``application/problem+json`` (``problems``). Each view
declares its models with ``@operation``, from which ``openapi`` generates the OpenAPI document.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

from flask import Blueprint, Response, abort, g, request, stream_with_context, url_for
from pydantic import BaseModel
from sqlalchemy import func
from sqlmodel import Session, col, select
from werkzeug.exceptions import HTTPException

from annotator.api import openapi, parameters, schemas
from annotator.api.openapi import JSON, W3C_JSON, Reply, operation
from annotator.api.problems import error_problem, fail, is_api_request, unauthorized
from annotator.api.reading import (
    api_user,
    etag,
    get_or_404,
    if_match_version,
    json_body,
    query,
    read_annotation,
    stale,
)
from annotator.api.representations import (
    annotation_json,
    article_detail,
    article_json,
    claim_json,
    version_detail,
)
from annotator.db.models import Annotation, Article, FinalVerdict, Span
from annotator.extensions import csrf, db
from annotator.formats import exports
from annotator.services import annotations as annotation_service
from annotator.services import spans, tokens, versioning, visibility
from annotator.services.exports import Addresses, article_iri, in_pieces, records

bp = Blueprint("api", __name__, url_prefix=openapi.PREFIX)
csrf.exempt(bp)

__all__ = ["bp", "error_problem", "is_api_request"]  # the app factory turns non-API errors of /api/ into problems
W3C_MEDIA_TYPE = 'application/ld+json; profile="http://www.w3.org/ns/anno.jsonld"'
SETTLED_DETAIL = "A lead has settled this claim; its annotations can no longer be changed."
PUBLIC_ENDPOINTS = {"api.openapi_document"}


@bp.errorhandler(HTTPException)
def _http_error(error: HTTPException) -> Response:
    """abort(404) and the like in an API view (``fail`` raises its problem response as it is)."""
    return error_problem(error.code or 500, error)


@bp.before_request
def _authenticate() -> None:
    """Every API request but the OpenAPI document's carries a personal API token; cookies count for nothing."""
    if request.endpoint in PUBLIC_ENDPOINTS:
        return
    scheme, _, token = request.headers.get("Authorization", "").strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        unauthorized(
            "This API takes a personal API token: send Authorization: Bearer <token>. "
            "Make one on your settings page (/settings/tokens) or with `flask create-token`."
        )
    user = tokens.authenticate(session=db.session(), token=token.strip())
    if user is None:
        unauthorized("The API token is unknown, revoked, or belongs to an account that cannot sign in.", invalid=True)
    g.api_user = user


# --- Answers ------------------------------------------------------------------------------------------


def json_response(
    document: BaseModel | dict[str, Any], status: int = 200, headers: dict[str, str] | None = None
) -> Response:
    if isinstance(document, BaseModel):
        document = document.model_dump(mode="json", by_alias=True)
    return Response(json.dumps(document, ensure_ascii=False), status=status, mimetype=JSON, headers=headers or {})


def annotation_response(annotation: Annotation, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    response = Response(
        json.dumps(annotation_json(annotation), ensure_ascii=False),
        status=status,
        mimetype=W3C_JSON,
        headers=headers or {},
    )
    response.headers["Content-Type"] = W3C_MEDIA_TYPE
    response.headers["ETag"] = etag(annotation)
    return response


ANNOTATION = Reply("The annotation.", schemas.Annotation, W3C_JSON, ("ETag",))


# --- Endpoints ----------------------------------------------------------------------------------------


@bp.get("/openapi.json")
@operation("getOpenAPI", {200: Reply("The OpenAPI 3.1 document.", schema={"type": "object"})}, public=True)
def openapi_document() -> Response:
    """This document (no token needed)."""
    return json_response(openapi.document())


@bp.get("/articles")
@operation(
    "listArticles",
    {200: Reply("One page of articles; Link has first, last, next and prev.", schemas.ArticlePage, headers=("Link",))},
    query=parameters.ArticlePageQuery,
    errors=(400,),
)
def articles() -> Response:
    """Articles, oldest first, a page at a time."""
    wanted = query(parameters.ArticlePageQuery)
    page, per_page = wanted.page, wanted.per_page
    session = db.session()
    total = session.exec(select(func.count()).select_from(Article)).one()
    rows = session.exec(select(Article).order_by(col(Article.id)).offset((page - 1) * per_page).limit(per_page)).all()
    pages = max(1, -(-total // per_page))

    def link(number: int) -> str:
        return url_for("api.articles", page=number, per_page=per_page, _external=True)

    links = schemas.PageLinks(
        self=link(page),
        first=link(1),
        last=link(pages),
        next=link(page + 1) if page < pages else None,
        prev=link(min(page - 1, pages)) if page > 1 else None,
    )
    link_header = ", ".join(f'<{url}>; rel="{rel}"' for rel, url in links if url and rel != "self")
    return json_response(
        schemas.ArticlePage(
            items=[article_json(a) for a in rows], page=page, per_page=per_page, total=total, pages=pages, links=links
        ),
        headers={"Link": link_header},
    )


@bp.get("/articles/<int:article_id>")
@operation("getArticle", {200: Reply("The article.", schemas.ArticleDetail)}, path=parameters.ArticlePath)
def article(article_id: int) -> Response:
    """One article with its text and versions."""
    found = get_or_404(Article, article_id)
    return json_response(article_detail(found, article_json(found)))


@bp.get("/articles/<int:article_id>/versions/<int:number>")
@operation("getArticleVersion", {200: Reply("The version.", schemas.ArticleVersionText)}, path=parameters.VersionPath)
def article_version(article_id: int, number: int) -> Response:
    """One version of the article, with its text."""
    found = get_or_404(Article, article_id)
    version = versioning.version_of(session=db.session(), article=found, number=number)
    if version is None:
        abort(404)
    return json_response(version_detail(found, version))


@bp.get("/articles/<int:article_id>/annotations")
@operation(
    "listAnnotations",
    {200: Reply("The collection, every item on its first page.", schemas.AnnotationCollection, W3C_JSON)},
    path=parameters.ArticlePath,
    description="Your own (drafts too); others' submitted ones as blind review "
    "allows (a lead sees every submitted one).",
)
def article_annotations(article_id: int) -> Response:
    """The article's annotations you may read, as a W3C AnnotationCollection (streamed)."""
    found = get_or_404(Article, article_id)
    viewer, engine = api_user(), db.engine()
    collection_id = url_for("api.article_annotations", article_id=found.id, _external=True)
    addresses = Addresses.under(request.url_root)

    def chunks() -> Iterator[str]:
        # A session of its own: the request's is closed when the view returns, before the body is sent.
        with Session(engine, expire_on_commit=False) as session:
            streamed = session.get(Article, found.id)
            assert streamed is not None
            yield from in_pieces(
                exports.w3c_collection_json(
                    records(session, streamed, viewer, addresses),
                    collection_id=collection_id,
                    label=f"Fact-check annotations on “{streamed.title}”",
                    target_source=article_iri(streamed, addresses),
                )
            )

    response = Response(stream_with_context(chunks()), mimetype=W3C_JSON)
    response.headers["Content-Type"] = W3C_MEDIA_TYPE
    return response


@bp.post("/articles/<int:article_id>/annotations")
@operation(
    "createAnnotation",
    {201: Reply("Created (a draft unless submit=true).", schemas.Annotation, W3C_JSON, ("Location", "ETag"))},
    path=parameters.ArticlePath,
    query=parameters.CreateQuery,
    body=schemas.AnnotationInput,
    errors=(400, 409, 413, 415, 422),
)
def create_annotation(article_id: int) -> Response:
    """Annotate words of the article: a draft, or submitted with submit=true."""
    found = get_or_404(Article, article_id)
    wanted = query(parameters.CreateQuery)
    if wanted.article_version is not None and wanted.article_version != found.current_version:
        fail(
            409,
            f"The article is at version {found.current_version} now; anchor on its text and retry.",
            kind="text-changed",
        )
    target, content = read_annotation(json_body(), found)
    session, user = db.session(), api_user()
    span = spans.find_span(session=session, article_id=found.id, start=target.start, end=target.end)
    existing = spans.own_annotation(session=session, span=span, user=user)
    if existing is not None:
        location = url_for("api.annotation", annotation_id=existing.id, _external=True)
        fail(
            409,
            f"You already annotated these words (annotation {existing.id}): PUT to {location} to change it.",
            kind="already-annotated",
            headers={"Location": location},
        )
    try:
        annotation = annotation_service.save_annotation(
            session=session,
            user=user,
            article=found,
            target=target,
            verdict=content.verdict,
            note=content.note,
            sources=content.source_rows(),
            submit=wanted.submit,
        )
    except annotation_service.Locked:
        session.rollback()
        fail(409, SETTLED_DETAIL, kind="settled")
    except annotation_service.TextChanged:
        session.rollback()
        fail(
            409,
            "A new version of the article arrived while this was sent; anchor on its text and retry.",
            kind="text-changed",
        )
    location = url_for("api.annotation", annotation_id=annotation.id, _external=True)
    return annotation_response(annotation, 201, headers={"Location": location})


def load_annotation(annotation_id: int, *, write: bool) -> Annotation:
    """An annotation the token's user may know of (404 otherwise); for ``write``, one of their own (403)."""
    annotation: Annotation = get_or_404(Annotation, annotation_id)
    user = api_user()
    if annotation.deleted_at is not None or not visibility.is_listed(
        user, author_id=annotation.user_id, status=annotation.status
    ):
        abort(404)
    if write and not annotation.is_owned_by(user):
        fail(403, "Only its author can change an annotation.", kind="forbidden")
    return annotation


@bp.get("/annotations/<int:annotation_id>")
@operation("getAnnotation", {200: ANNOTATION}, path=parameters.AnnotationPath, errors=(403,))
def annotation(annotation_id: int) -> Response:
    """One annotation, with its ETag."""
    found = load_annotation(annotation_id, write=False)
    if not visibility.may_read(session=db.session(), annotation=found, viewer=api_user()):
        detail = (
            "A draft is seen by its author only."
            if found.status == "draft"
            else "Blind review: submit your own annotation on this claim to see the others'."
        )
        fail(403, detail, kind="hidden-by-blind-review" if found.status != "draft" else "forbidden")
    return annotation_response(found)


@bp.put("/annotations/<int:annotation_id>")
@operation(
    "updateAnnotation",
    {200: Reply("The annotation as saved.", schemas.Annotation, W3C_JSON, ("ETag",))},
    path=parameters.AnnotationPath,
    headers=parameters.IfMatch,
    query=parameters.SubmitQuery,
    body=schemas.AnnotationUpdate,
    errors=(400, 403, 409, 413, 415, 422, 428),
)
def update_annotation(annotation_id: int) -> Response:
    """Replace your annotation's verdict, note and sources (If-Match required); submit=true submits it too."""
    found = load_annotation(annotation_id, write=True)
    version = if_match_version(found, required=True)
    submit = query(parameters.SubmitQuery).submit
    _, content = read_annotation(json_body(), found.span.article, span=found.span)
    return change(
        found,
        annotation_service.update_annotation,
        verdict=content.verdict,
        note=content.note,
        sources=content.source_rows(),
        expected_version=version,
        submit=submit,
    )


@bp.delete("/annotations/<int:annotation_id>")
@operation(
    "deleteAnnotation",
    {204: Reply("Deleted.")},
    path=parameters.AnnotationPath,
    headers=parameters.IfMatch,
    errors=(403, 409, 428),
)
def delete_annotation(annotation_id: int) -> Response:
    """Delete your annotation (hidden; a lead can restore it), If-Match required."""
    found = load_annotation(annotation_id, write=True)
    version = if_match_version(found, required=True)
    change(found, annotation_service.delete_annotation, expected_version=version)
    return Response(status=204)


@bp.post("/annotations/<int:annotation_id>/submit")
@operation(
    "submitAnnotation",
    {200: Reply("The annotation, submitted.", schemas.Annotation, W3C_JSON, ("ETag",))},
    path=parameters.AnnotationPath,
    headers=parameters.OptionalIfMatch,
    errors=(403, 409, 422),
)
def submit_annotation(annotation_id: int) -> Response:
    """Submit your draft or returned annotation (If-Match optional)."""
    found = load_annotation(annotation_id, write=True)
    version = if_match_version(found, required=False)
    return change(found, annotation_service.submit_annotation, expected_version=version)


def change(annotation: Annotation, action: Callable[..., Any], **kwargs: Any) -> Response:
    """Run a reviewer's action on their annotation: 409 when settled or changed in the meantime."""
    session = db.session()
    try:
        action(session=session, annotation=annotation, user=api_user(), **kwargs)
    except annotation_service.Locked:
        session.rollback()
        fail(409, SETTLED_DETAIL, kind="settled")
    except annotation_service.StaleEdit as error:
        session.rollback()
        stale(error.current)
    except annotation_service.NoVerdict as refused:
        session.rollback()
        fail(422, refused.message, kind="no-verdict", errors=[{"field": "body.verdict", "detail": refused.message}])
    return annotation_response(annotation)


@bp.get("/articles/<int:article_id>/claims")
@operation(
    "listClaims",
    {200: Reply("The claims.", schemas.ClaimList)},
    path=parameters.ArticlePath,
    description="Every claim with an annotation you may know of, or with a final verdict, in text order; "
    "final is null until a lead settles the claim.",
)
def article_claims(article_id: int) -> Response:
    """The article's claims you know of, with their final verdicts."""
    found = get_or_404(Article, article_id)
    session = db.session()
    summaries = spans.span_summaries(session=session, article=found, viewer=api_user())
    finals = {
        f.span_id: f
        for f in session.exec(
            select(FinalVerdict)
            .join(Span, col(Span.id) == col(FinalVerdict.span_id))
            .where(Span.article_id == found.id)
        )
    }
    claims = [claim_json(found, summary, finals.get(summary.id)) for summary in summaries]
    return json_response(schemas.ClaimList(article=found.id, items=claims, total=len(claims)))
