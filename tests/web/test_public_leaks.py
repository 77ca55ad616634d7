"""Nothing but what a lead published is public: every public route, signed out and signed in, against a
desk full of data designed to leak (drafts, blind and individual verdicts, notes, sources not cited,
comments, return notes, deleted annotations, history, a settled claim not chosen, an unsettled one,
reviewers' names), and with ANNOTATOR_PUBLIC_BYLINE the names of those who checked, and no one else."""

from __future__ import annotations

import pytest
from sqlmodel import select

from annotator.db.models import Annotation, Article, Span
from annotator.domain.anchoring import resolve_target
from annotator.domain.claim_record import ClaimRecord
from annotator.extensions import db
from annotator.services import adjudication, discussion, publishing
from annotator.services import annotations as annotation_service
from annotator.services.users import create_or_update_user, find_user
from tests.fixtures.app import PASSWORD, leave_no_trace, login, make_app

PUBLISHED = "more than 600,000 Russian soldiers have been killed or wounded in the conflict"
NOT_CHOSEN = "Russia maintains advantages in drones, aircraft, and vehicles suitable for autumn and winter combat"
UNSETTLED = "Putin is unlikely to engage in peace negotiations"
SECRETS = [
    "LEAK-NOTE-SUBMITTED",
    "LEAK-DRAFT-NOTE",
    "LEAK-SOURCE-NOT-CITED",
    "leak-uncited.example",
    "LEAK-COMMENT",
    "LEAK-RETURN-NOTE",
    "LEAK-DELETED-NOTE",
    "LEAK-UNPUBLISHED-RATIONALE",
    "LEAK-UNPUBLISHED-CLAIMANT",
    "LEAK-UNSETTLED-NOTE",
    "LEAK-OLD-RATIONALE",
    "Leaky Drafter",
    "leaky-drafter",
    "Leaky Submitter",
    "leaky-submitter",
    "Leaky Lead",
    "leaky-lead",
    "Leaky Deleter",
]
NAMES = ["Leaky Submitter", "Leaky Lead"]  # who checked the published claim: named with the byline alone


def source(url: str, title: str) -> dict:
    return {"url": url, "title": title, "excerpt": ""}


def build_desk(app) -> str:
    """The demo article with every kind of private data, and one claim published; returns its slug."""
    with app.app_context():
        session = db.session()
        for username, name, role in (
            ("leaky-drafter", "Leaky Drafter", "reviewer"),
            ("leaky-submitter", "Leaky Submitter", "reviewer"),
            ("leaky-deleter", "Leaky Deleter", "reviewer"),
            ("leaky-lead", "Leaky Lead", "lead"),
        ):
            create_or_update_user(session=session, username=username, role=role, password=PASSWORD, display_name=name)
        article = session.exec(select(Article)).first()
        article.blind_review = True
        session.commit()
        user = {
            name: find_user(session, name)
            for name in ("leaky-drafter", "leaky-submitter", "leaky-deleter", "leaky-lead")
        }

        def annotate(who: str, quote: str, verdict: str, note: str, sources=(), submit=True) -> Annotation:
            return annotation_service.save_annotation(
                session=session,
                user=user[who],
                article=article,
                target=resolve_target(article.text, start=None, end=None, quote=quote),
                verdict=verdict,
                note=note,
                sources=list(sources),
                submit=submit,
            )

        submitted = annotate(
            "leaky-submitter",
            PUBLISHED,
            "true",
            "LEAK-NOTE-SUBMITTED",
            [
                source("https://cited.example/nato", "NATO briefing"),
                source("https://leak-uncited.example/x", "LEAK-SOURCE-NOT-CITED"),
            ],
        )
        annotate("leaky-drafter", PUBLISHED, "false", "LEAK-DRAFT-NOTE", submit=False)
        deleted = annotate("leaky-deleter", PUBLISHED, "mixed", "LEAK-DELETED-NOTE")
        annotation_service.delete_annotation(session=session, annotation=deleted, user=user["leaky-deleter"])
        span = session.get(Span, submitted.span_id)
        discussion.add_comment(session=session, span=span, user=user["leaky-submitter"], body="LEAK-COMMENT")
        other = annotate("leaky-drafter", NOT_CHOSEN, "false", "drones note")
        adjudication.return_annotation(
            session=session, annotation=other, lead=user["leaky-lead"], note="LEAK-RETURN-NOTE"
        )
        annotate("leaky-submitter", NOT_CHOSEN, "false", "another note")
        annotate("leaky-submitter", UNSETTLED, "true", "LEAK-UNSETTLED-NOTE")

        def settle(span_id: int, verdict: str, rationale: str, record: ClaimRecord, sources, version=None) -> None:
            adjudication.set_final_verdict(
                session=session,
                span=session.get(Span, span_id),
                lead=user["leaky-lead"],
                verdict=verdict,
                rationale=rationale,
                sources=sources,
                expected_version=version,
                record=record,
            )

        public_record = ClaimRecord(claimant="NATO", summary="NATO's count of Russian casualties")
        settle(submitted.span_id, "true", "LEAK-OLD-RATIONALE", public_record, [])  # replaced below: only in history
        settle(
            submitted.span_id,
            "mostly-true",
            "The public rationale.",
            public_record,
            [source("https://cited.example/nato", "NATO briefing")],
            1,
        )
        settle(
            other.span_id, "false", "LEAK-UNPUBLISHED-RATIONALE", ClaimRecord(claimant="LEAK-UNPUBLISHED-CLAIMANT"), []
        )
        publishing.publish(
            session=session,
            article=article,
            lead=user["leaky-lead"],
            span_ids=[submitted.span_id],
            byline=app.config["PUBLIC_BYLINE"],
        )
        return session.exec(select(Article.slug)).first()


