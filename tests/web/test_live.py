"""Live updates: the article page's poller gets 304 for nothing new (one statement), and otherwise only
what its reader may see changed: never another's draft, never a verdict blind review hides."""

import pytest
from sqlmodel import select

from annotator.db.models import ArticleRevision, LiveChange
from annotator.extensions import db
from tests.fixtures.app import HX, count_queries
from tests.fixtures.htmltree import marks, page, parse
from tests.fixtures.live import Poller  # noqa: F401
from tests.fixtures.review_helpers import annotation_of, comment, delete, post, save, settle, span_of, update

SECRET_NOTE = "SECRET-NOTE-OF-THE-AUTHOR"
SECRET_VERDICT = "mostly-false"  # no other annotation here uses it


@pytest.fixture
def bob(make_user):
    return make_user("bob")


def test_nothing_changed_answers_304_after_one_statement(app, reviewer_client, demo_article):
    poller = Poller(reviewer_client, demo_article.id)
    poller.poll()  # warm up the connection
    with count_queries(app) as statements:
        response = poller.poll()
    assert response.status_code == 304, response.get_data(as_text=True)
    assert response.get_data() == b""
    assert response.headers["ETag"] == poller.etag
    assert response.headers["Server-Timing"].startswith("app;dur=")  # as every response
    assert response.headers["Cache-Control"] == "private, no-store"  # a signed-in user's answer
    assert len(statements) == 1, "\n".join(statements)
    assert "article_revisions" in statements[0] and "users" in statements[0]


def test_another_reviewers_new_highlight_arrives_with_a_new_etag(app, reviewer_client, bob, demo_article):
    poller = Poller(bob, demo_article.id)
    assert poller.poll().status_code == 304
    save(reviewer_client, demo_article, verdict="mostly-true", action="submit")
    span = span_of(app, demo_article)
    old_etag = poller.etag
    response = poller.poll()
    assert response.status_code == 200
    assert response.headers["ETag"] == poller.etag != old_etag
    highlighted = {int(i) for m in marks(poller.root) for i in m.get("data-span-ids").split()}
    assert highlighted == {span.id}
    paragraph = marks(poller.root)[0].parent
    assert paragraph.get("hx-swap-oob") == "true" and paragraph.get("id").startswith("p")
    assert "1 claim" in poller.root.by_id("article-stats").text()
    assert "1 claim changed" in poller.root.by_id("live-status").text()
    assert poller.poll().status_code == 304  # the new tag is current


def test_ones_own_save_is_redrawn_for_ones_other_tabs_without_news(app, reviewer_client, demo_article):
    other_tab = Poller(reviewer_client, demo_article.id)
    save(reviewer_client, demo_article, action="save")
    other_tab.poll()
    assert len(marks(other_tab.root)) == 1
    assert other_tab.root.by_id("live-status") is None  # nothing new to announce: it was their own


def test_a_draft_of_another_reviewer_never_shows_in_the_poll(app, reviewer_client, bob, lead_client, demo_article):
    bob_poller, lead_poller = Poller(bob, demo_article.id), Poller(lead_client, demo_article.id)
    save(reviewer_client, demo_article, verdict=SECRET_VERDICT, note=SECRET_NOTE, action="save")
    response = bob_poller.poll()
    body = response.get_data(as_text=True)
    assert response.status_code == 200  # the counter moved (documented): the answer holds nothing of the draft
    assert marks(bob_poller.root) == [] and bob_poller.root.by_id("article-stats") is None
    assert bob_poller.root.by_id("live-status") is None
    assert SECRET_NOTE not in body and SECRET_VERDICT not in body and "data-start" not in body
    # A lead knows that a draft exists (the article page shows its highlight), not what it says.
    lead_body = lead_poller.poll().get_data(as_text=True)
    (mark,) = marks(lead_poller.root)
    assert "pending" in mark.get("class")
    assert SECRET_NOTE not in lead_body and SECRET_VERDICT not in lead_body


