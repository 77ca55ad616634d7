"""The lead dashboard: per-article and per-reviewer figures, agreement, the verdict chart, CSV, permissions.

The dataset is made through the app's own forms (annotate, submit, settle, return); the expected
figures are worked out by hand in ``Scripted``'s docstring.
"""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest

from tests.fixtures.app import HX, count_queries
from tests.fixtures.dashboard import (
    B1,
    B2,
    CLAIM,
    EARLY,
    SECOND_TEXT,
    annotation_id,
    column,
    dashboard_page,
    post_as_page,
    save,
    settle,
    table,
)  # noqa: F401
from tests.fixtures.helpers import add_article, created_article
from tests.fixtures.htmltree import Element, page

# --- Going through the app's forms ------------------------------------------------------------------


# --- Reading the page ---------------------------------------------------------------------------------


# --- Permissions --------------------------------------------------------------------------------------

LEAD_ONLY = [
    "/review",
    "/review/articles.csv",
    "/review/reviewers.csv",
    "/review/queue",
    "/review/queue.csv",
    "/review/queue?status=agreed",
]


@pytest.mark.parametrize("path", LEAD_ONLY)
def test_reviewer_gets_403_on_lead_pages(reviewer_client, path):
    assert reviewer_client.get(path).status_code == 403
    assert reviewer_client.get(path, headers=HX).status_code == 403


