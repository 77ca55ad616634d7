"""Downloads: the W3C Web Annotation collection (JSON-LD) and CSV."""

import csv
import io
import json
from datetime import datetime

from annotator.db.models import Annotation, Span
from annotator.extensions import db
from annotator.services.users import create_or_update_user
from tests.fixtures.app import CLAIM, PASSWORD, annotation_data, login, post_annotation, rows
from tests.fixtures.helpers import add_article, created_article
from tests.fixtures.htmltree import page

NATO = {"url": "https://www.nato.int/briefing", "title": "NATO briefing", "excerpt": "600,000 casualties"}
ISW = {"url": "https://understandingwar.org/report", "title": "", "excerpt": ""}
SECOND = "Putin appears willing to accept high casualties"


def save(client, article, quote=CLAIM, **kwargs):
    response = post_annotation(client, article, annotation_data(article.text, quote, **kwargs))
    assert response.status_code == 200, response.get_data(as_text=True)


def w3c(client, article):
    response = client.get(f"/articles/{article.id}/annotations.jsonld")
    assert response.status_code == 200
    return response


def parse_csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.get_data(as_text=True))))


# --- W3C Web Annotation --------------------------------------------------------------------------------


def test_w3c_export_is_an_annotation_collection_in_json_ld(app, reviewer_client, lead_client, make_user, demo_article):
    save(reviewer_client, demo_article, verdict="mostly-true", note="NATO figure", sources=[NATO, ISW])
    save(make_user("alice"), demo_article, SECOND, verdict="false")
    response = w3c(lead_client, demo_article)
    assert response.mimetype == "application/ld+json"
    assert "attachment" in response.headers["Content-Disposition"]
    document = json.loads(response.get_data(as_text=True))
    assert document["@context"] == "http://www.w3.org/ns/anno.jsonld"
    assert document["type"] == "AnnotationCollection"
    assert document["total"] == 2
    assert document["id"] == f"http://localhost/articles/{demo_article.id}/annotations.jsonld"
    assert demo_article.title in document["label"]
    items = document["first"]["items"]
    assert document["first"]["type"] == "AnnotationPage"
    assert len(items) == 2
    for item in items:
        assert item["type"] == "Annotation"
        assert item["motivation"] == "assessing"
        assert item["creator"]["name"] and item["creator"]["type"] == "Person"
        for key in ("created", "modified"):
            assert item[key].endswith("Z")
            assert datetime.fromisoformat(item[key].replace("Z", "+00:00")).tzinfo is not None
        assert item["id"].startswith("http://localhost/annotations/")


def test_w3c_items_carry_verdict_note_sources_and_selectors(app, reviewer_client, demo_article):
    save(reviewer_client, demo_article, verdict="mostly-true", note="NATO figure", sources=[NATO, ISW])
    item = w3c(reviewer_client, demo_article).get_json()["first"]["items"][0]
    assert item["creator"]["name"] == "Riley Reviewer" and item["creator"]["nickname"] == "reviewer"
    by_purpose: dict[str, list[dict]] = {}
    for body in item["body"]:
        by_purpose.setdefault(body["purpose"], []).append(body)
    assert [b["value"] for b in by_purpose["assessing"]] == ["Mostly true"]
    assert [b["value"] for b in by_purpose["commenting"]] == ["NATO figure"]
    links = by_purpose["linking"]
    assert [b["source"] for b in links] == [NATO["url"], ISW["url"]]
    assert links[0]["label"] == NATO["title"]
    assert links[0]["selector"] == {"type": "TextQuoteSelector", "exact": NATO["excerpt"]}
    target = item["target"]
    assert target["source"] == f"http://localhost/articles/{demo_article.id}"
    selectors = {s["type"]: s for s in target["selector"]}
    start = demo_article.text.index(CLAIM)
    assert selectors["TextQuoteSelector"] == {
        "type": "TextQuoteSelector",
        "exact": CLAIM,
        "prefix": demo_article.text[start - 32 : start],
        "suffix": demo_article.text[start + len(CLAIM) : start + len(CLAIM) + 32],
    }
    assert selectors["TextPositionSelector"] == {
        "type": "TextPositionSelector",
        "start": start,
        "end": start + len(CLAIM),
    }


def test_w3c_annotation_without_note_or_sources_has_only_the_verdict_body(app, reviewer_client, demo_article):
    save(reviewer_client, demo_article, verdict="unverifiable")
    item = w3c(reviewer_client, demo_article).get_json()["first"]["items"][0]
    assert item["body"] == [
        {"type": "TextualBody", "purpose": "assessing", "value": "Unverifiable", "format": "text/plain"}
    ]


def test_w3c_target_is_the_articles_source_url_when_it_has_one(app, reviewer_client):
    article = created_article(
        app,
        add_article(
            reviewer_client, title="Sourced", text="The sky is green today.", source_url="https://news.example/story"
        ),
    )
    save(reviewer_client, article, "The sky is green")
    item = w3c(reviewer_client, article).get_json()["first"]["items"][0]
    assert item["target"]["source"] == "https://news.example/story"


def test_w3c_annotation_id_leads_to_the_claim(app, reviewer_client, demo_article):
    save(reviewer_client, demo_article)
    item = w3c(reviewer_client, demo_article).get_json()["first"]["items"][0]
    span = rows(app, Span)[0]
    response = reviewer_client.get(item["id"].replace("http://localhost", ""))
    assert response.status_code in (302, 303)
    assert response.headers["Location"].endswith(f"/articles/{demo_article.id}?span={span.id}")


