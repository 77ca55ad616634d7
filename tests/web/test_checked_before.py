"""Checked before: earlier settled claims and external checks in the claim panel, a lead's
"same claim as" links (panels and exports), and `flask import-claimreview`."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from sqlmodel import select

from annotator.db.models import ClaimLink, ExternalCheck
from annotator.extensions import db
from tests.fixtures.app import CLAIM, HX, count_queries, csrf_token
from tests.fixtures.helpers import add_article, created_article
from tests.fixtures.htmltree import page
from tests.fixtures.review_helpers import post, save, settle, span_of

FIXTURES = Path(__file__).parents[1] / "fixtures" / "claimreview"
EARLIER_TEXT = (
    "Western estimates vary. Russia has lost more than 600,000 soldiers killed or wounded since "
    "February 2022, officials said. Grain exports rose."
)
EARLIER_CLAIM = "Russia has lost more than 600,000 soldiers killed or wounded since February 2022"
DRAFTED = "Grain exports rose"
NATO_CHECK = "https://factdesk.example/checks/2024/russian-casualties-600000"


@pytest.fixture
def earlier(app, lead_client, reviewer_client):
    """Another article whose casualty claim a lead has settled (Mostly true), plus a reviewer's draft."""
    article = created_article(app, add_article(lead_client, title="Casualty estimates, a year on", text=EARLIER_TEXT))
    save(reviewer_client, article, EARLIER_CLAIM, verdict="mostly-true")
    span = span_of(app, article, EARLIER_CLAIM)
    assert settle(lead_client, article, span.id, "mostly-true").status_code == 200
    save(reviewer_client, article, DRAFTED, action="save", verdict="false", note="secret draft note")
    return article, span


@pytest.fixture
def external(runner):
    result = runner.invoke(args=["import-claimreview", str(FIXTURES / "reviews.json")])
    assert result.exit_code == 0, result.output


@pytest.fixture
def claim(app, demo_article, reviewer_client):
    """The demo article's casualty claim, annotated (not settled)."""
    save(reviewer_client, demo_article, CLAIM, verdict="mostly-true")
    return span_of(app, demo_article, CLAIM)


def checked(client, article, span_id, *, status=200):
    response = client.get(f"/articles/{article.id}/spans/{span_id}/checked-before", headers=HX)
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    return page(response)


def external_id(app, url=NATO_CHECK) -> int:
    with app.app_context():
        return db.session().exec(select(ExternalCheck.id).where(ExternalCheck.url == url)).one()


def links(app) -> list[ClaimLink]:
    with app.app_context():
        return list(db.session().exec(select(ClaimLink).order_by(ClaimLink.id)))


def test_panel_lists_the_settled_claim_of_another_article_and_external_checks(
    app, reviewer_client, demo_article, earlier, external, claim
):
    article, span = earlier
    root = checked(reviewer_client, demo_article, claim.id)
    section = root.by_id("checked-before")
    text = " ".join(section.text().split())
    assert "Checked before" in text
    assert EARLIER_CLAIM in text and "Mostly true" in text and "Casualty estimates, a year on" in text
    assert section.find("a", href=f"/articles/{article.id}?span={span.id}") is not None
    review = section.find("a", href=NATO_CHECK)
    assert review is not None and review.get("rel") == "noopener noreferrer"
    assert "External check by Northern Fact Desk" in text
    assert "grain" not in text.lower() and "secret draft note" not in text  # unrelated, and a draft
    assert section.find("button") is None  # only leads mark "same claim"


def test_the_claim_panel_loads_the_section_lazily(reviewer_client, demo_article, claim):
    response = reviewer_client.get(f"/articles/{demo_article.id}/spans/{claim.id}", headers=HX)
    section = page(response).by_id("checked-before")
    assert section.get("hx-get") == f"/articles/{demo_article.id}/spans/{claim.id}/checked-before"
    assert section.get("hx-trigger") == "load"


