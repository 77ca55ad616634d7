"""The lead dashboard: per-article and per-reviewer figures, agreement, the verdict chart, CSV, permissions.

The dataset is made through the app's own forms (annotate, submit, settle, return); the expected
figures are worked out by hand in ``Scripted``'s docstring.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlmodel import select

from annotator.extensions import db
from annotator.db.models import Annotation, Article, Event, Span, User
from tests.conftest import HX, annotation_data, count_queries, csrf_token, post_annotation
from tests.web.helpers import add_article, created_article
from tests.web.htmltree import Element, page

EARLY = "Putin is unlikely to engage in peace negotiations"
CLAIM = "more than 600,000 Russian soldiers have been killed or wounded"
CLAIM_SHORT = "600,000 Russian soldiers have been killed or wounded"  # IoU with CLAIM 52/62 >= 0.5
LATE = "Putin appears willing to accept high casualties"
GRAHAM = "Thomas Graham"
LOUGH = "John Lough"
SECOND_TEXT = ("The council says accidents halved. Police records show 14 accidents in 2023 and 9 in 2024. "
               "The mayor promised more lanes.")
B1 = "accidents halved"
B2 = "Police records show 14 accidents in 2023 and 9 in 2024"
B3 = "The mayor promised more lanes"


# --- Going through the app's forms ------------------------------------------------------------------

def save(client, article: Article, quote: str, verdict: str, action: str = "submit"):
    """The signed-in user annotates ``quote`` (submitted unless ``action="save"``)."""
    response = post_annotation(client, article, annotation_data(article.text, quote, verdict=verdict, action=action))
    assert response.status_code == 200, response.get_data(as_text=True)


def span_id(app, article: Article, quote: str) -> int:
    start = article.text.index(quote)
    with app.app_context():
        return db.session().exec(select(Span.id).where(Span.article_id == article.id, Span.start == start,
                                                       Span.end == start + len(quote))).one()


def annotation_id(app, username: str, article: Article, quote: str) -> int:
    with app.app_context():
        return db.session().exec(
            select(Annotation.id).join(User, User.id == Annotation.user_id)
            .where(User.username == username, Annotation.span_id == span_id(app, article, quote))).one()


def user_id(app, username: str) -> int:
    with app.app_context():
        return db.session().exec(select(User.id).where(User.username == username)).one()


def post_as_page(client, path: str, data: dict, article: Article):
    """POST a form with the CSRF token of the article page, as the panel's forms do (no htmx: 303)."""
    token = csrf_token(client, f"/articles/{article.id}")
    response = client.post(path, data={**data, "csrf_token": token})
    assert response.status_code == 303, response.get_data(as_text=True)
    return response


def settle(app, lead_client, article: Article, quote: str, verdict: str):
    """A lead records the final verdict through the panel's form."""
    post_as_page(lead_client, f"/articles/{article.id}/spans/{span_id(app, article, quote)}/final-verdict",
                 {"verdict": verdict, "rationale": "Checked against the record.", "cite": []}, article)


def give_back(app, lead_client, article: Article, username: str, quote: str, note: str = "Cite a source."):
    """A lead returns an annotation to its reviewer."""
    post_as_page(lead_client, f"/annotations/{annotation_id(app, username, article, quote)}/return",
                 {"note": note}, article)


def resubmit(app, client, article: Article, username: str, quote: str):
    post_as_page(client, f"/annotations/{annotation_id(app, username, article, quote)}/submit", {}, article)


def age_submission(app, article: Article, quote: str, days: int):
    """Pretend the span's annotations were first submitted ``days`` ago (events only; nothing else moves)."""
    with app.app_context():
        session = db.session()
        for event in session.exec(select(Event).where(Event.span_id == span_id(app, article, quote),
                                                      Event.action == "submitted")):
            event.at = event.at - timedelta(days=days)
            session.add(event)
        session.commit()


