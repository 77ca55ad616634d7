from annotator.db.models import Annotation, Source, Span
from tests.fixtures.app import CLAIM, annotation_data, post_annotation, rows


def test_reviewer_saves_annotation_and_sees_highlight(app, reviewer_client, demo_article):
    data = annotation_data(
        demo_article.text,
        verdict="mostly-true",
        note="NATO figure, Oct 2024",
        sources=[{"url": "https://www.nato.int/x", "title": "NATO briefing", "excerpt": "600,000"}],
    )
    response = post_annotation(reviewer_client, demo_article, data)
    assert response.status_code == 200, response.get_data(as_text=True)
    body = response.get_data(as_text=True)
    assert "data-start=" in body and 'hx-swap-oob="true"' in body  # the claim's paragraph, highlighted
    assert "Mostly true" in body and "NATO briefing" in body
    assert 'rel="noopener noreferrer"' in body
    spans = rows(app, Span)
    assert len(spans) == 1 and spans[0].quote == CLAIM
    assert rows(app, Annotation)[0].verdict == "mostly-true"
    assert rows(app, Source)[0].url == "https://www.nato.int/x"
    page = reviewer_client.get(f"/articles/{demo_article.id}").get_data(as_text=True)
    assert f'data-span-ids="{spans[0].id}"' in page
