"""The review queue: unsettled claims with submitted annotations, disagreements first, then oldest; filters; CSV."""

from __future__ import annotations

import csv
import io

import pytest
from sqlmodel import select

from annotator.extensions import db
from tests.fixtures.app import HX, count_queries
from tests.fixtures.dashboard import (
    B1,
    B2,
    B3,
    CLAIM,
    CLAIM_SHORT,
    EARLY,
    GRAHAM,
    LATE,
    LOUGH,
    SECOND_TEXT,
    age_submission,
    save,
    settle,
    span_id,
    user_id,
)
from tests.fixtures.helpers import add_article, created_article
from tests.fixtures.htmltree import Element, labelled, page
from tests.fixtures.review_helpers import queued_claims


def queue_rows(root: Element) -> list[Element]:
    table = root.find("table", class_="queue-table")
    return table.find("tbody").find_all("tr") if table is not None else []


def quotes(response) -> list[str]:
    assert response.status_code == 200, response.get_data(as_text=True)
    return [row.find("td").find("a").text().strip() for row in queue_rows(page(response))]


@pytest.fixture
def aged(app, scripted):
    """GRAHAM waits longest (10 days), then CLAIM_SHORT (5), then B2 (3), EARLY (2), CLAIM (1)."""
    for quote, article, days in (
        (GRAHAM, scripted.a, 10),
        (CLAIM_SHORT, scripted.a, 5),
        (B2, scripted.b, 3),
        (EARLY, scripted.a, 2),
        (CLAIM, scripted.a, 1),
    ):
        age_submission(app, article, quote, days)
    return scripted


def test_queue_lists_disagreements_first_then_the_longest_waiting(aged, lead_client):
    assert quotes(lead_client.get("/review/queue")) == [B2, CLAIM, GRAHAM, CLAIM_SHORT, EARLY]


def test_queue_leaves_out_settled_returned_and_draft_only_claims(aged, lead_client):
    listed = quotes(lead_client.get("/review/queue"))
    assert LOUGH not in listed and B1 not in listed  # settled
    assert LATE not in listed  # its only annotation was returned to the reviewer
    assert B3 not in listed  # a draft


def test_queue_rows_show_quote_article_verdicts_status_and_age(app, aged, lead_client):
    rows = queue_rows(page(lead_client.get("/review/queue")))
    b2 = rows[0]
    link = b2.find("td").find("a")
    assert link.get("href") == f"/articles/{aged.b.id}?span={span_id(app, aged.b, B2)}"
    assert aged.b.title in b2.find("td").text()
    verdicts = {
        li.find("span", class_="who").text(): li.find("span", class_="badge").text() for li in b2.find_all("li")
    }
    assert verdicts == {"Alice": "Mostly true", "Bob": "True", "Riley Reviewer": "True"}
    assert "Disagreement" in b2.text()
    assert rows[2].find("td", class_="age").text().strip() == "10 days"
    assert rows[4].find("td", class_="age").text().strip() == "2 days"
    assert "Single reviewer" in rows[2].text() and "Agreed" in rows[4].text()


def test_queue_shows_a_returned_annotation_beside_the_submitted_ones(app, scripted, lead_client, make_user):
    from tests.fixtures.dashboard import give_back

    give_back(app, lead_client, scripted.a, "alice", EARLY, "Check the date.")
    rows = queue_rows(page(lead_client.get(f"/review/queue?article={scripted.a.id}")))
    early = next(r for r in rows if r.find("td").find("a").text() == EARLY)
    assert "Returned" in early.text()
    assert "Single reviewer" in early.text()  # only Riley's annotation is still submitted


def test_filter_by_article(aged, lead_client):
    assert quotes(lead_client.get(f"/review/queue?article={aged.b.id}")) == [B2]
    assert quotes(lead_client.get(f"/review/queue?article={aged.a.id}")) == [CLAIM, GRAHAM, CLAIM_SHORT, EARLY]
    assert quotes(lead_client.get(f"/review/queue?article={aged.c.id}")) == []


