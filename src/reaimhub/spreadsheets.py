"""A table as a spreadsheet: CSV that Excel opens as it was meant in any locale, and XLSX.

- **CSV** (`csv`): UTF-8 with a byte-order mark (without one Excel reads UTF-8 as the ANSI code page and
  "Türkiye" becomes "TÃ¼rkiye"), comma-separated, CRLF line ends, decimal point.
- **Semicolon CSV** (`csv-nl`): the same with semicolons and a decimal comma, which is what Excel expects
  where the comma is the decimal separator (a Dutch, German or French locale): opened with a double
  click, every column is a column and 0,45 is a number.
- **XLSX** (`xlsx`, openpyxl): numbers as numeric cells, dates (YYYY-MM-DD) as date cells, text as text
  cells (never a formula; text a spreadsheet would take for a formula also carries Excel's quote prefix,
  as when a user types '=..., so the cell shows the text as it is and editing it keeps it text);
  a first row of headers, frozen, with a filter; a second sheet "About" with the table's title, as-of
  date, completeness and notes.

The caller gives the header row (the portal: the columns' human labels in the viewer's language,
`web/column_labels.py`; the CLI on standard output: the column ids). Every text cell (headers too) passes
the OWASP formula guard (`guard`): text starting with `=`, `+`, `-`, `@`, a tab or a carriage return is
prefixed with an apostrophe in CSV (in XLSX: a text cell with the quote prefix, above), so a spreadsheet
shows it and never runs it ("-2+3+cmd|..." included). A
number the table holds as a number (a negative score, say) is not text and stays a number; a number
written inside text ("-2" as a string) is guarded like any text.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any, Literal

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from reaimhub.i18n import N_, gettext

__all__ = [
    "FORMULA_START",
    "SPREADSHEET_FORMATS",
    "csv_bytes",
    "guard",
    "xlsx_bytes",
]

SpreadsheetFormat = Literal["csv", "csv-nl", "xlsx"]
SPREADSHEET_FORMATS: tuple[SpreadsheetFormat, ...] = ("csv", "csv-nl", "xlsx")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")
YES, NO = N_("yes"), N_("no")


def guard(text: str) -> str:
    """Text a spreadsheet would take for a formula, made inert with a leading apostrophe (OWASP)."""
    return "'" + text if text.startswith(FORMULA_START) else text


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return gettext(YES if value else NO)
    if isinstance(value, list | tuple):
        return "; ".join("" if v is None else str(v) for v in value)
    return str(value)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _csv_cell(value: Any, decimal_comma: bool) -> str:
    if value is None:
        return ""
    if _is_number(value):
        text = repr(value) if isinstance(value, float) else str(value)
        return text.replace(".", ",") if decimal_comma and isinstance(value, float) else text
    return guard(_text(value))


def _header_row(columns: Sequence[str], headers: Sequence[str] | None) -> list[str]:
    if headers is not None and len(headers) != len(columns):
        raise ValueError(f"{len(headers)} headers for {len(columns)} columns")
    return [guard(h) for h in (headers if headers is not None else columns)]


def csv_bytes(
    columns: Sequence[str],
    rows: Iterable[Mapping[str, Any]],
    *,
    headers: Sequence[str] | None = None,
    semicolon: bool = False,
    bom: bool = True,
) -> bytes:
    """The rows as CSV for a spreadsheet (see the module's description), headed by `headers` (default:
    the column ids)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";" if semicolon else ",", lineterminator="\r\n")
    writer.writerow(_header_row(columns, headers))
    for row in rows:
        writer.writerow([_csv_cell(row.get(c), semicolon) for c in columns])
    return ((BOM if bom else "") + out.getvalue()).encode("utf-8")


def _xlsx_value(value: Any) -> Any:
    if value is None:
        return None
    if _is_number(value):
        return value
    text = _text(value)
    if _ISO_DATE.match(text):
        try:
            return date.fromisoformat(text)
        except ValueError:
            pass
    return _xml_safe(text)


def _xml_safe(text: str) -> str:
    """Control characters XML cannot hold (openpyxl refuses them) become U+FFFD."""
    return ILLEGAL_CHARACTERS_RE.sub("\ufffd", text)


def _sheet_title(title: str) -> str:
    return (_BAD_SHEET_CHARS.sub(" ", title).strip("' ") or "Table")[:31]


def _widths(sheet: Worksheet, header: Sequence[str], body: Sequence[Sequence[Any]]) -> None:
    for n, name in enumerate(header, start=1):
        longest = max([len(name), *(len(str(r[n - 1])) for r in body[:500] if r[n - 1] is not None)])
        sheet.column_dimensions[get_column_letter(n)].width = min(60, max(8, longest + 2))


def xlsx_bytes(
    columns: Sequence[str],
    rows: Iterable[Mapping[str, Any]],
    *,
    title: str,
    about: Sequence[tuple[str, str]] = (),
    headers: Sequence[str] | None = None,
) -> bytes:
    """The rows as an XLSX workbook: the table, and an "About" sheet of (label, text) lines."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_sheet_title(title))
    header = _header_row(columns, headers)
    body = [[_xlsx_value(row.get(c)) for c in columns] for row in rows]
    _widths(sheet, header, body)
    sheet.freeze_panes = "A2"
    if body:
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{len(body) + 1}"
    bold = Font(bold=True)
    cells = []
    for name in header:
        cell = WriteOnlyCell(sheet, value=_xml_safe(name))
        cell.font = bold
        cells.append(cell)
    sheet.append(cells)
    for values in body:
        row_cells = []
        for value in values:
            cell = WriteOnlyCell(sheet, value=value)
            if isinstance(value, date):
                cell.number_format = "yyyy-mm-dd"
            elif isinstance(value, str):
                cell.data_type = "s"  # never a formula, whatever openpyxl would infer
                cell.quotePrefix = value.startswith(FORMULA_START)  # and stays text when edited
            row_cells.append(cell)
        sheet.append(row_cells)
    info = book.create_sheet(gettext("About")[:31])
    info.column_dimensions["A"].width = 24
    info.column_dimensions["B"].width = 100
    for key, text in [(gettext("Title"), title), *about]:
        info.append([_xml_safe(guard(key)), _xml_safe(guard(text))])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
