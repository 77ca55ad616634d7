"""The search page (GET /search), its index and the `flask search` command.

Annotations are made through the app's own forms, so these tests also prove that every path
that writes one keeps its search document right (``stale_documents`` finds none).
"""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlmodel import select

from annotator.db import search_index
from annotator.db.models import Annotation, Article, Source, Span, utcnow
from annotator.extensions import db
from annotator.services import search as search_service
from annotator.services.users import find_user
from tests.fixtures.app import CLAIM, HX, POSTGRES_URL, count_queries
from tests.fixtures.helpers import XSS_ALL, XSS_ATTR, XSS_SCRIPT, XSS_TEMPLATE, set_blind_review
from tests.fixtures.htmltree import field_errors, page
from tests.fixtures.review_helpers import (
    annotation_of,
    delete,
    give_back,
    restore,
    save,
    settle,
    span_of,
    submit,
    update,
)

SECOND = "Putin appears willing to accept high casualties"
THIRD = "Putin rules out negotiations"


def search(client, htmx: bool = False, **args):
    return client.get("/search", query_string=args, headers=HX if htmx else {})


def hits(response) -> list[dict]:
    """The results as a person reads them: quote, verdict label, reviewer, status, link."""
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    found = []
    for item in page(response).find_all("li", class_="search-hit"):
        link = item.find("a", class_="hit-claim")
        badge = item.find("span", class_="badge")
        found.append(
            {
                "quote": item.find("mark", class_="hit-quote").text(),
                "context": link.text(),
                "href": link.get("href"),
                "verdict": badge.text() if badge else None,
                "reviewer": item.find("span", class_="who").text(),
                "note": note.text() if (note := item.find("p", class_="hit-note")) else "",
                "annotation_id": int(item.get("data-annotation-id")),
            }
        )
    return found


def quotes(response) -> list[str]:
    return [h["quote"] for h in hits(response)]


def total(response) -> str:
    return page(response).by_id("search-count").text().strip()


def assert_index_current(app) -> None:
    with app.app_context():
        assert search_index.stale_documents(db.session()) == []


@pytest.fixture
def bob(make_user):
    return make_user("bob")


@pytest.fixture
def three(app, reviewer_client, bob, demo_article):
    """Three submitted annotations: two by the reviewer, one by Bob (blind review off, so all see all)."""
    set_blind_review(app, demo_article, False)
    save(
        reviewer_client,
        demo_article,
        CLAIM,
        verdict="mostly-true",
        note="Ministry of Defence estimate",
        sources=[{"url": "https://www.nato.int/briefing", "title": "NATO briefing"}],
    )
    save(
        reviewer_client,
        demo_article,
        SECOND,
        verdict="false",
        note="No evidence of acceptance",
        sources=[{"url": "https://understandingwar.org/report", "title": "ISW assessment"}],
    )
    save(bob, demo_article, THIRD, verdict="mixed", note="Vucic paraphrase, unconfirmed")
    return demo_article


# --- Matching each field ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "words, expected",
    [
        ("soldiers", CLAIM),  # the quote
        ("wounded", CLAIM),
        ("Defence estimate", CLAIM),  # the note
        ("acceptance", SECOND),
        ("NATO briefing", CLAIM),  # a source's title
        ("assessment", SECOND),
        ("understandingwar.org", SECOND),  # a source's URL, and words in it
        ("https://www.nato.int/briefing", CLAIM),
        ("nato", CLAIM),
        ("unconfirmed", THIRD),
    ],
)
def test_each_field_of_the_document_is_searched(three, reviewer_client, words, expected):
    assert quotes(search(reviewer_client, q=words)) == [expected]


def test_words_are_stemmed_and_case_and_accents_do_not_matter(three, reviewer_client):
    assert quotes(search(reviewer_client, q="SOLDIER")) == [CLAIM]  # soldiers
    assert quotes(search(reviewer_client, q="accepting")) == [SECOND]  # accept, acceptance
    assert quotes(search(reviewer_client, q="VUCIC")) == [THIRD]  # Vucic in the note
    assert quotes(search(reviewer_client, q="vučić")) == [THIRD]
    assert quotes(search(reviewer_client, q="Aleksandar")) == []  # the words around a quote are not searched


