"""The Jinja2 environment of the portal: one instance, autoescaping on, a few display filters."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import jinja2
from starlette.requests import Request
from starlette.templating import Jinja2Templates

from reaimhub import __version__
from reaimhub.model import ANONYMOUS, Disclosure, Principal
from reaimhub.web.csrf import csrf_token
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
    if not code or code == "unknown":
        return "unknown"
    return LANGUAGE_NAMES.get(code, code)


def type_label(value: str | None) -> str:
    """decision_note -> decision note."""
    return (value or "unknown").replace("_", " ")


def viewer(request: Request) -> Principal:
    """Who the page is shown to (set by the principal dependency; anonymous before it ran)."""
    found = getattr(request.state, "principal", None)
    return found if isinstance(found, Principal) else ANONYMOUS


def level_label(value: int | str | None) -> str:
    """3 or "confidential" -> confidential."""
    return Disclosure.parse(value).label if value is not None else "public"


def thousands(value: int | None) -> str:
    return f"{value or 0:,}"


def when(value: str | None) -> str:
    """2026-01-31T09:15:00+00:00 -> 2026-01-31 09:15 UTC (the datetime attribute keeps the ISO form)."""
    if not value:
        return ""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return value
    if moment.utcoffset() == timedelta(0):
        return moment.strftime("%Y-%m-%d %H:%M UTC")
    return moment.strftime("%Y-%m-%d %H:%M %z")


templates = Jinja2Templates(
    env=jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATE_DIR),
        autoescape=True,  # every value is escaped; only search snippets are marked safe, in the template
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
)
templates.env.filters["language_name"] = language_name
templates.env.filters["type_label"] = type_label
templates.env.filters["thousands"] = thousands
templates.env.filters["when"] = when
templates.env.globals["hit_anchor"] = hit_anchor
templates.env.globals["csrf_token"] = csrf_token
templates.env.globals["viewer"] = viewer
templates.env.filters["level"] = level_label
templates.env.globals["version"] = __version__
