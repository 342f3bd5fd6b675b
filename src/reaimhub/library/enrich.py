"""The enrich step: language, title, date, document type and own symbol of a structured document.

Each field is decided by a short list of rules, tried in order; the first that gives an answer wins. The
rules live in `reaimhub.library.language` and `reaimhub.library.metadata` (dates, doctype, symbol, title);
this module puts them together and keeps the names other modules import from here.
"""

from __future__ import annotations

from reaimhub.library.language import _SAMPLE_CHARS, DEFAULT_LANGUAGES, detect_language
from reaimhub.library.metadata.dates import find_date, parse_date, year_named
from reaimhub.library.metadata.doctype import classify_doc_type, looks_like_saved_web_page
from reaimhub.library.metadata.symbol import find_own_symbol
from reaimhub.library.metadata.title import _choose_title
from reaimhub.model import DocType, Enrichment, Structured

_FILE_DATE_PAGES = 3  # how many first pages may confirm a file's date

__all__ = [
    "DEFAULT_LANGUAGES",
    "classify_doc_type",
    "detect_language",
    "enrich",
    "find_date",
    "find_own_symbol",
    "parse_date",
]


def _sample(structured: Structured) -> str:
    parts: list[str] = []
    size = 0
    texts = [p.text for p in structured.paragraphs] or [text for _n, text in structured.pages]
    for text in texts:
        parts.append(text)
        size += len(text)
        if size >= _SAMPLE_CHARS:
            break
    return "\n".join(parts)[:_SAMPLE_CHARS]


def _first_page(structured: Structured) -> str:
    if structured.pages:
        return structured.pages[0][1]
    if structured.paragraphs:
        first = structured.paragraphs[0].page
        return "\n".join(p.text for p in structured.paragraphs if p.page == first)
    return ""


def enrich(
    structured: Structured,
    metadata: dict[str, str],
    filename: str,
    languages: tuple[str, ...] = DEFAULT_LANGUAGES,
) -> Enrichment:
    """Language, title, date, type and own symbol of a structured document."""
    head = _first_page(structured)
    pages = structured.pages or [(1, head)]
    symbol = find_own_symbol(pages)
    language = detect_language(_sample(structured), languages)
    headings = [text for _level, text, _page in structured.headings]
    media_type = metadata.get("media_type")
    untitled_type = classify_doc_type(head, None, filename, symbol, headings, media_type)
    title = _choose_title(
        structured,
        metadata,
        filename,
        head,
        language=language,
        decision_note=untitled_type is DocType.DECISION_NOTE,
    )
    # A date in the text (an adoption date, a letter's date) is the document's own; a PDF's or a DOCX's
    # creation date is only the file's (`_file_date`). A web page's published date comes first.
    meta_date = parse_date(metadata["date"]) if metadata.get("date") else None
    web_page = "html" in (media_type or "")
    own = find_date(head)
    date = (meta_date or own) if web_page else (own or _file_date(meta_date, pages))
    doc_type = classify_doc_type(
        head=head,
        title=title,
        filename=filename,
        symbol=symbol,
        headings=headings,
        media_type=media_type,
        saved_web_page=not web_page and looks_like_saved_web_page(p.text for p in structured.paragraphs),
    )
    return Enrichment(
        language=language,
        title=title,
        date=date,
        doc_type=doc_type,
        symbol=symbol,
    )


def _file_date(meta_date: str | None, pages: list[tuple[int, str]]) -> str | None:
    """A PDF's or a DOCX's own date (creation, modification) is the file's, not the document's: it
    stands in only when the first pages name its year ("JULY 2023" on a cover, "New York, 2018" on a
    title page). A page that names no such year (an annex reprinted in 2020 from a 2019 report) has no
    date rather than the file's."""
    if not meta_date:
        return None
    opening = "\n".join(text for _number, text in pages[:_FILE_DATE_PAGES])
    return meta_date if year_named(meta_date[:4], opening) else None