def test_typographic_punctuation_separates_words(app, reviewer_client, demo_article):
    save(reviewer_client, demo_article, CLAIM, note="Lough’s “assessment”—unclear… see annex")
    for words in ("lough", "assessment", "unclear", "annex", "Lough’s", '"assessment unclear"'):
        assert quotes(search(reviewer_client, q=words)) == [CLAIM], words


def test_operators_phrase_prefix_exclusion_and_or(three, reviewer_client):
    assert quotes(search(reviewer_client, q='"Russian soldiers"')) == [CLAIM]
    assert quotes(search(reviewer_client, q='"soldiers Russian"')) == []
    assert quotes(search(reviewer_client, q="casualt*")) == [SECOND]
    assert set(quotes(search(reviewer_client, q="Putin"))) == {SECOND, THIRD}
    assert quotes(search(reviewer_client, q="Putin -negotiations")) == [SECOND]
    assert quotes(search(reviewer_client, q="-Putin")) == [CLAIM]
    assert set(quotes(search(reviewer_client, q="soldiers OR unconfirmed"))) == {CLAIM, THIRD}
    assert quotes(search(reviewer_client, q="soldiers casualties")) == []  # every word must match


def test_every_word_must_match_and_the_best_match_comes_first(three, reviewer_client):
    # "Putin" is in two quotes; "negotiations" in one quote only: that one ranks first for both words.
    found = quotes(search(reviewer_client, q="putin OR negotiations"))
    assert found[0] == THIRD and set(found) == {SECOND, THIRD}


# --- Filters ------------------------------------------------------------------------------------------


def test_each_filter_narrows_a_listing(app, three, reviewer_client):
    assert len(hits(search(reviewer_client))) == 3
    assert total(search(reviewer_client)) == "3 annotations"
    assert quotes(search(reviewer_client, verdict="false")) == [SECOND]
    assert set(quotes(search(reviewer_client, reviewer="reviewer"))) == {CLAIM, SECOND}
    assert quotes(search(reviewer_client, reviewer="bob")) == [THIRD]
    assert quotes(search(reviewer_client, status="returned")) == []
    assert len(hits(search(reviewer_client, status="submitted"))) == 3
    assert len(hits(search(reviewer_client, article=str(three.id)))) == 3
    today = utcnow().date()
    assert len(hits(search(reviewer_client, **{"from": today.isoformat(), "to": today.isoformat()}))) == 3
    assert hits(search(reviewer_client, **{"from": (today + timedelta(days=1)).isoformat()})) == []
    assert hits(search(reviewer_client, to=(today - timedelta(days=1)).isoformat())) == []


def test_date_filters_read_the_day_the_annotation_last_changed(app, three, reviewer_client):
    with app.app_context():
        session = db.session()
        old = session.exec(select(Annotation).join(Span).where(Span.quote == THIRD)).one()
        old.updated_at = utcnow() - timedelta(days=10)
        session.commit()
    day = (utcnow() - timedelta(days=10)).date()
    assert quotes(search(reviewer_client, **{"from": day.isoformat(), "to": day.isoformat()})) == [THIRD]
    assert set(quotes(search(reviewer_client, **{"from": (day + timedelta(days=1)).isoformat()}))) == {CLAIM, SECOND}


def test_words_and_filters_combine(three, reviewer_client, bob):
    assert quotes(search(reviewer_client, q="Putin", verdict="mixed")) == [THIRD]
    assert quotes(search(reviewer_client, q="Putin", reviewer="reviewer")) == [SECOND]
    assert quotes(search(reviewer_client, q="Putin", reviewer="reviewer", verdict="mixed")) == []
    assert "(filtered)" in total(search(reviewer_client, q="Putin", verdict="mixed"))