def test_without_htmx_the_section_is_part_of_the_claim_page(reviewer_client, demo_article, earlier, claim):
    response = reviewer_client.get(f"/articles/{demo_article.id}/spans/{claim.id}/checked-before")
    assert response.status_code == 200
    section = page(response).by_id("checked-before")
    assert section.get("hx-trigger") is None and EARLIER_CLAIM in section.text()


def test_claims_of_the_same_article_are_not_listed(app, lead_client, reviewer_client, demo_article, claim):
    assert settle(lead_client, demo_article, claim.id, "mostly-true").status_code == 200
    sentence = "more than 600,000 Russian soldiers have been killed"
    save(reviewer_client, demo_article, sentence)
    other = span_of(app, demo_article, sentence)
    assert CLAIM not in checked(reviewer_client, demo_article, other.id).by_id("checked-before").text()


def test_a_new_selection_gets_its_matches_before_it_is_saved(reviewer_client, demo_article, earlier, external):
    start = demo_article.text.index(CLAIM)
    form = reviewer_client.get(
        f"/articles/{demo_article.id}/annotate?start={start}&end={start + len(CLAIM)}", headers=HX
    )
    loader = page(form).by_id("checked-before")
    url = f"/articles/{demo_article.id}/checked-before?start={start}&end={start + len(CLAIM)}"
    assert loader.get("hx-get") == url and loader.get("hx-trigger") == "load"
    section = page(reviewer_client.get(url, headers=HX)).by_id("checked-before")
    assert EARLIER_CLAIM in section.text() and "Northern Fact Desk" in section.text()
    assert (
        reviewer_client.get(f"/articles/{demo_article.id}/checked-before?start=5&end=2", headers=HX).status_code == 422
    )


def test_reviewer_cannot_mark_same_claim(app, reviewer_client, demo_article, earlier, claim):
    response = post(
        reviewer_client,
        f"/articles/{demo_article.id}/spans/{claim.id}/same-claim",
        {"span": earlier[1].id},
        article_id=demo_article.id,
    )
    assert response.status_code == 403
    assert links(app) == []


def test_lead_marks_same_claim_seen_in_both_panels_then_removes_it(
    app, lead_client, reviewer_client, demo_article, earlier, external, claim
):
    article, span = earlier
    response = post(
        lead_client,
        f"/articles/{demo_article.id}/spans/{claim.id}/same-claim",
        {"span": span.id},
        article_id=demo_article.id,
    )
    assert response.status_code == 200
    section = page(response).by_id("checked-before")
    same = section.find("ul", class_="same-claims")
    assert same is not None and EARLIER_CLAIM in same.text()
    assert EARLIER_CLAIM not in section.find("ul", class_="check-matches").text()  # listed once
    # Marking it again changes nothing.
    post(
        lead_client,
        f"/articles/{demo_article.id}/spans/{claim.id}/same-claim",
        {"span": span.id},
        article_id=demo_article.id,
    )
    assert len(links(app)) == 1 and links(app)[0].span_id == min(span.id, claim.id)
    # The other claim's panel shows the link too, to the lead and to a reviewer.
    for client in (lead_client, reviewer_client):
        other_side = checked(client, article, span.id).by_id("checked-before").find("ul", class_="same-claims")
        assert other_side is not None and CLAIM in other_side.text()
        assert other_side.find("a", href=f"/articles/{demo_article.id}?span={claim.id}") is not None
    link_id = links(app)[0].id
    response = post(
        lead_client,
        f"/articles/{demo_article.id}/spans/{claim.id}/same-claim/{link_id}/remove",
        article_id=demo_article.id,
    )
    assert response.status_code == 200
    assert page(response).by_id("checked-before").find("ul", class_="same-claims") is None
    assert links(app)[0].removed_at is not None  # kept as a trace
    assert checked(lead_client, article, span.id).by_id("checked-before").find("ul", class_="same-claims") is None
    # Both claims' histories hold the link and its removal, naming the other side by ids only.
    for here, there in ((article.id, span.id), (demo_article.id, claim.id)):
        history = " ".join(
            page(reviewer_client.get(f"/articles/{here}/spans/{there}/history", headers=HX)).text().split()
        )
        assert "Lee Lead linked" in history and "Lee Lead unlinked" in history and "Same claim as" in history
    history = reviewer_client.get(f"/articles/{article.id}/spans/{span.id}/history", headers=HX).get_data(as_text=True)
    assert (
        f"claim {claim.id} of article {demo_article.id}" in history and CLAIM not in history.split("</blockquote>")[1]
    )
    # Removing it again: no such active link.
    assert (
        post(
            lead_client,
            f"/articles/{demo_article.id}/spans/{claim.id}/same-claim/{link_id}/remove",
            article_id=demo_article.id,
        ).status_code
        == 404
    )


