"""axe-core on every page and every panel of the app, as a reviewer and as a lead: 0 violations.

The database is seeded through the services (faster than clicking): claims agreed, disputed, settled,
a draft, a comment, a deleted annotation, a returned one, and a second version of the demo article that
changes one claim's words and orphans another.
"""

from __future__ import annotations

from playwright.sync_api import expect
from sqlmodel import select

from annotator.db.models import Annotation, Article, User
from annotator.domain.anchoring import resolve_target
from annotator.extensions import db
from annotator.services import adjudication, discussion, versioning
from annotator.services import annotations as annotation_service
from annotator.services.articles import create_article
from annotator.services.users import create_or_update_user
from tests.fixtures.a11y import assert_accessible, describe, violations
from tests.fixtures.app import CLAIM, PASSWORD
from tests.fixtures.browser import sign_in

SECOND = "Putin is unlikely to engage in peace negotiations"
THIRD = "Russia maintains advantages in drones, aircraft, and vehicles"
FOURTH = "Putin rules out negotiations"
NEW_WORDING = "Talks remain out of reach, analysts say"


def seed(app) -> dict[str, int]:
    """Claims in every state the panels show; returns the ids the tour visits."""
    with app.app_context():
        session = db.session()
        user = {name: session.exec(select(User).where(User.username == name)).one() for name in ("reviewer", "lead")}
        user["ana"] = create_or_update_user(
            session=session, username="ana", role="reviewer", password=PASSWORD, display_name="Ana Other"
        )
        article = session.get(Article, 1)

        def save(who, quote, verdict, submit=True, sources=()):
            target = resolve_target(article.text, start=None, end=None, quote=quote)
            return annotation_service.save_annotation(
                session=session,
                user=user[who],
                article=article,
                target=target,
                verdict=verdict,
                note=f"{who} checked this.",
                sources=list(sources),
                submit=submit,
            )

        claim = save(
            "reviewer",
            CLAIM,
            "mostly-true",
            sources=[{"url": "https://www.nato.int/briefing", "title": "NATO briefing", "excerpt": "600,000"}],
        )
        save("ana", CLAIM, "false")  # a disagreement
        second = save("reviewer", SECOND, "true")
        save("reviewer", THIRD, "mixed", submit=False)  # a draft
        settled = save("ana", FOURTH, "false")
        adjudication.set_final_verdict(
            session=session,
            span=settled.span,
            lead=user["lead"],
            verdict="false",
            rationale="Vučić's own words say otherwise.",
            sources=[],
            expected_version=None,
        )
        returned = save("ana", THIRD, "misleading")
        adjudication.return_annotation(
            session=session, annotation=returned, lead=user["lead"], note="Needs a primary source."
        )
        deleted = save("ana", SECOND, "mixed")
        annotation_service.delete_annotation(session=session, annotation=deleted, user=user["ana"])
        discussion.add_comment(session=session, span=claim.span, user=user["lead"], body="Check the UK MoD figure.")
        # An earlier article's settled check of the same figure, for "Checked before".
        earlier = create_article(
            session=session,
            title="Casualty estimates, a year on",
            raw_text="Western estimates vary. Russia has lost more than 600,000 soldiers "
            "killed or wounded since February 2022, officials said.",
        )
        earlier_target = resolve_target(
            earlier.text, start=None, end=None, quote="Russia has lost more than 600,000 soldiers killed or wounded"
        )
        earlier_claim = annotation_service.save_annotation(
            session=session,
            user=user["ana"],
            article=earlier,
            target=earlier_target,
            verdict="mostly-true",
            note="",
            sources=[],
            submit=True,
        )
        adjudication.set_final_verdict(
            session=session,
            span=earlier_claim.span,
            lead=user["lead"],
            verdict="mostly-true",
            rationale="Matches NATO and UK estimates.",
            sources=[],
            expected_version=None,
        )
        ids = {"claim": claim.span_id, "second": second.span_id, "settled": settled.span_id, "annotation": claim.id}
        session.commit()
        versioning.add_version(
            session=session,
            article=article,
            user=user["reviewer"],
            origin="pasted",
            raw_text=article.text.replace("600,000", "650,000").replace(SECOND, NEW_WORDING),
        )
        session.commit()
        return ids


def pages(ids: dict[str, int], lead: bool) -> list[tuple[str, str]]:
    """(what, path) of every page and panel a signed-in user opens."""
    claim, orphan, settled = ids["claim"], ids["second"], ids["settled"]
    tour = [
        ("article list", "/"),
        ("article page: claims list with orphans", "/articles/1"),
        ("claim panel with annotations, sources and a comment", f"/articles/1?span={claim}"),
        ("settled claim panel", f"/articles/1?span={settled}"),
        ("orphan panel", f"/articles/1?span={orphan}"),
        ("claim history", f"/articles/1/spans/{claim}/history"),
        (
            "annotation form",
            "/articles/1/annotate?quote=Ukrainian+commanders+report+increased+Russian+troop+deployments",
        ),
        ("older version, read only", "/articles/1?version=1"),
        ("summary", "/articles/1/summary"),
        ("my work", "/work"),
        ("search", "/search?q=soldiers"),
        ("import", "/import"),
        ("versions list", "/articles/1/versions"),
        ("version report", "/articles/1/versions/2"),
        ("diff", "/articles/1/diff?from=1&to=2"),
        ("new version", "/articles/1/versions/new"),
        ("new article", "/articles/new"),
        ("API tokens", "/settings/tokens"),
        ("404 page", "/articles/999"),
        ("checked before, a claim's", f"/articles/1/spans/{claim}/checked-before"),
        ("checked before, a selection's", "/articles/1/checked-before?start=0&end=49"),
    ]
    if lead:
        tour += [
            ("dashboard", "/review"),
            ("review queue", "/review/queue"),
            ("fact-check report", "/articles/1/report"),
            ("import fact-checks", "/checks/import"),
        ]
    else:
        tour += [("403 page", "/review"), ("edit form", f"/annotations/{ids['annotation']}/edit")]
    return tour


