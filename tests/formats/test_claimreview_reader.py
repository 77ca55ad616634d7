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
