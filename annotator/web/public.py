"""The public pages, readable without signing in: a published fact-check (``/p/<slug>``), one of
its claims (``/p/<slug>/claims/<n>``) and its embed card, the methodology (``/p/methodology``),
the Atom feed (``/p/feed.xml``) and the sitemap (``/sitemap.xml``).

Each reads one statement (``services.publishing.public``: the snapshot the lead published), sends a
strong ETag with ``Cache-Control: public, max-age=60`` and answers 304 on a match. They render from
the snapshot alone, with no user, no session and no form: nothing but what was published can show.
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime
from typing import Any

from flask import Blueprint, Response, abort, current_app, g, make_response, render_template, request, url_for
from flask.sessions import SecureCookieSessionInterface
from markupsafe import Markup

from annotator.domain import claim_record, text, verdicts
from annotator.extensions import db, login_manager
from annotator.formats import exports as formats
from annotator.services import publishing

bp = Blueprint("public", __name__)


class SessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, except that a public page, which is the same for everyone,
    neither sends the cookie again nor says it varies by it (Flask-Login reads the session after
    every request, which would add ``Vary: Cookie`` and keep shared caches from keeping the page)."""

    def save_session(self, app, session, response) -> None:
        if request.blueprint == bp.name and not session.modified:
            return
        super().save_session(app, session, response)


CACHE_CONTROL = "public, max-age=60"
# The embed card is pasted into other sites: its look travels in style attributes, which this
# response (its preview) alone allows; it holds no script and loads nothing.
EMBED_POLICY = (
    "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
)


@bp.before_request
def _as_anyone() -> None:
    """Everyone reads the same page: the signed-in user is never loaded (Flask-Login's template
    context would read it), and the session is left untouched."""
    g._login_user = login_manager.anonymous_user()


def settings_fingerprint() -> str:
    """What a public page takes from outside its snapshot: the desk's name and site, whether it names
    who checked, and the scale (ratings, values, colours). Part of every public ETag, so that changing
    one of them is never answered 304 with the page as it was."""
    scale = verdicts.CURRENT
    config = current_app.config
    settings = [config["ORGANISATION_NAME"], config["ORGANISATION_URL"], config["PUBLIC_BYLINE"], scale.name]
    rows = [[v.key, v.label, v.rank, v.rating, v.colour, v.text_colour, v.description] for v in scale.ratings]
    return repr([settings, rows, scale.best_rating, scale.worst_rating])


def _etag(*parts: str) -> str:
    return hashlib.sha256("\x1f".join([*parts, settings_fingerprint()]).encode()).hexdigest()[:32]


def _cached(etag: str, render) -> Response:
    """304 when the client holds this version, else the page; either way the ETag and caching headers.
    ``etag``: what the page's own data gives (the publication's digest); the settings are added here."""
    etag = _etag(etag)
    if request.if_none_match.contains(etag):
        response = Response(status=304)
    else:
        response = make_response(render())
    response.set_etag(etag)
    response.headers["Cache-Control"] = CACHE_CONTROL
    return response


@bp.errorhandler(404)
def _not_found(_error) -> Response:
    """A fact-check that is not (or no longer) published: the public layout, not the app's, so that
    no session or form is touched; kept by no cache, so that publishing again shows at once."""
    response = make_response(
        render_template(
            "public/not_found.html",
            organisation=current_app.config["ORGANISATION_NAME"],
            organisation_url=current_app.config["ORGANISATION_URL"],
        ),
        404,
    )
    response.headers["Cache-Control"] = "no-store"
    return response


def _published(slug: str) -> publishing.Public:
    found = publishing.public(session=db.session(), slug=slug)
    if found is None:
        abort(404)
    return found


def _claim(found: publishing.Public, number: int) -> dict[str, Any]:
    claim = next((c for c in found.content["claims"] if c["number"] == number), None)
    if claim is None:
        abort(404)
    return claim


def claim_url(found: publishing.Public, number: int) -> str:
    return url_for("public.claim", slug=found.slug, number=number, _external=True)


def public_address(found: publishing.Public, number: int) -> str:
    """Where readers find the claim: its page here, or its anchor on the desk's own page."""
    return publishing.on_desk_page(found.canonical_url, number) or claim_url(found, number)