def test_lead_marks_an_external_check_without_htmx(app, lead_client, demo_article, external, claim):
    response = post(
        lead_client,
        f"/articles/{demo_article.id}/spans/{claim.id}/same-claim",
        {"external": external_id(app)},
        article_id=demo_article.id,
        htmx=False,
    )
    assert response.status_code == 303
    assert response.headers["Location"] == f"/articles/{demo_article.id}?span={claim.id}"
    same = checked(lead_client, demo_article, claim.id).by_id("checked-before").find("ul", class_="same-claims")
    assert same is not None and "Northern Fact Desk" in same.text()
    assert links(app)[0].external_check_id == external_id(app)


@pytest.mark.parametrize(
    "data, status",
    [
        ({"span": 999}, 404),
        ({"external": 999}, 404),
        ({}, 422),
        ({"span": "x"}, 422),
    ],
)
def test_unknown_or_missing_targets_are_refused(app, lead_client, demo_article, earlier, external, claim, data, status):
    response = post(
        lead_client, f"/articles/{demo_article.id}/spans/{claim.id}/same-claim", data, article_id=demo_article.id
    )
    assert response.status_code == status
    if status == 422:
        assert page(response).by_id("checked-before").find("ul", class_="errors") is not None
    assert links(app) == []


def test_a_claim_of_the_same_article_cannot_be_marked(app, lead_client, reviewer_client, demo_article, claim):
    sentence = "Putin is unlikely"
    save(reviewer_client, demo_article, sentence)
    other = span_of(app, demo_article, sentence)
    response = post(
        lead_client,
        f"/articles/{demo_article.id}/spans/{claim.id}/same-claim",
        {"span": other.id},
        article_id=demo_article.id,
    )
    assert response.status_code == 422 and "another article" in response.get_data(as_text=True)
    assert links(app) == []


def test_unknown_claim_or_link_is_404(lead_client, demo_article, claim):
    assert lead_client.get(f"/articles/{demo_article.id}/spans/999/checked-before", headers=HX).status_code == 404
    assert (
        post(
            lead_client,
            f"/articles/{demo_article.id}/spans/{claim.id}/same-claim/999/remove",
            article_id=demo_article.id,
        ).status_code
        == 404
    )


def test_a_link_shows_only_claims_a_reviewer_may_know_of(app, lead_client, make_user, demo_article, earlier, claim):
    """The demo claim is not settled: a reviewer who cannot list its annotations does not see it linked."""
    article, span = earlier
    post(
        lead_client,
        f"/articles/{demo_article.id}/spans/{claim.id}/same-claim",
        {"span": span.id},
        article_id=demo_article.id,
    )
    outsider = make_user("outsider")
    from annotator.db.models import Annotation

    with app.app_context():  # the only annotation on the demo claim becomes a draft of its author
        session = db.session()
        for annotation in session.exec(select(Annotation).where(Annotation.span_id == claim.id)):
            annotation.status = "draft"
        session.commit()
    section = checked(outsider, article, span.id).by_id("checked-before")
    assert section.find("ul", class_="same-claims") is None
    assert CLAIM not in section.text()


