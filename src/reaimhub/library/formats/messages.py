"""Messages for files that cannot be ingested: wrong extension, unsupported content."""

from __future__ import annotations

from . import sniff as s

__all__ = ["ERROR_CODES", "SUPPORTED", "mismatch", "unsupported"]

# The stable IngestError codes the format handlers raise, and what each means.
ERROR_CODES = {
    "empty_file": "the file has 0 bytes",
    "unsupported_type": "a format REAIM Hub does not read (legacy .doc, ODT, JSON, images, ...)",
    "type_mismatch": "the extension claims one format but the content is another",
    "encrypted": "a password is needed to open the PDF",
    "corrupt": "the file is damaged or truncated and cannot be parsed",
    "no_text": "the file opens but has no text (scanned PDF without a text layer, empty document)",
    "archive_limit": "a ZIP container (a DOCX) that would unpack past the size, ratio or member limits",
}

SUPPORTED = "PDF, DOCX, HTML, Markdown and plain text"
_SAVE_AS = "save it as DOCX or PDF"
_TEXTUAL = frozenset({s.HTML, s.TEXT, s.MARKDOWN})

# What an extension claims the content is. Plain-text names (.txt, .md, none) claim nothing.
_CLAIMS: dict[str, frozenset[str]] = {
    ".pdf": frozenset({s.PDF}),
    ".docx": frozenset({s.DOCX}),
    ".docm": frozenset({s.DOCM}),
    ".doc": frozenset({s.DOC, s.OLE}),
    ".odt": frozenset({s.ODT}),
    ".rtf": frozenset({s.RTF}),
    ".xlsx": frozenset({s.XLSX}),
    ".pptx": frozenset({s.PPTX}),
    ".xls": frozenset({s.XLS, s.OLE}),
    ".ppt": frozenset({s.PPT, s.OLE}),
    ".html": _TEXTUAL,
    ".htm": _TEXTUAL,
    ".xhtml": _TEXTUAL,
}
_RENAME = {
    s.PDF: (".pdf", "a PDF"),
    s.DOCX: (".docx", "a Word document"),
    s.HTML: (".html", "a web page"),
    s.MARKDOWN: (".md", "Markdown"),
    s.TEXT: (".txt", "plain text"),
}
_HINTS = {
    s.DOC: f"legacy Word .doc (OLE2) is not supported; {_SAVE_AS}",
    s.DOCM: f"macro-enabled Word documents (.docm) are not supported; {_SAVE_AS}",
    s.ODT: f"OpenDocument text (.odt) is not supported; {_SAVE_AS}",
    s.RTF: f"RTF is not supported; {_SAVE_AS}",
    s.XLSX: "spreadsheets are not supported; save the document as PDF",
    s.XLS: "legacy Excel .xls spreadsheets are not supported; save the document as PDF",
    s.PPTX: "presentations are not supported; save it as PDF",
    s.PPT: "legacy PowerPoint .ppt presentations are not supported; save it as PDF",
    s.OLE: f"legacy Microsoft Office (OLE2) files are not supported; {_SAVE_AS}",
    s.JSON: f"JSON data is not a document; ingest the document itself ({SUPPORTED})",
    s.XML: f"XML data is not supported; ingest the document as {SUPPORTED}",
    s.ZIP: "ZIP archives are not supported; unpack it and ingest the documents one by one",
    s.GZIP: "gzip-compressed files are not supported (they are not unpacked); ingest the document itself",
}


def unsupported(data: bytes, media_type: str) -> str:
    """Why content of `media_type` cannot be ingested, and what to do instead."""
    if media_type in _HINTS:
        return _HINTS[media_type]
    if media_type.startswith("image/"):
        return f"{s.describe(media_type)} has no text layer and OCR is not available; ingest a PDF with text"
    if media_type.startswith("application/vnd.oasis.opendocument."):
        return f"OpenDocument files ({media_type}) are not supported; {_SAVE_AS}"
    if media_type == s.BINARY:
        start = data[:8].hex(" ")
        return f"unrecognised binary content (starts with {start}); supported formats are {SUPPORTED}"
    return f"{s.describe(media_type)} is not supported; supported formats are {SUPPORTED}"


def mismatch(data: bytes, filename: str, media_type: str) -> str | None:
    """A message when the extension claims a type the content is not, else None."""
    ext = s.extension(filename)
    claimed = _CLAIMS.get(ext)
    if claimed is None or media_type in claimed:
        return None
    found = s.describe(media_type)
    if media_type == s.HTML:
        title = s.html_title(data)
        found += f" (title: '{title}')" if title else ""
    if media_type in _RENAME:
        new_ext, noun = _RENAME[media_type]
        advice = f"rename it to {new_ext} to ingest it as {noun}"
    else:
        advice = unsupported(data, media_type)
    return f"named {ext} but the content is {found}; {advice}"
