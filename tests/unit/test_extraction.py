"""Extracting an article from saved pages: main text without menus, adverts or comments, and its metadata."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from annotator.extraction import ExtractionError, decode, extract_article

PAGES = Path(__file__).resolve().parent.parent / "fixtures" / "pages"


def test_a_news_page_gives_its_article_and_metadata_without_the_clutter():
    found = extract_article((PAGES / "news.html").read_bytes(), "https://news.example/economy/jobless-rate-may?utm=x")
    assert found.title == "Jobless rate falls to 3.9% in May"
    assert (found.author, found.publisher, found.published_on) == ("Ann Writer", "Daily Example", date(2026, 11, 20))
    assert found.canonical_url == "https://news.example/economy/jobless-rate-may"
    lines = found.text.split("\n")
    assert len(lines) == 4 and lines[0].startswith("The minister for work said on Tuesday")
    for clutter in ("Sign in", "ADVERTISEMENT", "Most read", "cheese", "bob77", "FIRST", "All rights reserved",
                    "Jobless rate falls"):
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
