"""One `Table` shown three ways: a page, its CSV and JSON downloads, and the API's lists.

Tables are built from the services (so the viewer's disclosure filter applies to every export); every
table has an `as_of` and a `source` column. Downloads: `csv` (UTF-8 with a BOM, commas), `csv-nl`
(semicolons and decimal commas, for Excel in a Dutch locale), `xlsx` and `json`; the spreadsheet formats
have human, translated headers and the OWASP formula guard (`spreadsheets`), JSON keeps the column ids.
The tables themselves are in `coalition_tables` and `analytics_tables`; the maps in
`services.coalition_maps`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Literal

from fastapi import Request
from fastapi.responses import JSONResponse, Response

from reaimhub.clock import now_iso
from reaimhub.i18n import gettext
from reaimhub.model import Principal
from reaimhub.services import audit
from reaimhub.shapes.coalition import NamedList
from reaimhub.shapes.tables import TableOut
from reaimhub.spreadsheets import csv_bytes, xlsx_bytes
from reaimhub.web.column_labels import column_label

__all__ = [
    "EXPORT_FORMATS",
    "ExportFormat",
    "Table",
    "audited_export",
    "export_response",
    "first_link",
    "link_segments",
    "svg_response",
]


ExportFormat = Literal["csv", "csv-nl", "xlsx", "json"]
EXPORT_FORMATS: tuple[ExportFormat, ...] = ("csv", "csv-nl", "xlsx", "json")


@dataclass
class Table:
    """Rows with fixed columns, an as-of date and (for lists) the completeness of the list they show."""

    name: str  # file stem and ?table= key
    title: str
    columns: tuple[str, ...]
    rows: list[dict[str, Any]]
    as_of: str | None
    completeness: dict[str, Any] | None = None  # ListCompleteness.as_json() of a single list
    notes: list[str] = field(default_factory=list)
    labels: dict[str, str] = field(default_factory=dict)  # headers of columns named at run time

    def __post_init__(self) -> None:
        missing = {"as_of", "source"} - set(self.columns)
        if missing:
            raise ValueError(f"table {self.name}: every export needs the columns {sorted(missing)}")

    def shape(self) -> TableOut:
        """The table as its JSON download: the rows by column id, with its as-of date and notes."""
        return TableOut(
            table=self.name,
            title=self.title,
            as_of=self.as_of,
            generated_at=now_iso(),
            completeness=NamedList.model_validate(self.completeness) if self.completeness else None,
            notes=self.notes,
            columns=list(self.columns),
            rows=[{c: row.get(c) for c in self.columns} for row in self.rows],
        )

    def as_json(self) -> dict[str, Any]:
        return self.shape().as_json()

    def as_csv(self, *, semicolon: bool = False) -> bytes:
        """CSV for a spreadsheet (UTF-8 with BOM, human headers, formula guard); `semicolon`: csv-nl."""
        return csv_bytes(self.columns, self.rows, headers=self.headers(), semicolon=semicolon)

    def headers(self) -> list[str]:
        """The columns' human labels in the current language (`column_labels`)."""
        return [column_label(c, self.labels) for c in self.columns]

    def about(self) -> list[tuple[str, str]]:
        """What the XLSX "About" sheet says of the table: as-of date, completeness, notes."""
        lines = [(gettext("As of"), self.as_of or ""), (gettext("Generated at"), now_iso())]
        if self.completeness and self.completeness.get("label"):
            lines.append((gettext("Completeness of the list"), str(self.completeness["label"])))
        lines += [(gettext("Note"), note) for note in self.notes]
        return lines

    def as_xlsx(self) -> bytes:
        return xlsx_bytes(
            self.columns, self.rows, title=self.title, about=self.about(), headers=self.headers()
        )


def _filename(stem: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", stem).strip("_") or "export"


def audited_export(request: Request, table: Table, fmt: ExportFormat) -> None:
    """Record the download of a table by a signed-in viewer (services.audit.note_export)."""
    principal = getattr(request.state, "principal", None)
    if isinstance(principal, Principal):
        hub = request.app.state.hub
        client = request.client.host if request.client else None
        audit.note_export(
            hub.store, principal, f"{request.url.path}#{table.name}", fmt, len(table.rows), client
        )


_MEDIA = {
    "csv": "text/csv; charset=utf-8; header=present",
    "csv-nl": "text/csv; charset=utf-8; header=present",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
_SUFFIX = {"csv": ".csv", "csv-nl": "-nl.csv", "xlsx": ".xlsx"}


def export_response(table: Table, fmt: ExportFormat, stem: str | None = None) -> Response:
    """The table as a download: CSV (`csv`, `csv-nl`), XLSX or JSON, as an attachment."""
    name = _filename(stem or table.name)
    if fmt == "json":
        return JSONResponse(
            table.as_json(), headers={"Content-Disposition": f'attachment; filename="{name}.json"'}
        )
    body = table.as_xlsx() if fmt == "xlsx" else table.as_csv(semicolon=fmt == "csv-nl")
    return Response(
        body,
        media_type=_MEDIA[fmt],
        headers={
            "Content-Disposition": f'attachment; filename="{name}{_SUFFIX[fmt]}"',
            "X-Content-Type-Options": "nosniff",
        },
    )


def svg_response(svg: str, stem: str, *, download: bool = False) -> Response:
    disposition = "attachment" if download else "inline"
    return Response(
        svg,
        media_type="image/svg+xml",
        headers={"Content-Disposition": f'{disposition}; filename="{_filename(stem)}.svg"'},
    )


# --- links in citations -------------------------------------------------------------------------------

_LINK = re.compile(
    r"https?://[^\s;,()\"<>]+|(?<![\w@/.])(?:[a-z0-9-]+\.)+(?:org|com|net|int|gov|nl|kr|es|uk|ca|it|de|fr"
    r"|ch|be|eu|io|info|news)(?:/[^\s;,()\"<>]*)?",
    re.IGNORECASE,
)


def link_segments(citation: str | None) -> list[tuple[str, str | None]]:
    """A citation cut into (text, href) pieces: web addresses written with or without a scheme are links.

    The citation itself stays the source of record; the template escapes every piece.
    """
    if not citation:
        return []
    pieces: list[tuple[str, str | None]] = []
    last = 0
    for match in _LINK.finditer(citation):
        found = match.group(0).rstrip(".")
        if match.start() > last:
            pieces.append((citation[last : match.start()], None))
        href = found if found.lower().startswith(("http://", "https://")) else "https://" + found
        pieces.append((found, href))
        last = match.start() + len(found)
    if last < len(citation):
        pieces.append((citation[last:], None))
    return pieces


def first_link(citation: str | None) -> str | None:
    return next((href for _, href in link_segments(citation) if href), None)
