"""Suggested claims on the article page: the ranked list, the underline, Annotate, Dismiss, Restore,
the pluggable scorer, new versions and the flask suggest-claims command."""

from __future__ import annotations

from itertools import pairwise

import pytest
from sqlalchemy import delete, func
from sqlmodel import select

from annotator import create_app
from annotator.cli.demo import load_demo_data
from annotator.db.models import Article, Suggestion, SuggestionDismissal, User
from annotator.domain import checkworthiness
from annotator.extensions import db
from annotator.services import versioning
from annotator.services.articles import create_article
from tests.fixtures.app import CLAIM, HX, annotation_data, csrf_token, make_app, post_annotation
from tests.fixtures.helpers import XSS_ALL, add_article, created_article
from tests.fixtures.htmltree import article_text, page, paragraphs

NATO = "According to NATO, more than 600,000 Russian soldiers have been killed or wounded in the conflict."


def listed(root) -> list:
    section = root.by_id("suggestions")
    assert section is not None, "no Suggested claims section"
    found = section.find("ol", class_="suggestion-list")
    return [li for li in found.children if getattr(li, "tag", None) == "li"] if found else []


def quotes(root) -> list[str]:
    return [li.find("span", class_="suggestion-quote").text() for li in listed(root)]


def underlined(root) -> dict[int, str]:
    """suggestion id -> the text under its dotted underline (its runs joined)."""
    runs: dict[int, str] = {}
    for p in paragraphs(root):
        for el in p.find_all("span", class_="suggestion"):
            runs[int(el.get("data-suggestion-id"))] = runs.get(int(el.get("data-suggestion-id")), "") + el.text()
    return runs


def suggestion_id(app, article_id: int, quote: str) -> int:
    with app.app_context():
        return (
            db.session()
            .exec(select(Suggestion.id).where(Suggestion.article_id == article_id, Suggestion.quote == quote))
            .one()
        )


def dismiss(client, article_id: int, sid: int, *, htmx: bool = True, action: str = "dismiss"):
    token = csrf_token(client, f"/articles/{article_id}")
    return client.post(
        f"/articles/{article_id}/suggestions/{sid}/{action}", data={"csrf_token": token}, headers=HX if htmx else {}
    )


def test_the_demo_article_lists_ranked_suggestions_with_the_nato_claim_in_the_top_three(reviewer_client, demo_article):
    root = page(reviewer_client.get(f"/articles/{demo_article.id}"))
    found = quotes(root)
    assert NATO in found[:3]
    assert 3 <= len(found) <= 12
    assert "Related:" not in found and not any(q.endswith("?") for q in found)
    # Each list item: Annotate opens the form for the sentence's range; Why lists the features fired.
    item = listed(root)[found.index(NATO)]
    start = demo_article.text.index(NATO)
    link = item.find("a")
    assert link.text() == "Annotate"
    assert link.get("hx-get").endswith(f"?start={start}&end={start + len(NATO)}")
    why = item.find("details", class_="why").text()
    assert "score 0.80" in why and "Numbers or quantities" in why and "+0.30" in why


def test_suggestions_are_underlined_inside_the_paragraphs_without_changing_the_text(reviewer_client, demo_article, app):
    root = page(reviewer_client.get(f"/articles/{demo_article.id}"))
    assert article_text(root) == demo_article.text
    runs = underlined(root)
    assert NATO in runs.values()
    nato = next(el for p in paragraphs(root) for el in p.find_all("span", class_="suggestion") if el.text() == NATO)
    assert nato.get("title").startswith("Suggested claim, score 0.80: Numbers or quantities +0.30")
    assert set(runs) == {int(li.get("data-suggestion-id")) for li in listed(root)}


def test_annotate_on_a_suggestion_opens_the_form_for_that_sentence(reviewer_client, demo_article):
    start = demo_article.text.index(NATO)
    response = reviewer_client.get(
        f"/articles/{demo_article.id}/annotate?start={start}&end={start + len(NATO)}", headers=HX
    )
    assert response.status_code == 200
    assert page(response).find("blockquote").text() == NATO


def test_a_suggestion_covered_by_an_annotated_claim_is_no_longer_listed_or_underlined(
    app, reviewer_client, demo_article
):
    assert post_annotation(reviewer_client, demo_article, annotation_data(demo_article.text, CLAIM)).status_code == 200
    root = page(reviewer_client.get(f"/articles/{demo_article.id}"))
    assert NATO not in quotes(root)
    assert NATO not in underlined(root).values()
    assert article_text(root) == demo_article.text


def test_after_a_save_the_refreshed_paragraph_keeps_its_other_underlines(reviewer_client, demo_article):
    response = post_annotation(reviewer_client, demo_article, annotation_data(demo_article.text, CLAIM))
    oob = underlined(page(response))
    assert "On the battlefield, Ukrainian commanders report increased Russian troop deployments." in oob.values()
    assert NATO not in oob.values()