def check_everything(page, tour) -> None:
    """Visit each page, check it, open its <details> and check again; fail once with every violation."""
    problems = []
    for what, path in tour:
        response = page.goto(path)
        expected = 404 if what.startswith("404") else 403 if what.startswith("403") else 200
        assert response.status == expected, f"{what} ({path}) answered {response.status}"
        page.wait_for_load_state("load")
        found = violations(page)
        if page.locator("details:not([open])").count():
            page.evaluate("document.querySelectorAll('details').forEach((d) => { d.open = true; })")
            found += [v | {"id": f"{v['id']} (details open)"} for v in violations(page)]
        if found:
            problems.append(f"{what} ({path}):\n{describe(found)}")
    assert not problems, "axe violations:\n" + "\n".join(problems)


def test_every_page_is_accessible_to_a_reviewer(page, live_app):
    ids = seed(live_app)
    page.js_errors_allowed = ["403", "404"]
    sign_in(page)
    check_everything(page, pages(ids, lead=False))


def test_every_page_is_accessible_to_a_lead(page, live_app):
    ids = seed(live_app)
    page.js_errors_allowed = ["403", "404"]
    sign_in(page, "lead")
    check_everything(page, pages(ids, lead=True))


def test_the_sign_in_page_and_its_errors_are_accessible(page, live_app):
    page.goto("/login")
    assert_accessible(page, "sign-in page")
    page.js_errors_allowed = ["422"]
    page.get_by_label("Username").fill("reviewer")
    page.get_by_label("Password").fill("wrong")
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator(".form-error, .errors").first).to_be_visible()
    assert_accessible(page, "sign-in page with an error")


def test_panels_opened_with_htmx_are_accessible(page, live_app):
    """The panel states reached by clicking, including a refused save (422) and the claims list."""
    ids = seed(live_app)
    page.js_errors_allowed = ["422"]
    sign_in(page)
    page.goto("/articles/1")
    mark = page.locator(f"#article-text mark[data-span-ids~='{ids['claim']}']").first
    mark.click()
    expect(page.locator("#panel blockquote.quote")).to_contain_text("650,000")
    assert_accessible(page, "claim panel opened by a click")
    page.get_by_role("link", name="History").click()
    expect(page.get_by_role("heading", name="History")).to_be_visible()
    assert_accessible(page, "history panel")
    page.get_by_role("link", name="← Back to the claim").click()
    page.get_by_role("link", name="← All claims").click()
    expect(page.get_by_role("heading", name="Orphans (1)")).to_be_visible()
    assert_accessible(page, "claims list with orphans")
    page.goto("/articles/1/annotate?quote=Ukrainian+commanders")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#panel .errors").first).to_be_visible()
    assert_accessible(page, "annotation form with errors (422)")


def test_highlights_say_their_verdicts_in_words(page, live_app):
    ids = seed(live_app)
    sign_in(page, "lead")
    page.goto("/articles/1")

    def mark(span_id):
        return page.locator(f"#article-text mark[data-span-ids='{span_id}']").first

    expect(mark(ids["settled"])).to_have_attribute("aria-description", "Settled claim: final verdict False")
    expect(mark(ids["claim"])).to_have_attribute("aria-description", "Claim: reviewers disagree, wording changed")
    expect(mark(ids["claim"])).to_have_attribute("role", "button")
    expect(mark(ids["claim"])).to_have_attribute("tabindex", "0")
    mark(ids["claim"]).focus()
    page.keyboard.press("Enter")
    expect(page.locator("#panel blockquote.quote")).to_contain_text("650,000")
    # The article's text is still exactly its canonical text.
    with live_app.app_context():
        text = db.session().get(Article, 1).text
    assert (
        page.evaluate("""() => Array.from(document.querySelectorAll('#article-text > p'))
                              .map((p) => p.textContent).join('\\n')""")
        == text
    )


def test_the_stale_edit_view_is_accessible(page, live_app):
    """409: the reviewer's version beside the one saved meanwhile (in another tab, here by the service)."""
    ids = seed(live_app)
    page.js_errors_allowed = ["409"]
    sign_in(page)
    page.goto(f"/annotations/{ids['annotation']}/edit")
    with live_app.app_context():
        session = db.session()
        annotation = session.get(Annotation, ids["annotation"])
        annotation_service.update_annotation(
            session=session,
            annotation=annotation,
            user=annotation.user,
            verdict="false",
            note="Changed in another tab.",
            sources=[],
        )
        session.commit()
    page.get_by_label("Note").fill("My own change.")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_role("heading", name="Someone saved this annotation first")).to_be_visible()
    assert_accessible(page, "stale edit (409) view")