def test_filter_by_verdict_matches_any_submitted_annotation(aged, lead_client):
    assert quotes(lead_client.get("/review/queue?verdict=false")) == [CLAIM, CLAIM_SHORT]
    assert quotes(lead_client.get("/review/queue?verdict=mostly-true")) == [B2, GRAHAM]
    assert quotes(lead_client.get("/review/queue?verdict=mixed")) == []  # LATE's Mixed was returned


def test_filter_by_reviewer(app, aged, lead_client):
    assert quotes(lead_client.get(f"/review/queue?reviewer={user_id(app, 'bob')}")) == [B2, CLAIM_SHORT]
    assert quotes(lead_client.get(f"/review/queue?reviewer={user_id(app, 'reviewer')}")) == [B2, CLAIM, EARLY]


@pytest.mark.parametrize(
    "status, expected",
    [
        ("disagreement", [B2, CLAIM]),
        ("agreed", [EARLY]),
        ("single", [GRAHAM, CLAIM_SHORT]),
    ],
)
def test_filter_by_status(aged, lead_client, status, expected):
    assert quotes(lead_client.get(f"/review/queue?status={status}")) == expected


def test_filters_combine(app, aged, lead_client):
    alice = user_id(app, "alice")
    assert quotes(lead_client.get(f"/review/queue?reviewer={alice}&status=disagreement")) == [B2, CLAIM]
    assert quotes(lead_client.get(f"/review/queue?reviewer={alice}&status=single&article={aged.a.id}")) == [GRAHAM]
    assert quotes(lead_client.get(f"/review/queue?reviewer={alice}&verdict=true&article={aged.b.id}")) == [B2]


@pytest.mark.parametrize(
    "query",
    ["article=abc", "article=999999", "verdict=bogus", "reviewer=-1", "status=open", "article=99999999999999999999999"],
)
def test_unknown_filter_values_mean_any(aged, lead_client, query):
    response = lead_client.get(f"/review/queue?{query}")
    assert quotes(response) == [B2, CLAIM, GRAHAM, CLAIM_SHORT, EARLY]


def test_filter_form_is_a_labelled_get_form_that_htmx_submits(app, aged, lead_client):
    root = page(lead_client.get(f"/review/queue?status=single&reviewer={user_id(app, 'alice')}"))
    form = root.find("form", role="search")
    assert form.get("method") == "get" and form.get("action") == "/review/queue"
    assert form.get("hx-get") == "/review/queue" and form.get("hx-target") == "#queue-results"
    assert form.get("hx-push-url") == "true"
    for label in ("Article", "Verdict", "Reviewer", "Status"):
        assert labelled(root, label).tag == "select"
    selected = {
        labelled(root, label).get("name"): next(
            (o.get("value") for o in labelled(root, label).find_all("option") if "selected" in o.attrs), ""
        )
        for label in ("Article", "Verdict", "Reviewer", "Status")
    }
    assert selected == {"article": "", "verdict": "", "reviewer": str(user_id(app, "alice")), "status": "single"}
    reviewer_names = [o.text() for o in labelled(root, "Reviewer").find_all("option")]
    assert reviewer_names == ["Any reviewer", "Alice", "Bob", "Riley Reviewer"]


def test_htmx_request_gets_only_the_rows(aged, lead_client):
    response = lead_client.get("/review/queue?status=agreed", headers=HX)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<html" not in html and "<form" not in html
    assert quotes(response) == [EARLY]
    root = page(response)
    csv_link = next(a for a in root.find_all("a") if "CSV" in a.text())
    assert csv_link.get("href") == "/review/queue.csv?status=agreed"
    # The form sends every select, empty ones too; the location bar gets the tidy address.
    response = lead_client.get("/review/queue?article=&verdict=&reviewer=&status=agreed", headers=HX)
    assert response.headers["HX-Push-Url"] == "/review/queue?status=agreed"


def test_empty_queue_says_so(lead_client, demo_article):
    root = page(lead_client.get("/review/queue"))
    assert root.find("table") is None
    assert "The queue is empty" in root.text()
    filtered = page(lead_client.get("/review/queue?status=agreed"))
    assert "No claim in the queue matches these filters" in filtered.text()


