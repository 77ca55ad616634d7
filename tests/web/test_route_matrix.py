"""Every route x {anonymous, other reviewer, lead, owner} x its methods, with the status each must get.

A route added to the app without a row here fails `test_every_route_has_a_rule`.
"""

import re

import pytest
from sqlmodel import select

from tests.fixtures.api_helpers import make_token
from tests.fixtures.app import CLAIM, annotation_data, csrf_token, login, post_annotation

VISITORS = ("anonymous", "other", "lead", "owner")  # in this order: the owner's actions change state last


def rule(anonymous=302, other=200, lead=200, owner=200):
    return {"anonymous": anonymous, "other": other, "lead": lead, "owner": owner}


SIGNED_IN = rule()
LEAD_ONLY = rule(other=403, owner=403)
OWNER_ONLY = rule(other=403, lead=403)
PUBLIC = rule(anonymous=200)
NOWHERE = rule(anonymous=404, other=404, lead=404, owner=404)
# The JSON API takes a bearer token only: a session cookie counts for nothing (its own tests use tokens).
TOKEN_ONLY = rule(anonymous=401, other=401, lead=401, owner=401)

# (endpoint, method) -> (path, form data, expected status per visitor). Ids: article 1, span 1, annotation 1
# (the owner's submitted annotation on the demo claim). Invalid form data still proves the request got past
# the permission check (422), without changing anything.
ROUTES = {
    ("articles.index", "GET"): ("/", None, SIGNED_IN),
    ("articles.new", "GET"): ("/articles/new", None, SIGNED_IN),
    ("articles.new", "POST"): ("/articles/new", {}, rule(other=422, lead=422, owner=422)),
    ("articles.show", "GET"): ("/articles/1", None, SIGNED_IN),
    ("live.poll", "GET"): ("/articles/1/live?since=0", None, SIGNED_IN),
    ("articles.fetch_page", "POST"): ("/articles/fetch", {}, rule(other=422, lead=422, owner=422)),
    ("annotations.claims", "GET"): ("/articles/1/claims", None, SIGNED_IN),
    ("annotations.annotate", "GET"): ("/articles/1/annotate?quote=" + "Putin+is+unlikely", None, SIGNED_IN),
    ("annotations.create", "POST"): ("/articles/1/annotations", {}, rule(other=422, lead=422, owner=422)),
    ("annotations.source_row", "GET"): ("/annotate/source-row?index=1", None, SIGNED_IN),
    ("annotations.span_panel", "GET"): ("/articles/1/spans/1", None, SIGNED_IN),
    ("annotations.span_history", "GET"): ("/articles/1/spans/1/history", None, SIGNED_IN),
    ("annotations.comment", "POST"): ("/articles/1/spans/1/comments", {}, rule(other=422, lead=422, owner=422)),
    ("annotations.show", "GET"): ("/annotations/1", None, rule(other=302, lead=302, owner=302)),
    ("annotations.edit", "GET"): ("/annotations/1/edit", None, OWNER_ONLY),
    ("annotations.update", "POST"): ("/annotations/1", {}, rule(other=403, lead=403, owner=422)),
    ("annotations.submit", "POST"): ("/annotations/1/submit", {}, rule(other=403, lead=403, owner=303)),
    ("annotations.delete", "POST"): ("/annotations/1/delete", {}, rule(other=403, lead=403, owner=303)),
    ("checks.span_checked", "GET"): ("/articles/1/spans/1/checked-before", None, SIGNED_IN),
    # Without htmx, a selection's earlier checks are shown on its annotation form's page.
    ("checks.selection_checked", "GET"): (
        "/articles/1/checked-before?start=0&end=5",
        None,
        rule(other=302, lead=302, owner=302),
    ),
    ("checks.mark_same", "POST"): ("/articles/1/spans/1/same-claim", {}, rule(other=403, lead=422, owner=403)),
    ("checks.remove_same", "POST"): (
        "/articles/1/spans/1/same-claim/1/remove",
        {},
        rule(other=403, lead=404, owner=403),
    ),
    ("checks.import_checks", "GET"): ("/checks/import", None, LEAD_ONLY),
    ("checks.import_checks", "POST"): ("/checks/import", {}, rule(other=403, lead=422, owner=403)),
    ("summary.summary", "GET"): ("/articles/1/summary", None, SIGNED_IN),
    ("summary.summary_csv", "GET"): ("/articles/1/summary.csv", None, SIGNED_IN),
    ("report.show", "GET"): ("/articles/1/report", None, LEAD_ONLY),
    ("summary.settle", "POST"): ("/articles/1/spans/1/final-verdict", {}, rule(other=403, lead=422, owner=403)),
    ("summary.return_annotation", "POST"): ("/annotations/1/return", {}, rule(other=403, lead=422, owner=403)),
    ("summary.restore", "POST"): ("/annotations/1/restore", {}, rule(other=403, lead=303, owner=403)),
    ("summary.article_settings", "POST"): (
        "/articles/1/settings",
        {"blind_review": "y"},
        rule(other=403, lead=303, owner=403),
    ),
    ("exports.w3c", "GET"): ("/articles/1/annotations.jsonld", None, SIGNED_IN),
    ("exports.csv", "GET"): ("/articles/1/annotations.csv", None, SIGNED_IN),
    ("exports.claimreview", "GET"): ("/articles/1/claimreview.jsonld", None, SIGNED_IN),
    ("review.index", "GET"): ("/review", None, LEAD_ONLY),
    ("review.articles_csv", "GET"): ("/review/articles.csv", None, LEAD_ONLY),
    ("review.reviewers_csv", "GET"): ("/review/reviewers.csv", None, LEAD_ONLY),
    ("queue.index", "GET"): ("/review/queue", None, LEAD_ONLY),
    ("queue.csv", "GET"): ("/review/queue.csv", None, LEAD_ONLY),
    ("versions.index", "GET"): ("/articles/1/versions", None, SIGNED_IN),
    ("versions.new", "GET"): ("/articles/1/versions/new", None, SIGNED_IN),
    ("versions.create", "POST"): ("/articles/1/versions", {}, rule(other=422, lead=422, owner=422)),
    ("versions.refetch", "POST"): ("/articles/1/versions/fetch", {}, rule(other=404, lead=404, owner=404)),
    ("versions.show", "GET"): ("/articles/1/versions/1", None, SIGNED_IN),
    ("versions.diff", "GET"): ("/articles/1/diff", None, SIGNED_IN),
    ("versions.reattach", "POST"): ("/articles/1/spans/1/reattach", {}, rule(other=422, lead=422, owner=422)),
    ("suggestions.dismiss", "POST"): ("/articles/1/suggestions/1/dismiss", {}, rule(other=303, lead=303, owner=303)),
    ("suggestions.restore", "POST"): ("/articles/1/suggestions/1/restore", {}, rule(other=403, lead=303, owner=403)),
    ("work.index", "GET"): ("/work", None, SIGNED_IN),
    ("search.index", "GET"): ("/search?q=soldiers", None, SIGNED_IN),
    ("imports.import_annotations", "GET"): ("/import", None, SIGNED_IN),
    ("imports.import_annotations", "POST"): ("/import", {}, rule(other=422, lead=422, owner=422)),
    ("auth.login", "GET"): ("/login", None, PUBLIC),
    ("auth.login", "POST"): ("/login", {}, rule(anonymous=422, other=422, lead=422, owner=422)),
    ("auth.logout", "POST"): ("/logout", {}, rule(other=303, lead=303, owner=303)),
    ("health.healthz", "GET"): ("/healthz", None, PUBLIC),
    ("static", "GET"): ("/static/app.css", None, PUBLIC),
    ("vendor", "GET"): ("/vendor/htmx/htmx.min.js", None, PUBLIC),
    ("verdict_styles", "GET"): ("/verdicts.css", None, PUBLIC),
    ("publishing.index", "GET"): ("/articles/1/publication", None, LEAD_ONLY),
    ("publishing.publish", "POST"): ("/articles/1/publication", {}, rule(other=403, lead=422, owner=403)),
    ("publishing.unpublish", "POST"): ("/articles/1/publication/unpublish", {}, rule(other=403, lead=409, owner=403)),
    ("publishing.correct", "POST"): ("/articles/1/publication/corrections", {}, rule(other=403, lead=422, owner=403)),
    # Published pages need no sign-in; nothing is published here, so each fact-check answers 404 to all.
    ("public.fact_check", "GET"): ("/p/putin-unlikely-to-negotiate-regardless-of-us-election-outcome", None, NOWHERE),
    ("public.claim", "GET"): (
        "/p/putin-unlikely-to-negotiate-regardless-of-us-election-outcome/claims/1",
        None,
        NOWHERE,
    ),
    ("public.embed", "GET"): (
        "/p/putin-unlikely-to-negotiate-regardless-of-us-election-outcome/claims/1/embed",
        None,
        NOWHERE,
    ),
    ("public.methodology", "GET"): ("/p/methodology", None, PUBLIC),
    ("public.feed", "GET"): ("/p/feed.xml", None, PUBLIC),
    ("public.sitemap", "GET"): ("/sitemap.xml", None, PUBLIC),
    ("tokens.token_list", "GET"): ("/settings/tokens", None, SIGNED_IN),
    ("tokens.create_token", "POST"): ("/settings/tokens", {}, rule(other=422, lead=422, owner=422)),
    ("tokens.revoke_token", "POST"): ("/settings/tokens/1/revoke", {}, rule(other=404, lead=404, owner=303)),
    ("api.openapi_document", "GET"): ("/api/v1/openapi.json", None, PUBLIC),
    ("api.articles", "GET"): ("/api/v1/articles", None, TOKEN_ONLY),
    ("api.article", "GET"): ("/api/v1/articles/1", None, TOKEN_ONLY),
    ("api.article_version", "GET"): ("/api/v1/articles/1/versions/1", None, TOKEN_ONLY),
    ("api.article_annotations", "GET"): ("/api/v1/articles/1/annotations", None, TOKEN_ONLY),
    ("api.create_annotation", "POST"): ("/api/v1/articles/1/annotations", {}, TOKEN_ONLY),
    ("api.article_claims", "GET"): ("/api/v1/articles/1/claims", None, TOKEN_ONLY),
    ("api.annotation", "GET"): ("/api/v1/annotations/1", None, TOKEN_ONLY),
    ("api.update_annotation", "PUT"): ("/api/v1/annotations/1", {}, TOKEN_ONLY),
    ("api.delete_annotation", "DELETE"): ("/api/v1/annotations/1", {}, TOKEN_ONLY),
    ("api.submit_annotation", "POST"): ("/api/v1/annotations/1/submit", {}, TOKEN_ONLY),
}


