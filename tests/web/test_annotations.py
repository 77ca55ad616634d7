"""Saving, editing and deleting annotations, and the span panel that shows them."""

import pytest

from annotator.db.models import Annotation, Source, Span
from annotator.extensions import db
from annotator.services.users import create_or_update_user
from tests.fixtures.app import CLAIM, HX, PASSWORD, annotation_data, csrf_token, login, post_annotation, rows
from tests.fixtures.helpers import (
    XSS_ALL,
    XSS_SCRIPT,
    add_article,
    counts,
    created_article,
    post_form,
    set_blind_review,
)
from tests.fixtures.htmltree import article_text, highlighted_span_ids, labelled, marks, page, paragraphs

NATO = {"url": "https://www.nato.int/briefing", "title": "NATO briefing", "excerpt": "600,000 casualties"}
ISW = {"url": "https://understandingwar.org/report", "title": "ISW report", "excerpt": ""}


def save(client, article, quote=CLAIM, **kwargs):
    response = post_annotation(client, article, annotation_data(article.text, quote, **kwargs))
    assert response.status_code == 200, response.get_data(as_text=True)
    return response


def only(app, model, *where):
    found = rows(app, model, *where)
    assert len(found) == 1, found
    return found[0]


# --- Saving ---------------------------------------------------------------------------------------


def test_htmx_save_returns_the_span_panel_and_its_paragraph_out_of_band(app, reviewer_client, demo_article):
    response = save(reviewer_client, demo_article, note="NATO figure", sources=[NATO])
    span = only(app, Span)
    root = page(response)
    panel = root.find("div", data_active_span=str(span.id))
    assert panel is not None
    assert panel.find("blockquote").text() == CLAIM
    assert root.by_id("article-text") is None  # not the whole text: only what the change touches
    [paragraph] = paragraphs(root)
    start = int(paragraph.get("data-start"))
    assert paragraph.get("id") == f"p{start}"
    assert paragraph.text() == demo_article.text[start:].split("\n")[0]
    assert start <= span.start and span.end <= start + len(paragraph.text())
    highlight = [m for m in marks(root) if m.get("data-span-ids") == str(span.id)]
    assert len(highlight) == 1 and highlight[0].text() == CLAIM
    assert "verdict-mostly-true" in highlight[0].classes
    stats = root.by_id("article-stats")
    assert stats.get("hx-swap-oob") == "true"
    assert "1 claim" in stats.text() and "1 annotation" in stats.text()


def test_saved_annotation_is_stored_with_its_span_and_sources(app, reviewer_client, demo_article):
    save(reviewer_client, demo_article, verdict="misleading", note="Needs context", sources=[NATO, ISW])
    span = only(app, Span)
    start = demo_article.text.index(CLAIM)
    assert (span.start, span.end, span.quote) == (start, start + len(CLAIM), CLAIM)
    assert span.prefix == demo_article.text[start - 32 : start]
    assert span.suffix == demo_article.text[span.end : span.end + 32]
    annotation = only(app, Annotation)
    assert (annotation.verdict, annotation.note, annotation.version) == ("misleading", "Needs context", 1)
    assert annotation.created_at.tzinfo is not None
    sources = sorted(rows(app, Source), key=lambda s: s.position)
    assert [(s.position, s.url, s.title, s.excerpt) for s in sources] == [
        (0, NATO["url"], NATO["title"], NATO["excerpt"]),
        (1, ISW["url"], ISW["title"], ""),
    ]


def test_empty_source_rows_are_ignored(app, reviewer_client, demo_article):
    blank = {"url": "", "title": "", "excerpt": "  "}
    save(reviewer_client, demo_article, sources=[blank, NATO, blank])
    assert [s.url for s in rows(app, Source)] == [NATO["url"]]
    assert only(app, Source).position == 0


def test_non_htmx_save_redirects_303_to_the_article_with_the_span_open(app, reviewer_client, demo_article):
    response = post_annotation(reviewer_client, demo_article, annotation_data(demo_article.text), htmx=False)
    span = only(app, Span)
    assert response.status_code == 303
    assert response.headers["Location"] == f"/articles/{demo_article.id}?span={span.id}"
    root = page(reviewer_client.get(response.headers["Location"]))
    assert root.find("div", data_active_span=str(span.id)) is not None
    assert span.id in highlighted_span_ids(root)


