"""My work: a user's own annotations, returned first with the lead's note, then drafts, then submitted."""

from __future__ import annotations

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
    annotation_id,
    give_back,
    save,
    settle,
    span_id,
)
from tests.fixtures.helpers import add_article, created_article
from tests.fixtures.htmltree import Element, page


def sections(client) -> dict[str, list[Element]]:
    """The work items of each section, by the section's heading."""
    response = client.get("/work")
    assert response.status_code == 200
    root = page(response)
    found = {}
    for section in root.find_all("section", class_="work-section"):
        found[section.find("h2").text().strip()] = section.find_all("li", class_="work-item")
    return found


def item_quotes(items: list[Element]) -> list[str]:
    return [item.find("a", class_="work-quote").text().strip() for item in items]


def test_returned_work_comes_first_with_the_leads_note_and_a_link(app, scripted, reviewer_client):
    found = sections(reviewer_client)
    assert list(found) == ["Returned to you", "Drafts", "Submitted"]
    [returned] = found["Returned to you"]
    link = returned.find("a", class_="work-quote")
    assert link.text().strip() == LATE
    assert link.get("href") == f"/articles/{scripted.a.id}?span={span_id(app, scripted.a, LATE)}"
    note = returned.find("div", class_="return-note")
    assert "Which report? Cite it." in note.text()
    assert "Returned by Lee Lead" in note.text()
    assert returned.find("span", class_="badge").text() == "Mixed"


def test_drafts_then_submitted_with_final_verdicts_beside_settled_ones(app, scripted, make_user):
    bob = make_user("bob")
    found = sections(bob)
    assert found["Returned to you"] == []  # Bob's returned annotation was submitted again
    assert item_quotes(found["Drafts"]) == [B3]
    submitted = found["Submitted"]
    assert set(item_quotes(submitted)) == {CLAIM_SHORT, B1, B2}
    b1 = next(item for item in submitted if item.find("a", class_="work-quote").text() == B1)
    final = b1.find("div", class_="final")
    assert final is not None
    assert final.find("span", class_="badge").text() == "Mostly false"
    assert "Differs" in final.text()
    b2 = next(item for item in submitted if item.find("a", class_="work-quote").text() == B2)
    assert b2.find("div", class_="final") is None  # not settled


def test_a_settled_claim_that_matches_says_so(scripted, reviewer_client):
    submitted = sections(reviewer_client)["Submitted"]
    lough = next(item for item in submitted if item.find("a", class_="work-quote").text() == LOUGH)
    assert [b.text() for b in lough.find_all("span", class_="badge")] == ["True", "True"]
    assert "Same" in lough.find("div", class_="final").text()


def test_only_ones_own_annotations_are_listed(scripted, reviewer_client, lead_client):
    found = sections(reviewer_client)
    everything = [q for items in found.values() for q in item_quotes(items)]
    assert sorted(everything) == sorted([LATE, EARLY, CLAIM, LOUGH, B1, B2])
    assert GRAHAM not in everything and B3 not in everything
    assert all(items == [] for items in sections(lead_client).values())


def test_counts_line(scripted, reviewer_client):
    text = " ".join(page(reviewer_client.get("/work")).find("p", class_="work-counts").text().split())
    assert text == "1 returned · 0 drafts · 5 submitted (2 settled)"


def test_resubmitting_moves_work_out_of_returned(app, scripted, reviewer_client):
    from tests.fixtures.dashboard import resubmit

    resubmit(app, reviewer_client, scripted.a, "reviewer", LATE)
    found = sections(reviewer_client)
    assert found["Returned to you"] == []
    assert LATE in item_quotes(found["Submitted"])


def test_deleted_annotations_are_not_listed(app, reviewer_client, demo_article):
    from tests.fixtures.dashboard import post_as_page

    save(reviewer_client, demo_article, EARLY, "true", action="save")
    post_as_page(
        reviewer_client, f"/annotations/{annotation_id(app, 'reviewer', demo_article, EARLY)}/delete", {}, demo_article
    )
    assert all(items == [] for items in sections(reviewer_client).values())


