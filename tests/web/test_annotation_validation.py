"""Bad annotation input: 422 with the form and a message next to the field, and nothing stored."""

import pytest
from werkzeug.datastructures import MultiDict

from annotator.db.models import Annotation, Source, Span
from annotator.services.content import MAX_SOURCES, NOTE_MAX_LENGTH
from tests.fixtures.app import CLAIM, HX, annotation_data, csrf_token, post_annotation, rows
from tests.fixtures.helpers import counts
from tests.fixtures.htmltree import article_text, field_errors, page
from tests.fixtures.oracles import clean, source_rows

SOURCE = {"url": "https://example.org/evidence", "title": "Evidence", "excerpt": ""}


def claim_offsets(article, quote=CLAIM):
    start = article.text.index(quote)
    return start, start + len(quote)


def assert_rejected(app, response, field_id: str, *fragments: str):
    """422, the form again, the message next to ``field_id``, and no rows stored."""
    assert response.status_code == 422, response.get_data(as_text=True)[:500]
    root = page(response)
    form = root.find("form", class_="annotation-form")
    assert form is not None, "the form is not shown again"
    errors = field_errors(form, field_id)
    assert errors, f"no message next to {field_id}"
    for fragment in fragments:
        assert any(fragment.lower() in e.lower() for e in errors), errors
    assert counts(app) == (0, 0, 0)
    return root


# --- The target ---------------------------------------------------------------------------------------


def bad_target_cases(text):
    start, end = text.index(CLAIM), text.index(CLAIM) + len(CLAIM)
    return {
        "negative start": ({"start": "-1", "end": str(end), "quote": CLAIM}, "within the article"),
        "end past the text": ({"start": str(start), "end": str(len(text) + 1), "quote": CLAIM}, "within the article"),
        "start after end": ({"start": str(end), "end": str(start), "quote": CLAIM}, "empty"),
        "start equals end": ({"start": str(start), "end": str(start), "quote": CLAIM}, "empty"),
        "quote differs from the text": (
            {"start": str(start), "end": str(end), "quote": CLAIM.upper()},
            "does not match",
        ),
        "offsets one off": ({"start": str(start + 1), "end": str(end + 1), "quote": CLAIM}, "does not match"),
        "quote absent": ({"quote": "the moon is made of cheese"}, "does not occur"),
        "quote ambiguous": ({"quote": "Putin"}, "occurs 7 times"),
        "prefix matches nothing": ({"quote": "Putin", "prefix": "Nobody said "}, "does not occur"),
        "empty quote": ({"quote": ""}, "select the claim"),
        "quote with offsets missing end": ({"start": str(start), "quote": CLAIM}, "both"),
        "non-integer start": ({"start": "abc", "end": str(end), "quote": CLAIM}, "integer"),
        "fractional end": ({"start": str(start), "end": "12.5", "quote": CLAIM}, "integer"),
        "huge start": ({"start": "9" * 30, "end": "9" * 31, "quote": CLAIM}, "within the article"),
    }


CASES = list(bad_target_cases(CLAIM))  # the case names


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("htmx", [True, False], ids=["htmx", "page"])
def test_bad_target_is_rejected_with_a_message_and_nothing_stored(app, reviewer_client, demo_article, case, htmx):
    fields, message = bad_target_cases(demo_article.text)[case]
    data = {"verdict": "true", "note": "n", **fields}
    response = post_annotation(reviewer_client, demo_article, data, htmx=htmx)
    root = assert_rejected(app, response, "quote", message)
    if not htmx:
        assert article_text(root) == demo_article.text  # the whole page, with the form in its panel


def test_ambiguous_quote_message_suggests_selecting_it(app, reviewer_client, demo_article):
    response = post_annotation(
        reviewer_client, demo_article, annotation_data(demo_article.text, "Putin", offsets=False)
    )
    root = assert_rejected(app, response, "quote")
    assert "prefix" in field_errors(root, "quote")[0] or "select" in field_errors(root, "quote")[0].lower()