def claim_reviews(found: publishing.Public, claims: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The ClaimReview JSON-LD of published claims: ``url`` the public claim page, or the desk's own
    page when the lead gave one."""
    content = found.content
    page = url_for("public.fact_check", slug=found.slug, _external=True)
    reviews = []
    for claim in claims:
        record = formats.FinalVerdictRecord(
            url=public_address(found, claim["number"]),
            quote=claim["quote"],
            verdict=claim["verdict"],
            rationale=claim["rationale"],
            settled=datetime.fromisoformat(claim["published_at"]),
            modified=max(datetime.fromisoformat(claim["updated_at"]), found.updated_at),
            cited=tuple(formats.SourceRecord(c["url"], c["title"], "") for c in claim["cited"]),
            record=claim_record.ClaimRecord(
                claimant=claim["claimant"],
                claimant_kind=claim["claimant_kind"],
                claimant_url=claim["claimant_url"],
                claim_date=date.fromisoformat(claim["claim_date"]) if claim["claim_date"] else None,
                first_appeared=claim["first_appeared"],
                summary=claim["summary"],
                tags=tuple(claim["tags"]),
            ),
        )
        review = formats.claim_review(
            record,
            organisation=current_app.config["ORGANISATION_NAME"],
            organisation_url=current_app.config["ORGANISATION_URL"],
            article_url=content["source_url"] or page,
            publisher=content["publisher"] or None,
            article_date=content["article_date"] or None,
        )
        review["name"] = f"Fact-check: {claim['summary'] or claim['quote']}"[:300]
        reviews.append(review)
    return reviews


def highlighted(paragraph: dict[str, Any]) -> list[text.Segment]:
    """A claim paragraph's segments, each knowing the published claims (by number) that cover it."""
    refs = [text.SpanRef(c["number"], c["start"], c["end"]) for c in paragraph["claims"]]
    return text.segment(paragraph["text"], refs)


@bp.app_context_processor
def _public_helpers() -> dict:
    return {"when_day": lambda iso: datetime.fromisoformat(iso).strftime("%d %b %Y") if iso else ""}


@bp.get("/p/<slug>")
def fact_check(slug: str):
    """The article's published fact-check: its claims in their paragraphs, then the corrections."""
    found = _published(slug)
    return _cached(
        found.etag,
        lambda: render_template(
            "public/fact_check.html",
            found=found,
            content=found.content,
            by_number={c["number"]: c for c in found.content["claims"]},
            jsonld=claim_reviews(found, found.content["claims"]),
            highlighted=highlighted,
            byline=current_app.config["PUBLIC_BYLINE"],
            organisation=current_app.config["ORGANISATION_NAME"],
            organisation_url=current_app.config["ORGANISATION_URL"],
        ),
    )


@bp.get("/p/<slug>/claims/<int:number>")
def claim(slug: str, number: int):
    """One published claim."""
    found = _published(slug)
    chosen = _claim(found, number)
    return _cached(
        found.etag,
        lambda: render_template(
            "public/claim.html",
            found=found,
            content=found.content,
            claim=chosen,
            jsonld=claim_reviews(found, [chosen]),
            byline=current_app.config["PUBLIC_BYLINE"],
            organisation=current_app.config["ORGANISATION_NAME"],
            organisation_url=current_app.config["ORGANISATION_URL"],
        ),
    )


def embed_card(found: publishing.Public, claim: dict[str, Any]) -> str:
    """The embed card of a published claim: static HTML (the claim, its badge, a link), styled inline."""
    rating = verdicts.get(claim["verdict"])
    return render_template(
        "public/_embed_card.html",
        claim=claim,
        url=public_address(found, claim["number"]),
        colour=rating.colour if rating else "#5b6472",
        text_colour=rating.text_colour if rating else "#ffffff",
        organisation=current_app.config["ORGANISATION_NAME"],
    ).strip()


@bp.get("/p/<slug>/claims/<int:number>/embed")
def embed(slug: str, number: int):
    """The embed card alone, as it shows when pasted into another page."""
    found = _published(slug)
    chosen = _claim(found, number)
    response = _cached(
        found.etag,
        lambda: render_template(
            "public/embed.html",
            card=Markup(embed_card(found, chosen)),  # rendered (and escaped) by its own template
            claim=chosen,
            organisation=current_app.config["ORGANISATION_NAME"],
        ),
    )
    response.headers["Content-Security-Policy"] = EMBED_POLICY
    return response


@bp.get("/p/methodology")
def methodology():
    """How the desk checks claims, and its rating scale (from the scale file and the settings)."""
    return _cached(
        "methodology",
        lambda: render_template(
            "public/methodology.html",
            scale=verdicts.CURRENT,
            ordered=verdicts.ordered(),
            outside=[v for v in verdicts.SCALE if v.rank is None],
            organisation=current_app.config["ORGANISATION_NAME"],
            organisation_url=current_app.config["ORGANISATION_URL"],
            byline=current_app.config["PUBLIC_BYLINE"],
        ),
    )


def _listing_etag(found: list[publishing.Public]) -> str:
    return " ".join(f"{p.slug}:{p.etag}" for p in found) or "none"


@bp.get("/p/feed.xml")
def feed():
    """An Atom 1.0 feed of the published fact-checks, the latest change first."""
    found = publishing.public_list(session=db.session())
    response = _cached(
        _listing_etag(found),
        lambda: render_template(
            "public/feed.xml",
            found=found,
            updated=max((p.updated_at for p in found), default=None),
            organisation=current_app.config["ORGANISATION_NAME"],
        ),
    )
    response.mimetype = "application/atom+xml"
    return response


@bp.get("/sitemap.xml")
def sitemap():
    """The public pages: every published fact-check and claim, and the methodology."""
    found = publishing.public_list(session=db.session())
    response = _cached(_listing_etag(found), lambda: render_template("public/sitemap.xml", found=found))
    response.mimetype = "application/xml"
    return response
