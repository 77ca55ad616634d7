"""A desk's own rating scale (ANNOTATOR_SCALE_FILE): a 5-level scale with two ratings outside the order
drives the form, the keys, badges, the dashboard, exports, imports and the API; a scale file that
drops a rating stored verdicts use stops the app, unless it maps it to a new key."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlmodel import select

from annotator import create_app
from annotator.cli.main import main
from annotator.db.models import Annotation, Article, FinalVerdict, Span
from annotator.domain import verdicts
from annotator.extensions import db
from tests.fixtures.api_helpers import annotate, bearer, make_token, w3c
from tests.fixtures.api_helpers import settle as settle_claim
from tests.fixtures.app import (
    CLAIM,
    POSTGRES_URL,
    annotation_data,
    assert_counters_agree,
    leave_no_trace,
    login,
    make_app,
    post_annotation,
)
from tests.fixtures.cli import assert_one_line_failure
from tests.fixtures.dashboard import save, settle
from tests.fixtures.htmltree import page

FIVE = Path(__file__).parents[1] / "fixtures" / "scales" / "five-level.toml"
SECOND = "Putin is unlikely to engage in peace negotiations"


@pytest.fixture
def desk(tmp_path):
    """An app on the 5-level scale, with the demo loaded; yields (app, reviewer client, lead client)."""
    app = make_app(tmp_path / "desk.sqlite3", SCALE_FILE=str(FIVE))
    clients = []
    for username in ("reviewer", "lead"):
        client = app.test_client()
        assert login(client, username).status_code == 303
        clients.append(client)
    yield app, *clients
    assert_counters_agree(app)
    leave_no_trace(app)


def demo(app) -> Article:
    with app.app_context():
        return db.session().exec(select(Article)).first()


def test_the_form_offers_the_desks_ratings_with_their_definitions(desk):
    app, reviewer, _ = desk
    article = demo(app)
    start = article.text.index(CLAIM)
    form = page(reviewer.get(f"/articles/{article.id}/annotate?start={start}&end={start + len(CLAIM)}"))
    options = [(o.attrs.get("value"), o.text()) for o in form.find("select", id="verdict").find_all("option")]
    assert options == [
        ("", "Choose a verdict…"),
        ("accurate", "Accurate"),
        ("needs-context", "Needs context"),
        ("inaccurate", "Inaccurate"),
        ("satire", "Satire"),
        ("no-evidence", "No evidence"),
    ]
    text = form.text()
    assert "Written as a joke; not a claim of fact." in text and "Not accurate." not in text
    assert "1–5 verdict" in " ".join(text.split())


def test_a_save_takes_the_desks_keys_and_refuses_the_default_ones(desk):
    app, reviewer, _ = desk
    article = demo(app)
    refused = post_annotation(reviewer, article, annotation_data(article.text, verdict="mostly-true"))
    assert refused.status_code == 422
    assert "Choose a verdict from the scale." in refused.get_data(as_text=True)
    saved = post_annotation(reviewer, article, annotation_data(article.text, verdict="needs-context"))
    assert saved.status_code == 200
    badge = page(saved).find("span", class_="verdict-needs-context")
    assert badge is not None and badge.text() == "Needs context"
    with app.app_context():
        assert db.session().exec(select(Annotation.verdict)).all() == ["needs-context"]


def test_badge_colours_come_from_the_file(desk):
    _, reviewer, _ = desk
    css = reviewer.get("/verdicts.css").get_data(as_text=True)
    assert ".verdict-satire{--verdict-bg:#6b3fa0;--verdict-fg:#ffffff;}" in css
    assert ".verdict-true{" not in css and css.count("--verdict-bg") == 5


def test_the_dashboard_ranks_the_ordered_ratings_and_leaves_the_others_out(desk, tmp_path):
    app, reviewer, lead = desk
    article = demo(app)
    save(reviewer, article, CLAIM, "accurate")
    save(lead, article, CLAIM, "needs-context")
    save(reviewer, article, SECOND, "satire")
    save(lead, article, SECOND, "inaccurate")
    settle(app, lead, article, CLAIM, "accurate")
    text = " ".join(page(lead.get("/review")).text().split())
    assert "1 Satire or No evidence left out" in text
    assert "(Accurate, Needs context, Inaccurate)" in text and "Mostly true" not in text
    assert "Satire and No evidence stand outside that order: their verdicts are left out" in text
    rows = list(csv.reader(io.StringIO(lead.get("/review/articles.csv").get_data(as_text=True))))
    header, total = rows[0], rows[-1]
    assert [h for h in header if h.startswith("submitted_")] == [
        "submitted_accurate",
        "submitted_needs-context",
        "submitted_inaccurate",
        "submitted_satire",
        "submitted_no-evidence",
    ]
    assert total[header.index("submitted_satire")] == "1"
    assert total[header.index("final_accurate")] == "1"
    assert total[header.index("near_misses")] == "1"  # Accurate / Needs context; Satire / Inaccurate is no near miss


def test_claimreview_export_rates_on_the_desks_scale(desk):
    app, reviewer, lead = desk
    article = demo(app)
    save(reviewer, article, CLAIM, "inaccurate")
    save(reviewer, article, SECOND, "satire")
    settle(app, lead, article, CLAIM, "inaccurate")
    settle(app, lead, article, SECOND, "satire")
    reviews = json.loads(lead.get(f"/articles/{article.id}/claimreview.jsonld").get_data(as_text=True))
    ratings = (
        {r["claimReviewed"]: r["reviewRating"] for r in reviews["@graph"]}
        if "@graph" in reviews
        else {r["claimReviewed"]: r["reviewRating"] for r in reviews}
    )
    assert ratings[CLAIM] == {
        "@type": "Rating",
        "alternateName": "Inaccurate",
        "ratingValue": 1,
        "bestRating": 3,
        "worstRating": 1,
    }
    assert ratings[SECOND] == {"@type": "Rating", "alternateName": "Satire"}
    exported = lead.get(f"/articles/{article.id}/annotations.csv").get_data(as_text=True)
    assert "Inaccurate" in exported and "Satire" in exported


def test_imports_and_the_api_read_the_desks_labels(desk):
    app, _, _ = desk
    article = demo(app)
    token = make_token(app, "reviewer")
    created = app.test_client().post(
        f"/api/v1/articles/{article.id}/annotations", json=w3c(verdict="needs context"), headers=bearer(token)
    )
    assert created.status_code == 201, created.get_data(as_text=True)
    wrong = app.test_client().post(
        f"/api/v1/articles/{article.id}/annotations", json=w3c(SECOND, verdict="Mostly true"), headers=bearer(token)
    )
    assert wrong.status_code == 422
    assert "Accurate, Needs context, Inaccurate, Satire, No evidence" in wrong.get_data(as_text=True)
    schemas = app.test_client().get("/api/v1/openapi.json").get_json()["components"]["schemas"]
    enums = [s["enum"] for s in _walk(schemas) if isinstance(s, dict) and "enum" in s and "satire" in s["enum"]]
    assert enums and all("true" not in e for e in enums)
    with app.app_context():
        assert db.session().exec(select(Annotation.verdict)).all() == ["needs-context"]


def _walk(node):
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from _walk(value)


# --- Start-up: the stored verdicts against the file ----------------------------------------------------


@pytest.fixture
def stored(tmp_path):
    """A desk on the default scale with verdicts stored: mixed twice (one of them the final verdict),
    false once, and unverifiable once. Yields the database file; the app is gone (as before a restart)."""
    app = make_app(tmp_path / "desk.sqlite3")
    with app.app_context():
        article = db.session().exec(select(Article)).first()
        annotate("reviewer", article, CLAIM, "mixed")
        annotate("lead", article, SECOND, "false")
        annotate("reviewer", article, SECOND, "unverifiable")
        settle_claim(article, CLAIM, "mixed")
        db.session().close()
    app.extensions["engine"].dispose()
    yield tmp_path / "desk.sqlite3"
    leave_no_trace(app)


def mapped_file(tmp_path, *lines: str) -> Path:
    path = tmp_path / "mapped.toml"
    path.write_text(FIVE.read_text(encoding="utf-8") + "\n[renamed]\n" + "\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_a_file_that_drops_ratings_in_use_stops_the_app_naming_each_with_its_count(stored, tmp_path):
    with pytest.raises(verdicts.ScaleError) as refused:
        make_app(stored, fresh=False, SCALE_FILE=str(FIVE))
    assert str(refused.value).splitlines() == [
        f"{FIVE} drops the rating “false”, which 1 stored verdict uses: keep it, or map it to a rating of the "
        'file under [renamed] ("false" = "new-key").',
        f"{FIVE} drops the rating “mixed”, which 2 stored verdicts use: keep it, or map it to a rating of the "
        'file under [renamed] ("mixed" = "new-key").',
        f"{FIVE} drops the rating “unverifiable”, which 1 stored verdict uses: keep it, or map it to a rating "
        'of the file under [renamed] ("unverifiable" = "new-key").',
    ]
    assert verdicts.KEYS[0] == "true"  # the refused scale was never put in use
    partly = mapped_file(tmp_path, '"mixed" = "needs-context"', '"false" = "inaccurate"')
    with pytest.raises(verdicts.ScaleError, match="“unverifiable”, which 1 stored verdict uses") as refused:
        make_app(stored, fresh=False, SCALE_FILE=str(partly))
    assert len(str(refused.value).splitlines()) == 1


def test_a_file_that_maps_them_renames_the_stored_verdicts_at_start_up(stored, tmp_path):
    mapped = mapped_file(
        tmp_path, '"mixed" = "needs-context"', '"false" = "inaccurate"', '"unverifiable" = "no-evidence"'
    )
    app = make_app(stored, fresh=False, SCALE_FILE=str(mapped))
    with app.app_context():
        session = db.session()
        assert sorted(session.exec(select(Annotation.verdict)).all()) == ["inaccurate", "needs-context", "no-evidence"]
        assert session.exec(select(FinalVerdict.verdict)).all() == ["needs-context"]
        # The spans' counters (the tone of each highlight) follow: the least and greatest verdict.
        assert sorted(session.exec(select(Span.verdict_low, Span.verdict_high)).all()) == [
            ("inaccurate", "no-evidence"),
            ("needs-context", "needs-context"),
        ]
    assert_counters_agree(app)
    lead = app.test_client()
    assert login(lead, "lead").status_code == 303
    board = " ".join(page(lead.get("/review")).text().split())
    assert "Needs context" in board and "Mixed" not in board
    app.extensions["engine"].dispose()
    # Once renamed, the same file starts the app again with nothing left to rename.
    make_app(stored, fresh=False, SCALE_FILE=str(mapped)).extensions["engine"].dispose()


def _check(tmp_path, database: Path, file: Path):
    env = {"ANNOTATOR_DATABASE_URL": POSTGRES_URL or f"sqlite:///{database}", "ANNOTATOR_SCALE_FILE": ""}
    return CliRunner().invoke(main, ["scale", "check", str(file)], env=env)


def test_scale_check_reports_without_starting_the_app(stored, tmp_path):
    refused = _check(tmp_path, stored, FIVE)
    assert refused.exit_code == 1 and "Traceback" not in refused.output
    assert "Five-level desk scale: 5 ratings, ratingValue 1 (worst) to 3 (best)" in refused.output
    assert "mixed                   2  NOT on the scale" in refused.output
    assert "Error: " + f"{FIVE} drops the rating “false”, which 1 stored verdict uses" in refused.output
    mapped = mapped_file(
        tmp_path, '"mixed" = "needs-context"', '"false" = "inaccurate"', '"unverifiable" = "no-evidence"'
    )
    passed = _check(tmp_path, stored, mapped)
    assert passed.exit_code == 0, passed.output
    assert "mixed                   2  renamed to needs-context at start-up" in passed.output
    assert passed.output.rstrip().endswith("The app can start with this scale.")
    with create_app({"DATABASE_URL": POSTGRES_URL or f"sqlite:///{stored}", "TESTING": True}).app_context():
        assert "mixed" in db.session().exec(select(Annotation.verdict)).all()  # the check changed nothing


def test_scale_check_refuses_a_broken_file_in_one_line(tmp_path):
    broken = tmp_path / "broken.toml"
    broken.write_text(FIVE.read_text(encoding="utf-8").replace('text_colour = "#1d1d1d"', 'text_colour = "#c08a00"'))
    result = _check(tmp_path, tmp_path / "none.sqlite3", broken)
    assert_one_line_failure(result, "rating “needs-context”: its text colour #c08a00 on #b58900 has a contrast of")
    assert not (tmp_path / "none.sqlite3").exists()


def test_the_app_refuses_a_broken_scale_file_in_one_line(tmp_path):
    with pytest.raises(verdicts.ScaleError, match=r"^Cannot read the scale file .*nowhere\.toml: No such file"):
        create_app(
            {"DATABASE_URL": f"sqlite:///{tmp_path / 'a.sqlite3'}", "SCALE_FILE": str(tmp_path / "nowhere.toml")}
        )


def test_a_database_not_up_yet_leaves_the_check_to_the_next_start(tmp_path, caplog):
    unreachable = f"sqlite:///{tmp_path / 'no' / 'such' / 'dir.sqlite3'}"
    app = create_app({"DATABASE_URL": unreachable, "SCALE_FILE": str(FIVE), "TESTING": True})
    assert "Scale: the stored verdicts were not checked: unable to open database file" in caplog.text
    assert verdicts.KEYS[0] == "accurate" and app.extensions["scale"].name == "Five-level desk scale"
    app.extensions["engine"].dispose()


def test_the_public_methodology_shows_the_desks_scale(desk):
    app, _, _ = desk
    text = " ".join(page(app.test_client().get("/p/methodology")).text().split())
    assert "Five-level desk scale. From the most accurate to the least: Accurate, Needs context, Inaccurate." in text
    assert "Satire and No evidence stand outside that order." in text
    assert "Written as a joke; not a claim of fact." in text and "Mostly true" not in text
    assert "from 1 (worst) to 3 (best)" in text