def test_rejected_form_keeps_what_the_reviewer_entered(app, reviewer_client, demo_article):
    data = annotation_data(demo_article.text, verdict="", note="my careful note", sources=[SOURCE])
    response = post_annotation(reviewer_client, demo_article, data)
    root = assert_rejected(app, response, "verdict")
    form = root.find("form")
    assert form.find("textarea", name="note").text().strip() == "my careful note"
    assert form.find("input", name="sources-0-url").get("value") == SOURCE["url"]
    start, end = claim_offsets(demo_article)
    assert form.find("input", name="start").get("value") == str(start)
    assert form.find("input", name="end").get("value") == str(end)
    assert form.find("input", name="quote").get("value") == CLAIM
    assert form.find("input", name="csrf_token").get("value")
    assert form.find("blockquote").text() == CLAIM


# --- Verdict, note and sources ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "verdict, message",
    [
        ("", "Choose a verdict"),
        ("probably", "from the scale"),
        ("TRUE", "from the scale"),
        ("<script>", "from the scale"),
    ],
)
def test_missing_or_unknown_verdict_is_rejected(app, reviewer_client, demo_article, verdict, message):
    response = post_annotation(reviewer_client, demo_article, annotation_data(demo_article.text, verdict=verdict))
    assert_rejected(app, response, "verdict", message)


def test_request_without_a_verdict_field_is_rejected(app, reviewer_client, demo_article):
    data = annotation_data(demo_article.text)
    del data["verdict"]
    assert_rejected(app, post_annotation(reviewer_client, demo_article, data), "verdict")


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JAVASCRIPT:alert(1)",
        " javascript:alert(1)",
        "java\tscript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:msgbox(1)",
        "/foo",
        "ftp://x",
        "https://",
        "example.org/page",
        "mailto:someone@example.org",
    ],
)
def test_source_url_that_is_not_a_web_address_is_rejected(app, reviewer_client, demo_article, url):
    data = annotation_data(demo_article.text, sources=[{"url": url, "title": "t", "excerpt": ""}])
    assert_rejected(app, post_annotation(reviewer_client, demo_article, data), "sources-0-url", "http")


def test_bad_url_in_a_later_source_row_is_reported_on_that_row(app, reviewer_client, demo_article):
    data = annotation_data(
        demo_article.text, sources=[SOURCE, {"url": "javascript:alert(1)", "title": "", "excerpt": ""}]
    )
    root = assert_rejected(app, post_annotation(reviewer_client, demo_article, data), "sources-1-url", "http")
    assert field_errors(root, "sources-0-url") == []


@pytest.mark.parametrize(
    "row",
    [
        {"url": "", "title": "A title only", "excerpt": ""},
        {"title": "A title and no URL field at all"},
        {"url": "  ", "title": "", "excerpt": "An excerpt only"},
    ],
)
def test_source_with_title_or_excerpt_but_no_url_is_rejected(app, reviewer_client, demo_article, row):
    data = annotation_data(demo_article.text, sources=[row])
    assert_rejected(app, post_annotation(reviewer_client, demo_article, data), "sources-0-url", "web address")


def test_note_of_ten_thousand_characters_is_accepted(app, reviewer_client, demo_article):
    note = "n" * NOTE_MAX_LENGTH
    assert NOTE_MAX_LENGTH == 10_000
    response = post_annotation(reviewer_client, demo_article, annotation_data(demo_article.text, note=note))
    assert response.status_code == 200
    assert rows(app, Annotation)[0].note == note


def test_note_of_ten_thousand_and_one_characters_is_rejected(app, reviewer_client, demo_article):
    data = annotation_data(demo_article.text, note="n" * (NOTE_MAX_LENGTH + 1))
    assert_rejected(app, post_annotation(reviewer_client, demo_article, data), "note", "10,000")