def test_exports_carry_the_links(app, lead_client, reviewer_client, demo_article, earlier, external, claim):
    article, span = earlier
    base = f"/articles/{demo_article.id}/spans/{claim.id}/same-claim"
    post(lead_client, base, {"span": span.id}, article_id=demo_article.id)
    post(lead_client, base, {"external": external_id(app)}, article_id=demo_article.id)
    claim_url = f"http://localhost/articles/{demo_article.id}?span={claim.id}"
    earlier_url = f"http://localhost/articles/{article.id}?span={span.id}"

    w3c = json.loads(reviewer_client.get(f"/articles/{demo_article.id}/annotations.jsonld").get_data(as_text=True))
    item = w3c["first"]["items"][0]
    assert item["dcterms:relation"] == [{"id": earlier_url}, {"id": NATO_CHECK}]
    assert "dcterms:relation" not in json.dumps(w3c["first"]["items"][1:])

    # The demo claim is not settled yet: the earlier claim's published review does not point to it.
    reviews = json.loads(reviewer_client.get(f"/articles/{article.id}/claimreview.jsonld").get_data(as_text=True))
    assert "sameAs" not in reviews[0]["itemReviewed"]
    assert settle(lead_client, demo_article, claim.id, "mostly-true").status_code == 200
    reviews = json.loads(reviewer_client.get(f"/articles/{article.id}/claimreview.jsonld").get_data(as_text=True))
    assert reviews[0]["itemReviewed"]["sameAs"] == [claim_url]
    ours = json.loads(reviewer_client.get(f"/articles/{demo_article.id}/claimreview.jsonld").get_data(as_text=True))
    assert ours[0]["itemReviewed"]["sameAs"] == [earlier_url, NATO_CHECK]


def test_w3c_export_with_links_imports_back(app, lead_client, runner, tmp_path, demo_article, earlier, claim):
    post(
        lead_client,
        f"/articles/{demo_article.id}/spans/{claim.id}/same-claim",
        {"span": earlier[1].id},
        article_id=demo_article.id,
    )
    exported = tmp_path / "export.jsonld"
    exported.write_text(lead_client.get(f"/articles/{demo_article.id}/annotations.jsonld").get_data(as_text=True))
    assert "dcterms:relation" in exported.read_text()
    copy = created_article(app, add_article(lead_client, title="Copy", text=demo_article.text))
    result = runner.invoke(args=["import-annotations", str(exported), "--article", str(copy.id)])
    assert result.exit_code == 0, result.output
    assert "1 imported" in result.output


def test_checked_before_runs_a_fixed_number_of_queries(app, reviewer_client, demo_article, earlier, claim, runner):
    many = [
        {
            "@type": "ClaimReview",
            "url": f"https://many.example/{i}",
            "author": {"name": f"Desk {i}"},
            "claimReviewed": f"More than 600,000 Russian soldiers killed or wounded, report {i} says",
        }
        for i in range(40)
    ]
    path = Path(app.instance_path) / "many.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    checked(reviewer_client, demo_article, claim.id)  # warm up
    with count_queries(app) as few:
        checked(reviewer_client, demo_article, claim.id)
    path.write_text(json.dumps(many))
    assert runner.invoke(args=["import-claimreview", str(path)]).exit_code == 0
    with count_queries(app) as more:
        root = checked(reviewer_client, demo_article, claim.id)
    assert len(root.by_id("checked-before").find("ul", class_="check-matches").find_all("li")) == 8
    assert len(more) == len(few) <= 8, "\n".join(more)


# --- flask import-claimreview ------------------------------------------------------------------------


def checks_in(app) -> dict[str, ExternalCheck]:
    with app.app_context():
        return {c.url: c for c in db.session().exec(select(ExternalCheck))}


def test_import_a_list_reports_counts_and_skips_with_reasons(app, runner):
    result = runner.invoke(args=["import-claimreview", str(FIXTURES / "reviews.json")])
    assert result.exit_code == 0, result.output
    assert "ClaimReview 4: skipped (no http(s) url)" in result.output
    assert result.output.strip().endswith("3 imported, 0 updated, 0 unchanged, 1 skipped")
    stored = checks_in(app)[NATO_CHECK]
    assert stored.publisher == "Northern Fact Desk" and stored.rating == "Mostly true" and stored.rating_value == 4
    assert stored.claim_author == "NATO official" and str(stored.published_on) == "2024-10-14"


