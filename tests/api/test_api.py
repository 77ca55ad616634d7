"""The JSON API (/api/v1/): tokens only, the app's rules (permissions, drafts, blind review, validation,
stale edits, settled claims), and RFC 9457 problems for every error."""

import hashlib
import json
from datetime import timedelta

import pytest
from sqlmodel import select

from annotator.db.models import Annotation, ApiToken, Source, User
from annotator.extensions import db
from annotator.services.articles import create_article
from tests.fixtures.api_helpers import PROBLEM, W3C_TYPE, annotate, bearer, make_token, settle, w3c
from tests.fixtures.app import CLAIM, csrf_token, rows
from tests.fixtures.review_helpers import dump

API = "/api/v1"


@pytest.fixture
def reviewer(app):
    return make_token(app, "reviewer")


@pytest.fixture
def alice(app):
    return make_token(app, "alice")


@pytest.fixture
def lead(app):
    return make_token(app, "lead")


def state(app) -> dict:
    """Every table's rows but the tokens' (whose last use a request records)."""
    return {table: found for table, found in dump(app).items() if table != "api_tokens"}


def call(client, method, path, token=None, *, body=None, headers=None, **kwargs):
    """An API request with ``token``; ``body`` is sent as W3C JSON-LD."""
    headers = {**(bearer(token) if token else {}), **(headers or {})}
    if body is not None:
        kwargs.update(data=json.dumps(body), content_type="application/ld+json")
    return client.open(f"{API}{path}", method=method, headers=headers, **kwargs)


def assert_problem(response, status: int, *fields: str) -> dict:
    """The response is an RFC 9457 problem with this status (and errors on exactly these fields, if given)."""
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == PROBLEM
    problem = response.get_json()
    assert {"type", "title", "status", "detail"} <= set(problem) and problem["status"] == status
    assert problem["title"] and problem["detail"]
    if fields:
        assert [e["field"] for e in problem["errors"]] == list(fields), problem
        assert all(e["detail"] for e in problem["errors"])
    return problem


def create(client, token, article_id=1, body=None, **params):
    query = "?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else ""
    return call(client, "POST", f"/articles/{article_id}/annotations{query}", token, body=body or w3c())


def created_id(response) -> int:
    assert response.status_code == 201, response.get_data(as_text=True)
    return int(response.headers["Location"].rsplit("/", 1)[1])


# --- Authentication ------------------------------------------------------------------------------------


def test_without_a_token_the_api_answers_401_with_a_bearer_challenge(client):
    response = client.get(f"{API}/articles")
    problem = assert_problem(response, 401)
    assert response.headers["WWW-Authenticate"] == 'Bearer realm="api"'
    assert "Bearer" in problem["detail"]


@pytest.mark.parametrize("header", ["Bearer fca_nonsense", "Bearer nonsense", "Basic cmV2aWV3ZXI6eA==", "Bearer "])
def test_a_wrong_token_or_scheme_answers_401(client, reviewer, header):
    response = client.get(f"{API}/articles", headers={"Authorization": header})
    assert_problem(response, 401)
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_the_scheme_name_is_case_insensitive(client, reviewer):
    assert client.get(f"{API}/articles", headers={"Authorization": f"bearer {reviewer}"}).status_code == 200


def test_a_session_cookie_alone_is_refused_for_reads_and_writes(app, reviewer_client, demo_article):
    before = state(app)
    assert_problem(reviewer_client.get(f"{API}/articles"), 401)
    assert_problem(reviewer_client.get(f"{API}/articles/{demo_article.id}/annotations"), 401)
    token = csrf_token(reviewer_client, f"/articles/{demo_article.id}")
    response = reviewer_client.post(
        f"{API}/articles/{demo_article.id}/annotations",
        data=json.dumps(w3c()),
        content_type="application/json",
        headers={"X-CSRFToken": token},
    )
    assert_problem(response, 401)
    assert state(app) == before


def test_a_token_needs_no_csrf_token_and_the_cookie_does_not_change_who_acts(app, reviewer_client, alice, demo_article):
    # A browser signed in as the reviewer sends alice's token: the API acts as alice.
    response = create(reviewer_client, alice, demo_article.id)
    annotation_id = created_id(response)
    assert response.get_json()["creator"]["nickname"] == "alice"
    assert (
        rows(app, Annotation, Annotation.id == annotation_id)[0].user_id
        == rows(app, User, User.username == "alice")[0].id
    )


