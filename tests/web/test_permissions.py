"""Who may do what: one test per cell of the (action x visitor) matrix.

Visitors: anonymous (a normal request, redirected to the login page), anonymous htmx
(401 with HX-Redirect), the reviewer who owns the annotation, another reviewer, a lead.
Reviewers create, edit, submit and delete their own annotations, comment and read the
summaries; leads may also settle, return, restore and change article settings. Anything
refused changes nothing in the database, and reading never writes.
"""

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from sqlmodel import select

from annotator.db.models import Annotation, Article, Comment, Event, FinalVerdict
from annotator.extensions import db
from tests.fixtures.app import HX, annotation_data, csrf_token
from tests.fixtures.review_helpers import annotation_of, delete, dump, save, span_of

ROLES = ("anonymous", "anonymous-htmx", "owner", "other", "lead")
EVERYONE = {"owner", "other", "lead"}
OWNER = {"owner"}
LEAD = {"lead"}


@dataclass(frozen=True)
class Action:
    name: str
    method: str
    path: str  # formatted with article, span and annotation ids
    allowed: set
    state: str = "submitted"  # the owner's annotation before the request: draft, submitted or deleted
    data: Callable[[dict], dict] | None = None
    # For an allowed POST: whether the database shows its effect.
    effect: Callable[[dict], bool] | None = None


def _one(ctx, statement):
    with ctx["app"].app_context():
        return db.session().exec(statement).first()


def _annotation(ctx) -> Annotation:
    return _one(ctx, select(Annotation).where(Annotation.id == ctx["annotation_id"]))


def _last_event(ctx) -> Event:
    return _one(ctx, select(Event).order_by(Event.id.desc()))


ACTIONS = [
    Action("article page", "GET", "/articles/{aid}", EVERYONE),
    Action("claims list", "GET", "/articles/{aid}/claims", EVERYONE),
    Action("span panel", "GET", "/articles/{aid}/spans/{sid}", EVERYONE),
    Action("span history", "GET", "/articles/{aid}/spans/{sid}/history", EVERYONE),
    Action("summary", "GET", "/articles/{aid}/summary", EVERYONE),
    Action("w3c export", "GET", "/articles/{aid}/annotations.jsonld", EVERYONE),
    Action("csv export", "GET", "/articles/{aid}/annotations.csv", EVERYONE),
    Action("claimreview export", "GET", "/articles/{aid}/claimreview.jsonld", EVERYONE),
    Action("annotate form", "GET", "/articles/{aid}/annotate?start={start}&end={end}", EVERYONE),
    Action(
        "create or update own",
        "POST",
        "/articles/{aid}/annotations",
        EVERYONE,
        data=lambda ctx: annotation_data(ctx["text"], verdict="false", note="by the visitor"),
        effect=lambda ctx: _last_event(ctx).after.get("note") == "by the visitor",
    ),
    Action("edit form", "GET", "/annotations/{id}/edit", OWNER),
    Action(
        "edit",
        "POST",
        "/annotations/{id}",
        OWNER,
        data=lambda ctx: {"verdict": "false", "note": "changed", "version": str(ctx["version"]), "action": "save"},
        effect=lambda ctx: (_annotation(ctx).verdict, _annotation(ctx).note) == ("false", "changed"),
    ),
    Action(
        "submit",
        "POST",
        "/annotations/{id}/submit",
        OWNER,
        state="draft",
        effect=lambda ctx: _annotation(ctx).status == "submitted",
    ),
    Action(
        "delete", "POST", "/annotations/{id}/delete", OWNER, effect=lambda ctx: _annotation(ctx).deleted_at is not None
    ),
    Action(
        "comment",
        "POST",
        "/articles/{aid}/spans/{sid}/comments",
        EVERYONE,
        data=lambda ctx: {"body": "A comment"},
        effect=lambda ctx: _one(ctx, select(Comment.body)) == "A comment",
    ),
    Action(
        "settle",
        "POST",
        "/articles/{aid}/spans/{sid}/final-verdict",
        LEAD,
        data=lambda ctx: {"verdict": "true", "rationale": "Checked.", "version": ""},
        effect=lambda ctx: _one(ctx, select(FinalVerdict.verdict)) == "true",
    ),
    Action(
        "return",
        "POST",
        "/annotations/{id}/return",
        LEAD,
        data=lambda ctx: {"note": "Needs changes"},
        effect=lambda ctx: _annotation(ctx).status == "returned",
    ),
    Action(
        "restore",
        "POST",
        "/annotations/{id}/restore",
        LEAD,
        state="deleted",
        effect=lambda ctx: _annotation(ctx).deleted_at is None,
    ),
    Action(
        "article settings",
        "POST",
        "/articles/{aid}/settings",
        LEAD,
        data=lambda ctx: {},  # blind review unticked
        effect=lambda ctx: _one(ctx, select(Article.blind_review).where(Article.id == ctx["aid"])) is False,
    ),
]


