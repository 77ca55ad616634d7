"""The article list, adding articles, and the article page's text and highlights."""

import unicodedata

import pytest

from annotator.db.models import Article, Span
from tests.fixtures.app import CLAIM, HX, annotation_data, post_annotation, rows
from tests.fixtures.helpers import XSS_ALL, XSS_ATTR, XSS_SCRIPT, XSS_TEMPLATE, add_article, created_article
from tests.fixtures.htmltree import (
    article_text,
    field_errors,
    highlighted_span_ids,
    labelled,
    marks,
    page,
    paragraphs,
)

TRICKY_TEXT = (
    "Emoji first 😀🎉👍🏽 then a claim.\n"
    "Script: <script>alert(1)</script> & <b>bold</b> &amp; &lt;escaped&gt; \"double\" 'single'\n"
    "\n"
    "العربية: قال الرئيس إن الاقتصاد ينمو بسرعة.\n"
    "עברית: הממשלה הודיעה על תוכנית חדשה.\n"
    "  indented line with\ttab and trailing space \n"
    "{{ 7*7 }} {% if x %}jinja{% endif %} ${x} `code`\n"
    "- a bullet line\n"
    "Zero width\u200bjoiner\u200d and bidi \u202eoverride\u202c end 𝐀"
)


def test_article_list_links_each_title_to_its_page(app, reviewer_client, demo_article):
    second = created_article(app, add_article(reviewer_client, title="Second article", text="Body."))
    root = page(reviewer_client.get("/"))
    links = {a.get("href"): a.text().strip() for a in root.find_all("a")}
    assert links[f"/articles/{demo_article.id}"] == demo_article.title
    assert links[f"/articles/{second.id}"] == "Second article"


def test_add_article_form_has_labelled_fields(reviewer_client):
    root = page(reviewer_client.get("/articles/new"))
    for label in ("Title", "Publisher", "Source URL", "Published date", "Text"):
        assert labelled(root, label) is not None, label
    assert labelled(root, "Text").tag == "textarea"


def test_add_article_redirects_to_it_and_stores_canonical_text(app, reviewer_client):
    raw = "Line one: Zelenskyy cafe\u0301 said\r\nLine two\rLine three with Å\r\n"
    response = add_article(
        reviewer_client,
        title="  Canonical test  ",
        text=raw,
        publisher="The Paper",
        source_url="https://example.org/story?id=1",
        published_on="2024-10-31",
    )
    assert response.status_code == 303
    article = created_article(app, response)
    assert article.text == "Line one: Zelenskyy caf\u00e9 said\nLine two\nLine three with \u00c5"
    assert unicodedata.is_normalized("NFC", article.text) and "\r" not in article.text
    assert article.title == "Canonical test"
    assert article.publisher == "The Paper"
    assert article.source_url == "https://example.org/story?id=1"
    assert article.published_on.isoformat() == "2024-10-31"
    assert article.created_by_id is not None
    shown = reviewer_client.get(f"/articles/{article.id}")
    assert shown.status_code == 200
    assert article_text(page(shown)) == article.text


def test_two_articles_with_the_same_title_are_both_kept(app, reviewer_client):
    first = created_article(app, add_article(reviewer_client, title="Same title", text="One."))
    second = created_article(app, add_article(reviewer_client, title="Same title", text="Two."))
    assert first.id != second.id and first.slug != second.slug


@pytest.mark.parametrize(
    "fields, field_id, message",
    [
        ({"title": ""}, "title", ""),
        ({"title": "   "}, "title", ""),
        ({"text": ""}, "text", ""),
        ({"text": " \r\n \t "}, "text", ""),
        ({"text": "\ufeff"}, "text", "empty"),
        ({"source_url": "javascript:alert(1)"}, "source_url", "http"),
        ({"source_url": "JavaScript:alert(document.cookie)"}, "source_url", "http"),
        ({"source_url": "data:text/html,<script>alert(1)</script>"}, "source_url", "http"),
        ({"source_url": "/relative/path"}, "source_url", "http"),
        ({"source_url": "ftp://example.org/file"}, "source_url", "http"),
        ({"published_on": "31/10/2024"}, "published_on", "date"),
        ({"title": "x" * 301}, "title", "300"),
    ],
)
def test_invalid_article_answers_422_with_a_message_and_stores_nothing(app, reviewer_client, fields, field_id, message):
    before = len(rows(app, Article))
    data = {"title": "Kept title", "text": "Kept text."} | fields
    response = add_article(reviewer_client, **data)
    assert response.status_code == 422
    root = page(response)
    errors = field_errors(root, field_id)
    assert errors and any(message.lower() in e.lower() for e in errors), errors
    assert len(rows(app, Article)) == before
    # What the user typed is still in the form.
    if "title" not in fields:
        assert root.by_id("title").get("value") == "Kept title"