def test_second_reviewer_saving_the_same_offsets_reuses_the_span(app, reviewer_client, make_user, demo_article):
    save(reviewer_client, demo_article, verdict="true")
    save(make_user("alice"), demo_article, verdict="false")
    span = only(app, Span)
    annotations = rows(app, Annotation)
    assert len(annotations) == 2 and {a.span_id for a in annotations} == {span.id}
    root = page(reviewer_client.get(f"/articles/{demo_article.id}"))
    assert highlighted_span_ids(root) == {span.id}
    assert any("disputed" in m.classes for m in marks(root))


def test_saving_again_updates_the_reviewers_one_annotation(app, reviewer_client, demo_article):
    save(reviewer_client, demo_article, verdict="true", note="first", sources=[NATO, ISW])
    save(reviewer_client, demo_article, verdict="false", note="second thoughts", sources=[ISW])
    annotation = only(app, Annotation)
    assert (annotation.verdict, annotation.note, annotation.version) == ("false", "second thoughts", 2)
    assert annotation.updated_at >= annotation.created_at
    assert [s.url for s in rows(app, Source, Source.removed_at.is_(None))] == [ISW["url"]]
    # The dropped source keeps its row, marked removed: nothing a user entered is deleted.
    (dropped,) = rows(app, Source, Source.removed_at.is_not(None))
    assert dropped.url == NATO["url"]
    assert len(rows(app, Span)) == 1


def test_quote_only_request_is_located_in_the_text(app, reviewer_client, demo_article):
    save(reviewer_client, demo_article, offsets=False)
    span = only(app, Span)
    start = demo_article.text.index(CLAIM)
    assert (span.start, span.end, span.quote) == (start, start + len(CLAIM), CLAIM)


def test_quote_only_request_with_a_prefix_picks_one_of_several_occurrences(app, reviewer_client, demo_article):
    prefix = "Aleksandar Vučić said "
    save(reviewer_client, demo_article, "Putin", offsets=False, prefix=prefix)
    span = only(app, Span)
    assert span.start == demo_article.text.index(prefix + "Putin") + len(prefix)
    assert span.quote == "Putin"


def test_quote_only_request_in_decomposed_unicode_is_found(app, reviewer_client, demo_article):
    decomposed = "Aleksandar Vuc\u030cic\u0301 said"  # NFD of "Vučić"
    save(reviewer_client, demo_article, decomposed, offsets=False)
    span = only(app, Span)
    assert span.quote == "Aleksandar Vučić said"
    assert demo_article.text[span.start : span.end] == span.quote


def test_saving_on_a_span_after_deleting_restores_the_same_annotation(app, reviewer_client, demo_article):
    save(reviewer_client, demo_article, verdict="true")
    annotation = only(app, Annotation)
    post_form(reviewer_client, f"/annotations/{annotation.id}/delete", {}, token_from=f"/articles/{demo_article.id}")
    save(reviewer_client, demo_article, verdict="false")
    restored = only(app, Annotation)
    assert restored.id == annotation.id and restored.deleted_at is None
    assert (restored.verdict, restored.version) == ("false", 3)


def test_save_to_an_unknown_article_is_404_and_stores_nothing(app, reviewer_client, demo_article):
    response = post_form(
        reviewer_client, "/articles/999/annotations", annotation_data(demo_article.text), token_from="/"
    )
    assert response.status_code == 404
    assert counts(app) == (0, 0, 0)


# --- The annotation form ----------------------------------------------------------------------------


def test_annotate_form_holds_the_quote_with_labelled_fields_and_a_save_button(reviewer_client, demo_article):
    start = demo_article.text.index(CLAIM)
    response = reviewer_client.get(
        f"/articles/{demo_article.id}/annotate",
        query_string={"start": start, "end": start + len(CLAIM), "quote": CLAIM},
        headers=HX,
    )
    assert response.status_code == 200
    root = page(response)
    form = root.find("form")
    assert form.get("hx-post") == f"/articles/{demo_article.id}/annotations"
    assert form.find("blockquote").text() == CLAIM
    assert form.find("input", name="quote").get("value") == CLAIM
    assert form.find("input", name="start").get("value") == str(start)
    assert form.find("input", name="end").get("value") == str(start + len(CLAIM))
    assert form.find("input", name="prefix").get("value") == demo_article.text[start - 32 : start]
    assert form.find("input", name="suffix").get("value") == demo_article.text[start + len(CLAIM) :][:32]
    assert form.find("input", name="csrf_token") is not None
    verdict = labelled(form, "Verdict")
    assert verdict.tag == "select"
    options = [o.text().strip() for o in verdict.find_all("option")]
    assert {"True", "Mostly true", "Mixed", "Misleading", "Mostly false", "False", "Unverifiable"} <= set(options)
    assert labelled(form, "Note").tag == "textarea"
    assert labelled(form, "Source URL").get("name") == "sources-0-url"
    assert labelled(form, "Source title").get("name") == "sources-0-title"
    assert "Save" in [b.text().strip() for b in form.find_all("button", type="submit")]


