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


# --- what a user is told, word for word, and the edges of each rule ----------------------------------------

from annotator.formats.interchange import parse_item, w3c_content  # noqa: E402

SCALE_LABELS = "True, Mostly true, Mixed, Misleading, Mostly false, False, Unverifiable"
ONE = {"type": "Annotation"}


@pytest.mark.parametrize(
    "document, message",
    [
        ("text", "The file is not W3C Web Annotation JSON: expected an object or a list."),
        (
            {"type": "Person"},
            "The file is not W3C Web Annotation JSON: no AnnotationCollection, AnnotationPage or Annotation.",
        ),
        (
            {"type": "AnnotationCollection", "first": "https://desk.example/page1"},
            "The collection's first page is a link, not in the file; export it with its items.",
        ),
        ({"type": "AnnotationCollection", "items": "x"}, "The collection's items are not a list."),
        ({"type": "AnnotationCollection"}, "The file holds no annotations."),
        ([], "The file holds no annotations."),
        (
            {"type": "AnnotationCollection", "first": {"items": [ONE]}, "total": 2},
            "The collection holds 2 annotations but the file only 1: it is one page of several; "
            "export the whole collection.",
        ),
        (
            {"type": "AnnotationPage", "items": [ONE], "next": "https://desk.example/page2"},
            "The page has a next page, not in the file; export the whole collection.",
        ),
    ],
)
def test_a_w3c_file_that_cannot_be_read_says_why_in_full(document, message):
    with pytest.raises(Rejected) as caught:
        w3c_items(document)
    assert str(caught.value) == message


def test_a_collection_whose_total_matches_its_items_is_whole():
    assert w3c_items({"type": "AnnotationCollection", "items": [ONE, ONE], "total": 2}) == [ONE, ONE]
    assert w3c_items({"type": "AnnotationPage", "items": [ONE], "next": None}) == [ONE]


def test_a_hypothesis_page_of_several_says_how_many_are_missing():
    row = hypothesis()
    with pytest.raises(Rejected) as caught:
        read_items({"total": 3, "rows": [row]})
    assert str(caught.value) == (
        "The search found 3 annotations but the file holds 1: it is one page of several; "
        "fetch them all (a larger limit, or every page) into one file."
    )
    assert read_items({"total": 1, "rows": [row]}) == (HYPOTHESIS, [row])


def _item(target=None, body=None, **fields):
    """A W3C annotation with one quote selector and a verdict, changed by the arguments."""
    return {
        "type": "Annotation",
        "body": body if body is not None else [{"type": "TextualBody", "purpose": "assessing", "value": "True"}],
        "target": target if target is not None else {"selector": {"type": "TextQuoteSelector", "exact": "x"}},
        **fields,
    }


def _quote(**selector):
    return {"selector": [{"type": "TextQuoteSelector", "exact": "x", **selector}]}


def _position(start, end):
    return {
        "selector": [
            {"type": "TextQuoteSelector", "exact": "x"},
            {"type": "TextPositionSelector", "start": start, "end": end},
        ]
    }


VERDICT = {"type": "TextualBody", "purpose": "assessing", "value": "True"}


