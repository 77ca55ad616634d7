"""The article in a web page: its main text and metadata, extracted with trafilatura.

Navigation, adverts, comments and footers are left out; each paragraph of the text is one
line, as articles are stored. A file given as an article is read by its content, never its name
(:func:`article_of_file`): a web page, text, or refused in a sentence (a PDF, an image, an archive…).
Pure apart from trafilatura: no Flask, no database.
"""

from __future__ import annotations

import codecs
import io
import re
import zipfile
from dataclasses import dataclass
from datetime import date

import trafilatura
from trafilatura.settings import Document

from annotator.domain.text import canonicalize, one_line


class ExtractionError(ValueError):
    """Why no article could be taken from the page, in a sentence."""


@dataclass(frozen=True)
class ExtractedArticle:
    title: str
    text: str  # canonical, one paragraph per line
    author: str | None = None
    publisher: str | None = None
    published_on: date | None = None
    canonical_url: str | None = None


def decode(body: bytes, charset: str | None) -> str | bytes:
    """The page as text when the server named its encoding; otherwise the bytes, for trafilatura
    to decode by the page's own <meta charset> (or by guessing)."""
    if charset:
        try:
            return body.decode(charset, errors="replace")
        except LookupError:  # an encoding Python does not know: let the page say
            return body
    return body


def extract_article(page: str | bytes, url: str | None = None) -> ExtractedArticle:
    """The page's article; ExtractionError when it holds no article text."""
    found = trafilatura.bare_extraction(
        page, url=url, with_metadata=True, include_comments=False, include_tables=False, favor_precision=True
    )
    # None when the page holds nothing (a dict only with as_dict=True, which is not asked for).
    text = canonicalize((found.text or "") if isinstance(found, Document) else "")
    if not isinstance(found, Document) or len(text) < 40:  # a sign-in form or a list of links is not an article
        raise ExtractionError("No article text was found on the page.")
    title = one_line(found.title) or ""
    lines = text.split("\n")
    if title and lines[0].strip() == title and len(lines) > 1:  # the headline, kept apart as the title
        text = "\n".join(lines[1:]).strip()
    url = found.url or ""
    canonical = url if url.startswith(("http://", "https://")) and len(url) <= 2000 else None
    return ExtractedArticle(  # cut to the lengths the article's columns take
        title=(title or lines[0])[:300],
        text=text,
        author=(one_line(found.author) or "")[:200] or None,
        publisher=(one_line(found.sitename) or "")[:200] or None,
        published_on=_date(found.date),
        canonical_url=canonical,
    )


def _date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None


class NotArticleFile(ValueError):
    """A file that holds neither text nor a web page (a PDF, an image, an archive…), in a sentence."""