def test_w3c_export_of_an_article_without_annotations_is_an_empty_collection(reviewer_client, demo_article):
    document = w3c(reviewer_client, demo_article).get_json()
    assert document["total"] == 0 and document["first"]["items"] == []


def test_w3c_export_keeps_user_text_verbatim(app, reviewer_client, demo_article):
    note = '<script>alert(1)</script> "quoted" {{ 7*7 }} émoji 😀'
    save(reviewer_client, demo_article, note=note)
    item = w3c(reviewer_client, demo_article).get_json()["first"]["items"][0]
    assert [b["value"] for b in item["body"] if b["purpose"] == "commenting"] == [note]


# --- CSV ---------------------------------------------------------------------------------------------------


def test_csv_export_has_a_header_and_one_row_per_annotation(app, reviewer_client, make_user, demo_article):
    save(reviewer_client, demo_article, verdict="mostly-true", note="NATO figure", sources=[NATO, ISW])
    save(make_user("alice"), demo_article, verdict="false")
    save(reviewer_client, demo_article, SECOND, verdict="true")
    response = reviewer_client.get(f"/articles/{demo_article.id}/annotations.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    table = parse_csv(response)
    header, body = table[0], table[1:]
    assert {"quote", "reviewer", "verdict", "verdict_label", "note", "start", "end"} <= set(header)
    assert len(body) == 3 == len(rows(app, Annotation))
    records = [dict(zip(header, row, strict=True)) for row in body]
    riley = next(r for r in records if r["reviewer"] == "Riley Reviewer" and r["quote"] == CLAIM)
    start = demo_article.text.index(CLAIM)
    assert (riley["start"], riley["end"]) == (str(start), str(start + len(CLAIM)))
    assert (riley["verdict"], riley["verdict_label"], riley["note"]) == ("mostly-true", "Mostly true", "NATO figure")
    assert riley["source_count"] == "2" and NATO["url"] in riley["sources"]
    assert {r["verdict_label"] for r in records} == {"Mostly true", "False", "True"}


def test_csv_cells_that_a_spreadsheet_would_run_are_defused(app, client, demo_article):
    article_text = "- minus claim starts here.\n+ plus claim too.\n=SUM(A1) formula line.\n@cmd at line."
    with app.app_context():
        create_or_update_user(
            session=db.session(),
            username="=cmd|'/C calc'!A0",
            role="reviewer",
            password=PASSWORD,
            display_name="@evil =name",
        )
    assert login(client, "=cmd|'/C calc'!A0").status_code == 303
    article = created_article(app, add_article(client, title="Formulas", text=article_text))
    for quote, note in (
        ("- minus claim", '=HYPERLINK("http://evil","x")'),
        ("+ plus claim", "+1+1"),
        ("=SUM(A1)", "-2"),
        ("@cmd", "@SUM(1)"),
    ):
        save(
            client, article, quote, note=note, sources=[{"url": "https://example.org/", "title": "=1+1", "excerpt": ""}]
        )
    table = parse_csv(client.get(f"/articles/{article.id}/annotations.csv"))
    assert len(table) == 5
    for row in table[1:]:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), (cell, row)
    header = table[0]
    notes = sorted(dict(zip(header, row, strict=True))["note"] for row in table[1:])
    assert notes == sorted(['\'=HYPERLINK("http://evil","x")', "'+1+1", "'-2", "'@SUM(1)"])
    quotes = {dict(zip(header, row, strict=True))["quote"] for row in table[1:]}
    assert quotes == {"'- minus claim", "'+ plus claim", "'=SUM(A1)", "'@cmd"}


def test_csv_export_without_annotations_is_just_the_header(reviewer_client, demo_article):
    table = parse_csv(reviewer_client.get(f"/articles/{demo_article.id}/annotations.csv"))
    assert len(table) == 1 and "quote" in table[0]


def test_csv_keeps_newlines_and_commas_inside_one_cell(app, reviewer_client, demo_article):
    note = 'Line one, with comma\nLine two "quoted"'
    save(reviewer_client, demo_article, note=note)
    table = parse_csv(reviewer_client.get(f"/articles/{demo_article.id}/annotations.csv"))
    assert len(table) == 2
    assert dict(zip(table[0], table[1], strict=True))["note"] == note


# --- Links ---------------------------------------------------------------------------------------------------


def test_article_page_links_to_both_downloads(reviewer_client, demo_article):
    root = page(reviewer_client.get(f"/articles/{demo_article.id}"))
    links = {a.get("href"): a for a in root.find_all("a")}
    jsonld = links[f"/articles/{demo_article.id}/annotations.jsonld"]
    csv_link = links[f"/articles/{demo_article.id}/annotations.csv"]
    assert "CSV" in csv_link.text()
    assert "JSON" in jsonld.text() or "W3C" in jsonld.text()
    assert reviewer_client.get(jsonld.get("href")).status_code == 200
    assert reviewer_client.get(csv_link.get("href")).mimetype == "text/csv"


def test_lead_gets_the_same_exports(app, reviewer_client, lead_client, demo_article):
    save(reviewer_client, demo_article)
    assert lead_client.get(f"/articles/{demo_article.id}/annotations.jsonld").get_json()["total"] == 1
    assert len(parse_csv(lead_client.get(f"/articles/{demo_article.id}/annotations.csv"))) == 2