def test_nothing_yet(reviewer_client):
    root = page(reviewer_client.get("/work"))
    assert "Nothing returned to you." in root.text()
    assert "No drafts." in root.text()


def test_my_work_runs_a_fixed_number_of_queries(app, scripted, reviewer_client, lead_client):
    reviewer_client.get("/work")
    with count_queries(app) as before:
        reviewer_client.get("/work")
    for n in range(3):
        article = created_article(app, add_article(lead_client, title=f"More {n}", text=SECOND_TEXT))
        save(reviewer_client, article, B1, "true")
        save(reviewer_client, article, B2, "false")
        save(reviewer_client, article, B3, "mixed", action="save")
        settle(app, lead_client, article, B1, "true")
        give_back(app, lead_client, article, "reviewer", B2)
    with count_queries(app) as after:
        assert reviewer_client.get("/work").status_code == 200
    assert len(after) == len(before)


# --- Feedback on corrections: status, differences, rationale, filters, agreement over time -------------


def item_by_quote(items: list[Element], quote: str) -> Element:
    return next(item for item in items if item.find("a", class_="work-quote").text() == quote)


def test_each_item_says_its_status(scripted, reviewer_client):
    found = sections(reviewer_client)
    [returned] = found["Returned to you"]
    assert [s.text() for s in returned.find_all("span", class_="work-status")] == ["Returned"]
    lough = item_by_quote(found["Submitted"], LOUGH)
    assert [s.text() for s in lough.find_all("span", class_="work-status")] == ["Submitted", "Settled"]


def test_a_near_miss_is_marked_with_the_leads_rationale(scripted, reviewer_client):
    b1 = item_by_quote(sections(reviewer_client)["Submitted"], B1)
    assert "differs" in b1.get("class").split()
    final = b1.find("div", class_="final")
    assert [b.text() for b in b1.find_all("span", class_="badge")] == ["False", "Mostly false"]
    assert final.find("span", class_="differs-flag").text() == "Differs"
    assert final.find("span", class_="near-flag").text() == "Near miss"
    rationale = b1.find("div", class_="lead-rationale")
    assert "The lead's rationale" in rationale.text()
    assert "Checked against the record." in rationale.text()


def test_a_matching_item_has_no_difference_marker_or_rationale(scripted, reviewer_client):
    lough = item_by_quote(sections(reviewer_client)["Submitted"], LOUGH)
    assert lough.find("span", class_="differs-flag") is None
    assert lough.find("div", class_="lead-rationale") is None
    assert "differs" not in lough.get("class").split()


def test_a_far_miss_differs_without_near_miss_and_the_rationale_is_escaped(
    app, reviewer_client, lead_client, demo_article
):
    from tests.fixtures.dashboard import post_as_page

    save(reviewer_client, demo_article, EARLY, "true")
    post_as_page(
        lead_client,
        f"/articles/{demo_article.id}/spans/{span_id(app, demo_article, EARLY)}/final-verdict",
        {"verdict": "false", "rationale": "<script>alert(1)</script> See the record.", "cite": []},
        demo_article,
    )
    response = reviewer_client.get("/work")
    assert "<script>alert(1)</script>" not in response.get_data(as_text=True)
    [item] = sections(reviewer_client)["Submitted"]
    assert item.find("span", class_="differs-flag") is not None
    assert item.find("span", class_="near-flag") is None
    assert "<script>alert(1)</script> See the record." in item.find("div", class_="lead-rationale").text()


def test_only_differing_items_when_asked(scripted, reviewer_client):
    response = reviewer_client.get("/work?differs=y")
    assert response.status_code == 200
    root = page(response)
    items = {
        h.find("h2").text(): item_quotes(h.find_all("li", class_="work-item"))
        for h in root.find_all("section", class_="work-section")
    }
    assert items == {"Returned to you": [], "Drafts": [], "Submitted": [B1]}
    assert "checked" in root.find("input", id="differs").attrs