def test_a_revoked_token_answers_401(app, client, reviewer):
    assert client.get(f"{API}/articles", headers=bearer(reviewer)).status_code == 200
    with app.app_context():
        session = db.session()
        row = session.exec(select(ApiToken)).one()
        row.revoked_at = row.created_at
        session.commit()
    response = client.get(f"{API}/articles", headers=bearer(reviewer))
    assert_problem(response, 401)
    assert 'error="invalid_token"' in response.headers["WWW-Authenticate"]


def test_the_token_of_an_account_that_cannot_sign_in_answers_401(app, client, reviewer):
    with app.app_context():
        session = db.session()
        session.exec(select(User).where(User.username == "reviewer")).one().password_hash = None
        session.commit()
    assert_problem(client.get(f"{API}/articles", headers=bearer(reviewer)), 401)


def test_only_the_tokens_hash_is_stored(app, reviewer):
    (row,) = rows(app, ApiToken)
    assert row.token_hash == hashlib.sha256(reviewer.encode()).hexdigest()
    assert reviewer.startswith("fca_") and reviewer.startswith(row.prefix) and len(row.prefix) == 12
    stored = json.dumps(dump_tokens(app), default=str)
    assert reviewer not in stored and reviewer[12:] not in stored


def dump_tokens(app) -> list[dict]:
    with app.app_context():
        return [dict(r._mapping) for r in db.session().connection().exec_driver_sql("SELECT * FROM api_tokens")]


def test_last_use_is_recorded_at_most_once_a_minute(app, client, reviewer):
    assert rows(app, ApiToken)[0].last_used_at is None
    client.get(f"{API}/articles", headers=bearer(reviewer))
    first = rows(app, ApiToken)[0].last_used_at
    assert first is not None
    client.get(f"{API}/articles", headers=bearer(reviewer))
    assert rows(app, ApiToken)[0].last_used_at == first
    with app.app_context():
        session = db.session()
        session.exec(select(ApiToken)).one().last_used_at = first - timedelta(minutes=2)
        session.commit()
    client.get(f"{API}/articles", headers=bearer(reviewer))
    assert rows(app, ApiToken)[0].last_used_at > first


def test_the_openapi_document_needs_no_token(client):
    assert client.get(f"{API}/openapi.json").status_code == 200


# --- Errors are problems -------------------------------------------------------------------------------


def test_an_unknown_api_path_is_a_problem_and_an_unknown_page_stays_html(client, reviewer_client, reviewer):
    assert_problem(client.get(f"{API}/nothing-here", headers=bearer(reviewer)), 404)
    assert_problem(client.get(f"{API}/articles/999999", headers=bearer(reviewer)), 404)
    assert_problem(client.get(f"{API}/articles/99999999999", headers=bearer(reviewer)), 404)
    page = reviewer_client.get("/articles/999999")
    assert page.status_code == 404 and page.mimetype == "text/html"


def test_a_wrong_method_is_a_405_problem_with_allow(client, reviewer):
    response = client.delete(f"{API}/articles", headers=bearer(reviewer))
    assert_problem(response, 405)
    assert "GET" in response.headers["Allow"]


def test_a_body_over_the_limit_is_a_413_problem(app, client, reviewer):
    app.config["MAX_CONTENT_LENGTH"] = 1000
    assert_problem(create(client, reviewer, body=w3c(note="x" * 2000)), 413)


def test_a_server_error_is_a_500_problem(app, client, reviewer, monkeypatch):
    from annotator.api import views as api

    app.config["PROPAGATE_EXCEPTIONS"] = False

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(api, "article_json", broken)
    problem = assert_problem(client.get(f"{API}/articles", headers=bearer(reviewer)), 500)
    assert "boom" not in json.dumps(problem)


def test_a_body_that_is_not_json_is_refused(app, client, reviewer):
    before = state(app)
    assert_problem(
        call(
            client,
            "POST",
            "/articles/1/annotations",
            reviewer,
            data="verdict=true",
            content_type="application/x-www-form-urlencoded",
        ),
        415,
    )
    assert_problem(
        call(client, "POST", "/articles/1/annotations", reviewer, data="{not json", content_type="application/json"),
        400,
    )
    assert_problem(
        call(client, "POST", "/articles/1/annotations", reviewer, data="[1, 2]", content_type="application/json"),
        422,
        "",
    )
    assert state(app) == before


# --- Articles ------------------------------------------------------------------------------------------


