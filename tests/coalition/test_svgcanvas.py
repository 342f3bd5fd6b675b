"""The frame shared by the SVG charts and maps: number notation, text, legend rows, the document."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from reaimhub.coalition.svgcanvas import PAD, SvgCanvas, check_figure_inputs, general_number, one_decimal


def test_number_notations() -> None:
    assert [one_decimal(v) for v in (3.0, 3.25, 1234.56, -0.04)] == ["3", "3.2", "1234.6", "-0"]
    assert [general_number(v) for v in (3.0, 3.25, 1234.56)] == ["3", "3.25", "1234.56"]


def test_check_figure_inputs_names_the_figure() -> None:
    with pytest.raises(ValueError, match="a map needs an as-of date"):
        check_figure_inputs(" ", "S", "m", figure="map")
    with pytest.raises(ValueError, match="id prefix"):
        check_figure_inputs("2024", "S", "a b", figure="chart")
    check_figure_inputs("2024", "S", "a-b_1", figure="chart")


def test_legend_place_wraps_to_the_next_row_but_never_an_empty_row() -> None:
    canvas = SvgCanvas(200, general_number)
    assert canvas.legend_place(PAD, 50, 500) == (PAD, 50), "a first item too wide stays on its row"
    assert canvas.legend_place(100, 50, 50) == (100, 50)
    assert canvas.legend_place(100, 50, 120) == (PAD, 70)


def test_document_is_accessible_escaped_and_sized_by_its_content() -> None:
    canvas = SvgCanvas(300, one_decimal)
    y = canvas.header("A & <B>", "2024", "a caption", title_size=18, title_y=28)
    canvas.text(10.25, y, "x", 12, anchor="end")
    height = canvas.footer(y, ["Source: S"])
    svg = canvas.document(height, "p", "A & <B>", "As of 2024", '<pattern id="p-hatch"/>')
    root = ET.fromstring(svg)
    ns = "{http://www.w3.org/2000/svg}"
    assert root.get("width") == "300" and root.get("height") == str(height)
    assert root.get("aria-labelledby") == "p-title p-desc"
    assert root.findtext(f"{ns}title") == "A & <B>" and root.findtext(f"{ns}desc") == "As of 2024"
    assert root.find(f"{ns}defs/{ns}pattern") is not None
    texts = ["".join(t.itertext()) for t in root.iter(f"{ns}text")]
    assert texts == ["A & <B>", "As of 2024", "a caption", "x", "Source: S"]
    assert '<text x="10.2" ' in svg, "coordinates in the canvas's notation"