@pytest.mark.parametrize(
    "item, message, field",
    [
        ("not an object", "The item is not an annotation object.", ""),
        (_item(target=[]), "The annotation needs exactly one target with selectors.", "target"),
        (_item(target=[_quote(), _quote()]), "The annotation needs exactly one target with selectors.", "target"),
        (_item(target=_quote(exact=5)), "The quote is not text.", "target.selector.exact"),
        (
            _item(target={"source": "https://a.example"}),
            "The target has no TextQuoteSelector with the quoted words.",
            "target.selector.exact",
        ),
        (_item(target=_quote(prefix=1)), "The prefix is not text.", "target.selector.prefix"),
        (_item(target=_quote(suffix=1)), "The suffix is not text.", "target.selector.suffix"),
        (
            _item(target=_position(-1, 2)),
            "The position selector's start is not a whole number of 0 or more.",
            "target.selector.start",
        ),
        (
            _item(target=_position(0, -1)),
            "The position selector's end is not a whole number of 0 or more.",
            "target.selector.end",
        ),
        (
            _item(target=_position("3", 4)),
            "The position selector's start is not a whole number of 0 or more.",
            "target.selector.start",
        ),
        (
            _item(target=_position(True, 4)),
            "The position selector's start is not a whole number of 0 or more.",
            "target.selector.start",
        ),
        (_item(body=[{"purpose": "assessing", "value": 5}]), "The verdict is not text.", "body.verdict"),
        (
            _item(body=[{"purpose": "assessing", "value": "Pants on fire"}]),
            f"“Pants on fire” is not a verdict on the scale ({SCALE_LABELS}).",
            "body.verdict",
        ),
        (_item(body=[VERDICT, VERDICT]), "The annotation gives more than one verdict.", "body.verdict"),
        (
            _item(body=[{"purpose": "commenting", "value": "x"}]),
            "The annotation has no verdict (a TextualBody with purpose “assessing”).",
            "body.verdict",
        ),
        (_item(body=[VERDICT, {"purpose": "commenting", "value": 5}]), "The note is not text.", "body.note"),
        (
            _item(body=[VERDICT, {"purpose": "linking", "source": 5}]),
            "The source address is not text.",
            "body.sources[0].url",
        ),
        (
            _item(body=[VERDICT, {"purpose": "linking", "source": "https://a.example", "label": 5}]),
            "The source title is not text.",
            "body.sources[0].title",
        ),
        (
            _item(
                body=[
                    VERDICT,
                    {"purpose": "linking", "source": "https://a.example"},
                    {
                        "purpose": "linking",
                        "source": "https://b.example",
                        "selector": {"type": "TextQuoteSelector", "exact": 5},
                    },
                ]
            ),
            "The source excerpt is not text.",
            "body.sources[1].excerpt",
        ),
    ],
)
def test_every_rejection_of_a_w3c_annotation_says_why_in_full_and_names_the_member(item, message, field):
    with pytest.raises(Rejected) as caught:
        parse_w3c_annotation(item)
    assert (str(caught.value), caught.value.field) == (message, field)


def test_what_a_non_object_says_is_refused_too():
    with pytest.raises(Rejected, match=r"^The item is not an annotation object\.$"):
        w3c_content(["not", "an", "object"])


def test_positions_from_zero_are_read_and_other_selectors_leave_them_out():
    incoming = parse_w3c_annotation(_item(target=_position(0, 9)))
    assert (incoming.start, incoming.end) == (0, 9)
    plain = parse_w3c_annotation(_item())
    assert (plain.start, plain.end, plain.prefix, plain.suffix) == (None, None, "", "")
    assert (plain.target_source, plain.verdict, plain.note, plain.sources) == (None, "true", "", ())


def test_a_source_that_is_not_an_address_string_is_left_out():
    incoming = parse_w3c_annotation(_item(target={"source": {"id": "https://a.example"}, **_quote()}))
    assert incoming.target_source is None
    assert parse_w3c_annotation(_item(target={"source": "https://a.example", **_quote()})).target_source == (
        "https://a.example"
    )


def test_bodies_are_sorted_into_verdict_notes_and_sources_by_purpose_and_type():
    incoming = parse_w3c_annotation(
        _item(
            body=[
                "a stray string",
                {"type": "TextualBody", "purpose": "assessing", "value": "Mostly false"},
                {"type": "SpecificResource", "purpose": "assessing", "source": "https://evidence.example"},
                {"type": "SpecificResource", "id": "https://by-id.example", "label": "By id"},
                {"purpose": "commenting", "value": ""},
                {"type": "TextualBody", "value": "kept note"},
                {"type": "Image", "value": "not a note"},
                {
                    "purpose": "linking",
                    "source": "https://quoted.example",
                    "selector": [
                        "junk",
                        {"type": "TextPositionSelector", "exact": "no"},
                        {"type": "TextQuoteSelector", "exact": "yes"},
                    ],
                },
            ]
        )
    )
    assert (incoming.verdict, incoming.note) == ("mostly-false", "kept note")
    assert incoming.sources == (
        {"url": "https://evidence.example", "title": "", "excerpt": ""},
        {"url": "https://by-id.example", "title": "By id", "excerpt": ""},
        {"url": "https://quoted.example", "title": "", "excerpt": "yes"},
    )


def test_a_verdict_body_without_a_type_is_a_verdict():
    assert parse_w3c_annotation(_item(body={"purpose": "assessing", "value": "false"})).verdict == "false"