def test_articles_come_a_page_at_a_time(app, client, reviewer):
    with app.app_context():
        for n in range(24):
            create_article(session=db.session(), title=f"Article {n:02}", raw_text=f"Text {n}.")
    first = client.get(f"{API}/articles?per_page=10", headers=bearer(reviewer))
    assert first.status_code == 200 and first.mimetype == "application/json"
    page = first.get_json()
    assert (page["total"], page["pages"], page["page"], page["per_page"]) == (25, 3, 1, 10)
    assert [a["id"] for a in page["items"]] == list(range(1, 11))
    assert page["links"]["prev"] is None and page["links"]["next"].endswith("page=2&per_page=10")
    assert 'rel="next"' in first.headers["Link"]
    last = client.get(page["links"]["last"], headers=bearer(reviewer)).get_json()
    assert [a["title"] for a in last["items"]] == ["Article 19", "Article 20", "Article 21", "Article 22", "Article 23"]
    assert last["links"]["next"] is None and last["links"]["prev"].endswith("page=2&per_page=10")
    beyond = client.get(f"{API}/articles?page=9&per_page=10", headers=bearer(reviewer)).get_json()
    assert beyond["items"] == [] and beyond["total"] == 25
    item = page["items"][0]
    assert set(item) >= {"id", "title", "author", "publisher", "source_url", "published_on", "created_at", "links"}
    assert item["links"]["self"].endswith("/api/v1/articles/1") and item["links"]["html"].endswith("/articles/1")
    assert client.get(f"{API}/articles", headers=bearer(reviewer)).get_json()["per_page"] == 20


@pytest.mark.parametrize(
    "query, field",
    [
        ("page=0", "page"),
        ("page=x", "page"),
        ("per_page=101", "per_page"),
        ("per_page=0", "per_page"),
        ("page=-3", "page"),
    ],
)
def test_a_bad_page_is_a_400_problem_naming_the_parameter(client, reviewer, query, field):
    assert_problem(client.get(f"{API}/articles?{query}", headers=bearer(reviewer)), 400, field)


def test_an_article_comes_with_its_text_and_versions(client, reviewer, demo_article):
    response = client.get(f"{API}/articles/{demo_article.id}", headers=bearer(reviewer))
    article = response.get_json()
    assert article["text"] == demo_article.text and article["title"] == demo_article.title
    (first,) = article["versions"]
    assert (first["number"], first["origin"], first["text_length"], first["current"]) == (
        1,
        "created",
        len(demo_article.text),
        True,
    )
    assert first["links"]["self"].endswith(f"/api/v1/articles/{demo_article.id}/versions/1")


def test_versions_are_listed_with_their_texts_and_claims_say_how_they_were_placed(app, client, reviewer, demo_article):
    from annotator.db.models import Article
    from annotator.extensions import db
    from annotator.services import versioning

    gone = "Putin is unlikely to engage in peace negotiations"
    created_id(create(client, reviewer, demo_article.id, w3c(CLAIM), submit="true"))
    created_id(create(client, reviewer, demo_article.id, w3c(gone), submit="true"))
    with app.app_context():
        article = db.session().get(Article, demo_article.id)
        versioning.add_version(
            session=db.session(),
            article=article,
            user=None,
            origin="web",
            source="https://news.example/a",
            raw_text=article.text.replace("600,000", "650,000").replace(gone, "Talks stall"),
        )
    article = client.get(f"{API}/articles/{demo_article.id}", headers=bearer(reviewer)).get_json()
    assert [(v["number"], v["origin"], v["current"]) for v in article["versions"]] == [
        (1, "created", False),
        (2, "web", True),
    ]
    old = client.get(article["versions"][0]["links"]["self"], headers=bearer(reviewer)).get_json()
    assert old["text"] == demo_article.text and old["source"] is None
    assert client.get(f"{API}/articles/{demo_article.id}/versions/3", headers=bearer(reviewer)).status_code == 404
    # A number beyond a 32-bit integer is no version either (PostgreSQL refused to compare it: a 500).
    assert (
        client.get(f"{API}/articles/{demo_article.id}/versions/2147483648", headers=bearer(reviewer)).status_code == 404
    )
    claims = {
        c["quote"]: c
        for c in client.get(f"{API}/articles/{demo_article.id}/claims", headers=bearer(reviewer)).get_json()["items"]
    }
    assert claims[CLAIM.replace("600,000", "650,000")]["anchor"] == "changed"
    assert (claims[gone]["anchor"], claims[gone]["start"], claims[gone]["end"]) == ("orphaned", None, None)


