"""Files that are not articles, made byte for byte as the tools that write them do (headers, containers),
for the tests that the app recognises them by their content. Small: a pixel, a sentence."""
from __future__ import annotations

import gzip
import io
import struct
import zipfile
import zlib
from pathlib import Path

FILES = Path(__file__).resolve().parent / "fixtures" / "files"
PDF = (FILES / "report.pdf").read_bytes()  # ASCII only, as many PDF writers produce: it decodes as UTF-8


def png() -> bytes:
    """A 1x1 white PNG (signature, IHDR, IDAT, IEND with their CRCs)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00\xff\xff\xff"))
            + chunk(b"IEND", b""))


def jpeg() -> bytes:
    """The start of a JFIF JPEG (SOI, APP0 'JFIF'), as cameras and editors write it."""
    return b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xdb\x00\x43\x00" + bytes(64)


def gif() -> bytes:
    """A 1x1 GIF89a."""
    return (b"GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00!\xf9\x04\x01\x00\x00\x00\x00"
            b",\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;")


def webp() -> bytes:
    """A RIFF container of a lossless WebP."""
    payload = b"WEBPVP8L" + struct.pack("<I", 10) + b"\x2f\x00\x00\x00\x10\x07\x10\x11\x11\x88"
    return b"RIFF" + struct.pack("<I", len(payload)) + payload


def docx() -> bytes:
    """A Word document: a ZIP of [Content_Types].xml, _rels and word/document.xml."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
                         'package/2006/content-types"><Override PartName="/word/document.xml" ContentType="application/'
                         'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>')
        archive.writestr("_rels/.rels", '<?xml version="1.0"?><Relationships/>')
        archive.writestr("word/document.xml", '<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats'
                         '.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>Unemployment fell.</w:t></w:r></w:p>'
                         '</w:body></w:document>')
    return buffer.getvalue()


def odt() -> bytes:
    """An OpenDocument text: a ZIP whose first entry, stored uncompressed, is its mimetype."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text", compress_type=zipfile.ZIP_STORED)
        archive.writestr("content.xml", '<?xml version="1.0"?><office:document-content xmlns:office="urn:oasis:names:'
                         'tc:opendocument:xmlns:office:1.0"><office:body><office:text>Unemployment fell.'
                         '</office:text></office:body></office:document-content>', compress_type=zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def plain_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("article.txt", "Unemployment fell to 3.9% in May.")
    return buffer.getvalue()


def legacy_doc() -> bytes:
    """The header of an OLE2 compound file (Word 97-2003 .doc)."""
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(16) + b"\x3e\x00\x03\x00\xfe\xff\x09\x00" + bytes(480)


def gzipped() -> bytes:
    return gzip.compress(b"Unemployment fell to 3.9% in May.", mtime=0)


def with_nul_bytes() -> bytes:
    """No known signature, but NUL bytes: some binary format."""
    return b"SQLite format 3\x00\x10\x00\x01\x01\x00@  "


# (file name, content, how the app names it)
SAMPLES = [
    ("report.pdf", PDF, "a PDF file"),
    ("photo.png", png(), "a PNG image"),
    ("photo.jpg", jpeg(), "a JPEG image"),
    ("anim.gif", gif(), "a GIF image"),
    ("photo.webp", webp(), "a WebP image"),
    ("story.docx", docx(), "a Word document (.docx)"),
    ("story.odt", odt(), "an OpenDocument text (.odt)"),
    ("story.doc", legacy_doc(), "a legacy Office file"),
    ("archive.zip", plain_zip(), "a ZIP archive"),
    ("story.txt.gz", gzipped(), "a gzip archive"),
    ("data.bin", with_nul_bytes(), "a binary file"),
]