def test_blind_review_hides_the_verdict_and_its_edits_until_the_viewer_submits(app, reviewer_client, bob, demo_article):
    poller = Poller(bob, demo_article.id)
    save(reviewer_client, demo_article, verdict=SECRET_VERDICT, note=SECRET_NOTE, action="submit")
    body = poller.poll().get_data(as_text=True)
    (mark,) = marks(poller.root)  # the claim shows (it is submitted), its verdict does not
    assert "pending" in mark.get("class") and SECRET_VERDICT not in body and SECRET_NOTE not in body
    # An edit of the hidden verdict tells bob nothing: not even which paragraph.
    annotation = annotation_of(app, "reviewer", demo_article)
    update(reviewer_client, demo_article, annotation.id, verdict="false", note=SECRET_NOTE + "2")
    body = poller.poll().get_data(as_text=True)
    assert "data-start" not in body and poller.root.by_id("live-status") is None and "false" not in body.lower()
    # Once bob submits his own, the author's edits reach him.
    save(bob, demo_article, verdict="mostly-true", action="submit")
    poller.poll()
    update(
        reviewer_client,
        demo_article,
        annotation.id,
        verdict="mixed",
        note="now visible",
        version=annotation_of(app, "reviewer", demo_article).version,
    )
    poller.poll()
    (mark,) = marks(poller.root)
    assert "disputed" in mark.get("class")  # mixed (theirs) against mostly-true (bob's)


def test_the_open_claims_new_comment_arrives_without_the_comment_form(app, reviewer_client, bob, demo_article):
    save(reviewer_client, demo_article, action="submit")
    span = span_of(app, demo_article)
    poller = Poller(bob, demo_article.id, f"/articles/{demo_article.id}?span={span.id}")
    assert poller.context == {"open_span": str(span.id)}
    comment(reviewer_client, demo_article, span.id, "Which <b>NATO</b> briefing?")
    response = poller.poll()
    body = response.get_data(as_text=True)
    thread = poller.root.by_id(f"comment-list-{span.id}")
    assert thread is not None and thread.get("hx-swap-oob") == "true"
    assert "Which <b>NATO</b> briefing?" in thread.text() and "<b>NATO" not in body  # escaped
    assert "<form" not in body and "<textarea" not in body  # never the form someone may be typing in
    assert "data-start" not in body  # a comment changes no highlight
    assert "new comment" in poller.root.by_id("live-status").text()


def test_the_claims_list_is_refreshed_when_it_is_open(app, reviewer_client, bob, demo_article):
    poller = Poller(bob, demo_article.id)
    assert poller.context == {"claims": "1"}
    save(reviewer_client, demo_article, action="submit")
    poller.poll()
    claims = poller.root.by_id("claims-panel")
    assert claims is not None and claims.get("hx-swap-oob") == "true"
    assert "600,000 Russian soldiers" in claims.text()


def test_deleting_and_settling_reach_every_reader(app, reviewer_client, bob, lead_client, demo_article):
    save(reviewer_client, demo_article, action="submit")
    span = span_of(app, demo_article)
    poller = Poller(bob, demo_article.id)
    assert settle(lead_client, demo_article, span.id, "false").status_code == 200
    poller.poll()
    (mark,) = marks(poller.root)
    assert "settled" in mark.get("class")

    save(reviewer_client, demo_article, quote="Putin", action="submit")
    poller.poll()
    annotation = annotation_of(app, "reviewer", demo_article, "Putin")
    delete(reviewer_client, demo_article, annotation.id)
    poller.poll()
    assert all(str(annotation.span_id) not in m.get("data-span-ids").split() for m in marks(poller.root))


def test_a_new_version_asks_to_reload(app, reviewer_client, bob, demo_article):
    poller = Poller(bob, demo_article.id)
    response = post(
        reviewer_client,
        f"/articles/{demo_article.id}/versions",
        {"text": demo_article.text + "\nA new closing paragraph.", "base_version": "1"},
        article_id=demo_article.id,
        htmx=False,
    )
    assert response.status_code in (302, 303), response.get_data(as_text=True)
    poller.poll()
    status = poller.root.by_id("live-status")
    assert "new version" in status.text() and status.find("a") is not None
    assert marks(poller.root) == []
    # Later changes are not drawn on the old text: the page keeps asking to reload.
    assert "version=1" in poller.url
    save(reviewer_client, demo_article, quote="Putin", action="submit")
    poller.poll()
    assert marks(poller.root) == [] and "new version" in poller.root.by_id("live-status").text()


