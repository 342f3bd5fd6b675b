"""The document type from the symbol, the first page, the title and the file's name."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import PurePath

from reaimhub.model import DocType

_HEAD_CHARS = 1500


_RESOLUTION_TEXT = re.compile(
    r"Resolution adopted by|Résolution adoptée par|Resolución aprobada por|Resolutie aangenomen door"
)
_REPORT_TEXT = re.compile(
    r"\bReport (?:of|by|on)\b|\bRapport (?:du|de la|de l’|de l')|\bInforme (?:del?|sobre)\b|"
    r"\bChair[’']s summary\b|\bFinal report\b|\bVerslag van\b"
)
_CHAIR_SUMMARY_TEXT = re.compile(r"\bChair[’']s summary\b", re.IGNORECASE)
_DRAFT_TEXT = re.compile(
    r"\bdraft resolution\b|\bontwerpresolutie\b|\bprojet de résolution\b|\bproyecto de resolución\b",
    re.IGNORECASE,
)
_WORKING_PAPER_TEXT = re.compile(r"\bworking paper\b|\bdocument de travail\b|\bdocumento de trabajo\b", re.I)
_STATEMENT_TEXT = re.compile(
    r"\bjoint statement\b|\bstatement (?:by|of|on behalf of|delivered by)\b|\bgezamenlijke verklaring\b|"
    r"\bdéclaration conjointe\b|\bdeclaración conjunta\b",
    re.IGNORECASE,
)
_LETTER_TEXT = re.compile(r"^\s*(?:Geachte\s+(?:voorzitter|heer|mevrouw)|Dear\s|Excellency)", re.I | re.M)
_DECISION_HEADINGS = {"aanleiding", "geadviseerd besluit"}


def _symbol_type(symbol: str | None) -> DocType | None:
    if not symbol:
        return None
    parts = symbol.split("/")
    if "RES" in parts:
        return DocType.RESOLUTION
    if any(re.fullmatch(r"L\.\d+", part) for part in parts):
        return DocType.DRAFT_RESOLUTION
    if any(re.fullmatch(r"WP\.\d+", part) for part in parts):
        return DocType.WORKING_PAPER
    return None


# What the first page says, independently of the title (`classify_doc_type` is asked twice per document).
# None of these patterns can match across a line break, so finding one in "title + newline + first page"
# is finding it in the title or in the first page.
_TOP_PATTERNS = (
    _CHAIR_SUMMARY_TEXT,
    _RESOLUTION_TEXT,
    _REPORT_TEXT,
    _DRAFT_TEXT,
    _WORKING_PAPER_TEXT,
    _STATEMENT_TEXT,
)


@dataclass(frozen=True)
class _HeadFacts:
    decision_note: bool  # "beslisnota" near the top, or the decision note's headings
    found: frozenset[re.Pattern[str]]  # the `_TOP_PATTERNS` found in the first page's start
    letter: bool  # a letter's salutation near the top


@lru_cache(maxsize=4)
def _head_facts(head: str, headings: tuple[str, ...]) -> _HeadFacts:
    start = head[:_HEAD_CHARS]
    lines = {line.strip().lower() for line in head.splitlines()} | {h.strip().lower() for h in headings}
    return _HeadFacts(
        decision_note="beslisnota" in start.lower() or lines >= _DECISION_HEADINGS,
        found=frozenset(pattern for pattern in _TOP_PATTERNS if pattern.search(start)),
        letter=_LETTER_TEXT.search(start) is not None,
    )


def _numbered_document(symbol: str | None) -> bool:
    """A/79/88, CCW/GGE.1/2019/3, CCW/MSP/2019/9: a plain numbered document, usually a report."""
    if not symbol:
        return False
    return bool(re.fullmatch(r"(?:A/\d+|CCW/[A-Z.0-9]+/\d{4})/\d+(?:/(?:Rev|Add|Corr)\.\d+)*", symbol))


def classify_doc_type(
    head: str,
    title: str | None,
    filename: str,
    symbol: str | None,
    headings: Iterable[str] = (),
    media_type: str | None = None,
) -> DocType:
    """The document type from the symbol, the first page (`head`), the title and the file's name."""
    name = PurePath(filename).name.lower()
    label = f"{title or ''}\n{name}"
    facts = _head_facts(head, tuple(headings))
    if "beslisnota" in label.lower() or facts.decision_note:
        return DocType.DECISION_NOTE
    by_symbol = _symbol_type(symbol)

    def top(pattern: re.Pattern[str]) -> bool:
        """Whether `pattern` is found in the title or the start of the first page."""
        return pattern in facts.found or bool(title and pattern.search(title))

    if by_symbol is DocType.WORKING_PAPER and top(_CHAIR_SUMMARY_TEXT):
        return DocType.REPORT  # a chair's summary is issued as a working paper (CCW/GGE.1/2025/WP.1)
    if by_symbol:
        return by_symbol
    if top(_RESOLUTION_TEXT):
        return DocType.RESOLUTION
    if top(_REPORT_TEXT):
        return DocType.REPORT
    if top(_DRAFT_TEXT):
        return DocType.DRAFT_RESOLUTION
    if top(_WORKING_PAPER_TEXT):
        return DocType.WORKING_PAPER
    if top(_STATEMENT_TEXT):
        return DocType.STATEMENT
    if "kamerbrief" in label.lower() or facts.letter:
        return DocType.LETTER
    if _numbered_document(symbol):
        return DocType.REPORT
    if (media_type and "html" in media_type) or name.endswith((".html", ".htm", ".xhtml")):
        return DocType.WEB_PAGE
    return DocType.OTHER
