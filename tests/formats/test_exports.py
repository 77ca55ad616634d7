"""The export serialisers (annotator.formats.exports): W3C Web Annotation JSON-LD, streamed as a collection,
and CSV whose cells a spreadsheet never runs as formulas. Pure: records in, text out."""

from __future__ import annotations

import csv
import io
import json
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone

import pytest

from annotator.formats.exports import (
    CSV_HEADER,
    AnnotationRecord,
    SourceRecord,
    csv_cell,
    csv_lines,
    csv_text,
    iso,
    w3c_annotation,
    w3c_collection_json,
)

TARGET = "https://news.example/a"
RECORD = AnnotationRecord(
    id=7,
    iri="https://desk.example/annotations/7",
    creator_name="Riley Reviewer",
    creator_username="riley",
    created=datetime(2026, 11, 1, 9, 30, tzinfo=UTC),
    modified=datetime(2026, 11, 2, 10, 0, 5, tzinfo=UTC),
    verdict="mostly-true",
    note="NATO figure",
    start=10,
    end=20,
    quote="600,000 Ru",
    prefix="than ",
    suffix="ssian",
    sources=(SourceRecord("https://nato.int/b", "Briefing", "600,000"), SourceRecord("https://x.org")),
)
# A highlight imported without a verdict, a note or sources, whose words are gone from the article.
DRAFT = replace(
    RECORD, id=8, iri="https://desk.example/annotations/8", verdict="", note="", sources=(), start=None, end=None
)


# --- iso ---


def test_iso_is_utc_with_a_z_to_the_second():
    assert iso(datetime(2026, 11, 1, 9, 5, 7, 987654, tzinfo=UTC)) == "2026-11-01T09:05:07Z"


def test_iso_converts_a_time_in_another_zone_to_utc():
    berlin = timezone(timedelta(hours=1))
    assert iso(datetime(2026, 11, 1, 10, 5, 7, tzinfo=berlin)) == "2026-11-01T09:05:07Z"
    assert iso(datetime(2026, 11, 1, 0, 30, tzinfo=berlin)) == "2026-10-31T23:30:00Z"


def test_iso_is_utc_whatever_the_servers_time_zone(monkeypatch):
    # A POSIX rule (no time zone database needed): three hours east of UTC, all year.
    monkeypatch.setenv("TZ", "XYZ-03")
    time.tzset()
    try:
        assert iso(datetime(2026, 11, 1, 10, 5, 7, tzinfo=timezone(timedelta(hours=1)))) == "2026-11-01T09:05:07Z"
    finally:
        monkeypatch.undo()
        time.tzset()


def test_iso_of_a_naive_time_is_written_as_it_is():
    assert iso(datetime(2026, 11, 1, 9, 5, 7)) == "2026-11-01T09:05:07"


# --- one W3C annotation ---


def test_an_assessed_annotation_has_its_verdict_note_sources_and_both_selectors():
    assert w3c_annotation(RECORD, target_source=TARGET) == {
        "id": "https://desk.example/annotations/7",
        "type": "Annotation",
        "motivation": "assessing",
        "creator": {"type": "Person", "name": "Riley Reviewer", "nickname": "riley"},
        "created": "2026-11-01T09:30:00Z",
        "modified": "2026-11-02T10:00:05Z",
        "body": [
            {"type": "TextualBody", "purpose": "assessing", "value": "Mostly true", "format": "text/plain"},
            {"type": "TextualBody", "purpose": "commenting", "value": "NATO figure", "format": "text/plain"},
            {
                "type": "SpecificResource",
                "purpose": "linking",
                "source": "https://nato.int/b",
                "label": "Briefing",
                "selector": {"type": "TextQuoteSelector", "exact": "600,000"},
            },
            {"type": "SpecificResource", "purpose": "linking", "source": "https://x.org"},
        ],
        "target": {
            "source": TARGET,
            "selector": [
                {"type": "TextQuoteSelector", "exact": "600,000 Ru", "prefix": "than ", "suffix": "ssian"},
                {"type": "TextPositionSelector", "start": 10, "end": 20},
            ],
        },
    }


