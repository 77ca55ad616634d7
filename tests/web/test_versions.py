"""Article versions: a new text re-anchors every claim, older versions stay readable, orphans are
re-attached, and the diff shows what changed (web pages and the CLI)."""

from __future__ import annotations

import re

from annotator.db.models import Annotation, Article, ArticleVersion, Event, Span, SpanAnchor
from annotator.services import annotations as annotation_service
from tests.fixtures.app import CLAIM, HX, annotation_data, csrf_token, post_annotation, rows
from tests.fixtures.helpers import XSS_SCRIPT, post_form
from tests.fixtures.htmltree import parse
from tests.fixtures.versions import SECOND, annotate, edited, new_version  # noqa: F401


def test_a_pasted_version_re_anchors_claims_and_reports_what_became_of_them(
    app, reviewer_client, lead_client, demo_article
):
    claim = annotate(reviewer_client, demo_article, CLAIM)
    gone = annotate(reviewer_client, demo_article, SECOND, verdict="true")
    kept_quote = "Ukraine"
    kept = annotate(lead_client, demo_article, demo_article.text[demo_article.text.index("Ukraine") :][:7])
    response = new_version(reviewer_client, demo_article, edited(demo_article.text))
    assert response.status_code == 303
    assert response.headers["Location"] == f"/articles/{demo_article.id}/versions/2"

    article = rows(app, Article, Article.id == demo_article.id)[0]
    assert article.current_version == 2 and article.text.startswith("UPDATE: this article was corrected.\n")
    versions = rows(app, ArticleVersion, ArticleVersion.article_id == article.id)
    assert [(v.number, v.origin) for v in versions] == [(1, "created"), (2, "pasted")]
    assert versions[0].text == demo_article.text  # the first text is kept as it was

    spans = {s.id: s for s in rows(app, Span, Span.article_id == article.id)}
    changed, orphan, moved = spans[claim.id], spans[gone.id], spans[kept.id]
    assert changed.anchor_state == "changed" and changed.quote == CLAIM.replace("600,000", "650,000")
    assert article.text[changed.start : changed.end] == changed.quote
    assert orphan.anchor_state == "orphaned" and orphan.quote == SECOND and orphan.anchored_version == 1
    assert moved.anchor_state == "moved" and article.text[moved.start : moved.end] == kept_quote
    # Every span's place in both versions is stored; no annotation was dropped.
    anchors = {(a.span_id, a.version): a for a in rows(app, SpanAnchor)}
    assert anchors[(claim.id, 1)].quote == CLAIM and anchors[(claim.id, 2)].state == "changed"
    assert anchors[(gone.id, 2)].state == "orphaned" and anchors[(gone.id, 2)].start is None
    assert len(rows(app, Annotation)) == 3

    report = parse(reviewer_client.get(f"/articles/{article.id}/versions/2").get_data(as_text=True))
    totals = report.by_id("reanchor-totals").text()
    assert "1 moved" in totals and "1 changed" in totals and "1 orphaned" in totals
    changed_row = report.by_id("changed-claims").text()
    assert CLAIM in changed_row and CLAIM.replace("600,000", "650,000") in changed_row
    assert SECOND in report.by_id("orphaned-claims").text()


def test_the_latest_version_marks_changed_highlights_and_lists_orphans(app, reviewer_client, demo_article):
    claim = annotate(reviewer_client, demo_article, CLAIM)
    gone = annotate(reviewer_client, demo_article, SECOND)
    new_version(reviewer_client, demo_article, edited(demo_article.text))
    page = parse(reviewer_client.get(f"/articles/{demo_article.id}").get_data(as_text=True))
    marks = [m for m in page.find_all("mark") if str(claim.id) in m.get("data-span-ids").split()]
    assert marks and all("changed" in m.get("class") for m in marks)
    assert "".join(m.text() for m in marks) == CLAIM.replace("600,000", "650,000")
    assert not [m for m in page.find_all("mark") if str(gone.id) in m.get("data-span-ids").split()]
    orphans = page.by_id("orphans")
    assert "Orphans (1)" in orphans.text() and SECOND in orphans.text()
    assert page.by_id("version-select") is not None

    panel = parse(reviewer_client.get(f"/articles/{demo_article.id}?span={claim.id}").get_data(as_text=True))
    note = panel.by_id("changed-note").text()
    assert "600,000" in note and "650,000" in note and "version 2" in note
    orphan_panel = parse(reviewer_client.get(f"/articles/{demo_article.id}?span={gone.id}").get_data(as_text=True))
    assert "Orphaned" in orphan_panel.by_id("orphan-note").text()
    assert "Add your verdict" not in orphan_panel.text()


