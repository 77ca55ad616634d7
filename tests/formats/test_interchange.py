"""Reading W3C Web Annotation and Hypothesis JSON (annotator.formats.interchange): what an item says, or why it
can't be imported."""

import re
from datetime import UTC, datetime

import pytest

from annotator.formats import exports
from annotator.formats.interchange import (
    HYPOTHESIS,
    W3C,
    Rejected,
    parse_hypothesis_annotation,
    parse_w3c_annotation,
    read_items,
    verdict_key,
    w3c_items,
)

RECORD = exports.AnnotationRecord(
    id=7,
    iri="https://desk.example/annotations/7",
    creator_name="Riley Reviewer",
    creator_username="riley",
    created=datetime(2026, 11, 1, 9, 30, tzinfo=UTC),
    modified=datetime(2026, 11, 2, 10, 0, tzinfo=UTC),
    verdict="mostly-true",
    note="NATO figure",
    start=10,
    end=20,
    quote="600,000 Ru",
    prefix="than ",
    suffix="ssian",
    sources=(exports.SourceRecord("https://nato.int/b", "Briefing", "600,000"), exports.SourceRecord("https://x.org")),
)


def test_our_own_export_reads_back_field_by_field():
    incoming = parse_w3c_annotation(exports.w3c_annotation(RECORD, target_source="https://news.example/a"))
    assert incoming.target_source == "https://news.example/a"
    assert (incoming.quote, incoming.prefix, incoming.suffix, incoming.start) == ("600,000 Ru", "than ", "ssian", 10)
    assert (incoming.verdict, incoming.note) == ("mostly-true", "NATO figure")
    assert incoming.sources == (
        {"url": "https://nato.int/b", "title": "Briefing", "excerpt": "600,000"},
        {"url": "https://x.org", "title": "", "excerpt": ""},
    )
    assert (incoming.creator_username, incoming.creator_name) == ("riley", "Riley Reviewer")
    assert (incoming.created, incoming.modified) == (RECORD.created, RECORD.modified)


@pytest.mark.parametrize(
    "given, key",
    [
        ("Mostly true", "mostly-true"),
        ("mostly-true", "mostly-true"),
        ("  FALSE ", "false"),
        ("Unverifiable", "unverifiable"),
    ],
)
def test_verdicts_are_read_by_label_or_key(given, key):
    assert verdict_key(given) == key


def test_collections_pages_lists_and_single_annotations_all_give_items():
    one = {"type": "Annotation"}
    assert w3c_items({"type": "AnnotationCollection", "first": {"items": [one]}}) == [one]
    assert w3c_items({"type": "AnnotationCollection", "items": [one]}) == [one]
    assert w3c_items({"type": "AnnotationPage", "items": [one, one]}) == [one, one]
    assert w3c_items([one]) == [one] and w3c_items(one) == [one]
    for bad in ({"type": "Person"}, "text", 3):
        with pytest.raises(Rejected):
            w3c_items(bad)


def test_a_refined_selector_and_plain_comment_bodies_are_understood():
    item = {
        "type": "Annotation",
        "body": [
            {"type": "TextualBody", "purpose": "assessing", "value": "False"},
            {"type": "TextualBody", "value": "first"},
            {"type": "TextualBody", "value": "second"},
        ],
        "target": {
            "source": "https://a.example",
            "selector": {
                "type": "TextPositionSelector",
                "start": 4,
                "end": 9,
                "refinedBy": {"type": "TextQuoteSelector", "exact": "words"},
            },
        },
    }
    incoming = parse_w3c_annotation(item)
    assert (incoming.quote, incoming.start, incoming.verdict, incoming.note) == ("words", 4, "false", "first\n\nsecond")
    assert incoming.creator_username is None and incoming.created is None


@pytest.mark.parametrize(
    "item, reason",
    [
        (
            {"type": "Annotation", "body": [], "target": {"selector": {"type": "TextQuoteSelector", "exact": "x"}}},
            "no verdict",
        ),
        ({"type": "Annotation", "body": {"purpose": "assessing", "value": "True"}, "target": []}, "exactly one target"),
        (
            {
                "type": "Annotation",
                "body": {"purpose": "assessing", "value": "True"},
                "target": {"selector": {"type": "TextQuoteSelector", "exact": " "}},
            },
            "TextQuoteSelector",
        ),
        (
            {
                "type": "Annotation",
                "body": [{"purpose": "assessing", "value": "True"}, {"purpose": "assessing", "value": "False"}],
                "target": {"selector": {"type": "TextQuoteSelector", "exact": "x"}},
            },
            "more than one verdict",
        ),
        (
            {
                "type": "Annotation",
                "body": {"purpose": "assessing", "value": "True"},
                "target": {
                    "selector": [
                        {"type": "TextQuoteSelector", "exact": "x"},
                        {"type": "TextPositionSelector", "start": -1, "end": 2},
                    ]
                },
            },
            "whole number",
        ),
        (
            {
                "type": "Annotation",
                "body": {"purpose": "assessing", "value": 5},
                "target": {"selector": {"type": "TextQuoteSelector", "exact": "x"}},
            },
            "not text",
        ),
    ],
)
def test_items_that_cannot_be_imported_say_why(item, reason):
    with pytest.raises(Rejected, match=reason):
        parse_w3c_annotation(item)