def test_annotate_form_without_htmx_is_a_full_article_page(reviewer_client, demo_article):
    response = reviewer_client.get(f"/articles/{demo_article.id}/annotate", query_string={"quote": CLAIM})
    assert response.status_code == 200
    root = page(response)
    assert article_text(root) == demo_article.text
    assert root.by_id("panel").find("form").find("blockquote").text() == CLAIM


@pytest.mark.parametrize(
    "query, message",
    [
        ({"start": 0, "end": 5, "quote": "Nope!"}, "does not match"),
        ({"start": -1, "end": 5, "quote": "Putin"}, "within the article"),
        ({"start": 0, "end": 10**9, "quote": "Putin"}, "within the article"),
        ({"start": 5, "end": 5, "quote": ""}, "empty"),
        ({"quote": "Putin"}, "occurs"),
        ({"quote": "not in this article at all"}, "does not occur"),
        ({}, "empty"),
        ({"start": 0, "quote": "Putin"}, "both"),
    ],
)
def test_annotate_form_with_a_bad_target_answers_422_with_a_message(reviewer_client, demo_article, query, message):
    response = reviewer_client.get(f"/articles/{demo_article.id}/annotate", query_string=query, headers=HX)
    assert response.status_code == 422
    root = page(response)
    errors = root.by_id("quote-errors")
    assert errors is not None and message in errors.text()
    assert root.find("input", name="csrf_token").get("value")  # the form still renders whole
    assert labelled(root, "Verdict") is not None


def test_annotate_form_for_a_claim_already_judged_is_prefilled(app, reviewer_client, demo_article):
    save(reviewer_client, demo_article, verdict="mixed", note="my note", sources=[NATO])
    response = reviewer_client.get(f"/articles/{demo_article.id}/annotate", query_string={"quote": CLAIM}, headers=HX)
    root = page(response)
    assert root.find("option", value="mixed").attrs.__contains__("selected")
    assert labelled(root, "Note").text().strip() == "my note"
    assert labelled(root, "Source URL").get("value") == NATO["url"]
    assert "updates your annotation" in root.text()


def test_add_source_endpoint_returns_a_row_and_the_next_add_button_out_of_band(reviewer_client):
    response = reviewer_client.get("/annotate/source-row?index=1", headers=HX)
    assert response.status_code == 200
    root = page(response)
    names = {el.get("name") for el in root.find_all("input") + root.find_all("textarea")}
    assert {"sources-1-url", "sources-1-title", "sources-1-excerpt"} <= names
    assert labelled(root, "Source URL").get("name") == "sources-1-url"
    button = root.by_id("add-source")
    assert button.get("hx-swap-oob") == "true"
    assert button.get("hx-get") == "/annotate/source-row?index=2"
    assert button.get("disabled") is None


def test_add_source_button_is_disabled_when_the_form_holds_the_maximum(app, reviewer_client, demo_article):
    # A saved annotation with 20 sources comes back in the edit form with no room for more.
    sources = [{"url": f"https://example.org/{i}", "title": f"S{i}"} for i in range(20)]
    save(reviewer_client, demo_article, sources=sources)
    annotation = only(app, Annotation)
    root = page(reviewer_client.get(f"/annotations/{annotation.id}/edit", headers=HX))
    assert len([i for i in root.find_all("input") if i.get("name", "").endswith("-url")]) == 20
    button = root.by_id("add-source")
    assert "disabled" in button.attrs and button.get("data-max") == "20"
    # With one source there is room; the added row's button carries the limit for the page script.
    save(reviewer_client, demo_article, sources=sources[:1])
    root = page(reviewer_client.get(f"/annotations/{annotation.id}/edit", headers=HX))
    assert "disabled" not in root.by_id("add-source").attrs
    added = page(reviewer_client.get("/annotate/source-row?index=19", headers=HX))
    assert added.find("input", name="sources-19-url") is not None
    assert added.by_id("add-source").get("data-max") == "20"