def test_every_route_has_a_rule(app):
    in_app = {(r.endpoint, m) for r in app.url_map.iter_rules() for m in r.methods - {"HEAD", "OPTIONS"}}
    assert in_app == set(ROUTES), f"routes without a rule: {in_app - set(ROUTES)}; stale rules: {set(ROUTES) - in_app}"


@pytest.fixture
def visitors(app, make_user, demo_article):
    owner = make_user("owner")
    response = post_annotation(owner, demo_article, annotation_data(demo_article.text, CLAIM))
    assert response.status_code == 200
    make_token(app, "owner")  # token 1, for the revoke route
    lead = app.test_client()
    assert login(lead, "lead").status_code == 303
    return {"anonymous": app.test_client(), "other": make_user("other"), "lead": lead, "owner": owner}


@pytest.mark.parametrize("endpoint, method", sorted(ROUTES))
def test_each_visitor_gets_the_status_the_rule_says(visitors, endpoint, method):
    path, data, expected = ROUTES[(endpoint, method)]
    for visitor in VISITORS:
        client = visitors[visitor]
        if method == "GET":
            response = client.get(path)
        else:
            token = csrf_token(client, "/login" if visitor == "anonymous" else "/articles/1")
            response = client.open(path, method=method, data={**data, "csrf_token": token})
        assert response.status_code == expected[visitor], (visitor, method, path, response.get_data(as_text=True)[:300])
        if response.status_code == 302 and visitor == "anonymous":
            assert response.headers["Location"].startswith("/login")