def test_import_is_idempotent_and_updates_a_changed_review(app, runner, tmp_path):
    source = FIXTURES / "reviews.json"
    runner.invoke(args=["import-claimreview", str(source)])
    again = runner.invoke(args=["import-claimreview", str(source)])
    assert again.output.strip().endswith("0 imported, 0 updated, 3 unchanged, 1 skipped")
    assert len(checks_in(app)) == 3
    changed = json.loads(source.read_text())
    changed[0]["reviewRating"]["alternateName"] = "True"
    edited = tmp_path / "edited.json"
    edited.write_text(json.dumps(changed))
    result = runner.invoke(args=["import-claimreview", str(edited)])
    assert result.output.strip().endswith("0 imported, 1 updated, 2 unchanged, 1 skipped")
    assert checks_in(app)[NATO_CHECK].rating == "True" and len(checks_in(app)) == 3


@pytest.mark.parametrize(
    "name, url",
    [
        ("graph.json", "https://truthmeter.example/checks/casualty-figures"),
        ("single.json", "https://verifica.example/fact-check/sanctions-gdp"),
        ("page.html", "https://factdesk.example/checks/2024/russian-losses-page"),
    ],
)
def test_import_a_graph_a_single_review_or_a_saved_page(app, runner, name, url):
    result = runner.invoke(args=["import-claimreview", str(FIXTURES / name)])
    assert result.exit_code == 0, result.output
    assert "1 imported" in result.output and url in checks_in(app)


@pytest.mark.parametrize(
    "content, message",
    [
        ("{not json", "not valid JSON"),
        ('{"@type": "WebPage"}', "no ClaimReview found"),
        (b"\xff\xfe\x00", "is not UTF-8 text"),
    ],
)
def test_import_of_a_bad_file_fails_with_one_line(app, runner, tmp_path, content, message):
    bad = tmp_path / "bad.json"
    bad.write_bytes(content if isinstance(content, bytes) else content.encode())
    result = runner.invoke(args=["import-claimreview", str(bad)])
    assert result.exit_code != 0
    assert message in result.output and len(result.output.strip().splitlines()) == 1
    assert "Traceback" not in result.output and checks_in(app) == {}


def test_import_of_a_missing_file_fails_with_one_line(runner, tmp_path):
    result = runner.invoke(args=["import-claimreview", str(tmp_path / "nope.json")])
    assert result.exit_code != 0 and result.output.strip() == f"Error: no such file: {tmp_path / 'nope.json'}"


def test_signed_in_as_reviewer_sees_external_checks_as_escaped_text(
    app, runner, tmp_path, reviewer_client, demo_article, claim
):
    hostile = tmp_path / "hostile.json"
    shutil.copy(FIXTURES / "single.json", hostile)
    review = json.loads(hostile.read_text())
    review.update(claimReviewed=CLAIM + " <script>alert(1)</script>", url="https://x.example/<b>")
    review["author"]["name"] = '"><img src=x onerror=alert(1)>'
    hostile.write_text(json.dumps(review))
    assert runner.invoke(args=["import-claimreview", str(hostile)]).exit_code == 0
    html = reviewer_client.get(f"/articles/{demo_article.id}/spans/{claim.id}/checked-before", headers=HX).get_data(
        as_text=True
    )
    assert "<script>alert(1)" not in html and "<img src=x" not in html
    assert "&lt;script&gt;" in html


# --- The lead's upload page ---------------------------------------------------------------------------


def upload(client, content: bytes, filename: str = "reviews.json"):
    from io import BytesIO

    token = csrf_token(client, "/checks/import")
    return client.post(
        "/checks/import",
        data={"csrf_token": token, "file": (BytesIO(content), filename)},
        content_type="multipart/form-data",
    )