@pytest.mark.parametrize("query", ["", "?index=abc", "?index=-1", "?index=100000"])
def test_add_source_endpoint_rejects_a_bad_index(reviewer_client, query):
    assert reviewer_client.get(f"/annotate/source-row{query}").status_code == 404


def test_row_added_by_the_add_source_endpoint_is_saved(app, reviewer_client, demo_article):
    row = page(reviewer_client.get("/annotate/source-row?index=1", headers=HX))
    assert row.find("input", name="sources-1-url") is not None
    data = annotation_data(demo_article.text, sources=[NATO, ISW])
    save_response = post_annotation(reviewer_client, demo_article, data)
    assert save_response.status_code == 200
    assert sorted(s.url for s in rows(app, Source)) == sorted([NATO["url"], ISW["url"]])


# --- Editing and deleting ----------------------------------------------------------------------------


def test_edit_form_of_own_annotation_is_prefilled(app, reviewer_client, demo_article):
    save(reviewer_client, demo_article, verdict="mixed", note="my note", sources=[NATO])
    annotation = only(app, Annotation)
    response = reviewer_client.get(f"/annotations/{annotation.id}/edit", headers=HX)
    assert response.status_code == 200
    root = page(response)
    form = root.find("form")
    assert form.get("action") == f"/annotations/{annotation.id}"
    assert form.find("blockquote").text() == CLAIM
    assert form.find("option", value="mixed").attrs.__contains__("selected")
    assert labelled(form, "Note").text().strip() == "my note"
    assert labelled(form, "Source URL").get("value") == NATO["url"]
    assert labelled(form, "Source title").get("value") == NATO["title"]


def test_edit_own_annotation_changes_verdict_note_and_sources(app, reviewer_client, demo_article):
    save(reviewer_client, demo_article, verdict="true", note="old", sources=[NATO])
    annotation = only(app, Annotation)
    data = {
        "verdict": "false",
        "note": "new note",
        "sources-0-url": ISW["url"],
        "sources-0-title": ISW["title"],
        "sources-0-excerpt": "quoted",
        "sources-1-url": NATO["url"],
        "sources-1-title": "",
        "sources-1-excerpt": "",
    }
    response = post_form(
        reviewer_client, f"/annotations/{annotation.id}", data, token_from=f"/annotations/{annotation.id}/edit"
    )
    assert response.status_code == 200
    root = page(response)
    assert "False" in root.find("article", id=f"annotation-{annotation.id}").text()
    assert any("verdict-false" in m.classes for m in marks(root))
    edited = only(app, Annotation)
    assert (edited.verdict, edited.note, edited.version) == ("false", "new note", 2)
    sources = sorted(rows(app, Source, Source.removed_at.is_(None)), key=lambda s: s.position)
    assert [(s.url, s.title, s.excerpt) for s in sources] == [
        (ISW["url"], ISW["title"], "quoted"),
        (NATO["url"], "", ""),
    ]
    assert [s.title for s in rows(app, Source, Source.removed_at.is_not(None))] == [NATO["title"]]
    assert len(rows(app, Span)) == 1


def test_edit_without_htmx_redirects_to_the_claim(app, reviewer_client, demo_article):
    save(reviewer_client, demo_article)
    annotation = only(app, Annotation)
    response = post_form(
        reviewer_client,
        f"/annotations/{annotation.id}",
        {"verdict": "true", "note": ""},
        token_from=f"/articles/{demo_article.id}",
        htmx=False,
    )
    assert response.status_code == 303
    assert response.headers["Location"] == f"/articles/{demo_article.id}?span={annotation.span_id}"


def test_invalid_edit_answers_422_and_changes_nothing(app, reviewer_client, demo_article):
    save(reviewer_client, demo_article, verdict="true", note="kept", sources=[NATO])
    annotation = only(app, Annotation)
    response = post_form(
        reviewer_client,
        f"/annotations/{annotation.id}",
        {"verdict": "bogus", "note": "changed", "sources-0-url": "javascript:alert(1)"},
        token_from=f"/articles/{demo_article.id}",
    )
    assert response.status_code == 422
    root = page(response)
    assert root.by_id("verdict-errors") is not None and root.by_id("sources-0-url-errors") is not None
    unchanged = only(app, Annotation)
    assert (unchanged.verdict, unchanged.note, unchanged.version) == ("true", "kept", 1)
    assert only(app, Source).url == NATO["url"]


