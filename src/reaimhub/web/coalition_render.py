"""What every coalition-tracker page shares: the page, or one of its tables as a download.

Each page is built from the coalition services through the tables of `exports`, and every table on it
downloads as CSV or JSON with `?table=NAME&format=csv|json` (the page's main table when `table` is left
out), so a download always says what the page says. The pages themselves are in
`coalition_instrument_pages`, `coalition_state_pages` and `coalition_analysis_pages`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import Query, Request
from fastapi.responses import Response
from starlette.exceptions import HTTPException

from reaimhub.clock import now_iso
from reaimhub.coalition.model import PositionValue
from reaimhub.i18n import gettext
from reaimhub.web.exports import ExportFormat, Table, audited_export, export_response, link_segments
from reaimhub.web.templating import templates

__all__ = ["VALUE_LABELS", "FormatQuery", "TableQuery", "export_href", "respond"]

FormatQuery = Annotated[
    ExportFormat | None,
    Query(alias="format", description="Download: csv, csv-nl (semicolons, decimal commas), xlsx or json."),
]
TableQuery = Annotated[str | None, Query(description="Which table of the page to download.")]

VALUE_LABELS = {v.value: v.label for v in PositionValue}


def export_href(request: Request, table: str, fmt: str) -> str:
    """This page's URL (its query kept) asking for one table as a download."""
    params = [(k, v) for k, v in request.query_params.multi_items() if k not in ("table", "format")]
    return request.url.path + "?" + urlencode([*params, ("table", table), ("format", fmt)])


def respond(
    request: Request,
    template: str,
    tables: Mapping[str, Table],
    fmt: ExportFormat | None,
    table: str | None,
    *,
    stem: str | None = None,
    **context: Any,
) -> Response:
    """The page, or one of its tables as a download."""
    if fmt is not None:
        name = table or next(iter(tables))
        chosen = tables.get(name)
        if chosen is None:
            raise HTTPException(
                404,
                gettext(
                    "this page has no table %(name)s; it has: %(join)s",
                    name=repr(name),
                    join=", ".join(tables),
                ),
            )
        audited_export(request, chosen, fmt)
        return export_response(chosen, fmt, f"{stem}-{chosen.name}" if stem else chosen.name)
    return templates.TemplateResponse(
        request,
        template,
        {
            **context,
            "tables": tables,
            "export_href": lambda name, f: export_href(request, name, f),
            "links": link_segments,
            "value_labels": VALUE_LABELS,
            "now": now_iso(),
        },
    )