def test_an_older_version_shows_its_own_text_with_the_claims_where_they_stood(app, reviewer_client, demo_article):
    claim = annotate(reviewer_client, demo_article, CLAIM)
    gone = annotate(reviewer_client, demo_article, SECOND)
    new_version(reviewer_client, demo_article, edited(demo_article.text))
    page = parse(reviewer_client.get(f"/articles/{demo_article.id}?version=1").get_data(as_text=True))
    text = page.by_id("article-text")
    assert text.text().replace("\n", "") == demo_article.text.replace("\n", "")
    by_span = {}
    for mark in text.find_all("mark"):
        for span_id in mark.get("data-span-ids").split():
            by_span[int(span_id)] = by_span.get(int(span_id), "") + mark.text()
    assert by_span == {claim.id: CLAIM, gone.id: SECOND}
    assert "version 1" in page.by_id("version-banner").text()
    assert page.by_id("annotate-popover") is None  # read only
    assert reviewer_client.get(f"/articles/{demo_article.id}?version=9").status_code == 404


def test_annotations_made_on_a_later_version_are_not_shown_on_an_earlier_one(
    app, reviewer_client, lead_client, demo_article
):
    annotate(reviewer_client, demo_article, CLAIM)
    new_version(reviewer_client, demo_article, "Preface.\n" + demo_article.text)
    article = rows(app, Article, Article.id == demo_article.id)[0]
    annotate(lead_client, article, "Preface")
    page = parse(lead_client.get(f"/articles/{article.id}?version=1").get_data(as_text=True))
    assert "Preface" not in page.by_id("article-text").text()
    claims = page.by_id("panel").text()
    assert CLAIM[:40] in claims
    latest = rows(app, Annotation)[-1]
    assert latest.made_on_version == 2 and rows(app, Annotation)[0].made_on_version == 1


def test_an_orphan_is_re_attached_to_new_words_from_the_annotate_panel(app, reviewer_client, demo_article):
    gone = annotate(reviewer_client, demo_article, SECOND)
    new_version(reviewer_client, demo_article, edited(demo_article.text))
    article = rows(app, Article, Article.id == demo_article.id)[0]
    start = article.text.index("Talks remain out of reach")
    end = start + len("Talks remain out of reach")
    panel = parse(
        reviewer_client.get(f"/articles/{article.id}/annotate?start={start}&end={end}", headers=HX).get_data(
            as_text=True
        )
    )
    box = panel.by_id("reattach")
    assert SECOND in box.text()
    action = box.find("form").get("action")
    assert action == f"/articles/{article.id}/spans/{gone.id}/reattach"
    fields = {f.get("name"): f.get("value") for f in box.find("form").find_all("input")}
    assert (fields["start"], fields["end"], fields["article_version"]) == (str(start), str(end), "2")
    assert fields["quote"] == "Talks remain out of reach"
    response = post_form(reviewer_client, action, fields, token_from=f"/articles/{article.id}")
    assert response.status_code == 200 and response.headers["HX-Redirect"] == f"/articles/{article.id}?span={gone.id}"
    span = rows(app, Span, Span.id == gone.id)[0]
    assert (span.anchor_state, span.start, span.end, span.quote) == (
        "reattached",
        start,
        end,
        "Talks remain out of reach",
    )
    assert rows(app, Annotation, Annotation.span_id == gone.id)[0].verdict == "false"
    event = rows(app, Event, Event.span_id == gone.id, Event.action == "reattached")[0]
    assert event.before == {"quote": SECOND} and event.after == {"quote": "Talks remain out of reach"}
    # Done once: a second re-attach is refused, and the highlight is back.
    again = post_form(reviewer_client, action, fields, token_from=f"/articles/{article.id}")
    assert again.status_code == 409
    page = parse(reviewer_client.get(f"/articles/{article.id}").get_data(as_text=True))
    assert page.by_id("orphans") is None
    assert any(str(gone.id) in m.get("data-span-ids").split() for m in page.find_all("mark"))