def test_a_result_shows_the_quote_in_context_and_links_to_the_claim(app, three, reviewer_client):
    [hit] = hits(search(reviewer_client, q="soldiers"))
    span = span_of(app, three, CLAIM)
    assert hit["href"] == f"/articles/{three.id}?span={span.id}"
    assert hit["context"] == f"…{span.prefix}{CLAIM}{span.suffix}…"
    assert (hit["verdict"], hit["reviewer"], hit["note"]) == (
        "Mostly true",
        "Riley Reviewer",
        "Ministry of Defence estimate",
    )
    opened = reviewer_client.get(hit["href"])
    assert opened.status_code == 200 and "Ministry of Defence estimate" in opened.get_data(as_text=True)


def test_the_form_has_labelled_fields_and_keeps_the_search(three, reviewer_client):
    from tests.fixtures.htmltree import labelled

    root = page(search(reviewer_client, q="Putin", verdict="mixed"))
    for label in ("Search", "Verdict", "Reviewer", "Status", "Article", "From", "To"):
        assert labelled(root, label) is not None, label
    assert labelled(root, "Search").get("value") == "Putin"
    assert root.find("a", href="/search") is not None  # Clear
    assert any(a.get("href") == "/search" for a in root.find("nav").find_all("a"))  # in the main menu


# --- Paging -----------------------------------------------------------------------------------------


def many_annotations(app, article: Article, count: int, note: str = "bulk note") -> None:
    """``count`` submitted annotations by the demo reviewer on distinct spans (ORM rows: the listener indexes them)."""
    with app.app_context():
        session = db.session()
        user_id = find_user(session, "reviewer").id
        now = utcnow()
        for n in range(count):
            span = Span(article_id=article.id, start=n, end=n + 7, quote=article.text[n : n + 7])
            session.add(span)
            session.flush()
            session.add(
                Annotation(
                    span_id=span.id,
                    user_id=user_id,
                    verdict="true",
                    note=f"{note} {n}",
                    status="submitted",
                    created_at=now,
                    updated_at=now - timedelta(seconds=n),
                )
            )
        session.commit()


def test_results_come_a_page_at_a_time_with_show_more(app, reviewer_client, demo_article):
    many_annotations(app, demo_article, 120)
    first = search(reviewer_client, q="bulk")
    assert len(hits(first)) == 50 and total(first).startswith("120 results")
    more = page(first).by_id("search-more")
    assert "Show 50 more" in more.text() and "70 more found" in more.text()
    link = more.find("a")
    assert link.get("hx-get") == link.get("href") == "/search?page=2&q=bulk"
    second = reviewer_client.get(link.get("hx-get"), headers=HX)  # htmx: the next page alone
    assert second.status_code == 200
    second_ids = [h["annotation_id"] for h in hits(second)]
    assert len(second_ids) == 50 and not set(second_ids) & {h["annotation_id"] for h in hits(first)}
    assert 'id="search-form"' not in second.get_data(as_text=True) and "<form" not in second.get_data(as_text=True)
    third = reviewer_client.get("/search?page=3&q=bulk", headers=HX)
    assert len(hits(third)) == 20 and page(third).by_id("search-more") is None
    # Without htmx, page=N is the whole page with the first N pages: works without JavaScript.
    whole = search(reviewer_client, q="bulk", page="3")
    assert len(hits(whole)) == 120
    # Newest first in a listing: annotation n was changed n seconds before annotation 0.
    listing = hits(search(reviewer_client))
    assert [h["note"] for h in listing[:3]] == ["bulk note 0", "bulk note 1", "bulk note 2"]


def test_counting_stops_past_the_limit(app, reviewer_client, demo_article, monkeypatch):
    many_annotations(app, demo_article, 60)
    monkeypatch.setattr(search_service, "COUNT_LIMIT", 55)
    response = search(reviewer_client, q="bulk")
    assert total(response) == "more than 55 results for bulk"
    assert len(hits(response)) == 50 and "many more found" in page(response).by_id("search-more").text()
    assert len(hits(reviewer_client.get("/search?page=2&q=bulk", headers=HX))) == 10


