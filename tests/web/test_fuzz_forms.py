"""Hypothesis-made requests against every form, JSON body and query parameter: never a 500, a rejected
request stores nothing, and one that succeeds stores (or finds) what it asked for and nothing else
(the oracles of ``tests.fixtures.oracles``).

A form is sent either as random fields alone or as random fields in front of the fields that make it valid
(the first value of a field is the one read), so that the success branch, where the oracles have work to do,
is reached. Besides random text, the values include what no browser sends but anyone can (outside test
finding 5): a file part where a form asks for text, lone surrogates (sent as the bytes a careless encoder
writes: CESU-8 in forms and queries, a \\ud800 escape in JSON), dates at the ends of the calendar and integers
too large for any column.
"""

import io
import json

from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import func
from sqlmodel import delete, select

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
from tests.fixtures.app import CLAIM, PASSWORD, annotation_data, csrf_token, login, post_annotation
from tests.fixtures.imports import SECOND
from tests.fixtures.nasty import (
    AWKWARD,
    AWKWARD_JSON,
    CLAIM_REVIEW,
    QUERIES,
    W3C_ITEM,
    FilePart,
    api_token,
    author_used,
    form_body,
    fresh_author,
    json_paths,
    poster_token,
    poster_used,
    query_string,
    raw,
    replaced,
)
from tests.fixtures.oracles import (
    assert_api_write_stored,
    assert_claimreviews_stored,
    assert_form_post_stored,
    assert_import_stored,
    assert_only,
    assert_query_answer,
    assert_w3c_stored,
    changes,
    received_form,
    received_query,
    snapshot,
    w3c_expected,
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
    "sources-²-url",  # a row number int() refuses (was a 500)
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
# Random fields alone, or a few in front of the fields that make the form valid (``valid_fields``).
REQUESTS = st.one_of(
    st.tuples(FORMS, st.just(False)),
    st.tuples(st.lists(st.tuples(st.sampled_from(FIELDS), VALUES), max_size=3), st.just(True)),
)
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
SAVED_PAGE = (
    b"<html><head><title>A page</title></head><body><article><p>Words of a saved page.</p></article></body></html>"
)


def table_counts(app) -> tuple[int, ...]:
    with app.app_context():
        session = db.session()
        return tuple(session.exec(select(func.count()).select_from(t)).one() for t in TABLES)


def valid_fields(app, endpoint: str, username: str) -> list:
    """Fields that make the endpoint's form valid in the test's world (some actions stay refused: a claim that
    is not orphaned cannot be re-attached)."""
    with app.app_context():
        article = db.session().get(Article, 1)
        text, version = article.text, article.current_version
        user = db.session().exec(select(User.id).where(User.username == username)).one()
    return {
        "/articles/1/annotations": [
            ("quote", CLAIM),
            ("verdict", "mostly-false"),
            ("note", "A note"),
            ("sources-0-url", "https://a.example/"),
            ("action", "submit"),
        ],
        "/annotations/1": [
            ("verdict", "true"),
            ("note", "n"),
            ("sources-0-url", "https://b.example/"),
            ("action", "save"),
        ],
        "/articles/1/spans/1/comments": [("body", "A comment")],
        "/articles/1/spans/1/final-verdict": [("verdict", "false"), ("rationale", "Because.")],
        "/annotations/1/return": [("note", "Fix it")],
        "/articles/new": [("title", "T"), ("text", "Some text.")],
        "/articles/1/settings": [("blind_review", "y")],
        "/login": [("username", username), ("password", PASSWORD)],
        "/import": [("article", "1"), ("author", str(user)), ("file", FilePart(raw([w3c(SECOND)]), "a.json"))],
        "/articles/fetch": [("page", FilePart(SAVED_PAGE, "page.html"))],
        "/articles/1/versions": [("text", f"{text}\n\nA paragraph added in version {version + 1}.")],
        "/articles/1/spans/1/reattach": [("start", "0"), ("end", "5"), ("quote", text[:5]), ("article_version", "1")],
        "/settings/tokens": [("name", "cms")],
        "/articles/1/spans/1/same-claim": [("external", "1")],
        "/articles/1/spans/1/same-claim/1/remove": [],
        "/checks/import": [("file", FilePart(raw(CLAIM_REVIEW), "checks.json"))],
        "/articles/1/suggestions/1/dismiss": [],
        "/articles/1/suggestions/1/restore": [],
    }[endpoint]


def unsettle(app) -> None:
    """Take the claim's final verdict away, so that later examples may still change its annotations."""
    with app.app_context():
        db.session().exec(delete(FinalVerdict))
        db.session().commit()


@settings(max_examples=150, deadline=None, suppress_health_check=FIXTURE_HEALTH_CHECKS)
@given(endpoint=st.sampled_from(ENDPOINTS), request=REQUESTS, htmx=st.booleans(), as_lead=st.booleans())
def test_random_form_posts_never_fail_and_store_what_was_sent_or_nothing(
    app, reviewer_client, lead_client, demo_article, endpoint, request, htmx, as_lead
):
    fields, valid = request
    if not table_counts(app)[2]:  # one submitted annotation (id 1, span 1) for the endpoints that need it
        post_annotation(reviewer_client, demo_article, annotation_data(demo_article.text))
    username = "lead" if as_lead else "reviewer"
    client = lead_client if as_lead else reviewer_client
    sent = [*fields, *(valid_fields(app, endpoint, username) if valid else [])]
    body, content_type = form_body([*sent, ("csrf_token", csrf_token(client, "/articles/1"))])
    before = snapshot(app)
    response = client.post(
        endpoint, data=body, content_type=content_type, headers={"HX-Request": "true"} if htmx else {}
    )
    after = snapshot(app, since=before)
    assert response.status_code < 500, response.get_data(as_text=True)[:500]
    if response.status_code >= 400:
        assert_only(changes(before, after))
    else:
        form, files = received_form(body, content_type)
        assert_form_post_stored(endpoint, form, files, before, after, username)
        if endpoint == "/import":
            assert_import_stored(response, before, after)
        elif endpoint == "/checks/import":
            assert_claimreviews_stored(response, before, after)
        elif endpoint == "/articles/1/spans/1/final-verdict":
            unsettle(app)
    if endpoint == "/login" and response.status_code == 303:
        assert login(client, username).status_code == 303  # sign back in for the next example


QUERY_VALUES = st.one_of(TEXT, st.sampled_from(AWKWARD))


@settings(max_examples=200, deadline=None, suppress_health_check=FIXTURE_HEALTH_CHECKS)
@given(data=st.data(), htmx=st.booleans(), as_lead=st.booleans())
def test_random_query_strings_never_fail_and_find_what_they_ask_for(
    app, reviewer_client, lead_client, demo_article, data, htmx, as_lead
):
    """Pages answer 200 or a 4xx (302 to sign in again after ?next=); the API answers 200 or 400; what a 200
    lists is what the query asks for (``oracles.assert_query_answer``)."""
    if not table_counts(app)[2]:
        post_annotation(reviewer_client, demo_article, annotation_data(demo_article.text))
    path = data.draw(st.sampled_from(sorted(QUERIES)), label="path")
    names = QUERIES[path] + ["unknown"]
    fields = data.draw(st.lists(st.tuples(st.sampled_from(names), QUERY_VALUES), max_size=6), label="query")
    client = lead_client if as_lead else reviewer_client
    headers = {"HX-Request": "true"} if htmx else {}
    if path.startswith("/api/"):
        headers = {**headers, **bearer(api_token(app))}
    query = query_string(fields)
    response = client.get(f"{path}?{query}", headers=headers)
    assert response.status_code < 500, (path, fields, response.get_data(as_text=True)[:500])
    assert_query_answer(app, client, path, received_query(query), response, headers)


# --- JSON bodies --------------------------------------------------------------------------------------------

NASTY_JSON = st.one_of(st.sampled_from(AWKWARD_JSON), st.text(alphabet=st.characters(codec="utf-8"), max_size=60))


ITEM_PATHS = list(json_paths(W3C_ITEM))


@settings(max_examples=150, deadline=None, suppress_health_check=FIXTURE_HEALTH_CHECKS)
@given(
    where=st.sampled_from(ITEM_PATHS),
    value=NASTY_JSON,
    target=st.sampled_from(["post", "put", "post-submit", "post-version"]),
)
def test_random_api_bodies_never_fail_and_store_what_was_sent_or_nothing(
    app, reviewer_client, demo_article, where, value, target
):
    """POST by a user who has not annotated the claim yet (a second POST on the same words is 409), PUT with
    ``If-Match: *`` on the token user's own annotation of it: the body is what decides."""
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
    poster, poster_token_ = poster_token(app)
    method, path, username, headers = {
        "post": ("POST", "/api/v1/articles/1/annotations", poster, bearer(poster_token_)),
        "post-submit": ("POST", "/api/v1/articles/1/annotations?submit=true", poster, bearer(poster_token_)),
        "post-version": ("POST", "/api/v1/articles/1/annotations?article_version=1", poster, bearer(poster_token_)),
        "put": ("PUT", "/api/v1/annotations/1", "fuzzer", {**bearer(token), "If-Match": "*"}),
    }[target]
    document = replaced(W3C_ITEM, where, value)
    before = snapshot(app)
    response = client.open(
        path, method=method, data=raw(document), headers={**headers, "Content-Type": "application/ld+json"}
    )
    after = snapshot(app, since=before)
    assert response.status_code < 500, (document, response.get_data(as_text=True)[:500])
    if response.status_code >= 400:
        assert_only(changes(before, after), change={"api_tokens": {"last_used_at"}})
    else:
        assert response.status_code == (201 if method == "POST" else 200), response.status_code
        assert_api_write_stored(method, response, before, after, W3C_ITEM, where, value, username)
        if method == "POST":
            poster_used(app)


UPLOADS = {
    "/checks/import": (CLAIM_REVIEW, list(json_paths(CLAIM_REVIEW))),
    "/import": ([W3C_ITEM], list(json_paths([W3C_ITEM]))),
}


@settings(max_examples=100, deadline=None, suppress_health_check=FIXTURE_HEALTH_CHECKS)
@given(data=st.data(), endpoint=st.sampled_from(sorted(UPLOADS)))
def test_random_uploaded_json_never_fails_and_stores_what_the_report_says(
    app, lead_client, demo_article, data, endpoint
):
    """Annotations are imported by a lead for an author who has imported nothing yet (an item's words are
    imported once per author), so that a good file stores its item."""
    valid, paths = UPLOADS[endpoint]
    where, value = data.draw(st.sampled_from(paths), label="path"), data.draw(NASTY_JSON, label="value")
    document = replaced(valid, where, value)
    fields = {"article": "1", "author": str(fresh_author(app))} if endpoint == "/import" else {}
    before = snapshot(app)
    response = lead_client.post(
        endpoint,
        data={
            **fields,
            "csrf_token": csrf_token(lead_client, endpoint),
            "file": (io.BytesIO(raw(document)), "upload.json"),
        },
        content_type="multipart/form-data",
    )
    after = snapshot(app, since=before)
    assert response.status_code < 500, (document, response.get_data(as_text=True)[:500])
    if response.status_code >= 400:
        assert_only(changes(before, after))
    elif endpoint == "/import":
        for annotation in assert_import_stored(response, before, after):
            assert_w3c_stored(after, annotation, w3c_expected(W3C_ITEM, where[1:], value))
            author_used(app)
    else:
        assert_claimreviews_stored(response, before, after, CLAIM, where)
