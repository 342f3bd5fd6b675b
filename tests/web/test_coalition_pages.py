"""Coalition-tracker pages and their downloads, on the bundled REAIM dataset through the real app.

What a reader sees with JavaScript off: instruments with their maps, tallies and sources, states with
every position, the comparison, churn, outreach and the timeline; and that every table downloads as CSV
and JSON with its as-of date and sources, and that no page or export calls an unlisted state "opposed".
"""

from __future__ import annotations

import csv
import html
import io
import re
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Iterator

import httpx
import pytest
from openpyxl import load_workbook

from reaimhub.reference import load_states
from tests.web.conftest import Client
from tests.web.test_coalition_api import BLUEPRINT, CALL_TO_ACTION, PATHWAYS, UN_MEMBERS, coalition_app

SVG = "{http://www.w3.org/2000/svg}"
OBSERVERS = {s.iso3 for s in load_states() if s.un_status == "observer"}
REAIM_OUTCOMES = (CALL_TO_ACTION, BLUEPRINT, PATHWAYS)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Client]:
    with coalition_app(tmp_path_factory.mktemp("coalition-pages")) as (_, client):
        yield client


def page(site: Client, url: str) -> str:
    response = site.get(url)
    assert response.status_code == 200, f"{url}: {response.status_code} {response.text[:300]}"
    assert response.headers["content-type"].startswith("text/html")
    return response.text


def hrefs(body: str, pattern: str) -> list[str]:
    return sorted({html.unescape(h) for h in re.findall(r'href="([^"]+)"', body) if re.search(pattern, h)})


def text_of(body: str) -> str:
    """The visible text of a page, tags removed and whitespace collapsed."""
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", body)))


def instrument_ids(site: Client) -> list[str]:
    return [i["id"] for i in site.get("/api/v1/instruments").json()["instruments"]]


# --- instruments ----------------------------------------------------------------------------------------


def test_instrument_list_shows_tallies_completeness_and_as_of(site: Client) -> None:
    body = page(site, "/instruments")
    ids = instrument_ids(site)
    for instrument_id in ids:
        assert f'href="/instruments/{instrument_id}"' in body
    rows = re.findall(r"<tr>.*?</tr>", body, flags=re.S)[1:]
    assert len(rows) == len(ids) == 16
    assert all("as of" in row for row in rows), "every row's counts show their as-of date"
    visible = text_of(body)
    assert "152-4-11" in visible and "6 of 61 named (partial list)" in visible
    assert "?table=instruments&amp;format=csv" in body


def test_call_to_action_page(site: Client) -> None:
    body = page(site, f"/instruments/{CALL_TO_ACTION}")
    visible = text_of(body)
    assert "REAIM 2023 Call to Action" in visible
    assert "The Hague" in visible and "2023-02-16" in visible and "summit" in visible
    assert "complete list" in visible and "59 as of 2023-02-16" in visible
    assert "endorsed: 58" in visible and "reported as not endorsing: 1" in visible
    assert "135 UN member States have no entry on it: they are not listed" in visible
    assert body.count('<figure class="map"') == 1 and 'id="map-endorsement-title"' in body
    assert 'href="/instruments/reaim-2023-call-to-action/map.svg?role=endorsement"' in body
    # the table of positions with sources, as links, and confidence
    assert 'href="/states/NLD"' in body and 'href="/states/ISR"' in body
    assert (
        'href="https://www.government.nl/documents/publications/2023/02/16/reaim-2023-endorsing-countries"'
        in body
    )
    assert re.search(r"<td>(official|secondary)</td>", body)
    assert "REAIM 2023, first summit" in visible, "the timeline of related events"


def test_blueprint_page_says_6_of_61_named_and_not_named(site: Client) -> None:
    body = page(site, f"/instruments/{BLUEPRINT}")
    visible = text_of(body)
    assert "6 of 61 named" in visible
    assert "The named list is partial: 6 of 61 named" in visible
    assert "Not named (the list is partial)" in visible, "the map's category for everyone else"
    assert 'data-category="not_named"' in body and 'data-category="not_listed"' not in body
    assert "opposed" not in body.lower()