def test_a_page_past_the_end_is_empty_not_an_error(app, reviewer_client, demo_article):
    many_annotations(app, demo_article, 3)
    response = reviewer_client.get("/search?page=7&q=bulk", headers=HX)
    assert response.status_code == 200 and hits(response) == []
    first = [h["annotation_id"] for h in hits(search(reviewer_client, q="bulk"))]
    assert len(first) == 3
    for page_ in ("-4", "lots", "0"):  # no page number: the first page
        assert [h["annotation_id"] for h in hits(search(reviewer_client, q="bulk", page=page_))] == first


def test_an_htmx_search_answers_the_form_and_results_and_pushes_a_tidy_address(three, reviewer_client):
    response = reviewer_client.get("/search?q=Putin&verdict=&reviewer=&status=&article=&from=&to=", headers=HX)
    assert response.status_code == 200
    assert response.headers["HX-Push-Url"] == "/search?q=Putin"
    body = response.get_data(as_text=True)
    assert "<html" not in body and 'id="search"' in body
    assert len(hits(response)) == 2


# --- Escaping and odd input -----------------------------------------------------------------------------


def test_user_text_in_results_is_escaped(app, reviewer_client, demo_article):
    save(
        reviewer_client,
        demo_article,
        CLAIM,
        note=XSS_ALL,
        sources=[{"url": "https://example.org/x", "title": XSS_SCRIPT}],
    )
    response = search(reviewer_client, q=XSS_ALL)
    body = response.get_data(as_text=True)
    assert XSS_SCRIPT not in body and XSS_ATTR not in body
    # The template text stays text: shown as typed, never evaluated ("49" alone would match a time of day).
    assert XSS_TEMPLATE in body and "alert(1)&gt; 49" not in body
    [hit] = hits(response)
    assert hit["note"] == XSS_ALL
    assert page(response).by_id("search-q").get("value") == XSS_ALL


ALL = (CLAIM, SECOND, THIRD)  # no word to search for: the listing of every annotation


@pytest.mark.parametrize(
    "words, found",
    [
        ('"', ALL),
        ('"""', ALL),
        ("*", ALL),
        ("-", ALL),
        ("- -", ALL),
        ("OR", ALL),
        ("OR OR", ALL),
        ("a OR", ()),  # the word "a", in no annotation
        ("OR a", ()),
        ("AND", ALL),  # the default anyway: no term
        ("NOT", ()),  # a word like any other
        ("NEAR(a b)", ()),
        ("a:b", ()),
        ("quote:soldiers", ()),  # the phrase "quote soldiers"
        ("^soldiers", (CLAIM,)),
        ("(soldiers", (CLAIM,)),
        ("soldiers)", (CLAIM,)),
        ("{soldiers}", (CLAIM,)),
        ("'", ALL),
        ("\\", ALL),
        ("%", ALL),
        ("%%", ALL),
        ("_", ALL),
        ("' OR 1=1 --", ()),  # the phrase "1 1"
        ("\x00", ALL),  # dropped with the control characters
        ("😀", ALL),
        ("soldiers*", (CLAIM,)),
        ("*soldiers", (CLAIM,)),
        ('"soldiers', (CLAIM,)),
        ('soldiers"', (CLAIM,)),
        ('-""', ALL),
        ("a & b | !c", ()),
        ("<->", ALL),
        # words starting with a: appears, accept (and acceptance, assessment); PostgreSQL drops "a" as an English
        # stop word before it can be a prefix (a documented difference, ADR 0005), and finds nothing
        ("'a':*", () if POSTGRES_URL else (SECOND,)),
        ("x" * 500, ()),
        (" ".join(["word"] * 100), ()),
        ("ı", ()),
        ("ß", ()),
        ("Ⅻ", ()),  # a letter number: a word
        ("\u0301", ALL),  # a combining mark alone: no letter
        ("\ue000", ()),  # private use: a word
    ],
)
def test_any_text_is_searched_safely_and_finds_what_its_words_say(three, reviewer_client, words, found):
    """Odd text is read by the search syntax (``domain.search_syntax``): what is not a letter or digit cuts
    words, a term left without words is dropped, OR and AND alone are no terms, and no word at all lists
    every annotation. What comes back is what those words find, and a filter narrows it."""
    assert sorted(quotes(search(reviewer_client, q=words))) == sorted(found)
    assert quotes(search(reviewer_client, htmx=True, q=words, verdict="false")) == [q for q in found if q == SECOND]


