"""The lead summary: claims side by side, disagreements first, a verdict chart."""

import pytest

from annotator.db.models import Annotation, Span
from tests.fixtures.app import CLAIM, annotation_data, count_queries, post_annotation, rows
from tests.fixtures.helpers import post_form
from tests.fixtures.htmltree import page

EARLY = "Putin is unlikely to engage in peace negotiations"
LATE = "Putin appears willing to accept high casualties"
SOURCE_A = {"url": "https://example.org/a", "title": "A", "excerpt": ""}
SOURCE_B = {"url": "https://example.org/b", "title": "B", "excerpt": ""}


def save(client, article, quote, verdict, sources=()):
    response = post_annotation(
        client, article, annotation_data(article.text, quote, verdict=verdict, sources=list(sources))
    )
    assert response.status_code == 200, response.get_data(as_text=True)


@pytest.fixture
def judged(app, reviewer_client, make_user, demo_article):
    """EARLY agreed (True, True); CLAIM disputed (True, False); LATE judged once (Mixed, two sources)."""
    alice = make_user("alice")
    save(reviewer_client, demo_article, EARLY, "true")
    save(alice, demo_article, EARLY, "true")
    save(reviewer_client, demo_article, CLAIM, "true", [SOURCE_A])
    save(alice, demo_article, CLAIM, "false")
    save(reviewer_client, demo_article, LATE, "mixed", [SOURCE_A, SOURCE_B])
    assert demo_article.text.index(EARLY) < demo_article.text.index(CLAIM) < demo_article.text.index(LATE)
    return demo_article


def table_rows(root):
    table = root.find("table")
    assert table is not None
    header = [th.text().strip() for th in table.find("thead").find_all("th")]
    body = [[td for td in tr.find_all("td")] for tr in table.find("tbody").find_all("tr")]
    return header, body


def chart_counts(root) -> dict[str, int]:
    svg = root.find("svg")
    assert svg is not None
    counts = {}
    for group in svg.find_all("g"):
        label = group.find("text", class_="chart-label").text().strip()
        counts[label] = int(group.find("text", class_="chart-count").text().strip())
    return counts


@pytest.mark.parametrize("who", ["reviewer_client", "lead_client"])
def test_summary_lists_one_row_per_claim_with_each_reviewers_verdict(request, judged, who):
    client = request.getfixturevalue(who)
    response = client.get(f"/articles/{judged.id}/summary")
    assert response.status_code == 200
    header, body = table_rows(page(response))
    assert len(body) == 3
    assert "Riley Reviewer" in header and "Alice" in header
    quotes = [cells[0].text().strip() for cells in body]
    assert set(quotes) == {EARLY, CLAIM, LATE}
    column = {name: i for i, name in enumerate(header)}
    by_quote = {cells[0].text().strip(): cells for cells in body}
    assert by_quote[CLAIM][column["Riley Reviewer"]].text().strip() == "True"
    assert by_quote[CLAIM][column["Alice"]].text().strip() == "False"
    assert by_quote[EARLY][column["Riley Reviewer"]].text().strip() == "True"
    assert by_quote[EARLY][column["Alice"]].text().strip() == "True"
    assert by_quote[LATE][column["Riley Reviewer"]].text().strip() == "Mixed"
    assert by_quote[LATE][column["Alice"]].text().strip() in ("—", "")


def test_summary_lists_disagreements_before_agreed_claims(judged, lead_client):
    _, body = table_rows(page(lead_client.get(f"/articles/{judged.id}/summary")))
    quotes = [cells[0].text().strip() for cells in body]
    assert quotes[0] == CLAIM  # disputed, although later in the text than EARLY
    assert quotes[1:] == [EARLY, LATE]  # the rest in text order
    assert "Disagreement" in body[0][-1].text()


def test_summary_counts_sources_per_claim(judged, lead_client):
    header, body = table_rows(page(lead_client.get(f"/articles/{judged.id}/summary")))
    sources = header.index("Sources")
    by_quote = {cells[0].text().strip(): cells[sources].text().strip() for cells in body}
    assert by_quote == {CLAIM: "1", EARLY: "0", LATE: "2"}


def test_summary_chart_counts_annotations_per_verdict(judged, lead_client):
    counts = chart_counts(page(lead_client.get(f"/articles/{judged.id}/summary")))
    assert counts == {
        "True": 3,
        "Mostly true": 0,
        "Mixed": 1,
        "Misleading": 0,
        "Mostly false": 0,
        "False": 1,
        "Unverifiable": 0,
    }


