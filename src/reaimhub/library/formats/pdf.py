"""PDF: the text layer of each page (pypdfium2), one RawPage per page; a page without one (a scan) is
read by OCR (`reaimhub.library.ocr`) unless that is turned off."""

from __future__ import annotations

import datetime as dt
import logging
import re
import threading

import numpy as np
import pypdfium2 as pdfium  # type: ignore[import-untyped]

from reaimhub.library import ocr
from reaimhub.model import Extracted, IngestError, OcrNote, RawPage

from .base import FormatHandler
from .sniff import PDF

__all__ = ["PdfHandler", "pdf_date"]

log = logging.getLogger(__name__)

_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_PDF_DATE = re.compile(r"^(?:D:)?(\d{4})(\d{2})(\d{2})")
# pdfium's load errors (fpdfview.h): FPDF_ERR_PASSWORD, FPDF_ERR_SECURITY.
_ERR_PASSWORD = 4
_ERR_SECURITY = 5
# Titles that name a file rather than the document ("Microsoft Word - 1234tmp.xml", "untitled").
_FILE_TITLE = re.compile(r"(^untitled$)|(\.(docx?|xml|pdf|tiff?|exe|tmp|rtf|indd|qxd)$)|(^[a-z]:\\)", re.I)
# PDFium is not thread-safe: one document at a time per process.
_PDFIUM_LOCK = threading.Lock()


class PdfHandler(FormatHandler):
    media_types = (PDF,)
    extensions = (".pdf",)

    def extract(self, data: bytes, filename: str) -> Extracted:
        with _PDFIUM_LOCK:
            doc = _open(data)
        try:
            with _PDFIUM_LOCK:
                pages = [RawPage(number=i + 1, lines=_page_lines(doc, i)) for i in range(len(doc))]
                info = _info(doc)
            scanned = [page for page in pages if not _has_text(page)]
            options = ocr.current_options()
            why_not = ocr.missing(options) if scanned else None
            notes = _read_scans(doc, scanned, options, filename) if scanned and why_not is None else {}
        finally:
            with _PDFIUM_LOCK:
                doc.close()
        if not pages:
            raise IngestError("no_text", "the PDF has no pages")
        if not any(_has_text(page) for page in pages):
            raise IngestError("no_text", _no_text(len(pages), why_not, notes))
        return Extracted(media_type=PDF, pages=pages, metadata=_metadata(info), ocr=notes)


def _has_text(page: RawPage) -> bool:
    return any(line.strip() for line in page.lines)


def _read_scans(
    doc: pdfium.PdfDocument, scanned: list[RawPage], options: ocr.OcrOptions, filename: str
) -> dict[int, OcrNote]:
    """OCR of the pages without a text layer, one at a time (pdfium renders under its lock; Tesseract
    runs outside it). Each page's lines replace its empty text layer."""
    notes: dict[int, OcrNote] = {}
    timer = ocr.Timer(filename, len(scanned))
    narrow = True  # until a page says the document's language (ocr.narrowed)
    script = True  # until a page with something on it says the document's script (ocr.by_script)
    for page in scanned:
        pixels = _render(doc, page.number - 1, options.dpi)
        if script and pixels is not None and not ocr.is_blank(pixels):
            options, script = ocr.by_script(pixels, options) or options, False
        read = ocr.read_image(pixels, options) if pixels is not None else ocr.PageText([])
        page.lines = read.lines
        notes[page.number] = OcrNote(read.confidence, read.skipped)
        if narrow and (fewer := ocr.narrowed(options, read)) is not None:
            options, narrow = fewer, False
        if read.skipped:
            log.warning("%s: page %d not read: %s", filename, page.number, read.skipped)
        timer.page_done()
    return notes