# --- Hidden things answer like missing ones -------------------------------------------------------------------

UNKNOWN_ID = 999_999


def _fill(pattern: str, values: dict) -> str:
    """A rule's path with its arguments filled in from ``values``."""
    return re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", lambda m: str(values[m.group(1)]), pattern)


def test_every_route_answers_another_reviewers_draft_as_if_it_did_not_exist(app, make_user, demo_article):
    """For every route that takes a claim or an annotation id, and every method: a reviewer gets the same
    status for another reviewer's private draft (and the claim only that draft holds) as for an id that
    does not exist; only leads may know that drafts exist."""
    from annotator.db.models import Annotation
    from annotator.extensions import db

    owner = make_user("owner")
    response = post_annotation(owner, demo_article, annotation_data(demo_article.text, CLAIM, action="save"))
    assert response.status_code == 200
    with app.app_context():
        draft = db.session().exec(select(Annotation)).one()
        draft_id, span_id = draft.id, draft.span_id
    other = make_user("other")
    other_token = make_token(app, "other")
    checked = 0
    for rule in app.url_map.iter_rules():
        if not {"annotation_id", "span_id"} & set(rule.arguments):
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            answers = []
            for ids in (
                {"annotation_id": draft_id, "span_id": span_id},
                {"annotation_id": UNKNOWN_ID, "span_id": UNKNOWN_ID},
            ):
                path = _fill(rule.rule, {**{arg: 1 for arg in rule.arguments}, **ids})
                if rule.endpoint.startswith("api."):
                    response = other.open(
                        path, method=method, json={}, headers={"Authorization": f"Bearer {other_token}"}
                    )
                elif method == "GET":
                    response = other.get(path)
                else:
                    token = csrf_token(other, "/articles/1")
                    response = other.open(path, method=method, data={"csrf_token": token})
                answers.append(response.status_code)
            assert answers[0] == answers[1], (rule.endpoint, method, answers)
            checked += 1
    assert checked >= 19  # every such route and method today
    with app.app_context():
        stored = db.session().get(Annotation, draft_id)
        assert (stored.status, stored.deleted_at, stored.version) == ("draft", None, 1)
