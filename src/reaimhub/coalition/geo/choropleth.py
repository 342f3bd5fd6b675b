"""A world choropleth of one category per state, as a standalone SVG (no network, no JavaScript).

Every UN member State and observer State is drawn: as its shape, and, when it is too small to see at this
scale (`world.SMALL_AREA_PX2`) or has no shape, also as a circle marker, and listed by name under the map.
A state absent from `values` gets the default category ("Not listed" unless another is given), never a
colour of an explicit position. Categories flagged `pattern` are hatched, so that they can be told apart
without colour; the suggested colours are the Okabe-Ito palette, distinguishable with the common colour
vision deficiencies (M. Okabe and K. Ito, "Color Universal Design", 2008, https://jfly.uni-koeln.de/color/).
The title, the as-of date and the source are part of the picture: a figure without them is a bug.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from xml.sax.saxutils import escape

from reaimhub.coalition.geo.world import MARKER_RADIUS, load_world, small_state_markers
from reaimhub.coalition.svgcanvas import (
    ELEMENT_KEY,
    MUTED_COLOUR,
    PAD,
    TEXT_COLOUR,
    SvgCanvas,
    check_figure_inputs,
    general_number,
)
from reaimhub.coalition.svgtext import text_width
from reaimhub.i18n import N_
from reaimhub.i18n import gettext as _
from reaimhub.i18n import state_name as name_in_language
from reaimhub.reference import State, load_states, state_by_iso3

__all__ = ["NOT_LISTED", "OKABE_ITO", "Category", "render_choropleth", "state_name"]

OKABE_ITO: Mapping[str, str] = MappingProxyType(
    {
        "orange": "#E69F00",
        "sky_blue": "#56B4E9",
        "bluish_green": "#009E73",
        "yellow": "#F0E442",
        "blue": "#0072B2",
        "vermillion": "#D55E00",
        "reddish_purple": "#CC79A7",
        "black": "#000000",
    }
)


@dataclass(frozen=True)
class Category:
    key: str  # letters, digits, "_" and "-" (used in element ids)
    label: str
    colour: str  # "#RRGGBB"
    pattern: bool = False  # hatched: for "not listed", "unknown" and other partial or missing knowledge
    # drawn over the colour so that categories of similar lightness differ in greyscale too (WCAG 1.4.1):
    # "" (flat), "dots" (white dots), "rings" (white circles), "bars" (white horizontal lines)
    texture: str = ""


NOT_LISTED = Category(
    "not_listed", N_("Not listed"), "#DDDDDD", pattern=True
)  # labels: translated when drawn

WIDTH = 960
_AREA_FILL = "#F3F3F3"  # territories and areas that are not states: light, flat, never hatched
_OCEAN = "#F7FAFC"
_BORDER = "#FFFFFF"
_COLOUR = re.compile(r"^#[0-9A-Fa-f]{6}$")
_HATCH_ANGLES = (45, -45, 0, 90)
# Textures over a flat colour, in a 6 x 6 tile (white, so they lighten the colour where they lie).
_TEXTURES = {
    "": "",
    "dots": '<circle cx="3" cy="3" r="1.3" fill="#FFFFFF"/>',
    "rings": '<circle cx="3" cy="3" r="1.6" fill="none" stroke="#FFFFFF" stroke-width=".8"/>',
    "bars": '<rect y="2.4" width="6" height="1.2" fill="#FFFFFF"/>',
}
_DISCLAIMER = N_(
    "Map: Natural Earth 4.1.0 (public domain) via world-atlas 2.0.2, Equal Earth projection. Boundaries and "
    "names shown imply no judgement on the legal status of any territory."
)


def render_choropleth(
    values: Mapping[str, str],
    categories: Sequence[Category],
    *,
    title: str,
    as_of: str,
    source: str,
    caption: str | None = None,
    default: str | None = None,
    id_prefix: str = "map",
) -> str:
    """A standalone SVG (960 px wide) of `values` (ISO alpha-3 -> category key).

    `default` is the key of the category of states absent from `values`; when None, `NOT_LISTED` is used
    (and added to the legend unless a category with its key is given). Counts cover the 193 UN member
    States, the two observer States and any other entity (Kosovo, Taiwan) that is in `values`; the others
    are drawn like territories, uncounted. `id_prefix` keeps element ids unique when several maps share a
    page. Raises ValueError for an unknown state code or category key, or a blank as-of date or source.
    """
    cats = _categories(categories, default)
    default_key = default or NOT_LISTED.key
    check_figure_inputs(as_of, source, id_prefix, figure="map")
    by_key = {c.key: c for c in cats}
    chosen = _assign(values, by_key)
    counted = {
        s.iso3: chosen.get(s.iso3, default_key)
        for s in load_states()
        if s.un_status != "other" or s.iso3 in chosen
    }
    fills = {
        c.key: (f"url(#{id_prefix}-pattern-{c.key})" if c.pattern or c.texture else c.colour) for c in cats
    }
    canvas = SvgCanvas(WIDTH, general_number)
    y = canvas.header(title, as_of, caption, title_size=20, title_y=30)
    y = _map(canvas, y, counted, by_key, fills, id_prefix)
    y = _legend(canvas, y, cats, counted, fills)
    y = _small_states(canvas, y, cats, counted, fills)
    height = canvas.footer(y, [_("Source: %(cite)s", cite=source), _(_DISCLAIMER)])
    clip = (
        f'<clipPath id="{id_prefix}-clip"><rect width="{WIDTH}" height="{load_world().height:g}"/></clipPath>'
    )
    defs = _patterns(cats, id_prefix) + clip
    desc = _("As of %(date)s.", date=as_of) + " " + _("Source: %(cite)s", cite=source)
    return canvas.document(height, id_prefix, title, desc, defs)


def _categories(categories: Sequence[Category], default: str | None) -> list[Category]:
    cats = list(categories)
    if default is None and all(c.key != NOT_LISTED.key for c in cats):
        cats.append(NOT_LISTED)
    keys = [c.key for c in cats]
    if len(set(keys)) != len(keys):
        raise ValueError(f"duplicate category keys: {keys}")
    for c in cats:
        if not ELEMENT_KEY.match(c.key) or not _COLOUR.match(c.colour):
            raise ValueError(f"category {c.key!r}: key must be [A-Za-z0-9_-]+ and colour #RRGGBB")
        if c.texture not in _TEXTURES or (c.texture and c.pattern):
            raise ValueError(
                f"category {c.key!r}: texture must be one of {sorted(_TEXTURES)}, not with pattern"
            )
    if default is not None and default not in keys:
        raise ValueError(f"default category {default!r} is not among {keys}")
    return cats


def _assign(values: Mapping[str, str], by_key: Mapping[str, Category]) -> dict[str, str]:
    chosen: dict[str, str] = {}
    for code, key in values.items():
        state = state_by_iso3(code)
        if state is None:
            raise ValueError(f"unknown state code {code!r}")
        if key not in by_key:
            raise ValueError(f"{code}: unknown category {key!r}")
        chosen[state.iso3] = key
    return chosen


def state_name(state: State) -> str:
    """The English common name; the Holy See by the name under which it is a UN observer State. In another
    language (the current one, `reaimhub.i18n`), CLDR's name of the state."""
    english = (state.un_name or state.name()) if state.iso3 == "VAT" else state.name()
    return name_in_language(state.iso3, english)


