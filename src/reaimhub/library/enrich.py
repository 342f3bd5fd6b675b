"""The enrich step: language, title, date, document type and own symbol of a structured document.

Each field is decided by a short list of rules, tried in order; the first that gives an answer wins.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterable
from functools import cache
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

_SAMPLE_CHARS = 5000
_MIN_LETTERS = 20
_HANGUL_SHARE = 0.3
_TITLE_MAX = 300
_HEAD_CHARS = 1500


# --- language --------------------------------------------------------------------------------------------


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


def detect_language(text: str, languages: Iterable[str] = DEFAULT_LANGUAGES) -> str | None:
    """ISO 639-1 code of `text` among `languages`; None when there are fewer than 20 letters."""
    langs = tuple(sorted(set(languages)))
    if not langs:
        return None
    sample = text[:_SAMPLE_CHARS]
    letters = [ch for ch in sample if ch.isalpha()]
    if len(letters) < _MIN_LETTERS:
        return None
    hangul = sum(1 for ch in letters if "\uac00" <= ch <= "\ud7a3" or "\u1100" <= ch <= "\u11ff")
    if "ko" in langs and hangul / len(letters) >= _HANGUL_SHARE:
        return "ko"
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

_DATE_PATTERNS: list[tuple[re.Pattern[str], tuple[str, str, str]]] = [
    # 24 December 2024 | 24 december 2024 | 24 de diciembre de 2024 | 1er décembre 2024 | 24. Dezember 2024
    (
        re.compile(
            rf"\b(?P<d>\d{{1,2}})(?:er|\.)?\s+(?:de\s+)?(?P<m>{_MONTH_RE})\s+(?:del?\s+)?(?P<y>\d{{4}})\b",
            re.IGNORECASE,
        ),
        ("y", "m", "d"),
    ),
    # December 24, 2024
    (
        re.compile(rf"\b(?P<m>{_EN_MONTH_RE})\s+(?P<d>\d{{1,2}}),\s+(?P<y>\d{{4}})\b", re.IGNORECASE),
        ("y", "m", "d"),
    ),
    # 2024년 12월 24일
    (re.compile(r"(?P<y>\d{4})\s*년\s*(?P<m>\d{1,2})\s*월\s*(?P<d>\d{1,2})\s*일"), ("y", "m", "d")),
    # 2024-12-24
    (re.compile(r"(?<![\d-])(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})(?![\d-])"), ("y", "m", "d")),
]

# "Resolution adopted by the General Assembly on 24 December 2024": the date shortly after the actor.
# A bare "adopted on 2 August 2021" in running text (a cited resolution) is not the document's date.
_ADOPTION = re.compile(
    r"\b(?:adopted\s+by|adoptée?s?\s+par|aprobad[oa]s?\s+por|adoptad[oa]s?\s+por|aangenomen\s+door|"
    r"angenommen\s+(?:von|durch))\b",
    re.IGNORECASE,
)


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


def find_date(text: str) -> str | None:
    """The document date in `text` (its first page): an adoption date, else a date on a line of its own
    (the UN "Distr." date, a letter's date), else the first date."""
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
    return dates[0][2]


# --- symbol ------------------------------------------------------------------------------------------------


def _symbols(text: str) -> list[str]:
    return [ref.key for ref in find_citations(text) if ref.scheme in ("un_symbol", "ccw_doc")]


def find_own_symbol(pages: list[tuple[int, str]]) -> str | None:
    """The document's own UN/CCW symbol: in the masthead ("United Nations A/RES/79/239") or at the top
    of page 1, else the symbol that heads or foots later pages as a running header."""
    if not pages:
        return None
    first = pages[0][1]
    masthead = re.search(r"United\s+Nations\s+(\S+)", first)
    if masthead:
        found = _symbols(masthead.group(1))
        if found:
            return found[0]
    lines = [line.strip() for line in first.splitlines() if line.strip()]
    for line in lines[:5]:
        found = _symbols(line)
        if found and line.startswith(found[0].split("/", 1)[0]):
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
    lines = {line.strip().lower() for line in head.splitlines()} | {h.strip().lower() for h in headings}
    if "beslisnota" in label.lower() or "beslisnota" in head[:_HEAD_CHARS].lower():
        return DocType.DECISION_NOTE
    if lines >= _DECISION_HEADINGS:
        return DocType.DECISION_NOTE
    by_symbol = _symbol_type(symbol)
    if by_symbol:
        return by_symbol
    top = f"{title or ''}\n{head[:_HEAD_CHARS]}"
    if _RESOLUTION_TEXT.search(top):
        return DocType.RESOLUTION
    if _REPORT_TEXT.search(top):
        return DocType.REPORT
    if _DRAFT_TEXT.search(top):
        return DocType.DRAFT_RESOLUTION
    if _WORKING_PAPER_TEXT.search(top):
        return DocType.WORKING_PAPER
    if _STATEMENT_TEXT.search(top):
        return DocType.STATEMENT
    if "kamerbrief" in label.lower() or _LETTER_TEXT.search(head[:_HEAD_CHARS]):
        return DocType.LETTER
    if _numbered_document(symbol):
        return DocType.REPORT
    if (media_type and "html" in media_type) or name.endswith((".html", ".htm", ".xhtml")):
        return DocType.WEB_PAGE
    return DocType.OTHER


# --- title -------------------------------------------------------------------------------------------------

_FILE_SUFFIX = re.compile(r"\.(?:docx?|pdf|txt|html?|odt|rtf|md|pptx?|xlsx?)$", re.IGNORECASE)
_PLACEHOLDER_TITLES = re.compile(r"^(?:untitled|title|document\d*|microsoft word.*|new document|\W*)$", re.I)
_RES_NUMBER = re.compile(r"^\s*\d{1,3}/\d{1,4}\s*\.\s+(?P<title>\S.*)$")
_RES_TITLE_END = re.compile(r"^\s*(?:The (?:General Assembly|Security Council|Human Rights Council)|$)")
_GENERIC_HEADINGS = {
    "contents",
    "inhoud",
    "summary",
    "samenvatting",
    "introduction",
    "inleiding",
    "aanleiding",
    "annex",
    "bijlage",
}


def _clip(text: str) -> str:
    text = " ".join(text.split())
    if len(text) <= _TITLE_MAX:
        return text
    cut = text[:_TITLE_MAX].rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:-") + "…"


def _meaningful_title(value: str | None, filename: str) -> str | None:
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
    if [ref.raw for ref in find_citations(title)] == [title]:  # only a symbol, e.g. "CCW/GGE.1/2022/WP.10"
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


# Page furniture and masthead lines that are never a title.
_FURNITURE = re.compile(
    r"^(?:United Nations\b.*|Distr\.?.*|Original:.*|General Assembly\b.*|Security Council\b.*|"
    r"(?:Pagina|Page|Seite|Página)\s+\d+\s+(?:van|of|von|de)\s+\d+|\d+(?:/\d+)?|\*[\d\s]+\*|"
    r"GE\.\d{2}-\d+.*|\d{2}-\d{5}.*|[\W_]+|Agenda item.*|Item \d+.*|.*\bsession$|English only|English)$",
    re.IGNORECASE,
)
_REPORT_LINE = re.compile(r"^(?:Report (?:of|by) the\b|Note by the\b|Chair[’']s summary\b)")
_STOP_LINE = re.compile(
    r"^(?:[IVX]+\.\s|\d+\.\s|\(?[a-z]\)\s|Summary$|Contents$|Rapporteur\b|Submitted by\b)"
)


def _is_furniture(line: str) -> bool:
    line = line.strip()
    if _FURNITURE.match(line) or line.lower().rstrip(".:") in _GENERIC_HEADINGS:
        return True
    if line.lower().startswith("annex"):
        return True
    refs = find_citations(line)
    return bool(refs) and refs[0].raw == line.rstrip("*")  # a symbol on its own


def _report_title(text: str) -> str | None:
    """A report or note line on page 1 with its continuation lines. A short byline ("Report of the
    Secretary-General") is preceded by the title above it: "Lethal autonomous weapons systems — Report of
    the Secretary-General"."""
    lines = [line.strip() for line in text.splitlines()]
    for index, line in enumerate(lines[:80]):
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
        # a byline ("Report of the Secretary-General"): the title is the line above it
        above = next((prev for prev in reversed(lines[:index]) if prev), "")
        if above[:1].isupper() and not _is_furniture(above) and not above.endswith((".", ":", ",", ";")):
            return f"{above} — {report}"
        return report
    return None


def _first_line(texts: Iterable[str]) -> str | None:
    for text in texts:
        for line in text.splitlines():
            if line.strip() and not _is_furniture(line):
                return line
    return None


def _choose_title(structured: Structured, metadata: dict[str, str], filename: str, head: str) -> str | None:
    title = _meaningful_title(metadata.get("title"), filename)
    if title:
        return _clip(title)
    for paragraph in structured.paragraphs:
        if paragraph.kind == "title" and paragraph.text.strip():
            match = _RES_NUMBER.match(" ".join(paragraph.text.split()))
            return _clip(match.group("title") if match else paragraph.text)
    derived = _resolution_title(head) or _report_title(head)
    if derived:
        return _clip(derived)
    headings = [text for _level, text, _page in structured.headings]
    headings += [p.text for p in structured.paragraphs if p.kind == "heading"]
    for heading in headings:
        if heading.strip() and not _is_furniture(heading):
            return _clip(heading)
    line = _first_line(p.text for p in structured.paragraphs) or _first_line(t for _n, t in structured.pages)
    return _clip(line) if line else None


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
    title = _choose_title(structured, metadata, filename, head)
    # A date in the text (an adoption date, a letter's date) is the document's own; a PDF's or a DOCX's
    # creation date is only the file's, so it is the fallback. A web page's published date comes first.
    meta_date = parse_date(metadata["date"]) if metadata.get("date") else None
    if "html" in (metadata.get("media_type") or ""):
        date = meta_date or find_date(head)
    else:
        date = find_date(head) or meta_date
    doc_type = classify_doc_type(
        head=head,
        title=title,
        filename=filename,
        symbol=symbol,
        headings=[text for _level, text, _page in structured.headings],
        media_type=metadata.get("media_type"),
    )
    return Enrichment(
        language=detect_language(_sample(structured), languages),
        title=title,
        date=date,
        doc_type=doc_type,
        symbol=symbol,
    )
