"""The Import page: upload W3C or Hypothesis JSON, see the report; leads choose authors, reviewers import as
themselves."""

from __future__ import annotations

import json
from datetime import UTC

from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.db.models import Annotation, Source, Span, User
from tests.fixtures.app import CLAIM, csrf_token, rows
from tests.fixtures.htmltree import page
from tests.fixtures.imports import (  # noqa: F401
    PATH,  # noqa: F401
    SECOND,
    hypothesis_row,
    item,
    report_rows,
    upload,
)
from tests.fixtures.profiles import FIXTURE_HEALTH_CHECKS


def test_the_import_page_offers_articles_and_for_leads_every_author(app, lead_client, reviewer_client, demo_article):
    lead_page = page(lead_client.get(PATH))
    article_options = [o.text().strip() for o in lead_page.find("select", id="article").find_all("option")]
    assert article_options[0].startswith("The article whose source URL") and demo_article.title in article_options
    authors = [o.text().strip() for o in lead_page.find("select", id="author").find_all("option")]
    assert authors[0].startswith("The creator each item names") and "Riley Reviewer" in authors
    own = [o.text().strip() for o in page(reviewer_client.get(PATH)).find("select", id="author").find_all("option")]
    assert own == ["Riley Reviewer (you)"]


def test_a_lead_uploads_a_file_and_sees_what_became_of_each_item(app, lead_client, demo_article):
    text = demo_article.text
    document = [
        item(CLAIM, start=text.index(CLAIM)),
        item(SECOND, start=3, verdict="mostly-false"),
        item("<script>alert(1)</script> words not there"),
    ]
    response = upload(lead_client, document, article=demo_article.id)
    assert response.status_code == 200
    root = page(response)
    assert root.by_id("import-totals").text().split() == [
        "1",
        "imported",
        "·",
        "1",
        "re-anchored",
        "·",
        "1",
        "orphaned",
        "·",
        "0",
        "rejected",
    ]
    report = report_rows(response)
    assert [r[:2] for r in report] == [("1", "imported"), ("2", "re-anchored"), ("3", "orphaned")]
    assert report[0][2].startswith(CLAIM) and "Annotation " in report[0][2] and report[0][2].endswith("by carol")
    assert report[2][2].startswith("<script>alert(1)</script> words") and "current text" in report[2][2]
    assert "<script>" not in response.get_data(as_text=True).split("import-report")[1].replace("&lt;script&gt;", "")
    link = root.by_id("import-report").find("a").get("href")
    span = rows(app, Span, Span.quote == CLAIM)[0]
    assert link == f"/articles/{demo_article.id}?span={span.id}"
    carol = rows(app, User, User.username == "carol")[0]
    assert len(rows(app, Annotation, Annotation.user_id == carol.id)) == 3


def test_a_lead_can_make_one_reviewer_the_author_of_every_item(app, lead_client, demo_article):
    reviewer = rows(app, User, User.username == "reviewer")[0]
    response = upload(lead_client, [item(CLAIM, nickname="someone")], article=demo_article.id, author=reviewer.id)
    assert response.status_code == 200
    assert rows(app, Annotation)[-1].user_id == reviewer.id and not rows(app, User, User.username == "someone")


def test_a_reviewer_imports_as_themselves_whatever_the_file_says(app, reviewer_client, demo_article):
    response = upload(
        reviewer_client,
        [item(CLAIM, nickname="lead")],
        article=demo_article.id,
        author=rows(app, User, User.username == "reviewer")[0].id,
    )
    assert response.status_code == 200 and report_rows(response)[0][2].endswith("by reviewer")
    lead = rows(app, User, User.username == "lead")[0]
    assert not rows(app, Annotation, Annotation.user_id == lead.id)
    forged = upload(reviewer_client, [item(SECOND)], article=demo_article.id, author=lead.id)
    assert forged.status_code == 422 and "Not a valid choice" in forged.get_data(as_text=True)
    forged_as_file = upload(reviewer_client, [item(SECOND)], article=demo_article.id, author=0)
    assert forged_as_file.status_code == 422
    assert len(rows(app, Annotation)) == 1


def test_leads_keep_the_files_times_reviewers_imports_are_dated_now_and_none_lie_in_the_future(
    app, lead_client, reviewer_client, demo_article
):
    from datetime import datetime

    old, future = "2020-05-01T10:00:00Z", "2999-01-01T00:00:00Z"
    upload(
        lead_client, [{**item(CLAIM, nickname="carol"), "created": old, "modified": future}], article=demo_article.id
    )
    carols = rows(app, Annotation)[-1]
    assert carols.created_at == datetime(2020, 5, 1, 10, tzinfo=UTC)
    assert carols.updated_at <= datetime.now(UTC)
    reviewer = rows(app, User, User.username == "reviewer")[0]
    assert (
        upload(
            reviewer_client, [{**item(CLAIM), "created": old}], article=demo_article.id, author=reviewer.id
        ).status_code
        == 200
    )
    own = rows(app, Annotation, Annotation.user_id == reviewer.id)[0]
    assert own.created_at > datetime(2026, 1, 1, tzinfo=UTC)  # not backdated up the queue