def test_each_change_raises_the_counter_once_in_its_transaction(app, reviewer_client, demo_article):
    def revision():
        with app.app_context():
            return (
                db.session()
                .exec(select(ArticleRevision.revision).where(ArticleRevision.article_id == demo_article.id))
                .one()
            )

    before = revision()
    save(reviewer_client, demo_article, action="submit")  # span, annotation, sources, history: one transaction
    assert revision() == before + 1
    with app.app_context():
        logged = db.session().exec(select(LiveChange.kind).where(LiveChange.revision == before + 1)).all()
    assert sorted(logged) == ["draft", "status"]  # created as a draft, then submitted


def test_poll_access(app, client, bob, demo_article):
    assert client.get(f"/articles/{demo_article.id}/live").status_code == 302
    assert client.get(f"/articles/{demo_article.id}/live", headers=HX).status_code == 401
    assert bob.get("/articles/999/live", headers={"If-None-Match": '"a999r0"'}).status_code == 404
    assert bob.get(f"/articles/{demo_article.id}/live?since=-5&version=x").status_code == 200


def test_a_signed_out_session_gets_no_304(app, bob, demo_article):
    poller = Poller(bob, demo_article.id)
    post(bob, "/logout", article_id=demo_article.id, htmx=False)
    assert poller.poll().status_code == 401  # htmx is told to go to the sign-in page


def test_a_poll_answer_parses_alone(app, reviewer_client, bob, demo_article):
    poller = Poller(bob, demo_article.id)
    save(reviewer_client, demo_article, action="submit")
    response = poller.poll()
    assert parse(response.get_data(as_text=True)).by_id("live-poll").get("hx-swap-oob") == "true"


def test_turning_blind_review_off_redraws_the_whole_text_with_the_verdicts(
    app, reviewer_client, bob, lead_client, demo_article
):
    save(reviewer_client, demo_article, verdict=SECRET_VERDICT, action="submit")
    poller = Poller(bob, demo_article.id)
    (mark,) = marks(page(bob.get(f"/articles/{demo_article.id}")))
    assert "pending" in mark.get("class")
    response = post(lead_client, f"/articles/{demo_article.id}/settings", {}, article_id=demo_article.id, htmx=False)
    assert response.status_code == 303
    poller.poll()
    text = poller.root.by_id("article-text")
    assert text is not None and text.get("hx-swap-oob") == "true"
    (mark,) = marks(poller.root)
    assert f"verdict-{SECRET_VERDICT}" in mark.get("class")  # now everyone may see it


def test_an_older_version_has_no_poller(app, reviewer_client, demo_article):
    post(
        reviewer_client,
        f"/articles/{demo_article.id}/versions",
        {"text": demo_article.text + "\nMore.", "base_version": "1"},
        article_id=demo_article.id,
        htmx=False,
    )
    old = page(reviewer_client.get(f"/articles/{demo_article.id}?version=1"))
    assert old.by_id("live-poll") is None and old.by_id("live-status") is None
    assert page(reviewer_client.get(f"/articles/{demo_article.id}")).by_id("live-poll") is not None


def test_migration_0009_gives_every_article_a_counter_and_polls_work_after_it(app, reviewer_client, demo_article):
    from sqlalchemy import text

    from annotator.db import migrations

    with app.app_context():  # no session of the test's open: PostgreSQL's DDL would wait for its locks
        migrations.downgrade(db.engine(), "0006")
        migrations.upgrade(db.engine())
        with db.engine().connect() as connection:
            rows = connection.execute(text("SELECT article_id, revision FROM article_revisions")).all()
    assert [tuple(r) for r in rows] == [(demo_article.id, 0)]
    poller = Poller(reviewer_client, demo_article.id)
    assert poller.etag == f'"a{demo_article.id}r0"' and poller.poll().status_code == 304


def test_a_redrawn_paragraph_keeps_its_suggested_claims_and_their_reasons(app, reviewer_client, bob, demo_article):
    """The poll redraws a paragraph from the same view as the page: the other sentences' underlines stay."""
    poller = Poller(bob, demo_article.id)
    save(reviewer_client, demo_article, verdict="mostly-true", action="submit")
    assert poller.poll().status_code == 200
    paragraph = marks(poller.root)[0].parent
    suggested = paragraph.find_all("span", class_="suggestion")
    assert suggested, "the paragraph lost its suggested-claim underlines"
    assert all("score" in e.get("title", "") for e in suggested), [e.get("title") for e in suggested]