@dataclass
class Scripted:
    """Three articles judged by Riley (reviewer), Alice and Bob; settled and returned by Lee (lead).

    Demo article A:
      EARLY  Riley true, Alice true                      awaiting, agreed
      CLAIM  Riley true, Alice false                     awaiting, disagreement
      CLAIM_SHORT  Bob false (returned, then resubmitted) awaiting, single; same claim as CLAIM (IoU 0.84)
      LATE   Riley mixed, returned by the lead           not annotated any more (no submitted annotation)
      GRAHAM Alice mostly-true                           awaiting, single
      LOUGH  Riley true, Alice true; final True          settled
    Second article B:
      B1  Riley false, Bob false; final Mostly false     settled
      B2  Riley true, Alice mostly-true, Bob true        awaiting, disagreement
      B3  Bob unverifiable, a draft                      not counted
    Third article C: nothing.

    Per article: A annotated 5, settled 1, awaiting 4, disagreement 1; B 2, 1, 1, 1; C all 0.
    Agreement A: units EARLY (t,t), CLAIM+CLAIM_SHORT (t,f,f), LOUGH (t,t): 3 claims compared, 2 unanimous.
      n = 7, sum o_cc = 2 + 1 + 2 = 5, n_t = 5, n_f = 2: alpha = 1 - 6 * 2 / (49 - 25 - 4) = 0.4.
    Agreement B: units B1 (f,f), B2 (t,mt,t): 2 compared, 1 unanimous.
      n = 5, sum o_cc = 2 + 1 = 3, n_f = 2, n_t = 2, n_mt = 1: alpha = 1 - 4 * 2 / (25 - 9) = 0.5.
    Overall: 5 compared, 3 unanimous (60%); n = 12, sum o_cc = 8, n_t = 7, n_f = 4, n_mt = 1:
      alpha = 1 - 11 * 4 / (144 - 66) = 34/78 = 0.4359.
    Reviewers: Riley submitted 6 (LATE counts: submitted, then returned), returned 1 (17%),
      on settled LOUGH (=) and B1 (≠): 1 of 2. Alice 5, 0 returned, LOUGH (=): 1 of 1.
      Bob 3 (not the draft), 1 returned (33%), B1 (≠): 0 of 1. The lead judged nothing: not listed.
    Submitted verdicts: true 7, false 4, mostly-true 2. Final: true 1, mostly-false 1.
    """

    a: Article
    b: Article
    c: Article


@pytest.fixture
def scripted(app, reviewer_client, lead_client, make_user, demo_article) -> Scripted:
    alice, bob = make_user("alice"), make_user("bob")
    a = demo_article
    b = created_article(app, add_article(lead_client, title="Bike lanes halved accidents, council says",
                                         text=SECOND_TEXT))
    c = created_article(app, add_article(lead_client, title="Nothing checked yet", text="Quiet text."))
    save(reviewer_client, a, EARLY, "true")
    save(alice, a, EARLY, "true")
    save(reviewer_client, a, CLAIM, "true")
    save(alice, a, CLAIM, "false")
    save(bob, a, CLAIM_SHORT, "false")
    save(reviewer_client, a, LATE, "mixed")
    save(alice, a, GRAHAM, "mostly-true")
    save(reviewer_client, a, LOUGH, "true")
    save(alice, a, LOUGH, "true")
    save(reviewer_client, b, B1, "false")
    save(bob, b, B1, "false")
    save(reviewer_client, b, B2, "true")
    save(alice, b, B2, "mostly-true")
    save(bob, b, B2, "true")
    save(bob, b, B3, "unverifiable", action="save")
    settle(app, lead_client, a, LOUGH, "true")
    settle(app, lead_client, b, B1, "mostly-false")
    give_back(app, lead_client, a, "reviewer", LATE, "Which report? Cite it.")
    give_back(app, lead_client, a, "bob", CLAIM_SHORT)
    resubmit(app, bob, a, "bob", CLAIM_SHORT)
    return Scripted(a, b, c)


# --- Reading the page ---------------------------------------------------------------------------------

def cell_text(el: Element) -> str:
    return " ".join(el.text().split())


def table(root: Element, table_id: str) -> tuple[list[str], dict[str, list[str]]]:
    """Header texts and each row's cell texts keyed by its first cell's first line (body and foot)."""
    found = root.by_id(table_id)
    assert found is not None, f"no #{table_id}"
    header = [cell_text(th) for th in found.find("thead").find_all("th")]
    rows = {}
    for tr in found.find_all("tr"):
        if tr.parent.tag == "thead":
            continue
        cells = [c for c in tr.children if isinstance(c, Element) and c.tag in ("th", "td")]
        first = cells[0].find("a") or cells[0]
        rows[cell_text(first)] = [cell_text(c) for c in cells]
    return header, rows


def column(header: list[str], name: str) -> int:
    return next(i for i, h in enumerate(header) if h.startswith(name))


def dashboard_page(client) -> Element:
    response = client.get("/review")
    assert response.status_code == 200
    return page(response)


# --- Permissions --------------------------------------------------------------------------------------

LEAD_ONLY = ["/review", "/review/articles.csv", "/review/reviewers.csv", "/review/queue", "/review/queue.csv",
             "/review/queue?status=agreed"]


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


def test_alpha_is_undefined_when_every_verdict_is_the_same(app, reviewer_client, make_user, lead_client,
                                                           demo_article):
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
        counts[label] = (int(group.find("text", class_="reviewers-count").text()),
                         int(group.find("text", class_="finals-count").text()))
    return counts


