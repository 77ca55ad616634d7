"""`flask import-annotations`: W3C JSON in, every item imported or rejected with its reason; a lossless round trip."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from annotator.db.models import Annotation, Article, Event, Source, Span, User
from tests.fixtures.app import CLAIM, PASSWORD, annotation_data, login, make_app, post_annotation, rows
from tests.fixtures.helpers import add_article, created_article
from tests.fixtures.imports import SECOND, item  # noqa: F401

NATO = {"url": "https://www.nato.int/briefing", "title": "NATO briefing", "excerpt": "600,000 casualties"}
ISW = {"url": "https://understandingwar.org/report", "title": "", "excerpt": ""}
OTHER_TEXT = "The minister said unemployment fell to 3.9% in May.\nCritics said the figure was revised twice."
OTHER_URL = "https://news.example/economy"


def export(runner, article_id: int, path) -> dict:
    result = runner.invoke(args=["export", str(article_id), "--format", "w3c", "-o", str(path)])
    assert result.exit_code == 0, result.output
    return json.loads(path.read_text(encoding="utf-8"))


def import_file(runner, path, *options: str):
    return runner.invoke(args=["import-annotations", str(path), *options])


def without_ids(document: dict) -> list[dict]:
    """The items with the fields that differ between instances (ids) taken out."""
    return [{k: v for k, v in item.items() if k != "id"} for item in document["first"]["items"]]


def write(tmp_path, name: str, document) -> str:
    path = tmp_path / name
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return str(path)


@pytest.fixture
def populated(app, reviewer_client, make_user, demo_article):
    """Two articles annotated by three reviewers: sources, unicode, newlines, an edit; one draft."""
    alice = make_user("alice")
    other = created_article(app, add_article(reviewer_client, title="Jobs", text=OTHER_TEXT, source_url=OTHER_URL))
    saves = [
        (
            reviewer_client,
            demo_article,
            CLAIM,
            dict(verdict="mostly-true", note="NATO figure\n\n“quoted” — ok ✓", sources=[NATO, ISW]),
        ),
        (alice, demo_article, CLAIM, dict(verdict="false", note="")),
        (alice, demo_article, SECOND, dict(verdict="unverifiable", note="No source 🙃", sources=[ISW])),
        (reviewer_client, other, "unemployment fell to 3.9% in May", dict(verdict="true", sources=[NATO])),
        (alice, other, "the figure was revised twice", dict(verdict="misleading", note="<b>not bold</b>")),
    ]
    for client, article, quote, fields in saves:
        response = post_annotation(client, article, annotation_data(article.text, quote, **fields))
        assert response.status_code == 200, response.get_data(as_text=True)
    draft = post_annotation(alice, other, annotation_data(other.text, "Critics said", verdict="true", action="save"))
    assert draft.status_code == 200
    return demo_article, other


def test_export_then_import_into_an_empty_instance_reproduces_every_annotation(app, runner, populated, tmp_path):
    demo, other = populated
    first = {a.id: export(runner, a.id, tmp_path / f"first-{a.id}.jsonld") for a in (demo, other)}
    assert sum(d["total"] for d in first.values()) == 5  # the draft is not exported
    app.extensions["engine"].dispose()

    empty = make_app(tmp_path / "empty.sqlite3")  # on PostgreSQL: the same database, emptied
    empty_runner = empty.test_cli_runner()
    text_file = tmp_path / "other.txt"
    text_file.write_text(OTHER_TEXT, encoding="utf-8")
    result = empty_runner.invoke(args=["import-article", str(text_file), "--title", "Jobs", "--url", OTHER_URL])
    assert result.exit_code == 0, result.output
    new_other_id = rows(empty, Article)[-1].id

    demo_import = import_file(empty_runner, tmp_path / f"first-{demo.id}.jsonld", "--article", str(demo.id))
    other_import = import_file(empty_runner, tmp_path / f"first-{other.id}.jsonld")  # matched by source URL
    assert demo_import.exit_code == 0 and other_import.exit_code == 0, demo_import.output + other_import.output
    assert demo_import.output.splitlines()[-1] == "3 imported, 0 re-anchored, 0 orphaned, 0 rejected"
    assert other_import.output.splitlines()[-1] == "2 imported, 0 re-anchored, 0 orphaned, 0 rejected"

    again = {
        demo.id: export(empty_runner, demo.id, tmp_path / "again-demo.jsonld"),
        other.id: export(empty_runner, new_other_id, tmp_path / "again-other.jsonld"),
    }
    for article_id in first:
        assert without_ids(again[article_id]) == without_ids(first[article_id])
        assert again[article_id]["total"] == first[article_id]["total"]
    # The authors came along (without passwords: nobody can sign in as them until given one).
    alice = rows(empty, User, User.username == "alice")[0]
    assert alice.role == "reviewer" and alice.password_hash is None
    assert login(empty.test_client(), "alice", PASSWORD).status_code == 422
    assert {e.action for e in rows(empty, Event)} == {"imported"}
    empty.extensions["engine"].dispose()


def test_importing_the_same_file_twice_adds_nothing(app, runner, populated, tmp_path):
    demo, _ = populated
    path = tmp_path / "demo.jsonld"
    export(runner, demo.id, path)
    before = len(rows(app, Annotation)), len(rows(app, Source))
    result = import_file(runner, path, "--article", str(demo.id))
    assert result.exit_code == 0
    assert result.output.splitlines()[-1] == "0 imported, 0 re-anchored, 0 orphaned, 3 rejected"
    assert "already judged these words" in result.output
    assert (len(rows(app, Annotation)), len(rows(app, Source))) == before


def test_each_item_is_imported_or_rejected_with_its_reason_and_bad_ones_store_nothing(
    app, runner, demo_article, tmp_path
):
    text = demo_article.text
    at = text.index(CLAIM)
    items = [
        item(CLAIM, start=at),  # 1 imported
        item(SECOND, start=3, verdict="mostly-false"),  # 2 re-anchored: wrong hint
        item("words that are not in the article"),  # 3 orphaned
        item(CLAIM, verdict="Pants on fire"),  # 4 rejected: off the scale
        item(CLAIM, nickname="dave", sources=["javascript:alert(1)"]),  # 5 rejected: by the form
        item(CLAIM, nickname="erin", note="x" * 10_001),  # 6 rejected: note too long
        item(CLAIM, nickname=""),  # 7 rejected: no author
        {"type": "Annotation", "target": "nowhere"},  # 8 rejected: no target
        "not an annotation",  # 9 rejected
        item(CLAIM, nickname="frank", note="Fine", sources=[NATO["url"]]),  # 10 imported
    ]
    path = write(tmp_path, "items.json", items)
    before = {model: len(rows(app, model)) for model in (Annotation, Source, Span, Event, User)}
    result = import_file(runner, path, "--article", str(demo_article.id))
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[-1] == "2 imported, 1 re-anchored, 1 orphaned, 6 rejected"
    outcomes = [line.split(":")[1].strip().split(" ")[0] for line in lines[:-1]]
    assert outcomes == [
        "imported",
        "re-anchored",
        "orphaned",
        "rejected",
        "rejected",
        "rejected",
        "rejected",
        "rejected",
        "rejected",
        "imported",
    ]
    assert "not in the article's current text" in lines[2] and "annotation" in lines[2]
    assert "Pants on fire" in lines[3] and "not a verdict on the scale" in lines[3]
    assert "http://" in lines[4]  # the form's own message about web addresses
    assert "10,000" in lines[5]
    assert "username" in lines[6]
    after = {model: len(rows(app, model)) for model in (Annotation, Source, Span, Event, User)}
    assert after[Annotation] == before[Annotation] + 4
    assert after[Source] == before[Source] + 1
    assert after[Span] == before[Span] + 3  # items 1 and 10 share the claim's span
    assert after[Event] == before[Event] + 4
    orphan = rows(app, Span, Span.quote == "words that are not in the article")[0]
    assert orphan.anchor_state == "orphaned"  # kept with its annotation, for someone to re-attach
    assert after[User] == before[User] + 2  # carol and frank; dave and erin were rejected with their items
    moved = rows(app, Span, Span.quote == SECOND)[0]
    assert moved.start == text.index(SECOND)
    imported = rows(app, Annotation, Annotation.span_id == moved.id)[0]
    assert imported.verdict == "mostly-false" and imported.status == "submitted"


def test_items_go_to_the_article_with_their_source_url(app, runner, reviewer_client, tmp_path):
    article = created_article(app, add_article(reviewer_client, title="Jobs", text=OTHER_TEXT, source_url=OTHER_URL))
    path = write(
        tmp_path,
        "a.json",
        {
            "type": "AnnotationCollection",
            "first": {
                "type": "AnnotationPage",
                "items": [
                    item("the figure was revised twice", source=OTHER_URL),
                    item("the figure", source="https://elsewhere.example/"),
                ],
            },
        },
    )
    result = import_file(runner, path)
    lines = result.output.splitlines()
    assert lines[0] == f"item 1: imported: annotation {rows(app, Annotation)[-1].id} by carol on article {article.id}"
    assert "No article here has the source URL https://elsewhere.example/" in lines[1]


def test_an_ambiguous_quote_needs_its_context_or_position(app, runner, reviewer_client, tmp_path):
    text = "Prices rose. Wages rose. Rents rose."
    article = created_article(app, add_article(reviewer_client, title="Twice", text=text, source_url=OTHER_URL))
    path = write(
        tmp_path,
        "b.json",
        [
            item("rose", nickname="a1", source=OTHER_URL),
            item("rose", nickname="a2", source=OTHER_URL, prefix="Wages "),
            item("rose", nickname="a3", source=OTHER_URL, start=30),
        ],
    )
    lines = import_file(runner, path).output.splitlines()
    assert "occurs 3 times" in lines[0]
    assert lines[1].startswith("item 2: imported")
    assert lines[2].startswith("item 3: re-anchored")  # the hint is one off: the nearest occurrence wins
    starts = sorted(s.start for s in rows(app, Span, Span.article_id == article.id))
    assert starts == [text.index("rose", 10), text.rindex("rose")]


@pytest.mark.parametrize(
    "content, message",
    [
        ("{not json", "is not JSON"),
        ('{"type": "Something"}', "not W3C Web Annotation JSON"),
        ('{"type": "AnnotationCollection", "first": {"items": 3}}', "items are not a list"),
        ("[]", "holds no annotations"),
        (
            '{"type": "AnnotationCollection", "first": {"type": "AnnotationPage", "items": []}, "total": 0}',
            "holds no annotations",
        ),
        ('{"type": "AnnotationCollection", "first": "https://a.example/page1", "total": 3}', "first page is a link"),
        (
            '{"type": "AnnotationCollection", "first": {"items": [{"type": "Annotation"}]}, "total": 2}',
            "one page of several",
        ),
        (
            '{"type": "AnnotationPage", "items": [{"type": "Annotation"}], "next": "https://a.example/page2"}',
            "next page",
        ),
    ],
)
def test_a_file_that_is_not_w3c_fails_in_one_line(runner, tmp_path, content, message):
    path = tmp_path / "bad.json"
    path.write_text(content)
    result = import_file(runner, path)
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1 and message in result.output


def test_unknown_article_or_reviewer_options_fail_in_one_line(runner, tmp_path):
    path = write(tmp_path, "c.json", [])
    assert "no article with id 99" in import_file(runner, path, "--article", "99").output
    assert "no user named nobody" in import_file(runner, path, "--reviewer", "nobody").output
    assert "no such file" in import_file(runner, tmp_path / "missing.json").output


def test_the_reviewer_option_makes_one_user_the_author(app, runner, demo_article, tmp_path):
    path = write(tmp_path, "d.json", [item(CLAIM, nickname="someone-else")])
    result = import_file(runner, path, "--article", str(demo_article.id), "--reviewer", "reviewer")
    assert result.exit_code == 0 and "1 imported" in result.output
    reviewer = rows(app, User, User.username == "reviewer")[0]
    assert rows(app, Annotation)[-1].user_id == reviewer.id
    assert not rows(app, User, User.username == "someone-else")


def test_authors_named_by_a_file_are_cleaned_or_refused(app, runner, demo_article, tmp_path):
    named = item(CLAIM, nickname="gina")
    named["creator"]["name"] = "  Gina\x00 \u0007Gee\n\n" + "x" * 200
    path = write(
        tmp_path, "e.json", [item(CLAIM, nickname="bell\x07"), item(CLAIM, nickname="zero\u200bwidth\u2028"), named]
    )
    lines = import_file(runner, path, "--article", str(demo_article.id)).output.splitlines()
    assert "username" in lines[0] and "username" in lines[1]
    assert lines[2].startswith("item 3: imported") and " by gina " in lines[2]
    gina = rows(app, User, User.username == "gina")[0]
    assert gina.display_name == ("Gina Gee " + "x" * 200)[:120]
    assert not rows(app, User, User.username.startswith("bell"))


def test_settled_words_take_no_imported_verdicts(app, runner, lead_client, reviewer_client, demo_article, tmp_path):
    from tests.fixtures.review_helpers import settle

    post_annotation(reviewer_client, demo_article, annotation_data(demo_article.text, CLAIM, verdict="false"))
    span = rows(app, Span, Span.quote == CLAIM)[0]
    assert settle(lead_client, demo_article, span.id, "false").status_code == 200
    before = len(rows(app, Annotation))
    path = write(tmp_path, "f.json", [item(CLAIM, nickname="henry"), item(SECOND, nickname="henry")])
    lines = import_file(runner, path, "--article", str(demo_article.id)).output.splitlines()
    assert "settled" in lines[0] and lines[1].startswith("item 2: imported")
    assert len(rows(app, Annotation)) == before + 1
    assert len(rows(app, Annotation, Annotation.span_id == span.id)) == 1


def test_an_item_the_database_refuses_is_reported_and_the_rest_go_on(app, runner, demo_article, tmp_path, monkeypatch):
    from annotator.services import history

    real_record, calls = history.record, []

    def record_failing_once(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("disk full")
        return real_record(*args, **kwargs)

    monkeypatch.setattr(history, "record", record_failing_once)
    before = {model: len(rows(app, model)) for model in (Annotation, Source, Span, User)}
    path = write(tmp_path, "g.json", [item(CLAIM, nickname="ivy", sources=[NATO["url"]]), item(SECOND, nickname="jo")])
    result = import_file(runner, path, "--article", str(demo_article.id))
    lines = result.output.splitlines()
    assert result.exit_code == 0 and "Traceback" not in result.output
    assert lines[0] == "item 1: rejected (not stored: RuntimeError)"
    assert lines[1].startswith("item 2: imported") and lines[-1] == "1 imported, 0 re-anchored, 0 orphaned, 1 rejected"
    after = {model: len(rows(app, model)) for model in (Annotation, Source, Span, User)}
    assert after == {
        Annotation: before[Annotation] + 1,
        Source: before[Source],
        Span: before[Span] + 1,
        User: before[User] + 1,
    }  # jo and her span; nothing of ivy's item


def test_hypothesis_json_imports_from_the_command_line(app, runner, demo_article, tmp_path):
    from tests.fixtures.imports import hypothesis_row

    path = write(
        tmp_path,
        "hypothesis.json",
        {
            "total": 2,
            "rows": [
                hypothesis_row(
                    CLAIM,
                    tags=["Misleading", "casualties"],
                    text="Estimates vary.",
                    start=demo_article.text.index(CLAIM),
                ),
                hypothesis_row(SECOND, tags=["misleading", "False"]),
            ],
        },
    )
    result = import_file(runner, path, "--article", str(demo_article.id))
    lines = result.output.splitlines()
    assert (
        result.exit_code == 0
        and lines[0].startswith("item 1: imported: annotation")
        and " by hanna@hypothes.is " in lines[0]
    )
    assert "several verdicts" in lines[1] and lines[-1] == "1 imported, 0 re-anchored, 0 orphaned, 1 rejected"
    imported = rows(app, Annotation)[-1]
    assert (imported.verdict, imported.note) == ("misleading", "Estimates vary.\n\nTags: casualties")


@pytest.mark.parametrize("option", ["--user", "--reviewer"])
def test_the_user_option_and_its_reviewer_alias_make_one_user_the_author(app, runner, demo_article, tmp_path, option):
    path = write(tmp_path, "u.json", [item(CLAIM, nickname="someone-else")])
    result = import_file(runner, path, "--article", str(demo_article.id), option, "reviewer")
    assert result.exit_code == 0 and "1 imported" in result.output, result.output
    reviewer = rows(app, User, User.username == "reviewer")[0]
    assert rows(app, Annotation)[-1].user_id == reviewer.id
    assert not rows(app, User, User.username == "someone-else")
    assert "no user named nobody" in import_file(runner, path, option, "nobody").output


def test_the_help_names_the_user_option_with_its_alias(runner):
    result = runner.invoke(args=["import-annotations", "--help"])
    assert result.exit_code == 0
    assert "--user, --reviewer NAME" in result.output


# --- creators named as other tools name them -----------------------------------------------------------

OTHER_TOOLS = Path(__file__).parents[1] / "fixtures" / "interchange" / "w3c-other-tools.jsonld"


def test_creators_with_a_name_or_an_iri_but_no_nickname_become_users_and_never_merge(
    app, runner, reviewer_client, tmp_path
):
    article = created_article(app, add_article(reviewer_client, title="Jobs", text=OTHER_TEXT, source_url=OTHER_URL))
    users_before = {u.username for u in rows(app, User)}
    result = import_file(runner, OTHER_TOOLS)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[-1] == "7 imported, 0 re-anchored, 0 orphaned, 1 rejected"
    by = [re.search(r" by (\S+) on article", line).group(1) if " by " in line else None for line in lines[:-1]]
    assert by == ["jane-doe", "jane-doe-2", "m.okafor", "jose-nunez", "lead-2", "jane-doe-2", None, "lead"]
    assert lines[1].endswith(
        "(creator “Jane Doe” (https://other.example/jane) imported as jane-doe-2: jane-doe is another creator)"
    )
    assert lines[4].endswith("(creator “Lead” imported as lead-2: lead is another creator)")
    assert lines[5].endswith(
        "(creator “J. Doe” (https://other.example/jane) imported as jane-doe-2, as in an earlier import)"
    )
    assert lines[6].startswith("item 7: rejected") and "李小龙" in lines[6] and "name a reviewer" in lines[6]
    assert "(" not in lines[0] and "(" not in lines[2] and "(" not in lines[7]  # nothing to say about these
    users = {u.username: u for u in rows(app, User)}
    assert set(users) - users_before == {"jane-doe", "jane-doe-2", "m.okafor", "jose-nunez", "lead-2"}
    assert (users["jane-doe"].display_name, users["jane-doe-2"].display_name) == ("Jane Doe", "Jane Doe")
    assert users["jose-nunez"].display_name == "José Núñez" and users["m.okafor"].display_name == "m.okafor"
    assert all(
        users[name].password_hash is None and users[name].role == "reviewer" for name in set(users) - users_before
    )
    # The real account keeps only what the file attributes to it by its exact nickname.
    lead_annotations = rows(app, Annotation, Annotation.user_id == users["lead"].id)
    assert [a.verdict for a in lead_annotations] == ["misleading"] and users["lead"].creator_identity is None
    # A second import finds the same users (every item already judged): nobody is made twice.
    again = import_file(runner, OTHER_TOOLS)
    assert again.output.splitlines()[-1] == "0 imported, 0 re-anchored, 0 orphaned, 8 rejected"
    assert {u.username for u in rows(app, User)} == set(users)
    assert len(rows(app, Annotation, Annotation.user_id == users["jane-doe-2"].id)) == 2
    assert rows(app, Span, Span.article_id == article.id)


def test_the_import_page_shows_why_a_creator_got_another_name(app, lead_client, reviewer_client):
    from tests.fixtures.imports import report_rows, upload

    created_article(app, add_article(reviewer_client, title="Jobs", text=OTHER_TEXT, source_url=OTHER_URL))
    response = upload(lead_client, json.loads(OTHER_TOOLS.read_text(encoding="utf-8")))
    assert response.status_code == 200
    report = report_rows(response)
    assert report[1][1] == "imported" and "by jane-doe-2" in report[1][2]
    assert (
        "Creator “Jane Doe” (https://other.example/jane) imported as jane-doe-2: jane-doe is another creator"
        in report[1][2]
    )
    assert report[6][1] == "rejected" and "李小龙" in report[6][2]
