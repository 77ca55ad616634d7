"""services.exports writes the export documents from plain values: no request, no url_for. The same
document comes out of the browser's download and of a service call given the same root address."""

import csv
import io
import json

from sqlmodel import select

from annotator.db.models import Article, User
from annotator.extensions import db
from annotator.services import exports
from annotator.services.visibility import OPERATOR
from tests.fixtures.app import annotation_data, post_annotation


def test_addresses_name_this_apps_pages_under_its_root():
    addresses = exports.Addresses.under("https://desk.example/annotator")
    assert addresses.root == "https://desk.example/annotator/"
    assert addresses.article(7) == "https://desk.example/annotator/articles/7"
    assert addresses.claim(7, 3) == "https://desk.example/annotator/articles/7?span=3"
    assert addresses.annotation(12) == "https://desk.example/annotator/annotations/12"
    assert addresses.collection(7) == "https://desk.example/annotator/articles/7/annotations.jsonld"


def test_a_w3c_document_from_the_service_equals_the_download(app, reviewer_client, lead_client, demo_article):
    assert (
        post_annotation(reviewer_client, demo_article, annotation_data(demo_article.text, action="submit")).status_code
        == 200
    )
    downloaded = json.loads(lead_client.get(f"/articles/{demo_article.id}/annotations.jsonld").get_data(as_text=True))
    with app.app_context():
        session = db.session()
        lead = session.exec(select(User).where(User.username == "lead")).one()
        article = session.get(Article, demo_article.id)
        # Without any request context: the addresses are plain values.
        written = "".join(
            exports.FORMATS["w3c"](
                session=session,
                article=article,
                viewer=lead,
                addresses=exports.Addresses.under("http://localhost/"),
                organisation="Desk",
            )
        )
    assert json.loads(written) == downloaded
    assert downloaded["first"]["items"][0]["id"].startswith("http://localhost/annotations/")


def test_every_format_streams_for_the_operator_without_a_request(app, reviewer_client, demo_article):
    post_annotation(reviewer_client, demo_article, annotation_data(demo_article.text, action="submit"))
    addresses = exports.Addresses.under("https://desk.example/")
    with app.app_context():
        session = db.session()
        article = session.get(Article, demo_article.id)
        options = {
            "session": session,
            "article": article,
            "viewer": OPERATOR,
            "addresses": addresses,
            "organisation": "Desk",
        }
        w3c = json.loads("".join(exports.FORMATS["w3c"](**options)))
        table = list(csv.reader(io.StringIO("".join(exports.FORMATS["csv"](**options)))))
        reviews = json.loads("".join(exports.FORMATS["claimreview"](**options)))
    assert w3c["id"] == f"https://desk.example/articles/{demo_article.id}/annotations.jsonld"
    assert len(w3c["first"]["items"]) == 1 and len(table) == 2
    assert reviews == []  # nothing settled yet