def test_dismissing_removes_the_suggestion_for_everyone_and_records_who(
    app, reviewer_client, lead_client, demo_article
):
    sid = suggestion_id(app, demo_article.id, NATO)
    response = dismiss(reviewer_client, demo_article.id, sid)
    assert response.status_code == 200
    fragment = page(response)
    assert NATO not in quotes(fragment)
    # The paragraph comes back out of band, without the underline.
    assert [p.get("hx-swap-oob") for p in paragraphs(fragment)] == ["true"]
    assert sid not in underlined(fragment)
    assert NATO in paragraphs(fragment)[0].text()
    for client in (reviewer_client, lead_client):
        root = page(client.get(f"/articles/{demo_article.id}"))
        assert NATO not in quotes(root) and sid not in underlined(root)
    with app.app_context():
        row = db.session().exec(select(SuggestionDismissal)).one()
        assert (row.quote, row.dismissed_by.username, row.restored_at) == (NATO, "reviewer", None)


def test_dismiss_without_htmx_redirects_to_the_article(reviewer_client, demo_article, app):
    response = dismiss(reviewer_client, demo_article.id, suggestion_id(app, demo_article.id, NATO), htmx=False)
    assert response.status_code == 303 and response.headers["Location"] == f"/articles/{demo_article.id}"


def test_a_lead_sees_dismissed_suggestions_and_restores_them_a_reviewer_cannot(
    app, reviewer_client, lead_client, demo_article
):
    sid = suggestion_id(app, demo_article.id, NATO)
    dismiss(reviewer_client, demo_article.id, sid)
    assert "Dismissed suggestions" not in reviewer_client.get(f"/articles/{demo_article.id}").get_data(as_text=True)
    root = page(lead_client.get(f"/articles/{demo_article.id}"))
    dismissed = root.find("details", class_="dismissed-suggestions")
    assert "Dismissed suggestions (1)" in dismissed.text() and "dismissed by Riley Reviewer" in dismissed.text()
    assert dismiss(reviewer_client, demo_article.id, sid, action="restore").status_code == 403
    response = dismiss(lead_client, demo_article.id, sid, action="restore")
    assert response.status_code == 200
    assert NATO in quotes(page(response)) and underlined(page(response))[sid] == NATO
    assert NATO in quotes(page(reviewer_client.get(f"/articles/{demo_article.id}")))
    with app.app_context():
        row = db.session().exec(select(SuggestionDismissal)).one()
        assert row.restored_at is not None and db.session().get(User, row.restored_by_id).username == "lead"
    # Dismissed again after a restore: the same row, dismissed once more.
    dismiss(reviewer_client, demo_article.id, sid)
    with app.app_context():
        row = db.session().exec(select(SuggestionDismissal)).one()
        assert row.restored_at is None
    assert NATO not in quotes(page(lead_client.get(f"/articles/{demo_article.id}")))


def test_dismissing_twice_keeps_one_row(app, reviewer_client, lead_client, demo_article):
    sid = suggestion_id(app, demo_article.id, NATO)
    assert dismiss(reviewer_client, demo_article.id, sid).status_code == 200
    assert dismiss(lead_client, demo_article.id, sid).status_code == 200
    with app.app_context():
        assert db.session().exec(select(func.count()).select_from(SuggestionDismissal)).one() == 1


@pytest.mark.parametrize(
    "path",
    [
        "/articles/1/suggestions/999999/dismiss",
        "/articles/2/suggestions/1/dismiss",
        "/articles/1/suggestions/99999999999/dismiss",
    ],
)
def test_dismissing_a_missing_suggestion_is_404(reviewer_client, demo_article, path):
    token = csrf_token(reviewer_client, "/articles/1")
    assert reviewer_client.post(path, data={"csrf_token": token}, headers=HX).status_code == 404


def test_dismissing_a_suggestion_of_another_article_is_404(app, reviewer_client, demo_article):
    other = created_article(app, add_article(reviewer_client, text="The ministry said 40% of 2,000 roads were shut."))
    sid = suggestion_id(app, demo_article.id, NATO)
    token = csrf_token(reviewer_client, "/articles/1")
    response = reviewer_client.post(f"/articles/{other.id}/suggestions/{sid}/dismiss", data={"csrf_token": token})
    assert response.status_code == 404


def test_dismiss_without_a_csrf_token_is_refused(app, reviewer_client, demo_article):
    sid = suggestion_id(app, demo_article.id, NATO)
    response = reviewer_client.post(f"/articles/{demo_article.id}/suggestions/{sid}/dismiss", headers=HX)
    assert response.status_code == 400
    with app.app_context():
        assert db.session().exec(select(func.count()).select_from(SuggestionDismissal)).one() == 0


