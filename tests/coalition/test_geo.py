"""World choropleth: vendored geometry, every UN member on the map, legend, patterns, provenance."""

from __future__ import annotations

import csv
import json
import math
import xml.etree.ElementTree as ET
from collections import Counter
from importlib import resources
from pathlib import Path

import pytest

from reaimhub.coalition.geo import NOT_LISTED, OKABE_ITO, Category, render_choropleth
from reaimhub.coalition.geo.projection import X_MAX, Y_MAX, equal_earth
from reaimhub.coalition.geo.topology import (
    assemble_ring,
    cut_antimeridian,
    decode_arcs,
    ring_area,
    ring_path,
    simplify,
)
from reaimhub.coalition.geo.world import MARKER_RADIUS, load_world, small_state_markers
from reaimhub.reference import load_states

SVG = "{http://www.w3.org/2000/svg}"
ENDORSED = Category("endorsed", "Endorsed", OKABE_ITO["blue"])
REFUSED = Category("not_endorsed_reported", "Reported as not endorsing", OKABE_ITO["vermillion"])
UNKNOWN = Category("unknown", "Unknown", "#BBBBBB", pattern=True)
MEMBERS = {s.iso3 for s in load_states() if s.un_status == "member"}
OBSERVERS = {s.iso3 for s in load_states() if s.un_status == "observer"}


def _render(
    values: dict[str, str],
    *,
    title: str = "Test instrument",
    source: str = "Test source https://example.org/list",
    caption: str | None = None,
    default: str | None = None,
) -> str:
    return render_choropleth(
        values,
        [ENDORSED, REFUSED],
        title=title,
        as_of="2023-02-16",
        source=source,
        caption=caption,
        default=default,
    )


def _drawn(root: ET.Element) -> dict[str, set[str]]:
    """iso3 -> the kinds of element ("path", "circle") that carry it."""
    found: dict[str, set[str]] = {}
    for element in root.iter():
        iso3 = element.get("data-iso3")
        if iso3:
            found.setdefault(iso3, set()).add(element.tag.removeprefix(SVG))
    return found


def _text(root: ET.Element) -> str:
    return " ".join("".join(t.itertext()) for t in root.iter(f"{SVG}text"))


SAMPLE = {
    "NLD": "endorsed",
    "KOR": "endorsed",
    "VAT": "endorsed",
    "PSE": "endorsed",
    "ISR": "not_endorsed_reported",
}


def test_projection_matches_d3_equal_earth() -> None:
    # Reference values from d3-geo 3 geoEqualEarth().scale(1).translate([0, 0]) (its y points down).
    assert equal_earth(10, 50) == pytest.approx((0.12403502783330472, 0.941540234660433))
    assert equal_earth(-75.5, -33.2) == pytest.approx((-1.0456918955917895, -0.6524018216987707))
    assert math.isclose(X_MAX, 2.7066299836960748) and math.isclose(Y_MAX, 1.3173627591574133)


def test_topology_decoding_and_paths() -> None:
    topology = {
        "transform": {"scale": [0.5, 0.25], "translate": [-10, 20]},
        "arcs": [[[0, 0], [4, 0], [0, 4]], [[4, 4], [-4, 0], [0, -4]]],
    }
    arcs = decode_arcs(topology)
    assert arcs[0] == [(-10.0, 20.0), (-8.0, 20.0), (-8.0, 21.0)]
    ring = assemble_ring([0, 1], arcs)
    assert ring == [(-10.0, 20.0), (-8.0, 20.0), (-8.0, 21.0), (-10.0, 21.0)]
    assert assemble_ring([~1, ~0], arcs) == [(-10.0, 20.0), (-10.0, 21.0), (-8.0, 21.0), (-8.0, 20.0)]
    assert ring_area(ring) == pytest.approx(2.0)
    assert ring_path([(0, 0), (15, 0), (15, -5)]) == "M0 0l1.5 0 0-.5z"
    assert simplify([(0.0, 0.0), (1.0, 0.05), (2.0, 0.0), (3.0, 2.0)], 0.1) == [(0, 0), (2, 0), (3, 2)]