def test_twenty_sources_are_accepted(app, reviewer_client, demo_article):
    assert MAX_SOURCES == 20
    sources = [{"url": f"https://example.org/{i}", "title": f"S{i}", "excerpt": ""} for i in range(20)]
    response = post_annotation(reviewer_client, demo_article, annotation_data(demo_article.text, sources=sources))
    assert response.status_code == 200
    stored = sorted(rows(app, Source), key=lambda s: s.position)
    assert [s.url for s in stored] == [s["url"] for s in sources]


def test_twenty_one_sources_are_rejected(app, reviewer_client, demo_article):
    sources = [{"url": f"https://example.org/{i}", "title": f"S{i}", "excerpt": ""} for i in range(21)]
    response = post_annotation(reviewer_client, demo_article, annotation_data(demo_article.text, sources=sources))
    assert response.status_code == 422
    root = page(response)
    fieldset = root.find("fieldset", class_="sources-fieldset")
    assert "at most 20" in fieldset.find("ul", class_="errors").text()
    assert counts(app) == (0, 0, 0)


def test_several_errors_are_all_reported_at_once(app, reviewer_client, demo_article):
    data = annotation_data(
        demo_article.text, verdict="", note="x" * 10_001, sources=[{"url": "ftp://x", "title": "", "excerpt": ""}]
    )
    root = assert_rejected(app, post_annotation(reviewer_client, demo_article, data), "verdict")
    assert field_errors(root, "note") and field_errors(root, "sources-0-url")


def test_error_message_sits_next_to_its_field(app, reviewer_client, demo_article):
    response = post_annotation(reviewer_client, demo_article, annotation_data(demo_article.text, verdict=""))
    root = assert_rejected(app, response, "verdict")
    select = root.by_id("verdict")
    wrapper = select.parent
    assert "has-error" in wrapper.classes
    assert wrapper.by_id("verdict-errors") is not None
    assert select.get("aria-invalid") == "true" and select.get("aria-describedby") == "verdict-errors"


# --- CSRF ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("htmx", [True, False], ids=["htmx", "page"])
def test_save_without_csrf_token_is_rejected_and_stores_nothing(app, reviewer_client, demo_article, htmx):
    response = reviewer_client.post(
        f"/articles/{demo_article.id}/annotations", data=annotation_data(demo_article.text), headers=HX if htmx else {}
    )
    assert response.status_code == 400
    assert counts(app) == (0, 0, 0)


def test_save_with_a_wrong_csrf_token_is_rejected_and_stores_nothing(app, reviewer_client, demo_article):
    response = reviewer_client.post(
        f"/articles/{demo_article.id}/annotations",
        data={**annotation_data(demo_article.text), "csrf_token": "forged-token"},
        headers=HX,
    )
    assert response.status_code == 400
    assert counts(app) == (0, 0, 0)


def test_csrf_token_of_another_session_is_rejected(app, reviewer_client, make_user, demo_article):
    other_token = csrf_token(make_user("alice"), f"/articles/{demo_article.id}")
    response = reviewer_client.post(
        f"/articles/{demo_article.id}/annotations",
        data={**annotation_data(demo_article.text), "csrf_token": other_token},
        headers=HX,
    )
    assert response.status_code == 400
    assert counts(app) == (0, 0, 0)


def test_csrf_token_in_the_htmx_header_is_accepted(app, reviewer_client, demo_article):
    token = csrf_token(reviewer_client, f"/articles/{demo_article.id}")
    response = reviewer_client.post(
        f"/articles/{demo_article.id}/annotations",
        data=annotation_data(demo_article.text),
        headers={**HX, "X-CSRFToken": token},
    )
    assert response.status_code == 200
    assert counts(app) == (1, 1, 0)


def test_edit_and_delete_without_csrf_token_change_nothing(app, reviewer_client, demo_article):
    assert (
        post_annotation(reviewer_client, demo_article, annotation_data(demo_article.text, note="kept")).status_code
        == 200
    )
    annotation = rows(app, Annotation)[0]
    assert (
        reviewer_client.post(f"/annotations/{annotation.id}", data={"verdict": "false", "note": "x"}).status_code == 400
    )
    assert reviewer_client.post(f"/annotations/{annotation.id}/delete").status_code == 400
    after = rows(app, Annotation)[0]
    assert (after.verdict, after.note, after.version, after.deleted_at) == ("mostly-true", "kept", 1, None)


