"""Extracting an article from saved pages: main text without menus, adverts or comments, and its metadata."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from annotator.net.extraction import ExtractionError, decode, extract_article

PAGES = Path(__file__).resolve().parent.parent / "fixtures" / "pages"


def test_a_news_page_gives_its_article_and_metadata_without_the_clutter():
    found = extract_article((PAGES / "news.html").read_bytes(), "https://news.example/economy/jobless-rate-may?utm=x")
    assert found.title == "Jobless rate falls to 3.9% in May"
    assert (found.author, found.publisher, found.published_on) == ("Ann Writer", "Daily Example", date(2026, 11, 20))
    assert found.canonical_url == "https://news.example/economy/jobless-rate-may"
    lines = found.text.split("\n")
    assert len(lines) == 4 and lines[0].startswith("The minister for work said on Tuesday")
    for clutter in (
        "Sign in",
        "ADVERTISEMENT",
        "Most read",
        "cheese",
        "bob77",
        "FIRST",
        "All rights reserved",
        "Jobless rate falls",
    ):
        assert clutter not in found.text


def test_a_page_in_latin_1_is_read_by_its_own_charset():
    found = extract_article((PAGES / "latin1.html").read_bytes())
    assert found.title == "Le chômage recule à 7,1 %" and found.author == "Hélène Dupré"
    assert "« un niveau inédit depuis quinze ans »" in found.text and found.published_on == date(2026, 11, 18)


def test_a_page_without_an_article_is_refused():
    with pytest.raises(ExtractionError, match="No article text"):
        extract_article((PAGES / "no-article.html").read_bytes())
    with pytest.raises(ExtractionError):
        extract_article(b"")


def test_the_servers_charset_decodes_the_body_and_unknown_ones_leave_it_to_the_page():
    body = "déjà".encode("iso-8859-1")
    assert decode(body, "iso-8859-1") == "déjà"
    assert decode(body, "no-such-charset") == body and decode(body, None) == body


# --- files given as articles: by their content, never their name ----------------------------------

from annotator.net.extraction import NotArticleFile, article_of_file, binary_kind, looks_like_html  # noqa: E402
from tests.fixtures.binary_files import SAMPLES  # noqa: E402


@pytest.mark.parametrize("name, data, kind", SAMPLES, ids=[s[0] for s in SAMPLES])
def test_binary_files_are_named_by_their_content_whatever_their_name(name, data, kind):
    assert binary_kind(data).startswith(kind)
    for given in (name, "article.txt", "page.html", "no-extension"):
        with pytest.raises(NotArticleFile) as refused:
            article_of_file(given, data)
        message = str(refused.value)
        assert message.startswith(f"{given} is {kind}") and ", not text or a web page" in message
        assert "\n" not in message


def test_the_messages_say_what_to_do():
    pdf = dict((name, data) for name, data, _ in SAMPLES)["report.pdf"]
    with pytest.raises(
        NotArticleFile,
        match=r"^report\.pdf is a PDF file, not text or a web page; reading PDFs is "
        r"not supported yet\.$",
    ):
        article_of_file("report.pdf", pdf)
    with pytest.raises(NotArticleFile, match="save it as text"):
        article_of_file("story.docx", dict((n, d) for n, d, _ in SAMPLES)["story.docx"])


def test_text_and_web_pages_are_told_apart_by_their_content():
    page = (PAGES / "news.html").read_bytes()
    assert looks_like_html(page) and not looks_like_html(b"Plain words <html> later")
    assert looks_like_html(b"\xef\xbb\xbf\n  <!-- saved from url=(0030)https://news.example/ -->\n<!DOCTYPE html>")
    assert looks_like_html(b'<?xml version="1.0" encoding="utf-8"?>\n<html xmlns="http://www.w3.org/1999/xhtml">')
    # A web page named .txt is read as a web page; a text named .html as text.
    as_txt = article_of_file("page.txt", page)
    assert as_txt.title == "Jobless rate falls to 3.9% in May" and "Sign in" not in as_txt.text
    words = "The minister said unemployment fell to 3.9% in May.\nCritics said the figure was revised twice.\n"
    as_html = article_of_file("notes.html", words.encode())
    assert (as_html.title, as_html.text) == ("", words.strip())
    # Markup named .html is read as a page (the name decides only where the content can't): a bare
    # fragment holds no article for the extractor, rather than being stored tags and all.
    with pytest.raises(ExtractionError):
        article_of_file("fragment.html", b"<p>Unemployment fell.</p>")
    assert article_of_file("fragment.txt", b"<p>Unemployment fell.</p>").text == "<p>Unemployment fell.</p>"
    assert article_of_file("latin1.html", (PAGES / "latin1.html").read_bytes()).author == "Hélène Dupré"


def test_text_must_be_utf_8():
    for encoded in ("Café crème".encode("latin-1"), "Café crème".encode("utf-16")):
        with pytest.raises(ValueError, match="^a.txt is not UTF-8 text; save it as UTF-8, or paste its text.$"):
            article_of_file("a.txt", encoded)
    assert article_of_file("a.txt", "\ufeffCafé crème\r\n".encode("utf-8")).text == "Café crème"
