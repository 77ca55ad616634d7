"""Hypothesis-made requests against every form, JSON body and query parameter: never a 500, and a rejected
request stores nothing.

Besides random text, the values include what no browser sends but anyone can (outside test finding 5): a file
part where a form asks for text, lone surrogates (sent as the bytes a careless encoder writes: CESU-8 in forms
and queries, a \\ud800 escape in JSON), dates at the ends of the calendar and integers too large for any column.
"""

import io
import json

from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import func
from sqlmodel import select

from annotator.db.models import (
    Annotation,
    ApiToken,
    Article,
    ClaimLink,
    Comment,
    Event,
    ExternalCheck,
    FinalVerdict,
    Source,
    Span,
    User,
)
from annotator.extensions import db
from tests.fixtures.api_helpers import bearer, w3c
from tests.fixtures.app import CLAIM, annotation_data, csrf_token, login, post_annotation
from tests.fixtures.nasty import (
    AWKWARD,
    AWKWARD_JSON,
    CLAIM_REVIEW,
    QUERIES,
    W3C_ITEM,
    FilePart,
    api_token,
    form_body,
    json_paths,
    query_string,
    raw,
    replaced,
)
from tests.fixtures.profiles import FIXTURE_HEALTH_CHECKS

FIELDS = [
    "start",
    "end",
    "quote",
    "prefix",
    "suffix",
    "verdict",
    "note",
    "action",
    "version",
    "rationale",
    "cite",
    "body",
    "title",
    "publisher",
    "source_url",
    "published_on",
    "text",
    "blind_review",
    "username",
    "password",
    "article",
    "author",
    "file",
    "name",
    "span",
    "external",
] + [f"sources-{i}-{k}" for i in (0, 1, 25) for k in ("url", "title", "excerpt")]
TEXT = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=300),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.sampled_from(
        [
            "true",
            "mostly-false",
            "submit",
            "save",
            "javascript:alert(1)",
            "https://example.org/x",
            "",
            " ",
            "\x00",
            "1",
            "0",
            "-1",
            CLAIM,
            "Putin",
            "2024-13-45",
            "y",
        ]
    ),
    st.sampled_from(AWKWARD),
    st.just("x" * 12_000),
)


FILE_PARTS = st.builds(
    FilePart,
    st.sampled_from([b"", b"text in a file", CLAIM.encode(), b"\xff\xfe\x00", json.dumps([{"a": 1}]).encode()]),
    st.sampled_from(["field.txt", "", "a.json", "../x"]),
)
VALUES = st.one_of(TEXT, FILE_PARTS)


FORMS = st.lists(st.tuples(st.sampled_from(FIELDS), VALUES), max_size=12)
ENDPOINTS = [
    "/articles/1/annotations",
    "/annotations/1",
    "/articles/1/spans/1/comments",
    "/articles/1/spans/1/final-verdict",
    "/annotations/1/return",
    "/articles/new",
    "/articles/1/settings",
    "/login",
    "/import",
    "/articles/fetch",
    "/articles/1/versions",
    "/articles/1/spans/1/reattach",
    "/settings/tokens",
    "/articles/1/spans/1/same-claim",
    "/articles/1/spans/1/same-claim/1/remove",
    "/checks/import",
    "/articles/1/suggestions/1/dismiss",
    "/articles/1/suggestions/1/restore",
]
TABLES = (Article, Span, Annotation, Source, FinalVerdict, Comment, Event, User, ApiToken, ClaimLink, ExternalCheck)


def table_counts(app) -> tuple[int, ...]:
    with app.app_context():
        session = db.session()
        return tuple(session.exec(select(func.count()).select_from(t)).one() for t in TABLES)


@settings(max_examples=150, deadline=None, suppress_health_check=FIXTURE_HEALTH_CHECKS)
@given(endpoint=st.sampled_from(ENDPOINTS), fields=FORMS, htmx=st.booleans(), as_lead=st.booleans())
def test_random_form_posts_never_fail_and_rejected_ones_store_nothing(
    app, reviewer_client, lead_client, demo_article, endpoint, fields, htmx, as_lead
):
    if not table_counts(app)[2]:  # one submitted annotation (id 1, span 1) for the endpoints that need it
        post_annotation(reviewer_client, demo_article, annotation_data(demo_article.text))
    client = lead_client if as_lead else reviewer_client
    before = table_counts(app)
    body, content_type = form_body([*fields, ("csrf_token", csrf_token(client, "/articles/1"))])
    response = client.post(
        endpoint, data=body, content_type=content_type, headers={"HX-Request": "true"} if htmx else {}
    )
    assert response.status_code < 500, response.get_data(as_text=True)[:500]
    if response.status_code >= 400:
        assert table_counts(app) == before, (endpoint, response.status_code)
    if endpoint == "/login" and response.status_code == 303:
        assert login(client, "lead" if as_lead else "reviewer").status_code == 303  # sign back in for the next example