def test_summary_figures(judged, lead_client):
    root = page(lead_client.get(f"/articles/{judged.id}/summary"))
    figures = {div.find("dt").text(): div.find("dd").text() for div in root.find("dl").find_all("div")}
    assert figures["Claims checked"] == "3"
    assert figures["Annotations"] == "5"
    assert figures["Reviewers"] == "2"
    assert figures["Disagreements"] == "1"
    assert figures["Checked by one reviewer"] == "1"


def test_summary_claim_links_open_the_claim_in_the_article(app, judged, lead_client):
    _, body = table_rows(page(lead_client.get(f"/articles/{judged.id}/summary")))
    span = next(s for s in rows(app, Span) if s.quote == CLAIM)
    assert body[0][0].find("a").get("href") == f"/articles/{judged.id}?span={span.id}"


def test_article_page_links_to_its_summary(reviewer_client, demo_article):
    root = page(reviewer_client.get(f"/articles/{demo_article.id}"))
    assert root.find("a", href=f"/articles/{demo_article.id}/summary") is not None
    listing = page(reviewer_client.get("/"))
    assert listing.find("a", href=f"/articles/{demo_article.id}/summary") is not None


def test_summary_without_claims_says_so(lead_client, demo_article):
    response = lead_client.get(f"/articles/{demo_article.id}/summary")
    assert response.status_code == 200
    root = page(response)
    assert root.find("table") is None
    assert "No claims have been annotated" in root.text()
    assert all(count == 0 for count in chart_counts(root).values())


def test_deleted_annotations_leave_the_summary(app, judged, reviewer_client, lead_client):
    annotation = next(a for a in rows(app, Annotation) if a.verdict == "mixed")
    response = post_form(reviewer_client, f"/annotations/{annotation.id}/delete", {}, token_from="/")
    assert response.status_code == 200
    _, body = table_rows(page(lead_client.get(f"/articles/{judged.id}/summary")))
    assert LATE not in [cells[0].text().strip() for cells in body]
    assert chart_counts(page(lead_client.get(f"/articles/{judged.id}/summary")))["Mixed"] == 0


def test_changing_a_verdict_to_agree_moves_the_claim_out_of_the_disagreements(app, judged, make_user, lead_client):
    save(make_user("alice"), judged, CLAIM, "true")
    _, body = table_rows(page(lead_client.get(f"/articles/{judged.id}/summary")))
    assert [cells[0].text().strip() for cells in body] == [EARLY, CLAIM, LATE]
    assert all("Disagreement" not in cells[-1].text() for cells in body)


def test_summary_runs_a_fixed_number_of_queries(app, judged, make_user, lead_client):
    with count_queries(app) as before:
        lead_client.get(f"/articles/{judged.id}/summary")
    bob = make_user("bob")
    for quote in ("Serbian President Aleksandar Vučić", "Thomas Graham", "John Lough"):
        save(bob, judged, quote, "false", [SOURCE_A])
    with count_queries(app) as after:
        lead_client.get(f"/articles/{judged.id}/summary")
    assert len(after) == len(before)


# --- Final verdicts, blind review, drafts, the queue link, CSV ---------------------------------------


def settle(app, lead_client, article, quote, verdict):
    """A lead records the final verdict through the panel's form."""
    start = article.text.index(quote)
    span = next(s for s in rows(app, Span) if s.start == start and s.end == start + len(quote))
    response = post_form(
        lead_client,
        f"/articles/{article.id}/spans/{span.id}/final-verdict",
        {"verdict": verdict, "rationale": "Checked.", "cite": []},
        token_from=f"/articles/{article.id}",
        htmx=False,
    )
    assert response.status_code == 303, response.get_data(as_text=True)


def test_summary_shows_the_final_verdict_of_settled_claims(app, judged, lead_client, reviewer_client):
    settle(app, lead_client, judged, CLAIM, "mostly-false")
    for client in (lead_client, reviewer_client):
        header, body = table_rows(page(client.get(f"/articles/{judged.id}/summary")))
        final = header.index("Final verdict")
        by_quote = {cells[0].text().strip(): cells[final] for cells in body}
        assert by_quote[CLAIM].find("span", class_="badge").text() == "Mostly false"
        assert "verdict-mostly-false" in by_quote[CLAIM].find("span", class_="badge").classes
        assert by_quote[EARLY].text().strip() == "—"
    figures = page(lead_client.get(f"/articles/{judged.id}/summary")).find("dl")
    assert {d.find("dt").text(): d.find("dd").text() for d in figures.find_all("div")}["Settled"] == "1"


