"""The enrich step: language, title, date, document type and own symbol of a structured document.

Each field is decided by a short list of rules, tried in order; the first that gives an answer wins.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import PurePath
from typing import Any

from reaimhub.library.citations import find_citations
from reaimhub.model import DocType, Enrichment, Structured

__all__ = [
    "DEFAULT_LANGUAGES",
    "classify_doc_type",
    "detect_language",
    "enrich",
    "find_date",
    "find_own_symbol",
    "parse_date",
]

DEFAULT_LANGUAGES: tuple[str, ...] = ("nl", "en", "es", "fr", "ko", "de")

_SAMPLE_CHARS = 3000
_MIN_LETTERS = 20
_HANGUL_SHARE = 0.3
_TITLE_MAX = 300
_HEAD_CHARS = 1500


# --- language --------------------------------------------------------------------------------------------

# Hangul syllables and jamo (all of them letters).
_HANGUL = re.compile("[\uac00-\ud7a3\u1100-\u11ff]")


@cache
def _identifier(languages: tuple[str, ...]) -> Any:
    """A py3langid identifier restricted to `languages` (those the model knows), built once per set."""
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    known = [lang for lang in languages if lang in set(identifier.labels)]
    if not known:
        raise ValueError(f"none of the languages {languages} is known to py3langid")
    identifier.set_languages(known)
    return identifier


def _has_letters(text: str, count: int) -> bool:
    """Whether `text` has at least `count` letters (its start usually tells: no need to count them all)."""
    return sum(map(str.isalpha, text[: 4 * count])) >= count or sum(map(str.isalpha, text)) >= count


def detect_language(
    text: str, languages: Iterable[str] = DEFAULT_LANGUAGES, *, min_letters: int = _MIN_LETTERS
) -> str | None:
    """ISO 639-1 code of `text` among `languages`; None when there are fewer than `min_letters`
    letters (20 for documents; a search query may pass fewer)."""
    langs = tuple(sorted(set(languages)))
    if not langs:
        return None
    sample = text[:_SAMPLE_CHARS]
    hangul = len(_HANGUL.findall(sample)) if "ko" in langs else 0
    if hangul:  # the share of Hangul among the letters decides
        letters = sum(map(str.isalpha, sample))
        if letters < min_letters:
            return None
        if hangul / letters >= _HANGUL_SHARE:
            return "ko"
    elif not _has_letters(sample, min_letters):
        return None
    if len(langs) == 1:
        return langs[0]
    language, _confidence = _identifier(langs).classify(sample)
    return str(language)


# --- dates -----------------------------------------------------------------------------------------------

_MONTHS: dict[str, int] = {}
for _number, _names in enumerate(
    [
        "january januari enero janvier januar jänner",
        "february februari febrero février fevrier februar",
        "march maart marzo mars märz maerz",
        "april abril avril",
        "may mei mayo mai",
        "june juni junio juin",
        "july juli julio juillet",
        "august augustus agosto août aout",
        "september septiembre setiembre septembre",
        "october oktober octubre octobre",
        "november noviembre novembre",
        "december diciembre décembre decembre dezember",
    ],
    start=1,
):
    for _name in _names.split():
        _MONTHS[_name] = _number
_MONTH_RE = "|".join(sorted(_MONTHS, key=len, reverse=True))
_EN_MONTH_RE = "january|february|march|april|may|june|july|august|september|october|november|december"
# The first letters of the month names, as lookaheads before the alternations: a position where no month
# name can start is skipped with one character test instead of trying every name (same matches).
_MONTH_START = "(?=[" + "".join(sorted({name[0] for name in _MONTHS})) + "])"
_EN_MONTH_START = "(?=[" + "".join(sorted({name[0] for name in _EN_MONTH_RE.split("|")})) + "])"

_DIGIT = re.compile(r"\d")
_DATE_PATTERNS: list[tuple[re.Pattern[str], tuple[str, str, str]]] = [
    # 24 December 2024 | 24 december 2024 | 24 de diciembre de 2024 | 1er décembre 2024 | 24. Dezember 2024
    # | 24th December 2024
    (
        re.compile(
            rf"\b(?P<d>\d{{1,2}})(?:er|st|nd|rd|th|\.)?\s+(?:de\s+)?{_MONTH_START}(?P<m>{_MONTH_RE})\s+(?:del?\s+)?"
            rf"(?P<y>\d{{4}})\b",
            re.IGNORECASE,
        ),
        ("y", "m", "d"),
    ),
    # December 24, 2024 | January 25th, 2023
    (
        re.compile(
            rf"{_EN_MONTH_START}\b(?P<m>{_EN_MONTH_RE})\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,\s+(?P<y>\d{{4}})\b",
            re.IGNORECASE,
        ),
        ("y", "m", "d"),
    ),
    # 2024년 12월 24일
    (re.compile(r"(?P<y>\d{4})\s*년\s*(?P<m>\d{1,2})\s*월\s*(?P<d>\d{1,2})\s*일"), ("y", "m", "d")),
    # 2024-12-24
    (re.compile(r"(?<![\d-])(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})(?![\d-])"), ("y", "m", "d")),
]

# "Resolution adopted by the General Assembly\non 24 December 2024": the masthead of a resolution or
# decision, at the start of a line; the date shortly after the actor. Running text that reports an
# adoption ("... was adopted by the General Assembly on 17 December 1963", "resolution 75/314, adopted on
# 2 August 2021") is about another document, so it does not count.
_ADOPTION = re.compile(
    r"^[ \t]*(?:(?:Resolution|Decision|Résolution|Décision|Resolución|Decisión|Resolutie|Besluit|Beschluss|"
    r"Entschließung)[ \t]+)?"
    r"(?:adopted\s+by|adoptée?s?\s+par|aprobad[oa]s?\s+por|adoptad[oa]s?\s+por|aangenomen\s+door|"
    r"angenommen\s+(?:von|durch))\b",
    re.IGNORECASE | re.MULTILINE,
)
# "resolution 1 (I) of 24 January 1946", "the Declaration by United Nations of 1 January 1942",
# "resolution 78/241, adopted by the General Assembly on 22 December 2023": in the text, the date of the
# document cited, not of the one citing it. In the opening lines it is the document's own: "Resolution
# 217 A (III) der Generalversammlung vom 10. Dezember 1948".
_CITED_DATE = re.compile(
    r"(?:(?<!\bas )\b(?:of|van|du|del|vom)|"
    r"\b(?:adopted|signed|adoptée?s?|signée?s?|aprobad[oa]s?|adoptad[oa]s?|firmad[oa]s?|aangenomen|"
    r"ondertekend|angenommen|unterzeichnet)\b[^.;]{0,60}?\b(?:on|le|el|op|am))\s+$",
    re.IGNORECASE,
)
_OPENING_LINES = 3
# A document that is not split into pages (Markdown, plain text, HTML) has its whole text as "page 1";
# its own date is near its top (after a saved web page's menus), not among the dates its body discusses
# (the UN Charter's amendments of 1963 and 1971).
_DATE_HEAD_CHARS = 20_000


def _to_iso(year: str, month: str, day: str) -> str | None:
    month_number = int(month) if month.isdigit() else _MONTHS.get(month.lower())
    if month_number is None:
        return None
    try:
        return dt.date(int(year), month_number, int(day)).isoformat()
    except ValueError:
        return None


def _dates(text: str) -> list[tuple[int, int, str]]:
    """(start, end, ISO date) for every date in `text`, in order."""
    found: list[tuple[int, int, str]] = []
    if not _DIGIT.search(text):  # every date has digits: one quick scan instead of four
        return found
    for pattern, _ in _DATE_PATTERNS:
        for match in pattern.finditer(text):
            iso = _to_iso(match.group("y"), match.group("m"), match.group("d"))
            if iso:
                found.append((match.start(), match.end(), iso))
    found.sort()
    return found


def parse_date(value: str) -> str | None:
    """An ISO date from a metadata value: ISO (with or without time), PDF "D:YYYYMMDD...", or a text date."""
    value = value.strip()
    pdf = re.match(r"^D:(\d{4})(\d{2})(\d{2})", value)
    if pdf:
        return _to_iso(*pdf.groups())
    iso = re.match(r"^(\d{4})-(\d{2})-(\d{2})(?:$|[T ])", value)
    if iso:
        return _to_iso(*iso.groups())
    found = _dates(value)
    return found[0][2] if found else None


def _is_date_line(line: str) -> bool:
    """A line that is only a date ("1 July 2024", "January 25th, 2023")."""
    line = line.strip()
    found = _dates(line)
    return len(found) == 1 and not line.replace(line[found[0][0] : found[0][1]], "").strip(" \t,.:;")


def find_date(text: str) -> str | None:
    """The document date in `text` (its first page): an adoption date ("Resolution adopted by ... on"),
    else a date on a line of its own (the UN "Distr." date, a letter's date), else the first date that
    is not another document's ("resolution 78/241 of 22 December 2023"). Only the first 20,000
    characters count: an unpaginated document's later dates are those it discusses."""
    text = text[:_DATE_HEAD_CHARS]
    dates = _dates(text)
    if not dates:
        return None
    for adoption in _ADOPTION.finditer(text):
        for start, _end, iso in dates:
            if adoption.end() <= start <= adoption.end() + 120:
                return iso
    for start, end, iso in dates:
        line_start = text.rfind("\n", 0, start) + 1
        line_end = text.find("\n", end)
        line = text[line_start : len(text) if line_end < 0 else line_end]
        rest = line.replace(text[start:end], "").strip(" \t\r,.:;")
        if not rest or re.fullmatch(r"(?:Distr\.?:?\s*\w+|Den Haag|The Hague|Geneva|New York)[ ,]*", rest):
            return iso
    opening = sum(len(line) + 1 for line in text.splitlines()[:_OPENING_LINES])
    for start, _end, iso in dates:
        if start < opening or not _CITED_DATE.search(text[max(0, start - 90) : start]):
            return iso
    return None


# --- symbol ------------------------------------------------------------------------------------------------


def _symbols(text: str) -> list[str]:
    return [ref.key for ref in find_citations(text) if ref.scheme in ("un_symbol", "ccw_doc")]


# The masthead line under a symbol standing on its own line: the CCW convention's long name, the organ.
_MASTHEAD_AFTER_SYMBOL = re.compile(
    r"^(?:Convention on Prohibitions or Restrictions\b|General Assembly\b|Security Council\b|"
    r"Economic and Social Council\b|Distr\.)"
)


def find_own_symbol(pages: list[tuple[int, str]]) -> str | None:
    """The document's own UN/CCW symbol: in the masthead ("United Nations A/RES/79/239"), at the top of
    page 1, or on a line of its own directly above the masthead's body name (a CCW masthead that the text
    layer puts at the foot of page 1), else the symbol that heads or foots later pages as a running
    header."""
    if not pages:
        return None
    first = pages[0][1]
    masthead = re.search(r"United\s+Nations\s+(\S+)", first)
    if masthead:
        found = _symbols(masthead.group(1))
        if found:
            return found[0]
    lines = [line.strip() for line in first.splitlines() if line.strip()]
    for line in lines[:5]:  # a symbol standing alone beats one inside a line of text
        found = _symbols(line)
        if found and found[0] == line.rstrip("*"):
            return found[0]
    for line in lines[:5]:
        found = _symbols(line)
        if found and line.startswith(found[0].split("/", 1)[0]):
            return found[0]
    for line, after in itertools.pairwise(lines):
        if not _MASTHEAD_AFTER_SYMBOL.match(after):
            continue
        found = _symbols(line)
        if found and found[0] == line.rstrip("*"):
            return found[0]
    headers: Counter[str] = Counter()
    for _number, text in pages[1:6]:
        page_lines = [line.strip() for line in text.splitlines() if line.strip()]
        for line in page_lines[:2] + page_lines[-2:]:
            tokens = line.split()
            for token in {tokens[0], tokens[-1]}:
                found = _symbols(token)
                if found and found[0] == token.rstrip("*"):
                    headers[found[0]] += 1
    if headers:
        return headers.most_common(1)[0][0]
    return None


# --- doc type ----------------------------------------------------------------------------------------------

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


# --- title -------------------------------------------------------------------------------------------------
#
# The title is the first of these rules that gives one:
#   1. the file's own title (PDF/DOCX metadata, HTML <title>, Markdown H1) when it is meaningful: not a
#      placeholder or a file name, not only a symbol, and no year or symbol that page 1 does not carry
#      (such a title is left over from the template or the earlier document the file was made from);
#   2. a paragraph the structure step marked as the title;
#   3. a UN resolution's numbered title ("79/239. Artificial intelligence in the military domain ...");
#   4. a report or note line on page 1 ("Report of the 2019 session of the Group ..."), or the wrapped
#      lines above a byline ("Lethal autonomous weapons systems" above "Report of the Secretary-General";
#      "Non-exhaustive compilation of definitions and characterizations" above "Submitted by the
#      Chairperson");
#   5. a decision note that opens with a section heading instead of a title line, or that has a subject
#      line: "Beslisnota: " and its subject (_decision_note_title);
#   6. a labelled subject line: "Document: Besluitenlijst van ...", "Onderwerp: ...", "Subject: ...";
#   7. a cover page (a first page of a few display lines, before the body): its lines, joined;
#   8. the wrapped lines directly above a date on a line of its own ("DoD Directive 3000.09: Autonomy in
#      Weapon Systems" above "January 25th, 2023");
#   9. the first heading that is not a section name (Chapeau, Aanleiding, Introduction, Summary, ...) or
#      page furniture;
#  10. the first lines of text that are not page furniture.
# A title found in the text in capitals is recased (_recase); every title is cut at 300 characters.

_FILE_SUFFIX = re.compile(r"\.(?:docx?|pdf|txt|html?|odt|rtf|md|pptx?|xlsx?)$", re.IGNORECASE)
_PLACEHOLDER_TITLES = re.compile(r"^(?:untitled|title|document\d*|microsoft word.*|new document|\W*)$", re.I)
_RES_NUMBER = re.compile(r"^\s*\d{1,3}/\d{1,4}\s*\.\s+(?P<title>\S.*)$")
_RES_TITLE_END = re.compile(r"^\s*(?:The (?:General Assembly|Security Council|Human Rights Council)|$)")
_TITLE_SCAN_LINES = 80

# Names of sections: a heading with one of these names is the start of a section, never the document's
# title ("Chapeau" in a policy brief, "Aanleiding" in a decision note).
_SECTION_NAMES = frozenset(
    {
        # English
        "abstract",
        "acknowledgements",
        "annex",
        "appendix",
        "background",
        "chapeau",
        "conclusion",
        "conclusions",
        "contents",
        "executive summary",
        "foreword",
        "introduction",
        "overview",
        "preamble",
        "preface",
        "recommendations",
        "references",
        "summary",
        "table of contents",
        # Dutch
        "aanleiding",
        "achtergrond",
        "advies",
        "beslispunten",
        "bijlage",
        "bijlagen",
        "conclusie",
        "conclusies",
        "geadviseerd besluit",
        "inhoud",
        "inhoudsopgave",
        "inleiding",
        "kernpunten",
        "samenvatting",
        "toelichting",
        "voorwoord",
        # French, Spanish, German
        "annexe",
        "avant-propos",
        "résumé",
        "sommaire",
        "table des matières",
        "anexo",
        "introducción",
        "prólogo",
        "resumen",
        "índice",
        "anhang",
        "einleitung",
        "inhalt",
        "inhaltsverzeichnis",
        "vorwort",
        "zusammenfassung",
    }
)
_SECTION_NUMBER = re.compile(r"^(?:(?:[IVXLC]+|[A-Z])[.)]|\d+(?:\.\d+)*\.?)\s+")


# Words after which a title line cannot end: its text goes on on another line.
def _word_set(*groups: str) -> frozenset[str]:
    return frozenset(word for group in groups for word in group.split())


_CONNECTORS = _word_set(
    "a an and as at by for from in into of on or our the their to with",  # English
    "aan bij de een en het met naar op over te tot van voor",  # Dutch
    "au aux d des du et l la le les par pour sur",  # French
    "con del el las los para por y",  # Spanish
    "auf das dem den der des die für im mit und von zu zum zur",  # German
)
# Words English title case keeps in lower case (unless first).
_SMALL_WORDS = _word_set("a an and as at but by for from in into nor of on or per the to via vs with")

# Page furniture and masthead lines that are never a title.
_FURNITURE = re.compile(
    r"^(?:United Nations\b.*|Distr\.?.*|Original:.*|General Assembly\b.*|Security Council\b.*|"
    r"(?:Pagina|Page|Seite|Página)\s+\d+\s+(?:van|of|von|de)\s+\d+|\d+(?:/\d+)?|\*[\d\s]+\*|"
    r"GE\.\d{2}-\d+.*|\d{2}-\d{5}.*|[\W_]+|Agenda item.*|Item \d+.*|.*\bsession$|English only|English|"
    r"(?:©|\(c\)\s|Copyright\b).*|.*\bPhotos?\s*/\s*\S.*|e?-?ISBN\b.*|(?:https?://|www\.)\S*)$",
    re.IGNORECASE,
)
_REPORT_LINE = re.compile(r"^(?:Report (?:of|by) the\b|Note by the\b|Chair[’']s summary\b)")
# A byline: the title is the block of lines above it.
_BYLINE = re.compile(
    r"^(?:(?:Submitted|Presented|Prepared|Transmitted) by\b|(?:Ingediend|Opgesteld) door\b|"
    r"(?:Présenté|Soumis) par\b|(?:Presentado|Preparado) por\b|Vorgelegt von\b)"
)
_STOP_LINE = re.compile(
    r"^(?:[IVX]+\.\s|\d+\.\s|\(?[a-z]\)\s|Summary$|Contents$|Rapporteur\b|Submitted by\b)"
)
# "Document: Besluitenlijst van de procedurevergadering van ...", "Onderwerp: ...", "Subject: ..."
_SUBJECT_LINE = re.compile(
    r"^(?:Document|Onderwerp|Betreft|Subject|Title|Titel|Objet|Asunto|Betreff)\s*:\s*(?P<subject>\S.*)$",
    re.IGNORECASE,
)
_LABEL_LINE = re.compile(r"^[\w()' -]{2,30}:(?:\s|$)")
_MONTH_YEAR = re.compile(rf"^(?:(?:{_MONTH_RE})\.?\s+)?\d{{4}}$", re.IGNORECASE)

# A postcode: four or five digits that are not a year ("94087", "2511 CV").
_POSTCODE = re.compile(r"(?<![\d.,])(?!(?:19|20)\d\d(?!\d))\d{4,5}(?![\d.,])")

_FORMS_CHARS = 60_000  # how much text _word_forms reads
_WRAPPED_LINE_CHARS = 40
_COVER_MAX_LINES = 12
_COVER_MAX_WORDS = 40
_COVER_MIN_BODY_WORDS = 100

# A decision note's subject: its filename, when every word of it is in the note, else the first sentence
# of the section that states the decision.
_FILENAME_NOISE = re.compile(
    r"^(?:v\d+|versie\d*|def|definitief|final|concept|draft|kopie|copy|nota|beslisnota|decision|note|\d+)$",
    re.IGNORECASE,
)
_DECISION_SECTIONS = ("geadviseerd besluit", "advies", "beslispunten", "aanleiding")


def _clip(text: str) -> str:
    text = " ".join(text.split())
    text = re.sub(r"\s+[:;/,]$", "", text)  # a catalogue's "Title :" before its subtitle
    if len(text) <= _TITLE_MAX:
        return text
    cut = text[:_TITLE_MAX].rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:-") + "…"


def _meaningful_title(value: str | None, filename: str, head: str) -> str | None:
    if not value:
        return None
    title = " ".join(value.split())
    if len(title) < 3 or _PLACEHOLDER_TITLES.match(title) or _FILE_SUFFIX.search(title):
        return None
    if title.lower().startswith("microsoft "):
        return None
    stem = PurePath(filename).stem
    if stem and title.lower() in {
        stem.lower(),
        stem.lower().replace("_", " "),
        stem.lower().replace("-", " "),
    }:
        return None
    refs = find_citations(title)
    if [ref.raw for ref in refs] == [title]:  # only a symbol, e.g. "CCW/GGE.1/2022/WP.10"
        return None
    # A year or a symbol that page 1 does not carry: the title of the document the file was made from
    # ("Aandachtspuntenlijst raadsvergadering 3 november 2008" on the decision list of 29 June 2015).
    years = {iso[:4] for _start, _end, iso in _dates(title)}
    if any(not re.search(rf"(?<!\d){year}(?!\d)", head) for year in years):
        return None
    head_symbols = {ref.key.upper() for ref in find_citations(head)}
    if refs and not {ref.key.upper() for ref in refs} & head_symbols:
        return None
    return title


def _resolution_title(text: str) -> str | None:
    """ "79/239. Artificial intelligence in the military domain ..." up to "The General Assembly," """
    lines = text.splitlines()
    for index, line in enumerate(lines):
        match = _RES_NUMBER.match(line)
        if not match:
            continue
        parts = [match.group("title")]
        for follow in lines[index + 1 : index + 4]:
            if _RES_TITLE_END.match(follow):
                break
            parts.append(follow)
        return " ".join(" ".join(parts).split())
    return None


def _is_section_name(text: str) -> bool:
    """ "Chapeau", "Aanleiding", "I. Introduction", "Summary:": the name of a section, not a title."""
    name = _SECTION_NUMBER.sub("", " ".join(text.split())).lower().rstrip(" .:")
    return name in _SECTION_NAMES


def _is_furniture(line: str) -> bool:
    line = line.strip()
    if _FURNITURE.match(line) or _is_section_name(line):
        return True
    if line.lower().startswith("annex"):
        return True
    refs = find_citations(line)
    return bool(refs) and refs[0].raw == line.rstrip("*")  # a symbol on its own


def _words(text: str) -> list[str]:
    return re.findall(r"[^\W\d_]+", text)


def _ends_open(line: str) -> bool:
    """A line that cannot end a title: it ends in a connector word ("of", "and", "our") or a dash."""
    line = line.rstrip()
    words = _words(line)
    return line.endswith(("-", "–", "—")) or bool(
        words and line.endswith(words[-1]) and words[-1].lower() in _CONNECTORS
    )


def _title_cased(line: str) -> bool:
    """Most words capitalised, as in an English title ("Experts on Emerging Technologies in the Area")."""
    content = [w for w in _words(line) if w.lower() not in _CONNECTORS and w.lower() not in _SMALL_WORDS]
    return len(content) >= 2 and sum(1 for w in content if w[0].isupper()) >= 0.75 * len(content)


def _continues(previous: str, line: str, *, title_case: bool) -> bool:
    """Whether `line` carries on the title text of `previous` (a title wrapped over lines)."""
    if not line or _LABEL_LINE.match(line) or _STOP_LINE.match(line):
        return False
    if line[:1].islower() or _ends_open(previous):
        return True
    words = _words(previous)
    if re.fullmatch(r"\d{4}", line) and words and words[-1].lower() in _MONTHS:
        return True  # "... van dinsdag 8 maart" / "2011"
    # Title case carries on only from a long line (one that wrapped), so that an author's name under a short
    # title ("Two-Column Document with Lorem Ipsum" / "Your Name") stays apart.
    return (
        title_case
        and len(previous) >= _WRAPPED_LINE_CHARS
        and line[:1].isalpha()
        and _title_cased(previous)
        and _title_cased(line)
    )


def _block_above(lines: list[str], index: int, *, title_case: bool = True) -> str | None:
    """The title block that ends on the line above `index`: that line and the lines it wraps from."""
    end = index - 1
    while end >= 0 and not lines[end]:
        end -= 1
    if end < 0:
        return None
    start = end
    while start > 0 and end - start < 3:
        above = lines[start - 1]
        if not above or above[:1].islower() or above.endswith((".", ";", ",")) or _is_furniture(above):
            break
        if not _continues(above, lines[start], title_case=title_case):
            break
        start -= 1
    block = " ".join(lines[start : end + 1])
    first = lines[start]
    if not (first[:1].isupper() or first[:1].isdigit()) or _is_furniture(first):
        return None
    if block.endswith((".", ":", ",", ";")):
        return None
    return block


def _report_title(text: str) -> str | None:
    """A report or note line on page 1 with its continuation lines. A short byline ("Report of the
    Secretary-General") is preceded by the title above it: "Lethal autonomous weapons systems — Report of
    the Secretary-General". Above "Submitted by ..." is the title alone."""
    lines = [" ".join(line.split()) for line in text.splitlines()]
    for index, line in enumerate(lines[:_TITLE_SCAN_LINES]):
        if _BYLINE.match(line):
            block = _block_above(lines, index)
            if block:
                return block
            continue
        if not _REPORT_LINE.match(line):
            continue
        parts = [line]
        for follow in lines[index + 1 : index + 4]:
            if not follow or _STOP_LINE.match(follow) or _is_furniture(follow) or parts[-1].endswith("."):
                break
            parts.append(follow)
        report = " ".join(parts)
        if len(report) > 60 or report.startswith("Chair"):
            return report  # a full title ("Report of the 2019 session of the Group of ...")
        # a byline ("Report of the Secretary-General"): the title is the block above it
        above = _block_above(lines, index)
        return f"{above} — {report}" if above else report
    return None


def _subject_line(text: str) -> str | None:
    """The value of a labelled subject line ("Document: ...", "Onderwerp: ...") with its wrapped lines."""
    lines = [" ".join(line.split()) for line in text.splitlines()]
    for index, line in enumerate(lines[:_TITLE_SCAN_LINES]):
        match = _SUBJECT_LINE.match(line)
        if not match:
            continue
        parts = [match.group("subject")]
        for follow in lines[index + 1 : index + 3]:
            if not _continues(parts[-1], follow, title_case=False):
                break
            parts.append(follow)
        return " ".join(parts)
    return None


def _word_forms(texts: Iterable[str], *, mixed_case_only: bool) -> dict[str, Counter[str]]:
    """How the text writes each word: {"reaim": Counter({"REAIM": 9})}. With `mixed_case_only`, lines in
    capitals (headings, running headers) are left out, so that a word in capitals is an acronym."""
    forms: dict[str, Counter[str]] = {}
    budget = _FORMS_CHARS
    for text in texts:
        for line in text[:budget].splitlines():
            if mixed_case_only and not any(ch.islower() for ch in line):
                continue
            for word in _words(line):
                forms.setdefault(word.lower(), Counter())[word] += 1
        budget -= len(text)
        if budget <= 0:
            break
    return forms


def _recase(title: str, forms: dict[str, Counter[str]], english: bool) -> str:
    """A title in capitals in ordinary case. A word the text itself writes in capitals stays so (NATO,
    GGE, LAWS); English gets title case ("Securing Our Common Future"), other languages sentence case
    with the words the text capitalises ("Besluitenlijst van de Tweede Kamer")."""
    out: list[str] = []
    position = 0
    first = True
    for match in re.finditer(r"[^\W\d_]+", title):
        between = title[position : match.start()]
        out.append(between)
        if re.search(r"[:—–.]", between):
            first = True
        word = match.group()
        lower = word.lower()
        seen = forms.get(lower, Counter())
        in_capitals = seen[word.upper()]
        if len(word) > 1 and in_capitals > sum(seen.values()) - in_capitals:
            out.append(word.upper())
        elif first or (english and lower not in _SMALL_WORDS):
            out.append(lower.capitalize())
        else:
            capitalised = sum(n for form, n in seen.items() if form[:1].isupper() and not form.isupper())
            out.append(lower.capitalize() if capitalised > seen[lower] else lower)
        first = False
        position = match.end()
    out.append(title[position:])
    return "".join(out)


def _is_capitals(text: str) -> bool:
    letters = [ch for ch in text if ch.isalpha()]
    return len(letters) >= 4 and len(_words(text)) >= 2 and all(ch.isupper() for ch in letters)


def _punctuated_as_in(title: str, text: str) -> str:
    """`title` with the colon or dash that the document itself (a running header) puts between two of its
    words: "Our Common Agenda Policy Brief 9 A New Agenda for Peace" -> "... Policy Brief 9: A New ..."."""
    words = list(re.finditer(r"\w+", title))
    if len(words) < 3:
        return title
    pattern = r"(?<!\w)" + r"([^\w\n]{1,4})".join(re.escape(w.group()) for w in words) + r"(?!\w)"
    found = re.search(pattern, text, re.IGNORECASE)
    if not found:
        return title
    out = [title[: words[0].end()]]
    for number in range(1, len(words)):
        gap = title[words[number - 1].end() : words[number].start()]
        separator = found.group(number).strip()
        if not gap.strip() and separator in {":", "—", "–"}:
            gap = ": " if separator == ":" else f" {separator} "
        out.append(gap + words[number].group())
    out.append(title[words[-1].end() :])
    return "".join(out)


def _cover_title(
    pages: list[tuple[int, str]], forms: Callable[[], dict[str, Counter[str]]], english: bool
) -> str | None:
    """The title on a cover: page 1 is a few display lines (no sentences) and the body follows. Wrapped
    lines are joined; a line ending in a connector ("SECURING OUR") that the text layer put last is
    joined to the line before it. Lines in capitals are the main title, the others its subtitle.
    `forms` counts the text's word forms when called: only a title to recase needs them."""
    if len(pages) < 2:
        return None
    lines = [" ".join(line.split()) for line in pages[0][1].splitlines() if line.strip()]
    if (
        not lines
        or len(lines) > _COVER_MAX_LINES
        or sum(len(line.split()) for line in lines) > _COVER_MAX_WORDS
    ):
        return None
    if any(line.endswith((".", ";", ",")) and len(line.split()) > 6 for line in lines):
        return None  # a sentence: page 1 is not a cover
    later = "\n".join(text for _number, text in pages[1:4])
    if len(later.split()) < _COVER_MIN_BODY_WORDS:
        return None
    parts = [
        line for line in lines if not (_is_furniture(line) or _is_date_line(line) or _MONTH_YEAR.match(line))
    ]
    units: list[str] = []
    for line in parts:
        if (
            units
            and _continues(units[-1], line, title_case=False)
            and _is_capitals(units[-1]) == _is_capitals(line)
        ):
            units[-1] = f"{units[-1]} {line}"
        else:
            units.append(line)
    if len(units) >= 2 and _ends_open(units[-1]):
        dangling = units.pop()
        units[-1] = f"{dangling} {units[-1]}"
    if not units or not _words(" ".join(units)):
        return None
    capitals = [unit for unit in units if _is_capitals(unit)]
    others = [unit for unit in units if not _is_capitals(unit)]
    if capitals and others:
        title = f"{_recase(' '.join(capitals), forms(), english)}: {' '.join(others)}"
    else:
        title = " ".join(units)
    return _punctuated_as_in(title, later)


def _dated_title(text: str) -> str | None:
    """The wrapped lines directly above a date that stands on a line of its own, when they read as a title:
    four words or more, not a byline ("By Nathan Willis", an author's name on a title page) and not an
    address ("Sunnyvale, CA 94087")."""
    lines = [" ".join(line.split()) for line in text.splitlines()]
    for index, line in enumerate(lines[:_TITLE_SCAN_LINES]):
        if not index or not _is_date_line(line):
            continue
        block = _block_above(lines, index, title_case=False)
        if not block or len(block.split()) < 4 or _dates(block) or _LABEL_LINE.match(block):
            continue
        if re.match(r"(?:By|Door|Par|Por|Von)\s", block) or _POSTCODE.search(block):
            continue
        return block
    return None


def _filename_subject(filename: str, forms: dict[str, Counter[str]]) -> str | None:
    """The file's name as words, spelled as the text spells them, when every word is in the text:
    "beslisnota-reaim-kamerbrief.txt" -> "REAIM Kamerbrief"."""
    tokens = [
        t for t in re.split(r"[\s_.\-]+", PurePath(filename).stem) if t and not _FILENAME_NOISE.match(t)
    ]
    spelled: list[str] = []
    for token in tokens:
        seen = forms.get(token.lower())
        if not seen:
            return None
        spelled.append(seen.most_common(1)[0][0])
    return " ".join(spelled) or None


def _section_sentence(text: str, names: Iterable[str]) -> str | None:
    """The first sentence of the first of the named sections ("Geadviseerd besluit")."""
    lines = [" ".join(line.split()) for line in text.splitlines()]
    for name in names:
        for index, line in enumerate(lines):
            if line.lower().rstrip(" .:") != name:
                continue
            body: list[str] = []
            for follow in lines[index + 1 :]:
                if not follow or _is_section_name(follow):
                    break
                body.append(follow)
            if body:
                sentence = re.split(r"(?<=[.!?])\s", " ".join(body), maxsplit=1)[0]
                return sentence.rstrip(".")
    return None


def _decision_note_title(head: str, filename: str, forms: dict[str, Counter[str]]) -> str:
    """ "Beslisnota: " and the note's subject: a subject line, else the file's name when all its words are
    in the note ("beslisnota-reaim-kamerbrief" -> "Beslisnota: REAIM Kamerbrief"), else the first
    sentence of its advice ("Geadviseerd besluit") or of its reason ("Aanleiding")."""
    lowered = {line.strip().lower() for line in head.splitlines()}
    dutch = bool(lowered & set(_DECISION_SECTIONS)) or "beslisnota" in f"{filename}\n{head}".lower()
    label = "Beslisnota" if dutch else "Decision note"
    subject = (
        _subject_line(head)
        or _filename_subject(filename, forms)
        or _section_sentence(head, _DECISION_SECTIONS)
    )
    return f"{label}: {subject}" if subject else label


def _opens_with_section(text: str) -> bool:
    """The text's first line that is not page furniture is a section heading: there is no title line."""
    for line in text.splitlines():
        line = " ".join(line.split())
        if line and not (_FURNITURE.match(line) or _is_date_line(line)):
            return _is_section_name(line)
    return False


def _opening_lines(text: str) -> str | None:
    """The first line that is not page furniture, with the lines its title wraps onto."""
    lines = [" ".join(line.split()) for line in text.splitlines()]
    for index, line in enumerate(lines):
        if not line or _is_furniture(line) or _is_date_line(line):
            continue
        parts = [line]
        for follow in lines[index + 1 : index + 4]:
            if parts[-1].endswith((".", ";", ":", ",")) or _is_furniture(follow):
                break
            if not _continues(parts[-1], follow, title_case=True):
                break
            parts.append(follow)
        return " ".join(parts)
    return None


def _choose_title(
    structured: Structured,
    metadata: dict[str, str],
    filename: str,
    head: str,
    *,
    language: str | None,
    decision_note: bool,
) -> str | None:
    title = _meaningful_title(metadata.get("title"), filename, head)
    if title:
        return _clip(title)
    for paragraph in structured.paragraphs:
        if paragraph.kind == "title" and paragraph.text.strip():
            match = _RES_NUMBER.match(" ".join(paragraph.text.split()))
            return _clip(match.group("title") if match else paragraph.text)
    pages = structured.pages or [(1, head)]
    texts = [text for _number, text in pages] or [p.text for p in structured.paragraphs]
    cached: list[dict[str, Counter[str]]] = []

    def forms() -> dict[str, Counter[str]]:  # counted only when a rule needs it (a cover page, capitals)
        if not cached:
            cached.append(_word_forms(texts, mixed_case_only=True))
        return cached[0]

    english = language in (None, "en")
    derived = _resolution_title(head) or _report_title(head)
    if not derived and decision_note and (_subject_line(head) or _opens_with_section(head)):
        derived = _decision_note_title(head, filename, _word_forms(texts, mixed_case_only=False))
    derived = derived or _subject_line(head) or _cover_title(pages, forms, english) or _dated_title(head)
    if not derived:
        headings = [text for _level, text, _page in structured.headings]
        headings += [p.text for p in structured.paragraphs if p.kind == "heading"]
        derived = next(
            (h for h in headings if h.strip() and not _is_furniture(h) and not _is_date_line(h)), None
        )
    if not derived:
        media_type = metadata.get("media_type") or ""
        by_lines = not media_type or media_type.startswith(("application/pdf", "text/plain"))
        opening = head if by_lines else "\n\n".join(p.text for p in structured.paragraphs)
        derived = _opening_lines(opening) or _opening_lines("\n\n".join(t for _n, t in pages))
    if not derived:
        return None
    if _is_capitals(derived):
        derived = _recase(derived, forms(), english)
    return _clip(derived)


# --- the step ----------------------------------------------------------------------------------------------


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
    # creation date is only the file's, so it is the fallback. A web page's published date comes first.
    meta_date = parse_date(metadata["date"]) if metadata.get("date") else None
    web_page = "html" in (media_type or "")
    date = (meta_date or find_date(head)) if web_page else (find_date(head) or meta_date)
    doc_type = classify_doc_type(
        head=head,
        title=title,
        filename=filename,
        symbol=symbol,
        headings=headings,
        media_type=media_type,
    )
    return Enrichment(
        language=language,
        title=title,
        date=date,
        doc_type=doc_type,
        symbol=symbol,
    )
