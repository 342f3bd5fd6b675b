"""Charts of an instrument's supporters (over time, by group) on the bundled REAIM dataset.

The SVGs are standalone and XML-valid, accessible (role, title, desc), carry their title, as-of date and
source inside the figure, show what the analytics service says (the same counts per group), say when a
list is partial ("6 of 61 named") and never call a state "opposed"; the pages embed them and the chart
endpoints serve them as image/svg+xml.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator

import pytest

from reaimhub.coalition.analytics import TimePoint
from reaimhub.coalition.charts import BarRow, render_bar_chart, render_step_chart
from reaimhub.coalition.instrument_charts import coverage_chart, supporters_over_time_chart
from reaimhub.model import ANONYMOUS
from reaimhub.services import analytics
from reaimhub.services.hub import Hub
from tests.conftest import ENGINES
from tests.web.conftest import Client
from tests.web.test_coalition_api import BLUEPRINT, CALL_TO_ACTION, coalition_app

SVG = "{http://www.w3.org/2000/svg}"
UN_GROUPS = {
    "African Group",
    "Asia and the Pacific Group",
    "Eastern European Group",
    "Latin American and Caribbean Group",
    "Western European and Others Group",
}


def parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img" and root.get("aria-labelledby")
    assert root.find(f"{SVG}title") is not None and root.find(f"{SVG}desc") is not None
    return root


def words(root: ET.Element) -> str:
    return " ".join("".join(t.itertext()) for t in root.iter(f"{SVG}text"))


def bars(root: ET.Element) -> dict[str, tuple[int, int]]:
    return {
        str(g.get("data-group")): (int(g.get("data-count") or -1), int(g.get("data-total") or -1))
        for g in root.iter(f"{SVG}g")
        if g.get("class") == "bar"
    }


# --- on the service's results ---------------------------------------------------------------------


def test_call_to_action_coverage_lists_every_un_group_with_the_service_counts(reaim_hub: Hub) -> None:
    result = analytics.supporters(reaim_hub, ANONYMOUS, CALL_TO_ACTION)
    svg = coverage_chart(result, "un_group")
    root = parse(svg)
    expected = {r.group.name: (len(r.supporters), r.members) for r in result.coverage["un_group"].rows}
    assert set(expected) == UN_GROUPS
    assert bars(root) == expected
    text = words(root)
    for count, total in expected.values():
        assert f"{count} of {total} (" in text, "the count is written beside every bar"
    assert "As of 2023-02-16" in text and "Source: positions: https://www.government.nl" in text
    assert "Palestine" in text, "a supporter outside every denominator is named"
    assert "lower bound" not in text, "the list is complete"
    assert "0%" in text and "100%" in text
    assert "opposed" not in svg.lower()
    assert coverage_chart(result, "un_group") == svg, "deterministic"
    region = parse(coverage_chart(result, "region"))
    assert bars(region) == {
        r.group.name: (len(r.supporters), r.members) for r in result.coverage["region"].rows
    }


def test_blueprint_over_time_says_6_of_61_named_and_draws_the_declared_line(reaim_hub: Hub) -> None:
    result = analytics.supporters(reaim_hub, ANONYMOUS, BLUEPRINT)
    svg = supporters_over_time_chart(result)
    root = parse(svg)
    text = words(root)
    assert "6 of 61 named: the line shows named supporters only" in text
    assert "61 declared" in text
    declared = [g for g in root.iter(f"{SVG}g") if g.get("class") == "declared"]
    assert len(declared) == 1 and declared[0].get("data-declared") == "61"
    line = declared[0].find(f"{SVG}line")
    assert line is not None and line.get("stroke-dasharray"), "the declared line is dashed"
    points = [c for c in root.iter(f"{SVG}circle") if c.get("data-cumulative")]
    assert [(c.get("data-date"), c.get("data-cumulative")) for c in points] == [
        (p.date, str(p.cumulative)) for p in result.timeline
    ]
    assert points[-1].get("data-cumulative") == "6"
    assert "As of 2024-09-10" in text and "Source: " in text
    assert "opposed" not in svg.lower()
    coverage = parse(coverage_chart(result, "un_group"))
    assert "6 of 61 named: every share is a lower bound" in words(coverage)
    assert coverage.find(f"{SVG}defs/{SVG}pattern") is not None, "partial is hatched"


# --- the renderers on their own ----------------------------------------------------------------------


def test_renderers_validate_and_escape() -> None:
    points = [TimePoint("2024-01-05", ("FRA",), 1, "dated by x"), TimePoint("2025-03-01", ("DEU",), 2, "y")]
    svg = render_step_chart(points, title="A & B <c>", as_of="2025-03-01", source="S", id_prefix="t1")
    root = parse(svg)
    assert root.find(f"{SVG}title") is not None and "A & B <c>" in "".join(root.itertext())
    assert not [g for g in root.iter(f"{SVG}g") if g.get("class") == "declared"], "no declared number"
    with pytest.raises(ValueError, match="as-of"):
        render_step_chart(points, title="t", as_of=" ", source="S")
    with pytest.raises(ValueError, match="id prefix"):
        render_bar_chart([], title="t", as_of="2025", source="S", id_prefix="a b")
    empty = parse(render_bar_chart([BarRow("None", 0, 0)], title="t", as_of="2025", source="S"))
    assert "0 of 0 (n/a)" in words(empty)


# --- pages and endpoints ----------------------------------------------------------------------------


@pytest.fixture(scope="module", params=ENGINES)
def site(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Client]:
    with coalition_app(tmp_path_factory.mktemp("coalition-charts"), request.param) as (_, client):
        yield client


def test_chart_endpoints_serve_svg(site: Client) -> None:
    urls = [
        f"/instruments/{CALL_TO_ACTION}/chart/coverage.svg?by=un_group",
        f"/instruments/{CALL_TO_ACTION}/chart/coverage.svg?by=region",
        f"/instruments/{CALL_TO_ACTION}/chart/over-time.svg",
        f"/instruments/{BLUEPRINT}/chart/over-time.svg",
        "/instruments/A/RES/78/241/chart/coverage.svg",
    ]
    for url in urls:
        response = site.get(url)
        assert response.status_code == 200, url
        assert response.headers["content-type"].startswith("image/svg+xml"), url
        assert "opposed" not in response.text.lower(), url
        parse(response.text)
    un = parse(site.get(urls[0]).text)
    assert set(bars(un)) == UN_GROUPS
    assert "6 of 61 named" in words(parse(site.get(urls[3]).text))
    download = site.get(f"/instruments/{BLUEPRINT}/chart/over-time.svg?download=true")
    assert download.headers["content-disposition"].startswith("attachment")
    assert site.get(f"/instruments/{CALL_TO_ACTION}/chart/coverage.svg?by=planet").status_code == 422
    assert site.get("/instruments/A/RES/99/999/chart/over-time.svg").status_code == 404


def test_instrument_pages_embed_the_charts_with_downloads(site: Client) -> None:
    for instrument_id in (CALL_TO_ACTION, BLUEPRINT):
        response = site.get(f"/instruments/{instrument_id}")
        assert response.status_code == 200
        body = response.text
        for chart in ("chart-un_group", "chart-region", "chart-over-time"):
            assert f'<figure class="chart" id="{chart}">' in body, (instrument_id, chart)
        assert f'href="/instruments/{instrument_id}/chart/over-time.svg?download=true"' in body
        assert f'href="/instruments/{instrument_id}/chart/coverage.svg?by=un_group&amp;download=true"' in body
        assert body.index('id="chart-un_group"') < body.index('<table class="coverage">'), "above its table"
        assert "opposed" not in body.lower()