def test_a_draft_without_note_or_sources_has_no_body_and_an_orphan_no_position():
    annotation = w3c_annotation(DRAFT, target_source=TARGET)
    assert "body" not in annotation
    assert annotation["target"] == {
        "source": TARGET,
        "selector": [{"type": "TextQuoteSelector", "exact": "600,000 Ru", "prefix": "than ", "suffix": "ssian"}],
    }
    assert "dcterms:relation" not in annotation


def test_a_draft_with_a_note_has_only_the_commenting_body():
    annotation = w3c_annotation(replace(DRAFT, note="check the ministry"), target_source=TARGET)
    assert annotation["body"] == [
        {"type": "TextualBody", "purpose": "commenting", "value": "check the ministry", "format": "text/plain"}
    ]


def test_a_source_with_only_an_excerpt_selects_it_without_a_label():
    annotation = w3c_annotation(
        replace(DRAFT, sources=(SourceRecord("https://x.org", "", "600"),)), target_source=TARGET
    )
    assert annotation["body"] == [
        {
            "type": "SpecificResource",
            "purpose": "linking",
            "source": "https://x.org",
            "selector": {"type": "TextQuoteSelector", "exact": "600"},
        }
    ]


def test_a_position_at_the_start_of_the_text_is_kept():
    annotation = w3c_annotation(replace(RECORD, start=0, end=5), target_source=TARGET)
    assert annotation["target"]["selector"][1] == {"type": "TextPositionSelector", "start": 0, "end": 5}


def test_related_claims_are_dublin_core_relations():
    related = ("https://desk.example/articles/2?span=4", "https://factcheck.example/review/9")
    annotation = w3c_annotation(replace(RECORD, related=related), target_source=TARGET)
    assert annotation["dcterms:relation"] == [
        {"id": "https://desk.example/articles/2?span=4"},
        {"id": "https://factcheck.example/review/9"},
    ]


def test_a_verdict_off_the_scale_is_written_as_its_key():
    annotation = w3c_annotation(replace(RECORD, verdict="pants-on-fire"), target_source=TARGET)
    assert annotation["body"][0]["value"] == "pants-on-fire"


# --- the streamed collection ---


def collection(records, label="Annotations on “Story”"):
    return list(
        w3c_collection_json(
            records,
            collection_id="https://desk.example/articles/1/annotations.jsonld",
            label=label,
            target_source=TARGET,
        )
    )


def test_an_empty_collection_is_exactly_this_document():
    assert "".join(collection([], label="Story")) == (
        "{\n"
        '  "@context": "http://www.w3.org/ns/anno.jsonld",\n'
        '  "id": "https://desk.example/articles/1/annotations.jsonld",\n'
        '  "type": "AnnotationCollection",\n'
        '  "label": "Story",\n'
        '  "first": {"id": "https://desk.example/articles/1/annotations.jsonld#page1", "type": "AnnotationPage",'
        ' "startIndex": 0, "items": [\n'
        "  ]},\n"
        '  "total": 0\n'
        "}\n"
    )


def test_a_collection_embeds_every_annotation_on_its_first_page_and_counts_them():
    document = json.loads("".join(collection([RECORD, DRAFT])))
    assert document["@context"] == "http://www.w3.org/ns/anno.jsonld"
    assert document["type"] == "AnnotationCollection"
    assert document["label"] == "Annotations on “Story”"
    assert document["first"]["id"] == "https://desk.example/articles/1/annotations.jsonld#page1"
    assert document["first"]["startIndex"] == 0
    assert document["first"]["items"] == [
        w3c_annotation(RECORD, target_source=TARGET),
        w3c_annotation(DRAFT, target_source=TARGET),
    ]
    assert document["total"] == 2