def test_an_orphan_sent_back_as_get_gave_it_is_updated(app, client, reviewer, demo_article):
    from annotator.db.models import Article
    from annotator.extensions import db
    from annotator.services import versioning

    gone = "Putin is unlikely to engage in peace negotiations"
    annotation_id = created_id(create(client, reviewer, demo_article.id, w3c(gone)))
    with app.app_context():
        article = db.session().get(Article, demo_article.id)
        versioning.add_version(
            session=db.session(),
            article=article,
            user=None,
            origin="pasted",
            raw_text=article.text.replace(gone, "Talks stall"),
        )
    item = client.get(f"{API}/annotations/{annotation_id}", headers=bearer(reviewer)).get_json()
    assert [s["type"] for s in item["target"]["selector"]] == ["TextQuoteSelector"]
    item["body"] = [b for b in item["body"] if b.get("purpose") != "commenting"] + [
        {"type": "TextualBody", "purpose": "commenting", "value": "Still checking."}
    ]
    response = call(client, "PUT", f"/annotations/{annotation_id}", reviewer, headers={"If-Match": '"1"'}, body=item)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert "Still checking." in json.dumps(response.get_json())


def test_a_create_anchored_on_an_older_version_is_a_409(app, client, reviewer, demo_article):
    from annotator.db.models import Article
    from annotator.extensions import db
    from annotator.services import versioning

    with app.app_context():
        article = db.session().get(Article, demo_article.id)
        versioning.add_version(
            session=db.session(), article=article, user=None, origin="pasted", raw_text=article.text + "\nA last line."
        )
    stale = create(client, reviewer, demo_article.id, w3c(CLAIM), article_version="1")
    assert_problem(stale, 409)
    assert stale.get_json()["type"].endswith(":text-changed")
    assert_problem(create(client, reviewer, demo_article.id, w3c(CLAIM), article_version="x"), 400, "article_version")
    created_id(create(client, reviewer, demo_article.id, w3c(CLAIM), article_version="2"))


# --- Annotations: create ---------------------------------------------------------------------------------


def test_create_stores_a_draft_and_answers_201_with_the_w3c_annotation(app, client, reviewer, demo_article):
    body = w3c(
        note="NATO figure.", sources=[{"url": "https://example.org/nato", "title": "NATO", "excerpt": "600,000"}]
    )
    response = create(client, reviewer, demo_article.id, body)
    annotation_id = created_id(response)
    assert response.headers["Content-Type"] == W3C_TYPE
    assert response.headers["ETag"] == '"1"'
    assert response.headers["Location"].endswith(f"/api/v1/annotations/{annotation_id}")
    item = response.get_json()
    assert item["@context"] == "http://www.w3.org/ns/anno.jsonld" and item["type"] == "Annotation"
    assert (item["status"], item["version"]) == ("draft", 1)
    assert item["body"][0] == {
        "type": "TextualBody",
        "purpose": "assessing",
        "value": "Mostly true",
        "format": "text/plain",
    }
    assert item["body"][2]["source"] == "https://example.org/nato"
    selectors = {s["type"]: s for s in item["target"]["selector"]}
    start = demo_article.text.index(CLAIM)
    assert selectors["TextPositionSelector"] == {
        "type": "TextPositionSelector",
        "start": start,
        "end": start + len(CLAIM),
    }
    (stored,) = rows(app, Annotation, Annotation.id == annotation_id)
    assert (stored.verdict, stored.note, stored.status) == ("mostly-true", "NATO figure.", "draft")
    assert [(s.url, s.title, s.excerpt) for s in rows(app, Source)] == [("https://example.org/nato", "NATO", "600,000")]


def test_what_the_api_answers_can_be_sent_back(client, reviewer, alice, demo_article):
    """The W3C annotation the API (and the export) writes is accepted as it is, by key or label."""
    written = create(client, reviewer, demo_article.id, w3c(verdict="false", note="n")).get_json()
    response = create(client, alice, demo_article.id, written)
    assert created_id(response) and response.get_json()["body"][0]["value"] == "False"


def test_create_with_submit_true_submits(app, client, reviewer, demo_article):
    annotation_id = created_id(create(client, reviewer, demo_article.id, submit="true"))
    assert rows(app, Annotation, Annotation.id == annotation_id)[0].status == "submitted"


def test_create_with_offsets_and_a_prefix(client, reviewer, demo_article):
    text = demo_article.text
    quote = "Putin"
    at = text.index(quote, 10)
    by_offsets = create(client, reviewer, demo_article.id, w3c(quote, start=at, end=at + len(quote)))
    assert created_id(by_offsets)
    prefix = text[at - 20 : at]
    second = text.index(quote, at + 1)
    by_prefix = create(client, reviewer, demo_article.id, w3c(quote, prefix=text[second - 20 : second]))
    assert created_id(by_prefix)
    assert prefix != text[second - 20 : second]


def source(url="https://example.org/a", title="", excerpt=""):
    return {"url": url, "title": title, "excerpt": excerpt}


