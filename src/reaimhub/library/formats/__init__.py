"""Format handlers: sniff a file's content and extract its text (PDF, DOCX, HTML, Markdown, plain text).

extract(data, filename) -> Extracted      # raises IngestError with a stable code
sniff(data, filename) -> media type       # judged by content, never by the extension alone
"""

from __future__ import annotations

from reaimhub.model import Extracted

from .base import FormatHandler, Registry
from .docx import DocxHandler
from .html import HtmlHandler
from .messages import ERROR_CODES
from .pdf import PdfHandler
from .sniff import sniff
from .text import TextHandler

__all__ = ["ERROR_CODES", "REGISTRY", "FormatHandler", "Registry", "extract", "sniff"]

REGISTRY = Registry([PdfHandler(), DocxHandler(), HtmlHandler(), TextHandler()])


def extract(data: bytes, filename: str) -> Extracted:
    """Extract text and metadata from a file's bytes; IngestError says why when it cannot."""
    return REGISTRY.extract(data, filename)
