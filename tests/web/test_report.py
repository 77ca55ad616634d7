"""The printable fact-check report: content, reading order, counts, open claims, versions, permissions, escaping."""

from __future__ import annotations

from sqlmodel import select

from annotator.db.models import Source
from annotator.extensions import db
from tests.fixtures.app import annotation_data, count_queries, post_annotation
from tests.fixtures.dashboard import post_as_page, save, settle, span_id
from tests.fixtures.helpers import add_article, created_article
from tests.fixtures.htmltree import page

TEXT = (
    "The council says accidents halved. Police records show 14 accidents in 2023 and 9 in 2024. "
    "The mayor promised more lanes. Cycling rose by a third."
)
FIRST = "accidents halved"
SECOND = "Police records show 14 accidents in 2023 and 9 in 2024"
THIRD = "The mayor promised more lanes"
FOURTH = "Cycling rose by a third"


def report(client, article):
    response = client.get(f"/articles/{article.id}/report")
    assert response.status_code == 200
    return page(response)


def settled_claims(root):
    return root.find("ol", class_="report-claims").find_all("li", class_="report-claim")


def make_article(app, lead_client, title="Bike lanes halved accidents, council says"):
    return created_article(
        app,
        add_article(
            lead_client, title=title, text=TEXT, publisher="Daily Example", source_url="https://news.example/bikes"
        ),
    )


def settle_with_source(app, reviewer_client, lead_client, article, quote, verdict, rationale):
    """The reviewer cites a source; the lead settles citing it."""
    data = annotation_data(
        article.text,
        quote,
        verdict=verdict,
        sources=[{"url": "https://stats.example/police", "title": "Police statistics 2024"}],
    )
    assert post_annotation(reviewer_client, article, data).status_code == 200
    with app.app_context():
        [source_id] = (
            db.session()
            .exec(
                select(Source.id)
                .where(Source.url == "https://stats.example/police")
                .order_by(Source.id.desc())
                .limit(1)
            )
            .all()
        )
    post_as_page(
        lead_client,
        f"/articles/{article.id}/spans/{span_id(app, article, quote)}/final-verdict",
        {"verdict": verdict, "rationale": rationale, "cite": [str(source_id)]},
        article,
    )


def test_settled_claims_in_reading_order_with_verdict_rationale_and_sources(app, reviewer_client, lead_client):
    article = make_article(app, lead_client)
    save(reviewer_client, article, THIRD, "true")
    save(reviewer_client, article, FIRST, "mostly-false")
    settle(app, lead_client, article, THIRD, "true")  # settled first, read later
    settle_with_source(app, reviewer_client, lead_client, article, SECOND, "mostly-true", "Records agree, roughly.")
    settle(app, lead_client, article, FIRST, "misleading")
    claims = settled_claims(report(lead_client, article))
    assert [c.find("mark").text() for c in claims] == [FIRST, SECOND, THIRD]
    assert [c.find("span", class_="badge").text() for c in claims] == ["Misleading", "Mostly true", "True"]
    second = claims[1]
    assert " ".join(second.find("h3").text().split()) == "Claim 2: Mostly true"
    assert "Records agree, roughly." in second.find("div", class_="report-rationale").text()
    link = second.find("div", class_="report-sources").find("a")
    assert (link.text(), link.get("href")) == ("Police statistics 2024", "https://stats.example/police")
    quote = " ".join(second.find("blockquote").text().split())
    assert quote == "…council says accidents halved. " + SECOND + ". The mayor promised more …"  # whole words
    assert "Ruled by Lee Lead" in second.find("p", class_="report-ruling").text()


def test_counts_by_verdict_and_open_claims(app, reviewer_client, lead_client, make_user):
    article = make_article(app, lead_client)
    alice = make_user("alice")
    for quote in (FIRST, SECOND):
        save(reviewer_client, article, quote, "false")
        settle(app, lead_client, article, quote, "false")
    save(reviewer_client, article, THIRD, "true")
    save(alice, article, THIRD, "mixed")
    save(reviewer_client, article, FOURTH, "true", action="save")  # a draft: not open for review
    root = report(lead_client, article)
    rows = root.by_id("report-counts").find("tbody").find_all("tr")
    assert [(r.find("th").text(), r.find("td").text()) for r in rows] == [("False", "2")]
    assert "2 claims settled · 1 still open." in " ".join(root.text().split())
    [open_claim] = root.by_id("report-open").find_all("li")
    assert open_claim.find("q").text() == THIRD
    assert "2 verdicts, reviewers disagree" in open_claim.text()
    assert FOURTH not in root.text()


