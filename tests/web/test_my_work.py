"""My work: a user's own annotations, returned first with the lead's note, then drafts, then submitted."""
from __future__ import annotations

from tests.conftest import count_queries
from tests.web.helpers import add_article, created_article
from tests.web.htmltree import Element, page
from tests.web.test_dashboard import (  # noqa: F401  (scripted is a fixture)
    B1, B2, B3, CLAIM, CLAIM_SHORT, EARLY, GRAHAM, LATE, LOUGH, SECOND_TEXT, annotation_id, give_back, save, scripted,
    settle, span_id,
)


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
    from tests.web.test_dashboard import resubmit

    resubmit(app, reviewer_client, scripted.a, "reviewer", LATE)
    found = sections(reviewer_client)
    assert found["Returned to you"] == []
    assert LATE in item_quotes(found["Submitted"])


def test_deleted_annotations_are_not_listed(app, reviewer_client, demo_article):
    from tests.web.test_dashboard import post_as_page

    save(reviewer_client, demo_article, EARLY, "true", action="save")
    post_as_page(reviewer_client, f"/annotations/{annotation_id(app, 'reviewer', demo_article, EARLY)}/delete", {},
                 demo_article)
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