INVALID = [
    ("unknown verdict", w3c(verdict="Pants on fire"), ["body.verdict"]),
    (
        "no verdict",
        {**w3c(), "body": [{"type": "TextualBody", "purpose": "commenting", "value": "x"}]},
        ["body.verdict"],
    ),
    ("two verdicts", {**w3c(), "body": w3c()["body"] * 2}, ["body.verdict"]),
    (
        "verdict not text",
        {**w3c(), "body": [{"type": "TextualBody", "purpose": "assessing", "value": 3}]},
        ["body.verdict"],
    ),
    ("note too long", w3c(note="x" * 10_001), ["body.note"]),
    ("source not http", w3c(sources=[source("javascript:alert(1)")]), ["body.sources[0].url"]),
    ("second source relative", w3c(sources=[source(), source("/relative")]), ["body.sources[1].url"]),
    ("source title without url", w3c(sources=[source(url="", title="A title")]), ["body.sources[0].url"]),
    ("too many sources", w3c(sources=[source()] * 21), ["body.sources"]),
    ("absent quote", w3c("not in the article at all"), ["target.selector.exact"]),
    ("ambiguous quote", w3c("Putin"), ["target.selector.exact"]),
    ("blank quote", w3c("   "), ["target.selector.exact"]),
    ("quote not matching offsets", w3c(CLAIM, start=0, end=len(CLAIM)), ["target.selector.exact"]),
    ("empty range", w3c("Putin", start=5, end=5), ["target.selector.end"]),
    ("offset past the end", w3c("Putin", start=0, end=10**6), ["target.selector.end"]),
    ("negative offset", w3c("Putin", start=-1, end=4), ["target.selector.start"]),
    ("start without end", w3c("Putin", start=0), ["target.selector.end"]),
    ("no target", {k: v for k, v in w3c().items() if k != "target"}, ["target"]),
    ("not an annotation", {**w3c(), "type": "AnnotationCollection"}, ["type"]),
    (
        "every fault at once",
        w3c("nowhere to be found", verdict="Maybe", note="y" * 10_001),
        ["target.selector.exact", "body.verdict"],
    ),
    (
        "content faults together",
        w3c(verdict="true", note="y" * 10_001, sources=[source("ftp://x")]),
        ["body.note", "body.sources[0].url"],
    ),
]


@pytest.mark.parametrize("body, fields", [(b, f) for _, b, f in INVALID], ids=[name for name, _, _ in INVALID])
def test_an_invalid_annotation_is_a_422_problem_naming_each_field_and_stores_nothing(
    app, client, reviewer, demo_article, body, fields
):
    before = state(app)
    problem = assert_problem(create(client, reviewer, demo_article.id, body), 422, *fields)
    assert problem["type"].endswith(":validation")
    assert state(app) == before


def test_the_api_gives_the_forms_messages(client, reviewer, demo_article):
    problem = create(client, reviewer, demo_article.id, w3c(note="x" * 10_001)).get_json()
    assert problem["errors"][0]["detail"] == "Keep the note under 10,000 characters."


def test_annotating_the_same_words_twice_is_a_409_pointing_at_the_first(client, reviewer, demo_article):
    first = created_id(create(client, reviewer, demo_article.id))
    response = create(client, reviewer, demo_article.id, w3c(verdict="false"))
    assert_problem(response, 409)
    assert response.headers["Location"].endswith(f"/api/v1/annotations/{first}")


def test_annotating_a_settled_claim_is_a_409(app, client, alice, demo_article):
    with app.app_context():
        annotate("reviewer", db.session().merge(demo_article), CLAIM, "true")
        settle(db.session().merge(demo_article), CLAIM, "true")
    before = state(app)
    problem = assert_problem(create(client, alice, demo_article.id), 409)
    assert problem["type"].endswith(":settled")
    assert state(app) == before


def test_create_on_an_unknown_article_is_404(client, reviewer):
    assert_problem(create(client, reviewer, 4242), 404)


# --- Annotations: read, who sees what ---------------------------------------------------------------------


def collection_users(client, token, article_id=1) -> list[str]:
    response = call(client, "GET", f"/articles/{article_id}/annotations", token)
    assert response.status_code == 200 and response.headers["Content-Type"] == W3C_TYPE
    document = response.get_json()
    assert document["type"] == "AnnotationCollection" and document["total"] == len(document["first"]["items"])
    return sorted(item["creator"]["nickname"] for item in document["first"]["items"])