def test_add_article_without_csrf_token_is_rejected(app, reviewer_client):
    before = len(rows(app, Article))
    response = reviewer_client.post("/articles/new", data={"title": "T", "text": "Body"})
    assert response.status_code == 400
    assert len(rows(app, Article)) == before


@pytest.mark.parametrize(
    "path",
    [
        "/articles/999",
        "/articles/999/summary",
        "/articles/999/annotations.jsonld",
        "/articles/999/annotations.csv",
        "/articles/999/spans/1",
        "/articles/999/claims",
        "/articles/999/annotate?start=0&end=5&quote=Putin",
    ],
)
def test_unknown_article_is_404(reviewer_client, path):
    assert reviewer_client.get(path).status_code == 404


def test_unknown_article_is_404_for_htmx_too(reviewer_client):
    response = reviewer_client.get("/articles/999/spans/1", headers=HX)
    assert response.status_code == 404
    assert "Not found" in response.get_data(as_text=True)


def test_article_page_span_parameter_of_another_article_is_404(app, reviewer_client, demo_article):
    post_annotation(reviewer_client, demo_article, annotation_data(demo_article.text))
    span = rows(app, Span)[0]
    other = created_article(app, add_article(reviewer_client, title="Other", text="Other text."))
    assert reviewer_client.get(f"/articles/{other.id}?span={span.id}").status_code == 404
    assert reviewer_client.get(f"/articles/{demo_article.id}?span=999").status_code == 404
    assert reviewer_client.get(f"/articles/{demo_article.id}?span={span.id}").status_code == 200


def test_article_page_paragraphs_rebuild_the_text_with_overlapping_highlights(
    app, reviewer_client, demo_article, make_user
):
    text = demo_article.text
    claim_at = text.index(CLAIM)
    inner = "600,000 Russian soldiers"
    crossing = "killed or wounded in the conflict. Despite these losses"
    para_end = text.index("\n", claim_at)
    across = text[para_end - 10 : para_end + 15]  # crosses a paragraph break
    for quote in (CLAIM, inner, crossing):
        assert post_annotation(reviewer_client, demo_article, annotation_data(text, quote)).status_code == 200
    start = para_end - 10
    data = annotation_data(text, across, offsets=False, start=str(start), end=str(start + len(across)))
    assert post_annotation(reviewer_client, demo_article, data).status_code == 200
    other = make_user("alice")
    assert post_annotation(other, demo_article, annotation_data(text, CLAIM, verdict="false")).status_code == 200

    root = page(reviewer_client.get(f"/articles/{demo_article.id}"))
    assert article_text(root) == text
    for p in paragraphs(root):
        start = int(p.get("data-start"))
        assert text[start : start + len(p.text())] == p.text()
        assert start == 0 or text[start - 1] == "\n"
    spans = {s.quote: s.id for s in rows(app, Span)}
    assert highlighted_span_ids(root) == set(spans.values())
    nested = [m for m in marks(root) if m.text() == inner]
    assert len(nested) == 1
    assert set(nested[0].get("data-span-ids").split()) == {str(spans[CLAIM]), str(spans[inner])}
    # Every highlight stays inside a paragraph of the article text.
    for m in marks(root):
        assert m.parent.tag == "p" and m.parent.parent.get("id") == "article-text"


def test_article_page_text_with_emoji_rtl_and_markup_round_trips_exactly(app, reviewer_client):
    article = created_article(app, add_article(reviewer_client, title="Tricky", text=TRICKY_TEXT))
    for quote in ("then a claim", "<script>alert(1)</script>", "الاقتصاد ينمو", "הממשלה הודיעה", "{{ 7*7 }}"):
        response = post_annotation(reviewer_client, article, annotation_data(article.text, quote))
        assert response.status_code == 200, response.get_data(as_text=True)
    response = reviewer_client.get(f"/articles/{article.id}")
    body = response.get_data(as_text=True)
    assert XSS_SCRIPT not in body and "<b>bold</b>" not in body
    root = page(response)
    assert article_text(root) == article.text
    texts = {m.text() for m in marks(root)}
    assert {"<script>alert(1)</script>", "الاقتصاد ينمو", "הממשלה הודיעה", "{{ 7*7 }}"} <= texts
    assert len(paragraphs(root)) == article.text.count("\n") + 1