def _map(
    canvas: SvgCanvas,
    top: float,
    counted: Mapping[str, str],
    by_key: Mapping[str, Category],
    fills: Mapping[str, str],
    prefix: str,
) -> float:
    world = load_world()
    out = canvas.parts
    out.append(f'<g class="map" transform="translate(0 {top:g})" clip-path="url(#{prefix}-clip)">')
    out.append(
        f'<path class="globe" d="{world.outline}" fill="{_OCEAN}" stroke="#C9D3DC" stroke-width=".8"/>'
    )
    out.append(f'<g class="areas" fill="{_AREA_FILL}" stroke="#C8C8C8" stroke-width=".4">')
    for name, path in world.areas:
        tip = _("%(name)s: not a state, not counted", name=name)
        out.append(f'<path d="{path}"><title>{escape(tip)}</title></path>')
    out.append("</g>")
    out.append(f'<g class="states" stroke="{_BORDER}" stroke-width=".5" fill-rule="evenodd">')
    for iso3, shape in world.shapes.items():
        state = state_by_iso3(iso3)
        if not shape.path or state is None:
            continue
        key = counted.get(iso3)
        if key is None:
            tip = _("%(name)s: not a UN member or observer State, not counted", name=state_name(state))
            out.append(
                f'<path id="{prefix}-{iso3}" data-iso3="{iso3}" fill="{_AREA_FILL}" stroke="#C8C8C8" '
                f'stroke-width=".4" d="{shape.path}"><title>{escape(tip)}</title></path>'
            )
            continue
        tip = f"{state_name(state)}: {_(by_key[key].label)}"
        out.append(
            f'<path id="{prefix}-{iso3}" data-iso3="{iso3}" data-category="{key}" fill="{fills[key]}" '
            f'd="{shape.path}"><title>{escape(tip)}</title></path>'
        )
    out.append("</g>")
    hatches = _hatches(list(by_key.values()))
    out.append('<g class="small-states">')
    for marker in small_state_markers():
        key = counted.get(marker.iso3)
        state = state_by_iso3(marker.iso3)
        if key is None or state is None:
            continue
        (ax, ay), (mx, my) = marker.anchor, marker.at
        if math.hypot(mx - ax, my - ay) > MARKER_RADIUS * 0.8:
            out.append(
                f'<line x1="{ax:g}" y1="{ay:g}" x2="{mx:g}" y2="{my:g}" stroke="{MUTED_COLOUR}" '
                'stroke-width=".6"/>'
            )
        tip = f"{state_name(state)}: {_(by_key[key].label)}"
        out.append(
            f'<circle id="{prefix}-{marker.iso3}-marker" data-iso3="{marker.iso3}" data-category="{key}" '
            f'cx="{mx:g}" cy="{my:g}" r="{MARKER_RADIUS:g}" fill="{fills[key]}" stroke="{TEXT_COLOUR}" '
            f'stroke-width=".7"><title>{escape(tip)}</title></circle>'
        )
        if key in hatches:  # a circle this small may miss the pattern's lines: draw one through it
            angle, colour = hatches[key]
            dx = MARKER_RADIUS * math.cos(math.radians(angle - 90))
            dy = MARKER_RADIUS * math.sin(math.radians(angle - 90))
            out.append(
                f'<line x1="{mx - dx:.1f}" y1="{my - dy:.1f}" x2="{mx + dx:.1f}" y2="{my + dy:.1f}" '
                f'stroke="{colour}" stroke-width="1" pointer-events="none"/>'
            )
    out.append("</g></g>")
    return top + world.height + 8


