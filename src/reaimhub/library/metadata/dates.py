"""Dates in text: the formats of the project's languages, a metadata value, and a document's own date."""

from __future__ import annotations

import datetime as dt
import re

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
