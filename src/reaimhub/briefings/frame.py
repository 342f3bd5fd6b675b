"""The frame around a briefing's sections, for the DOCX and the PDF as the templates have it: a
letter's addressee, header lines (date, subject, the request it answers), salutation, closing and
signature blocks; a note's date, period, audience and status; the beslisnota's signatory line.
Everything from the briefing's stored meta and labels, so a stored briefing renders the same later."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from reaimhub.briefings.model import Briefing

__all__ = ["Frame", "frame"]


@dataclass(frozen=True)
class Frame:
    addressee: list[str] = field(default_factory=list)
    header: list[tuple[str, str]] = field(default_factory=list)  # (label, value)
    salutation: str = ""
    closing: list[str] = field(default_factory=list)  # lines; "[...]" lines are placeholders


def frame(briefing: Briefing) -> Frame:
    meta: dict[str, Any] = briefing.meta
    labels: dict[str, str] = meta.get("labels") or {}
    if not labels:  # a body stored without labels: only what it has
        return Frame(header=[("", str(meta.get("date", briefing.created_at[:10])))])
    fill = f"[{labels['placeholder']}: {labels['signature.name']}]"
    if briefing.spec.template == "kamerbrief":
        request = meta.get("request") or {}
        reference = str(request.get("reference", ""))
        if request and not request.get("verified", True):
            reference += f" [{request.get('note', '')}]"
        return Frame(
            addressee=[labels["addressee"], labels["addressee_place"]],
            header=[
                (labels["date"], str(meta.get("date", ""))),
                (labels["subject"], str(meta.get("subject", briefing.title))),
                (labels["reference"], reference),
            ],
            salutation=labels["salutation"],
            closing=[
                labels["closing"],
                "",
                labels["signature.defence"],
                fill,
                "",
                labels["signature.foreign"],
                fill,
            ],
        )
    status = labels.get(f"status.{briefing.status}", briefing.status)
    header = [
        (labels["date"], str(meta.get("date", ""))),
        (labels["period"], str(meta.get("period", ""))),
        (labels["audience"], str(meta.get("audience_label", meta.get("audience", "")))),
        (labels["status"], status),
    ]
    closing = [labels["cio"]] if briefing.spec.template == "beslisnota" else []
    return Frame(header=header, closing=closing)
