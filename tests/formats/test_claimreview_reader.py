"""Reading other fact-checkers' ClaimReview JSON-LD: one, a list, a @graph, an HTML page."""

import json
import re
from datetime import date
from pathlib import Path

import pytest

from annotator.formats.claimreview_reader import NotClaimReview, documents, parse_review, read

FIXTURES = Path(__file__).parents[1] / "fixtures" / "claimreview"


def test_a_list_gives_each_review_and_skips_one_without_url():
    reviews, skipped = read((FIXTURES / "reviews.json").read_text(encoding="utf-8"))
    assert [r.publisher for r in reviews] == ["Northern Fact Desk", "Verifica", "CheckPoint Europe"]
    first = reviews[0]
    assert first.url == "https://factdesk.example/checks/2024/russian-casualties-600000"
    assert first.rating == "Mostly true" and first.rating_value == 4
    assert first.published_on == date(2024, 10, 14)
    assert first.claim_author == "NATO official"
    assert first.appearance_url == "https://news.example/2024/10/10/nato-briefing"
    assert [(s.number, s.reason) for s in skipped] == [(4, "no http(s) url")]


def test_a_graph_gives_only_its_claim_reviews():
    reviews, skipped = read((FIXTURES / "graph.json").read_text(encoding="utf-8"))
    assert [r.publisher for r in reviews] == ["TruthMeter"] and skipped == []
    assert reviews[0].rating_value == 3 and reviews[0].published_on == date(2024, 11, 2)
    assert reviews[0].appearance_url == "https://tv.example/interview"


def test_a_single_review_and_a_saved_page():
    single, _ = read((FIXTURES / "single.json").read_text(encoding="utf-8"))
    assert [r.claim_reviewed for r in single] == ["Sanctions have cut Russia's GDP in half."]
    page, _ = read((FIXTURES / "page.html").read_text(encoding="utf-8"))
    assert [r.url for r in page] == ["https://factdesk.example/checks/2024/russian-losses-page"]


def test_type_may_be_a_list_or_a_full_iri_and_the_claim_may_come_from_item_reviewed():
    review = parse_review(
        {
            "@type": ["https://schema.org/ClaimReview"],
            "url": "https://x.example/r",
            "itemReviewed": {"@type": "Claim", "name": "  The  claim  "},
            "reviewRating": {"ratingValue": 2},
        }
    )
    assert review.claim_reviewed == "The claim" and review.rating == "2"


@pytest.mark.parametrize(
    "value, number",
    [
        (4, 4.0),
        ("3.5", 3.5),
        (10**400, None),
        ("1e309", None),
        ("NaN", None),
        ("-Infinity", None),
        (True, None),
        ([2], None),
        ("", None),
    ],
)
def test_a_rating_value_is_a_finite_number_or_none(value, number):
    """(10**400 overflowed into a 500 when a file gave it; outside test finding 5.)"""
    review = parse_review(
        {
            "@type": "ClaimReview",
            "url": "https://x.example/r",
            "claimReviewed": "A claim",
            "reviewRating": {"ratingValue": value, "bestRating": value, "worstRating": value},
        }
    )
    assert review.rating_value == number


@pytest.mark.parametrize(
    "item, reason",
    [
        ({"url": "javascript:alert(1)", "claimReviewed": "x"}, "no http(s) url"),
        ({"url": "https://x.example/r"}, "no claimReviewed text"),
        ({"url": "https://x.example/r", "claimReviewed": "  "}, "no claimReviewed text"),
    ],
)
def test_a_review_without_what_matching_needs_is_rejected_with_the_reason(item, reason):
    with pytest.raises(ValueError, match=re.escape(reason)):
        parse_review(item)