def test_delete_own_annotation_hides_it_but_keeps_the_row(app, reviewer_client, demo_article):
    save(reviewer_client, demo_article, sources=[NATO])
    annotation = only(app, Annotation)
    response = post_form(
        reviewer_client, f"/annotations/{annotation.id}/delete", {}, token_from=f"/articles/{demo_article.id}"
    )
    assert response.status_code == 200
    root = page(response)
    [paragraph] = paragraphs(root)  # the claim's paragraph comes back without its highlight
    assert marks(root) == [] and paragraph.text() in demo_article.text and CLAIM in paragraph.text()
    assert root.find("article", id=f"annotation-{annotation.id}") is None
    assert "Add your verdict" in root.text()
    kept = only(app, Annotation)
    assert kept.deleted_at is not None and kept.deleted_at.tzinfo is not None
    assert len(rows(app, Source)) == 1 and len(rows(app, Span)) == 1
    page_after = page(reviewer_client.get(f"/articles/{demo_article.id}"))
    assert marks(page_after) == []
    export = reviewer_client.get(f"/articles/{demo_article.id}/annotations.jsonld").get_json()
    assert export["total"] == 0 and export["first"]["items"] == []
    csv_lines = reviewer_client.get(f"/articles/{demo_article.id}/annotations.csv").get_data(as_text=True).splitlines()
    assert len(csv_lines) == 1
    assert reviewer_client.get(f"/annotations/{annotation.id}/edit").status_code == 404
    assert reviewer_client.get(f"/annotations/{annotation.id}").status_code == 404


def test_delete_without_htmx_redirects_to_the_claim(app, reviewer_client, demo_article):
    save(reviewer_client, demo_article)
    annotation = only(app, Annotation)
    response = post_form(
        reviewer_client,
        f"/annotations/{annotation.id}/delete",
        {},
        token_from=f"/articles/{demo_article.id}",
        htmx=False,
    )
    assert response.status_code == 303
    assert only(app, Annotation).deleted_at is not None


def test_deleting_twice_is_404(app, reviewer_client, demo_article):
    save(reviewer_client, demo_article)
    annotation = only(app, Annotation)
    path = f"/annotations/{annotation.id}/delete"
    assert post_form(reviewer_client, path, {}, token_from="/").status_code == 200
    first_deleted = only(app, Annotation).deleted_at
    assert post_form(reviewer_client, path, {}, token_from="/").status_code == 404
    assert only(app, Annotation).deleted_at == first_deleted


def test_delete_via_get_is_not_allowed(app, reviewer_client, demo_article):
    save(reviewer_client, demo_article)
    annotation = only(app, Annotation)
    assert reviewer_client.get(f"/annotations/{annotation.id}/delete").status_code == 405
    assert only(app, Annotation).deleted_at is None


@pytest.mark.parametrize("htmx", [True, False])
def test_reviewer_cannot_edit_or_delete_others_annotation(app, reviewer_client, make_user, demo_article, htmx):
    save(reviewer_client, demo_article, verdict="true", note="mine", sources=[NATO])
    annotation = only(app, Annotation)
    alice = make_user("alice")
    headers = HX if htmx else {}
    assert alice.get(f"/annotations/{annotation.id}/edit", headers=headers).status_code == 403
    token = csrf_token(alice, f"/articles/{demo_article.id}")
    update = alice.post(
        f"/annotations/{annotation.id}",
        headers=headers,
        data={"csrf_token": token, "verdict": "false", "note": "hijacked", "sources-0-url": ""},
    )
    assert update.status_code == 403
    delete = alice.post(f"/annotations/{annotation.id}/delete", data={"csrf_token": token}, headers=headers)
    assert delete.status_code == 403
    unchanged = only(app, Annotation)
    assert (unchanged.verdict, unchanged.note, unchanged.version, unchanged.deleted_at) == ("true", "mine", 1, None)
    assert only(app, Source).url == NATO["url"]


def test_others_annotation_has_no_edit_or_delete_buttons(app, reviewer_client, make_user, demo_article):
    set_blind_review(app, demo_article, False)  # so that alice sees the annotation before judging
    save(reviewer_client, demo_article)
    annotation = only(app, Annotation)
    root = page(make_user("alice").get(f"/articles/{demo_article.id}/spans/{annotation.span_id}", headers=HX))
    card = root.find("article", id=f"annotation-{annotation.id}")
    assert card is not None and card.find(class_="annotation-actions") is None
    assert "Add your verdict" in root.text()


