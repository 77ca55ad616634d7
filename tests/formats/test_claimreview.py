"""schema.org ClaimReview serialisation of a settled claim (pure)."""

import json
from dataclasses import replace
from datetime import UTC, datetime

from annotator.formats.exports import FinalVerdictRecord, SourceRecord, claim_review

SETTLED = datetime(2024, 11, 2, 9, 30, tzinfo=UTC)
MODIFIED = datetime(2024, 11, 3, 10, 0, 5, tzinfo=UTC)


def record(verdict: str = "mostly-true", cited=()) -> FinalVerdictRecord:
    return FinalVerdictRecord(
        url="https://desk.example/articles/1?span=7",
        quote="600,000 soldiers",
        verdict=verdict,
        rationale="Matches NATO and UK figures.",
        settled=SETTLED,
        modified=MODIFIED,
        cited=tuple(cited),
    )


def test_claim_review_carries_the_quote_rating_claim_author_and_dates():
    review = claim_review(
        record(cited=[SourceRecord("https://nato.int/x", "NATO briefing")]),
        organisation="Fact-check desk",
        article_url="https://news.example/story",
        publisher="News Example",
        article_date="2024-10-31",
    )
    assert review == {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": "https://desk.example/articles/1?span=7",
        "claimReviewed": "600,000 soldiers",
        "reviewRating": {
            "@type": "Rating",
            "alternateName": "Mostly true",
            "ratingValue": 4,
            "bestRating": 5,
            "worstRating": 1,
        },
        "itemReviewed": {
            "@type": "Claim",
            "appearance": [
                {"@type": "CreativeWork", "url": "https://news.example/story", "datePublished": "2024-10-31"}
            ],
            "author": {"@type": "Organization", "name": "News Example"},
        },
        "author": {"@type": "Organization", "name": "Fact-check desk"},
        "datePublished": "2024-11-02",
        "dateModified": "2024-11-03T10:00:05Z",
        "reviewBody": "Matches NATO and UK figures.",
        "citation": [{"@type": "CreativeWork", "url": "https://nato.int/x", "name": "NATO briefing"}],
    }


def test_each_verdict_on_the_ordered_scale_gets_its_rating():
    ratings = {
        key: claim_review(record(key), organisation="D", article_url="u")["reviewRating"].get("ratingValue")
        for key in ("true", "mostly-true", "mixed", "misleading", "mostly-false", "false")
    }
    assert ratings == {"true": 5, "mostly-true": 4, "mixed": 3, "misleading": 2, "mostly-false": 2, "false": 1}


def test_unverifiable_has_a_name_but_no_rating_value():
    rating = claim_review(record("unverifiable"), organisation="D", article_url="u")["reviewRating"]
    assert rating == {"@type": "Rating", "alternateName": "Unverifiable"}


def test_optional_parts_are_left_out_when_unknown():
    review = claim_review(record(), organisation="D", article_url="https://news.example/story")
    assert "citation" not in review
    assert review["itemReviewed"] == {
        "@type": "Claim",
        "appearance": [{"@type": "CreativeWork", "url": "https://news.example/story"}],
    }


def test_a_cited_source_without_a_title_has_no_name():
    review = claim_review(
        record(cited=[SourceRecord("https://nato.int/x"), SourceRecord("https://gov.uk/y", "MoD")]),
        organisation="D",
        article_url="u",
    )
    assert review["citation"] == [
        {"@type": "CreativeWork", "url": "https://nato.int/x"},
        {"@type": "CreativeWork", "url": "https://gov.uk/y", "name": "MoD"},
    ]


def test_the_claim_is_the_same_as_the_related_claims_and_reviews():
    same_as = ("https://desk.example/articles/2?span=4", "https://factcheck.example/review/9")
    review = claim_review(replace(record(), same_as=same_as), organisation="D", article_url="u")
    assert review["itemReviewed"] == {
        "@type": "Claim",
        "appearance": [{"@type": "CreativeWork", "url": "u"}],
        "sameAs": ["https://desk.example/articles/2?span=4", "https://factcheck.example/review/9"],
    }
    assert json.loads(json.dumps(review)) == review  # a JSON list, not a tuple