@pytest.mark.parametrize("moment", ["0001-01-01T00:30:00+01:00", "9999-12-31T23:30:00-01:00", "yesterday", 5])
def test_times_off_the_calendar_or_unreadable_are_left_out(moment):
    item = {
        "type": "Annotation",
        "created": moment,
        "modified": moment,
        "body": {"purpose": "assessing", "value": "True"},
        "target": {"selector": {"type": "TextQuoteSelector", "exact": "x"}},
    }
    incoming = parse_w3c_annotation(item)
    assert incoming.created is None and incoming.modified is None


def hypothesis(**fields):
    row = {
        "user": "acct:ana@hypothes.is",
        "uri": "https://a.example/story",
        "text": "",
        "tags": ["Mostly false"],
        "target": [
            {
                "source": "https://a.example/story",
                "selector": [
                    {"type": "TextQuoteSelector", "exact": "words", "prefix": "the ", "suffix": "."},
                    {"type": "TextPositionSelector", "start": 4, "end": 9},
                ],
            }
        ],
    }
    return {**row, **fields}


def test_hypothesis_files_are_told_from_w3c_ones_in_every_shape():
    row = hypothesis()
    assert read_items({"total": 1, "rows": [row]}) == (HYPOTHESIS, [row])
    assert read_items([row, row]) == (HYPOTHESIS, [row, row])
    assert read_items(row) == (HYPOTHESIS, [row])
    one = {"type": "Annotation"}
    assert read_items([one]) == (W3C, [one]) and read_items({"type": "AnnotationPage", "items": [one]}) == (W3C, [one])
    for empty in ({"total": 0, "rows": []}, []):
        with pytest.raises(Rejected, match="no annotations"):
            read_items(empty)
    with pytest.raises(Rejected, match="one page of several"):
        read_items({"total": 3, "rows": [row]})


def test_a_hypothesis_row_gives_its_verdict_by_tag_and_the_rest_as_note():
    incoming = parse_hypothesis_annotation(
        hypothesis(
            text="See the ONS release.",
            tags=["economy", "MOSTLY FALSE", " needs-source "],
            user_info={"display_name": "Ana A."},
            created="2026-01-02T03:04:05.678+00:00",
            updated="2026-01-03T00:00:00Z",
        )
    )
    assert (incoming.verdict, incoming.note) == ("mostly-false", "See the ONS release.\n\nTags: economy, needs-source")
    assert (incoming.quote, incoming.prefix, incoming.suffix, incoming.start) == ("words", "the ", ".", 4)
    assert (incoming.creator_username, incoming.creator_name) == ("ana@hypothes.is", "Ana A.")
    assert incoming.target_source == "https://a.example/story" and incoming.sources == ()
    assert incoming.created.isoformat() == "2026-01-02T03:04:05.678000+00:00"
    assert parse_hypothesis_annotation(hypothesis(tags=["false"])).note == ""


@pytest.mark.parametrize(
    "fields, reason",
    [
        ({"tags": ["economy"]}, "No tag names a verdict"),
        ({"tags": []}, "No tag names a verdict (tags: none)"),
        ({"tags": ["False", "True"]}, "several verdicts"),
        ({"target": [{"source": "https://a.example/story"}]}, "quotes no words"),
        ({"target": []}, "exactly one target"),
        ({"text": 5}, "note is not text"),
    ],
)
def test_hypothesis_rows_that_cannot_be_imported_say_why(fields, reason):
    # Highlights without a verdict tag are rejected only when asked to (--untagged skip); see below.
    with pytest.raises(Rejected, match=re.escape(reason)):
        parse_hypothesis_annotation(hypothesis(**fields), untagged="skip")


@pytest.mark.parametrize("tags, note", [(["economy", "needs-check"], "Tags: economy, needs-check"), ([], "")])
def test_a_highlight_without_a_verdict_tag_awaits_a_verdict_by_default(tags, note):
    incoming = parse_hypothesis_annotation(hypothesis(tags=tags))
    assert (incoming.verdict, incoming.note.split("\n\n")[-1] if incoming.note else "") == ("", note)
    with pytest.raises(Rejected, match="several verdicts"):
        parse_hypothesis_annotation(hypothesis(tags=["False", "True", "economy"]))


