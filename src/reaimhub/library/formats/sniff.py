"""Detect a file's media type from its bytes. The extension only breaks ties for damaged containers."""

from __future__ import annotations

import codecs
import html
import json
import re
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import PurePath

import charset_normalizer

from .archive import open_zip, read_member

__all__ = [
    "BINARY",
    "DOC",
    "DOCM",
    "DOCX",
    "EMPTY",
    "GZIP",
    "HTML",
    "JSON",
    "MARKDOWN",
    "ODT",
    "PDF",
    "TEXT",
    "decode_text",
    "decoding_once",
    "describe",
    "extension",
    "html_title",
    "looks_like_markdown",
    "sniff",
]

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
DOCM = "application/vnd.ms-word.document.macroEnabled.12"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
ODT = "application/vnd.oasis.opendocument.text"
ZIP = "application/zip"
GZIP = "application/gzip"
DOC = "application/msword"
XLS = "application/vnd.ms-excel"
PPT = "application/vnd.ms-powerpoint"
OLE = "application/x-ole-storage"
RTF = "application/rtf"
HTML = "text/html"
XML = "application/xml"
JSON = "application/json"
MARKDOWN = "text/markdown"
TEXT = "text/plain"
EMPTY = "application/x-empty"
BINARY = "application/octet-stream"

# Leading bytes of formats we recognise only to name them in an error message.
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"II*\x00", "image/tiff"),
    (b"MM\x00*", "image/tiff"),
    (b"\x1f\x8b", GZIP),
    (b"7z\xbc\xaf\x27\x1c", "application/x-7z-compressed"),
    (b"Rar!\x1a\x07", "application/vnd.rar"),
    (b"{\\rtf", RTF),
)

_NAMES = {
    PDF: "a PDF document",
    DOCX: "a DOCX (Word) document",
    DOCM: "a macro-enabled Word document (.docm)",
    XLSX: "an Excel workbook (.xlsx)",
    PPTX: "a PowerPoint presentation (.pptx)",
    ODT: "an OpenDocument text (.odt)",
    ZIP: "a ZIP archive",
    GZIP: "a gzip-compressed file",
    DOC: "a legacy Word .doc (OLE2) file",
    XLS: "a legacy Excel .xls file",
    PPT: "a legacy PowerPoint .ppt file",
    OLE: "an OLE2 compound file (legacy Microsoft Office)",
    RTF: "an RTF document",
    HTML: "an HTML page",
    XML: "XML data",
    JSON: "JSON data",
    MARKDOWN: "Markdown text",
    TEXT: "plain text",
    EMPTY: "an empty file",
    BINARY: "unrecognised binary data",
}

_CONTENT_TYPES_BYTES = 64 * 1024  # [Content_Types].xml is a few KiB: enough to see "macroEnabled"
_HTML_MARKERS = (b"<!doctype html", b"<html", b"<head", b"<body")
_ANY_TAG = re.compile(rb"<(?:[a-z][a-z0-9]*)[\s/>]")
_MEDIA_TYPE = re.compile(r"^[\w.+-]+/[\w.+-]+$")
_TITLE = re.compile(r"<title[^>]*>(.*?)</title", re.IGNORECASE | re.DOTALL)
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_MD_SIGNALS = (
    re.compile(r"^#{1,6}\s+\S", re.MULTILINE),  # ATX heading
    re.compile(r"^\s*\|?\s*:?-{3,}:?\s*\|", re.MULTILINE),  # pipe-table separator
    re.compile(r"^```", re.MULTILINE),  # fenced code
    re.compile(r"!?\[[^\]\n]+\]\([^)\s]+\)"),  # inline link or image
    re.compile(r"\*\*[^*\n]+\*\*"),  # strong emphasis
)


def extension(filename: str) -> str:
    """The lower-cased last suffix ('.pdf'), or '' when there is none."""
    return PurePath(filename).suffix.lower()


def describe(media_type: str) -> str:
    """A short phrase for people: 'a PDF document', 'an HTML page'."""
    if media_type.startswith("image/"):
        return f"an image ({media_type.split('/', 1)[1].upper()})"
    return _NAMES.get(media_type, media_type)


def sniff(data: bytes, filename: str) -> str:
    """The media type of `data`, judged by content; `filename` only names damaged containers."""
    if not data:
        return EMPTY
    # Containers first: a ZIP can store a PDF, and "%PDF-" would then appear in its first KiB.
    if data.startswith(b"PK\x03\x04"):
        return _sniff_zip(data, extension(filename))
    if data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return _sniff_ole(data)
    if b"%PDF-" in data[:1024]:
        return PDF
    for magic, media_type in _MAGIC:
        if data.startswith(magic):
            return media_type
    return _sniff_text(data, extension(filename))