def test_a_new_article_gets_suggestions_and_they_escape_its_text(app, reviewer_client):
    text = f"The ministry said 40% of 2,000 roads were shut in 2024. {XSS_ALL} costs $5 million, officials said."
    article = created_article(app, add_article(reviewer_client, text=text))
    response = reviewer_client.get(f"/articles/{article.id}")
    body = response.get_data(as_text=True)
    assert "<script>alert(1)</script>" not in body and "<img src=x" not in body
    root = page(response)
    assert article_text(root) == article.text
    assert any("40% of 2,000 roads" in q for q in quotes(root))


def test_a_new_version_is_scored_and_keeps_dismissals_of_unchanged_sentences(app, reviewer_client, demo_article):
    dismiss(reviewer_client, demo_article.id, suggestion_id(app, demo_article.id, NATO))
    new_text = demo_article.text.replace("in October", "in September") + "\nThe EU said it sent 42 tanks in 2025."
    with app.app_context():
        session = db.session()
        article = session.get(Article, demo_article.id)
        versioning.add_version(session=session, article=article, raw_text=new_text, user=None, origin="pasted")
        versions = set(session.exec(select(Suggestion.version).where(Suggestion.article_id == article.id)))
    assert versions == {1, 2}
    found = quotes(page(reviewer_client.get(f"/articles/{demo_article.id}")))
    assert "The EU said it sent 42 tanks in 2025." in found
    assert any("in September" in q for q in found)
    assert NATO not in found  # dismissed in version 1, the same words in version 2
    # An older version's page is read only: no suggestions there.
    old = page(reviewer_client.get(f"/articles/{demo_article.id}?version=1"))
    assert old.by_id("suggestions") is None and not underlined(old)


def test_the_article_page_runs_the_same_queries_with_or_without_suggestions(app, reviewer_client, demo_article):
    from tests.fixtures.app import count_queries

    with app.app_context():
        session = db.session()
        plain = create_article(session=session, title="Plain", raw_text="Nothing to see here")
        rich = create_article(
            session=session,
            title="Rich",
            raw_text="\n".join(
                f"The ministry said {n}% of {n * 100} roads were shut in 20{n:02d}." for n in range(1, 60)
            ),
        )
        ids = plain.id, rich.id
    reviewer_client.get(f"/articles/{ids[0]}")
    measured = []
    for article_id in ids:
        with count_queries(app) as statements:
            assert reviewer_client.get(f"/articles/{article_id}").status_code == 200
        measured.append(len(statements))
    assert measured[0] == measured[1], measured
    root = page(reviewer_client.get(f"/articles/{ids[1]}"))
    assert len(quotes(root)) == 20  # the best 20 listed, all 59 underlined
    assert len(underlined(root)) == 59
    assert "Suggested claims (59)" in root.by_id("suggestions").text()
    assert "39 more are underlined in the text" in " ".join(root.by_id("suggestions").text().split())


def test_an_article_without_stored_suggestions_says_how_to_compute_them(app, reviewer_client, demo_article):
    with app.app_context():
        db.session().execute(delete(Suggestion))
        db.session().commit()
    root = page(reviewer_client.get(f"/articles/{demo_article.id}"))
    assert listed(root) == [] and not underlined(root)
    assert f"flask suggest-claims --article {demo_article.id}" in root.by_id("suggestions").text()


# --- the command ----------------------------------------------------------------------------