def test_drafts_are_seen_by_their_author_only(app, client, reviewer, alice, lead, demo_article):
    draft = created_id(create(client, reviewer, demo_article.id, w3c(note="SECRET")))
    assert collection_users(client, reviewer) == ["reviewer"]
    assert collection_users(client, alice) == [] and collection_users(client, lead) == []
    assert_problem(call(client, "GET", f"/annotations/{draft}", alice), 404)  # not even that it exists
    assert_problem(call(client, "GET", f"/annotations/{draft}", lead), 403)  # a lead knows drafts exist
    claims = call(client, "GET", f"/articles/{demo_article.id}/claims", alice).get_json()
    assert claims["items"] == []
    lead_claims = call(client, "GET", f"/articles/{demo_article.id}/claims", lead).get_json()
    assert [a["verdict"] for a in lead_claims["items"][0]["annotations"]] == [None]
    for token in (alice, lead):
        assert "SECRET" not in call(client, "GET", f"/articles/{demo_article.id}/annotations", token).get_data(
            as_text=True
        )


def test_blind_review_hides_others_verdicts_until_one_submits(app, client, reviewer, alice, lead, demo_article):
    theirs = created_id(create(client, reviewer, demo_article.id, w3c(verdict="false", note="SECRET"), submit="true"))
    assert collection_users(client, lead) == ["reviewer"]
    assert collection_users(client, alice) == []
    problem = assert_problem(call(client, "GET", f"/annotations/{theirs}", alice), 403)
    assert problem["type"].endswith(":hidden-by-blind-review")
    claim = call(client, "GET", f"/articles/{demo_article.id}/claims", alice).get_json()["items"][0]
    assert [(a["reviewer"], a["verdict"]) for a in claim["annotations"]] == [("Riley Reviewer", None)]

    mine = created_id(create(client, alice, demo_article.id, w3c(verdict="true")))  # a draft is not enough
    assert collection_users(client, alice) == ["alice"]
    assert call(client, "GET", f"/annotations/{theirs}", alice).status_code == 403

    assert call(client, "POST", f"/annotations/{mine}/submit", alice).status_code == 200
    assert collection_users(client, alice) == ["alice", "reviewer"]
    shown = call(client, "GET", f"/annotations/{theirs}", alice)
    assert shown.status_code == 200 and shown.get_json()["body"][1]["value"] == "SECRET"


def test_without_blind_review_submitted_verdicts_show_at_once(app, client, reviewer, alice, demo_article):
    from tests.fixtures.helpers import set_blind_review

    set_blind_review(app, demo_article, False)
    theirs = created_id(create(client, reviewer, demo_article.id, submit="true"))
    assert collection_users(client, alice) == ["reviewer"]
    assert call(client, "GET", f"/annotations/{theirs}", alice).status_code == 200


def test_one_annotation_with_its_etag(client, reviewer, demo_article):
    annotation_id = created_id(create(client, reviewer, demo_article.id))
    response = call(client, "GET", f"/annotations/{annotation_id}", reviewer)
    assert response.status_code == 200 and response.headers["ETag"] == '"1"'
    item = response.get_json()
    assert item["id"].endswith(f"/annotations/{annotation_id}")  # its address in the app, as in the export
    assert item["links"]["self"].endswith(f"/api/v1/annotations/{annotation_id}")
    assert_problem(call(client, "GET", "/annotations/987654", reviewer), 404)


def test_the_collection_matches_the_w3c_export(client, reviewer_client, reviewer, demo_article):
    created_id(create(client, reviewer, demo_article.id, w3c(note="n", sources=[source()])))
    api_items = call(client, "GET", f"/articles/{demo_article.id}/annotations", reviewer).get_json()["first"]["items"]
    export = reviewer_client.get(f"/articles/{demo_article.id}/annotations.jsonld").get_json()
    assert api_items == export["first"]["items"]


# --- Annotations: update, delete, submit --------------------------------------------------------------------