def test_htmx_csrf_error_is_shown_in_the_notice_area(reviewer_client, demo_article):
    response = reviewer_client.post(
        f"/articles/{demo_article.id}/annotations", data=annotation_data(demo_article.text), headers=HX
    )
    assert response.status_code == 400
    assert response.headers["HX-Retarget"] == "#notice"
    assert "Reload the page" in response.get_data(as_text=True)


# --- Never a 500 ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "fields",
    [
        {"start": "abc", "end": "def", "quote": "Putin"},
        {"start": "", "end": "", "quote": ""},
        {"start": "1e3", "end": "2e3", "quote": CLAIM},
        {"start": "0x10", "end": "0x20", "quote": CLAIM},
        {"quote": CLAIM, "sources-0-url": "http://[::1"},
        {"quote": CLAIM, "sources-abc-url": "https://example.org"},
        {"quote": CLAIM, "sources-0-url": "https://" + "a" * 3000 + ".org"},
        {"quote": "\x00"},
        {"quote": CLAIM, "sources-²-url": "https://example.org"},  # a row number int() refuses: no row
        {"quote": CLAIM, "sources-007-url": "https://example.org/7"},  # row 7, read from sources-7-url: empty
        {
            "quote": CLAIM + "\x07",
            "note": " a\r\nnote ",
            "sources-3-url": " https://example.org/x ",
            "sources-3-title": "T\t",
        },
    ],
)
def test_malformed_input_never_causes_a_server_error(app, reviewer_client, demo_article, fields):
    """422 storing nothing, or 200 storing what was sent as the form reads it (``oracles.clean``: no control
    characters, ``\n`` line endings, NFC; source fields stripped; rows by their ASCII number)."""
    data = {"verdict": "true", **fields}
    response = post_annotation(reviewer_client, demo_article, data)
    assert response.status_code in (200, 422), response.get_data(as_text=True)[:300]
    if response.status_code == 422:
        assert counts(app) == (0, 0, 0)
        return
    [annotation], [span] = rows(app, Annotation), rows(app, Span)
    stored = [{"url": s.url, "title": s.title, "excerpt": s.excerpt} for s in annotation_sources(app, annotation)]
    assert (annotation.verdict, annotation.note, annotation.status) == ("true", clean(fields.get("note", "")), "draft")
    assert span.quote == clean(fields["quote"]) == demo_article.text[span.start : span.end]
    assert stored == source_rows(MultiDict(data))
    assert counts(app) == (1, 1, len(stored))


def annotation_sources(app, annotation) -> list[Source]:
    return sorted(rows(app, Source, Source.annotation_id == annotation.id), key=lambda s: s.position)


def test_a_source_row_numbered_with_other_digits_than_ascii_is_an_unknown_field(app, reviewer_client, demo_article):
    """WTForms read any name part ``str.isdigit()`` takes as a row number and gave it to ``int()``, which refuses
    a superscript: ``sources-²-url`` was a 500. It is an unknown field now, as ``sources-x-url`` is."""
    for number in ("²", "١", "𝟘"):
        data = {**annotation_data(demo_article.text), f"sources-{number}-url": "https://example.org/"}
        response = post_annotation(reviewer_client, demo_article, data)
        assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert counts(app) == (1, 1, 0)


def test_invalid_utf8_in_the_form_body_never_causes_a_server_error(app, reviewer_client, demo_article):
    token = csrf_token(reviewer_client, f"/articles/{demo_article.id}")
    body = b"verdict=true&quote=%ED%A0%80%FF&start=0&end=2&csrf_token=" + token.encode()
    response = reviewer_client.post(
        f"/articles/{demo_article.id}/annotations",
        data=body,
        headers=HX,
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 422
    assert counts(app) == (0, 0, 0)