def test_lead_cannot_edit_a_reviewers_annotation_either(app, reviewer_client, lead_client, demo_article):
    save(reviewer_client, demo_article, note="mine")
    annotation = only(app, Annotation)
    assert lead_client.get(f"/annotations/{annotation.id}/edit").status_code == 403
    response = post_form(lead_client, f"/annotations/{annotation.id}", {"verdict": "false"}, token_from="/")
    assert response.status_code == 403
    assert only(app, Annotation).note == "mine"


@pytest.mark.parametrize(
    "method, path",
    [
        ("get", "/annotations/999/edit"),
        ("get", "/annotations/999"),
        ("post", "/annotations/999"),
        ("post", "/annotations/999/delete"),
        ("get", "/articles/{article}/spans/999"),
    ],
)
def test_unknown_annotation_or_span_is_404(reviewer_client, demo_article, method, path):
    path = path.format(article=demo_article.id)
    if method == "get":
        response = reviewer_client.get(path)
    else:
        response = post_form(reviewer_client, path, {"verdict": "true"}, token_from="/")
    assert response.status_code == 404


def test_span_of_another_article_is_404(app, reviewer_client, demo_article):
    save(reviewer_client, demo_article)
    span = only(app, Span)
    other = created_article(app, add_article(reviewer_client, title="Other", text="Other article text."))
    assert reviewer_client.get(f"/articles/{other.id}/spans/{span.id}").status_code == 404
    assert reviewer_client.get(f"/articles/{other.id}/spans/{span.id}", headers=HX).status_code == 404
    assert reviewer_client.get(f"/articles/{demo_article.id}/spans/{span.id}").status_code == 200


# --- The span panel ------------------------------------------------------------------------------------


def test_span_panel_lists_every_reviewers_annotation(app, reviewer_client, make_user, lead_client, demo_article):
    save(reviewer_client, demo_article, verdict="mostly-true", note="Riley's note", sources=[NATO, ISW])
    alice = make_user("alice")
    save(alice, demo_article, verdict="false", note="Alice disagrees")
    span = only(app, Span)
    response = lead_client.get(f"/articles/{demo_article.id}/spans/{span.id}", headers=HX)
    assert response.status_code == 200
    root = page(response)
    cards = root.find_all("article", class_="annotation")
    assert len(cards) == 2
    by_author = {card.find(class_="author").text().strip(): card for card in cards}
    assert set(by_author) == {"Riley Reviewer", "Alice"}
    riley = by_author["Riley Reviewer"]
    assert riley.find(class_="badge").text().strip() == "Mostly true"
    assert riley.find(class_="note").text() == "Riley's note"
    links = riley.find("ol", class_="sources").find_all("a")
    assert [(a.get("href"), a.text().strip()) for a in links] == [
        (NATO["url"], NATO["title"]),
        (ISW["url"], ISW["title"]),
    ]
    assert all(a.get("target") == "_blank" and a.get("rel") == "noopener noreferrer" for a in links)
    assert riley.find("blockquote", class_="excerpt").text() == NATO["excerpt"]
    alice_card = by_author["Alice"]
    assert alice_card.find(class_="badge").text().strip() == "False"
    assert alice_card.find(class_="note").text() == "Alice disagrees"
    assert "2 annotations" in root.text()


def test_span_panel_without_htmx_is_the_full_article_page(app, reviewer_client, demo_article):
    save(reviewer_client, demo_article, note="visible")
    span = only(app, Span)
    root = page(reviewer_client.get(f"/articles/{demo_article.id}/spans/{span.id}"))
    assert article_text(root) == demo_article.text
    assert root.by_id("panel").find(class_="note").text() == "visible"


def test_span_panel_lists_overlapping_claims(app, reviewer_client, demo_article):
    save(reviewer_client, demo_article)
    save(reviewer_client, demo_article, "600,000 Russian soldiers")
    spans = {s.quote: s.id for s in rows(app, Span)}
    root = page(reviewer_client.get(f"/articles/{demo_article.id}/spans/{spans[CLAIM]}", headers=HX))
    overlapping = [a.text().strip() for a in root.find("ul", class_="claim-list").find_all("a")]
    assert overlapping == ["600,000 Russian soldiers"]