@pytest.mark.parametrize(
    "text, message",
    [
        ("{not json", "not valid JSON"),
        ("just words", "neither JSON nor an HTML page"),
        ("<html><body>no data</body></html>", "no readable application/ld+json"),
        (json.dumps({"@type": "WebPage"}), "no ClaimReview found"),
        ("[]", "no ClaimReview found"),
    ],
)
def test_files_without_claim_reviews_are_refused(text, message):
    with pytest.raises(NotClaimReview, match=re.escape(message)):
        read(text)


def test_a_broken_block_on_a_page_does_not_hide_the_good_ones():
    page = (
        '<script type="application/ld+json">{broken</script>'
        '<script type="application/ld+json">{"@type": "ClaimReview"}</script>'
    )
    assert documents(page) == [{"@type": "ClaimReview"}]


@pytest.mark.parametrize(
    "text",
    [
        "<html><![foo bar]><body></body></html>",  # html.parser asserts on this declaration
        "[" + "9" * 5000 + "]",  # an integer too long for int(): ValueError, not JSONDecodeError
    ],
)
def test_unreadable_files_are_refused_with_a_reason_not_a_crash(text):
    with pytest.raises(NotClaimReview):
        read(text)


def test_a_page_block_with_an_overlong_number_is_skipped_like_any_broken_block():
    page = (
        '<script type="application/ld+json">[' + "9" * 5000 + "]</script>"
        '<script type="application/ld+json">{"@type": "ClaimReview"}</script>'
    )
    assert documents(page) == [{"@type": "ClaimReview"}]


def test_control_characters_are_left_out_of_every_field():
    item = {
        "@type": "ClaimReview",
        "url": "https://checks.example/a\u0000b",
        "claimReviewed": "Six\u0000 hundred",
        "reviewRating": {"alternateName": "Fal\u0007se"},
        "author": {"name": "Desk\u0000"},
        "itemReviewed": {"author": {"name": "Some\u001fone"}},
    }
    review = parse_review(item)
    assert (review.url, review.claim_reviewed, review.rating, review.publisher, review.claim_author) == (
        "https://checks.example/ab",
        "Six hundred",
        "False",
        "Desk",
        "Someone",
    )


# --- what each field is read from, and the edges of each rule ---------------------------------------------


def _review(**fields):
    return {"@type": "ClaimReview", "url": "https://x.example/r", "claimReviewed": "A claim", **fields}


@pytest.mark.parametrize(
    "text, message",
    [
        ("just words", "neither JSON nor an HTML page"),
        ('X{"@type": "ClaimReview"}', "neither JSON nor an HTML page"),  # text before the JSON
        ("<html><![foo bar]><body></body></html>", "the page's HTML cannot be read"),
        ("<html><body>no data</body></html>", "the page has no readable application/ld+json block"),
        ('<script>{"@type": "ClaimReview"}</script>', "the page has no readable application/ld+json block"),
        (
            '<div type="application/ld+json">{"@type": "ClaimReview"}</div>',
            "the page has no readable application/ld+json block",
        ),
        (json.dumps({"@type": "WebPage"}), "no ClaimReview found"),
    ],
)
def test_files_without_claim_reviews_are_refused_with_the_whole_reason(text, message):
    with pytest.raises(NotClaimReview) as refused:
        read(text)
    assert str(refused.value) == message


def test_invalid_json_is_refused_with_the_parsers_reason():
    with pytest.raises(NotClaimReview) as refused:
        read("{not json")
    assert str(refused.value).startswith("not valid JSON: ") and "line 1" in str(refused.value)


@pytest.mark.parametrize("lead", ["\ufeff", "  \n\t\r\n", "\ufeff\n "])
def test_json_after_a_byte_order_mark_or_blank_lines_is_read(lead):
    reviews, _ = read(lead + json.dumps([_review()]) + "\n")
    assert [r.url for r in reviews] == ["https://x.example/r"]


def test_a_script_type_with_parameters_is_still_json_ld():
    page = '<script type="Application/LD+JSON; charset=utf-8">{"@type": "ClaimReview"}</script>'
    assert documents(page) == [{"@type": "ClaimReview"}]