def test_settling_from_the_queue_takes_the_claim_out(app, aged, lead_client):
    settle(app, lead_client, aged.b, B2, "true")
    assert quotes(lead_client.get("/review/queue")) == [CLAIM, GRAHAM, CLAIM_SHORT, EARLY]


# --- CSV ----------------------------------------------------------------------------------------------


def read_csv(response) -> list[dict]:
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


def test_queue_csv_holds_the_filtered_queue_in_order(app, aged, lead_client):
    rows = read_csv(lead_client.get("/review/queue.csv"))
    assert [r["quote"] for r in rows] == [B2, CLAIM, GRAHAM, CLAIM_SHORT, EARLY]
    b2 = rows[0]
    assert b2["span_id"] == str(span_id(app, aged.b, B2))
    assert b2["article"] == aged.b.title
    assert b2["status"] == "Disagreement"
    assert b2["reviewers"] == "3"
    assert b2["verdicts"] == "Alice: Mostly true; Bob: True; Riley Reviewer: True"
    assert b2["url"].endswith(f"/articles/{aged.b.id}?span={b2['span_id']}")
    assert b2["first_submitted"].endswith("Z")
    filtered = read_csv(lead_client.get(f"/review/queue.csv?status=single&article={aged.a.id}"))
    assert [r["quote"] for r in filtered] == [GRAHAM, CLAIM_SHORT]


def test_queue_page_links_to_the_csv_of_its_filters(aged, lead_client):
    root = page(lead_client.get(f"/review/queue?verdict=false&article={aged.a.id}"))
    link = next(a for a in root.find_all("a") if "CSV" in a.text())
    assert link.get("href") == f"/review/queue.csv?article={aged.a.id}&verdict=false"


def test_queue_csv_escapes_formulas(app, lead_client, reviewer_client):
    article = created_article(app, add_article(lead_client, title="Formulas", text="=1+2 is a claim. @cmd too."))
    save(reviewer_client, article, "=1+2 is a claim", "false")
    rows = read_csv(lead_client.get("/review/queue.csv"))
    assert [r["quote"] for r in rows] == ["'=1+2 is a claim"]


# --- Query count --------------------------------------------------------------------------------------


def test_queue_runs_a_fixed_number_of_queries(app, scripted, lead_client, reviewer_client, make_user):
    paths = ["/review/queue", "/review/queue?status=disagreement", "/review/queue.csv"]
    before = {}
    for path in paths:
        lead_client.get(path)
        with count_queries(app) as statements:
            lead_client.get(path)
        before[path] = len(statements)
    carol = make_user("carol")
    for n in range(4):
        article = created_article(app, add_article(lead_client, title=f"More {n}", text=SECOND_TEXT))
        save(reviewer_client, article, B1, "true")
        save(carol, article, B1, "false")
        save(carol, article, B2, "true")
    for path in paths:
        with count_queries(app) as statements:
            assert lead_client.get(path).status_code == 200
        assert len(statements) == before[path], (path, statements)


# --- Long queues: a page at a time -----------------------------------------------------------------


@pytest.fixture
def long_queue(app, demo_article):
    return queued_claims(app, demo_article, 250)


def row_quotes(root: Element) -> list[str]:
    return [row.find("td").find("a").text().strip() for row in root.find_all("tr", class_="queue-row")]


def more_link(root: Element) -> str:
    return root.by_id("queue-more").find("a").get("hx-get")


def test_a_long_queue_shows_a_page_and_counts_everything(long_queue, lead_client):
    root = page(lead_client.get("/review/queue"))
    assert row_quotes(root) == long_queue[:100]
    assert root.by_id("queue-count").text().startswith("250 claims")
    more = root.by_id("queue-more")
    assert "Show 100 more" in more.text() and "150 more waiting" in more.text()
    assert more.find("a").get("href") == "/review/queue?page=2"  # without htmx: the first two pages
    assert more_link(root).startswith("/review/queue?page=2&after=1-")