@pytest.fixture
def world(app, reviewer_client, demo_article):
    """The owner's annotation on CLAIM, submitted (the state an action needs is set by the test)."""
    save(reviewer_client, demo_article, verdict="true", note="the owner's")
    span = span_of(app, demo_article)
    annotation = annotation_of(app, "reviewer", demo_article)
    return {
        "app": app,
        "aid": demo_article.id,
        "sid": span.id,
        "id": annotation.id,
        "annotation_id": annotation.id,
        "start": span.start,
        "end": span.end,
        "text": demo_article.text,
        "article": demo_article,
    }


def put_in_state(app, reviewer_client, world, state):
    if state == "deleted":
        assert delete(reviewer_client, world["article"], world["id"]).status_code == 200
    elif state == "draft":
        with app.app_context():
            session = db.session()
            session.get(Annotation, world["id"]).status = "draft"
            session.commit()
    world["version"] = annotation_of(app, "reviewer", world["article"]).version


def visitor(role, *, client, reviewer_client, make_user, lead_client):
    return {
        "anonymous": client,
        "anonymous-htmx": client,
        "owner": reviewer_client,
        "other": make_user("alice"),
        "lead": lead_client,
    }[role]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", ACTIONS, ids=[a.name.replace(" ", "-") for a in ACTIONS])
def test_permission(app, world, client, reviewer_client, make_user, lead_client, action, role):
    put_in_state(app, reviewer_client, world, action.state)
    who = visitor(role, client=client, reviewer_client=reviewer_client, make_user=make_user, lead_client=lead_client)
    path = action.path.format(**world)
    headers = HX if role == "anonymous-htmx" else {}
    before = dump(app)
    if action.method == "GET":
        response = who.get(path, headers=headers)
    else:
        token = csrf_token(who, "/login" if role.startswith("anonymous") else f"/articles/{world['aid']}")
        data = action.data(world) if action.data else {}
        response = who.post(path, data={**data, "csrf_token": token}, headers=headers)
    status = response.status_code

    if role == "anonymous":
        assert status == 302 and response.headers["Location"].startswith("/login"), status
    elif role == "anonymous-htmx":
        assert status == 401 and response.headers["HX-Redirect"].startswith("/login"), status
    elif role not in action.allowed:
        # Another reviewer's draft is hidden from a reviewer: 404, as if it did not exist.
        hidden = role == "other" and action.state == "draft" and "{id}" in action.path
        assert status == (404 if hidden else 403), (status, response.get_data(as_text=True)[:500])
    elif action.method == "GET":
        assert status == 200, response.get_data(as_text=True)[:500]
    else:
        assert status == 303, response.get_data(as_text=True)[:500]
        assert response.headers["Location"].startswith(f"/articles/{world['aid']}")
        assert action.effect(world), "the action had no effect"
        return
    assert dump(app) == before, "the database changed"


def test_reviewer_on_a_lead_only_url_with_htmx_gets_403_in_the_notice_area(app, world, reviewer_client):
    token = csrf_token(reviewer_client, f"/articles/{world['aid']}")
    before = dump(app)
    response = reviewer_client.post(
        f"/articles/{world['aid']}/spans/{world['sid']}/final-verdict",
        data={"verdict": "true", "rationale": "x", "csrf_token": token},
        headers=HX,
    )
    assert response.status_code == 403
    assert response.headers["HX-Retarget"] == "#notice"
    assert "Only leads can do this." in response.get_data(as_text=True)
    assert dump(app) == before


def test_lead_forms_are_only_in_a_leads_panel(app, world, reviewer_client, make_user, lead_client):
    settle_url = f"/articles/{world['aid']}/spans/{world['sid']}/final-verdict"
    return_url = f"/annotations/{world['id']}/return"
    for client in (reviewer_client, make_user("alice")):
        body = client.get(f"/articles/{world['aid']}?span={world['sid']}").get_data(as_text=True)
        assert settle_url not in body and return_url not in body
        assert f"/articles/{world['aid']}/settings" not in body
    body = lead_client.get(f"/articles/{world['aid']}?span={world['sid']}").get_data(as_text=True)
    assert settle_url in body and return_url in body


def test_others_see_no_edit_delete_or_submit_buttons(app, world, make_user, lead_client):
    for client in (make_user("alice"), lead_client):
        body = client.get(f"/articles/{world['aid']}/spans/{world['sid']}", headers=HX).get_data(as_text=True)
        for path in (
            f"/annotations/{world['id']}/edit",
            f"/annotations/{world['id']}/delete",
            f"/annotations/{world['id']}/submit",
        ):
            assert path not in body


def test_comment_and_summary_are_open_to_reviewers(world, make_user):
    alice = make_user("alice")
    assert alice.get(f"/articles/{world['aid']}/summary").status_code == 200
    token = csrf_token(alice, f"/articles/{world['aid']}")
    response = alice.post(
        f"/articles/{world['aid']}/spans/{world['sid']}/comments",
        data={"body": "From alice", "csrf_token": token},
        headers=HX,
    )
    assert response.status_code == 200 and "From alice" in response.get_data(as_text=True)