def test_re_attach_refuses_bad_ranges_words_of_another_claim_and_strangers(
    app, reviewer_client, make_user, demo_article
):
    claim = annotate(reviewer_client, demo_article, CLAIM)
    gone = annotate(reviewer_client, demo_article, SECOND)
    new_version(reviewer_client, demo_article, edited(demo_article.text))
    article = rows(app, Article, Article.id == demo_article.id)[0]
    claim = rows(app, Span, Span.id == claim.id)[0]
    path = f"/articles/{article.id}/spans/{gone.id}/reattach"
    token_page = f"/articles/{article.id}"

    def words(start, end, version=2, quote=None):
        return {
            "start": start,
            "end": end,
            "article_version": version,
            "quote": article.text[start:end] if quote is None else quote,
        }

    assert post_form(reviewer_client, path, words(5, 2, quote="x"), token_from=token_page).status_code == 422
    assert post_form(reviewer_client, path, {"start": "x"}, token_from=token_page).status_code == 422
    assert post_form(reviewer_client, path, words(0, 10**9, quote="x"), token_from=token_page).status_code == 422
    # The words seen must be the words there, in the version they were selected in.
    assert post_form(reviewer_client, path, words(0, 6, quote="other"), token_from=token_page).status_code == 422
    assert post_form(reviewer_client, path, words(0, 6, version=1), token_from=token_page).status_code == 409
    taken = post_form(reviewer_client, path, words(claim.start, claim.end), token_from=token_page)
    assert taken.status_code == 409
    stranger = make_user("stranger")  # the claim's annotations are submitted: any reviewer knows of it
    assert post_form(stranger, path, words(0, 6), token_from=token_page).status_code == 200
    no_csrf = reviewer_client.post(path, data=words(0, 6))
    assert no_csrf.status_code == 400


def test_a_same_or_empty_text_adds_no_version(app, reviewer_client, demo_article):
    same = new_version(reviewer_client, demo_article, demo_article.text)
    assert same.status_code == 422 and "same as version 1" in same.get_data(as_text=True)
    empty = new_version(reviewer_client, demo_article, "   ")
    assert empty.status_code == 422 and "Paste the article" in empty.get_data(as_text=True)
    assert len(rows(app, ArticleVersion)) <= 1


