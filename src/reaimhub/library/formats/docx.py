"""DOCX (python-docx): body blocks in document order, footnotes, core-property metadata."""

from __future__ import annotations

import io
import logging
from typing import Any

import docx
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from lxml import etree  # type: ignore[import-untyped]

from reaimhub.model import Block, BlockKind, Extracted, IngestError, RawPage

from .archive import open_zip, read_member, stored_copy
from .base import FormatHandler
from .docx_body import BodyWalker, paragraph_text
from .docx_numbering import Numbering, Styles, qn
from .sniff import DOCX

__all__ = ["DocxHandler"]

log = logging.getLogger(__name__)

# ISO 29500 Strict namespaces -> their Transitional equivalents (python-docx reads Transitional only).
_STRICT = tuple(
    (b"http://purl.oclc.org/ooxml/" + strict, b"http://schemas.openxmlformats.org/" + transitional)
    for strict, transitional in (
        (b"wordprocessingml/main", b"wordprocessingml/2006/main"),
        (b"officeDocument/relationships", b"officeDocument/2006/relationships"),
        (b"officeDocument/math", b"officeDocument/2006/math"),
        (b"officeDocument/sharedTypes", b"officeDocument/2006/sharedTypes"),
        (b"drawingml/main", b"drawingml/2006/main"),
        (b"drawingml/wordprocessingDrawing", b"drawingml/2006/wordprocessingDrawing"),
        (b"drawingml/picture", b"drawingml/2006/picture"),
    )
)
_SAFE_XML = etree.XMLParser(resolve_entities=False, no_network=True)
_NOT_NOTES = frozenset({"separator", "continuationSeparator", "continuationNotice"})


class DocxHandler(FormatHandler):
    media_types = (DOCX,)
    extensions = (".docx",)

    def extract(self, data: bytes, filename: str) -> Extracted:
        document = _open(data)
        try:
            styles = Styles(_element(document.part, RT.STYLES))
            walker = BodyWalker(styles, Numbering(_element(document.part, RT.NUMBERING), styles))
            blocks = list(walker.blocks(document.element.body))
            blocks += _footnotes(document.part)
            metadata = _metadata(document.core_properties)
        except IngestError:
            raise
        except Exception as exc:  # python-docx/lxml fail in many ways on malformed parts
            log.warning("unreadable DOCX %s", filename, exc_info=True)
            raise IngestError("corrupt", f"the DOCX document cannot be read ({type(exc).__name__})") from exc
        if not blocks:
            raise IngestError("no_text", "the DOCX document has no text")
        return Extracted(media_type=DOCX, pages=[RawPage(number=1, blocks=blocks)], metadata=metadata)


def _open(data: bytes) -> Any:
    """The python-docx document, once the container is within the unpacking limits (archive.py); it
    reads a copy whose parts were inflated here, within bounds, and stored uncompressed."""
    try:
        with open_zip(data) as archive:
            names = archive.namelist()
            main = read_member(archive, "word/document.xml", 65536) if "word/document.xml" in names else b""
            copy = stored_copy(archive, _to_transitional if _STRICT[0][0] in main else None)
        return docx.Document(io.BytesIO(copy))
    except IngestError:
        raise
    except Exception as exc:  # BadZipFile, KeyError (missing part), XMLSyntaxError, ValueError, ...
        message = f"the DOCX file is damaged or truncated and cannot be opened ({type(exc).__name__})"
        raise IngestError("corrupt", message) from exc


def _to_transitional(name: str, blob: bytes) -> bytes:
    """A part of an ISO 29500 Strict document in Transitional namespaces (python-docx reads those)."""
    if name.endswith((".xml", ".rels")):
        for strict, transitional in _STRICT:
            blob = blob.replace(strict, transitional)
    return blob


def _element(part: Any, reltype: str) -> Any:
    """The parsed XML of the part related by `reltype`, or None."""
    try:
        related = part.part_related_by(reltype)
    except KeyError:
        return None
    element = getattr(related, "element", None)
    return element if element is not None else etree.fromstring(related.blob, _SAFE_XML)


def _footnotes(part: Any) -> list[Block]:
    root = _element(part, RT.FOOTNOTES)
    if root is None:
        return []
    notes = []
    for note in root.iterchildren(qn("w:footnote")):
        note_id = note.get(qn("w:id")) or ""
        if note.get(qn("w:type")) in _NOT_NOTES or note_id in ("-1", "0"):
            continue
        text = " ".join(t for t in (paragraph_text(p) for p in note.iter(qn("w:p"))) if t)
        if text:
            notes.append(Block(BlockKind.FOOTNOTE, " ".join(text.split()), label=note_id))
    return notes


def _metadata(props: Any) -> dict[str, str]:
    meta: dict[str, str] = {}
    for key, value in (("title", props.title), ("author", props.author), ("language", props.language)):
        if value and value.strip():
            meta[key] = " ".join(value.split())
    if props.created is not None and props.created.year > 1900:
        meta["date"] = props.created.date().isoformat()
    return meta