@pytest.mark.parametrize(
    "kind",
    ["ClaimReview", "schema:ClaimReview", "http://schema.org/ClaimReview", ["Thing", "https://schema.org/ClaimReview"]],
)
def test_a_claim_review_is_known_by_its_type_in_any_spelling(kind):
    reviews, _ = read(json.dumps(_review(**{"@type": kind})))
    assert len(reviews) == 1


@pytest.mark.parametrize(
    "kind", ["Review", "schema:Review", "https://schema.org/Review", ["Thing"], "ClaimReview/Other", 5]
)
def test_other_types_are_not_claim_reviews(kind):
    with pytest.raises(NotClaimReview, match="no ClaimReview found"):
        read(json.dumps(_review(**{"@type": kind})))


def test_the_url_may_be_an_id_and_plain_http_is_accepted():
    assert parse_review({"@id": "https://x.example/by-id", "claimReviewed": "x"}).url == "https://x.example/by-id"
    assert parse_review(_review(url="HTTP://x.example/r")).url == "HTTP://x.example/r"
    assert parse_review(_review(url={"@id": " https://x.example/node "})).url == "https://x.example/node"
    with pytest.raises(ValueError) as rejected:
        parse_review({"claimReviewed": "x"})
    assert str(rejected.value) == "no http(s) url"


def test_the_claim_may_be_the_reviewed_items_text():
    review = parse_review(_review(claimReviewed=None, itemReviewed={"@type": "Claim", "text": "Said  in\nfull"}))
    assert review.claim_reviewed == "Said in full"
    with pytest.raises(ValueError) as rejected:
        parse_review(_review(claimReviewed=None, itemReviewed={"@type": "Claim"}))
    assert str(rejected.value) == "no claimReviewed text"


@pytest.mark.parametrize(
    "rating, label, value",
    [
        ({"name": "False"}, "False", None),
        ({"alternateName": "Mostly false", "name": "2"}, "Mostly false", None),
        ({"ratingValue": 2.5}, "2.5", 2.5),
        ({}, "", None),
        ("True", "", None),  # not a Rating object
        ([{"name": "Mixed"}], "Mixed", None),
    ],
)
def test_the_rating_is_its_name_else_its_number(rating, label, value):
    review = parse_review(_review(reviewRating=rating))
    assert (review.rating, review.rating_value) == (label, value)


def test_the_first_appearance_is_read_when_no_appearance_is_given():
    claimed = {"firstAppearance": {"@id": "https://tv.example/first"}}
    assert parse_review(_review(itemReviewed=claimed)).appearance_url == "https://tv.example/first"
    both = {"appearance": ["https://a.example/one"], "firstAppearance": "https://tv.example/first"}
    assert parse_review(_review(itemReviewed=both)).appearance_url == "https://a.example/one"


def test_long_fields_are_cut_to_what_the_corpus_stores():
    long_url = "https://x.example/" + "a" * 3000
    review = parse_review(
        _review(
            url=long_url,
            reviewRating={"name": "r" * 500},
            author={"name": "p" * 500},
            itemReviewed={"author": "c" * 500, "appearance": long_url},
        )
    )
    assert (len(review.url), len(review.rating), len(review.publisher)) == (2000, 200, 300)
    assert (len(review.claim_author), len(review.appearance_url)) == (300, 2000)
    assert review.url == long_url[:2000]


@pytest.mark.parametrize(
    "published, day",
    [
        ("2024-10-14", date(2024, 10, 14)),
        ("2024-10-14T23:30:00Z", date(2024, 10, 14)),
        ("20241014T080000Z", date(2024, 10, 14)),  # ISO 8601's basic format
        ("2024-10-14, 09:00", date(2024, 10, 14)),  # a readable day before an unreadable time
        ("14/10/2024", None),
        ("  ", None),
        (20241014, None),
    ],
)
def test_the_publication_day_is_read_from_iso_dates_and_times(published, day):
    assert parse_review(_review(datePublished=published)).published_on == day