def test_a_stored_quote_searched_as_a_phrase_finds_its_claim(three, reviewer_client):
    for quote in ALL:
        assert quotes(search(reviewer_client, q=f'"{quote}"')) == [quote]
        assert quotes(search(reviewer_client, q=f'"{quote}" -"{quote}"')) == []


def test_operator_words_are_searched_as_text(three, reviewer_client):
    assert quotes(search(reviewer_client, q="soldiers)")) == [CLAIM]
    assert quotes(search(reviewer_client, q='quote:"Russian soldiers"')) == []  # "quote" is just a word here
    assert quotes(search(reviewer_client, q="NEAR(soldiers")) == []


@pytest.mark.parametrize(
    "args, field, message",
    [
        ({"verdict": "bogus"}, "verdict", "Choose a verdict from the scale."),
        ({"reviewer": "nobody"}, "reviewer", "Choose a reviewer from the list."),
        ({"status": "deleted"}, "status", "Choose draft, submitted or returned."),
        ({"article": "999"}, "article", "Choose an article from the list."),
        ({"article": "one"}, "article", "Choose an article from the list."),
        ({"from": "2024-13-45"}, "from", "Not a valid date value."),
        ({"to": "yesterday"}, "to", "Not a valid date value."),
        ({"from": "2024-05-02", "to": "2024-05-01"}, "to", "The end date comes before the start date."),
        ({"q": "x" * 501}, "q", "Keep the search under 500 characters."),
    ],
)
def test_bad_filter_values_answer_422_with_the_form_and_a_message(three, reviewer_client, args, field, message):
    for htmx in (False, True):
        response = search(reviewer_client, htmx=htmx, **args)
        assert response.status_code == 422
        root = page(response)
        assert field_errors(root, f"search-{field}") == [message]
        assert root.find("li", class_="search-hit") is None
    assert search(reviewer_client, htmx=True, **args).headers["HX-Push-Url"] == "false"


def test_extreme_dates_are_accepted(three, reviewer_client):
    assert len(hits(search(reviewer_client, **{"from": "0001-01-01", "to": "9999-12-31"}))) == 3


# --- Visibility -----------------------------------------------------------------------------------------


def test_drafts_are_found_by_their_author_only(app, reviewer_client, bob, lead_client, demo_article):
    set_blind_review(app, demo_article, False)
    save(reviewer_client, demo_article, CLAIM, note="zebra draft", action="save")
    assert quotes(search(reviewer_client, q="zebra")) == [CLAIM]
    assert quotes(search(reviewer_client, status="draft")) == [CLAIM]
    assert quotes(search(bob, q="zebra")) == []
    assert quotes(search(lead_client, q="zebra")) == []  # a lead knows drafts exist, never what they say
    assert quotes(search(lead_client, q="soldiers")) == []
    assert quotes(search(lead_client)) == []


