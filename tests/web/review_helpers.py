"""Helpers of the review-workflow web tests: every action goes through the app's own routes and forms."""
from __future__ import annotations

from sqlmodel import SQLModel, select

from annotator.extensions import db
from annotator.db.models import Annotation, Article, Event, FinalVerdict, Span, User
from tests.conftest import CLAIM, HX, annotation_data, csrf_token, post_annotation
from tests.web.htmltree import Element, page

NATO = {"url": "https://www.nato.int/briefing", "title": "NATO briefing", "excerpt": "600,000 casualties"}
ISW = {"url": "https://understandingwar.org/report", "title": "ISW report", "excerpt": "killed or wounded"}


def user_id(app, username: str) -> int:
    with app.app_context():
        return db.session().exec(select(User.id).where(User.username == username)).one()


def annotation_of(app, username: str, article: Article, quote: str = CLAIM) -> Annotation | None:
    """The user's annotation (deleted or not) on the span of ``quote``, with its sources loaded."""
    start = article.text.index(quote)
    with app.app_context():
        session = db.session()
        statement = (select(Annotation).join(Span).join(User, User.id == Annotation.user_id)
                     .where(User.username == username, Span.article_id == article.id, Span.start == start,
                            Span.end == start + len(quote)))
        annotation = session.exec(statement).first()
        if annotation is not None:
            annotation.sources  # noqa: B018 (load them before the session closes)
        return annotation


def span_of(app, article: Article, quote: str = CLAIM) -> Span:
    start = article.text.index(quote)
    with app.app_context():
        return db.session().exec(select(Span).where(Span.article_id == article.id, Span.start == start,
                                                    Span.end == start + len(quote))).one()


def final_of(app, span_id: int) -> FinalVerdict | None:
    with app.app_context():
        return db.session().exec(select(FinalVerdict).where(FinalVerdict.span_id == span_id)).first()


def events(app, span_id: int | None = None) -> list[Event]:
    with app.app_context():
        statement = select(Event).order_by(Event.id)
        if span_id is not None:
            statement = statement.where(Event.span_id == span_id)
        return list(db.session().exec(statement))


def save(client, article: Article, quote: str = CLAIM, *, action: str = "submit", status: int = 200, **fields):
    """Create or update the signed-in user's annotation through the annotation form."""
    response = post_annotation(client, article, annotation_data(article.text, quote, action=action, **fields))
    assert response.status_code == status, response.get_data(as_text=True)
    return response


def post(client, path: str, data: dict | None = None, *, article_id: int, htmx: bool = True):
    """POST with the CSRF token of the article page (as the page's forms do)."""
    token = csrf_token(client, f"/articles/{article_id}")
    return client.post(path, data={**(data or {}), "csrf_token": token}, headers=HX if htmx else {})


def source_fields(sources) -> dict:
    fields = {}
    for i, source in enumerate(sources):
        for key, value in source.items():
            fields[f"sources-{i}-{key}"] = value
    return fields


def edit_version(client, annotation_id: int) -> int:
    """The version the edit form is opened on."""
    response = client.get(f"/annotations/{annotation_id}/edit", headers=HX)
    assert response.status_code == 200, response.get_data(as_text=True)
    field = page(response).find("input", name="version")
    assert field is not None, "no version field in the edit form"
    return int(field.get("value"))


def update(client, article: Article, annotation_id: int, *, verdict: str, note: str = "", sources=(),
           version: int | None = None, action: str = "save", htmx: bool = True):
    """Send the edit form (opened just now unless ``version`` is given)."""
    if version is None:
        version = edit_version(client, annotation_id)
    data = {"verdict": verdict, "note": note, "version": str(version), "action": action, **source_fields(sources)}
    return post(client, f"/annotations/{annotation_id}", data, article_id=article.id, htmx=htmx)