@pytest.mark.parametrize(
    "creator, expected",
    [
        ([], (None, None, None)),
        ("  ", (None, None, None)),
        (" https://example.org/users/j\u0000doe ", (None, None, "https://example.org/users/jdoe")),
        ({"@id": "https://example.org/users/jdoe"}, (None, None, "https://example.org/users/jdoe")),
        (
            {"name": "Jane\u0007 Doe", "id": " https://example.org/u\u0000/1 "},
            (None, "Jane Doe", "https://example.org/u/1"),
        ),
        ({"type": "Person"}, (None, None, None)),
        (7, (None, None, None)),
    ],
)
def test_w3c_creators_are_read_blank_free_and_without_control_characters(creator, expected):
    incoming = parse_w3c_annotation(_item(creator=creator))
    assert (incoming.creator_username, incoming.creator_name, incoming.creator_id) == expected


def test_times_are_given_in_utc_whatever_the_zone_they_were_written_in(monkeypatch):
    import time

    monkeypatch.setenv("TZ", "America/New_York")
    time.tzset()
    try:
        incoming = parse_w3c_annotation(
            _item(created="2026-01-02T05:00:00+02:00", modified="2026-01-02T03:00:00")  # the second one naive
        )
    finally:
        monkeypatch.undo()
        time.tzset()
    for moment in (incoming.created, incoming.modified):
        assert moment == datetime(2026, 1, 2, 3, 0, tzinfo=UTC)
        assert moment.tzinfo is not None and moment.utcoffset().total_seconds() == 0 and moment.tzname() == "UTC"


@pytest.mark.parametrize(
    "document, file_format",
    [
        ({"user": "acct:ana@hypothes.is"}, HYPOTHESIS),
        ({"uri": "https://a.example"}, HYPOTHESIS),
        ([{"user": "acct:ana@hypothes.is"}], HYPOTHESIS),
        ({"type": "Annotation", "uri": "https://a.example", "user": "ana"}, W3C),
        ([{"type": "Annotation", "user": "ana"}], W3C),
        ({"rows": [{"type": "Annotation"}]}, HYPOTHESIS),
    ],
)
def test_a_file_is_hypothesis_when_its_rows_carry_uri_or_user_and_no_type(document, file_format):
    assert read_items(document)[0] == file_format


def test_parse_item_reads_each_format_by_its_own_rules():
    row = hypothesis(tags=["economy"])
    assert parse_item(HYPOTHESIS, row).verdict == ""
    with pytest.raises(Rejected, match="No tag names a verdict"):
        parse_item(HYPOTHESIS, row, untagged="skip")
    assert parse_item(W3C, _item()).verdict == "true"
    with pytest.raises(Rejected, match="no verdict"):
        parse_item(W3C, row)


def test_a_hypothesis_row_takes_its_page_from_the_target_else_from_uri():
    untargeted = hypothesis(target=[{"selector": [{"type": "TextQuoteSelector", "exact": "words"}]}])
    assert parse_hypothesis_annotation(untargeted).target_source == "https://a.example/story"
    other = hypothesis(uri="https://elsewhere.example")
    assert parse_hypothesis_annotation(other).target_source == "https://a.example/story"


def test_hypothesis_rejections_say_why_in_full():
    cases = [
        (
            {"tags": ["economy", "needs-check"]},
            f"No tag names a verdict (tags: economy, needs-check); tag it with one of: {SCALE_LABELS}.",
        ),
        ({"tags": ["True", "False"]}, "Its tags name several verdicts (false, true); keep one."),
        (
            {"target": [{"source": "https://a.example/story"}]},
            "The annotation quotes no words (a page note or a reply): nothing to anchor.",
        ),
    ]
    for fields, message in cases:
        with pytest.raises(Rejected) as caught:
            parse_hypothesis_annotation(hypothesis(**fields), untagged="skip")
        assert str(caught.value) == message


def test_hypothesis_tags_that_are_not_text_or_blank_are_passed_over():
    incoming = parse_hypothesis_annotation(hypothesis(tags=[5, "  ", None, "False", "economy"]))
    assert (incoming.verdict, incoming.note) == ("false", "Tags: economy")


def test_a_hypothesis_row_keeps_its_update_time_and_only_a_textual_display_name():
    incoming = parse_hypothesis_annotation(hypothesis(updated="2026-01-03T04:05:06Z", user_info={"display_name": 5}))
    assert incoming.modified == datetime(2026, 1, 3, 4, 5, 6, tzinfo=UTC)
    assert incoming.creator_name is None


def test_a_hypothesis_note_that_is_not_text_names_no_w3c_member():
    with pytest.raises(Rejected) as caught:
        parse_hypothesis_annotation(hypothesis(text=5))
    assert (str(caught.value), caught.value.field) == ("The note is not text.", "")