def test_claims_panel_lists_annotated_claims(app, reviewer_client, demo_article):
    save(reviewer_client, demo_article)
    response = reviewer_client.get(f"/articles/{demo_article.id}/claims", headers=HX)
    root = page(response)
    assert [a.text().strip() for a in root.find_all("a", class_="claim-link")] == [CLAIM]


# --- User input is shown literally ------------------------------------------------------------------------


def test_note_and_sources_with_markup_are_shown_literally(app, reviewer_client, lead_client, demo_article):
    url = "http://example.org/?q=\"><script>alert(1)</script>&a='b'"
    save(reviewer_client, demo_article, note=XSS_ALL, sources=[{"url": url, "title": XSS_ALL, "excerpt": XSS_ALL}])
    assert only(app, Source).url == url
    span = only(app, Span)
    for client in (reviewer_client, lead_client):
        for path, headers in (
            (f"/articles/{demo_article.id}/spans/{span.id}", HX),
            (f"/articles/{demo_article.id}?span={span.id}", {}),
        ):
            response = client.get(path, headers=headers)
            body = response.get_data(as_text=True)
            assert XSS_SCRIPT not in body and "<img src=x" not in body
            card = page(response).find("article", class_="annotation")
            assert card.find(class_="note").text() == XSS_ALL
            link = card.find("ol", class_="sources").find("a")
            assert link.get("href") == url and link.text().strip() == XSS_ALL
            assert card.find("blockquote", class_="excerpt").text() == XSS_ALL
            assert "49" not in card.find(class_="note").text()
    edit = page(reviewer_client.get(f"/annotations/{only(app, Annotation).id}/edit"))
    assert labelled(edit, "Note").text().strip() == XSS_ALL
    assert labelled(edit, "Source URL").get("value") == url
    assert labelled(edit, "Source title").get("value") == XSS_ALL


def test_user_display_name_with_markup_is_shown_literally(app, client, lead_client, demo_article):
    with app.app_context():
        create_or_update_user(
            session=db.session(), username="mallory", role="reviewer", password=PASSWORD, display_name=XSS_ALL
        )
    assert login(client, "mallory").status_code == 303
    own_page = client.get("/")
    assert XSS_SCRIPT not in own_page.get_data(as_text=True)
    assert XSS_ALL in page(own_page).find(class_="whoami").text()
    save(client, demo_article)
    span = only(app, Span)
    for path in (f"/articles/{demo_article.id}/spans/{span.id}", f"/articles/{demo_article.id}/summary"):
        response = lead_client.get(path)
        body = response.get_data(as_text=True)
        assert XSS_SCRIPT not in body and "<img src=x" not in body, path
        assert XSS_ALL in page(response).text(), path
    author = page(lead_client.get(f"/articles/{demo_article.id}/spans/{span.id}")).find(class_="author")
    assert author.text().strip() == XSS_ALL


def test_unmatched_quote_with_markup_is_echoed_literally_in_the_error_form(app, reviewer_client, demo_article):
    data = annotation_data(demo_article.text, XSS_ALL, offsets=False)
    response = post_annotation(reviewer_client, demo_article, data)
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert XSS_SCRIPT not in body and "<img src=x" not in body
    root = page(response)
    assert root.find("blockquote", class_="quote").text() == XSS_ALL
    assert root.find("input", name="quote").get("value") == XSS_ALL


def test_panels_put_their_page_address_in_the_location_bar(app, reviewer_client, demo_article):
    response = save(reviewer_client, demo_article)
    span = only(app, Span)
    claim_address = f"/articles/{demo_article.id}?span={span.id}"
    assert response.headers["HX-Push-Url"] == claim_address
    panel = reviewer_client.get(f"/articles/{demo_article.id}/spans/{span.id}", headers=HX)
    assert panel.headers["HX-Push-Url"] == claim_address
    claims = reviewer_client.get(f"/articles/{demo_article.id}/claims", headers=HX)
    assert claims.headers["HX-Push-Url"] == f"/articles/{demo_article.id}"
    form = reviewer_client.get(f"/articles/{demo_article.id}/annotate", query_string={"quote": CLAIM}, headers=HX)
    assert "HX-Push-Url" not in form.headers  # a form is transient: no address of its own
    # The pushed address is a real page that opens the same claim.
    full = reviewer_client.get(claim_address)
    assert full.status_code == 200 and f'data-active-span="{span.id}"' in full.get_data(as_text=True)