def test_blind_review_hides_others_work_until_ones_own_is_submitted(
    app, reviewer_client, bob, lead_client, demo_article
):
    save(reviewer_client, demo_article, CLAIM, verdict="false", note="giraffe")
    assert quotes(search(lead_client, q="giraffe")) == [CLAIM]  # leads see all submitted work
    assert quotes(search(bob, q="giraffe")) == []
    assert quotes(search(bob, verdict="false")) == []
    save(bob, demo_article, CLAIM, verdict="true", note="own draft", action="save")
    assert quotes(search(bob, q="giraffe")) == []  # a draft of one's own is not enough
    annotation = annotation_of(app, "bob", demo_article)
    submit(bob, demo_article, annotation.id)
    assert quotes(search(bob, q="giraffe")) == [CLAIM]
    delete(bob, demo_article, annotation.id)
    assert quotes(search(bob, q="giraffe")) == []  # a deleted one neither


def test_blind_review_off_or_a_settled_claim_shows_others_work(app, reviewer_client, bob, lead_client, demo_article):
    save(reviewer_client, demo_article, CLAIM, verdict="false", note="giraffe")
    assert quotes(search(bob, q="giraffe")) == []
    set_blind_review(app, demo_article, False)
    assert quotes(search(bob, q="giraffe")) == [CLAIM]
    set_blind_review(app, demo_article, True)
    settle(lead_client, demo_article, span_of(app, demo_article).id, "false")
    assert quotes(search(bob, q="giraffe")) == [CLAIM]


def test_deleted_annotations_are_not_found_and_come_back_when_restored(app, reviewer_client, lead_client, demo_article):
    save(reviewer_client, demo_article, CLAIM, note="okapi")
    annotation = annotation_of(app, "reviewer", demo_article)
    assert delete(reviewer_client, demo_article, annotation.id).status_code == 200
    for client in (reviewer_client, lead_client):
        assert quotes(search(client, q="okapi")) == [] and quotes(search(client)) == []
    restore(lead_client, demo_article, annotation.id)  # as it was: submitted
    for client in (reviewer_client, lead_client):
        assert quotes(search(client, q="okapi")) == [CLAIM]
    assert_index_current(app)


def test_the_reviewer_filter_reveals_nothing_hidden(app, reviewer_client, bob, demo_article):
    save(reviewer_client, demo_article, CLAIM, note="hidden from bob")
    assert quotes(search(bob, reviewer="reviewer")) == []
    assert total(search(bob, reviewer="reviewer")).startswith("0 annotations")


# --- Keeping the index current ----------------------------------------------------------------------------


def test_every_path_that_writes_an_annotation_keeps_its_document_current(
    app, reviewer_client, lead_client, demo_article
):
    save(
        reviewer_client,
        demo_article,
        CLAIM,
        note="first words",
        action="save",
        sources=[{"url": "https://one.example/a", "title": "Alpha source"}],
    )  # created (draft)
    assert_index_current(app)
    assert quotes(search(reviewer_client, q="alpha")) == [CLAIM]
    annotation = annotation_of(app, "reviewer", demo_article)
    # Edited: note and sources change, the dropped source is no longer found.
    update(
        reviewer_client,
        demo_article,
        annotation.id,
        verdict="false",
        note="second words",
        sources=[{"url": "https://two.example/b", "title": "Beta source"}],
    )
    assert_index_current(app)
    assert quotes(search(reviewer_client, q="alpha")) == [] and quotes(search(reviewer_client, q="first")) == []
    assert quotes(search(reviewer_client, q="beta two.example second")) == [CLAIM]
    # Saved again through the new-annotation form (the same row updated).
    save(reviewer_client, demo_article, CLAIM, note="third words", action="save")
    assert_index_current(app)
    assert quotes(search(reviewer_client, q="third")) == [CLAIM] and quotes(search(reviewer_client, q="beta")) == []
    submit(reviewer_client, demo_article, annotation.id)  # submitted
    assert quotes(search(lead_client, q="third")) == [CLAIM]
    give_back(lead_client, demo_article, annotation.id)  # returned
    assert quotes(search(reviewer_client, q="third", status="returned")) == [CLAIM]
    delete(reviewer_client, demo_article, annotation.id)  # deleted
    assert quotes(search(reviewer_client, q="third")) == []
    save(reviewer_client, demo_article, CLAIM, note="fourth words")  # restored by saving again
    assert quotes(search(reviewer_client, q="fourth")) == [CLAIM]
    assert_index_current(app)