def test_version_history(app, reviewer_client, lead_client):
    from annotator.db.models import Article, User
    from annotator.services.versioning import add_version

    article = make_article(app, lead_client)
    with app.app_context():
        session = db.session()
        lead = session.exec(select(User).where(User.username == "lead")).one()
        add_version(
            session=session,
            article=session.get(Article, article.id),
            raw_text=TEXT + " Updated.",
            user=lead,
            origin="pasted",
        )
        session.commit()
    rows = report(lead_client, article).by_id("report-versions").find("tbody").find_all("tr")
    assert [r.find("th").text() for r in rows] == ["1", "2"]
    assert "Pasted" in rows[1].text() and "Lee Lead" in rows[1].text()


def test_an_empty_report(app, lead_client):
    root = report(lead_client, make_article(app, lead_client))
    assert "No claim of this article is settled yet." in root.text()
    assert "No open claims." in root.text()
    assert root.by_id("report-counts") is None


def test_byline_and_source(app, lead_client):
    root = report(lead_client, make_article(app, lead_client))
    assert root.find("h1").text() == "Bike lanes halved accidents, council says"
    assert "Daily Example" in root.find("p", class_="report-byline").text()
    assert root.find("p", class_="report-source").find("a").get("href") == "https://news.example/bikes"


def test_reviewers_may_not_open_it_and_missing_articles_404(app, reviewer_client, lead_client, client):
    article = make_article(app, lead_client)
    assert reviewer_client.get(f"/articles/{article.id}/report").status_code == 403
    assert client.get(f"/articles/{article.id}/report").status_code == 302
    assert lead_client.get("/articles/999999/report").status_code == 404


def test_user_text_is_escaped(app, reviewer_client, lead_client):
    article = make_article(app, lead_client, title="<script>alert('t')</script> Title")
    save(reviewer_client, article, FIRST, "false")
    post_as_page(
        lead_client,
        f"/articles/{article.id}/spans/{span_id(app, article, FIRST)}/final-verdict",
        {"verdict": "false", "rationale": "<img src=x onerror=alert(1)>", "cite": []},
        article,
    )
    body = lead_client.get(f"/articles/{article.id}/report").get_data(as_text=True)
    assert "<script>alert('t')</script>" not in body and "<img src=x" not in body
    assert "&lt;img src=x onerror=alert(1)&gt;" in body


def test_linked_from_the_article_tools_and_the_summary_for_leads_only(app, reviewer_client, lead_client):
    article = make_article(app, lead_client)
    path = f"/articles/{article.id}/report"
    for where in (f"/articles/{article.id}", f"/articles/{article.id}/summary"):
        links = [a.get("href") for a in page(lead_client.get(where)).find_all("a")]
        assert path in links, where
        links = [a.get("href") for a in page(reviewer_client.get(where)).find_all("a")]
        assert path not in links, where


def test_the_print_stylesheet_is_linked_for_print_media(app, lead_client):
    root = report(lead_client, make_article(app, lead_client))
    [link] = [el for el in root.find_all("link") if el.get("href", "").endswith("/print.css")]
    assert link.get("media") == "print"
    css = lead_client.get(link.get("href")).get_data(as_text=True)
    assert ".topbar" in css and "break-inside: avoid" in css and "attr(href)" in css


def test_the_report_runs_a_fixed_number_of_queries(app, reviewer_client, lead_client, make_user):
    article = make_article(app, lead_client)
    save(reviewer_client, article, FIRST, "false")
    settle(app, lead_client, article, FIRST, "false")
    path = f"/articles/{article.id}/report"
    lead_client.get(path)
    with count_queries(app) as before:
        lead_client.get(path)
    alice = make_user("alice")
    for quote in (SECOND, THIRD, FOURTH):
        save(reviewer_client, article, quote, "true")
        save(alice, article, quote, "mixed")
        settle(app, lead_client, article, quote, "true")
    save(reviewer_client, article, "Cycling rose", "true")
    with count_queries(app) as after:
        assert lead_client.get(path).status_code == 200
    assert len(after) == len(before)


def test_orphans_come_last_and_changed_wording_is_noted(app, reviewer_client, lead_client):
    from annotator.db.models import Article, User
    from annotator.services.versioning import add_version

    article = make_article(app, lead_client)
    for quote in (FIRST, SECOND, FOURTH):
        save(reviewer_client, article, quote, "false")
        settle(app, lead_client, article, quote, "false")
    new_text = (
        "The council spoke. Police records show 15 accidents in 2023 and 9 in 2024. "
        "The mayor promised more lanes. Cycling rose by a third."
    )  # FIRST gone, SECOND changed
    with app.app_context():
        session = db.session()
        lead = session.exec(select(User).where(User.username == "lead")).one()
        add_version(
            session=session, article=session.get(Article, article.id), raw_text=new_text, user=lead, origin="pasted"
        )
        session.commit()
    claims = settled_claims(report(lead_client, article))
    texts = [" ".join(c.text().split()) for c in claims]
    assert "15 accidents" in texts[0] and "The verdict was given on the words: “" + SECOND + "”." in texts[0]
    assert FOURTH in texts[1]
    assert FIRST in texts[2] and "no longer in the latest version" in texts[2]