def test_article_title_and_text_with_markup_are_shown_literally(app, reviewer_client):
    title = f"Title {XSS_ALL}"
    text = f"First {XSS_SCRIPT}\nSecond {XSS_ATTR}\nThird {XSS_TEMPLATE}"
    article = created_article(app, add_article(reviewer_client, title=title, text=text, publisher=XSS_ALL))
    for path in ("/", f"/articles/{article.id}", f"/articles/{article.id}/summary"):
        response = reviewer_client.get(path)
        body = response.get_data(as_text=True)
        assert XSS_SCRIPT not in body, path
        assert "<img src=x" not in body, path
        assert "Title &lt;script&gt;" in body, path
        root = page(response)
        assert any(
            el.text().strip() == title for el in root.find_all("a") + root.find_all("h1") + root.find_all("span")
        ), path
        assert 'Title <script>alert(1)</script> "><img src=x onerror=alert(1)> {{ 7*7 }}' in root.text(), path
        assert 'Title <script>alert(1)</script> "><img src=x onerror=alert(1)> 49' not in root.text(), path
    root = page(reviewer_client.get(f"/articles/{article.id}"))
    assert root.find("h1").text() == title
    assert root.find("title").text().startswith(title)
    assert article_text(root) == text
    assert "Third {{ 7*7 }}" in article_text(root) and "Third 49" not in article_text(root)


def test_article_source_url_with_quotes_stays_inside_its_attribute(app, reviewer_client):
    url = "https://example.org/?q=\"><script>alert(1)</script>&x='y'"
    article = created_article(app, add_article(reviewer_client, title="Quoted URL", text="Body.", source_url=url))
    response = reviewer_client.get(f"/articles/{article.id}")
    assert XSS_SCRIPT not in response.get_data(as_text=True)
    original = page(response).find("a", class_=None, target="_blank")
    assert original.get("href") == url
    assert original.get("rel") == "noopener noreferrer"
    assert original.text().strip() == "Original"


def test_article_page_has_no_inline_scripts_and_sends_a_strict_csp(reviewer_client, demo_article):
    response = reviewer_client.get(f"/articles/{demo_article.id}")
    root = page(response)
    assert all(script.get("src") for script in root.find_all("script"))
    assert not any(name.startswith("on") for el in root.elements() for name in el.attrs)
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["Server-Timing"].startswith("app;dur=")


def test_article_page_offers_the_annotate_form(reviewer_client, demo_article):
    root = page(reviewer_client.get(f"/articles/{demo_article.id}"))
    popover = root.by_id("annotate-popover")
    assert popover.get("action") == f"/articles/{demo_article.id}/annotate"
    assert [b.text().strip() for b in popover.find_all("button")] == ["Annotate"]
    # Offsets only: the server reads the quote from the text (short URLs for long selections).
    assert {i.get("name") for i in popover.find_all("input")} == {"start", "end"}


def test_article_list_counts_claims_and_annotations(app, reviewer_client, demo_article, make_user):
    post_annotation(reviewer_client, demo_article, annotation_data(demo_article.text))
    post_annotation(make_user("alice"), demo_article, annotation_data(demo_article.text, verdict="false"))
    root = page(reviewer_client.get("/"))
    link = root.find("a", href=f"/articles/{demo_article.id}")
    meta = link.parent.find("p", class_="meta").text()
    assert "1 claim checked" in " ".join(meta.split())
    assert "2 annotations" in meta


def test_article_list_is_one_query_whatever_the_number_of_articles(app, reviewer_client):
    from tests.fixtures.app import count_queries

    with count_queries(app) as few:
        reviewer_client.get("/")
    for n in range(5):
        add_article(reviewer_client, title=f"Article {n}", text=f"Text {n}.")
    with count_queries(app) as many:
        reviewer_client.get("/")
    assert len(many) == len(few)


def test_htmx_request_for_article_page_still_works(reviewer_client, demo_article):
    # A boosted/htmx navigation to the article page gets a usable page, not an error.
    response = reviewer_client.get(f"/articles/{demo_article.id}", headers=HX)
    assert response.status_code == 200
    assert article_text(page(response)) == demo_article.text
