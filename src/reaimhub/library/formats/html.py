"""HTML: main text via trafilatura (boilerplate removed); clean document pages are walked directly."""

from __future__ import annotations

import codecs
import logging
import re
from typing import Any

import lxml.html  # type: ignore[import-untyped]
import trafilatura
from lxml import etree

from reaimhub.model import Extracted, IngestError, RawPage

from .base import FormatHandler
from .html_blocks import classify_html, classify_trafilatura, walk
from .sniff import HTML, decode_text

__all__ = ["HtmlHandler"]

log = logging.getLogger(__name__)

_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_BOMS = (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_VISIBLE_TEXT = (
    ".//text()[not(ancestor::script or ancestor::style or ancestor::noscript or ancestor::template)]"
)
_CHROME = "//nav|//aside|//footer|//form|//menu|//*[@role='navigation' or @role='banner' or @role='search']"
# A page without navigation chrome and with (almost) no links is a document, not a web site page.
_MAX_LINK_DENSITY = 0.02


class HtmlHandler(FormatHandler):
    media_types = (HTML,)
    extensions = (".html", ".htm", ".xhtml")

    def extract(self, data: bytes, filename: str) -> Extracted:
        text = _XML_DECLARATION.sub("", _decode(data), count=1)
        try:
            root = lxml.html.document_fromstring(text)
        except (etree.ParserError, ValueError) as exc:
            raise IngestError("no_text", "the HTML page has no content") from exc
        body = root.find("body")
        body = root if body is None else body
        found = None if _is_document(body) else _trafilatura(text)
        blocks = []
        if found is not None and found.body is not None:
            blocks = walk(found.body, classify_trafilatura)
        if not blocks:  # a document page, or nothing trafilatura would call main text
            blocks = walk(body, classify_html)
        if not blocks:
            raise IngestError("no_text", "no readable text in the HTML page")
        meta = found if found is not None else _guarded(trafilatura.extract_metadata, text)
        page = RawPage(number=1, blocks=blocks)
        return Extracted(media_type=HTML, pages=[page], metadata=_metadata(meta, root))


def _decode(data: bytes) -> str:
    """BOM, UTF-8, the <meta> charset, then charset-normalizer."""
    declared = _META_CHARSET.search(data[:4096])
    if declared is not None and not data.startswith(_BOMS):
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            try:
                return data.decode(declared.group(1).decode("ascii"))
            except (LookupError, UnicodeDecodeError):
                pass
    text = decode_text(data)
    return text if text is not None else data.decode("utf-8", "replace")


def _is_document(body: Any) -> bool:
    if body.xpath(_CHROME):
        return False
    text = len(" ".join(" ".join(body.xpath(_VISIBLE_TEXT)).split()))
    links = sum(len(" ".join(a.text_content().split())) for a in body.iter("a"))
    return text > 0 and links <= text * _MAX_LINK_DENSITY


def _trafilatura(text: str) -> Any:
    return _guarded(
        trafilatura.bare_extraction,
        text,
        with_metadata=True,
        include_comments=False,
        include_tables=True,
        include_formatting=True,
    )


def _guarded(function: Any, *args: Any, **kwargs: Any) -> Any:
    """Call trafilatura; a failure there leaves the plain lxml walk, not a failed ingest."""
    try:
        return function(*args, **kwargs)
    except Exception:  # trafilatura and its helpers (htmldate, justext) fail in varied ways
        log.warning("trafilatura failed; falling back to the plain HTML walk", exc_info=True)
        return None


def _metadata(found: Any, root: Any) -> dict[str, str]:
    meta: dict[str, str] = {}
    for key in ("title", "author", "date", "sitename", "description", "url"):
        value = getattr(found, key, None)
        if isinstance(value, str) and value.strip() and value.strip() != "-":
            meta[key] = " ".join(value.split())
    if "date" in meta and not _ISO_DATE.match(meta["date"]):
        del meta["date"]
    title = root.findtext(".//title")
    if title and title.strip():
        meta["html_title"] = " ".join(title.split())  # the <title> as written, site name and all
        meta.setdefault("title", meta["html_title"])
    h1 = root.find(".//h1")
    if h1 is not None and " ".join(h1.text_content().split()):
        meta["h1"] = " ".join(h1.text_content().split())
    lang = (root.get("lang") or root.get("{http://www.w3.org/XML/1998/namespace}lang") or "").strip()
    if lang:
        meta["language"] = lang.split("-")[0].split("_")[0].lower()
    return meta