def test_show_more_appends_the_next_page_then_the_last(long_queue, lead_client):
    first = page(lead_client.get("/review/queue"))
    root = page(lead_client.get(more_link(first), headers=HX))
    assert row_quotes(root) == long_queue[100:200]
    assert root.find("h2") is None  # rows only: they replace the "Show more" row
    assert "Show 50 more" in root.by_id("queue-more").text() and "50 more waiting" in root.by_id("queue-more").text()
    last = page(lead_client.get(more_link(root), headers=HX))
    assert row_quotes(last) == long_queue[200:]
    assert last.by_id("queue-more") is None


def test_show_more_skips_nothing_when_claims_leave_or_tie_meanwhile(app, demo_article, long_queue, lead_client):
    """The next page starts after the last claim shown (by its place in queue order, ties broken by
    claim), not at a position: claims settled or deleted from the first page shift nothing."""
    from datetime import timedelta

    from annotator.db.models import Annotation, Span, utcnow

    with app.app_context():
        session = db.session()
        annotations = {
            span.start: annotation
            for annotation, span in session.exec(
                select(Annotation, Span).join(Span).where(Span.article_id == demo_article.id)
            )
        }
        tied = utcnow() - timedelta(days=30)
        for n in range(90, 110):  # one waiting time across the page boundary: the claim order decides
            annotations[n].created_at = tied
        for n in range(90):
            annotations[n].created_at = tied - timedelta(minutes=1000 - n)
        session.commit()
    first = page(lead_client.get("/review/queue"))
    assert row_quotes(first) == long_queue[:100]
    with app.app_context():
        session = db.session()
        for n in (3, 50, 99):  # leave the queue while the lead reads the first page
            session.get(Annotation, annotations[n].id).deleted_at = utcnow()
        session.commit()
    second = page(lead_client.get(more_link(first), headers=HX))
    assert row_quotes(second) == long_queue[100:200]
    assert "50 more waiting" in second.by_id("queue-more").text()


def test_show_more_links_from_before_cursors_and_bad_cursors_fall_back_to_the_page_number(long_queue, lead_client):
    assert row_quotes(page(lead_client.get("/review/queue?page=2", headers=HX))) == long_queue[100:200]
    for bad in (
        "x",
        "1-abc-2020-01-01T00:00:00+00:00",
        "2-5-2020-01-01T00:00:00+00:00",
        "1-5-2020-01-01T00:00:00",
        "1-0-2020-01-01T00:00:00+00:00",
        f"1-{10**30}-2020-01-01T00:00:00+00:00",
        "1-5-not a date",
        "1-5-",
    ):
        response = lead_client.get("/review/queue", query_string={"page": 2, "after": bad}, headers=HX)
        assert row_quotes(page(response)) == long_queue[100:200], bad


def test_without_htmx_a_page_number_shows_every_page_up_to_it(long_queue, lead_client):
    assert row_quotes(page(lead_client.get("/review/queue?page=2"))) == long_queue[:200]
    assert row_quotes(page(lead_client.get("/review/queue?page=99"))) == long_queue  # clamped to the last page
    assert row_quotes(page(lead_client.get("/review/queue?page=-3"))) == long_queue[:100]
    assert row_quotes(page(lead_client.get("/review/queue?page=abc"))) == long_queue[:100]
    assert row_quotes(page(lead_client.get(f"/review/queue?page={10**30}"))) == long_queue
    assert row_quotes(page(lead_client.get(f"/review/queue?page={10**30}", headers=HX))) == []


def test_show_more_keeps_the_filters(app, long_queue, lead_client):
    reviewer = user_id(app, "reviewer")
    root = page(lead_client.get(f"/review/queue?status=single&reviewer={reviewer}"))
    link = root.by_id("queue-more").find("a").get("hx-get")
    assert "status=single" in link and f"reviewer={reviewer}" in link and "page=2" in link and "after=" in link


def test_the_csv_holds_the_whole_queue(long_queue, lead_client):
    lines = list(csv.reader(io.StringIO(lead_client.get("/review/queue.csv").get_data(as_text=True))))
    assert len(lines) == 1 + 250
