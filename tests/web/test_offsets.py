"""Offsets are code points of the canonical text, from the form to the export."""

import unicodedata

import pytest

from annotator.db.models import Span
from tests.fixtures.app import annotation_data, post_annotation, rows
from tests.fixtures.helpers import add_article, counts, created_article
from tests.fixtures.htmltree import article_text, marks, page

RAW = (
    "Breaking 😀🎉 news: the minister said 👍🏽 that prices fell by 3% last year.\r\n"
    "Zelenskyy e\u0301 declared: \u201cwe will win\u201d in Kyiv; Mu\u0308ller agreed.\r\n"
    "قال الوزير إن الأسعار انخفضت بنسبة ثلاثة في المئة.\r\n"
    "השר אמר כי המחירים ירדו בשלושה אחוזים.\r\n"
    "\r\n"
    "Final 𝐀𝐁 line: inflation is 2.1 per cent, said \u202eevil\u202c Bob.\r\n"
)
CANONICAL = unicodedata.normalize("NFC", RAW.replace("\r\n", "\n")).rstrip()
CLAIMS = [
    "prices fell by 3% last year",
    "Zelenskyy \u00e9 declared",
    "M\u00fcller agreed",
    "الأسعار انخفضت",
    "המחירים ירדו",
    "inflation is 2.1 per cent",
]


def utf16_index(text: str, index: int) -> int:
    return len(text[:index].encode("utf-16-le")) // 2


@pytest.fixture
def unicode_article(app, reviewer_client):
    article = created_article(app, add_article(reviewer_client, title="Unicode", text=RAW))
    assert article.text == CANONICAL
    return article


def export_items(client, article) -> dict[str, dict]:
    document = client.get(f"/articles/{article.id}/annotations.jsonld").get_json()
    found = {}
    for item in document["first"]["items"]:
        selectors = {s["type"]: s for s in item["target"]["selector"]}
        found[selectors["TextQuoteSelector"]["exact"]] = selectors
    return found


def test_the_test_article_really_differs_between_code_points_and_utf16():
    at = CANONICAL.index(CLAIMS[0])
    assert utf16_index(CANONICAL, at) - at == 4  # three astral emoji before it, and a skin-tone modifier
    assert "\r" not in CANONICAL and unicodedata.is_normalized("NFC", CANONICAL)
    assert RAW.replace("\r\n", "\n").find("Zelenskyy e\u0301") != -1


@pytest.mark.parametrize("quote", CLAIMS)
def test_saved_claim_exports_python_code_point_offsets(app, reviewer_client, unicode_article, quote):
    response = post_annotation(reviewer_client, unicode_article, annotation_data(unicode_article.text, quote))
    assert response.status_code == 200, response.get_data(as_text=True)
    start = CANONICAL.index(quote)
    selectors = export_items(reviewer_client, unicode_article)[quote]
    assert selectors["TextPositionSelector"]["start"] == start
    assert selectors["TextPositionSelector"]["end"] == start + len(quote)
    assert selectors["TextQuoteSelector"]["exact"] == quote
    assert CANONICAL[start : start + len(quote)] == quote
    span = rows(app, Span)[0]
    assert (span.start, span.end, span.quote) == (start, start + len(quote), quote)


@pytest.mark.parametrize("quote", CLAIMS)
def test_quote_only_request_gives_the_same_offsets(app, reviewer_client, unicode_article, quote):
    sent = unicodedata.normalize("NFD", quote)  # a client may send decomposed text
    data = annotation_data(unicode_article.text, sent, offsets=False)
    assert post_annotation(reviewer_client, unicode_article, data).status_code == 200
    start = CANONICAL.index(quote)
    selectors = export_items(reviewer_client, unicode_article)[quote]
    assert (selectors["TextPositionSelector"]["start"], selectors["TextPositionSelector"]["end"]) == (
        start,
        start + len(quote),
    )


def test_all_claims_together_highlight_exactly_their_text(app, reviewer_client, unicode_article):
    for quote in CLAIMS:
        assert (
            post_annotation(reviewer_client, unicode_article, annotation_data(unicode_article.text, quote)).status_code
            == 200
        )
    root = page(reviewer_client.get(f"/articles/{unicode_article.id}"))
    assert article_text(root) == CANONICAL
    assert sorted(m.text() for m in marks(root)) == sorted(CLAIMS)
    for p in root.by_id("article-text").find_all("p"):
        start = int(p.get("data-start"))
        assert CANONICAL[start : start + len(p.text())] == p.text()
    items = export_items(reviewer_client, unicode_article)
    assert set(items) == set(CLAIMS)


def test_utf16_offsets_from_a_careless_client_are_rejected(app, reviewer_client, unicode_article):
    quote = CLAIMS[0]
    start = utf16_index(CANONICAL, CANONICAL.index(quote))
    data = annotation_data(unicode_article.text, quote, offsets=False, start=str(start), end=str(start + len(quote)))
    response = post_annotation(reviewer_client, unicode_article, data)
    assert response.status_code == 422
    assert counts(app) == (0, 0, 0)


def test_offsets_into_the_raw_crlf_text_are_rejected(app, reviewer_client, unicode_article):
    quote = "inflation is 2.1 per cent"
    raw_nfc = unicodedata.normalize("NFC", RAW)
    start = raw_nfc.index(quote)  # counts the \r characters the canonical text no longer has
    assert start != CANONICAL.index(quote)
    data = annotation_data(unicode_article.text, quote, offsets=False, start=str(start), end=str(start + len(quote)))
    assert post_annotation(reviewer_client, unicode_article, data).status_code == 422
    assert counts(app) == (0, 0, 0)


def test_claim_across_a_paragraph_break_keeps_its_newline(app, reviewer_client, unicode_article):
    first_break = CANONICAL.index("\n")
    across = CANONICAL[first_break - 10 : first_break + 9]
    assert "\n" in across
    start = first_break - 10
    data = annotation_data(unicode_article.text, across, offsets=False, start=str(start), end=str(start + len(across)))
    assert post_annotation(reviewer_client, unicode_article, data).status_code == 200
    selectors = export_items(reviewer_client, unicode_article)[across]
    assert selectors["TextPositionSelector"] == {
        "type": "TextPositionSelector",
        "start": start,
        "end": start + len(across),
    }
    root = page(reviewer_client.get(f"/articles/{unicode_article.id}"))
    assert "".join(m.text() for m in marks(root)) == across.replace("\n", "")
    assert article_text(root) == CANONICAL
