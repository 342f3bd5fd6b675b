"""Request and response models of briefings (/api/v1/briefings): the specification to draft one; the
answers (the stored briefings' summaries, one briefing with its sections, figures and footnotes) are the
shapes of `reaimhub.shapes.briefings`."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, Field

from reaimhub.shapes.briefings import (
    BriefingDetailOut,
    BriefingFigureOut,
    BriefingListOut,
    BriefingSummaryOut,
)

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
