"""Articles from the web: `flask import-url` and the Fetch control, against a local server of saved pages."""

from __future__ import annotations

import io
from datetime import date

import pytest

from annotator.db.models import Article
from tests.fixtures.app import csrf_token, rows
from tests.fixtures.htmltree import page
from tests.fixtures.page_server import PAGES, PageServer


@pytest.fixture
def pages(app):
    """The local server, its host allowed (the one exemption from the public-address rule); small limits."""
    app.config.update(FETCH_ALLOWED_HOSTS=frozenset({"127.0.0.1"}), FETCH_TIMEOUT=1.5, FETCH_MAX_BYTES=100_000)
    with PageServer() as server:
        yield server


def import_url(runner, url: str, *options: str):
    return runner.invoke(args=["import-url", url, *options])


def test_import_url_adds_the_article_with_its_metadata(app, runner, pages):
    result = import_url(runner, f"{pages.base}/news")
    assert result.exit_code == 0, result.output
    article = rows(app, Article)[-1]
    assert result.output.startswith(f"Imported article {article.id}: /articles/{article.id}")
    assert (article.title, article.author, article.publisher, article.published_on) == (
        "Jobless rate falls to 3.9% in May",
        "Ann Writer",
        "Daily Example",
        date(2026, 11, 20),
    )
    assert article.source_url == "https://news.example/economy/jobless-rate-may"  # the page's canonical address
    assert article.text.startswith("The minister for work said") and "bob77" not in article.text


def test_a_page_in_latin_1_without_a_canonical_link_keeps_the_address_that_answered(app, runner, pages):
    assert import_url(runner, f"{pages.base}/latin1", "--title", "Chômage").exit_code == 0
    article = rows(app, Article)[-1]
    assert article.title == "Chômage" and "« un niveau inédit depuis quinze ans »" in article.text
    assert article.source_url == f"{pages.base}/latin1"


def test_redirects_are_followed_five_times_at_most(app, runner, pages):
    assert import_url(runner, f"{pages.base}/hop/5").exit_code == 0  # 5 redirects, then the page
    result = import_url(runner, f"{pages.base}/hop/6")
    assert result.exit_code == 1 and "More than 5 redirects" in result.output


@pytest.mark.parametrize(
    "path, message",
    [
        ("/to-private", "10.1.2.3 cannot be fetched: it could not be found, or it is not a public web address"),
        ("/to-ftp", "Only http:// and https://"),
        ("/empty", "No article text was found"),
        ("/pdf", "is not a web page (application/pdf)"),
        ("/missing", "answered 404"),
        ("/big", "larger than"),
        ("/big-undeclared", "larger than"),
        ("/slow", "in time"),
        ("/drip", "took too long"),
    ],
)
def test_pages_that_cannot_be_imported_fail_in_one_line_and_add_nothing(app, runner, pages, path, message):
    before = len(rows(app, Article))
    result = import_url(runner, f"{pages.base}{path}")
    assert result.exit_code == 1 and message in result.output, result.output
    assert len(result.output.strip().splitlines()) == 1 and "Traceback" not in result.output
    assert len(rows(app, Article)) == before


def test_without_the_exemption_the_local_server_is_refused(app, runner, pages):
    app.config["FETCH_ALLOWED_HOSTS"] = frozenset()
    result = import_url(runner, f"{pages.base}/news")
    assert result.exit_code == 1 and "127.0.0.1 cannot be fetched" in result.output
    assert "localhost cannot be fetched" in import_url(runner, "http://localhost:9/").output


def test_import_article_reads_a_saved_page_offline(app, runner, tmp_path):
    result = runner.invoke(args=["import-article", str(PAGES / "news.html")])
    assert result.exit_code == 0, result.output
    article = rows(app, Article)[-1]
    assert (article.title, article.author) == ("Jobless rate falls to 3.9% in May", "Ann Writer")
    assert article.source_url == "https://news.example/economy/jobless-rate-may"


def fetch(client, *, url: str = "", page_bytes: bytes | None = None, filename: str = "saved.html"):
    data = {"csrf_token": csrf_token(client, "/articles/new"), "url": url}
    if page_bytes is not None:
        data["page"] = (io.BytesIO(page_bytes), filename)
    return client.post("/articles/fetch", data=data, content_type="multipart/form-data")


def form_values(response) -> dict:
    root = page(response)
    values = {
        name: root.find("input", id=name).get("value")
        for name in ("title", "author", "publisher", "source_url", "published_on")
    }
    return values | {"text": root.find("textarea", id="text").text().lstrip("\r\n")}  # as a browser reads it


def test_fetch_fills_the_new_article_form_and_stores_nothing_until_added(app, reviewer_client, pages):
    before = len(rows(app, Article))
    response = fetch(reviewer_client, url=f"{pages.base}/news")
    assert response.status_code == 200
    values = form_values(response)
    assert values["title"] == "Jobless rate falls to 3.9% in May" and values["author"] == "Ann Writer"
    assert (values["publisher"], values["published_on"]) == ("Daily Example", "2026-11-20")
    assert values["source_url"] == "https://news.example/economy/jobless-rate-may"
    assert values["text"].startswith("The minister for work said")
    assert page(response).by_id("fetched-notice") is not None
    assert len(rows(app, Article)) == before
    values["csrf_token"] = csrf_token(reviewer_client, "/articles/new")
    added = reviewer_client.post("/articles/new", data=values)
    assert added.status_code == 303
    assert rows(app, Article)[-1].author == "Ann Writer"


def test_fetch_reads_an_uploaded_page_offline(app, reviewer_client):
    response = fetch(reviewer_client, page_bytes=(PAGES / "latin1.html").read_bytes())
    assert response.status_code == 200 and form_values(response)["author"] == "Hélène Dupré"


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({}, "Give the article's web address, or choose a saved page."),
        ({"url": "file:///etc/passwd"}, "Only http:// and https://"),
        ({"url": "http://127.0.0.1:9/news"}, "is not a public web address"),
        ({"page_bytes": (PAGES / "no-article.html").read_bytes()}, "No article text was found"),
        ({"page_bytes": b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n", "filename": "report.pdf"}, "report.pdf is a PDF file"),
    ],
)
def test_fetch_problems_answer_422_with_the_reason(app, reviewer_client, kwargs, message):
    response = fetch(reviewer_client, **kwargs)
    assert response.status_code == 422
    assert message in page(response).find("ul", class_="errors").text()
    assert not [a for a in rows(app, Article) if a.author]


def test_a_binary_file_given_as_a_saved_page_is_refused_by_its_content(app, reviewer_client):
    from tests.fixtures.binary_files import PDF, SAMPLES

    before = len(rows(app, Article))
    response = fetch(reviewer_client, page_bytes=PDF, filename="report.pdf")
    assert response.status_code == 422
    assert page(response).by_id("page-errors").text().strip() == (
        "report.pdf is a PDF file, not text or a web page; reading PDFs is not supported yet."
    )
    for _name, data, kind in SAMPLES:
        renamed = fetch(reviewer_client, page_bytes=data, filename="saved.html")
        assert renamed.status_code == 422 and f"saved.html is {kind}" in page(renamed).by_id("page-errors").text()
    assert len(rows(app, Article)) == before
