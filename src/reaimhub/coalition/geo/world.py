"""The vendored world map: `data/geo/world.json`, built by `scripts/build_world_geometry.py`.

One projected shape per state of `reaimhub.reference` (Equal Earth, 960 px wide, north up), areas that are
not states (territories, Western Sahara, the Siachen Glacier) as background, and the placement of the
circle markers drawn for small states. Geometry: Natural Earth 4.1.0 via npm world-atlas 2.0.2; see
`data/geo/SOURCES.md`.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from types import MappingProxyType
from typing import Any

__all__ = [
    "MARKER_RADIUS",
    "SMALL_AREA_PX2",
    "Marker",
    "Shape",
    "WorldMap",
    "load_world",
    "small_state_markers",
]

# A state whose drawn area is below this many square pixels (at the map's 960 px width one px² is about
# 1,300 km² on Equal Earth, so about 24,000 km²: Israel, Djibouti, Belize, Slovenia, Kuwait and smaller) or
# that has no drawable shape at all is "small": it also gets a circle marker and is listed under the map.
SMALL_AREA_PX2 = 18.0
MARKER_RADIUS = 3.5  # px
_MARKER_GAP = 1.0  # px between neighbouring markers after they are pushed apart


@dataclass(frozen=True)
class Shape:
    iso3: str
    path: str  # SVG path data in map pixels; empty when the state is smaller than 0.1 px at this scale
    area: float  # projected area in px²; 0 for a state located by a point only
    label: tuple[float, float]  # the centroid of its largest part, or its projected lat/lng point

    @property
    def small(self) -> bool:
        return not self.path or self.area < SMALL_AREA_PX2


@dataclass(frozen=True)
class Marker:
    iso3: str
    anchor: tuple[float, float]  # where the state is
    at: tuple[float, float]  # where the circle is drawn (moved off its neighbours; a leader line joins)


@dataclass(frozen=True)
class WorldMap:
    width: int
    height: float
    outline: str  # the edge of the projected globe (the ±180° meridians)
    shapes: Mapping[str, Shape]  # iso3 -> shape, every entity of reference.load_states()
    areas: tuple[tuple[str, str], ...]  # (Natural Earth name, path) of areas that are not states
    about: str


@cache
def load_world() -> WorldMap:
    text = resources.files("reaimhub").joinpath("data", "geo", "world.json").read_text(encoding="utf-8")
    raw: dict[str, Any] = json.loads(text)
    shapes: dict[str, Shape] = {}
    for iso3, entry in raw["states"].items():
        shapes[iso3] = Shape(iso3, entry["path"], float(entry["area"]), _pair(entry["label"]))
    for iso3, entry in raw["points"].items():
        shapes[iso3] = Shape(iso3, "", 0.0, _pair(entry["label"]))
    return WorldMap(
        width=int(raw["width"]),
        height=float(raw["height"]),
        outline=str(raw["outline"]),
        shapes=MappingProxyType(dict(sorted(shapes.items()))),
        areas=tuple((str(name), str(path)) for name, path in raw["areas"].items()),
        about=str(raw["about"]),
    )


def _pair(value: Any) -> tuple[float, float]:
    return (float(value[0]), float(value[1]))


@cache
def small_state_markers() -> tuple[Marker, ...]:
    """Circle markers for the small states, pushed apart so that none overlaps another.

    Deterministic relaxation: up to 200 rounds in which every marker is pulled 5 % back toward its state,
    then every overlapping pair moves apart by half the overlap. Sorted by iso3.
    """
    world = load_world()
    small = [shape for shape in world.shapes.values() if shape.small]
    anchors = [shape.label for shape in small]
    at = [list(p) for p in anchors]
    spacing = 2 * MARKER_RADIUS + _MARKER_GAP
    for _ in range(200):
        for point, anchor in zip(at, anchors, strict=True):
            point[0] += (anchor[0] - point[0]) * 0.05
            point[1] += (anchor[1] - point[1]) * 0.05
        moved = False
        for i in range(len(at)):
            for j in range(i + 1, len(at)):
                dx, dy = at[j][0] - at[i][0], at[j][1] - at[i][1]
                dist = math.hypot(dx, dy)
                if dist >= spacing:
                    continue
                if dist < 1e-6:  # same point: part them along a fixed direction
                    dx, dy, dist = math.cos(i + j), math.sin(i + j), 1.0
                push = (spacing - dist) / 2 / dist
                at[i][0] -= dx * push
                at[i][1] -= dy * push
                at[j][0] += dx * push
                at[j][1] += dy * push
                moved = True
        if not moved:
            break
    return tuple(
        Marker(shape.iso3, shape.label, (round(p[0], 1), round(p[1], 1)))
        for shape, p in zip(small, at, strict=True)
    )