def test_rings_crossing_the_antimeridian_are_cut() -> None:
    # A square from 170°E to 170°W, as in Natural Earth: longitude jumps from 180 to -180.
    arcs = [[(170.0, 0.0), (-170.0, 0.0), (-170.0, 10.0), (170.0, 10.0), (170.0, 0.0)]]
    [polygons] = cut_antimeridian(arcs, [[[[0]]]])
    assert len(polygons) == 2
    for polygon in polygons:
        lons = {round(lon) for lon, _ in assemble_ring(polygon[0], arcs)}
        assert lons <= {170, 180} or lons <= {-170, -180}


def test_geometry_covers_every_state_and_stays_small() -> None:
    world = load_world()
    assert set(world.shapes) == {s.iso3 for s in load_states()}
    assert world.shapes["TUV"].path == ""  # no shape at 1:50m: located by world-countries latlng
    assert world.shapes["CYP"].path.count("M") == 1  # N. Cyprus merged, no internal line
    assert world.shapes["SOM"].path.count("M") == 1  # Somaliland merged
    assert "Greenland" in dict(world.areas)
    size = resources.files("reaimhub").joinpath("data", "geo", "world.json").read_bytes()
    assert len(size) < 300_000
    meta = json.loads(size)
    assert meta["source"]["sha256"] and meta["source"]["version"].startswith("2.")


def test_small_state_markers_do_not_overlap() -> None:
    markers = small_state_markers()
    codes = {m.iso3 for m in markers}
    assert {"VAT", "MCO", "SMR", "TUV", "NRU", "MLT", "SGP", "LUX"} <= codes
    assert not {"FRA", "NLD", "DEU"} & codes
    for n, a in enumerate(markers):
        for b in markers[n + 1 :]:
            assert math.dist(a.at, b.at) >= 2 * MARKER_RADIUS


def test_every_un_member_and_observer_is_on_the_map() -> None:
    root = ET.fromstring(_render(SAMPLE))
    drawn = _drawn(root)
    assert set(drawn) >= MEMBERS | OBSERVERS
    assert len(MEMBERS) == 193 and {"PSE", "VAT"} == OBSERVERS
    # a shape for most, a circle for the small ones; the tiniest have only the circle
    assert drawn["FRA"] == {"path"}
    assert drawn["LUX"] == {"path", "circle"}
    assert drawn["VAT"] == {"circle"} and drawn["TUV"] == {"circle"}
    for element in root.iter():
        if element.get("data-iso3"):  # every state has a tooltip: "name: category"
            title = element.find(f"{SVG}title")
            assert title is not None and ": " in (title.text or "")


def test_absent_states_get_the_default_never_another_category() -> None:
    root = ET.fromstring(_render(SAMPLE))
    categories = {
        e.get("data-iso3"): e.get("data-category") for e in root.iter(f"{SVG}path") if e.get("data-iso3")
    }
    assert categories["NLD"] == "endorsed" and categories["ISR"] == "not_endorsed_reported"
    assert categories["USA"] == "not_listed" and categories["CHN"] == "not_listed"
    # Taiwan and Kosovo are counted only when listed
    assert categories["TWN"] is None
    root = ET.fromstring(_render({**SAMPLE, "XKX": "endorsed"}))
    assert any(e.get("data-iso3") == "XKX" and e.get("data-category") == "endorsed" for e in root.iter())


