"""The side panel's claims list on a long article: the first claims, then "Show more", a page at a time
(issue 14). Short lists are whole, as before (the other web tests read them)."""

from tests.fixtures.app import CLAIM, HX, annotation_data, count_queries, post_annotation
from tests.fixtures.claims import claims_by
from tests.fixtures.htmltree import page
from tests.fixtures.live import Poller


def listed(root) -> list[str]:
    """The quotes of the claims list (without the orphans), in order."""
    panel = root.by_id("claims-panel")
    return [a.text() for ol in panel.find_all("ol", class_="claim-list") for a in ol.find_all("a", class_="claim-link")]


def show_more(root):
    item = root.find("li", class_="claims-more")
    return item.find("a") if item is not None else None


def test_a_long_list_shows_its_first_20_claims_and_a_link_to_more(app, reviewer_client, demo_article):
    quotes = claims_by(app, demo_article, "reviewer", 45)
    root = page(reviewer_client.get(f"/articles/{demo_article.id}"))
    assert listed(root) == quotes[:20]
    link = show_more(root)
    assert link.text() == "Show 25 more"
    assert "25 more claims" in root.find("li", class_="claims-more").text()
    assert link.get("href") == f"/articles/{demo_article.id}?claims_shown=45"
    assert link.get("hx-get") == f"/articles/{demo_article.id}?claims_from=20&claims_shown=45"
    assert (link.get("hx-target"), link.get("hx-swap")) == ("closest li", "outerHTML")
    shown = root.by_id("claims-shown")
    assert (shown.get("name"), shown.get("value"), "data-live-context" in shown.attrs) == ("claims_shown", "20", True)
    assert "45 claims" in root.by_id("article-stats").text()  # the counters count them all


def test_show_more_answers_the_next_claims_alone_with_the_count_for_the_live_poll(app, reviewer_client, demo_article):
    quotes = claims_by(app, demo_article, "reviewer", 150)
    with count_queries(app) as statements:
        response = reviewer_client.get(f"/articles/{demo_article.id}?claims_from=20&claims_shown=120", headers=HX)
    assert response.status_code == 200
    root = page(response)
    links = root.find_all("a", class_="claim-link")
    assert [a.text() for a in links] == quotes[20:120]
    assert "autofocus" in links[0].attrs and not any("autofocus" in a.attrs for a in links[1:])
    assert show_more(root).get("hx-get") == f"/articles/{demo_article.id}?claims_from=120&claims_shown=150"
    shown = root.by_id("claims-shown")
    assert (shown.get("value"), shown.get("hx-swap-oob")) == ("120", "true")
    body = response.get_data(as_text=True)
    assert "data-start" not in body and "<mark" not in body  # the text is not sent again (nor read)
    assert not any("suggestion" in s for s in statements)


def test_without_htmx_the_address_lists_that_many_claims(app, reviewer_client, demo_article):
    quotes = claims_by(app, demo_article, "reviewer", 45)
    root = page(reviewer_client.get(f"/articles/{demo_article.id}?claims_shown=45"))
    assert listed(root) == quotes
    assert show_more(root) is None
    assert root.by_id("claims-shown").get("value") == "45"
    # Fewer than the first page, or more than there are, is the first page or all of them.
    assert len(listed(page(reviewer_client.get(f"/articles/{demo_article.id}?claims_shown=3")))) == 20
    assert listed(page(reviewer_client.get(f"/articles/{demo_article.id}?claims_shown=999"))) == quotes


def test_a_short_list_is_whole_without_paging(app, reviewer_client, demo_article):
    quotes = claims_by(app, demo_article, "reviewer", 20)
    root = page(reviewer_client.get(f"/articles/{demo_article.id}"))
    assert listed(root) == quotes
    assert show_more(root) is None and root.by_id("claims-shown") is None


def test_the_live_poll_keeps_as_many_claims_as_were_shown(app, reviewer_client, make_user, demo_article):
    bob = make_user("bob")
    claims_by(app, demo_article, "bob", 45)
    poller = Poller(reviewer_client, demo_article.id, f"/articles/{demo_article.id}?claims_shown=45")
    assert poller.context == {"claims": "1", "claims_shown": "45"}
    response = post_annotation(bob, demo_article, annotation_data(demo_article.text, CLAIM, action="submit"))
    assert response.status_code == 200
    poller.poll()
    claims = poller.root.by_id("claims-panel")
    assert claims is not None and claims.get("hx-swap-oob") == "true"
    assert len(listed(poller.root)) == 45 and show_more(poller.root).text() == "Show 1 more"
    assert poller.root.by_id("claims-shown").get("value") == "45"


def test_under_blind_review_the_next_page_hides_others_verdicts(app, reviewer_client, make_user, demo_article):
    make_user("alice")
    claims_by(app, demo_article, "alice", 30, verdict="mostly-false")
    body = reviewer_client.get(f"/articles/{demo_article.id}?claims_from=20&claims_shown=30", headers=HX)
    root = page(body)
    assert len(root.find_all("a", class_="claim-link")) == 10
    assert [p.text() for p in root.find_all("span", class_="pill-hidden")] == ["1 hidden"] * 10
    assert "mostly-false" not in body.get_data(as_text=True) and "Mostly false" not in body.get_data(as_text=True)