@pytest.mark.parametrize(
    "user, username",
    [("acct:ana@hypothes.is", "ana@hypothes.is"), ("ana", None), (None, None), ("acct:@hypothes.is", None), (7, None)],
)
def test_hypothesis_accounts_name_the_author(user, username):
    assert parse_hypothesis_annotation(hypothesis(user=user)).creator_username == username


def _w3c(**changes) -> dict:
    item = exports.w3c_annotation(RECORD, target_source="https://news.example/a")
    item.update(changes)
    return item


@pytest.mark.parametrize(
    "item, field",
    [
        (_w3c(body=[{"type": "TextualBody", "purpose": "assessing", "value": "Pants on fire"}]), "body.verdict"),
        (_w3c(body=[{"type": "TextualBody", "purpose": "commenting", "value": "x"}]), "body.verdict"),
        (
            _w3c(
                body=[
                    {"type": "TextualBody", "purpose": "assessing", "value": "True"},
                    {"type": "TextualBody", "purpose": "commenting", "value": 5},
                ]
            ),
            "body.note",
        ),
        (
            _w3c(
                body=[
                    {"type": "TextualBody", "purpose": "assessing", "value": "True"},
                    {"purpose": "linking", "source": "https://a.example"},
                    {"purpose": "linking", "source": ["not", "text"]},
                ]
            ),
            "body.sources[1].url",
        ),
        (_w3c(target=[]), "target"),
        (_w3c(target={"selector": [{"type": "TextQuoteSelector", "exact": " "}]}), "target.selector.exact"),
        (
            _w3c(target={"selector": [{"type": "TextQuoteSelector", "exact": "x", "prefix": 1}]}),
            "target.selector.prefix",
        ),
        (
            _w3c(
                target={
                    "selector": [
                        {"type": "TextQuoteSelector", "exact": "x"},
                        {"type": "TextPositionSelector", "start": -1, "end": 2},
                    ]
                }
            ),
            "target.selector.start",
        ),
        ("not an object", ""),
    ],
)
def test_a_rejection_names_the_member_at_fault(item, field):
    with pytest.raises(Rejected) as caught:
        parse_w3c_annotation(item)
    assert caught.value.field == field


# --- creators without a nickname -------------------------------------------------------------------------

from annotator.formats.creators import creator_identity, derived_username  # noqa: E402


@pytest.mark.parametrize(
    "name, iri, username",
    [
        ("Jane Doe", None, "jane-doe"),
        ("  José   Núñez ", None, "jose-nunez"),
        ("Søren Straße-Ødegård", None, "soren-strasse-odegard"),
        ("J. R. R. Tolkien", None, "j-r-r-tolkien"),
        ("O'Brien, Mary (desk)", None, "obrien-mary-desk"),
        ("李小龙", None, None),
        ("李小龙", "https://annotations.example/users/li.xiaolong", "li.xiaolong"),
        (None, "https://example.org/users/jdoe", "jdoe"),
        (None, "https://example.org/users/Jane%20Doe/", "jane-doe"),
        (None, "mailto:jane.doe@example.org", "jane.doe"),
        (None, "acct:jane@annotations.example", "jane"),
        (None, "urn:example:person:jdoe", "jdoe"),
        (None, "https://example.org/", None),
        (None, None, None),
    ],
)
def test_a_username_is_derived_from_the_name_else_the_iri(name, iri, username):
    assert derived_username(name, iri) == username


def test_w3c_creators_as_other_tools_write_them():
    item = exports.w3c_annotation(RECORD, target_source="https://news.example/a")
    cases = [
        ({"type": "Person", "name": "Jane Doe"}, (None, "Jane Doe", None)),
        (
            {"id": "https://example.org/users/jdoe", "name": "Jane Doe"},
            (None, "Jane Doe", "https://example.org/users/jdoe"),
        ),
        ("https://example.org/users/jdoe", (None, None, "https://example.org/users/jdoe")),
        ([{"type": "Person", "name": "First"}, {"name": "Second"}], (None, "First", None)),
        ({"nickname": "  ", "name": "Jane Doe"}, (None, "Jane Doe", None)),
        ({"type": "Person", "nickname": "jdoe", "name": "Jane Doe"}, ("jdoe", "Jane Doe", None)),
    ]
    for creator, expected in cases:
        incoming = parse_w3c_annotation({**item, "creator": creator})
        assert (incoming.creator_username, incoming.creator_name, incoming.creator_id) == expected, creator
    named = parse_w3c_annotation({**item, "creator": {"id": "https://example.org/users/jdoe", "name": "Jane Doe"}})
    assert creator_identity(named) == "https://example.org/users/jdoe"
    assert creator_identity(parse_w3c_annotation({**item, "creator": {"name": " Jane  Doe "}})) == "name:Jane Doe"
    assert creator_identity(parse_w3c_annotation({**item, "creator": {"name": "x" * 600}})).startswith("sha256:")
