"""Briefings (/api/v1/briefings): a stored briefing's summary, the list of them, and one briefing with its
figures. Built by `services.briefings.StoredBriefing` (`summary`, `detail`).

A briefing's body (what was asked, its sections and blocks, its footnotes, `meta`) is a document frozen
when it was drafted (`Briefing.as_json()`, kept in the store as JSON): it is passed on as it was stored,
typed as JSON objects, so that a briefing drafted by an earlier release reads as it was written.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field

from reaimhub.shapes.base import Shape

__all__ = ["BriefingDetailOut", "BriefingFigureOut", "BriefingListOut", "BriefingSummaryOut"]


class _BriefingRow(Shape):
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


class BriefingSummaryOut(_BriefingRow):
    figures: int = Field(description="How many figures it states, each with a footnote.")
    footnotes: int


class BriefingListOut(Shape):
    as_of: str
    briefings: list[BriefingSummaryOut] = Field(description="The briefings you may see, newest first.")


class BriefingFigureOut(Shape):
    key: str = Field(description="Stable across briefings (to compare them).")
    text: str
    value: str
    footnote: int = Field(description="The number of its footnote.")
    source: str | None
    url: str | None
    as_of: str | None
    secondary: bool = Field(description="The source is a secondary one.")


class BriefingDetailOut(_BriefingRow):
    spec: dict[str, Any] = Field(description="What was asked: template, language, period, topics, audience.")
    sections: list[dict[str, Any]] = Field(description="Sections with their blocks, in order.")
    figures: list[BriefingFigureOut] = Field(description="Every figure with its source and as-of date.")
    footnotes: list[dict[str, Any]] = Field(
        description="Every footnote: number, source, URL, as-of date, secondary, restricted."
    )
    meta: dict[str, Any]
    downloads: dict[str, str] = Field(description="Download URL per format: html, md, docx, pdf.")