@pytest.fixture(params=[False, True], ids=["no-byline", "byline"])
def desk(request, tmp_path):
    app = make_app(tmp_path / "leaks.sqlite3", PUBLIC_BYLINE=request.param)
    slug = build_desk(app)
    yield app, slug, request.param
    leave_no_trace(app)


ROUTES = [
    ("fact-check", "/p/{slug}", 200),
    ("claim", "/p/{slug}/claims/1", 200),
    ("embed", "/p/{slug}/claims/1/embed", 200),
    ("unpublished claim", "/p/{slug}/claims/2", 404),
    ("unknown claim", "/p/{slug}/claims/99", 404),
    ("methodology", "/p/methodology", 200),
    ("feed", "/p/feed.xml", 200),
    ("sitemap", "/sitemap.xml", 200),
    ("unknown slug", "/p/{slug}-x", 404),
]


@pytest.mark.parametrize("viewer", ["signed out", "reviewer", "lead"])
@pytest.mark.parametrize("name,path,status", ROUTES, ids=[r[0] for r in ROUTES])
def test_no_public_route_shows_anything_unpublished(desk, viewer, name, path, status):
    app, slug, byline = desk
    client = app.test_client()
    if viewer != "signed out":
        assert login(client, "leaky-submitter" if viewer == "reviewer" else "leaky-lead").status_code == 303
    response = client.get(path.format(slug=slug))
    assert response.status_code == status
    shown = response.get_data(as_text=True) + " ".join(f"{k}: {v}" for k, v in response.headers.items())
    allowed = NAMES if byline and name in ("fact-check", "claim") else []
    leaked = [secret for secret in SECRETS if secret in shown and secret not in allowed]
    assert leaked == [], f"{name} ({viewer}) shows {leaked}"
    if status == 200 and name in ("fact-check", "claim"):
        assert "The public rationale." in shown and "NATO briefing" in shown
        assert all((n in shown) == byline for n in NAMES)


def test_the_byline_names_those_who_checked_and_no_one_else(desk):
    app, slug, byline = desk
    body = app.test_client().get(f"/p/{slug}/claims/1").get_data(as_text=True)
    if byline:
        assert "Checked by Leaky Submitter, Leaky Lead." in body
    else:
        assert "Checked by" not in body