def _legend(
    canvas: SvgCanvas,
    y: float,
    cats: Sequence[Category],
    counted: Mapping[str, str],
    fills: Mapping[str, str],
) -> float:
    y += 12
    canvas.parts.append('<g class="legend">')
    x = float(PAD)
    for c in cats:
        count = sum(1 for key in counted.values() if key == c.key)
        text = f"{_(c.label)}: {count}"
        width = 24 + text_width(text, 13) + 22
        x, y = canvas.legend_place(x, y, width)
        canvas.parts.append(f'<g class="legend-item" data-category="{c.key}" data-count="{count}">')
        canvas.swatch(x, y, fills[c.key])
        canvas.text(x + 24, y, text, 13)
        canvas.parts.append("</g>")
        x += width
    canvas.parts.append("</g>")
    members = sum(1 for s in load_states() if s.un_status == "member")
    observers = sum(1 for s in load_states() if s.un_status == "observer")
    others = sorted(state_name(s) for s in load_states() if s.un_status == "other" and s.iso3 in counted)
    scope = (
        _(
            "Counts cover the %(members)s UN member States and the %(observers)s observer States, and "
            "%(others)s.",
            members=members,
            observers=observers,
            others=", ".join(others),
        )
        if others
        else _(
            "Counts cover the %(members)s UN member States and the %(observers)s observer States.",
            members=members,
            observers=observers,
        )
    )
    y += 20
    canvas.swatch(PAD, y, _AREA_FILL, stroke="#C8C8C8")
    note = scope + " " + _("Areas in this shade are territories or entities not counted.")
    return canvas.paragraph(PAD + 24, y, note, 11, WIDTH - 2 * PAD - 24, colour=MUTED_COLOUR)


def _small_states(
    canvas: SvgCanvas,
    y: float,
    cats: Sequence[Category],
    counted: Mapping[str, str],
    fills: Mapping[str, str],
) -> float:
    small = [m.iso3 for m in small_state_markers() if m.iso3 in counted]
    if not small:
        return y
    y += 8
    canvas.parts.append('<g class="small-states-list">')
    canvas.text(PAD, y, _("Small states (circles on the map)"), 12, weight="bold")
    y += 17
    for c in cats:
        names = []
        for iso3 in small:
            state = state_by_iso3(iso3)
            if state is not None and counted[iso3] == c.key:
                names.append(state_name(state))
        if not names:
            continue
        canvas.swatch(PAD, y, fills[c.key])
        text = f"{_(c.label)} ({len(names)}): {', '.join(sorted(names))}"
        y = canvas.paragraph(PAD + 24, y, text, 11, WIDTH - 2 * PAD - 24) + 3
    canvas.parts.append("</g>")
    return y


def _darker(colour: str, amount: float) -> str:
    rgb = [int(colour[i : i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(v * (1 - amount)):02X}" for v in rgb)


def _hatches(cats: Sequence[Category]) -> dict[str, tuple[int, str]]:
    """Pattern category key -> (hatch angle in degrees, line colour); each has its own angle."""
    pattern_cats = [c for c in cats if c.pattern]
    return {
        c.key: (_HATCH_ANGLES[n % len(_HATCH_ANGLES)], _darker(c.colour, 0.4))
        for n, c in enumerate(pattern_cats)
    }


def _patterns(cats: Sequence[Category], prefix: str) -> str:
    """One hatch per pattern category over the category colour (cross-hatched after four)."""
    out: list[str] = []
    for n, (key, (angle, colour)) in enumerate(_hatches(cats).items()):
        fill = next(c.colour for c in cats if c.key == key)
        cross = '<line x1="0" y1="3" x2="6" y2="3"/>' if n >= len(_HATCH_ANGLES) else ""
        out.append(
            f'<pattern id="{prefix}-pattern-{key}" patternUnits="userSpaceOnUse" width="6" height="6" '
            f'patternTransform="rotate({angle})"><rect width="6" height="6" fill="{fill}"/>'
            f'<g stroke="{colour}" stroke-width="1"><line x1="3" y1="0" x2="3" y2="6"/>{cross}</g></pattern>'
        )
    for c in cats:
        if c.texture:
            out.append(
                f'<pattern id="{prefix}-pattern-{c.key}" patternUnits="userSpaceOnUse" width="6" height="6">'
                f'<rect width="6" height="6" fill="{c.colour}"/>{_TEXTURES[c.texture]}</pattern>'
            )
    return "".join(out)
