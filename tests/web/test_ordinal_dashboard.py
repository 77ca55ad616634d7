"""The dashboard's ordinal figures (ordinal alpha, near misses) and the reviewer x final-verdict matrix.

The dataset is ``scripted`` from test_dashboard; the figures are worked by hand:
Ordinal ranks: true 1, mostly-true 2, false 6 (mostly-false 5).
  A: units (1,1) (1,6,6) (1,1): two ranks only, so ordinal alpha = nominal = 0.40;
     disagreeing pairs 2 (true-false twice), near misses 0.
  B: units (6,6) (1,2,1): n_1 = 2, n_2 = 1, n_6 = 2; o_12 = o_21 = 1; delta2(1,2) = (3 - 1.5)^2 = 2.25,
     delta2(1,6) = (5 - 2)^2 = 9, delta2(2,6) = (3 - 1.5)^2 = 2.25; observed 4.5, expected
     2 * (2*1*2.25 + 2*2*9 + 1*2*2.25) = 90; alpha = 1 - 4 * 4.5 / 90 = 0.80 (nominal 0.50).
     Disagreeing pairs 2 (true-mostly true twice), both near misses: 100%.
  All: n_1 = 7, n_2 = 1, n_6 = 4; o_12 = o_16 = 1 (and mirrored); delta2(1,2) = (8 - 4)^2 = 16,
     delta2(1,6) = (12 - 5.5)^2 = 42.25, delta2(2,6) = (5 - 2.5)^2 = 6.25; observed 2 * (16 + 42.25) = 116.5,
     expected 2 * (7*16 + 28*42.25 + 4*6.25) = 2640; alpha = 1 - 11 * 116.5 / 2640 = 0.5146.
     Near misses 2 of 4: 50%.
Matrix (submitted verdicts on settled claims): LOUGH Riley true, Alice true, final true; B1 Riley false,
  Bob false, final mostly false: (true, true) 2, (false, mostly-false) 2; 2 exact, 2 near misses.
"""

from __future__ import annotations

import csv
import io

from tests.fixtures.app import HX, count_queries
from tests.fixtures.dashboard import CLAIM, EARLY, column, dashboard_page, save, settle, table
from tests.fixtures.helpers import add_article, created_article
from tests.fixtures.htmltree import page


def matrix_cells(root) -> dict[tuple[str, str], str]:
    """{(row label, column label): cell text} of the confusion table."""
    found = root.by_id("confusion-table")
    assert found is not None
    columns = [" ".join(th.text().split()) for th in found.find("thead").find_all("th")]
    cells = {}
    for tr in found.find("tbody").find_all("tr"):
        label = " ".join(tr.find("th").text().split())
        for name, td in zip(columns, tr.find_all("td"), strict=True):
            cells[label, name] = td.text().strip()
    return cells


def test_ordinal_alpha_and_near_misses_per_article_and_overall(scripted, lead_client):
    header, rows = table(dashboard_page(lead_client), "articles-table")
    ordinal, near = column(header, "Ordinal alpha"), column(header, "Near misses")
    assert rows[scripted.a.title][ordinal] == "0.40"
    assert rows[scripted.a.title][near] == "0% 0 of 2"
    assert rows[scripted.b.title][ordinal] == "0.80"
    assert rows[scripted.b.title][near] == "100% 2 of 2"
    assert rows["All articles"][ordinal] == "0.51"
    assert rows["All articles"][near] == "50% 2 of 4"
    assert rows[scripted.c.title][ordinal] == "—"
    assert rows[scripted.c.title][near] == "—"


def test_tiles_say_the_pooled_figures_and_what_they_rest_on(scripted, lead_client):
    root = dashboard_page(lead_client)

    def tile(tile_id):
        found = root.by_id(tile_id)
        return [" ".join(found.find("span", class_=c).text().split()) for c in ("tile-value", "tile-note")]

    assert tile("ordinal-tile") == ["0.51", "n = 5 claims; 0 Unverifiable left out"]
    assert tile("near-miss-tile") == ["50%", "2 of 4 disagreeing pairs"]


def test_unverifiable_verdicts_are_left_out_and_counted(app, reviewer_client, make_user, lead_client, demo_article):
    alice = make_user("alice")
    save(reviewer_client, demo_article, EARLY, "true")
    save(alice, demo_article, EARLY, "unverifiable")
    save(reviewer_client, demo_article, CLAIM, "true")
    save(alice, demo_article, CLAIM, "false")
    header, rows = table(dashboard_page(lead_client), "articles-table")
    row = rows[demo_article.title]
    assert row[column(header, "Ordinal alpha")] == "0.00 1 Unverifiable left out"  # one unit (1, 6): alpha 0
    assert row[column(header, "Near misses")] == "0% 0 of 2"


def test_page_defines_ordinal_alpha_and_near_misses(scripted, lead_client):
    text = " ".join(dashboard_page(lead_client).text().split())
    assert "Krippendorff's alpha with the ordinal metric" in text
    assert "Unverifiable stands outside that order" in text
    assert "adjacent on the scale" in text


