"""Map categories can be told apart without colour (issue 13 item 2, WCAG 1.4.1): on every role's map,
two categories either differ clearly in lightness once the map is printed or seen in greyscale, or differ in
texture (dots, rings, bars, hatching); and the legend names each in text with its count."""

from __future__ import annotations

import itertools
import xml.etree.ElementTree as ET

import pytest

from reaimhub.coalition.geo import NOT_LISTED, Category, render_choropleth
from reaimhub.coalition.model import Role
from reaimhub.services import coalition_maps
from reaimhub.services.coalition_maps import NOT_NAMED

SVG = "{http://www.w3.org/2000/svg}"
MIN_LIGHTNESS_RATIO = 1.5  # between two flat categories' relative luminances (as a contrast ratio)


def luminance(colour: str) -> float:
    def channel(v: int) -> float:
        c = v / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def signatures(svg: str) -> dict[str, tuple[float, str]]:
    """Each legend category's greyscale look: (luminance of its colour, its texture as drawn)."""
    root = ET.fromstring(svg)
    patterns = {p.get("id"): p for p in root.iter(f"{SVG}pattern")}
    looks: dict[str, tuple[float, str]] = {}
    for item in root.iter(f"{SVG}g"):
        if item.get("class") != "legend-item":
            continue
        fill = item.find(f"{SVG}rect").get("fill")  # type: ignore[union-attr]
        assert fill
        if fill.startswith("url(#"):
            pattern = patterns[fill[5:-1]]
            base = pattern.find(f"{SVG}rect").get("fill")  # type: ignore[union-attr]
            drawn = [f"{child.tag}{sorted(child.attrib.items())}" for child in list(pattern)[1:]]
            texture = (pattern.get("patternTransform") or "") + "|".join(drawn)
            looks[str(item.get("data-category"))] = (luminance(str(base)), texture)
        else:
            looks[str(item.get("data-category"))] = (luminance(fill), "")
    return looks


def distinguishable(a: tuple[float, str], b: tuple[float, str]) -> bool:
    if a[1] != b[1]:
        return True
    high, low = max(a[0], b[0]), min(a[0], b[0])
    return (high + 0.05) / (low + 0.05) >= MIN_LIGHTNESS_RATIO


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("default", [NOT_LISTED, NOT_NAMED])
def test_every_pair_of_categories_on_a_map_differs_in_greyscale(role: Role, default: Category) -> None:
    categories = [*coalition_maps._ROLE_CATEGORIES[role], default]  # every category a role's map can show
    values = {
        iso3: c.key for iso3, c in zip(("NLD", "KOR", "ESP", "USA", "CHN"), categories[:-1], strict=False)
    }
    svg = render_choropleth(
        values, categories, title="t", as_of="2026-01-01", source="s", default=default.key, id_prefix="m"
    )
    looks = signatures(svg)
    assert set(looks) == {c.key for c in categories}
    for (k1, a), (k2, b) in itertools.combinations(looks.items(), 2):
        assert distinguishable(a, b), f"{role.value}: {k1} and {k2} look alike in greyscale ({a}, {b})"
    root = ET.fromstring(svg)
    legend = " ".join(t.text or "" for t in root.iter(f"{SVG}text"))
    for c in categories:
        assert f"{c.label}: " in legend, c.label  # named in text, with its count


def test_the_flat_palette_alone_would_not_do() -> None:
    """The check has teeth: "Yes" (blue) and "No" (vermillion) are too close in lightness without texture."""
    blue = Category("yes", "Yes", "#0072B2")
    red = Category("no", "No", "#D55E00")
    svg = render_choropleth({"NLD": "yes", "KOR": "no"}, [blue, red], title="t", as_of="2026", source="s")
    looks = signatures(svg)
    assert not distinguishable(looks["yes"], looks["no"])


def test_a_texture_with_a_hatch_is_refused() -> None:
    with pytest.raises(ValueError, match="texture"):
        render_choropleth(
            {},
            [Category("x", "X", "#000000", pattern=True, texture="dots")],
            title="t",
            as_of="2026",
            source="s",
        )
    with pytest.raises(ValueError, match="texture"):
        render_choropleth(
            {}, [Category("x", "X", "#000000", texture="stars")], title="t", as_of="2026", source="s"
        )
