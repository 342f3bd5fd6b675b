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
    r"(?m)\bReport (?:of|by|on)\b|\bRapport (?:du|de la|de l’|de l')|\bInforme (?:del?|sobre)\b|"
    r"\bChair[’']s summary\b|\bFinal report\b|\bVerslag van\b|^\s*Note by the\b|^\s*Note (?:du|de la)\b|"
    r"^\s*Nota (?:del|de la)\b"
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
# A letter: its salutation at the start of a line near the top (Dutch, English, French, Spanish, German),
# a Kamerstuk's "BRIEF VAN DE MINISTER ...", or a UN letter's title line ("Letter dated 5 March 2024 from
# the Permanent Representative of ... addressed to the Secretary-General").
_LETTER_TEXT = re.compile(
    r"^[ \t]*(?:(?:Geachte|Dear|(?:Your )?Excellency|Sehr geehrter?|Monsieur|Madame|Excelentísimo|"
    r"Estimad[oa]s?|Señora?)\b[^\n]{0,80}[,:][ \t]*$|"
    r"(?:Nr\.\s*\d+\s+)?BRIEF VAN (?:DE|HET)\b|"
    r"(?:Identical\s+)?[Ll]etters?\s+dated\b|Note\s+verbale\s+dated\b|"
    r"Lettres?\s+(?:identiques\s+)?datées?\s+du\b|Cartas?\s+(?:idénticas\s+)?de\s+fecha\b)",
    re.MULTILINE,
)
# The record of a meeting: its decision list, minutes or summary record, named at the start of the title
# (a page that lists such records among its links is not one).
_RECORD_TEXT = re.compile(
    r"^\s*(?:Besluitenlijst|Notulen|Verslag van de|Minutes|Summary record|Procès-verbal|Compte rendu|Acta|"
    r"Actas resumidas|Protokoll|Beschlussprotokoll)(?![\w.-])",
    re.IGNORECASE,
)
_NON_PAPER_TEXT = re.compile(r"\bnon-paper\b|\bconference room paper\b", re.IGNORECASE)
_DECISION_HEADINGS = {"aanleiding", "geadviseerd besluit"}
# "beslisnota" as a word of its own; inside a file name ("beslisnota-reaim-kamerbrief.txt") it is a name.
_DECISION_NOTE_WORD = re.compile(r"(?<![\w./-])beslisnota(?![\w.-])", re.IGNORECASE)


def _symbol_type(symbol: str | None) -> DocType | None:
    if not symbol:
        return None
    parts = symbol.split("/")
    if "RES" in parts:
        return DocType.RESOLUTION
    if any(re.fullmatch(r"L\.\d+", part) for part in parts):
        return DocType.DRAFT_RESOLUTION
    if any(re.fullmatch(r"(?:WP|CRP)\.\d+", part) for part in parts):
        return DocType.WORKING_PAPER  # a working paper or a conference room paper
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
    _NON_PAPER_TEXT,
    _STATEMENT_TEXT,
    _LETTER_TEXT,
)


@dataclass(frozen=True)
class _HeadFacts:
    decision_note: bool  # "beslisnota" near the top, or the decision note's headings
    found: frozenset[re.Pattern[str]]  # the `_TOP_PATTERNS` found in the first page's start


def _without_table_rows(text: str) -> str:
    """A table's rows list other things (a corpus's files, a meeting's documents): what they say does
    not type the document that holds the table."""
    return "\n".join(
        line
        for line in text.splitlines()
        if line.count("|") < 2 and " | " not in line and line.count("\t") < 2
    )


@lru_cache(maxsize=4)
def _head_facts(head: str, headings: tuple[str, ...]) -> _HeadFacts:
    start = _without_table_rows(head[:_HEAD_CHARS])
    lines = {line.strip().lower() for line in head.splitlines()} | {h.strip().lower() for h in headings}
    return _HeadFacts(
        decision_note=_DECISION_NOTE_WORD.search(start) is not None or lines >= _DECISION_HEADINGS,
        found=frozenset(pattern for pattern in _TOP_PATTERNS if pattern.search(start)),
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
    *,
    saved_web_page: bool = False,
) -> DocType:
    """The document type from the symbol, the first page (`head`), the title and the file's name.
    `saved_web_page`: the text is a web page saved in another format (Markdown with its menus)."""
    name = PurePath(filename).name.lower()
    name_words = set(re.split(r"[\s_.\-]+", PurePath(filename).stem.lower()))
    facts = _head_facts(head, tuple(headings))
    if "beslisnota" in name_words or (title and _DECISION_NOTE_WORD.search(title)) or facts.decision_note:
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
    if top(_LETTER_TEXT) or "kamerbrief" in name_words or bool(title and "kamerbrief" in title.lower()):
        return DocType.LETTER
    if top(_REPORT_TEXT) or (title and _RECORD_TEXT.match(title)):
        return DocType.REPORT
    if top(_DRAFT_TEXT):
        return DocType.DRAFT_RESOLUTION
    if top(_WORKING_PAPER_TEXT) or top(_NON_PAPER_TEXT):
        return DocType.WORKING_PAPER
    if top(_STATEMENT_TEXT):
        return DocType.STATEMENT
    if _numbered_document(symbol):
        return DocType.REPORT
    html = (media_type and "html" in media_type) or name.endswith((".html", ".htm", ".xhtml"))
    if html or saved_web_page:
        return DocType.WEB_PAGE
    return DocType.OTHER


# A saved web page's chrome: a link to skip its menus, or several of the menus' own words.
_SKIP_LINKS = frozenset(
    {
        "skip to main content",
        "skip to content",
        "go to main content",
        "toggle navigation",
        "content overslaan",
        "naar de inhoud",
        "direct naar de inhoud",
        "aller au contenu principal",
        "ir al contenido principal",
        "zum inhalt springen",
        "zum hauptinhalt springen",
    }
)
_CHROME_WORDS = frozenset(
    {
        "menu",
        "search",
        "submit search",
        "close",
        "back",
        "log in",
        "login",
        "sign in",
        "language selection",
        "language selection:",
        "share",
        "zoeken",
        "inloggen",
        "rechercher",
        "buscar",
        "suche",
        "home",
    }
)
_CHROME_PARAGRAPHS = 40


def looks_like_saved_web_page(paragraphs: Iterable[str]) -> bool:
    """Whether the first paragraphs of a text (Markdown, plain text) are a web page's chrome: a skip
    link ("Skip to main content", "Toggle navigation"), or at least three menu words ("Menu", "Search",
    "Close", "Log in") as paragraphs of their own."""
    chrome = 0
    for number, text in enumerate(paragraphs):
        if number >= _CHROME_PARAGRAPHS:
            break
        words = " ".join(text.split()).lower()
        if words in _SKIP_LINKS:
            return True
        chrome += words in _CHROME_WORDS
    return chrome >= 3