def test_a_change_of_a_spans_quote_rewrites_the_documents_of_its_annotations(
    app, reviewer_client, bob, lead_client, demo_article
):
    set_blind_review(app, demo_article, False)
    save(reviewer_client, demo_article, CLAIM)
    save(bob, demo_article, CLAIM)
    assert len(hits(search(lead_client, q="soldiers"))) == 2
    with app.app_context():  # what re-anchoring does: the span's offsets and quote move
        session = db.session()
        span = session.exec(select(Span).where(Span.quote == CLAIM)).one()
        span.start, span.end, span.quote = span.start + 5, span.end + 5, "moved platypus words"
        session.commit()
    assert_index_current(app)
    assert hits(search(lead_client, q="soldiers")) == []
    assert len(hits(search(lead_client, q="platypus"))) == 2


def test_core_statements_need_an_explicit_refresh(app, reviewer_client, demo_article):
    save(reviewer_client, demo_article, CLAIM, note="kangaroo")
    with app.app_context():
        session = db.session()
        from sqlalchemy import update as sql_update

        session.execute(sql_update(Span).values(quote="wombat"))
        session.commit()
        assert search_index.stale_documents(session) != []
        span_ids = session.exec(select(Span.id)).all()
        assert search_index.refresh(session, span_ids=span_ids) == 1
        session.commit()
    assert quotes(search(reviewer_client, q="wombat")) == ["wombat"]
    assert_index_current(app)


def test_imported_annotations_are_indexed(app, lead_client, runner, demo_article, tmp_path):
    document = {
        "@context": "http://www.w3.org/ns/anno.jsonld",
        "type": "AnnotationCollection",
        "total": 1,
        "first": {
            "type": "AnnotationPage",
            "items": [
                {
                    "type": "Annotation",
                    "creator": {"type": "Person", "nickname": "imported", "name": "Imo"},
                    "body": [
                        {"type": "TextualBody", "purpose": "assessing", "value": "false"},
                        {"type": "TextualBody", "purpose": "commenting", "value": "imported capybara note"},
                        {
                            "type": "SpecificResource",
                            "purpose": "citing",
                            "source": "https://cite.example/x",
                            "label": "Quokka source",
                        },
                    ],
                    "target": {
                        "source": "https://example.org/a",
                        "selector": [{"type": "TextQuoteSelector", "exact": CLAIM}],
                    },
                }
            ],
        },
    }
    path = tmp_path / "w3c.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    result = runner.invoke(args=["import-annotations", str(path), "--article", str(demo_article.id)])
    assert result.exit_code == 0 and "1 imported" in result.output, result.output
    assert_index_current(app)
    assert quotes(search(lead_client, q="capybara quokka")) == [CLAIM]


def test_the_migration_backfills_documents_of_existing_annotations(app, reviewer_client, demo_article):
    save(
        reviewer_client,
        demo_article,
        CLAIM,
        note="backfilled tapir",
        sources=[{"url": "https://b.example/1", "title": "First"}, {"url": "https://b.example/2", "title": "Second"}],
    )
    with app.app_context():
        from sqlalchemy import inspect

        from annotator.db import migrations

        migrations.downgrade(db.engine(), "0004")  # drops the search tables
        assert "search_documents" not in inspect(db.engine()).get_table_names()
        migrations.upgrade(db.engine())
        assert search_index.stale_documents(db.session()) == []
    assert quotes(search(reviewer_client, q="tapir")) == [CLAIM]


# --- A fixed number of queries -------------------------------------------------------------------------------