def test_suggest_claims_scores_every_article_again_and_keeps_dismissals(app, runner, reviewer_client, demo_article):
    dismiss(reviewer_client, demo_article.id, suggestion_id(app, demo_article.id, NATO))
    with app.app_context():
        db.session().execute(delete(Suggestion))
        db.session().commit()
    result = runner.invoke(args=["suggest-claims"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith(
        f"Article {demo_article.id}: 25 sentences scored, 6 at or above 0.35 (default scorer)"
    )
    found = quotes(page(reviewer_client.get(f"/articles/{demo_article.id}")))
    assert found and NATO not in found
    again = runner.invoke(args=["suggest-claims", "--article", str(demo_article.id)])
    assert again.exit_code == 0 and again.output.count("\n") == 1
    assert runner.invoke(args=["suggest-claims", "--missing"]).output == ""


def test_suggest_claims_on_a_missing_article_fails_in_one_line(runner, demo_article):
    result = runner.invoke(args=["suggest-claims", "--article", "999"])
    assert result.exit_code == 1
    assert result.output.strip() == "Error: no article with id 999"


def test_load_demo_computes_suggestions_for_a_database_from_before_them(app):
    with app.app_context():
        db.session().execute(delete(Suggestion))
        db.session().commit()
        article, _ = load_demo_data()
        count = (
            db.session()
            .exec(select(func.count()).select_from(Suggestion).where(Suggestion.article_id == article.id))
            .one()
        )
    assert count == 25


# --- plug-in scorers --------------------------------------------------------------------------


def test_a_plug_in_scorer_scores_imported_articles(tmp_path, monkeypatch):
    from tests.fixtures import scorers

    monkeypatch.setenv("ANNOTATOR_CLAIM_SCORER", "tests.fixtures.scorers:by_length")
    monkeypatch.setenv("ANNOTATOR_SUGGESTION_THRESHOLD", "0.5")
    scorers.calls.clear()
    app = make_app(tmp_path / "plugin.sqlite3")
    try:
        assert app.extensions["claim_scorer"] is scorers.by_length
        assert any(NATO in batch for batch in scorers.calls)  # the demo article went through the plug-in
        with app.app_context():
            rows = db.session().exec(select(Suggestion)).all()
            assert rows and all(r.features == [] for r in rows)
            assert {r.score for r in rows if r.quote == NATO} == {round(len(NATO) / 200, 4)}
        client = app.test_client()
        from tests.fixtures.app import login

        assert login(client, "reviewer").status_code == 303
        root = page(client.get("/articles/1"))
        assert all(len(q) >= 100 or q.endswith("…") for q in quotes(root))  # only long ones reach 0.5
        assert "Scored by the configured model" in root.by_id("suggestions").text()
    finally:
        app.extensions["engine"].dispose()


@pytest.mark.parametrize("spec", ["tests.fixtures.scorers:missing", "tests.fixtures.scorers:wrong_length", "nonsense"])
def test_a_bad_scorer_setting_stops_the_app_at_start_up(tmp_path, spec):
    with pytest.raises(checkworthiness.ScorerError, match="ANNOTATOR_CLAIM_SCORER"):
        create_app(
            {
                "TESTING": True,
                "SECRET_KEY": "x",
                "DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite3'}",
                "CLAIM_SCORER": spec,
            }
        )


def test_a_plug_in_failing_on_an_article_never_fails_the_import(tmp_path, monkeypatch):
    monkeypatch.setenv("ANNOTATOR_CLAIM_SCORER", "tests.fixtures.scorers:breaks_on_articles")
    app = make_app(tmp_path / "breaks.sqlite3")  # the demo article mentions NATO: its scoring fails
    try:
        with app.app_context():
            assert db.session().exec(select(func.count()).select_from(Article)).one() == 1
            assert db.session().exec(select(func.count()).select_from(Suggestion)).one() == 0
        client = app.test_client()
        from tests.fixtures.app import login

        assert login(client, "reviewer").status_code == 303
        response = client.get("/articles/1")
        assert response.status_code == 200
        assert "flask suggest-claims" in response.get_data(as_text=True)
        result = app.test_cli_runner().invoke(args=["suggest-claims"])
        assert result.exit_code == 1
        assert result.output.strip().startswith("Error: article 1: the scorer failed: RuntimeError")
        assert result.output.count("\n") == 1
    finally:
        app.extensions["engine"].dispose()


def test_the_entry_point_stops_in_one_line_on_a_bad_scorer_setting(tmp_path):
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    env = {
        **os.environ,
        "ANNOTATOR_CLAIM_SCORER": "tests.fixtures.scorers:wrong_length",
        "ANNOTATOR_DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite3'}",
        "ANNOTATOR_SECRET_KEY": "x",
    }
    done = subprocess.run(
        [sys.executable, "-c", "import app"], cwd=root, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 1
    assert done.stderr.strip() == (
        "Error: ANNOTATOR_CLAIM_SCORER='tests.fixtures.scorers:wrong_length': gave 1 scores for 2 sentences"
    )


def test_stored_suggestions_are_code_point_ranges_of_the_text_after_emoji(app, reviewer_client):
    text = (
        "🇺🇦 Live 🔥 updates 😀 from Kyiv 👩🏽‍💻.\nOn the battlefield 🪖, according to NATO, more than 600,000 "
        "Russian soldiers have been killed or wounded in the conflict 💥.\n𝐀 second 🎯 paragraph said 5% rose."
    )
    article = created_article(app, add_article(reviewer_client, text=text))
    with app.app_context():
        rows = (
            db.session()
            .exec(select(Suggestion).where(Suggestion.article_id == article.id).order_by(Suggestion.start))
            .all()
        )
    assert len(rows) == 3
    assert all(article.text[r.start : r.end] == r.quote for r in rows)
    assert all(a.end <= b.start for a, b in pairwise(rows))
    assert rows[1].start == article.text.index("On the battlefield")
    root = page(reviewer_client.get(f"/articles/{article.id}"))
    assert article_text(root) == article.text
    assert underlined(root)[rows[1].id] == rows[1].quote