def test_verdict_chart_shows_submitted_and_final_verdicts(scripted, lead_client):
    root = dashboard_page(lead_client)
    assert chart(root) == {"True": (7, 1), "Mostly true": (2, 0), "Mixed": (0, 0), "Misleading": (0, 0),
                           "Mostly false": (0, 1), "False": (4, 0), "Unverifiable": (0, 0)}
    svg = root.find("svg", class_="distribution")
    bars = svg.find_all("rect")
    assert all(any(c.startswith("verdict-") for c in rect.parent.classes) for rect in bars)
    widths = {rect.parent.find("text", class_="chart-label").text(): float(rect.get("width"))
              for rect in bars if "reviewers" in rect.classes}
    assert widths["True"] == 290.0 and widths["Mixed"] == 0.0  # the largest count spans the chart


def test_per_article_stacked_bars_are_svg_with_verdict_classes(scripted, lead_client):
    root = dashboard_page(lead_client)
    row = next(tr for tr in root.by_id("articles-table").find_all("tr") if scripted.b.title in tr.text())
    stacks = row.find_all("svg", class_="stack")
    assert len(stacks) == 2  # reviewers' verdicts, final verdicts
    segments = [(r.find("title").text(), r.classes) for r in stacks[0].find_all("rect") if r.find("title")]
    assert [t for t, _ in segments] == ["Reviewers' verdicts: True 2", "Reviewers' verdicts: Mostly true 1",
                                        "Reviewers' verdicts: False 2"]
    assert all(f"verdict-{key}" in classes for (_, classes), key in zip(segments, ["true", "mostly-true", "false"]))


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
    links = {a.text().strip(): a.get("href") for a in dashboard_page(lead_client).find_all("a")
             if "CSV" in a.text()}
    assert set(links.values()) == {"/review/articles.csv", "/review/reviewers.csv"}


def test_articles_csv_holds_the_table_and_the_chart(scripted, lead_client):
    rows = {r["article"]: r for r in read_csv(lead_client.get("/review/articles.csv"))}
    assert list(rows) == [scripted.c.title, scripted.b.title, scripted.a.title, "All articles"]
    a = rows[scripted.a.title]
    assert (a["article_id"], a["claims_annotated"], a["settled"], a["awaiting_review"], a["in_disagreement"]) == (
        str(scripted.a.id), "5", "1", "4", "1")
    assert (a["claims_compared"], a["full_agreement_share"], a["krippendorff_alpha"]) == ("3", "0.6667", "0.4")
    total = rows["All articles"]
    assert (total["article_id"], total["claims_compared"], total["full_agreement_share"]) == ("", "5", "0.6")
    assert total["krippendorff_alpha"] == "0.4359"
    assert (total["submitted_true"], total["submitted_false"], total["submitted_mostly-true"]) == ("7", "4", "2")
    assert (total["final_true"], total["final_mostly-false"], total["final_false"]) == ("1", "1", "0")
    assert rows[scripted.c.title]["krippendorff_alpha"] == ""  # undefined


def test_reviewers_csv(scripted, lead_client):
    rows = read_csv(lead_client.get("/review/reviewers.csv"))
    assert [(r["reviewer"], r["username"], r["submitted"], r["returned"], r["returned_share"],
             r["submitted_on_settled"], r["matching_final"], r["final_agreement_share"]) for r in rows] == [
        ("Alice", "alice", "5", "0", "0.0", "1", "1", "1.0"),
        ("Bob", "bob", "3", "1", "0.3333", "1", "0", "0.0"),
        ("Riley Reviewer", "reviewer", "6", "1", "0.1667", "2", "1", "0.5"),
    ]


def test_csv_cells_cannot_run_as_formulas(app, lead_client, reviewer_client):
    article = created_article(app, add_article(lead_client, title="=HYPERLINK(\"http://evil\")", text="Some text."))
    save(reviewer_client, article, "Some text", "true")
    rows = read_csv(lead_client.get("/review/articles.csv"))
    assert "'=HYPERLINK(\"http://evil\")" in [r["article"] for r in rows]


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


@pytest.mark.parametrize("seconds, expected", [
    (0, "just now"), (59, "just now"), (60, "1 minute"), (3599, "59 minutes"), (3600, "1 hour"),
    (86399, "23 hours"), (86400, "1 day"), (10 * 86400 + 5, "10 days"), (-30, "just now"),
])
def test_age(seconds, expected):
    from annotator.web.queue import age
    from annotator.db.models import utcnow

    now = utcnow()
    assert age(now - timedelta(seconds=seconds), now) == expected


def test_stack_segments_follow_the_scale_and_fill_the_bar():
    from collections import Counter

    from annotator.domain.review import stack

    segments = stack(Counter({"false": 1, "true": 3}))
    assert [(s.key, s.count, s.x, s.width) for s in segments] == [("true", 3, 0.0, 75.0), ("false", 1, 75.0, 25.0)]
    assert stack(Counter()) == []
