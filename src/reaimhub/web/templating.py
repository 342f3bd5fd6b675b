"""The Jinja2 environment of the portal: one instance, autoescaping on, a few display filters."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import jinja2
from babel import Locale
from markupsafe import Markup
from starlette.requests import Request
from starlette.templating import Jinja2Templates

from reaimhub import __version__
from reaimhub.i18n import (
    country_name,
    current_locale,
    format_date,
    format_datetime,
    format_decimal,
    format_number,
    state_name,
    translations,
)
from reaimhub.i18n import language_name as _language_name
from reaimhub.model import ANONYMOUS, Disclosure, Principal
from reaimhub.reference import load_states
from reaimhub.web.csrf import csrf_token
from reaimhub.web.language import language_links, request_locale
from reaimhub.web.presenters import hit_anchor

__all__ = ["LANGUAGE_NAMES", "STATIC_DIR", "TEMPLATE_DIR", "language_name", "templates", "type_label"]

WEB_DIR = Path(__file__).resolve().parent
TEMPLATE_DIR = WEB_DIR / "templates"
STATIC_DIR = WEB_DIR / "static"

LANGUAGE_NAMES = {
    "nl": "Dutch",
    "en": "English",
    "es": "Spanish",
    "fr": "French",
    "ko": "Korean",
    "de": "German",
    "ar": "Arabic",
    "zh": "Chinese",
    "ru": "Russian",
}


def language_name(code: str | None) -> str:
    """'fr' -> 'French', or 'Frans' on a Dutch page (Babel's names in the page's language)."""
    return _language_name(code)


def type_label(value: str | None) -> str:
    """decision_note -> decision note (in the page's language)."""
    return translations(current_locale()).gettext((value or "unknown").replace("_", " "))


def viewer(request: Request) -> Principal:
    """Who the page is shown to (set by the principal dependency; anonymous before it ran)."""
    found = getattr(request.state, "principal", None)
    return found if isinstance(found, Principal) else ANONYMOUS


def level_label(value: int | str | None) -> str:
    """3 or "confidential" -> confidential (vertrouwelijk on a Dutch page)."""
    label = Disclosure.parse(value).label if value is not None else "public"
    return translations(current_locale()).gettext(label)


def day(value: str | None) -> str:
    """A date as the page's language writes it: ISO on an English page (2023-02-16), in words on a Dutch
    one (16 februari 2023); a partial or unreadable date as given."""
    if not value or current_locale() == "en" or len(value) < 10:
        return value or ""
    return format_date(value)


@lru_cache(maxsize=1)
def _area_codes() -> dict[str, str]:
    codes: dict[str, str] = {}
    for state in load_states():
        for area in (state.region, state.subregion, state.intermediate_region):
            if area is not None:
                codes[area.name] = area.code
    return codes


def area_name(name: str | None) -> str:
    """An M49 region's English name (as the data holds it) in the page's language, from CLDR by its code:
    Western Europe -> West-Europa."""
    if not name or current_locale() == "en":
        return name or ""
    code = _area_codes().get(name)
    found = Locale.parse(current_locale()).territories.get(code) if code else None
    return found or name


def thousands(value: int | None) -> str:
    """12345 -> 12,345 (English) or 12.345 (Dutch)."""
    return format_number(value)


def when(value: str | None) -> str:
    """2026-01-31T09:15:00+00:00 -> Jan 31, 2026 09:15 UTC, or 31 jan 2026 09:15 UTC on a Dutch page (the
    datetime attribute keeps the ISO form)."""
    return format_datetime(value)


def lang_attr(code: str | None) -> Markup:
    """` lang="fr"` for text in a known language (a document's title, a passage), so that it is read out
    in its own language on a page in another; nothing when the language is not known."""
    if code and re.fullmatch(r"[a-z]{2,3}", code):
        return Markup(f' lang="{code}"')
    return Markup("")


def _gettext(message: str) -> str:
    if not message:  # _(value) of an empty value: never the catalogue's header
        return message or ""
    return translations(current_locale()).gettext(message)


def _ngettext(singular: str, plural: str, n: int) -> str:
    return translations(current_locale()).ngettext(singular, plural, n)


def in_page_language(href: str) -> str:
    """A link for a reader without the page's cookie (a feed reader): the page's language in `hl`."""
    locale = current_locale()
    if locale == "en":
        return href
    return f"{href}{'&' if '?' in href else '?'}hl={locale}"


def _language_context(request: Request) -> dict[str, object]:
    """Every page knows its language (`<html lang>`) and the links of the language switch."""
    return {"locale": request_locale(request), "language_links": language_links(request)}


templates = Jinja2Templates(
    env=jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATE_DIR),
        autoescape=True,  # every value is escaped; only search snippets are marked safe, in the template
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
        extensions=["jinja2.ext.i18n"],
    ),
    context_processors=[_language_context],
)
# {{ _("Search") }}, {{ _("%(n)s documents", n=count) }}, {% trans %}...{% endtrans %} (whitespace trimmed):
# translated into the page's language from reaimhub/locale (README, "Translations").
templates.env.policies["ext.i18n.trimmed"] = True
templates.env.install_gettext_callables(_gettext, _ngettext, newstyle=True)  # type: ignore[attr-defined]
templates.env.filters["date"] = format_date
templates.env.globals["lang_attr"] = lang_attr
templates.env.globals["state_name"] = state_name
templates.env.globals["in_page_language"] = in_page_language
templates.env.filters["day"] = day
templates.env.filters["decimal"] = lambda value, digits=1: format_decimal(value, digits)  # 22.2 / 22,2
templates.env.filters["area"] = area_name
templates.env.filters["country"] = country_name
templates.env.filters["language_name"] = language_name
templates.env.filters["type_label"] = type_label
templates.env.filters["thousands"] = thousands
templates.env.filters["when"] = when
templates.env.globals["hit_anchor"] = hit_anchor
templates.env.globals["csrf_token"] = csrf_token
templates.env.globals["viewer"] = viewer
templates.env.filters["level"] = level_label
templates.env.globals["version"] = __version__