def submit(client, article: Article, annotation_id: int, htmx: bool = True):
    return post(client, f"/annotations/{annotation_id}/submit", article_id=article.id, htmx=htmx)


def delete(client, article: Article, annotation_id: int, htmx: bool = True):
    return post(client, f"/annotations/{annotation_id}/delete", article_id=article.id, htmx=htmx)


def give_back(client, article: Article, annotation_id: int, note: str = "Needs a primary source.", htmx: bool = True):
    """A lead returns an annotation to its reviewer."""
    return post(client, f"/annotations/{annotation_id}/return", {"note": note}, article_id=article.id, htmx=htmx)


def restore(client, article: Article, annotation_id: int, htmx: bool = True):
    return post(client, f"/annotations/{annotation_id}/restore", article_id=article.id, htmx=htmx)


def comment(client, article: Article, span_id: int, body: str, htmx: bool = True):
    return post(client, f"/articles/{article.id}/spans/{span_id}/comments", {"body": body},
                article_id=article.id, htmx=htmx)


def final_form_version(client, article: Article, span_id: int) -> str:
    """The version field of the lead's final-verdict form in the panel ('' before the span is settled)."""
    root = panel(client, article, span_id)
    form = root.find("form", action=f"/articles/{article.id}/spans/{span_id}/final-verdict")
    assert form is not None, "no final-verdict form in the panel"
    return form.find("input", name="version").get("value") or ""


def settle(client, article: Article, span_id: int, verdict: str, rationale: str = "Checked against the record.",
           cite=(), version: str | int | None = None, htmx: bool = True):
    """A lead records the final verdict through the panel's form (its version read from the panel)."""
    if version is None:
        version = final_form_version(client, article, span_id)
    data = {"verdict": verdict, "rationale": rationale, "version": str(version), "cite": [str(c) for c in cite]}
    return post(client, f"/articles/{article.id}/spans/{span_id}/final-verdict", data, article_id=article.id,
                htmx=htmx)


def panel(client, article: Article, span_id: int) -> Element:
    response = client.get(f"/articles/{article.id}/spans/{span_id}", headers=HX)
    assert response.status_code == 200, response.get_data(as_text=True)
    return page(response)


def badges(root: Element) -> list[set[str]]:
    """The classes of every verdict badge in the tree."""
    return [el.classes for el in root.elements() if "badge" in el.classes]


def badge_keys(root: Element) -> set[str]:
    return {c.removeprefix("verdict-") for classes in badges(root) for c in classes if c.startswith("verdict-")}


def dump(app) -> dict[str, dict]:
    """Every row of every table, keyed by table then primary key (to prove nothing was removed)."""
    with app.app_context():
        session = db.session()
        tables = {}
        for table in SQLModel.metadata.sorted_tables:
            result = session.connection().execute(table.select())
            key = [c.name for c in table.primary_key.columns]
            tables[table.name] = {tuple(row._mapping[k] for k in key): dict(row._mapping) for row in result}
        return tables



def queued_claims(app, article: Article, count: int) -> list[str]:
    """``count`` claims awaiting a ruling, one submitted annotation each by "reviewer", the first
    waiting longest; returns their quotes (stripped, as pages show them) in queue order."""
    from datetime import timedelta

    from annotator.domain.anchoring import context_of
    from annotator.db.models import utcnow

    with app.app_context():
        session = db.session()
        reviewer = user_id(app, "reviewer")
        now = utcnow()
        for n in range(count):
            prefix, suffix = context_of(article.text, n, n + 30)
            span = Span(article_id=article.id, start=n, end=n + 30, quote=article.text[n:n + 30], prefix=prefix,
                        suffix=suffix)
            session.add(span)
            session.flush()
            session.add(Annotation(span_id=span.id, user_id=reviewer, verdict="true", status="submitted",
                                   created_at=now - timedelta(minutes=10 * count - n), updated_at=now))
        session.commit()
    return [article.text[n:n + 30].strip() for n in range(count)]