def test_a_text_file_or_saved_page_becomes_a_version(app, reviewer_client, demo_article):
    import io

    token = csrf_token(reviewer_client, f"/articles/{demo_article.id}/versions/new")
    data = {"csrf_token": token, "text": "", "file": (io.BytesIO(edited(demo_article.text).encode()), "v2.txt")}
    response = reviewer_client.post(
        f"/articles/{demo_article.id}/versions", data=data, content_type="multipart/form-data"
    )
    assert response.status_code == 303
    version = rows(app, ArticleVersion, ArticleVersion.number == 2)[0]
    assert (version.origin, version.source) == ("file", "v2.txt")
    bad = reviewer_client.post(
        f"/articles/{demo_article.id}/versions",
        content_type="multipart/form-data",
        data={"csrf_token": token, "file": (io.BytesIO(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"), "v3.pdf")},
    )
    assert bad.status_code == 422 and "v3.pdf is a PDF file" in bad.get_data(as_text=True)


def test_the_diff_shows_insertions_and_deletions_inline_and_escapes_text(app, reviewer_client, demo_article):
    new_version(reviewer_client, demo_article, edited(demo_article.text) + "\n" + XSS_SCRIPT)
    response = reviewer_client.get(f"/articles/{demo_article.id}/diff?from=1&to=2")
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert XSS_SCRIPT not in body and "&lt;script&gt;" in body
    diff = parse(body).by_id("diff-text")
    inserted = " ".join(i.text() for i in diff.find_all("ins"))
    deleted = " ".join(d.text() for d in diff.find_all("del"))
    assert "650" in inserted and "600" in deleted
    assert "UPDATE: this article was corrected." in inserted
    assert SECOND in deleted or "Putin is unlikely" in deleted
    summary = parse(body).by_id("diff-summary").text()
    assert re.search(r"\d+ changes", summary)
    # Defaults: the previous version against the latest; unknown versions are 404.
    assert "diff-text" in reviewer_client.get(f"/articles/{demo_article.id}/diff").get_data(as_text=True)
    assert reviewer_client.get(f"/articles/{demo_article.id}/diff?from=1&to=7").status_code == 404
    same = parse(reviewer_client.get(f"/articles/{demo_article.id}/diff?from=2&to=2").get_data(as_text=True))
    assert "same text" in same.by_id("diff-summary").text()


def test_the_versions_page_lists_every_version_with_its_claims(app, reviewer_client, demo_article):
    annotate(reviewer_client, demo_article, CLAIM)
    new_version(reviewer_client, demo_article, edited(demo_article.text))
    page = parse(reviewer_client.get(f"/articles/{demo_article.id}/versions").get_data(as_text=True))
    table = page.by_id("versions").text()
    assert "Pasted" in table and "Added" in table and "1 changed" in table
    assert reviewer_client.get(f"/articles/{demo_article.id}/versions/5").status_code == 404


def test_a_save_made_on_an_old_text_is_refused_once_a_new_version_arrives(app, reviewer_client, demo_article):
    """The form was opened (and checked) on version 1; version 2 lands before the save commits."""
    from sqlmodel import Session, select

    from annotator.db.models import User
    from annotator.domain.anchoring import resolve_target
    from annotator.extensions import db

    with app.app_context():
        with Session(db.engine(), expire_on_commit=False) as session:  # the saving request's own session
            stale = session.get(Article, demo_article.id)
            user = session.exec(select(User).where(User.username == "reviewer")).one()
            at = stale.text.index(CLAIM)
            target = resolve_target(stale.text, start=at, end=at + len(CLAIM), quote=CLAIM)
            assert new_version(reviewer_client, demo_article, "Preface.\n" + demo_article.text).status_code == 303
            try:
                annotation_service.save_annotation(
                    session=session, user=user, article=stale, target=target, verdict="true", note="", sources=[]
                )
            except annotation_service.TextChanged:
                session.rollback()
            else:
                raise AssertionError("a save on the old text was stored")
    assert not rows(app, Annotation)


def test_cli_adds_versions_from_files_and_reports_the_claims(app, runner, reviewer_client, demo_article, tmp_path):
    annotate(reviewer_client, demo_article, CLAIM)
    path = tmp_path / "v2.txt"
    path.write_text(edited(demo_article.text), encoding="utf-8")
    result = runner.invoke(args=["import-article", str(path), "--article", str(demo_article.id)])
    assert result.exit_code == 0, result.output
    assert "version 2: 0 kept, 0 moved, 1 changed, 0 orphaned" in result.output
    assert f"/articles/{demo_article.id}/versions/2" in result.output
    again = runner.invoke(args=["import-article", str(path), "--article", str(demo_article.id)])
    assert again.exit_code == 0 and "same as version 2" in again.output
    missing = runner.invoke(args=["import-article", str(path), "--article", "999"])
    assert missing.exit_code != 0 and "no article with id 999" in missing.output
    assert "Traceback" not in missing.output


def test_fetching_the_page_again_adds_a_version_only_when_it_changed(app, reviewer_client, runner):
    from tests.fixtures.page_server import Handler, PageServer

    app.config.update(FETCH_ALLOWED_HOSTS=frozenset({"127.0.0.1"}), FETCH_TIMEOUT=3, FETCH_MAX_BYTES=100_000)
    with PageServer() as server:
        result = runner.invoke(args=["import-url", f"{server.base}/living"])
        assert result.exit_code == 0, result.output
        article = rows(app, Article)[-1]
        with app.app_context():  # the page names news.example as canonical: point the article back here
            from annotator.extensions import db

            db.session().get(Article, article.id).source_url = f"{server.base}/living"
            db.session().commit()
        figure = "unemployment fell to 3.9% in May"
        annotate(reviewer_client, article, figure)
        page = f"/articles/{article.id}/versions/new"
        unchanged = post_form(
            reviewer_client, f"/articles/{article.id}/versions/fetch", {}, token_from=page, htmx=False
        )
        assert unchanged.status_code == 200, re.findall(r"<li>[^<]*", unchanged.get_data(as_text=True))
        assert "same as version 1" in unchanged.get_data(as_text=True)

        Handler.edition = 2  # the publisher quietly corrects the figure
        fetched = post_form(reviewer_client, f"/articles/{article.id}/versions/fetch", {}, token_from=page, htmx=False)
        assert fetched.status_code == 303 and fetched.headers["Location"].endswith("/versions/2")
        version = rows(app, ArticleVersion, ArticleVersion.article_id == article.id, ArticleVersion.number == 2)[0]
        assert version.origin == "web" and version.source == f"{server.base}/living"
        span = rows(app, Span, Span.article_id == article.id)[0]
        assert span.anchor_state == "changed" and span.quote == figure.replace("3.9", "4.1")

        again = runner.invoke(args=["import-url", f"{server.base}/living", "--article", str(article.id)])
        assert again.exit_code == 0 and "same as version 2" in again.output
        Handler.edition = 1
        back = runner.invoke(args=["import-url", f"{server.base}/living", "--article", str(article.id)])
        assert back.exit_code == 0 and "version 3: 0 kept, 0 moved, 1 changed, 0 orphaned" in back.output
    gone = post_form(reviewer_client, f"/articles/{article.id}/versions/fetch", {}, token_from=page, htmx=False)
    assert gone.status_code == 422 and "fetch-errors" in gone.get_data(as_text=True)


def test_an_orphan_travels_through_export_and_import_as_an_orphan(app, runner, reviewer_client, demo_article, tmp_path):
    import json

    from tests.fixtures.app import make_app

    annotate(reviewer_client, demo_article, CLAIM)
    annotate(reviewer_client, demo_article, SECOND)
    new_version(reviewer_client, demo_article, edited(demo_article.text))
    latest = rows(app, Article, Article.id == demo_article.id)[0].text
    first = tmp_path / "first.jsonld"
    assert runner.invoke(args=["export", str(demo_article.id), "-o", str(first)]).exit_code == 0
    items = json.loads(first.read_text())["first"]["items"]
    orphan = next(i for i in items if i["target"]["selector"][0]["exact"] == SECOND)
    # Its words are in no current text: the export quotes them and gives no position.
    assert [s["type"] for s in orphan["target"]["selector"]] == ["TextQuoteSelector"]
    app.extensions["engine"].dispose()

    other = make_app(tmp_path / "other.sqlite3")  # on PostgreSQL: the same database, emptied
    other_runner = other.test_cli_runner()
    (tmp_path / "latest.txt").write_text(latest, encoding="utf-8")
    added = other_runner.invoke(args=["import-article", str(tmp_path / "latest.txt"), "--title", "Latest"])
    article_id = rows(other, Article)[-1].id
    assert added.exit_code == 0
    result = other_runner.invoke(args=["import-annotations", str(first), "--article", str(article_id)])
    assert result.output.splitlines()[-1] == "1 imported, 0 re-anchored, 1 orphaned, 0 rejected", result.output
    again = tmp_path / "again.jsonld"
    assert other_runner.invoke(args=["export", str(article_id), "-o", str(again)]).exit_code == 0

    def strip(doc):
        return [
            {k: v for k, v in i.items() if k not in ("id", "target")} | {"selector": i["target"]["selector"]}
            for i in json.loads(doc.read_text())["first"]["items"]
        ]

    assert strip(again) == strip(first)
    other.extensions["engine"].dispose()


def test_search_finds_a_claim_by_its_new_wording_after_a_version_changed_it(app, reviewer_client, demo_article):
    from annotator.db import search_index
    from annotator.extensions import db

    annotate(reviewer_client, demo_article, CLAIM)
    new_version(reviewer_client, demo_article, edited(demo_article.text))
    with app.app_context():
        assert search_index.stale_documents(db.session()) == []
    found = parse(reviewer_client.get("/search?q=650%2C000").get_data(as_text=True))
    assert "650,000 Russian soldiers" in found.text()


def test_a_claim_made_on_a_later_version_is_anchored_from_that_version(app, reviewer_client, demo_article):
    """Version 2 adds a line; a claim made on version 2 survives version 3 and shows on version 2."""
    new_version(reviewer_client, demo_article, "Preface.\n" + demo_article.text)
    article = rows(app, Article, Article.id == demo_article.id)[0]
    claim = annotate(reviewer_client, article, CLAIM)
    assert (claim.anchored_version, rows(app, Annotation)[0].made_on_version) == (2, 2)
    new_version(reviewer_client, article, article.text.replace("Preface.", "Foreword, rewritten."))
    span = rows(app, Span, Span.id == claim.id)[0]
    latest = rows(app, Article, Article.id == demo_article.id)[0].text
    assert span.anchor_state == "moved" and latest[span.start : span.end] == CLAIM
    page = parse(reviewer_client.get(f"/articles/{article.id}?version=2").get_data(as_text=True))
    assert "".join(m.text() for m in page.by_id("article-text").find_all("mark")) == CLAIM
    page = parse(reviewer_client.get(f"/articles/{article.id}?version=1").get_data(as_text=True))
    assert not page.by_id("article-text").find_all("mark")  # it was made later


def test_a_form_opened_on_an_older_version_is_refused_with_409(app, reviewer_client, demo_article):
    data = annotation_data(demo_article.text, CLAIM)
    data["article_version"] = 1
    new_version(reviewer_client, demo_article, demo_article.text + "\nA new last line.")
    response = post_annotation(reviewer_client, demo_article, data)
    assert response.status_code == 409 and "new version" in response.get_data(as_text=True)
    assert not rows(app, Annotation)
    data["article_version"] = 2
    assert post_annotation(reviewer_client, demo_article, data).status_code == 200


def test_a_version_added_meanwhile_is_not_silently_undone(app, reviewer_client, lead_client, demo_article):
    token = csrf_token(reviewer_client, f"/articles/{demo_article.id}/versions/new")
    new_version(lead_client, demo_article, demo_article.text + "\nThe lead's correction.")
    mine = demo_article.text + "\nMy correction."
    response = reviewer_client.post(
        f"/articles/{demo_article.id}/versions", data={"csrf_token": token, "text": mine, "base_version": 1}
    )
    assert response.status_code == 409
    page = parse(response.get_data(as_text=True))
    assert "Version 2 was added" in page.by_id("version-conflict").text()
    assert page.by_id("text").text().strip().endswith("My correction.")  # the typed text is kept
    assert page.find("input", name="base_version").get("value") == "2"
    assert len(rows(app, ArticleVersion)) == 2
    again = reviewer_client.post(
        f"/articles/{demo_article.id}/versions", data={"csrf_token": token, "text": mine, "base_version": 2}
    )
    assert again.status_code == 303 and len(rows(app, ArticleVersion)) == 3


def test_a_text_file_that_is_not_utf_8_is_refused_with_the_reason(app, reviewer_client, demo_article):
    import io

    token = csrf_token(reviewer_client, f"/articles/{demo_article.id}/versions/new")
    data = {"csrf_token": token, "file": (io.BytesIO("Café crème".encode("latin-1")), "v2.txt")}
    response = reviewer_client.post(
        f"/articles/{demo_article.id}/versions", data=data, content_type="multipart/form-data"
    )
    assert response.status_code == 422 and "not UTF-8" in response.get_data(as_text=True)


def test_the_published_review_keeps_the_words_the_lead_ruled_on(
    app, reviewer_client, lead_client, runner, demo_article
):
    import json

    claim = annotate(reviewer_client, demo_article, CLAIM)
    page = f"/articles/{demo_article.id}?span={claim.id}"
    settled = post_form(
        lead_client,
        f"/articles/{demo_article.id}/spans/{claim.id}/final-verdict",
        {"verdict": "false", "rationale": "The figure is not supported."},
        token_from=page,
    )
    assert settled.status_code == 200, settled.get_data(as_text=True)[:300]
    new_version(reviewer_client, demo_article, demo_article.text.replace("600,000", "650,000"))
    assert rows(app, Span, Span.id == claim.id)[0].quote == CLAIM.replace("600,000", "650,000")
    reviews = json.loads(reviewer_client.get(f"/articles/{demo_article.id}/claimreview.jsonld").get_data())
    assert reviews[0]["claimReviewed"] == CLAIM
    panel = parse(reviewer_client.get(page).get_data(as_text=True))
    assert "Ruled on the earlier wording" in panel.text()


def test_cli_lists_versions_and_prints_the_diff(app, runner, reviewer_client, demo_article):
    annotate(reviewer_client, demo_article, CLAIM)
    new_version(reviewer_client, demo_article, edited(demo_article.text))
    listed = runner.invoke(args=["versions", str(demo_article.id)])
    assert listed.exit_code == 0, listed.output
    first, second = listed.output.splitlines()
    assert first.startswith("1\t") and "\tcreated\t" in first
    assert second.startswith("2\t") and "\tpasted\t" in second and "1 changed" in second and second.endswith("latest")
    diff = runner.invoke(args=["diff", str(demo_article.id)])
    assert diff.exit_code == 0, diff.output
    assert diff.output.startswith(f"Article {demo_article.id}, version 1 to 2: 4 changes: 11 words inserted, 9 deleted")
    assert "[-600-]{+650+},000" in diff.output and "{+UPDATE: this article was corrected.+}{+¶+}" in diff.output
    same = runner.invoke(args=["diff", str(demo_article.id), "--from", "2", "--to", "2"])
    assert same.exit_code == 0 and same.output.strip().endswith("the same text")
    missing = runner.invoke(args=["diff", str(demo_article.id), "--from", "7"])
    assert missing.exit_code == 1 and "has no version 7" in missing.output and "Traceback" not in missing.output


def test_an_orphan_is_a_claim_of_its_own_on_the_dashboard(app, reviewer_client, lead_client, demo_article):
    """Its old range may overlap a current claim's; the agreement figures must not merge them."""
    annotate(reviewer_client, demo_article, SECOND, verdict="true")
    new_version(reviewer_client, demo_article, demo_article.text.replace(SECOND, "Talks remain out of reach"))
    article = rows(app, Article, Article.id == demo_article.id)[0]
    annotate(lead_client, article, "Talks remain out of reach", verdict="false")  # the orphan's old place
    response = lead_client.get("/review/articles.csv")
    assert response.status_code == 200
    from annotator.extensions import db
    from annotator.services import review as dashboard

    with app.app_context():
        data = dashboard.load_dashboard(session=db.session())
    starts = sorted(row.start for row in data.annotations)
    assert starts[-1] >= dashboard.ORPHAN_OFFSETS and starts[0] < len(article.text)


def test_cli_re_attaches_an_orphan_by_its_new_wording(app, runner, reviewer_client, demo_article):
    gone = annotate(reviewer_client, demo_article, SECOND)
    new_version(reviewer_client, demo_article, edited(demo_article.text))
    args = ["reattach", str(gone.id), "--quote", "Talks remain out of reach", "--user", "lead"]
    result = runner.invoke(args=args)
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"Re-attached claim {gone.id} to characters")
    span = rows(app, Span, Span.id == gone.id)[0]
    assert (span.anchor_state, span.quote) == ("reattached", "Talks remain out of reach")
    again = runner.invoke(args=args)
    assert again.exit_code == 1 and "is not orphaned" in again.output
    missing = runner.invoke(args=["reattach", "999", "--quote", "x", "--user", "lead"])
    assert missing.exit_code == 1 and "no claim" in missing.output and "Traceback" not in missing.output


def post_file(client, article, name: str, data: bytes):
    import io

    token = csrf_token(client, f"/articles/{article.id}/versions/new")
    return client.post(
        f"/articles/{article.id}/versions",
        content_type="multipart/form-data",
        data={"csrf_token": token, "text": "", "file": (io.BytesIO(data), name)},
    )


def test_a_binary_file_is_refused_by_its_content_with_the_reason_on_the_file_field(app, reviewer_client, demo_article):
    from tests.fixtures.binary_files import PDF, SAMPLES

    response = post_file(reviewer_client, demo_article, "report.pdf", PDF)
    assert response.status_code == 422
    errors = parse(response.get_data(as_text=True)).by_id("file-errors").text().strip()
    assert errors == "report.pdf is a PDF file, not text or a web page; reading PDFs is not supported yet."
    for name, data, kind in SAMPLES:
        renamed = post_file(reviewer_client, demo_article, "v2.txt", data)
        assert renamed.status_code == 422, name
        assert f"v2.txt is {kind}" in parse(renamed.get_data(as_text=True)).by_id("file-errors").text(), name
    assert len(rows(app, ArticleVersion)) == 1


def test_a_saved_page_named_txt_becomes_a_version_of_its_article_text(app, reviewer_client, demo_article):
    from pathlib import Path

    page = (Path(__file__).parents[1] / "fixtures" / "pages" / "news.html").read_bytes()
    assert post_file(reviewer_client, demo_article, "v2.txt", page).status_code == 303
    version = rows(app, ArticleVersion, ArticleVersion.number == 2)[0]
    assert version.text.startswith("The minister for work said") and "<" not in version.text