def test_vote_page_tally_against_data_and_draft_resolution_links(site: Client) -> None:
    body = page(site, "/instruments/A/RES/78/241")
    visible = text_of(body)
    assert re.search(r"yes\s*</span></th>\s*<td class=\"num\">152</td>\s*<td class=\"num\">152</td>", body)
    assert visible.count("matches") == 4, "yes, no, abstain and non-voting all reconcile"
    assert "Recorded vote as of 2023-12-22" in visible
    assert 'href="/instruments/A/C.1/78/L.56"' in body, "the First Committee draft is linked"
    assert "First Committee" in visible and "General Assembly plenary" in visible
    assert 'data-category="not_a_member"' in body, "observer States cannot vote"
    draft = page(site, "/instruments/A/C.1/78/L.56")
    assert 'href="/instruments/A/RES/78/241"' in draft, "and the draft links to its resolution"
    assert "these votes are not named in the data" in draft, "a partial vote record is not shown as zero"


def test_instrument_without_named_positions(site: Client) -> None:
    visible = text_of(page(site, "/instruments/A/RES/79/239"))
    assert "159-2-5" in visible
    assert "No state is named on this instrument in the data: only the tally is known" in visible


def test_other_spellings_redirect_and_unknown_is_404(site: Client) -> None:
    moved = site.get("/instruments/a/res/78/241", follow_redirects=False)
    assert moved.status_code == 308 and moved.headers["location"] == "/instruments/A/RES/78/241"
    assert site.get("/states/nld", follow_redirects=False).headers["location"] == "/states/NLD"
    missing = site.get("/instruments/A/RES/99/999")
    assert missing.status_code == 404 and "instrument A/RES/99/999 was not found" in missing.text
    assert site.get("/states/Atlantis").status_code == 404


# --- maps -----------------------------------------------------------------------------------------------


def svg_root(site: Client, url: str) -> ET.Element:
    response = site.get(url)
    assert response.status_code == 200, url
    assert response.headers["content-type"].startswith("image/svg+xml")
    return ET.fromstring(response.text)


def test_call_to_action_map_has_every_un_member_and_a_legend(site: Client) -> None:
    root = svg_root(site, f"/instruments/{CALL_TO_ACTION}/map.svg")
    drawn = {e.get("data-iso3") for e in root.iter() if e.get("data-iso3")}
    assert drawn >= UN_MEMBERS and len(UN_MEMBERS) == 193
    legend = {
        g.get("data-category"): int(g.get("data-count") or 0)
        for g in root.iter(f"{SVG}g")
        if g.get("class") == "legend-item"
    }
    assert legend == {"endorsed": 58, "not_endorsed_reported": 1, "not_listed": 136}
    assert sum(legend.values()) == len(UN_MEMBERS | OBSERVERS)
    words = " ".join("".join(t.itertext()) for t in root.iter(f"{SVG}text"))
    assert "As of 2023-02-16" in words and "Source:" in words
    assert root.find(f"{SVG}defs/{SVG}pattern") is not None, "not listed is hatched"


def test_vote_map_categories_match_the_tally(site: Client) -> None:
    root = svg_root(site, "/instruments/A/RES/78/241/map.svg?role=vote")
    legend = {
        g.get("data-category"): int(g.get("data-count") or 0)
        for g in root.iter(f"{SVG}g")
        if g.get("class") == "legend-item"
    }
    assert legend == {
        "yes": 152,
        "no": 4,
        "abstain": 11,
        "non_voting": 26,
        "not_a_member": 2,
        "not_listed": 0,
    }
    download = site.get("/instruments/A/RES/78/241/map.svg?download=true")
    assert download.headers["content-disposition"].startswith("attachment")


# --- states ---------------------------------------------------------------------------------------------


def test_state_page_lists_positions_with_sources(site: Client) -> None:
    body = page(site, "/states/NLD")
    visible = text_of(body)
    assert "Netherlands" in visible and "Western European and Others Group" in visible
    for instrument_id in (
        CALL_TO_ACTION,
        PATHWAYS,
        "A/RES/78/241",
        "A/RES/80/57",
        "us-political-declaration",
    ):
        assert f'href="/instruments/{instrument_id}"' in body
    positions = re.search(r'id="positions-heading".*?</table>', body, flags=re.S)
    assert positions is not None
    rows = re.findall(r"<tr>.*?</tr>", positions.group(0), flags=re.S)[1:]
    assert len(rows) == 7
    for row in rows:
        assert re.search(r"\d{4}-\d{2}-\d{2}", row), "each position has its date"
        assert 'class="source"' in row and re.search(r'href="https?://', row), "and a linked source"
    assert (
        "REAIM 2024 Blueprint for Action" in visible
        and "not named (the list is partial: 6 of 61 named)" in visible
    )
    assert "Groups" in visible and "Europe" in visible
    assert "Voting affinity" in visible and "No UN General Assembly roll-call votes are loaded" in visible
    assert "In the library" in visible