def test_the_owner_updates_with_if_match(app, client, reviewer, demo_article):
    annotation_id = created_id(create(client, reviewer, demo_article.id, w3c(sources=[source()])))
    response = call(
        client,
        "PUT",
        f"/annotations/{annotation_id}",
        reviewer,
        headers={"If-Match": '"1"'},
        body={"body": w3c(verdict="False", note="Changed.")["body"]},
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.headers["ETag"] == '"2"' and response.get_json()["version"] == 2
    (stored,) = rows(app, Annotation, Annotation.id == annotation_id)
    assert (stored.verdict, stored.note, stored.version, stored.status) == ("false", "Changed.", 2, "draft")
    assert [s.removed_at is not None for s in rows(app, Source)] == [True]  # the dropped source, kept as removed
    again = call(
        client,
        "PUT",
        f"/annotations/{annotation_id}?submit=true",
        reviewer,
        headers={"If-Match": "*"},
        body=w3c(verdict="true"),
    )
    assert again.status_code == 200 and again.get_json()["status"] == "submitted"


def test_an_update_needs_if_match_and_a_stale_one_is_a_409(app, client, reviewer, demo_article):
    annotation_id = created_id(create(client, reviewer, demo_article.id))
    before = state(app)
    problem = assert_problem(call(client, "PUT", f"/annotations/{annotation_id}", reviewer, body=w3c()), 428)
    assert problem["type"].endswith(":precondition-required")
    response = call(
        client, "PUT", f"/annotations/{annotation_id}", reviewer, headers={"If-Match": '"7"'}, body=w3c(verdict="false")
    )
    problem = assert_problem(response, 409)
    assert problem["type"].endswith(":stale-edit") and problem["current_version"] == 1
    assert response.headers["ETag"] == '"1"'
    assert state(app) == before


def test_a_stale_edit_found_under_the_lock_is_a_409(app, client, reviewer, demo_article, monkeypatch):
    """If-Match is checked again under the write lock: a save in between still counts."""
    from annotator.api import views as api

    annotation_id = created_id(create(client, reviewer, demo_article.id))
    monkeypatch.setattr(api, "if_match_version", lambda annotation, required: 0)
    response = call(
        client, "PUT", f"/annotations/{annotation_id}", reviewer, headers={"If-Match": '"1"'}, body=w3c(verdict="false")
    )
    assert assert_problem(response, 409)["type"].endswith(":stale-edit")
    assert rows(app, Annotation)[0].verdict == "mostly-true"


def test_an_update_cannot_move_the_target_or_break_the_rules(app, client, reviewer, demo_article):
    annotation_id = created_id(create(client, reviewer, demo_article.id))
    headers = {"If-Match": '"1"'}
    assert_problem(
        call(client, "PUT", f"/annotations/{annotation_id}", reviewer, headers=headers, body=w3c("Putin is unlikely")),
        422,
        "target",
    )
    assert_problem(
        call(
            client,
            "PUT",
            f"/annotations/{annotation_id}",
            reviewer,
            headers=headers,
            body=w3c(verdict="true", sources=[source("ftp://x")]),
        ),
        422,
        "body.sources[0].url",
    )
    assert_problem(
        call(client, "PUT", f"/annotations/{annotation_id}", reviewer, headers=headers, body=w3c(verdict="nope")),
        422,
        "body.verdict",
    )
    same_target = call(
        client, "PUT", f"/annotations/{annotation_id}", reviewer, headers=headers, body=w3c(verdict="mixed")
    )
    assert same_target.status_code == 200


@pytest.mark.parametrize(
    "method, path, body",
    [
        ("PUT", "/annotations/{id}", w3c(verdict="false")),
        ("DELETE", "/annotations/{id}", None),
        ("POST", "/annotations/{id}/submit", None),
    ],
)
def test_only_the_owner_changes_an_annotation(app, client, reviewer, alice, lead, demo_article, method, path, body):
    submitted = created_id(create(client, reviewer, demo_article.id, submit="true"))
    draft = created_id(create(client, reviewer, demo_article.id, w3c("Putin is unlikely")))
    before = state(app)
    for token in (alice, lead):
        response = call(client, method, path.format(id=submitted), token, body=body, headers={"If-Match": '"2"'})
        assert_problem(response, 403)
    assert_problem(call(client, method, path.format(id=draft), alice, body=body, headers={"If-Match": '"1"'}), 404)
    assert_problem(call(client, method, path.format(id=draft), lead, body=body, headers={"If-Match": '"1"'}), 403)
    assert state(app) == before


def test_the_owner_deletes_with_if_match(app, client, reviewer, demo_article):
    annotation_id = created_id(create(client, reviewer, demo_article.id))
    assert_problem(call(client, "DELETE", f"/annotations/{annotation_id}", reviewer), 428)
    assert_problem(call(client, "DELETE", f"/annotations/{annotation_id}", reviewer, headers={"If-Match": '"9"'}), 409)
    response = call(client, "DELETE", f"/annotations/{annotation_id}", reviewer, headers={"If-Match": '"1"'})
    assert response.status_code == 204 and response.data == b""
    assert rows(app, Annotation)[0].deleted_at is not None  # hidden, not removed
    assert_problem(call(client, "GET", f"/annotations/{annotation_id}", reviewer), 404)
    assert collection_users(client, reviewer) == []


def test_the_owner_submits(app, client, reviewer, demo_article):
    annotation_id = created_id(create(client, reviewer, demo_article.id))
    assert_problem(
        call(client, "POST", f"/annotations/{annotation_id}/submit", reviewer, headers={"If-Match": '"5"'}), 409
    )
    response = call(client, "POST", f"/annotations/{annotation_id}/submit", reviewer, headers={"If-Match": '"1"'})
    assert response.status_code == 200 and response.get_json()["status"] == "submitted"
    assert response.headers["ETag"] == '"2"'
    again = call(client, "POST", f"/annotations/{annotation_id}/submit", reviewer)
    assert again.status_code == 200 and again.headers["ETag"] == '"2"'  # submitting twice changes nothing


@pytest.mark.parametrize(
    "method, path, body",
    [
        ("PUT", "/annotations/{id}", w3c(verdict="false")),
        ("DELETE", "/annotations/{id}", None),
        ("POST", "/annotations/{id}/submit", None),
    ],
)
def test_a_settled_claims_annotations_are_locked(app, client, reviewer, demo_article, method, path, body):
    annotation_id = created_id(create(client, reviewer, demo_article.id, submit="true"))
    with app.app_context():
        settle(db.session().merge(demo_article), CLAIM, "true")
    before = state(app)
    response = call(client, method, path.format(id=annotation_id), reviewer, body=body, headers={"If-Match": '"1"'})
    assert assert_problem(response, 409)["type"].endswith(":settled")
    assert state(app) == before


# --- Claims ------------------------------------------------------------------------------------------------


def test_claims_come_with_their_final_verdicts(app, client, reviewer, lead, demo_article):
    created_id(create(client, reviewer, demo_article.id, submit="true"))
    created_id(create(client, reviewer, demo_article.id, w3c("Putin is unlikely", verdict="true"), submit="true"))
    with app.app_context():
        settle(db.session().merge(demo_article), CLAIM, "mostly-true", rationale="NATO's estimate.")
    response = call(client, "GET", f"/articles/{demo_article.id}/claims", lead)
    assert response.status_code == 200 and response.mimetype == "application/json"
    claims = response.get_json()
    assert claims["total"] == 2
    unsettled, settled = claims["items"]  # in text order
    assert unsettled["quote"] == "Putin is unlikely" and unsettled["final"] is None
    assert settled["quote"] == CLAIM and settled["start"] == demo_article.text.index(CLAIM)
    assert settled["final"]["verdict"] == "mostly-true" and settled["final"]["label"] == "Mostly true"
    assert settled["final"]["rationale"] == "NATO's estimate."
    assert [(a["reviewer"], a["verdict"], a["status"]) for a in settled["annotations"]] == [
        ("Riley Reviewer", "mostly-true", "submitted")
    ]
    assert_problem(call(client, "GET", "/articles/777/claims", lead), 404)


def test_a_settled_claim_shows_its_verdicts_to_every_reviewer(app, client, reviewer, alice, demo_article):
    created_id(create(client, reviewer, demo_article.id, submit="true"))
    with app.app_context():
        settle(db.session().merge(demo_article), CLAIM, "true")
    claim = call(client, "GET", f"/articles/{demo_article.id}/claims", alice).get_json()["items"][0]
    assert claim["final"]["verdict"] == "true" and claim["annotations"][0]["verdict"] == "mostly-true"
    assert collection_users(client, alice) == ["reviewer"]


# --- Costs and headers --------------------------------------------------------------------------------------


def test_lists_cost_the_same_few_queries_however_many_rows(app, client, lead, demo_article):
    from tests.fixtures.app import count_queries

    def statements(path):
        client.get(f"{API}{path}", headers=bearer(lead))  # the token's last use is recorded outside the count
        with count_queries(app) as seen:
            assert client.get(f"{API}{path}", headers=bearer(lead)).status_code == 200
        return len(seen)

    few = {path: statements(path) for path in ("/articles", f"/articles/{demo_article.id}/claims")}
    with app.app_context():
        article = db.session().merge(demo_article)
        for n, word in enumerate(
            ("Putin is unlikely", "Zelenskyy previously stated", "Thomas Graham", "Chatham House", "Lauren Kent")
        ):
            annotate("reviewer", article, word, "true")
            create_article(session=db.session(), title=f"More {n}", raw_text="More text.")
    assert {path: statements(path) for path in few} == few


def test_api_answers_are_not_cached_and_carry_server_timing(client, reviewer):
    for response in (client.get(f"{API}/articles", headers=bearer(reviewer)), client.get(f"{API}/articles")):
        assert "no-store" in response.headers["Cache-Control"]
        assert response.headers["Server-Timing"].startswith("app;dur=")
