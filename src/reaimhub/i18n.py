"""The portal's two languages, English (the source) and Dutch, for every layer: web pages, API messages,
the CLI, e-mail and export headers.

Messages come from gettext catalogues in `reaimhub/locale/<lang>/LC_MESSAGES/messages.po`, read once per
process with Babel (no compiled `.mo` files to keep in step; a fuzzy entry counts as untranslated). The
current language is a context variable, set per web request (`use_locale`), so code far from the request
(a service formatting a message, an export header) translates without passing it along; every function
also takes the language explicitly. Dates, numbers, language and country names come from Babel's CLDR data
in the chosen language.

Marking strings: `_("...")` (alias of `gettext`) translates now; `N_("...")` only marks a string defined at
import time (a label in a table), translated where it is shown with `_(label)`. How to add a string:
README, "Translations".
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar, Token
from datetime import date, datetime, timedelta
from functools import cache, lru_cache
from io import BytesIO
from pathlib import Path

import pycountry
from babel import Locale, dates, negotiate_locale, numbers
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

__all__ = [
    "DEFAULT_LOCALE",
    "LOCALES",
    "LOCALE_DIR",
    "N_",
    "_",
    "country_name",
    "current_locale",
    "format_date",
    "format_datetime",
    "format_decimal",
    "format_number",
    "gettext",
    "in_locale",
    "language_name",
    "locale_from_header",
    "ngettext",
    "normalise_locale",
    "reset_locale",
    "state_name",
    "translations",
    "use_locale",
]

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DEFAULT_LOCALE = "en"
LOCALES = ("en", "nl")  # English is the source language: its messages are the msgids
DOMAIN = "messages"

_current: ContextVar[str] = ContextVar("reaimhub_locale", default=DEFAULT_LOCALE)


def normalise_locale(value: str | None) -> str | None:
    """'nl', 'NL', 'nl-BE', 'nl_NL' -> 'nl'; a language we do not offer -> None."""
    if not value:
        return None
    code = re.split(r"[-_]", value.strip().lower(), maxsplit=1)[0]
    return code if code in LOCALES else None


def locale_from_header(header: str | None) -> str | None:
    """The best offered language for an `Accept-Language` header (q-values honoured), else None."""
    if not header:
        return None
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate(header.split(",")[:40]):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        match = re.search(r"q\s*=\s*([0-9.]+)", params)
        if match:
            try:
                quality = float(match.group(1))
            except ValueError:
                continue
        if tag and quality > 0:
            ranked.append((-quality, position, tag.strip()))
    preferred = [tag.replace("-", "_") for _, _, tag in sorted(ranked)]
    for n, tag in enumerate(preferred):
        if tag == "*":  # anything: what was asked before, else English
            return normalise_locale(negotiate_locale(preferred[:n], LOCALES)) or DEFAULT_LOCALE
    return normalise_locale(negotiate_locale(preferred, LOCALES))  # Babel: nl_BE -> nl, in order


@cache
def translations(locale: str) -> NullTranslations:
    """The catalogue of `locale`, read from its .po file once per process (English: the msgids)."""
    path = LOCALE_DIR / locale / "LC_MESSAGES" / f"{DOMAIN}.po"
    if locale == DEFAULT_LOCALE or not path.is_file():
        return NullTranslations()
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=locale, domain=DOMAIN)
    compiled = BytesIO()
    write_mo(compiled, catalog, use_fuzzy=False)  # a fuzzy entry is not a translation
    compiled.seek(0)
    return Translations(compiled, domain=DOMAIN)


def current_locale() -> str:
    """The language of the work in hand (the request's, or English)."""
    return _current.get()


def use_locale(locale: str | None) -> Token[str]:
    """Make `locale` current for this context (a request); returns the token to restore the previous."""
    return _current.set(normalise_locale(locale) or DEFAULT_LOCALE)


def reset_locale(token: Token[str]) -> None:
    """Restore the language that was current before `use_locale` returned `token`."""
    _current.reset(token)


@contextmanager
def in_locale(locale: str | None) -> Iterator[str]:
    """`with in_locale("nl"): ...` translates into Dutch inside the block."""
    token = use_locale(locale)
    try:
        yield current_locale()
    finally:
        _current.reset(token)


def _chosen(locale: str | None) -> str:
    return normalise_locale(locale) or current_locale()


def gettext(message: str, locale: str | None = None, **variables: object) -> str:
    """`message` in `locale` (default: the current one); `%(name)s` placeholders filled from `variables`."""
    if not message:  # the empty msgid is the catalogue's header
        return message
    text = translations(_chosen(locale)).gettext(message)
    return text % variables if variables else text


def ngettext(singular: str, plural: str, n: int, locale: str | None = None, **variables: object) -> str:
    """The singular or plural form for `n`; `%(num)s` is `n` unless given."""
    text = translations(_chosen(locale)).ngettext(singular, plural, n)
    return text % {"num": n, **variables}


_ = gettext


def N_(message: str) -> str:
    """Mark `message` for extraction; it is translated where it is shown."""
    return message


def format_number(value: int | float | None, locale: str | None = None) -> str:
    """12345 -> '12,345' (en) or '12.345' (nl)."""
    return numbers.format_decimal(value or 0, locale=_chosen(locale))


def format_decimal(value: float, digits: int = 1, locale: str | None = None) -> str:
    """0.725 with 2 digits -> '0.73' (en) or '0,73' (nl)."""
    pattern = "#,##0." + "0" * digits if digits > 0 else "#,##0"
    return numbers.format_decimal(value, format=pattern, locale=_chosen(locale))


def _as_date(value: date | datetime | str) -> date | datetime:
    if isinstance(value, str):
        text = value.strip()
        return datetime.fromisoformat(text) if "T" in text or " " in text else date.fromisoformat(text[:10])
    return value


def format_date(value: date | datetime | str | None, format: str = "long", locale: str | None = None) -> str:
    """2026-01-31 -> 'January 31, 2026' (en) or '31 januari 2026' (nl); an unreadable value as given."""
    if value is None or value == "":
        return ""
    try:
        moment = _as_date(value)
    except ValueError:
        return str(value)
    day = moment.date() if isinstance(moment, datetime) else moment
    return dates.format_date(day, format=format, locale=_chosen(locale))


def format_datetime(value: datetime | str | None, locale: str | None = None) -> str:
    """2026-01-31T09:15:00+00:00 -> '31 jan 2026 09:15 UTC' (nl); the time as stored (UTC, to the minute)."""
    if not value:
        return ""
    try:
        moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    except ValueError:
        return str(value)
    chosen = _chosen(locale)
    day = dates.format_date(moment.date(), format="medium", locale=chosen)
    offset = moment.utcoffset()
    zone = "UTC" if offset in (None, timedelta(0)) else moment.strftime("%z")
    return f"{day} {moment.strftime('%H:%M')} {zone}"


def language_name(code: str | None, locale: str | None = None) -> str:
    """'fr' -> 'French' (en) or 'Frans' (nl); an unknown code as given."""
    if not code or code == "unknown":
        return gettext("unknown", locale)
    name = Locale.parse(_chosen(locale)).languages.get(code)
    return name if name else code


@lru_cache(maxsize=4096)
def _country(code: str, locale: str) -> str | None:
    found = pycountry.countries.get(alpha_3=code) if len(code) == 3 else pycountry.countries.get(alpha_2=code)
    if found is None:
        return None
    name = Locale.parse(locale).territories.get(found.alpha_2)
    return name or getattr(found, "common_name", None) or found.name


def country_name(code: str | None, locale: str | None = None, fallback: str | None = None) -> str:
    """'NLD' or 'NL' -> 'Netherlands' (en) or 'Nederland' (nl), from CLDR (Babel) through pycountry;
    `fallback` (or the code) when the code is not a country."""
    if not code:
        return fallback or ""
    return _country(code.upper(), _chosen(locale)) or fallback or code


def state_name(iso3: str | None, name: str | None) -> str:
    """A state's name in the current language: the data's own name in English, CLDR's (Babel, through
    pycountry) in Dutch ("Netherlands (Kingdom of the)" -> "Nederland"); the data's name when CLDR has
    none."""
    if current_locale() == "en" or not iso3:
        return name or iso3 or ""
    return country_name(iso3, fallback=name)
