"""TopoJSON decoding and planar helpers for building the vendored world geometry.

Used by `scripts/build_world_geometry.py`; nothing here runs when a map is rendered. TopoJSON
(https://github.com/topojson/topojson-specification) stores each shared border once as an "arc". In a
quantized topology an arc is a list of integer positions, the first absolute and each next one a delta
from the previous; `transform` maps them back to longitude and latitude. A polygon ring is a list of arc
indexes, where index `~i` (that is `-i - 1`) means arc `i` reversed; consecutive arcs share their end
point, which is written once.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from typing import Any, TypeVar

__all__ = [
    "Point",
    "Polygons",
    "assemble_ring",
    "cut_antimeridian",
    "decode_arcs",
    "ring_area",
    "ring_centroid",
    "ring_path",
    "simplify",
]

Point = tuple[float, float]
T = TypeVar("T")


def decode_arcs(topology: dict[str, Any]) -> list[list[Point]]:
    """The arcs of a topology as (longitude, latitude) lists, delta decoding and de-quantizing them."""
    transform = topology.get("transform")
    arcs: list[list[Point]] = []
    for raw in topology["arcs"]:
        if transform is None:
            arcs.append([(float(p[0]), float(p[1])) for p in raw])
            continue
        (sx, sy), (tx, ty) = transform["scale"], transform["translate"]
        x = y = 0
        points: list[Point] = []
        for dx, dy, *_ in raw:
            x += dx
            y += dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def assemble_ring(indexes: Sequence[int], arcs: Sequence[Sequence[T]]) -> list[T]:
    """A ring's points from its signed arc indexes; consecutive arcs share an end point, written once,
    and the closing point is not repeated."""
    ring: list[T] = []
    for index in indexes:
        points = list(arcs[index]) if index >= 0 else list(reversed(arcs[~index]))
        ring.extend(points[1:] if ring else points)
    if len(ring) > 1 and ring[0] == ring[-1]:
        ring.pop()
    return ring


def simplify(points: Sequence[Point], tolerance: float) -> list[Point]:
    """Douglas-Peucker: keep the end points and every point farther than `tolerance` from the chord."""
    if len(points) < 3:
        return list(points)
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    limit = tolerance * tolerance
    while stack:
        first, last = stack.pop()
        (ax, ay), (bx, by) = points[first], points[last]
        dx, dy = bx - ax, by - ay
        norm = dx * dx + dy * dy
        worst, worst_index = -1.0, -1
        for i in range(first + 1, last):
            px, py = points[i]
            if norm == 0:
                dist = (px - ax) ** 2 + (py - ay) ** 2
            else:
                cross = dx * (py - ay) - dy * (px - ax)
                dist = cross * cross / norm
            if dist > worst:
                worst, worst_index = dist, i
        if worst > limit:
            keep[worst_index] = True
            stack.append((first, worst_index))
            stack.append((worst_index, last))
    return [p for p, k in zip(points, keep, strict=True) if k]


def ring_area(ring: Sequence[Point]) -> float:
    """Signed area (shoelace); positive when counter-clockwise in a y-up plane."""
    total = 0.0
    for (x0, y0), (x1, y1) in zip(ring, [*ring[1:], ring[0]], strict=True):
        total += x0 * y1 - x1 * y0
    return total / 2


def ring_centroid(ring: Sequence[Point]) -> Point:
    """Area centroid of a simple ring (the vertex mean for a degenerate one)."""
    area = ring_area(ring)
    if abs(area) < 1e-12:
        n = len(ring)
        return (sum(p[0] for p in ring) / n, sum(p[1] for p in ring) / n)
    cx = cy = 0.0
    for (x0, y0), (x1, y1) in zip(ring, [*ring[1:], ring[0]], strict=True):
        cross = x0 * y1 - x1 * y0
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    return (cx / (6 * area), cy / (6 * area))


def _number(value: int, decimals: int) -> str:
    if decimals == 0:
        return str(value)
    whole, frac = divmod(abs(value), 10**decimals)
    text = f"{whole}.{frac:0{decimals}d}".rstrip("0").rstrip(".")
    if text.startswith("0."):
        text = text[1:]
    return ("-" if value < 0 and text != "0" else "") + text


def _join(numbers: Sequence[str]) -> str:
    """Numbers separated by a space, or by nothing before a minus sign."""
    out: list[str] = []
    for text in numbers:
        if out and not text.startswith("-"):
            out.append(" ")
        out.append(text)
    return "".join(out)


def ring_path(ring: Sequence[tuple[int, int]], decimals: int = 1) -> str:
    """SVG path data for a closed ring of integer coordinates in units of 10**-decimals pixel.

    The first point is absolute (`M`), the others relative (`l`) so that the text stays short; deltas of
    integer coordinates are exact, so no rounding error accumulates along the ring.
    """
    (x0, y0), rest = ring[0], ring[1:]
    head = "M" + _join([_number(x0, decimals), _number(y0, decimals)])
    deltas: list[str] = []
    px, py = x0, y0
    for x, y in rest:
        deltas += [_number(x - px, decimals), _number(y - py, decimals)]
        px, py = x, y
    return head + ("l" + _join(deltas) if deltas else "") + "z"


Polygons = list[list[list[int]]]  # polygons -> rings -> signed arc indexes


def _split_arc(arc: Sequence[Point]) -> list[list[Point]]:
    """An arc cut where it jumps across the ±180° meridian (a step of more than 180° of longitude),
    with the crossing point interpolated onto both sides."""
    pieces: list[list[Point]] = [[arc[0]]]
    for (x0, y0), (x1, y1) in itertools.pairwise(arc):
        if abs(x1 - x0) > 180:
            edge = 180.0 if x0 > 0 else -180.0
            unwrapped = x1 + 360 if x0 > 0 else x1 - 360
            t = (edge - x0) / (unwrapped - x0) if unwrapped != x0 else 0.0
            lat = y0 + t * (y1 - y0)
            pieces[-1].append((edge, lat))
            pieces.append([(-edge, lat)])
        pieces[-1].append((x1, y1))
    return pieces


def _meridian(start: Point, end: Point) -> list[Point]:
    """Points along the ±180° meridian from start to end, about one per degree of latitude."""
    steps = max(1, math.ceil(abs(end[1] - start[1])))
    return [(start[0], start[1] + (end[1] - start[1]) * k / steps) for k in range(steps + 1)]


def cut_antimeridian(arcs: list[list[Point]], features: Sequence[Polygons]) -> list[Polygons]:
    """Cut the rings that cross the ±180° meridian in two, so that a flat projection draws no stripe.

    Natural Earth's Russia (Chukotka, Wrangel Island) and Fiji cross it. Crossing arcs are split into
    pieces appended to `arcs` (their old index is left unused); each crossing exterior ring becomes two
    polygons, closed along the meridian by new arcs; shared borders keep their arcs. A ring crossing more
    than twice, or a crossing hole, raises ValueError (none in Natural Earth).
    """
    pieces_of: dict[int, list[int]] = {}
    for index, arc in enumerate(list(arcs)):
        pieces = _split_arc(arc)
        if len(pieces) > 1:
            pieces_of[index] = list(range(len(arcs), len(arcs) + len(pieces)))
            arcs.extend(pieces)

    def end_point(ref: int, last: bool) -> Point:
        arc = arcs[ref if ref >= 0 else ~ref]
        forward = ref >= 0
        return arc[-1] if forward == last else arc[0]

    out: list[Polygons] = []
    for polygons in features:
        result: Polygons = []
        for polygon in polygons:
            refs: list[int] = []
            breaks: list[int] = []  # positions in refs after which the ring crosses the meridian
            for ring_no, ring in enumerate(polygon):
                if ring_no == 0:
                    for ref in ring:
                        index = ref if ref >= 0 else ~ref
                        parts = pieces_of.get(index, [index])
                        parts = parts if ref >= 0 else [~p for p in reversed(parts)]
                        for n, part in enumerate(parts):
                            refs.append(part)
                            if n < len(parts) - 1:
                                breaks.append(len(refs) - 1)
                elif any((ref if ref >= 0 else ~ref) in pieces_of for ref in ring):
                    raise ValueError("a hole crosses the antimeridian")
            if not breaks:
                result.append(polygon)
                continue
            if len(breaks) != 2:
                raise ValueError(f"a ring crosses the antimeridian {len(breaks)} times")
            first, second = breaks
            chains = [refs[first + 1 : second + 1], refs[second + 1 :] + refs[: first + 1]]
            for chain in chains:
                closing = _meridian(end_point(chain[-1], True), end_point(chain[0], False))
                arcs.append(closing)
                result.append([[*chain, len(arcs) - 1]])
            result[-2].extend(polygon[1:])  # holes, if any, stay with the first part
        out.append(result)
    return out