def test_filter_by_article(scripted, reviewer_client):
    root = page(reviewer_client.get(f"/work?article={scripted.b.id}"))
    quotes = [
        q
        for s in root.find_all("section", class_="work-section")
        for q in item_quotes(s.find_all("li", class_="work-item"))
    ]
    assert sorted(quotes) == sorted([B1, B2])
    options = root.find("select", id="article").find_all("option")
    assert [o.text() for o in options] == ["All articles", scripted.b.title, scripted.a.title]
    assert [o.get("value") for o in options if "selected" in o.attrs] == [str(scripted.b.id)]


def test_unknown_article_filter_shows_everything(scripted, reviewer_client):
    everything = sections(reviewer_client)
    root = page(reviewer_client.get("/work?article=99999"))
    assert len(root.find_all("li", class_="work-item")) == sum(len(v) for v in everything.values())
    assert reviewer_client.get("/work?article=x&differs=maybe").status_code == 200
    for odd in ("%C2%B2", "9" * 5000):  # "²" is a digit int() refuses; a number longer than int() reads
        assert reviewer_client.get(f"/work?article={odd}").status_code == 200


def test_htmx_filtering_returns_the_lists_alone_and_pushes_the_address(scripted, reviewer_client):
    response = reviewer_client.get(f"/work?article={scripted.b.id}&differs=y", headers=HX)
    assert response.status_code == 200
    assert response.headers["HX-Push-Url"] == f"/work?article={scripted.b.id}&differs=y"
    fragment = page(response)
    assert fragment.find("h1") is None and fragment.by_id("work-lists") is not None
    assert item_quotes(fragment.find_all("li", class_="work-item")) == [B1]
    assert reviewer_client.get("/work?article=", headers=HX).headers["HX-Push-Url"] == "/work"


def test_agreement_over_time_per_month(scripted, reviewer_client):
    from annotator.db.models import utcnow

    table = page(reviewer_client.get("/work")).by_id("trend-table")
    [row] = table.find("tbody").find_all("tr")
    cells = [" ".join(c.text().split()) for c in row.children if isinstance(c, Element) and c.tag in ("th", "td")]
    assert cells[:4] == [utcnow().strftime("%b %Y"), "2", "50% 1", "50% 1"]  # LOUGH same, B1 near miss
    assert row.find("svg").get("aria-label").endswith("1 same, 1 near miss, 0 further off")


def test_agreement_over_time_counts_months_apart(app, scripted, reviewer_client):
    from datetime import timedelta

    from annotator.db.models import FinalVerdict
    from annotator.extensions import db

    with app.app_context():
        session = db.session()
        final = session.get(FinalVerdict, 1)
        final.updated_at = final.updated_at - timedelta(days=62)
        session.add(final)
        session.commit()
    rows = page(reviewer_client.get("/work")).by_id("trend-table").find("tbody").find_all("tr")
    assert [r.find("td").text() for r in rows] == ["1", "1"]  # one ruling in each of two months


def test_no_settled_work_no_table(reviewer_client):
    root = page(reviewer_client.get("/work"))
    assert root.by_id("trend-table") is None
    assert "None of your submitted annotations is settled yet." in root.text()


def test_filtered_my_work_runs_a_fixed_number_of_queries(app, scripted, reviewer_client, lead_client):
    path = f"/work?article={scripted.b.id}&differs=y"
    reviewer_client.get(path)
    with count_queries(app) as before:
        reviewer_client.get(path)
    for n in range(3):
        article = created_article(app, add_article(lead_client, title=f"More {n}", text=SECOND_TEXT))
        save(reviewer_client, article, B1, "true")
        settle(app, lead_client, article, B1, "false")
    with count_queries(app) as after:
        assert reviewer_client.get(path).status_code == 200
    assert len(after) == len(before)
