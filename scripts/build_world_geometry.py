#!/usr/bin/env python3
"""Build src/reaimhub/data/geo/world.json, the projected world map used by the choropleth renderer.

Inputs (read-only):
  npm package world-atlas 2.0.2, file countries-50m.json (ISC; Natural Earth 4.1.0 admin-0 countries,
      public domain). The tarball is fetched with `npm pack world-atlas@2.0.2` unless --tarball is given,
      and its sha256 must equal TARBALL_SHA256.
  ../shared/data/reference/world-countries/countries.json (npm world-countries 5.1.0, ODbL-1.0): ISO
      numeric codes, and `latlng` for a state that has no shape at this scale (Tuvalu).
  src/reaimhub/data/states.json through reaimhub.reference (ISO alpha-3 and M49 codes).

Usage:
  python scripts/build_world_geometry.py                 # (re)write src/reaimhub/data/geo/world.json
  python scripts/build_world_geometry.py --check         # exit 1 when the committed file is not current
  python scripts/build_world_geometry.py --tarball world-atlas-2.0.2.tgz

What it does: decodes the TopoJSON arcs, projects them with Equal Earth to a 960 px wide plane (north
up), simplifies each arc with Douglas-Peucker (tolerance TOLERANCE px; shared borders stay shared because
arcs are simplified once, before rings are assembled), rounds to 0.1 px, drops rings smaller than
MIN_RING_AREA px² (a state always keeps its largest ring), and writes one SVG path per state with its
projected area, bounding box and a label point. Deterministic: sorted output, fixed rounding, no dates.
See src/reaimhub/data/geo/SOURCES.md.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import os
import subprocess
import sys
import tarfile
import tempfile
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from reaimhub.coalition.geo.projection import X_MAX, equal_earth  # noqa: E402
from reaimhub.coalition.geo.topology import (  # noqa: E402
    Point,
    Polygons,
    assemble_ring,
    cut_antimeridian,
    decode_arcs,
    ring_area,
    ring_centroid,
    ring_path,
    simplify,
)
from reaimhub.reference import load_states  # noqa: E402

OUTPUT = REPO / "src" / "reaimhub" / "data" / "geo" / "world.json"

PACKAGE = "world-atlas"
VERSION = "2.0.2"
TARBALL_SHA256 = "032e7765f2ce00edaeafec23ff22bc3b77e42987c257da944cc585b452c05b97"
TARBALL_INTEGRITY = (
    "sha512-IXfV0qwlKXpckz1FhwXVwKRjiIhOnWttOskm5CtxMsjgE/MXAYRHWJqgXOpM8IkcPBoXnyTU5lFHcYa5ChG0LQ=="
)
MEMBER = "package/countries-50m.json"

WIDTH = 960  # px; the renderer draws at this width (the SVG scales with its viewBox)
MARGIN = 4.0  # px left and right of the ±180° meridians, and above the northernmost point
TOLERANCE = 0.3  # px, Douglas-Peucker
MIN_RING_AREA = 0.5  # px²; smaller islands are dropped (a state keeps its largest ring)
SOUTH_LIMIT = -60.0  # degrees; the map is cut here (Antarctica is not drawn)
DECIMALS = 1  # path coordinates in tenths of a pixel

# Natural Earth features without an ISO 3166-1 numeric code that the UN counts as part of a member
# State: merged into that State's shape (their internal line is removed).
MERGE_BY_NAME = {"N. Cyprus": "CYP", "Somaliland": "SOM"}
# Features with no numeric code that are entities of states.json.
ISO3_BY_NAME = {"Kosovo": "XKX"}
# A feature whose code is another's: Natural Earth gives the Ashmore and Cartier Islands (an Australian
# external territory) Australia's code 036. Drawn as an area that is not a state, like other territories.
NOT_A_STATE_BY_NAME = {"Ashmore and Cartier Is."}
LEAVE_OUT = {"Antarctica"}


def reference_dir(cli_value: str | None) -> Path:
    if cli_value:
        return Path(cli_value)
    shared = os.environ.get("REAIMHUB_SHARED_DIR")
    base = Path(shared) if shared else REPO.parent / "shared"
    return base / "data" / "reference"


def fetch_tarball(path: str | None) -> bytes:
    if path:
        data = Path(path).read_bytes()
    else:
        with tempfile.TemporaryDirectory() as tmp:
            subprocess.run(
                ["npm", "pack", f"{PACKAGE}@{VERSION}", "--silent"],
                cwd=tmp,
                check=True,
                stdout=subprocess.DEVNULL,
            )
            data = (Path(tmp) / f"{PACKAGE}-{VERSION}.tgz").read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    if digest != TARBALL_SHA256:
        raise SystemExit(f"{PACKAGE}-{VERSION}.tgz: sha256 {digest}, expected {TARBALL_SHA256}")
    return data


def read_topology(tarball: bytes) -> dict[str, Any]:
    with tarfile.open(fileobj=io.BytesIO(tarball), mode="r:gz") as archive:
        member = archive.extractfile(MEMBER)
        if member is None:
            raise SystemExit(f"{MEMBER} missing from the tarball")
        topology: dict[str, Any] = json.load(member)
    return topology


class Plane:
    """Equal Earth scaled to WIDTH, y downward (SVG), the northernmost point MARGIN px below the top."""

    def __init__(self, top: float) -> None:
        self.scale = (WIDTH - 2 * MARGIN) / (2 * X_MAX)
        self.top = top  # unit-sphere y of the first pixel row

    def point(self, lon: float, lat: float) -> Point:
        x, y = equal_earth(lon, lat)
        return (WIDTH / 2 + x * self.scale, MARGIN + (self.top - y) * self.scale)


def _quantize(points: Sequence[Point]) -> list[tuple[int, int]]:
    factor = 10**DECIMALS
    out: list[tuple[int, int]] = []
    for x, y in points:
        q = (round(x * factor), round(y * factor))
        if not out or q != out[-1]:
            out.append(q)
    return out


class Arcs:
    """The arcs projected to pixels: `raw` as projected, `pixel` simplified and in tenths of a pixel."""

    def __init__(self, lonlat: Sequence[Sequence[Point]], plane: Plane) -> None:
        self.raw = [[plane.point(lon, lat) for lon, lat in arc] for arc in lonlat]
        self.pixel = [_quantize(_simplify_arc(arc)) for arc in self.raw]


def _simplify_arc(arc: Sequence[Point]) -> list[Point]:
    """Douglas-Peucker on an arc; a closed arc (an island) is split at its farthest point first."""
    if len(arc) > 3 and arc[0] == arc[-1]:
        x0, y0 = arc[0]
        far = max(range(len(arc)), key=lambda i: (arc[i][0] - x0) ** 2 + (arc[i][1] - y0) ** 2)
        return simplify(arc[: far + 1], TOLERANCE)[:-1] + simplify(arc[far:], TOLERANCE)
    return simplify(arc, TOLERANCE)


def _endpoints(
    index: int, arcs: Sequence[Sequence[tuple[int, int]]]
) -> tuple[tuple[int, int], tuple[int, int]]:
    points = arcs[index if index >= 0 else ~index]
    return (points[0], points[-1]) if index >= 0 else (points[-1], points[0])


def _merge(polygons: Polygons, arcs: Sequence[Sequence[tuple[int, int]]]) -> Polygons:
    """Merge polygons that share arcs into one outline, removing the shared arcs (as topojson `merge`).

    Only for polygons without holes (Cyprus with N. Cyprus, Somalia with Somaliland): the arcs used by
    one polygon only are chained end to start into closed rings.
    """
    if any(len(polygon) > 1 for polygon in polygons):
        raise SystemExit("merging polygons with holes is not supported")
    counts = Counter(i if i >= 0 else ~i for polygon in polygons for i in polygon[0])
    remaining = [i for polygon in polygons for i in polygon[0] if counts[i if i >= 0 else ~i] == 1]
    rings: Polygons = []
    while remaining:
        ring = [remaining.pop(0)]
        start = _endpoints(ring[0], arcs)[0]
        while (end := _endpoints(ring[-1], arcs)[1]) != start:
            nxt = next((i for i in remaining if _endpoints(i, arcs)[0] == end), None)
            if nxt is None:
                raise SystemExit("could not close a merged ring")
            remaining.remove(nxt)
            ring.append(nxt)
        rings.append([ring])
    return rings


def _merge_touching(polygons: Polygons, arcs: Sequence[Sequence[tuple[int, int]]]) -> Polygons:
    """Merge the polygons of a state that share arcs; the others stay as they are."""
    used = [{i if i >= 0 else ~i for ring in p for i in ring} for p in polygons]
    touching = [
        k for k in range(len(polygons)) if any(used[k] & used[j] for j in range(len(polygons)) if j != k)
    ]
    alone = [p for k, p in enumerate(polygons) if k not in touching]
    return alone + _merge([polygons[k] for k in touching], arcs) if touching else alone


def _area(ring: Sequence[tuple[int, int]]) -> float:
    """Unsigned area in px² of a ring in tenths of a pixel."""
    return abs(ring_area([(float(x), float(y)) for x, y in ring])) / 100.0**DECIMALS


def _shape(polygons: Polygons, arcs: Arcs) -> dict[str, Any]:
    """Path, area (px²), bounding box and label point of one state or area (polygons of arc indexes).

    The path is built from the simplified arcs; rings smaller than MIN_RING_AREA are dropped, except
    the largest polygon's exterior, and rings that collapse below 3 points are dropped (the Holy See,
    0.44 km², is 0.02 px wide: its path is empty). Area, bounding box and label point come from the
    unsimplified projected rings; the label point is the area centroid of the largest exterior ring (for
    an archipelago across the antimeridian such as Kiribati, the centroid of all parts would fall in
    empty ocean).
    """
    raw = [[assemble_ring(ring, arcs.raw) for ring in polygon] for polygon in polygons]
    ranked = sorted(range(len(polygons)), key=lambda k: -abs(ring_area(raw[k][0])))
    area = sum(abs(ring_area(rings[0])) - sum(abs(ring_area(r)) for r in rings[1:]) for rings in raw)
    xs = [x for rings in raw for x, _ in rings[0]]
    ys = [y for rings in raw for _, y in rings[0]]
    cx, cy = ring_centroid(raw[ranked[0]][0])
    paths: list[str] = []
    for rank, k in enumerate(ranked):
        rings = [assemble_ring(ring, arcs.pixel) for ring in polygons[k]]
        for n, ring in enumerate(rings):
            if len(ring) < 3 or ((rank or n) and _area(ring) < MIN_RING_AREA):
                continue
            paths.append(ring_path(ring, DECIMALS))
    return {
        "area": round(area, 2),
        "bbox": [round(min(xs), 1), round(min(ys), 1), round(max(xs), 1), round(max(ys), 1)],
        "label": [round(cx, 1), round(cy, 1)],
        "path": "".join(paths),
    }


def build(topology: dict[str, Any], countries: list[dict[str, Any]]) -> dict[str, Any]:
    states = load_states()
    known = {s.iso3 for s in states}
    by_code: dict[str, str] = {s.m49: s.iso3 for s in states if s.m49}
    for country in countries:  # world-countries ccn3 (ISO 3166-1 numeric), e.g. Taiwan 158
        code3 = "XKX" if country["cca3"] == "UNK" else country["cca3"]
        if country["ccn3"] and code3 in known:
            by_code.setdefault(country["ccn3"], code3)

    geometries = [
        g
        for g in topology["objects"]["countries"]["geometries"]
        if g["properties"]["name"] not in LEAVE_OUT and g["type"] in ("Polygon", "MultiPolygon")
    ]
    lonlat_arcs = decode_arcs(topology)
    polygons_of = cut_antimeridian(lonlat_arcs, [_polygons(g) for g in geometries])
    # The top edge is the northernmost point drawn; the bottom edge is SOUTH_LIMIT.
    used = {i if i >= 0 else ~i for polygons in polygons_of for ring in polygons for r in ring for i in r}
    top = max(equal_earth(lon, lat)[1] for i in used for lon, lat in lonlat_arcs[i])
    plane = Plane(top)
    arcs = Arcs(lonlat_arcs, plane)

    assigned: dict[str, Polygons] = {}
    areas: dict[str, Polygons] = {}
    unmatched: list[str] = []
    for g, polygons in zip(geometries, polygons_of, strict=True):
        name = g["properties"]["name"]
        code = g.get("id")
        iso3: str | None
        if name in NOT_A_STATE_BY_NAME:
            iso3 = None
        elif name in MERGE_BY_NAME:
            iso3 = MERGE_BY_NAME[name]
        elif name in ISO3_BY_NAME:
            iso3 = ISO3_BY_NAME[name]
        else:
            iso3 = by_code.get(code) if code else None
        if iso3 is None:
            areas.setdefault(name, []).extend(polygons)
            unmatched.append(f"{code or '-'} {name}")
        else:
            assigned.setdefault(iso3, []).extend(polygons)
    for name, iso3 in MERGE_BY_NAME.items():
        assigned[iso3] = _merge_touching(assigned[iso3], arcs.pixel)
        if not any(name == g["properties"]["name"] for g in geometries):
            raise SystemExit(f"{name} not found")

    shapes = {iso3: _shape(polygons, arcs) for iso3, polygons in sorted(assigned.items())}
    missing = [s for s in states if s.iso3 not in shapes]
    latlng = {("XKX" if c["cca3"] == "UNK" else c["cca3"]): c["latlng"] for c in countries}
    points: dict[str, Any] = {}
    for state in missing:
        lat, lng = latlng[state.iso3]
        x, y = plane.point(float(lng), float(lat))
        points[state.iso3] = {"latlng": [lat, lng], "label": [round(x, 1), round(y, 1)]}
    other = {name: _shape(polygons, arcs)["path"] for name, polygons in sorted(areas.items())}
    other = {name: path for name, path in other.items() if path}  # the others are under 0.1 px
    bottom = plane.point(0.0, SOUTH_LIMIT)[1]
    outline = [plane.point(180.0, lat) for lat in range(90, -91, -2)]
    outline += [plane.point(-180.0, lat) for lat in range(-90, 91, 2)]
    return {
        "about": (
            f"Derived by scripts/build_world_geometry.py from npm {PACKAGE} {VERSION} countries-50m.json "
            "(ISC; Natural Earth 4.1.0 admin-0 countries, public domain) and world-countries 5.1.0 latlng "
            "(ODbL-1.0). Equal Earth projection, north up. See SOURCES.md."
        ),
        "source": {
            "package": PACKAGE,
            "version": VERSION,
            "file": MEMBER.removeprefix("package/"),
            "sha256": TARBALL_SHA256,
            "integrity": TARBALL_INTEGRITY,
        },
        "projection": "Equal Earth",
        "width": WIDTH,
        "height": round(bottom, 1),
        "tolerance_px": TOLERANCE,
        "min_ring_area_px2": MIN_RING_AREA,
        "outline": ring_path(_quantize(outline), DECIMALS),
        "unmatched_features": sorted(unmatched),
        "merged_features": {name: iso3 for name, iso3 in sorted(MERGE_BY_NAME.items())},
        "states": shapes,
        "points": points,
        "points_source": "world-countries 5.1.0 countries.json `latlng` (ODbL-1.0)",
        "areas": other,
    }


def _polygons(geometry: dict[str, Any]) -> Polygons:
    if geometry["type"] == "Polygon":
        return [geometry["arcs"]]
    polygons: Polygons = geometry["arcs"]
    return polygons


def render(data: dict[str, Any]) -> str:
    """JSON with one state, point or area per line, keys sorted: small diffs, stable bytes."""
    lines = ["{"]
    items = list(data.items())
    for n, (key, value) in enumerate(items):
        comma = "," if n < len(items) - 1 else ""
        if isinstance(value, dict) and key in ("states", "points", "areas"):
            lines.append(f" {json.dumps(key)}: {{")
            entries = list(value.items())
            for m, (name, entry) in enumerate(entries):
                inner = "," if m < len(entries) - 1 else ""
                lines.append(f"  {json.dumps(name, ensure_ascii=False)}: {_compact(entry)}{inner}")
            lines.append(f" }}{comma}")
        else:
            lines.append(f" {json.dumps(key)}: {_compact(value)}{comma}")
    lines.append("}")
    return "\n".join(lines) + "\n"


def _compact(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--tarball", help=f"a local {PACKAGE}-{VERSION}.tgz instead of `npm pack`")
    parser.add_argument("--reference", help="folder with world-countries/countries.json")
    parser.add_argument("--check", action="store_true", help="compare with the committed file, write nothing")
    args = parser.parse_args(argv)
    topology = read_topology(fetch_tarball(args.tarball))
    countries = json.loads((reference_dir(args.reference) / "world-countries" / "countries.json").read_text())
    text = render(build(topology, countries))
    if args.check:
        current = OUTPUT.read_text(encoding="utf-8") if OUTPUT.exists() else ""
        if current != text:
            print(f"{OUTPUT.relative_to(REPO)} is not current; run scripts/build_world_geometry.py")
            return 1
        print(f"{OUTPUT.relative_to(REPO)} is current")
        return 0
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    OUTPUT.write_text(text, encoding="utf-8")
    data = json.loads(text)
    print(f"wrote {OUTPUT.relative_to(REPO)}: {len(text.encode())} bytes, {len(data['states'])} states")
    print(f"  no shape at this scale (point from latlng): {', '.join(sorted(data['points'])) or '-'}")
    print(f"  features not drawn as a state: {'; '.join(data['unmatched_features'])}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
