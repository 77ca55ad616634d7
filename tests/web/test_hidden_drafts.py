"""Another reviewer's private draft leaves no trace in what a reviewer is answered (outside test finding 4):
the same status and the same page whether or not a hidden draft exists, 404 for what they may not see,
and re-attaching onto words a draft holds neither reveals the draft nor changes it."""

from __future__ import annotations

import re

import pytest

from annotator.db.models import Annotation, Article, Event, Span, SpanAnchor, User
from tests.fixtures.app import CLAIM, HX, annotation_data, post_annotation, rows
from tests.fixtures.helpers import post_form
from tests.fixtures.htmltree import parse
from tests.fixtures.review_helpers import annotation_of
from tests.fixtures.versions import SECOND, annotate, edited, new_version

NEW_WORDS = "Talks remain out of reach"
SECRET = "BOB-PRIVATE-DRAFT-NOTE"


@pytest.fixture
def bob(make_user):
    return make_user("bob")


def bob_drafts(bob, article: Article, quote: str) -> Annotation:
    response = post_annotation(
        bob, article, annotation_data(article.text, quote, verdict="mostly-false", note=SECRET, action="save")
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    return annotation_of(bob.application, "bob", article, quote)


def normalised(response) -> tuple[int, str]:
    """Status and body with what differs between two runs of the same request taken out (CSRF tokens, timings)."""
    body = response.get_data(as_text=True)
    body = re.sub(r'(name="csrf_token" (?:type="hidden" )?value="|"X-CSRFToken": ")[^"]+', r"\1…", body)
    # The live poller's entity tag and revision count every change to the article, the same for every
    # reader (they say that something changed, never what or where).
    body = re.sub(r"a\d+r\d+", "a…r…", body)
    body = re.sub(r"since=\d+", "since=…", body)
    body = re.sub(r'<time datetime="[^"]+">[^<]+</time>', "<time>…</time>", body)
    return response.status_code, body


@pytest.mark.parametrize("htmx", [False, True])
def test_the_annotate_form_is_the_same_whether_or_not_a_hidden_draft_holds_the_words(
    app, reviewer_client, bob, demo_article, htmx
):
    gone = annotate(reviewer_client, demo_article, SECOND)  # an orphan to offer once version 2 arrives
    new_version(reviewer_client, demo_article, edited(demo_article.text))
    article = rows(app, Article, Article.id == demo_article.id)[0]
    start = article.text.index(NEW_WORDS)
    url = f"/articles/{article.id}/annotate?start={start}&end={start + len(NEW_WORDS)}"
    headers = HX if htmx else {}
    without = normalised(reviewer_client.get(url, headers=headers))
    bob_drafts(bob, article, NEW_WORDS)
    with_draft = normalised(reviewer_client.get(url, headers=headers))
    assert with_draft == without
    assert "Or re-attach an orphan here" in with_draft[1] and f"/spans/{gone.id}/reattach" in with_draft[1]
    assert SECRET not in with_draft[1]


@pytest.mark.parametrize(
    "path, method",
    [
        ("/annotations/{id}/edit", "get"),
        ("/annotations/{id}", "post"),
        ("/annotations/{id}/submit", "post"),
        ("/annotations/{id}/delete", "post"),
        ("/annotations/{id}", "get"),
    ],
)
def test_another_reviewers_draft_answers_404_like_an_unknown_id(app, reviewer_client, bob, demo_article, path, method):
    draft = bob_drafts(bob, demo_article, CLAIM)
    answers = []
    for annotation_id in (draft.id, 999_999):
        url = path.format(id=annotation_id)
        if method == "get":
            response = reviewer_client.get(url)
        else:
            response = post_form(reviewer_client, url, annotation_data(demo_article.text), token_from="/articles/1")
        answers.append(response.status_code)
    assert answers == [404, 404]
    stored = annotation_of(app, "bob", demo_article)
    assert (stored.status, stored.note, stored.deleted_at, stored.version) == ("draft", SECRET, None, 1)


def test_a_known_annotation_of_someone_else_is_still_forbidden(app, reviewer_client, bob, demo_article):
    """Submitted (so known to exist, even where blind review hides its verdict): 403, not 404."""
    bob_drafts(bob, demo_article, CLAIM)
    submitted = annotation_of(app, "bob", demo_article)
    post_form(bob, f"/annotations/{submitted.id}/submit", {}, token_from="/articles/1")
    assert reviewer_client.get(f"/annotations/{submitted.id}/edit").status_code == 403
    response = post_form(reviewer_client, f"/annotations/{submitted.id}/delete", {}, token_from="/articles/1")
    assert response.status_code == 403


def orphan_and_version_two(app, reviewer_client, demo_article) -> tuple[Span, Article]:
    gone = annotate(reviewer_client, demo_article, SECOND)
    new_version(reviewer_client, demo_article, edited(demo_article.text))
    return gone, rows(app, Article, Article.id == demo_article.id)[0]


def reattach(client, article: Article, span: Span, quote: str):
    start = article.text.index(quote)
    fields = {"start": start, "end": start + len(quote), "quote": quote, "article_version": article.current_version}
    return post_form(
        client, f"/articles/{article.id}/spans/{span.id}/reattach", fields, token_from=f"/articles/{article.id}"
    )


def test_re_attaching_onto_words_a_hidden_draft_holds_answers_as_if_they_were_free(
    app, reviewer_client, bob, lead_client, demo_article
):
    gone, article = orphan_and_version_two(app, reviewer_client, demo_article)
    draft = bob_drafts(bob, article, NEW_WORDS)
    hidden_span_id = draft.span_id
    response = reattach(reviewer_client, article, gone, NEW_WORDS)
    assert response.status_code == 200 and response.headers["HX-Redirect"] == f"/articles/{article.id}?span={gone.id}"
    # The re-attacher sees their claim on the words, and nothing of the draft.
    panel = reviewer_client.get(f"/articles/{article.id}/spans/{gone.id}", headers=HX).get_data(as_text=True)
    assert (
        SECRET not in panel
        and "Mostly false" not in panel
        and "draft" not in panel.lower().replace("drafts only you", "")
    )
    history = reviewer_client.get(f"/articles/{article.id}/spans/{gone.id}/history", headers=HX).get_data(as_text=True)
    assert "moved" not in history and "bob" not in history.lower()
    # The draft is untouched and still private, now on the re-attached claim, with its history.
    moved = rows(app, Annotation, Annotation.id == draft.id)[0]
    assert (moved.span_id, moved.status, moved.verdict, moved.note, moved.version) == (
        gone.id,
        "draft",
        "mostly-false",
        SECRET,
        draft.version,
    )
    assert {e.action for e in rows(app, Event, Event.annotation_id == draft.id)} == {"created", "moved"}
    assert all(e.span_id == gone.id for e in rows(app, Event, Event.annotation_id == draft.id))
    bob_panel = bob.get(f"/articles/{article.id}/spans/{gone.id}", headers=HX).get_data(as_text=True)
    assert SECRET in bob_panel
    bob_history = bob.get(f"/articles/{article.id}/spans/{gone.id}/history", headers=HX).get_data(as_text=True)
    assert "moved" in bob_history
    # The claim the draft left is retired: on no one's list, not offered as an orphan.
    retired = rows(app, Span, Span.id == hidden_span_id)[0]
    assert retired.anchor_state == "orphaned"
    assert rows(app, Annotation, Annotation.span_id == hidden_span_id) == []
    lead_page = parse(lead_client.get(f"/articles/{article.id}").get_data(as_text=True))
    assert lead_page.by_id("orphans") is None
    start = article.text.index("Russia")
    offered = lead_client.get(f"/articles/{article.id}/annotate?start={start}&end={start + 6}", headers=HX)
    assert f"/spans/{hidden_span_id}/reattach" not in offered.get_data(as_text=True)


def test_the_re_attached_claim_keeps_its_words_in_the_next_version(app, reviewer_client, bob, demo_article):
    """The claim the draft left (older, so first in line) must not take the words back when the text changes
    again: an orphan never wins words from a claim placed in the latest version."""
    held = "Ukrainian President Volodymyr Zelenskyy"  # in every version below
    retired_id = bob_drafts(bob, demo_article, held).span_id
    gone, article = orphan_and_version_two(app, reviewer_client, demo_article)
    assert retired_id < gone.id
    assert reattach(reviewer_client, article, gone, held).status_code == 200
    anchors = {(a.span_id, a.version): a.state for a in rows(app, SpanAnchor)}
    assert anchors[(retired_id, 2)] == "orphaned"  # no longer placed in version 2 either
    assert new_version(reviewer_client, article, article.text + "\nA line added later.").status_code == 303
    claim, retired = (rows(app, Span, Span.id == span_id)[0] for span_id in (gone.id, retired_id))
    assert (claim.anchor_state, claim.quote) == ("kept", held) and retired.anchor_state == "orphaned"
    assert {a.user_id for a in rows(app, Annotation, Annotation.span_id == gone.id)} == {
        u.id for u in rows(app, User) if u.username in ("reviewer", "bob")
    }


def test_re_attach_answers_the_same_with_and_without_a_hidden_draft(app, make_user, demo_article, tmp_path):
    """Two runs of the same steps, one with bob's draft on the words: the re-attacher's answers match."""
    from tests.fixtures.app import make_app

    answers = []
    for with_draft in (False, True):
        run = make_app(tmp_path / f"run-{with_draft}.sqlite3")
        reviewer = run.test_client()
        from tests.fixtures.app import login

        assert login(reviewer, "reviewer").status_code == 303
        article = rows(run, Article)[0]
        gone, article = orphan_and_version_two(run, reviewer, article)
        if with_draft:
            from annotator.extensions import db
            from annotator.services.users import create_or_update_user
            from tests.fixtures.app import PASSWORD

            with run.app_context():
                create_or_update_user(session=db.session(), username="bob", role="reviewer", password=PASSWORD)
            other = run.test_client()
            assert login(other, "bob").status_code == 303
            bob_drafts(other, article, NEW_WORDS)
        response = reattach(reviewer, article, gone, NEW_WORDS)
        panel = reviewer.get(f"/articles/{article.id}/spans/{gone.id}", headers=HX)
        text_page = reviewer.get(f"/articles/{article.id}")
        answers.append(
            (response.status_code, response.headers.get("HX-Redirect"), normalised(panel), normalised(text_page)[0])
        )
        run.extensions["engine"].dispose()
    assert answers[0][:2] == answers[1][:2] and answers[0][3] == answers[1][3]
    assert answers[0][2][1].splitlines() == answers[1][2][1].splitlines()


def test_a_draft_whose_author_judged_the_re_attached_claim_stays_untouched_as_their_orphan(
    app, reviewer_client, bob, demo_article
):
    gone = annotate(reviewer_client, demo_article, SECOND)
    post_annotation(bob, demo_article, annotation_data(demo_article.text, SECOND, verdict="true"))
    new_version(reviewer_client, demo_article, edited(demo_article.text))
    article = rows(app, Article, Article.id == demo_article.id)[0]
    draft = bob_drafts(bob, article, NEW_WORDS)
    response = reattach(reviewer_client, article, gone, NEW_WORDS)
    assert response.status_code == 200
    kept = rows(app, Annotation, Annotation.id == draft.id)[0]
    assert (kept.span_id, kept.status, kept.note, kept.verdict) == (draft.span_id, "draft", SECRET, "mostly-false")
    assert rows(app, Span, Span.id == draft.span_id)[0].anchor_state == "orphaned"
    bob_page = parse(bob.get(f"/articles/{article.id}").get_data(as_text=True))
    assert NEW_WORDS in bob_page.by_id("orphans").text()  # bob finds it among the orphans


def test_re_attaching_onto_a_claim_the_re_attacher_knows_is_still_refused(app, reviewer_client, bob, demo_article):
    gone, article = orphan_and_version_two(app, reviewer_client, demo_article)
    post_annotation(bob, article, annotation_data(article.text, NEW_WORDS))
    response = reattach(reviewer_client, article, gone, NEW_WORDS)
    assert response.status_code == 409
    assert "Another claim already covers exactly these words" in response.get_data(as_text=True)
