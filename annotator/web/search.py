"""The search page: every annotation the user may read, found by its words and narrowed by filters.

``GET /search?q=…&verdict=…&reviewer=…&status=…&article=…&from=…&to=…`` answers the page with the
results; an htmx request from the form gets the form and results alone, and "Show more"
(``page=N`` with htmx) the next page of results alone. Without words, the filters list the
matching annotations, newest first. The query lives in ``services.search``, the form in ``services.search_form``.
"""

from __future__ import annotations

from flask import Blueprint, render_template, request, url_for
from flask_htmx import make_response as htmx_response
from flask_login import current_user

from annotator.domain import search_syntax
from annotator.extensions import db
from annotator.services import search as search_service
from annotator.services.search_form import form_filters, search_form
from annotator.web.helpers import htmx_request

bp = Blueprint("search", __name__)

PAGE_SIZE = 50
MAX_PAGE = 200  # 10,000 results: past that, narrow the search


def search_context() -> tuple[dict, int]:
    """What the page shows for this request, and its status (422 when the form is invalid)."""
    session = db.session()
    form = search_form(session=session, args=request.args)
    page = min(max(1, request.args.get("page", 1, type=int)), MAX_PAGE)
    context = {
        "form": form,
        "page": page,
        "page_size": PAGE_SIZE,
        "results": None,
        "only_page": htmx_request() and "page" in request.args,
    }
    if not form.validate():
        return context, 422
    query = search_syntax.parse(form.q.data)
    filters = form_filters(form)
    first = (page - 1) * PAGE_SIZE if context["only_page"] else 0
    results = search_service.search(
        session=session, viewer=current_user, query=query, filters=filters, offset=first, limit=page * PAGE_SIZE - first
    )
    args = filters.args() | ({"q": form.q.data} if form.q.data else {})
    shown_to = first + len(results.hits)
    context.update(
        results=results,
        query=query,
        filters=filters,
        args=args,
        left=max(0, results.total - shown_to),
        count_limit=search_service.COUNT_LIMIT,
        listing=query.empty,
        filtered=bool(filters.args()),
        understood=search_syntax.describe(query),
    )
    return context, 200


@bp.get("/search")
def index():
    """Search the annotations the user may read: words in claims, notes and sources, and filters."""
    context, status = search_context()
    if context["only_page"] and status == 200:
        return render_template("search/_hits.html", **context)
    if htmx_request():
        push = url_for("search.index", **context["args"]) if status == 200 else False
        return htmx_response(render_template("search/_search.html", **context), status, push_url=push)
    return render_template("search/index.html", **context), status