def test_confusion_matrix_of_all_articles(scripted, lead_client):
    root = dashboard_page(lead_client)
    cells = matrix_cells(root)
    assert cells["True", "True"] == "2"
    assert cells["False", "Mostly false"] == "2"
    assert cells["Mostly false", "False"] == "0"  # rows are reviewers' verdicts, columns final ones
    assert sum(int(v) for (r, c), v in cells.items() if c != "Total") == 4
    assert cells["True", "Total"] == "2"
    found = root.by_id("confusion-table")
    assert [th.get("scope") for th in found.find("thead").find_all("th")] == ["col"] * 8
    assert all(tr.find("th").get("scope") == "row" for tr in found.find("tbody").find_all("tr"))
    figures = " ".join(root.find("p", class_="confusion-figures").text().split())
    assert figures == "4 judgements on settled claims · 50% exact (2) · 50% near misses (2)"


def test_matrix_cells_are_shaded_by_class_with_the_count_as_text(scripted, lead_client):
    found = dashboard_page(lead_client).by_id("confusion-table")
    tds = found.find("tbody").find_all("td")
    assert all(td.get("style") is None for td in tds)
    classes = {
        td.text().strip(): set(td.get("class").split())
        for td in tds
        if td.text().strip() != "0" and "total-col" not in td.get("class")
    }
    assert classes["2"] >= {"shade-4"}
    zero = next(td for td in tds if td.text().strip() == "0")
    assert "shade-0" in zero.get("class")
    exact = [td for td in tds if "exact" in td.get("class").split()]
    assert len(exact) == 7  # the diagonal


def test_matrix_of_one_article_by_query_and_by_htmx(scripted, lead_client):
    root = page(lead_client.get(f"/review?article={scripted.a.id}"))
    cells = matrix_cells(root)
    assert cells["True", "True"] == "2" and cells["False", "Mostly false"] == "0"
    options = root.find("select", id="article").find_all("option")
    assert [o.get("value") for o in options if "selected" in o.attrs] == [str(scripted.a.id)]
    response = lead_client.get(f"/review?article={scripted.b.id}", headers=HX)
    assert response.status_code == 200
    assert response.headers["HX-Push-Url"] == f"/review?article={scripted.b.id}"
    fragment = page(response)
    assert fragment.find("h1") is None  # the matrix alone
    assert matrix_cells(fragment)["False", "Mostly false"] == "2"
    assert lead_client.get("/review?article=", headers=HX).headers["HX-Push-Url"] == "/review"


def test_unknown_article_shows_all_articles(scripted, lead_client):
    cells = matrix_cells(page(lead_client.get("/review?article=999999")))
    assert cells["True", "True"] == "2" and cells["False", "Mostly false"] == "2"
    assert lead_client.get("/review?article=abc").status_code == 200


def test_an_article_without_settled_claims_says_so(scripted, lead_client):
    root = page(lead_client.get(f"/review?article={scripted.c.id}"))
    assert root.by_id("confusion-table") is None
    assert "No submitted verdict on a settled claim in this article yet." in root.text()


def test_article_titles_in_the_filter_are_escaped(app, lead_client):
    created_article(app, add_article(lead_client, title="<b>Bold</b> claim", text="Some text."))
    body = lead_client.get("/review").get_data(as_text=True)
    assert "<b>Bold</b>" not in body and "&lt;b&gt;Bold&lt;/b&gt; claim" in body


def test_reviewers_cannot_see_the_matrix(reviewer_client):
    assert reviewer_client.get("/review?article=1").status_code == 403


def test_articles_csv_has_the_ordinal_figures(scripted, lead_client):
    rows = {
        r["article"]: r
        for r in csv.DictReader(io.StringIO(lead_client.get("/review/articles.csv").get_data(as_text=True)))
    }
    b, total = rows[scripted.b.title], rows["All articles"]
    assert (b["krippendorff_alpha_ordinal"], b["near_misses"], b["disagreeing_pairs"], b["near_miss_share"]) == (
        "0.8",
        "2",
        "2",
        "1.0",
    )
    assert (total["krippendorff_alpha_ordinal"], total["unverifiable_left_out"]) == ("0.5146", "0")


def test_matrix_of_one_article_runs_a_fixed_number_of_queries(app, scripted, lead_client, reviewer_client):
    path = f"/review?article={scripted.a.id}"
    lead_client.get(path)
    with count_queries(app) as before:
        lead_client.get(path)
    for n in range(3):
        article = created_article(app, add_article(lead_client, title=f"More {n}", text="Accidents halved."))
        save(reviewer_client, article, "Accidents halved", "true")
        settle(app, lead_client, article, "Accidents halved", "mixed")
    with count_queries(app) as after:
        assert lead_client.get(path).status_code == 200
    assert len(after) == len(before)