def test_bad_files_are_refused_with_the_form_and_store_nothing(app, lead_client, demo_article):
    cases = [
        (b"{not json", "The file is not JSON"),
        (b"\xff\xfe\x00garbage", "The file is not JSON"),
        (b"[]", "holds no annotations"),
        (b'{"type": "Person"}', "not W3C Web Annotation JSON"),
        (json.dumps({"total": 40, "rows": [hypothesis_row(CLAIM)]}).encode(), "one page of several"),
    ]
    for raw, message in cases:
        response = upload(lead_client, None, raw=raw, article=demo_article.id)
        assert response.status_code == 422, raw
        assert message in page(response).find("ul", class_="errors").text(), raw
    no_file = lead_client.post(
        PATH,
        data={"csrf_token": csrf_token(lead_client, PATH), "article": "0", "author": "0"},
        content_type="multipart/form-data",
    )
    assert no_file.status_code == 422 and "Choose a JSON file" in no_file.get_data(as_text=True)
    unknown_article = upload(lead_client, [item(CLAIM)], article=999)
    assert unknown_article.status_code == 422
    without_token = upload(lead_client, [item(CLAIM)], article=demo_article.id, token=False)
    assert without_token.status_code == 400
    assert not rows(app, Annotation) and not rows(app, Span)


def test_a_file_over_the_size_limit_gets_413(app, lead_client):
    app.config["MAX_CONTENT_LENGTH"] = 10_000
    response = upload(lead_client, None, raw=b"[" + b" " * 20_000 + b"]")
    assert response.status_code == 413


def test_hypothesis_rows_take_their_verdict_from_a_tag_and_the_rest_as_the_note(
    app, lead_client, reviewer_client, demo_article, tmp_path
):
    from tests.fixtures.helpers import add_article, created_article

    article = created_article(
        app,
        add_article(
            reviewer_client, title="Jobs", text="Prices rose by 3% in May.", source_url="https://news.example/jobs"
        ),
    )
    document = {
        "total": 3,
        "rows": [
            hypothesis_row(
                "rose by 3%",
                tags=["false", "economy", "needs-source"],
                text="ONS says 2.1%.",
                uri="https://news.example/jobs",
            ),
            hypothesis_row("in May", tags=["economy"], uri="https://news.example/jobs"),
            {
                **hypothesis_row("Prices", uri="https://news.example/jobs"),
                "target": [{"source": "https://news.example/jobs"}],
            },
        ],
    }
    response = upload(lead_client, document)
    assert response.status_code == 200
    assert "read as Hypothesis JSON" in page(response).text()
    report = report_rows(response)
    assert report[0][1] == "imported" and report[0][2].endswith("by hanna@hypothes.is")
    assert report[1][1] == "imported, no verdict" and "by hanna@hypothes.is" in report[1][2]
    assert "quotes no words" in report[2][2]
    imported, flagged = rows(app, Annotation)[-2:]
    assert (imported.verdict, imported.note) == ("false", "ONS says 2.1%.\n\nTags: economy, needs-source")
    assert (flagged.verdict, flagged.status, flagged.note) == ("", "draft", "Tags: economy")
    assert imported.created_at.isoformat() == "2026-10-01T09:30:00+00:00"
    hanna = rows(app, User, User.username == "hanna@hypothes.is")[0]  # not a local "hanna"
    assert hanna.display_name == "Hanna H." and hanna.password_hash is None
    assert rows(app, Span, Span.article_id == article.id)[0].quote == "rose by 3%"
    assert not rows(app, Source)


JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 10**6) | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=20,
)
SELECTOR = st.fixed_dictionaries(
    {
        "type": st.sampled_from(["TextQuoteSelector", "TextPositionSelector", "X"]),
        "exact": st.sampled_from([CLAIM, SECOND, "Putin", "", "nope"]) | JSON,
        "start": st.integers(-3, 5000) | JSON,
        "end": st.integers(-3, 5000),
    }
)
W3C_ITEM = st.fixed_dictionaries(
    {
        "type": st.just("Annotation"),
        "target": st.fixed_dictionaries({"selector": st.lists(SELECTOR, max_size=3)}) | JSON,
        "body": st.lists(
            st.fixed_dictionaries(
                {
                    "purpose": st.sampled_from(["assessing", "commenting", "linking"]),
                    "value": st.sampled_from(["False", "True", "odd"]) | JSON,
                    "source": st.sampled_from(["https://a.example", "ftp://x"]) | JSON,
                }
            ),
            max_size=3,
        ),
        "creator": st.fixed_dictionaries({"nickname": st.sampled_from(["fuzz", "", "a b"]) | JSON}),
        "created": st.sampled_from(["2026-01-01T00:00:00Z", "0001-01-01T00:00:00+01:00"]) | JSON,
    }
)
HYPOTHESIS_ROW = st.fixed_dictionaries(
    {
        "user": st.sampled_from(["acct:fuzz@hypothes.is", "nobody"]) | JSON,
        "uri": JSON,
        "text": JSON,
        "tags": st.lists(st.sampled_from(["False", "True", "misc"]) | JSON, max_size=3),
        "target": st.lists(st.fixed_dictionaries({"selector": st.lists(SELECTOR, max_size=3)}), max_size=2),
    }
)
DOCUMENTS = st.one_of(
    JSON,
    st.lists(W3C_ITEM, max_size=4),
    st.lists(HYPOTHESIS_ROW, max_size=4),
    st.builds(
        lambda rows, total: {"rows": rows, "total": total},
        st.lists(HYPOTHESIS_ROW, max_size=3),
        st.integers(0, 4) | JSON,
    ),
)


@settings(max_examples=60, deadline=None, suppress_health_check=FIXTURE_HEALTH_CHECKS)
@given(document=DOCUMENTS)
def test_random_files_never_fail_and_store_exactly_what_the_report_says(app, lead_client, demo_article, document):
    before = len(rows(app, Annotation))
    response = upload(lead_client, document, article=demo_article.id)
    assert response.status_code in (200, 422), response.get_data(as_text=True)[:500]
    stored = len(rows(app, Annotation)) - before
    if response.status_code == 422:
        assert stored == 0
    else:
        assert stored == sum(
            1 for r in report_rows(response) if r[1] in ("imported", "re-anchored", "orphaned", "imported, no verdict")
        )


def table_counts(app) -> dict:
    from annotator.db.models import Event

    return {model: len(rows(app, model)) for model in (Annotation, Span, Source, User, Event)}


def test_a_file_with_more_items_than_the_cap_gets_413_with_the_form_and_stores_nothing(
    app, reviewer_client, demo_article
):
    assert app.config["IMPORT_MAX_ITEMS"] == 5_000  # the default
    before = table_counts(app)
    document = [item(f"words {n} that are not in the article", nickname="x") for n in range(5_001)]
    response = upload(
        reviewer_client, document, article=demo_article.id, author=rows(app, User, User.username == "reviewer")[0].id
    )
    assert response.status_code == 413
    root = page(response)
    assert root.find("form") is not None and root.by_id("import-report") is None  # the form, not the error page
    message = root.find("ul", class_="errors").text()
    assert "The file holds 5,001 annotations; the most one upload takes is 5,000." in message
    assert "flask import-annotations" in message
    assert table_counts(app) == before


def test_the_cap_is_a_setting_and_a_file_at_the_cap_is_imported(app, lead_client, demo_article):
    app.config["IMPORT_MAX_ITEMS"] = 2
    before = table_counts(app)
    hypothesis = {"total": 3, "rows": [hypothesis_row(CLAIM), hypothesis_row(SECOND), hypothesis_row("Putin")]}
    refused = upload(lead_client, hypothesis, article=demo_article.id)
    assert refused.status_code == 413 and "holds 3 annotations; the most one upload takes is 2." in refused.get_data(
        as_text=True
    )
    assert table_counts(app) == before
    accepted = upload(lead_client, [item(CLAIM), item(SECOND)], article=demo_article.id)
    assert accepted.status_code == 200 and len(report_rows(accepted)) == 2


def test_the_cap_is_read_from_the_environment(tmp_path, monkeypatch):
    from annotator import config

    assert config.from_environment(tmp_path, {"SECRET_KEY": "x"})["IMPORT_MAX_ITEMS"] == 5_000
    monkeypatch.setenv("ANNOTATOR_IMPORT_MAX_ITEMS", "250")
    assert config.from_environment(tmp_path, {"SECRET_KEY": "x"})["IMPORT_MAX_ITEMS"] == 250


def test_the_command_line_has_no_cap(app, runner, demo_article, tmp_path):
    app.config["IMPORT_MAX_ITEMS"] = 1
    path = tmp_path / "two.json"
    path.write_text(json.dumps([item(CLAIM), item(SECOND)]), encoding="utf-8")
    result = runner.invoke(args=["import-annotations", str(path), "--article", str(demo_article.id)])
    assert result.exit_code == 0 and result.output.splitlines()[-1].startswith("2 imported"), result.output
