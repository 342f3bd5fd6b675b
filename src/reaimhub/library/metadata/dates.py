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
# Abbreviations, with or without their full stop ("06 Feb 2026", "15 dec. 2025", "3 mrt 2020", "1 déc. 2024").
# Only forms that are no word of their own in the five languages ("mar" is, in Spanish, but a sea is not
# followed by a year).
_ABBREVIATIONS: dict[str, int] = {}
for _number, _names in enumerate(
    [
        "jan janv ene",
        "feb febr févr fevr",
        "mar mrt mär",
        "apr avr abr",
        "",
        "jun",
        "jul juil",
        "aug",
        "sep sept",
        "oct okt",
        "nov",
        "dec déc dez dic",
    ],
    start=1,
):
    for _name in _names.split():
        _ABBREVIATIONS[_name] = _number
_MONTH_NAMES = {**_ABBREVIATIONS, **_MONTHS}
# A full name, or an abbreviation (with its optional full stop) that is not the start of a longer word.
_MONTH_RE = (
    "|".join(sorted(_MONTHS, key=len, reverse=True))
    + "|(?:"
    + "|".join(sorted(_ABBREVIATIONS, key=len, reverse=True))
    + r")(?![^\W\d_])\.?"
)
_EN_MONTH_RE = (
    "january|february|march|april|may|june|july|august|september|october|november|december|"
    r"(?:jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec)(?![^\W\d_])\.?"
)
# The first letters of the month names, as lookaheads before the alternations: a position where no month
# name can start is skipped with one character test instead of trying every name (same matches).
_MONTH_START = "(?=[" + "".join(sorted({name[0] for name in _MONTH_NAMES})) + "])"
_EN_MONTH_START = "(?=[adfjmnos])"

_DIGIT = re.compile(r"\d")
_DATE_PATTERNS: list[tuple[re.Pattern[str], tuple[str, str, str]]] = [
    # 24 December 2024 | 24 december 2024 | 24 de diciembre de 2024 | 1er décembre 2024 | 24. Dezember 2024
    # | 24th December 2024
    (
        re.compile(
            rf"\b(?P<d>\d{{1,2}})(?:er|st|nd|rd|th|\.)?\s+(?:de\s+|of\s+)?{_MONTH_START}(?P<m>{_MONTH_RE})\s+(?:del?\s+)?"
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
    # 15-12-2025 | 15.12.2025 | 15/12/2025: day first, as in the five languages' own usage; the same
    # separator twice, a four-digit year, and not part of a longer number or symbol.
    (
        re.compile(
            r"(?<![\d/.-])(?P<d>\d{1,2})(?P<sep>[-./])(?P<m>\d{1,2})(?P=sep)(?P<y>(?:19|20)\d\d)(?![\d/-])"
        ),
        ("y", "m", "d"),
    ),
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
    month_number = int(month) if month.isdigit() else _MONTH_NAMES.get(month.lower().rstrip("."))
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


# What may stand on a line next to a document's own date: a letter's place ("Den Haag, 15 december 2025",
# "'s-Gravenhage, ...", "Genève, le 3 mars 2024", "Berlin, den 3. März 2024"), a label ("Datum 15 december
# 2025", "Date: ...", "Fecha: ..."), a weekday, a clock time ("Datum: 31-08-2015 19:30 uur") and a UN
# masthead's "Distr.: General".
_WEEKDAYS = (
    "maandag|dinsdag|woensdag|donderdag|vrijdag|zaterdag|zondag|monday|tuesday|wednesday|thursday|friday|"
    "saturday|sunday|lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|lunes|martes|miércoles|miercoles|"
    "jueves|viernes|sábado|sabado|domingo|montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonntag"
)
_DATELINE_REST = re.compile(
    r"(?:Distr\.?:?\s*\w+"
    r"|(?:(?:Datum|Date|Dated|Fecha|Data|Dátum)\s*:?)"
    r"|(?:'s-)?[A-ZÀ-Þ][\w'’.-]*(?:[\s-][A-ZÀ-Þ][\w'’.-]*){0,2}\s*,(?:\s*(?:le|den|am|el|op|on|the))?"
    rf"|(?:{_WEEKDAYS})\s*,?"
    r"|(?:om|at|à|a las|um|aanvang)?\s*\d{1,2}[:.h]\d{2}(?::\d{2})?\s*(?:uur|h|hrs?|Uhr|u)?\.?"
    r"|\s+|,$)*",
    re.IGNORECASE,
)


def _is_dateline(rest: str) -> bool:
    """Whether `rest` (a line with its date taken out) is what stands next to a document's own date."""
    rest = rest.strip(" \t\r.:;()")
    if rest.startswith(","):  # "1 July 2024, Geneva" is no dateline; "Den Haag, 15 december 2025" is
        rest = rest[1:].strip()
    return not rest or _DATELINE_REST.fullmatch(rest) is not None


def _is_date_line(line: str) -> bool:
    """A line that is only a date ("1 July 2024", "January 25th, 2023"), or a dateline ("Den Haag, 15
    december 2025", "Datum 15 december 2025")."""
    line = line.strip()
    found = _dates(line)
    return len(found) == 1 and _is_dateline(line.replace(line[found[0][0] : found[0][1]], " "))


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
        if _is_dateline(line.replace(text[start:end], " ")):
            return iso
    opening = sum(len(line) + 1 for line in text.splitlines()[:_OPENING_LINES])
    for start, _end, iso in dates:
        if _in_table_row(text, start):
            continue  # a row's date is that of the record it lists ("| A/RES/78/241 ... (22 Dec 2023) |")
        if start < opening or not _CITED_DATE.search(text[max(0, start - 90) : start]):
            return iso
    return None


def _in_table_row(text: str, position: int) -> bool:
    line_start = text.rfind("\n", 0, position) + 1
    line_end = text.find("\n", position)
    line = text[line_start : len(text) if line_end < 0 else line_end]
    return line.count("|") >= 2 or " | " in line


def year_named(year: str, text: str) -> bool:
    """Whether `text` names `year` as a year ("JULY 2023", "New York, 2018"), not inside a symbol or a
    longer number ("A/RES/79/239", "CCW/MSP/2019/9")."""
    return re.search(rf"(?<![\d/.\-]){year}(?![\d/])", text) is not None