def test_states_list(site: Client) -> None:
    body = page(site, "/states")
    for iso3 in ("NLD", "KOR", "VAT", "PSE", "XKX"):
        assert f'href="/states/{iso3}"' in body
    assert "as of" in body


# --- compare, churn, outreach, timeline -------------------------------------------------------------------


def test_compare_page_overlap_and_matrix(site: Client) -> None:
    form = page(site, "/compare")
    assert form.count('type="checkbox"') == 16 and form.count(" checked") == 3
    body = page(site, "/compare?" + "&".join(f"ids={i}" for i in REAIM_OUTCOMES))
    visible = text_of(body)
    overlap = re.search(r'<table class="overlap">.*?</table>', body, flags=re.S)
    assert overlap is not None
    cells = [
        [int(n) for n in re.findall(r'<td class="num">(\d+)</td>', row)]
        for row in re.findall(r"<tr>.*?</tr>", overlap.group(0), flags=re.S)[1:]
    ]
    assert cells == [[58, 5, 34], [5, 6, 5], [34, 5, 45]]
    assert "At least one list is partial" in visible
    assert "Exact combinations" in visible
    matrix = re.search(r'<table class="matrix">.*?</table>', body, flags=re.S)
    assert matrix is not None and "not named" in matrix.group(0) and "not listed" in matrix.group(0)
    one = site.get(f"/compare?ids={CALL_TO_ACTION}")
    assert one.status_code == 400 and "Choose two or more instruments" in one.text


def test_churn_page_carries_the_caveats(site: Client) -> None:
    visible = text_of(page(site, "/churn"))
    assert "Not listed again is not a withdrawal" in visible
    assert f"{CALL_TO_ACTION} → {BLUEPRINT}" in visible and f"{BLUEPRINT} → {PATHWAYS}" in visible
    assert "first to last, directly" in visible
    assert "6 of 61 named" in visible and "lower bounds" in visible


def test_outreach_page_ranks_with_evidence_and_sources(site: Client) -> None:
    assert site.get("/outreach?target=A/RES/80/57", follow_redirects=False).headers["location"] == (
        "/outreach/A/RES/80/57"
    )
    body = page(site, f"/outreach/{PATHWAYS}?limit=10")
    visible = text_of(body)
    assert "How the score is computed" in visible and "voted yes on a UNGA resolution" in visible
    table = re.search(r'<table class="outreach">.*?</table>', body, flags=re.S)
    assert table is not None
    rows = re.findall(r"<tr>.*?</tr>", table.group(0), flags=re.S)[1:]
    assert len(rows) == 10
    for row in rows:
        assert "not listed on the target" in row
        assert re.search(r'href="/instruments/[^"]+"', row) and re.search(r'href="https?://', row)
    assert "as of 2026-07-17" in visible


def test_timeline_page(site: Client) -> None:
    body = page(site, "/events")
    assert (
        'href="/instruments/A/RES/78/241"' in body and 'href="/instruments/reaim-2023-call-to-action"' in body
    )
    assert "REAIM 2026, third summit" in text_of(body)


# --- exports ----------------------------------------------------------------------------------------------

PAGES = (
    "/instruments",
    "/states",
    "/states/NLD",
    "/states/CHN",
    "/states/ISR",
    "/states/PSE",
    "/states/XKX",
    "/events",
    "/compare?" + "&".join(f"ids={i}" for i in REAIM_OUTCOMES),
    "/churn",
    f"/outreach/{PATHWAYS}",
    f"/outreach/{BLUEPRINT}",
)


def every_page(site: Client) -> list[str]:
    return [*PAGES, *(f"/instruments/{i}" for i in instrument_ids(site))]