def test_a_collection_streams_one_annotation_a_chunk_and_a_line_with_text_unescaped():
    chunks = collection([RECORD, DRAFT, RECORD])
    assert len(chunks) == 5
    assert chunks[0].endswith('"items": [') and "“Story”" in chunks[0]
    assert chunks[1] == "\n    " + json.dumps(w3c_annotation(RECORD, target_source=TARGET), ensure_ascii=False)
    assert chunks[2] == ",\n    " + json.dumps(w3c_annotation(DRAFT, target_source=TARGET), ensure_ascii=False)
    assert chunks[3].startswith(",\n    {")
    assert chunks[4] == '\n  ]},\n  "total": 3\n}\n'


def test_a_collection_keeps_non_ascii_text_readable():
    text = "".join(collection([replace(RECORD, note="Vučić’s “figure”")]))
    assert "Vučić’s “figure”" in text


def test_a_collection_address_with_non_ascii_letters_is_written_as_it_is():
    (head, _) = w3c_collection_json([], collection_id="https://désk.example/a", label="L", target_source=TARGET)
    assert '"id": "https://désk.example/a",' in head
    assert '"first": {"id": "https://désk.example/a#page1",' in head


# --- CSV ---


@pytest.mark.parametrize("text", ["=1+1", "+33 1", "-5", "@SUM(A1)", "\tx", "\rx"])
def test_a_cell_a_spreadsheet_would_run_as_a_formula_starts_with_an_apostrophe(text):
    assert csv_cell(text) == "'" + text


@pytest.mark.parametrize(
    "value, cell", [("600,000 soldiers", "600,000 soldiers"), ("a=b", "a=b"), ("", ""), (12, "12")]
)
def test_other_cells_are_written_as_they_are(value, cell):
    assert csv_cell(value) == cell


def rows(lines):
    return list(csv.reader(io.StringIO("".join(lines))))


def test_csv_lines_are_the_header_then_one_line_per_annotation():
    lines = list(csv_lines([RECORD, DRAFT]))
    assert len(lines) == 3 and all(line.endswith("\r\n") for line in lines)
    assert rows(lines) == [
        list(CSV_HEADER),
        [
            "7",
            "10",
            "20",
            "600,000 Ru",
            "Riley Reviewer",
            "riley",
            "mostly-true",
            "Mostly true",
            "NATO figure",
            "2",
            "https://nato.int/b Briefing\nhttps://x.org",
            "2026-11-01T09:30:00Z",
            "2026-11-02T10:00:05Z",
        ],
        [
            "8",
            "",
            "",
            "600,000 Ru",
            "Riley Reviewer",
            "riley",
            "",
            "",
            "",
            "0",
            "",
            "2026-11-01T09:30:00Z",
            "2026-11-02T10:00:05Z",
        ],
    ]


def test_csv_header_names_every_column():
    assert rows(csv_lines([]))[0] == [
        "annotation_id",
        "start",
        "end",
        "quote",
        "reviewer",
        "username",
        "verdict",
        "verdict_label",
        "note",
        "source_count",
        "sources",
        "created",
        "modified",
    ]


def test_csv_lines_escape_every_text_a_person_typed():
    hostile = replace(
        RECORD,
        quote="=HYPERLINK(1)",
        creator_name="+Eve",
        creator_username="-eve",
        note="@note",
        sources=(SourceRecord("=evil", "x"),),
    )
    (row,) = rows(csv_lines([hostile]))[1:]
    assert row[3:6] == ["'=HYPERLINK(1)", "'+Eve", "'-eve"]
    assert row[8] == "'@note"
    assert row[10] == "'=evil x"


def test_csv_text_writes_numbers_as_numbers_none_as_empty_and_escapes_text():
    assert csv_text(["user", "=alpha"], [["-eve", -0.25, None, 3], ["ok", 1.5, "", 0]]) == (
        "user,'=alpha\r\n'-eve,-0.25,,3\r\nok,1.5,,0\r\n"
    )


def test_csv_text_of_a_header_alone():
    assert csv_text(("a", "b"), []) == "a,b\r\n"