@pytest.mark.parametrize("path", [*LEAD_ONLY, "/work", "/articles/1/summary.csv"])
def test_anonymous_is_sent_to_login(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


@pytest.mark.parametrize("path", [*LEAD_ONLY, "/work", "/articles/1/summary.csv"])
def test_anonymous_htmx_request_gets_401_with_hx_redirect(client, path):
    response = client.get(path, headers=HX)
    assert response.status_code == 401
    assert response.headers["HX-Redirect"].startswith("/login")


@pytest.mark.parametrize("path", ["/review", "/review/queue"])
def test_lead_can_open_the_dashboard_and_the_queue(lead_client, path):
    assert lead_client.get(path).status_code == 200


def test_nav_links_review_and_queue_for_leads_only(reviewer_client, lead_client):
    lead_nav = page(lead_client.get("/")).find("nav", class_="topnav")
    reviewer_nav = page(reviewer_client.get("/")).find("nav", class_="topnav")
    lead_links = {a.text().strip(): a.get("href") for a in lead_nav.find_all("a")}
    assert lead_links.items() >= {"My work": "/work", "Review": "/review", "Queue": "/review/queue"}.items()
    reviewer_links = {a.text().strip(): a.get("href") for a in reviewer_nav.find_all("a")}
    assert reviewer_links.get("My work") == "/work"
    assert "Review" not in reviewer_links and "Queue" not in reviewer_links


def test_page_links_review_css_and_uses_no_inline_styles(scripted, lead_client):
    html = lead_client.get("/review").get_data(as_text=True)
    root = page(lead_client.get("/review"))
    assert any(link.get("href") == "/static/review.css" for link in root.find_all("link"))
    assert all("style" not in el.attrs for el in root.elements())
    assert "<style" not in html


# --- Figures ------------------------------------------------------------------------------------------


def test_per_article_counts(scripted, lead_client):
    header, rows = table(dashboard_page(lead_client), "articles-table")
    wanted = ["Claims annotated", "Settled", "Awaiting review", "In disagreement"]
    got = {title: [cells[column(header, name)] for name in wanted] for title, cells in rows.items()}
    assert got[scripted.a.title] == ["5", "1", "4", "1"]
    assert got[scripted.b.title] == ["2", "1", "1", "1"]
    assert got[scripted.c.title] == ["0", "0", "0", "0"]
    assert got["All articles"] == ["7", "2", "5", "2"]


def test_agreement_per_article_and_overall_matches_hand_worked_values(scripted, lead_client):
    header, rows = table(dashboard_page(lead_client), "articles-table")
    n, share, alpha = column(header, "Claims compared"), column(header, "Full agreement"), column(header, "Alpha")
    assert [rows[scripted.a.title][i] for i in (n, share, alpha)] == ["3", "67%", "0.40"]
    assert [rows[scripted.b.title][i] for i in (n, share, alpha)] == ["2", "50%", "0.50"]
    assert [rows["All articles"][i] for i in (n, share, alpha)] == ["5", "60%", "0.44"]


def test_undefined_alpha_shows_a_dash_and_why(scripted, lead_client):
    header, rows = table(dashboard_page(lead_client), "articles-table")
    empty = rows[scripted.c.title]
    assert empty[column(header, "Full agreement")] == "—"
    assert empty[column(header, "Alpha")] == "— undefined: no claim with two reviewers"


def test_alpha_is_undefined_when_every_verdict_is_the_same(app, reviewer_client, make_user, lead_client, demo_article):
    alice = make_user("alice")
    for quote in (EARLY, CLAIM):
        save(reviewer_client, demo_article, quote, "false")
        save(alice, demo_article, quote, "false")
    header, rows = table(dashboard_page(lead_client), "articles-table")
    row = rows[demo_article.title]
    assert row[column(header, "Full agreement")] == "100%"
    assert row[column(header, "Alpha")] == "— undefined: all verdicts alike"


def test_page_says_how_spans_become_claims(scripted, lead_client):
    text = " ".join(dashboard_page(lead_client).text().split())
    assert "same claim when their intersection-over-union" in text
    assert "is at least 0.5" in text
    assert "Krippendorff's alpha for nominal data" in text


def test_reviewer_figures(scripted, lead_client):
    header, rows = table(dashboard_page(lead_client), "reviewers-table")
    wanted = ["Submitted", "Returned", "Share returned", "Agreement with final verdicts"]
    got = {name.split()[0]: [cells[column(header, w)] for w in wanted] for name, cells in rows.items()}
    assert got == {
        "Alice": ["5", "0", "0%", "100% 1 of 1"],
        "Bob": ["3", "1", "33%", "0% 0 of 1"],
        "Riley": ["6", "1", "17%", "50% 1 of 2"],
    }


def test_a_reviewer_without_settled_claims_has_no_agreement_share(app, reviewer_client, lead_client, demo_article):
    save(reviewer_client, demo_article, EARLY, "true")
    header, rows = table(dashboard_page(lead_client), "reviewers-table")
    riley = next(cells for name, cells in rows.items() if name.startswith("Riley"))
    assert riley[column(header, "Agreement with final verdicts")] == "— 0 of 0"


def test_drafts_and_deleted_annotations_do_not_count(app, reviewer_client, make_user, lead_client, demo_article):
    alice = make_user("alice")
    save(reviewer_client, demo_article, EARLY, "true", action="save")
    save(alice, demo_article, CLAIM, "false")
    post_as_page(alice, f"/annotations/{annotation_id(app, 'alice', demo_article, CLAIM)}/delete", {}, demo_article)
    root = dashboard_page(lead_client)
    header, rows = table(root, "articles-table")
    assert rows[demo_article.title][column(header, "Claims annotated")] == "0"
    assert root.by_id("reviewers-table") is None
    assert "No one has submitted an annotation yet." in root.text()


def chart(root: Element) -> dict[str, tuple[int, int]]:
    """(reviewers' count, final count) per verdict label, read from the SVG."""
    svg = root.find("svg", class_="distribution")
    assert svg is not None
    counts = {}
    for group in svg.find_all("g"):
        label = group.find("text", class_="chart-label").text().strip()
        counts[label] = (
            int(group.find("text", class_="reviewers-count").text()),
            int(group.find("text", class_="finals-count").text()),
        )
    return counts


def test_verdict_chart_shows_submitted_and_final_verdicts(scripted, lead_client):
    root = dashboard_page(lead_client)
    assert chart(root) == {
        "True": (7, 1),
        "Mostly true": (2, 0),
        "Mixed": (0, 0),
        "Misleading": (0, 0),
        "Mostly false": (0, 1),
        "False": (4, 0),
        "Unverifiable": (0, 0),
    }
    svg = root.find("svg", class_="distribution")
    bars = svg.find_all("rect")
    assert all(any(c.startswith("verdict-") for c in rect.parent.classes) for rect in bars)
    widths = {
        rect.parent.find("text", class_="chart-label").text(): float(rect.get("width"))
        for rect in bars
        if "reviewers" in rect.classes
    }
    assert widths["True"] == 290.0 and widths["Mixed"] == 0.0  # the largest count spans the chart


def test_per_article_stacked_bars_are_svg_with_verdict_classes(scripted, lead_client):
    root = dashboard_page(lead_client)
    row = next(tr for tr in root.by_id("articles-table").find_all("tr") if scripted.b.title in tr.text())
    stacks = row.find_all("svg", class_="stack")
    assert len(stacks) == 2  # reviewers' verdicts, final verdicts
    segments = [(r.find("title").text(), r.classes) for r in stacks[0].find_all("rect") if r.find("title")]
    assert [t for t, _ in segments] == [
        "Reviewers' verdicts: True 2",
        "Reviewers' verdicts: Mostly true 1",
        "Reviewers' verdicts: False 2",
    ]
    assert all(
        f"verdict-{key}" in classes
        for (_, classes), key in zip(segments, ["true", "mostly-true", "false"], strict=True)
    )


def test_dashboard_links_articles_to_summaries_and_the_queue(scripted, lead_client):
    root = dashboard_page(lead_client)
    hrefs = {a.get("href") for a in root.find_all("a")}
    assert f"/articles/{scripted.a.id}/summary" in hrefs
    assert f"/review/queue?article={scripted.a.id}" in hrefs


def test_dashboard_without_any_annotation(lead_client, demo_article):
    root = dashboard_page(lead_client)
    header, rows = table(root, "articles-table")
    assert rows["All articles"][column(header, "Claims annotated")] == "0"
    assert rows["All articles"][column(header, "Alpha")] == "— undefined: no claim with two reviewers"
    assert all(counts == (0, 0) for counts in chart(root).values())


# --- CSV ----------------------------------------------------------------------------------------------


def read_csv(response) -> list[dict]:
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


def test_csv_links_are_on_the_page(lead_client):
    links = {a.text().strip(): a.get("href") for a in dashboard_page(lead_client).find_all("a") if "CSV" in a.text()}
    assert set(links.values()) == {"/review/articles.csv", "/review/reviewers.csv"}


def test_articles_csv_holds_the_table_and_the_chart(scripted, lead_client):
    rows = {r["article"]: r for r in read_csv(lead_client.get("/review/articles.csv"))}
    assert list(rows) == [scripted.c.title, scripted.b.title, scripted.a.title, "All articles"]
    a = rows[scripted.a.title]
    assert (a["article_id"], a["claims_annotated"], a["settled"], a["awaiting_review"], a["in_disagreement"]) == (
        str(scripted.a.id),
        "5",
        "1",
        "4",
        "1",
    )
    assert (a["claims_compared"], a["full_agreement_share"], a["krippendorff_alpha"]) == ("3", "0.6667", "0.4")
    total = rows["All articles"]
    assert (total["article_id"], total["claims_compared"], total["full_agreement_share"]) == ("", "5", "0.6")
    assert total["krippendorff_alpha"] == "0.4359"
    assert (total["submitted_true"], total["submitted_false"], total["submitted_mostly-true"]) == ("7", "4", "2")
    assert (total["final_true"], total["final_mostly-false"], total["final_false"]) == ("1", "1", "0")
    assert rows[scripted.c.title]["krippendorff_alpha"] == ""  # undefined


def test_reviewers_csv(scripted, lead_client):
    rows = read_csv(lead_client.get("/review/reviewers.csv"))
    assert [
        (
            r["reviewer"],
            r["username"],
            r["submitted"],
            r["returned"],
            r["returned_share"],
            r["submitted_on_settled"],
            r["matching_final"],
            r["final_agreement_share"],
        )
        for r in rows
    ] == [
        ("Alice", "alice", "5", "0", "0.0", "1", "1", "1.0"),
        ("Bob", "bob", "3", "1", "0.3333", "1", "0", "0.0"),
        ("Riley Reviewer", "reviewer", "6", "1", "0.1667", "2", "1", "0.5"),
    ]


def test_csv_cells_cannot_run_as_formulas(app, lead_client, reviewer_client):
    article = created_article(app, add_article(lead_client, title='=HYPERLINK("http://evil")', text="Some text."))
    save(reviewer_client, article, "Some text", "true")
    rows = read_csv(lead_client.get("/review/articles.csv"))
    assert '\'=HYPERLINK("http://evil")' in [r["article"] for r in rows]


# --- Query count --------------------------------------------------------------------------------------


def test_dashboard_runs_a_fixed_number_of_queries(app, scripted, lead_client, reviewer_client, make_user):
    paths = ["/review", "/review/articles.csv", "/review/reviewers.csv"]
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
        settle(app, lead_client, article, B2, "true")
    for path in paths:
        with count_queries(app) as statements:
            assert lead_client.get(path).status_code == 200
        assert len(statements) == before[path], (path, statements)
        assert len(statements) <= 6


# --- Pure helpers -------------------------------------------------------------------------------------


def test_csv_text_escapes_text_but_keeps_negative_numbers_numeric():
    from annotator.formats.exports import csv_text

    body = csv_text(["=name", "alpha"], [["-cmd", -0.25], ["plain", None]])
    assert body.splitlines() == ["'=name,alpha", "'-cmd,-0.25", "plain,"]


@pytest.mark.parametrize(
    "seconds, expected",
    [
        (0, "just now"),
        (59, "just now"),
        (60, "1 minute"),
        (3599, "59 minutes"),
        (3600, "1 hour"),
        (86399, "23 hours"),
        (86400, "1 day"),
        (10 * 86400 + 5, "10 days"),
        (-30, "just now"),
    ],
)
def test_age(seconds, expected):
    from annotator.db.models import utcnow
    from annotator.web.queue import age

    now = utcnow()
    assert age(now - timedelta(seconds=seconds), now) == expected


def test_stack_segments_follow_the_scale_and_fill_the_bar():
    from collections import Counter

    from annotator.domain.review import stack

    segments = stack(Counter({"false": 1, "true": 3}))
    assert [(s.key, s.count, s.x, s.width) for s in segments] == [("true", 3, 0.0, 75.0), ("false", 1, 75.0, 25.0)]
    assert stack(Counter()) == []