def _render(doc: pdfium.PdfDocument, index: int, dpi: int) -> np.ndarray | None:
    """The page in grey (rows x columns, uint8) at `dpi`; None when pdfium cannot draw it."""
    with _PDFIUM_LOCK:
        try:
            page = doc[index]
        except pdfium.PdfiumError:
            return None
        try:
            width, height = page.get_size()
            bitmap = page.render(scale=ocr.render_scale(width, height, dpi), grayscale=True)
            pixels: np.ndarray = bitmap.to_numpy().copy()
            bitmap.close()
            return pixels
        except pdfium.PdfiumError:
            return None
        finally:
            page.close()


def _no_text(count: int, why_not: str | None, notes: dict[int, OcrNote]) -> str:
    """Why a PDF has no text: no text layer, and OCR off, missing, or finding nothing."""
    layer = "no text layer on its page" if count == 1 else f"no text layer on any of its {count} pages"
    layer += " (scanned?)"
    if why_not is not None:
        return f"{layer}; {why_not}"
    skipped = ocr.skipped_summary(notes)
    if skipped:
        return f"{layer}, and OCR read no text: {skipped[4:]}"
    return f"{layer}, and OCR found no words there (pictures without text?)"


def _open(data: bytes) -> pdfium.PdfDocument:
    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        code = getattr(exc, "err_code", None)
        if code == _ERR_PASSWORD or "password" in str(exc).lower():
            message = "the PDF is password-protected; upload a copy without a password"
            raise IngestError("encrypted", message) from exc
        if code == _ERR_SECURITY:
            raise IngestError("encrypted", "the PDF uses an unsupported security handler") from exc
        detail = str(exc).rstrip(".")
        raise IngestError(
            "corrupt", f"the PDF is damaged or truncated and cannot be opened ({detail})"
        ) from exc


def _page_lines(doc: pdfium.PdfDocument, index: int) -> list[str]:
    """The page's text layer split on line breaks; a page pdfium cannot load counts as empty."""
    try:
        page = doc[index]
    except pdfium.PdfiumError:
        return []
    try:
        textpage = page.get_textpage()
        try:
            text: str = textpage.get_text_range()
        finally:
            textpage.close()
    except pdfium.PdfiumError:
        return []
    finally:
        page.close()
    lines = _split_lines(text)
    while lines and not lines[-1].strip():
        lines.pop()
    return lines


def _split_lines(text: str) -> list[str]:
    """`_LINE_BREAK.split(text)`. pdfium ends its lines with CRLF: when every CR is part of a CRLF, the
    same split is a plain split on LF after folding CRLF (string methods, quicker than the regex)."""
    folded = text.replace("\r\n", "\n")
    return folded.split("\n") if "\r" not in folded else _LINE_BREAK.split(text)


def _info(doc: pdfium.PdfDocument) -> dict[str, str]:
    """The document info dictionary; unreadable metadata is no reason to reject the text."""
    try:
        info: dict[str, str] = doc.get_metadata_dict(skip_empty=True)
    except (pdfium.PdfiumError, UnicodeDecodeError, ValueError):
        return {}
    return info


def _metadata(info: dict[str, str]) -> dict[str, str]:
    meta: dict[str, str] = {}
    title = _clean(info.get("Title"))
    if title and not _FILE_TITLE.search(title.removeprefix("Microsoft Word - ")):
        meta["title"] = title
    author = _clean(info.get("Author"))
    if author:
        meta["author"] = author
    date = pdf_date(info.get("CreationDate") or "")
    if date:
        meta["date"] = date
    return meta


def _clean(value: str | None) -> str:
    return " ".join((value or "").replace("\x00", " ").split())


def pdf_date(value: str) -> str | None:
    """'D:20241231120000+01'00'' -> '2024-12-31'; None when absent, partial or impossible (year 0000)."""
    match = _PDF_DATE.match(value.strip())
    if match is None:
        return None
    year, month, day = (int(part) for part in match.groups())
    try:
        return dt.date(year, month, day).isoformat() if year >= 1000 else None
    except ValueError:
        return None
