"""Helpers shared by the API tests: tokens, requests with them, and a small world to read and write."""
from __future__ import annotations

from sqlmodel import select

from annotator.services import adjudication, spans, tokens
from annotator.extensions import db
from annotator.domain.anchoring import resolve_target
from annotator.services.articles import create_article
from annotator.services.users import create_or_update_user, find_user
from annotator.db.models import Article, User
from tests.conftest import CLAIM, PASSWORD
from annotator.services import annotations as annotation_service

PROBLEM = "application/problem+json"
W3C_TYPE = 'application/ld+json; profile="http://www.w3.org/ns/anno.jsonld"'


def make_token(app, username: str, role: str = "reviewer", name: str = "tests") -> str:
    """A token for ``username`` (created as a user who can sign in when new)."""
    with app.app_context():
        session = db.session()
        user = find_user(session, username) or create_or_update_user(session=session, username=username, role=role,
                                                                      password=PASSWORD)
        _, token = tokens.create_token(session=session, user=user, name=name)
        return token


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def w3c(quote: str = CLAIM, *, verdict: str = "Mostly true", note: str = "", sources=(), start: int | None = None,
        end: int | None = None, prefix: str | None = None) -> dict:
    """A W3C annotation as a client sends it (the shape the export writes)."""
    body = [{"type": "TextualBody", "purpose": "assessing", "value": verdict, "format": "text/plain"}]
    if note:
        body.append({"type": "TextualBody", "purpose": "commenting", "value": note})
    for source in sources:
        item = {"type": "SpecificResource", "purpose": "linking", "source": source.get("url", "")}
        if source.get("title"):
            item["label"] = source["title"]
        if source.get("excerpt"):
            item["selector"] = {"type": "TextQuoteSelector", "exact": source["excerpt"]}
        body.append(item)
    quote_selector = {"type": "TextQuoteSelector", "exact": quote}
    if prefix is not None:
        quote_selector["prefix"] = prefix
    selectors = [quote_selector]
    if start is not None or end is not None:
        selectors.append({"type": "TextPositionSelector", "start": start, "end": end})
    return {"@context": "http://www.w3.org/ns/anno.jsonld", "type": "Annotation", "motivation": "assessing",
            "body": body, "target": {"selector": selectors}}


def user_named(username: str) -> User:
    return find_user(db.session(), username)


def annotate(username: str, article: Article, quote: str, verdict: str, *, submit: bool = True, note: str = ""):
    """Store ``username``'s annotation through the service (inside an app context); returns it."""
    session = db.session()
    target = resolve_target(article.text, start=None, end=None, quote=quote)
    return annotation_service.save_annotation(session=session, user=user_named(username), article=article, target=target,
                                 verdict=verdict, note=note, sources=[], submit=submit)


def settle(article: Article, quote: str, verdict: str, rationale: str = "Checked against the records.") -> None:
    session = db.session()
    span = spans.find_span(session=session, article_id=article.id, start=article.text.index(quote),
                           end=article.text.index(quote) + len(quote))
    adjudication.set_final_verdict(session=session, span=span, lead=user_named("lead"), verdict=verdict,
                                   rationale=rationale, sources=[], expected_version=None)


def seed_api_world(app) -> None:
    """A few articles, and on the demo article: the reviewer's draft and submitted annotations, another
    reviewer's submitted one, and a settled claim (inside an app context)."""
    session = db.session()
    for n in range(3):
        create_article(session=session, title=f"Seeded article {n}", raw_text=f"Seeded text number {n}. 😀 Words.",
                       publisher="Seed", source_url=f"https://example.org/{n}")
    create_or_update_user(session=session, username="alice", role="reviewer", password=PASSWORD)
    demo = session.exec(select(Article).order_by(Article.id)).first()
    annotate("reviewer", demo, CLAIM, "mostly-true")
    annotate("alice", demo, CLAIM, "false")
    annotate("reviewer", demo, "Putin is unlikely", "true", submit=False)
    annotate("alice", demo, "Thomas Graham, a Russian foreign policy expert", "mixed")
    settle(demo, "Thomas Graham, a Russian foreign policy expert", "mixed")
    # The lead's draft awaiting a verdict: a Hypothesis highlight imported without a verdict tag.
    from annotator.services.imports import import_document

    highlight = {"user": "acct:lee@hypothes.is", "uri": "https://example.org/demo", "text": "", "tags": ["needs-check"],
                 "target": [{"source": "https://example.org/demo", "selector": [
                     {"type": "TextQuoteSelector", "exact": "Ukrainian President Volodymyr Zelenskyy"}]}]}
    reports = list(import_document(session=session, document={"total": 1, "rows": [highlight]}, article=demo,
                                   reviewer=user_named("lead")))
    assert reports[0].outcome == "imported, no verdict", reports
