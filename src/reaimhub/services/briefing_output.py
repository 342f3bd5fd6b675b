"""A briefing as a file: HTML, Markdown, DOCX or PDF, one way for the CLI, the API and the portal. The
PDF carries the world map of the latest REAIM outcome in the briefing's period and its coverage by UN
regional group, drawn from the data as the briefing's audience sees it (the public, for a public twin)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from reaimhub.briefings.model import Briefing
from reaimhub.briefings.render import to_html, to_markdown
from reaimhub.coalition.instrument_charts import coverage_chart
from reaimhub.coalition.model import Role
from reaimhub.i18n import gettext
from reaimhub.model import ANONYMOUS
from reaimhub.services.analytics import supporters
from reaimhub.services.briefing_audience import BriefingError, audience_principal
from reaimhub.services.coalition import get_instrument, list_instruments
from reaimhub.services.coalition_maps import instrument_map
from reaimhub.services.hub import Hub

__all__ = ["FORMATS", "MEDIA_TYPES", "briefing_images", "render_bytes"]

FORMATS = ("html", "md", "docx", "pdf")
MEDIA_TYPES = {
    "html": "text/html; charset=utf-8",
    "md": "text/markdown; charset=utf-8",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}


def briefing_images(hub: Hub, briefing: Briefing, *, public: bool = False) -> list[str]:
    """SVG of the world map of the latest REAIM outcome dated in the period, and its coverage chart,
    as the audience (or the public) sees them; none when the period has no such outcome."""
    spec = briefing.spec
    with hub.store.read() as conn:
        who = ANONYMOUS if public else audience_principal(conn, spec.audience).principal
    outcomes = [
        s.instrument
        for s in list_instruments(hub.store, who)
        if s.instrument.process == "REAIM"
        and s.instrument.date is not None
        and spec.date_from <= s.instrument.date <= spec.date_to
    ]
    if not outcomes:
        return []
    latest = max(outcomes, key=lambda i: i.date or "")
    view = get_instrument(hub.store, who, latest.id)
    chart = coverage_chart(supporters(hub, who, latest.id, by=("un_group",)), "un_group")
    return [instrument_map(view, Role.ENDORSEMENT, id_prefix="briefing-map"), chart]


def render_bytes(hub: Hub, briefing: Briefing, fmt: str, *, public: bool = False) -> bytes:
    """The briefing in `fmt`; `public` says it is a public twin (its PDF images are the public's)."""
    if fmt == "html":
        return to_html(briefing).encode("utf-8")
    if fmt == "md":
        return to_markdown(briefing).encode("utf-8")
    if fmt not in FORMATS:
        raise BriefingError(
            gettext(
                "unknown format %(fmt)s; expected one of %(join)s", fmt=repr(fmt), join=", ".join(FORMATS)
            )
        )
    with tempfile.TemporaryDirectory(prefix="reaimhub-briefing-") as tmp:
        path = Path(tmp) / f"briefing.{fmt}"
        if fmt == "docx":
            from reaimhub.briefings.docx import to_docx

            to_docx(briefing, path)
        else:
            from reaimhub.briefings.pdf import to_pdf

            html = to_html(briefing)  # the templates' letter, as the portal shows it
            to_pdf(briefing, path, html=html, images=briefing_images(hub, briefing, public=public))
        return path.read_bytes()
