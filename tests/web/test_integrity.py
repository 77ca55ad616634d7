"""Nothing lost, nothing corrupted: history of changes, atomic saves, odd ids and odd characters."""

import pytest
from sqlmodel import select

from annotator.db.models import Annotation, Event, Span, User
from annotator.domain.anchoring import resolve_target
from annotator.extensions import db
from annotator.services import annotations as annotation_service
from tests.fixtures.app import CLAIM, HX, annotation_data, post_annotation, rows
from tests.fixtures.helpers import add_article, counts, created_article, post_form
from tests.fixtures.htmltree import article_text, page

NATO = {"url": "https://www.nato.int/briefing", "title": "NATO briefing", "excerpt": "600,000"}


def events(app):
    with app.app_context():
        return list(db.session().exec(select(Event).where(Event.annotation_id.is_not(None)).order_by(Event.id)))


def test_every_change_is_recorded_with_the_value_before_and_after(app, reviewer_client, demo_article):
    post_annotation(
        reviewer_client,
        demo_article,
        annotation_data(demo_article.text, verdict="mostly-true", note="first", sources=[NATO], action="save"),
    )
    (annotation,) = rows(app, Annotation)
    post_form(
        reviewer_client,
        f"/annotations/{annotation.id}",
        {"verdict": "false", "note": "second", "version": "1", "action": "save"},
        token_from=f"/articles/{demo_article.id}",
    )
    post_form(reviewer_client, f"/annotations/{annotation.id}/delete", {}, token_from=f"/articles/{demo_article.id}")
    post_annotation(
        reviewer_client, demo_article, annotation_data(demo_article.text, verdict="mixed", note="third", action="save")
    )

    created, edited, deleted, restored = events(app)
    assert [e.action for e in (created, edited, deleted, restored)] == ["created", "edited", "deleted", "restored"]
    assert created.before is None
    assert created.after == {
        "verdict": "mostly-true",
        "note": "first",
        "status": "draft",
        "sources": [{"url": NATO["url"], "title": NATO["title"], "excerpt": NATO["excerpt"]}],
    }
    # The edit dropped the source, but the event keeps it.
    assert edited.before == created.after
    assert edited.after == {"verdict": "false", "note": "second", "status": "draft", "sources": []}
    assert deleted.before == edited.after and deleted.after is None
    assert restored.before == edited.after and restored.after["verdict"] == "mixed"
    (reviewer,) = rows(app, User, User.username == "reviewer")
    assert {e.user_id for e in (created, edited, deleted, restored)} == {reviewer.id}
    assert all(e.annotation_id == annotation.id for e in (created, edited, deleted, restored))


def test_a_save_that_fails_half_way_leaves_nothing_behind(app, demo_article, monkeypatch):
    def fail(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(annotation_service, "_record", fail)
    with app.app_context():
        session = db.session()
        user = session.exec(select(User).where(User.username == "reviewer")).one()
        target = resolve_target(demo_article.text, start=None, end=None, quote=CLAIM)
        with pytest.raises(RuntimeError):
            annotation_service.save_annotation(
                session=session,
                user=user,
                article=demo_article,
                target=target,
                verdict="true",
                note="",
                sources=[{"url": "https://x.org", "title": "", "excerpt": ""}],
            )
        session.rollback()
    # Checked on a fresh connection: the span inserted before the failure was not committed.
    assert counts(app) == (0, 0, 0)


@pytest.mark.parametrize(
    "path",
    [
        "/articles/99999999999999999999999",
        "/articles/2147483648",
        "/articles/1?span=99999999999999999999",
        "/articles/1/spans/99999999999999999999",
        "/articles/1/summary/../99999999999999999999",
        "/annotations/99999999999999999999/edit",
        "/articles/99999999999999999999/annotations.jsonld",
    ],
)
def test_ids_too_large_for_any_table_are_404(reviewer_client, path):
    assert reviewer_client.get(path).status_code == 404


def test_control_characters_are_removed_from_article_text_and_notes(app, reviewer_client):
    article = created_article(
        app, add_article(reviewer_client, title="Nul\x00 title", text="alpha\x00 beta\x07 gamma\r\ndelta \x1b[31m")
    )
    assert article.text == "alpha beta gamma\ndelta [31m"
    assert article.title == "Nul title"
    root = page(reviewer_client.get(f"/articles/{article.id}"))
    assert article_text(root) == article.text
    response = post_annotation(reviewer_client, article, annotation_data(article.text, "gamma", note="a\x00b"))
    assert response.status_code == 200
    (annotation,) = rows(app, Annotation)
    assert annotation.note == "ab"


def test_annotate_form_reads_the_quote_from_the_offsets(reviewer_client, demo_article):
    start = demo_article.text.index(CLAIM)
    root = page(
        reviewer_client.get(
            f"/articles/{demo_article.id}/annotate",
            query_string={"start": start, "end": start + len(CLAIM)},
            headers=HX,
        )
    )
    assert root.find("blockquote").text() == CLAIM
    assert root.find("input", name="quote").get("value") == CLAIM


def test_article_list_does_not_count_claims_whose_annotations_were_all_deleted(app, reviewer_client, demo_article):
    post_annotation(reviewer_client, demo_article, annotation_data(demo_article.text))
    post_annotation(reviewer_client, demo_article, annotation_data(demo_article.text, "Putin appears willing"))
    first = rows(app, Annotation)[0]
    post_form(reviewer_client, f"/annotations/{first.id}/delete", {}, token_from=f"/articles/{demo_article.id}")
    assert len(rows(app, Span)) == 2  # the span stays, with no visible annotation
    listing = reviewer_client.get("/").get_data(as_text=True)
    assert "1 claim checked · 1 annotation" in " ".join(listing.split())