def test_no_page_or_export_says_opposed(site: Client) -> None:
    checked = 0
    for url in every_page(site):
        body = page(site, url)
        assert "opposed" not in body.lower(), url
        for link in hrefs(body, r"format=(csv|json)|map\.svg|positions\.(csv|json)"):
            response = site.get(link)
            assert response.status_code == 200, link
            assert "opposed" not in response.text.lower(), link
            checked += 1
    api = [
        "/api/v1/instruments",
        *(f"/api/v1/instruments/{i}" for i in instrument_ids(site)),
        "/api/v1/actors/NLD",
        "/api/v1/positions",
        "/api/v1/analytics/churn",
        f"/api/v1/analytics/outreach/{PATHWAYS}",
        "/api/v1/analytics/overlap?" + "&".join(f"ids={i}" for i in REAIM_OUTCOMES),
    ]
    for url in api:
        assert "opposed" not in site.get(url).text.lower(), url
    assert checked > 100


def parse_csv(response: httpx.Response) -> list[list[str]]:
    assert response.headers["content-type"].startswith("text/csv"), response.headers["content-type"]
    assert response.headers["content-disposition"].startswith("attachment; filename=")
    assert response.content.startswith(b"\xef\xbb\xbf"), "UTF-8 with a BOM, so that Excel reads it as UTF-8"
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"), newline="")))


def test_every_table_exports_csv_and_json_with_as_of_and_source(site: Client) -> None:
    seen: Counter[str] = Counter()
    for url in every_page(site):
        body = page(site, url)
        for link in hrefs(body, r"format=csv$"):
            # every table that has a CSV has its semicolon CSV and its XLSX too, linked from the page
            assert {link + "-nl", link[: -len("csv")] + "xlsx"} <= set(hrefs(body, r"format=")), link
            rows = parse_csv(site.get(link))
            assert {"As of", "Source"} <= set(rows[0]), f"{link}: header {rows[0]}"
            assert all(len(r) == len(rows[0]) for r in rows), link
            seen[re.search(r"table=(\w+)", link).group(1)] += 1  # type: ignore[union-attr]
            as_json = site.get(link.replace("format=csv", "format=json")).json()
            assert {"as_of", "columns", "rows", "completeness", "notes"} <= set(as_json)
            assert len(as_json["rows"]) == len(rows) - 1
            assert len(as_json["columns"]) == len(rows[0]), "the JSON keeps the ids of the CSV's labels"
            semicolons = site.get(link + "-nl")
            assert semicolons.content.startswith(b"\xef\xbb\xbf")
            nl_rows = list(
                csv.reader(io.StringIO(semicolons.content.decode("utf-8-sig"), newline=""), delimiter=";")
            )
            assert [len(r) for r in nl_rows] == [len(r) for r in rows] and nl_rows[0] == rows[0], link
            book = load_workbook(io.BytesIO(site.get(link[: -len("csv")] + "xlsx").content), read_only=True)
            sheet = book.worksheets[0]
            assert [c.value for c in next(sheet.iter_rows(max_row=1))] == rows[0], link
            assert sum(1 for _ in sheet.iter_rows()) == len(rows), link
            book.close()
    assert {
        "instruments",
        "positions",
        "sources",
        "events",
        "tally",
        "coverage",
        "not_listed",
        "groups",
        "states",
        "matrix",
        "overlap",
        "intersections",
        "churn",
        "targets",
        "evidence",
    } <= set(seen)


def test_positions_csv_of_the_blueprint_carries_completeness(site: Client) -> None:
    rows = parse_csv(site.get(f"/instruments/{BLUEPRINT}/positions.csv"))
    header, data = rows[0], rows[1:]
    assert header[:2] == ["Instrument id", "Instrument"] and "Source" in header and "As of" in header
    assert len(data) == 7
    record = dict(zip(header, data[0], strict=True))
    assert record["Completeness of the list"] == "6 of 61 named" and record["As of"] == "2024-09-10"
    body = site.get(f"/instruments/{BLUEPRINT}/positions.json").json()
    assert body["completeness"]["label"] == "6 of 61 named" and body["as_of"] == "2024-09-10"
    assert any("not named" in note for note in body["notes"])
    assert site.get(f"/instruments/{BLUEPRINT}?table=nope&format=csv").status_code == 404


def test_pages_load_nothing_from_elsewhere_and_use_no_inline_style(site: Client) -> None:
    for url in (f"/instruments/{CALL_TO_ACTION}", "/states/NLD", f"/outreach/{PATHWAYS}", "/compare"):
        body = page(site, url)
        assert not re.search(r'src="(https?:)?//', body), url
        assert "<script" not in body and " style=" not in body, url