def test_blind_review_hides_others_verdicts_until_the_reviewer_submits(app, judged, make_user):
    carol = make_user("carol")
    header, body = table_rows(page(carol.get(f"/articles/{judged.id}/summary")))
    by_quote = {cells[0].text().strip(): cells for cells in body}
    alice = header.index("Alice")
    assert by_quote[CLAIM][alice].text().strip() == "Hidden"
    assert "False" not in " ".join(c.text() for c in by_quote[CLAIM])
    assert "Disagreement" not in by_quote[CLAIM][-1].text()  # that would give the hidden verdicts away
    assert by_quote[CLAIM][-1].text().strip() == "Verdicts hidden"
    save(carol, judged, CLAIM, "mixed")
    header, body = table_rows(page(carol.get(f"/articles/{judged.id}/summary")))
    by_quote = {cells[0].text().strip(): cells for cells in body}
    assert by_quote[CLAIM][header.index("Alice")].text().strip() == "False"


def test_others_drafts_are_not_shown_to_reviewers_and_show_as_draft_to_leads(
    app, judged, make_user, reviewer_client, lead_client
):
    bob = make_user("bob")
    response = post_annotation(bob, judged, annotation_data(judged.text, EARLY, verdict="false", action="save"))
    assert response.status_code == 200
    header, body = table_rows(page(reviewer_client.get(f"/articles/{judged.id}/summary")))
    assert "Bob" not in header
    header, body = table_rows(page(lead_client.get(f"/articles/{judged.id}/summary")))
    by_quote = {cells[0].text().strip(): cells for cells in body}
    assert by_quote[EARLY][header.index("Bob")].text().strip() == "Draft"
    assert "False" not in by_quote[EARLY][header.index("Bob")].text()
    own = {cells[0].text().strip(): cells for cells in table_rows(page(bob.get(f"/articles/{judged.id}/summary")))[1]}
    assert "False" in own[EARLY][header.index("Bob")].text()  # the author sees their own draft


def test_leads_get_a_link_into_the_queue_for_this_article(judged, lead_client, reviewer_client):
    link = page(lead_client.get(f"/articles/{judged.id}/summary")).find("a", href=f"/review/queue?article={judged.id}")
    assert link is not None and "(3)" in link.text()
    assert (
        page(reviewer_client.get(f"/articles/{judged.id}/summary")).find("a", href=f"/review/queue?article={judged.id}")
        is None
    )


def summary_csv(client, article):
    import csv
    import io

    response = client.get(f"/articles/{article.id}/summary.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    return list(csv.reader(io.StringIO(response.get_data(as_text=True))))


@pytest.mark.parametrize("who", ["reviewer_client", "lead_client"])
def test_summary_csv_holds_exactly_the_rows_shown(request, app, judged, who):
    client = request.getfixturevalue(who)
    root = page(client.get(f"/articles/{judged.id}/summary"))
    link = next(a for a in root.find_all("a") if "CSV" in a.text() and "summary.csv" in a.get("href"))
    assert link.get("href") == f"/articles/{judged.id}/summary.csv"
    header, body = table_rows(root)
    lines = summary_csv(client, judged)
    assert lines[0][: len(header) - 1] == ["claim", "Alice", "Riley Reviewer", "final_verdict", "sources"]
    assert [line[0] for line in lines[1:]] == [cells[0].text().strip() for cells in body]
    for line, cells in zip(lines[1:], body, strict=True):
        shown = [c.text().strip() for c in cells]
        assert line[1:3] == [s if s != "—" else "" for s in shown[1:3]]
        assert line[4:6] == shown[4:6]


def test_summary_csv_respects_blind_review_and_drafts(app, judged, make_user):
    carol = make_user("carol")
    post_annotation(carol, judged, annotation_data(judged.text, LATE, verdict="false", action="save"))
    lines = summary_csv(make_user("dave"), judged)
    text = "\n".join(",".join(line) for line in lines)
    assert "False" not in text and "True" not in text and "Mixed" not in text
    assert "Carol" not in lines[0]
    by_quote = {line[0]: line for line in lines[1:]}
    assert by_quote[CLAIM][1:3] == ["Hidden", "Hidden"]
    lines = summary_csv(carol, judged)
    assert "Carol" in lines[0]
    assert {line[0]: line for line in lines[1:]}[LATE][lines[0].index("Carol")] == "False"


def test_summary_csv_escapes_formulas(app, lead_client, reviewer_client):
    from tests.fixtures.helpers import add_article, created_article

    article = created_article(app, add_article(lead_client, title="Formula", text="=2+3 makes five."))
    save(reviewer_client, article, "=2+3 makes five", "true")
    lines = summary_csv(lead_client, article)
    assert lines[1][0] == "'=2+3 makes five"
