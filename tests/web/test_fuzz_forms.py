"""Hypothesis-made form posts against every form endpoint: never a 500, and a rejected request stores nothing."""
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func
from sqlmodel import select
from werkzeug.datastructures import MultiDict

from annotator import db
from annotator.models import (Annotation, ApiToken, Article, ClaimLink, Comment, Event, ExternalCheck, FinalVerdict,
                              Source, Span, User)
from tests.conftest import CLAIM, annotation_data, csrf_token, login, post_annotation

FIELDS = ["start", "end", "quote", "prefix", "suffix", "verdict", "note", "action", "version", "rationale", "cite",
          "body", "title", "publisher", "source_url", "published_on", "text", "blind_review", "username",
          "password", "article", "author", "file", "name", "span", "external"] + [f"sources-{i}-{k}" for i in (0, 1, 25) for k in ("url", "title", "excerpt")]
VALUES = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=300),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.sampled_from(["true", "mostly-false", "submit", "save", "javascript:alert(1)", "https://example.org/x",
                     "", " ", "\x00", "1", "0", "-1", CLAIM, "Putin", "2024-13-45", "y"]),
    st.just("x" * 12_000),
)
FORMS = st.lists(st.tuples(st.sampled_from(FIELDS), VALUES), max_size=12)
ENDPOINTS = ["/articles/1/annotations", "/annotations/1", "/articles/1/spans/1/comments",
             "/articles/1/spans/1/final-verdict", "/annotations/1/return", "/articles/new", "/articles/1/settings",
             "/login", "/import", "/articles/fetch", "/articles/1/versions", "/articles/1/spans/1/reattach",
             "/settings/tokens", "/articles/1/spans/1/same-claim", "/articles/1/spans/1/same-claim/1/remove",
             "/checks/import", "/articles/1/suggestions/1/dismiss", "/articles/1/suggestions/1/restore"]
TABLES = (Article, Span, Annotation, Source, FinalVerdict, Comment, Event, User, ApiToken, ClaimLink, ExternalCheck)


def table_counts(app) -> tuple[int, ...]:
    with app.app_context():
        session = db.session()
        return tuple(session.exec(select(func.count()).select_from(t)).one() for t in TABLES)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(endpoint=st.sampled_from(ENDPOINTS), fields=FORMS, htmx=st.booleans(), as_lead=st.booleans())
def test_random_form_posts_never_fail_and_rejected_ones_store_nothing(app, reviewer_client, lead_client, demo_article,
                                                                      endpoint, fields, htmx, as_lead):
    if not table_counts(app)[2]:  # one submitted annotation (id 1, span 1) for the endpoints that need it
        post_annotation(reviewer_client, demo_article, annotation_data(demo_article.text))
    client = lead_client if as_lead else reviewer_client
    before = table_counts(app)
    data = MultiDict(fields)
    data.setlist("csrf_token", [csrf_token(client, "/articles/1")])
    response = client.post(endpoint, data=data, headers={"HX-Request": "true"} if htmx else {})
    assert response.status_code < 500, response.get_data(as_text=True)[:500]
    if response.status_code >= 400:
        assert table_counts(app) == before, (endpoint, response.status_code)
    if endpoint == "/login" and response.status_code == 303:
        assert login(client, "lead" if as_lead else "reviewer").status_code == 303  # sign back in for the next example


SEARCH_FIELDS = ["q", "verdict", "reviewer", "status", "article", "from", "to", "page"]


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(fields=st.lists(st.tuples(st.sampled_from(SEARCH_FIELDS), VALUES), max_size=8), htmx=st.booleans(),
       as_lead=st.booleans())
def test_random_searches_never_fail(app, reviewer_client, lead_client, demo_article, fields, htmx, as_lead):
    """The search form is a GET form: random query strings answer 200 or 422, never an error."""
    if not table_counts(app)[2]:
        post_annotation(reviewer_client, demo_article, annotation_data(demo_article.text))
    client = lead_client if as_lead else reviewer_client
    response = client.get("/search", query_string=MultiDict(fields), headers={"HX-Request": "true"} if htmx else {})
    assert response.status_code in (200, 422), response.get_data(as_text=True)[:500]