QUERY_VALUES = st.one_of(TEXT, st.sampled_from(AWKWARD))


@settings(max_examples=200, deadline=None, suppress_health_check=FIXTURE_HEALTH_CHECKS)
@given(data=st.data(), htmx=st.booleans(), as_lead=st.booleans())
def test_random_query_strings_never_fail(app, reviewer_client, lead_client, demo_article, data, htmx, as_lead):
    """Pages answer 200 or a 4xx (302 to sign in again after ?next=); the API answers 200 or 400."""
    if not table_counts(app)[2]:
        post_annotation(reviewer_client, demo_article, annotation_data(demo_article.text))
    path = data.draw(st.sampled_from(sorted(QUERIES)), label="path")
    names = QUERIES[path] + ["unknown"]
    fields = data.draw(st.lists(st.tuples(st.sampled_from(names), QUERY_VALUES), max_size=6), label="query")
    client = lead_client if as_lead else reviewer_client
    headers = {"HX-Request": "true"} if htmx else {}
    if path.startswith("/api/"):
        headers = {**headers, **bearer(api_token(app))}
    response = client.get(f"{path}?{query_string(fields)}", headers=headers)
    assert response.status_code < 500, (path, fields, response.get_data(as_text=True)[:500])


# --- JSON bodies --------------------------------------------------------------------------------------------

NASTY_JSON = st.one_of(st.sampled_from(AWKWARD_JSON), st.text(alphabet=st.characters(codec="utf-8"), max_size=60))


ITEM_PATHS = list(json_paths(W3C_ITEM))
JSON_BODIES = st.builds(replaced, st.just(W3C_ITEM), st.sampled_from(ITEM_PATHS), NASTY_JSON)


@settings(max_examples=150, deadline=None, suppress_health_check=FIXTURE_HEALTH_CHECKS)
@given(document=JSON_BODIES, target=st.sampled_from(["post", "put", "post-submit", "post-version"]))
def test_random_api_bodies_never_fail_and_rejected_ones_store_nothing(
    app, reviewer_client, demo_article, document, target
):
    token = api_token(app)
    client = app.test_client()
    if not table_counts(app)[2]:  # the token user's own draft (id 1) for PUT
        assert (
            client.post(
                "/api/v1/articles/1/annotations",
                data=raw(w3c(CLAIM)),
                headers={**bearer(token), "Content-Type": "application/json"},
            ).status_code
            == 201
        )
    before = table_counts(app)
    method, path = {
        "post": ("POST", "/api/v1/articles/1/annotations"),
        "post-submit": ("POST", "/api/v1/articles/1/annotations?submit=true"),
        "post-version": ("POST", "/api/v1/articles/1/annotations?article_version=1"),
        "put": ("PUT", "/api/v1/annotations/1"),
    }[target]
    response = client.open(
        path, method=method, data=raw(document), headers={**bearer(token), "Content-Type": "application/ld+json"}
    )
    assert response.status_code < 500, (document, response.get_data(as_text=True)[:500])
    if response.status_code >= 400:
        assert table_counts(app) == before, (target, response.status_code)


UPLOADS = {
    "/checks/import": (CLAIM_REVIEW, list(json_paths(CLAIM_REVIEW)), "lead", {}),
    "/import": ([W3C_ITEM], list(json_paths([W3C_ITEM])), "reviewer", {"article": "1"}),
}


@settings(max_examples=100, deadline=None, suppress_health_check=FIXTURE_HEALTH_CHECKS)
@given(data=st.data(), endpoint=st.sampled_from(sorted(UPLOADS)))
def test_random_uploaded_json_never_fails_and_a_refused_file_stores_nothing(
    app, reviewer_client, lead_client, demo_article, data, endpoint
):
    valid, paths, role, fields = UPLOADS[endpoint]
    document = replaced(valid, data.draw(st.sampled_from(paths), label="path"), data.draw(NASTY_JSON, label="value"))
    client = lead_client if role == "lead" else reviewer_client
    before = table_counts(app)
    response = client.post(
        endpoint,
        data={**fields, "csrf_token": csrf_token(client, endpoint), "file": (io.BytesIO(raw(document)), "upload.json")},
        content_type="multipart/form-data",
    )
    assert response.status_code < 500, (document, response.get_data(as_text=True)[:500])
    if response.status_code >= 400:
        assert table_counts(app) == before, (endpoint, response.status_code)
