"""GET /articles/<id>/claimreview.jsonld and `flask export --format claimreview`."""

import json

from annotator.db.models import Source, Span
from tests.fixtures.app import CLAIM, annotation_data, csrf_token, post_annotation, rows

NATO = {"url": "https://www.nato.int/briefing", "title": "NATO briefing", "excerpt": ""}


def settle(lead_client, article, span, verdict="mostly-true", cite=()):
    token = csrf_token(lead_client, f"/articles/{article.id}")
    return lead_client.post(
        f"/articles/{article.id}/spans/{span.id}/final-verdict",
        data={
            "csrf_token": token,
            "verdict": verdict,
            "rationale": "Checked against NATO.",
            "cite": [str(c) for c in cite],
        },
    )


def test_claimreview_is_an_empty_json_array_when_nothing_is_settled(reviewer_client, demo_article):
    response = reviewer_client.get(f"/articles/{demo_article.id}/claimreview.jsonld")
    assert response.status_code == 200
    assert response.mimetype == "application/ld+json"
    assert json.loads(response.get_data(as_text=True)) == []


def test_claimreview_holds_one_review_per_settled_claim(app, reviewer_client, lead_client, demo_article):
    post_annotation(reviewer_client, demo_article, annotation_data(demo_article.text, sources=[NATO]))
    post_annotation(reviewer_client, demo_article, annotation_data(demo_article.text, "Putin appears willing"))
    span = rows(app, Span, Span.quote == CLAIM)[0]
    (source,) = rows(app, Source)
    assert settle(lead_client, demo_article, span, cite=[source.id]).status_code == 303
    reviews = reviewer_client.get(f"/articles/{demo_article.id}/claimreview.jsonld").get_json()
    assert len(reviews) == 1  # the other claim is not settled
    (review,) = reviews
    assert review["@context"] == "https://schema.org" and review["@type"] == "ClaimReview"
    assert review["claimReviewed"] == CLAIM
    assert review["reviewRating"] == {
        "@type": "Rating",
        "alternateName": "Mostly true",
        "ratingValue": 4,
        "bestRating": 5,
        "worstRating": 1,
    }
    assert review["itemReviewed"]["@type"] == "Claim"
    assert review["itemReviewed"]["appearance"][0]["url"] == f"http://localhost/articles/{demo_article.id}"
    assert review["author"] == {"@type": "Organization", "name": app.config["ORGANISATION_NAME"]}
    assert review["url"] == f"http://localhost/articles/{demo_article.id}?span={span.id}"
    assert review["citation"] == [{"@type": "CreativeWork", "url": NATO["url"], "name": NATO["title"]}]
    assert review["datePublished"].count("-") == 2


def test_cli_exports_the_same_claimreviews(app, runner, reviewer_client, lead_client, demo_article, tmp_path):
    post_annotation(reviewer_client, demo_article, annotation_data(demo_article.text))
    settle(lead_client, demo_article, rows(app, Span)[0], verdict="false")
    out = tmp_path / "reviews.jsonld"
    result = runner.invoke(args=["export", str(demo_article.id), "--format", "claimreview", "-o", str(out)])
    assert result.exit_code == 0, result.output
    (review,) = json.loads(out.read_text())
    assert review["claimReviewed"] == CLAIM and review["reviewRating"]["ratingValue"] == 1


def test_article_page_links_to_the_claimreview_download(reviewer_client, demo_article):
    page = reviewer_client.get(f"/articles/{demo_article.id}").get_data(as_text=True)
    assert f'href="/articles/{demo_article.id}/claimreview.jsonld"' in page