def test_a_search_runs_the_same_queries_for_three_results_as_for_a_hundred(app, reviewer_client, demo_article):
    many_annotations(app, demo_article, 3, note="few")
    with app.app_context():  # a hundred more, with a source each, on spans past the first ones
        session = db.session()
        user_id = find_user(session, "reviewer").id
        for n in range(100):
            span = Span(article_id=demo_article.id, start=200 + n, end=210 + n, quote=f"q{n}")
            session.add(span)
            session.flush()
            annotation = Annotation(
                span_id=span.id, user_id=user_id, verdict="true", note=f"many {n}", status="submitted"
            )
            annotation.all_sources = [Source(position=0, url=f"https://s.example/{n}", title="t")]
            session.add(annotation)
        session.commit()
    reviewer_client.get("/search?q=few")  # warm up
    measured = {}
    for words in ("few", "many", ""):
        with count_queries(app) as statements:
            response = search(reviewer_client, q=words)
        assert response.status_code == 200
        measured[words] = len(statements)
    assert len(hits(search(reviewer_client, q="many"))) == 50
    assert measured["few"] == measured["many"] == measured[""] <= 5, measured


# --- The command line ---------------------------------------------------------------------------------------


def test_flask_search_prints_a_line_per_result(app, three, runner):
    result = runner.invoke(args=["search", "Putin"])
    assert result.exit_code == 0, result.output
    lines = [line for line in result.stdout.splitlines() if line]
    assert len(lines) == 2
    first = lines[0].split("\t")
    span = span_of(app, three, THIRD)
    assert first[0] == f"/articles/{three.id}?span={span.id}"
    assert first[1:4] == ["Mixed", "submitted", "Bob"]
    assert first[-1] == THIRD
    assert "2 found" in result.stderr


def test_flask_search_filters_and_limit(app, three, runner):
    result = runner.invoke(
        args=[
            "search",
            "--verdict",
            "false",
            "--reviewer",
            "reviewer",
            "--status",
            "submitted",
            "--article",
            str(three.id),
            "--from",
            "2000-01-01",
        ]
    )
    assert result.exit_code == 0, result.output
    assert [line.split("\t")[-1] for line in result.stdout.splitlines()] == [SECOND]
    result = runner.invoke(args=["search", "--limit", "1"])
    assert len(result.stdout.splitlines()) == 1 and "3 found, 1 shown" in result.stderr


def test_flask_search_sees_what_a_lead_sees_or_what_a_user_sees(app, reviewer_client, runner, demo_article):
    save(reviewer_client, demo_article, CLAIM, note="draft iguana", action="save")
    assert runner.invoke(args=["search", "iguana"]).stdout == ""
    result = runner.invoke(args=["search", "iguana", "--as", "reviewer"])
    assert result.exit_code == 0 and CLAIM in result.stdout


@pytest.mark.parametrize(
    "args, fragment",
    [
        (["search", "--verdict", "bogus"], "--verdict: Choose a verdict from the scale."),
        (["search", "--from", "2024-13-01"], "--from"),
        (["search", "--from", "2024-05-02", "--to", "2024-05-01"], "--to: The end date"),
        (["search", "--reviewer", "nobody"], "--reviewer"),
        (["search", "--article", "x"], "--article"),
        (["search", "--as", "nobody"], "no user named nobody"),
        (["search", "--limit", "0"], "--limit"),
        (["search", "x" * 501], "QUERY: Keep the search under 500 characters."),
    ],
)
def test_flask_search_fails_with_one_line_on_bad_input(three, runner, args, fragment):
    result = runner.invoke(args=args)
    assert result.exit_code != 0 and "Traceback" not in result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and fragment in lines[0], result.output


def test_flask_search_of_odd_text_never_fails_and_finds_what_its_words_say(three, runner):
    for words, found in (('"', ALL), ("*", ALL), ("-", ALL), ("OR", ALL), ("NEAR(", ()), ("' OR 1=1", ())):
        result = runner.invoke(args=["search", "--", words])
        assert result.exit_code == 0, result.output
        assert sorted(line.split("\t")[-1] for line in result.stdout.splitlines()) == sorted(found), words
        assert f"{len(found)} found" in result.stderr, words