def _sniff_zip(data: bytes, ext: str) -> str:
    """The ZIP flavour, from its member names and the bounded start of two small members; an
    archive past the unpacking limits is refused here, before any member is inflated (archive.py)."""
    try:
        with open_zip(data) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:  # ODF, EPUB: the first entry names the type
                declared = read_member(archive, "mimetype", 100).decode("ascii", "replace").strip()
                return declared if _MEDIA_TYPE.match(declared) else ZIP
            content_types = (
                read_member(archive, "[Content_Types].xml", _CONTENT_TYPES_BYTES)
                if "[Content_Types].xml" in names
                else b""
            )
    except (zipfile.BadZipFile, OSError, KeyError, ValueError, RuntimeError, NotImplementedError):
        # A damaged container: trust the name so the handler can report it as corrupt.
        return DOCX if ext == ".docx" else ZIP
    if "word/document.xml" in names:
        return DOCM if b"macroEnabled" in content_types else DOCX
    if "xl/workbook.xml" in names:
        return XLSX
    if "ppt/presentation.xml" in names:
        return PPTX
    return DOCX if ext == ".docx" else ZIP


def _sniff_ole(data: bytes) -> str:
    """Name the OLE2 flavour by the stream names in its directory (UTF-16LE)."""
    for stream, media_type in (("WordDocument", DOC), ("Workbook", XLS), ("PowerPoint Document", PPT)):
        if stream.encode("utf-16-le") in data:
            return media_type
    return OLE


def _sniff_text(data: bytes, ext: str) -> str:
    text = decode_text(data)
    if text is None:
        return BINARY
    head = text.lstrip("\ufeff \t\r\n")[:1024]
    if head.startswith("<"):
        lowered = head.lower().encode("utf-8", "replace")
        if any(marker in lowered for marker in _HTML_MARKERS):
            return HTML
        if ext in (".html", ".htm", ".xhtml") and _ANY_TAG.search(lowered):
            return HTML
        if head.startswith("<?xml"):
            return XML
    if head[:1] in ("{", "["):
        try:
            json.loads(text)
        except ValueError:
            pass
        else:
            return JSON
    if ext in (".md", ".markdown") or looks_like_markdown(text):
        return MARKDOWN
    return TEXT


def looks_like_markdown(text: str) -> bool:
    """Clear Markdown signals: at least two different kinds of Markdown syntax."""
    sample = text[:20000]
    return sum(1 for signal in _MD_SIGNALS if signal.search(sample)) >= 2


# Inside `decoding_once`: the last (bytes, decode_text result), so sniffing and the handler decode once.
_LAST_DECODED: ContextVar[list[tuple[bytes, str | None]] | None] = ContextVar("_LAST_DECODED", default=None)


@contextmanager
def decoding_once() -> Iterator[None]:
    """Within the block, `decode_text` decodes a given bytes object only once (scope: one extract)."""
    token = _LAST_DECODED.set([])
    try:
        yield
    finally:
        _LAST_DECODED.reset(token)


def decode_text(data: bytes) -> str | None:
    """Decode text (BOM, then UTF-8, then charset-normalizer); None when it is not text."""
    last = _LAST_DECODED.get()
    if last is None:
        return _decode_text(data)
    if last and last[0][0] is data:
        return last[0][1]
    text = _decode_text(data)
    last[:] = [(data, text)]
    return text


def _decode_text(data: bytes) -> str | None:
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(codec)
            except UnicodeDecodeError:
                return None
    if b"\x00" in data:
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    best = charset_normalizer.from_bytes(data).best()
    if best is None:
        return None
    text = str(best)
    controls = sum(1 for ch in text[:4096] if ord(ch) < 32 and ch not in "\t\n\r\f")
    return None if controls > len(text[:4096]) // 100 else text


def html_title(data: bytes) -> str | None:
    """The <title> of an HTML page, whitespace collapsed, or None."""
    head = data[:65536]
    codec = next((codec for bom, codec in _BOMS if head.startswith(bom)), "utf-8")
    text = head.decode(codec, "replace")
    match = _TITLE.search(text)
    if match is None:
        return None
    title = " ".join(html.unescape(match.group(1)).split())
    return title or None