def test_lead_uploads_claimreviews_and_sees_the_counts(app, lead_client):
    response = upload(lead_client, (FIXTURES / "reviews.json").read_bytes())
    assert response.status_code == 200
    report = page(response).by_id("claimreview-report")
    text = " ".join(report.text().split())
    assert "3 imported · 0 updated · 0 unchanged · 1 skipped" in text
    assert "ClaimReview 4 skipped: no http(s) url" in text
    assert len(checks_in(app)) == 3
    again = page(upload(lead_client, (FIXTURES / "page.html").read_bytes(), "page.html"))
    assert "1 imported" in again.by_id("claimreview-report").text()
    assert "holds 4 external checks" in again.text()


@pytest.mark.parametrize(
    "content, message",
    [
        (b"{broken", "not valid JSON"),
        (b"\xff\xfe", "not UTF-8"),
        (b'{"@type": "WebPage"}', "no ClaimReview found"),
    ],
)
def test_a_bad_upload_answers_422_with_the_reason(app, lead_client, content, message):
    response = upload(lead_client, content)
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    assert checks_in(app) == {}


def test_reviewers_cannot_upload_claimreviews(app, reviewer_client):
    assert reviewer_client.get("/checks/import").status_code == 403
    token = csrf_token(reviewer_client, "/articles/1")
    response = reviewer_client.post("/checks/import", data={"csrf_token": token})
    assert response.status_code == 403 and checks_in(app) == {}


def test_a_claim_the_reviewer_no_longer_knows_loads_no_section(app, reviewer_client, demo_article, claim):
    """Deleting one's only annotation answers the panel; its section would 404, so it is left out."""
    from annotator.db.models import Annotation
    from tests.fixtures.review_helpers import delete

    with app.app_context():
        annotation_id = db.session().exec(select(Annotation.id).where(Annotation.span_id == claim.id)).one()
    response = delete(reviewer_client, demo_article, annotation_id)
    assert response.status_code == 200
    assert page(response).by_id("checked-before") is None
    assert (
        reviewer_client.get(f"/articles/{demo_article.id}/spans/{claim.id}/checked-before", headers=HX).status_code
        == 404
    )


def test_removing_a_link_with_an_id_beyond_any_integer_is_404(lead_client, demo_article, claim):
    response = post(
        lead_client,
        f"/articles/{demo_article.id}/spans/{claim.id}/same-claim/99999999999999999999/remove",
        article_id=demo_article.id,
    )
    assert response.status_code == 404


def test_the_database_holds_one_active_link_per_pair(app, lead_client, demo_article, earlier, claim):
    """The check before the insert can race (two leads, a double click): the unique index is the guard."""
    from sqlalchemy.exc import IntegrityError

    article, span = earlier
    assert (
        post(
            lead_client,
            f"/articles/{demo_article.id}/spans/{claim.id}/same-claim",
            {"span": span.id},
            article_id=demo_article.id,
        ).status_code
        == 200
    )
    first = links(app)[0]
    with app.app_context():
        session = db.session()
        session.add(
            ClaimLink(span_id=first.span_id, other_span_id=first.other_span_id, created_by_id=first.created_by_id)
        )
        with pytest.raises(IntegrityError):
            session.commit()
        session.rollback()
        session.close()
    assert len(links(app)) == 1


def test_an_upload_with_more_reviews_than_the_cap_gets_413_with_the_form(app, lead_client, runner):
    app.config["IMPORT_MAX_ITEMS"] = 3
    response = upload(lead_client, (FIXTURES / "reviews.json").read_bytes())  # 4 reviews (one to skip)
    assert response.status_code == 413
    root = page(response)
    assert root.find("form") is not None and root.by_id("claimreview-report") is None
    message = root.find("ul", class_="errors").text()
    assert "The file holds 4 fact-checks; the most one upload takes is 3." in message
    assert "flask import-claimreview" in message
    assert checks_in(app) == {}
    assert upload(lead_client, (FIXTURES / "graph.json").read_bytes()).status_code == 200  # within the cap
    result = runner.invoke(args=["import-claimreview", str(FIXTURES / "reviews.json")])  # the command line: no cap
    assert result.exit_code == 0 and "3 imported" in result.output