def test_legend_lists_every_category_with_counts_that_add_up() -> None:
    svg = render_choropleth(
        SAMPLE,
        [ENDORSED, REFUSED, UNKNOWN],
        title="T",
        as_of="2024-01-01",
        source="S",
        default="unknown",
    )
    root = ET.fromstring(svg)
    items = {
        g.get("data-category"): int(g.get("data-count") or -1)
        for g in root.iter(f"{SVG}g")
        if g.get("class") == "legend-item"
    }
    assert items == {"endorsed": 4, "not_endorsed_reported": 1, "unknown": 190}
    assert sum(items.values()) == len(MEMBERS | OBSERVERS)
    assert NOT_LISTED.key not in items  # a default was given: no implicit "not listed"
    text = _text(root)
    assert "Endorsed: 4" in text and "Unknown: 190" in text


def test_pattern_categories_are_hatched() -> None:
    root = ET.fromstring(_render(SAMPLE))
    patterns = {p.get("id") for p in root.iter(f"{SVG}pattern")}
    assert patterns == {"map-pattern-not_listed"}
    usa = next(e for e in root.iter(f"{SVG}path") if e.get("data-iso3") == "USA")
    assert usa.get("fill") == "url(#map-pattern-not_listed)"
    nld = next(e for e in root.iter(f"{SVG}path") if e.get("data-iso3") == "NLD")
    assert nld.get("fill") == OKABE_ITO["blue"]
    two = render_choropleth({}, [ENDORSED, UNKNOWN], title="T", as_of="2024", source="S", id_prefix="m2")
    rotations = {p.get("patternTransform") for p in ET.fromstring(two).iter(f"{SVG}pattern")}
    assert len(rotations) == 2  # each pattern category has its own hatch angle


def test_title_as_of_source_and_small_states_are_in_the_picture() -> None:
    svg = _render(SAMPLE, caption="5 of 195 named")
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg" and root.get("viewBox", "").startswith("0 0 960 ")
    title = root.find(f"{SVG}title")
    assert title is not None and title.text == "Test instrument"
    text = _text(root)
    for expected in ("Test instrument", "As of 2023-02-16", "Source: Test source", "5 of 195 named"):
        assert expected in text
    assert "Small states" in text and "Holy See" in text and "Tuvalu" in text


def test_output_is_deterministic_and_escaped() -> None:
    assert _render(SAMPLE) == _render(dict(reversed(list(SAMPLE.items()))))
    svg = _render(SAMPLE, title="A & B <C>", source='"quoted" & <tag>')
    ET.fromstring(svg)
    assert "A &amp; B &lt;C&gt;" in svg


def test_bad_input_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown state code"):
        _render({"XXX": "endorsed"})
    with pytest.raises(ValueError, match="unknown category"):
        _render({"NLD": "opposed"})
    with pytest.raises(ValueError, match="as-of date and a source"):
        _render(SAMPLE, source=" ")
    with pytest.raises(ValueError, match="default category"):
        _render(SAMPLE, default="nope")
    with pytest.raises(ValueError, match="colour"):
        render_choropleth({}, [Category("x", "X", "red")], title="T", as_of="2024", source="S")


def test_call_to_action_map(shared_dir: Path) -> None:
    path = shared_dir / "data" / "reaim" / "positions" / "reaim_2023_call_to_action.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    values = {row["iso3"]: row["position"] for row in rows}
    svg = render_choropleth(
        values,
        [ENDORSED, REFUSED],
        title="REAIM 2023 Call to Action",
        as_of="2023-02-16",
        source=rows[0]["source"],
    )
    root = ET.fromstring(svg)
    counts = {
        g.get("data-category"): int(g.get("data-count") or -1)
        for g in root.iter(f"{SVG}g")
        if g.get("class") == "legend-item"
    }
    assert counts == {"endorsed": 58, "not_endorsed_reported": 1, "not_listed": 136}
    on_map = Counter(
        e.get("data-category")
        for e in root.iter()
        if e.get("data-category") and e.tag in (f"{SVG}path", f"{SVG}circle")
    )
    assert on_map["not_endorsed_reported"] == 2  # Israel: its shape and its small-state circle
    assert set(_drawn(root)) >= MEMBERS
