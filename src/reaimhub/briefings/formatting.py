"""Dates, numbers, tallies and parliamentary references as each language writes them.

Dates and numbers come from Babel's locale data (nl_NL, en_GB): "24 december 2024", "24 December
2024", "2.000" and "2,000". Parliamentary papers follow the house style of the Dutch government:
"Kamerstukken II 2024/25, 36600, nr. 50".
"""

from __future__ import annotations

import datetime as dt
import re

from babel.dates import format_date as _babel_date
from babel.numbers import format_decimal

__all__ = [
    "LOCALES",
    "format_date",
    "format_number",
    "format_period",
    "format_tally",
    "kamerstuk",
    "parliamentary_year",
]

LOCALES = {"nl": "nl_NL", "en": "en_GB"}
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")


def _locale(language: str) -> str:
    try:
        return LOCALES[language]
    except KeyError as exc:
        raise ValueError(f"unknown language {language!r}; expected one of {', '.join(LOCALES)}") from exc


def format_date(value: str | dt.date | None, language: str) -> str:
    """ "2024-12-24" -> "24 december 2024" (nl) or "24 December 2024" (en). A value that is not an ISO
    date (a year, "2025-03") is returned as written; None is returned as ""."""
    if value is None:
        return ""
    if isinstance(value, str):
        match = _ISO_DATE.match(value.strip())
        if not match:
            return value
        value = dt.date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    return str(_babel_date(value, "d MMMM y", locale=_locale(language)))


def format_period(start: str, end: str | None, language: str) -> str:
    """One date, or a span as the language writes it: "15–16 februari 2023", "24 juni – 2 juli 2025",
    "30 december 2024 – 2 januari 2025" (a value that is not an ISO date: both as written)."""
    if not end or end == start:
        return format_date(start, language)
    a, b = _ISO_DATE.match(start.strip()), _ISO_DATE.match(end.strip())
    if not a or not b:
        return f"{format_date(start, language)} – {format_date(end, language)}"
    first = dt.date(int(a.group(1)), int(a.group(2)), int(a.group(3)))
    last = dt.date(int(b.group(1)), int(b.group(2)), int(b.group(3)))
    locale = _locale(language)
    if (first.year, first.month) == (last.year, last.month):
        return f"{_babel_date(first, 'd', locale=locale)}–{format_date(last, language)}"
    if first.year == last.year:
        return f"{_babel_date(first, 'd MMMM', locale=locale)} – {format_date(last, language)}"
    return f"{format_date(first, language)} – {format_date(last, language)}"


def format_number(value: int | float, language: str) -> str:
    """2000 -> "2.000" (nl) or "2,000" (en)."""
    return str(format_decimal(value, locale=_locale(language)))


def format_tally(yes: int | None, no: int | None, abstain: int | None) -> str:
    """A recorded vote as the UN reports it: "152-4-11" (in favour, against, abstaining)."""
    return "-".join("?" if n is None else str(n) for n in (yes, no, abstain))


def parliamentary_year(session_start: int) -> str:
    """2024 -> "2024/25"."""
    return f"{session_start}/{(session_start + 1) % 100:02d}"


def kamerstuk(session_start: int, dossier: str, number: int, chamber: str = "II") -> str:
    """A parliamentary paper in house style: kamerstuk(2024, "36 600", 50) ->
    "Kamerstukken II 2024/25, 36600, nr. 50" (the dossier number without spaces)."""
    year = parliamentary_year(session_start)
    return f"Kamerstukken {chamber} {year}, {dossier.replace(' ', '')}, nr. {number}"