PDF = "a PDF file"
LEGACY_OFFICE = "a legacy Office file (Word .doc, Excel .xls or PowerPoint .ppt)"
RTF = "an RTF document"
DOCX, ODT = "a Word document (.docx)", "an OpenDocument text (.odt)"
# The first bytes (magic numbers) of the binary files people most often mistake for an article.
MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", PDF),
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"II*\x00", "a TIFF image"),
    (b"MM\x00*", "a TIFF image"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", LEGACY_OFFICE),
    (b"{\\rtf", RTF),
    (b"\x1f\x8b", "a gzip archive"),
    (b"BZh", "a bzip2 archive"),
    (b"\xfd7zXZ\x00", "an xz archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"Rar!\x1a\x07", "a RAR archive"),
    (b"\x7fELF", "a program"),
)
ZIP_SIGNATURES = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
# What a ZIP container holds, by its OpenDocument/EPUB "mimetype" entry or its Office folders.
ZIP_MIMETYPES = {
    "application/vnd.oasis.opendocument.text": ODT,
    "application/epub+zip": "an EPUB e-book",
}
OFFICE_FOLDERS = (("word/", DOCX), ("xl/", "an Excel workbook (.xlsx)"), ("ppt/", "a PowerPoint presentation (.pptx)"))
DOCUMENTS = frozenset({LEGACY_OFFICE, RTF, DOCX, ODT})  # word-processor files: their text can be saved or pasted
HTML_TAG = re.compile(rb"<(?:!doctype\s+html|html)[\s>]", re.IGNORECASE)
MARKUP = re.compile(rb"<[a-zA-Z!/?]")


def _zip_kind(data: bytes) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
            if "mimetype" in names and archive.getinfo("mimetype").file_size < 200:
                mimetype = archive.read("mimetype").decode("ascii", "replace").strip()
                if mimetype in ZIP_MIMETYPES:
                    return ZIP_MIMETYPES[mimetype]
                if mimetype.startswith("application/vnd.oasis.opendocument."):
                    return "an OpenDocument file"
            for folder, kind in OFFICE_FOLDERS:
                if any(name.startswith(folder) for name in names):
                    return kind
    except Exception:  # noqa: BLE001 - a damaged or truncated archive is still an archive
        pass
    return "a ZIP archive"


def binary_kind(data: bytes) -> str | None:
    """What a file that is not text nor a web page is, by its content (never its name): "a PDF file",
    "a PNG image", "a Word document (.docx)", "a ZIP archive", "a binary file" (NUL bytes)…; None when
    it may be text or HTML."""
    for magic, kind in MAGIC:
        if data.startswith(magic):
            return kind
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "a WebP image"
    if data.startswith(ZIP_SIGNATURES):
        return _zip_kind(data)
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return None  # UTF-16 text holds NUL bytes: refused as text that is not UTF-8
    if b"\x00" in data:
        return "a binary file"
    return None


def looks_like_html(data: bytes) -> bool:
    """Whether the file starts as a web page does: a doctype or an <html> tag, after a byte-order mark,
    white space, an XML declaration and comments (such as a browser's "saved from" note)."""
    head = data[:4096].removeprefix(codecs.BOM_UTF8)
    while True:
        head = head.lstrip()
        closing = b"-->" if head.startswith(b"<!--") else b"?>" if head.startswith(b"<?xml") else None
        if closing is None:
            return HTML_TAG.match(head) is not None
        end = head.find(closing)
        if end < 0:
            return False
        head = head[end + len(closing) :]


def _refuse(filename: str, kind: str) -> NotArticleFile:
    if kind == PDF:
        hint = "; reading PDFs is not supported yet."
    elif kind in DOCUMENTS:
        hint = "; save it as text (.txt) or a web page (.html), or paste its text."
    else:
        hint = "."
    return NotArticleFile(f"{filename} is {kind}, not text or a web page{hint}")


def article_of_file(filename: str, data: bytes) -> ExtractedArticle:
    """The article in a file, decided by its content: a web page's extracted article and metadata, or a
    text's lines (no title). A file that starts as a web page (:func:`looks_like_html`) is one whatever its
    name; one named .html/.htm is one unless it holds no markup at all (then it is text); anything else
    is text, which must be UTF-8. NotArticleFile (a ValueError)
    for a PDF, an image, an archive, a word-processor file or any file with NUL bytes; ExtractionError
    for a page without an article; ValueError for text that is not UTF-8."""
    kind = binary_kind(data)
    if kind is not None:
        raise _refuse(filename, kind)
    not_utf8 = f"{filename} is not UTF-8 text; save it as UTF-8, or paste its text."
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise ValueError(not_utf8)
    named_page = filename.lower().endswith((".html", ".htm"))
    if looks_like_html(data) or (named_page and MARKUP.search(data)):
        return extract_article(data)  # decoded by the page's own <meta charset>
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise ValueError(not_utf8) from None
    return ExtractedArticle(title="", text=canonicalize(text))


def text_of_file(filename: str, data: bytes) -> str:
    """The article text of a file (see :func:`article_of_file`); ValueError with the reason."""
    return article_of_file(filename, data).text
