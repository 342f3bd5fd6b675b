"""Request and response models of briefings (/api/v1/briefings): the specification to draft one, the
stored briefings' summaries, and one briefing with its sections, figures and footnotes."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, Field

from reaimhub.web.schemas.common import _Open

__all__ = [
    "BriefingDetailOut",
    "BriefingFigureOut",
    "BriefingIn",
    "BriefingListOut",
    "BriefingSummaryOut",
]

Template = Literal["kamerbrief", "beslisnota", "note"]
Topic = Literal["summits", "gc_reaim", "un_resolutions", "gge_laws", "coalition", "exchange"]


class BriefingIn(BaseModel):
    template: Template = Field(
        description="kamerbrief (letter to parliament), beslisnota, or note (partners)."
    )
    language: Literal["nl", "en"] = Field(default="nl")
    date_from: dt.date = Field(description="First day of the period.")
    date_to: dt.date = Field(description="Last day of the period.")
    topics: list[Topic] = Field(default_factory=list, max_length=6, description="Empty: every topic.")
    audience: str = Field(
        default="public",
        min_length=1,
        max_length=200,
        description="public, registered, or a group or organisation (id or name) you belong to; only "
        "what that audience may see goes in, and only that audience (and administrators) see the briefing.",
    )
    previous: str | None = Field(
        default=None, max_length=64, description="An earlier briefing (that you can see) to compare with."
    )


class _BriefingBase(_Open):
    id: str = Field(description="The briefing's id (random).")
    template: str
    language: str
    audience: str = Field(description="public | registered | group:ID | org:ID")
    date_from: str
    date_to: str
    status: str = Field(description="draft, reviewed or final.")
    previous_id: str | None
    created_by: str
    created_at: str
    title: str
    as_of: str = Field(description="The latest as-of date of the facts in it.")


class BriefingSummaryOut(_BriefingBase):
    figures: int = Field(description="How many figures it states, each with a footnote.")
    footnotes: int


class BriefingListOut(_Open):
    as_of: str
    briefings: list[BriefingSummaryOut] = Field(description="The briefings you may see, newest first.")


class BriefingFigureOut(_Open):
    key: str = Field(description="Stable across briefings (to compare them).")
    text: str
    value: str
    footnote: int = Field(description="The number of its footnote.")
    source: str | None
    url: str | None
    as_of: str | None
    secondary: bool = Field(description="The source is a secondary one.")


class BriefingDetailOut(_BriefingBase):
    spec: dict[str, Any] = Field(description="What was asked: template, language, period, topics, audience.")
    sections: list[dict[str, Any]] = Field(description="Sections with their blocks, in order.")
    figures: list[BriefingFigureOut] = Field(description="Every figure with its source and as-of date.")
    footnotes: list[dict[str, Any]] = Field(
        description="Every footnote: number, source, URL, as-of date, secondary, restricted."
    )
    meta: dict[str, Any]
    downloads: dict[str, str] = Field(description="Download URL per format: html, md, docx, pdf.")
