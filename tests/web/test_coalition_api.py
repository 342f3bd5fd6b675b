"""The coalition tracker in the JSON API (/api/v1), on the bundled REAIM dataset through the real app.

One hub per module (SQLite, the dataset loaded once); the engine-parametrized test at the end runs the key
figures on PostgreSQL too when a server is configured.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from reaimhub.reference import load_states
from reaimhub.services.hub import Hub
from reaimhub.web import create_app
from tests.conftest import ENGINES, database_for, make_hub
from tests.web.conftest import Client, web_engine

CALL_TO_ACTION = "reaim-2023-call-to-action"
BLUEPRINT = "reaim-2024-blueprint-for-action"
PATHWAYS = "reaim-2026-pathways-to-action"
UN_MEMBERS = {s.iso3 for s in load_states() if s.un_status == "member"}


@contextmanager
def coalition_app(tmp: Path, engine: str | None = None) -> Iterator[tuple[Hub, Client]]:
    """A hub on `engine`, by default the web tests' (SQLite, or PostgreSQL in the second pass of
    ./dev test), in `tmp` with the bundled REAIM dataset loaded, and a client on its app."""
    from reaimhub.services.coalition_imports import load_reaim_dataset

    with database_for(engine or web_engine(), tmp) as url:
        hub = make_hub(tmp, url)
        try:
            report = load_reaim_dataset(hub)
            assert report.ok, [(f.filename, [str(p) for p in f.problems]) for f in report.files if f.refused]
            client = Client(create_app(hub))
            try:
                yield hub, client
            finally:
                client.close()
        finally:
            hub.close()


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Client]:
    with coalition_app(tmp_path_factory.mktemp("coalition-api")) as (_, client):
        yield client


def ok_json(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert isinstance(body, dict)
    return body


def assert_error(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert list(body) == ["error"]
    assert sorted(body["error"]) == ["code", "detail", "message", "status"]
    assert body["error"]["status"] == status and body["error"]["code"] == code
    return dict(body["error"])


# --- instruments -------------------------------------------------------------------------------------


def test_resolution_78_241_counts_equal_the_official_tally_as_of_the_vote(api: Client) -> None:
    body = ok_json(api.get("/api/v1/instruments/A/RES/78/241"))
    assert body["id"] == "A/RES/78/241"
    assert body["tally"] == {"yes": 152, "no": 4, "abstain": 11, "non_voting": 26}
    assert {k: body["counts"][k] for k in ("yes", "no", "abstain")} == {"yes": 152, "no": 4, "abstain": 11}
    assert body["counts"]["non_voting"] == 26
    assert body["as_of"] == body["tally_as_of"] == "2023-12-22"
    assert body["named_list"]["complete"] is True
    assert body["drafts"] == ["A/C.1/78/L.56"], "the First Committee draft is linked to the resolution"
    assert len(body["positions"]) == 193
    assert all(p["source"] and p["as_of"] and p["confidence"] for p in body["positions"])
    assert body["maps"] == {"vote": "/instruments/A/RES/78/241/map.svg?role=vote"}
    # another spelling of the id, and the draft pointing at its resolution
    assert ok_json(api.get("/api/v1/instruments/a/res/78/241"))["id"] == "A/RES/78/241"
    assert ok_json(api.get("/api/v1/instruments/A/C.1/78/L.56"))["becomes"] == "A/RES/78/241"


def test_instrument_list_has_counts_tally_as_of_and_completeness(api: Client) -> None:
    body = ok_json(api.get("/api/v1/instruments"))
    assert "not listed" in body["not_listed_meaning"]
    by_id = {i["id"]: i for i in body["instruments"]}
    assert len(by_id) == 16
    for entry in by_id.values():
        assert "as_of" in entry and "counts" in entry and entry["named_list"]["label"]
        if entry["counts"]:
            assert entry["as_of"], f"{entry['id']}: a count without its as-of date"
    assert by_id["A/RES/80/57"]["tally"] == {"yes": 164, "no": 6, "abstain": 7, "non_voting": 16}
    assert by_id["A/RES/79/62"]["counts"]["yes"] == 166
    assert by_id[CALL_TO_ACTION]["counts"] == {"endorsed": 58, "not_endorsed_reported": 1}
    assert by_id[BLUEPRINT]["named_list"]["label"] == "6 of 61 named"
    assert by_id[BLUEPRINT]["named_list"]["status"] == "partial"


def test_blueprint_says_6_of_61_named(api: Client) -> None:
    body = ok_json(api.get(f"/api/v1/instruments/{BLUEPRINT}"))
    assert body["named_list"]["label"] == "6 of 61 named"
    assert body["named_list"]["complete"] is False
    assert body["declared_supporters"] == 61
    assert body["counts"] == {"endorsed": 6, "not_endorsed_reported": 1}
    assert body["as_of"] == "2024-09-10"
    assert "opposed" not in api.get(f"/api/v1/instruments/{BLUEPRINT}").text.lower()


def test_map_svg_routes_for_ids_with_slashes(api: Client) -> None:
    for url in ("/instruments/A/RES/78/241/map.svg", "/api/v1/instruments/A/RES/78/241/map.svg"):
        response = api.get(url)
        assert response.status_code == 200, url
        assert response.headers["content-type"].startswith("image/svg+xml")
        assert response.text.startswith("<svg") and 'data-category="yes"' in response.text
    drafted = api.get("/api/v1/instruments/A/C.1/78/L.56/map.svg?role=sponsorship")
    assert drafted.status_code == 200 and 'data-category="co_sponsor"' in drafted.text
    assert_error(api.get("/api/v1/instruments/A/RES/78/241/map.svg?role=opinion"), 422, "invalid_request")


# --- actors, positions, events ----------------------------------------------------------------------


def test_actors_list_states_with_un_status_and_group(api: Client) -> None:
    body = ok_json(api.get("/api/v1/actors"))
    by_iso3 = {a["iso3"]: a for a in body["actors"]}
    assert set(by_iso3) >= UN_MEMBERS
    assert by_iso3["NLD"]["un_status"] == "member"
    assert by_iso3["NLD"]["un_regional_group"] == "Western European and Others Group"
    assert by_iso3["VAT"]["un_status"] == "observer" and by_iso3["PSE"]["un_status"] == "observer"
    assert by_iso3["NLD"]["positions"] >= 5 and body["as_of"]
    members = ok_json(api.get("/api/v1/actors?un_status=member"))["actors"]
    assert {a["iso3"] for a in members} == UN_MEMBERS


def test_actor_has_every_position_with_source_and_date(api: Client) -> None:
    body = ok_json(api.get("/api/v1/actors/NLD"))
    assert body["iso3"] == "NLD" and body["name_en"]
    instruments = {p["instrument_id"] for p in body["positions"]}
    assert {CALL_TO_ACTION, PATHWAYS, "A/RES/78/241", "us-political-declaration"} <= instruments
    for p in body["positions"]:
        assert p["source"] and p["as_of"] and p["confidence"] in ("official", "secondary")
        assert p["list_completeness"]
    assert BLUEPRINT in {n["instrument_id"] for n in body["not_listed"]}, "NLD is not named on the Blueprint"
    assert "not listed" in body["not_listed_meaning"]
    assert {g["kind"] for g in body["groups"]} >= {"un_regional_group", "m49_region"}
    assert set(body["mentions"]) == {"documents", "mentions"}
    assert body["as_of"] == max(p["as_of"] for p in body["positions"])
    assert ok_json(api.get("/api/v1/actors/Netherlands"))["iso3"] == "NLD"


def test_positions_filter_by_instrument_state_and_value(api: Client) -> None:
    body = ok_json(api.get("/api/v1/positions", params={"instrument": "A/RES/78/241", "value": "no"}))
    assert len(body["positions"]) == 4
    assert {p["value"] for p in body["positions"]} == {"no"}
    assert body["completeness"]["A/RES/78/241"]["complete"] is True
    assert body["as_of"] == "2023-12-22"
    blueprint = ok_json(api.get("/api/v1/positions", params={"instrument": BLUEPRINT}))
    assert blueprint["completeness"][BLUEPRINT]["label"] == "6 of 61 named"
    assert all(p["list_completeness"] == "6 of 61 named" for p in blueprint["positions"])
    nld = ok_json(api.get("/api/v1/positions", params={"state": "nld", "value": "endorsed"}))
    assert nld["filters"] == {"instrument": None, "state": "NLD", "value": "endorsed"}
    assert {p["instrument_id"] for p in nld["positions"]} >= {CALL_TO_ACTION, PATHWAYS}
    assert all(p["source"] for p in nld["positions"])
    assert_error(api.get("/api/v1/positions", params={"value": "opposition"}), 422, "invalid_request")
    assert_error(api.get("/api/v1/positions", params={"state": "Atlantis"}), 404, "not_found")


def test_events_with_sources_and_related_instruments(api: Client) -> None:
    body = ok_json(api.get("/api/v1/events"))
    assert len(body["events"]) >= 20 and body["as_of"]
    dates = [e["start_date"] for e in body["events"]]
    assert dates == sorted(dates)
    vote = next(e for e in body["events"] if e["related"] == ["A/RES/78/241"] and e["kind"] == "vote")
    assert vote["start_date"] == "2023-12-22" and vote["sources"]


# --- analytics -----------------------------------------------------------------------------------------


def test_analytics_coverage_overlap_churn_outreach(api: Client) -> None:
    coverage = ok_json(api.get(f"/api/v1/analytics/coverage/{CALL_TO_ACTION}"))
    assert coverage["as_of"] == "2023-02-16" and coverage["supporters"]["count"] == 58
    assert {"un_group", "region"} <= set(coverage["coverage"])

    overlap = ok_json(api.get("/api/v1/analytics/overlap", params={"ids": [CALL_TO_ACTION, BLUEPRINT]}))
    assert overlap["order"] == [CALL_TO_ACTION, BLUEPRINT]
    assert overlap["matrix"][0][0] == 58 and overlap["matrix"][1][1] == 6
    assert any("6 of 61 named" in c for c in overlap["caveats"])

    churn = ok_json(api.get("/api/v1/analytics/churn"))
    assert [o["id"] for o in churn["outcomes"]] == [CALL_TO_ACTION, BLUEPRINT, PATHWAYS]
    assert all(step["caveats"] for step in churn["steps"])

    outreach = ok_json(api.get(f"/api/v1/analytics/outreach/{PATHWAYS}", params={"limit": 5}))
    assert len(outreach["targets"]) == 5 and outreach["target"]["as_of"]
    for target in outreach["targets"]:
        assert target["evidence"] and all(e["source"] and e["as_of"] for e in target["evidence"])

    affinity = ok_json(api.get("/api/v1/analytics/affinity/NLD"))
    assert affinity["state"]["iso3"] == "NLD" and "note" in affinity


def test_analytics_errors_use_the_one_shape(api: Client) -> None:
    assert_error(api.get("/api/v1/analytics/overlap", params={"ids": [BLUEPRINT]}), 400, "bad_request")
    assert_error(api.get(f"/api/v1/analytics/coverage/{BLUEPRINT}?by=bloc"), 400, "bad_request")
    assert_error(api.get("/api/v1/analytics/outreach/no-such-thing"), 404, "not_found")
    assert_error(api.get("/api/v1/analytics/affinity/XXX"), 404, "not_found")


# --- errors and OpenAPI ---------------------------------------------------------------------------------


def test_unknown_instrument_and_actor_use_the_one_error_shape(api: Client) -> None:
    error = assert_error(api.get("/api/v1/instruments/A/RES/99/999"), 404, "not_found")
    assert "A/RES/99/999" in error["message"]
    assert_error(api.get("/api/v1/instruments/A/RES/99/999/map.svg"), 404, "not_found")
    assert_error(api.get("/api/v1/actors/Atlantis"), 404, "not_found")
    page = api.get("/instruments/A/RES/99/999")
    assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")


def test_openapi_lists_the_coalition_paths_with_the_error_model(api: Client) -> None:
    spec = ok_json(api.get("/openapi.json"))
    paths = spec["paths"]
    expected = {
        "/api/v1/instruments",
        "/api/v1/instruments/{instrument_id}",
        "/api/v1/instruments/{instrument_id}/map.svg",
        "/api/v1/actors",
        "/api/v1/actors/{iso3}",
        "/api/v1/positions",
        "/api/v1/events",
        "/api/v1/analytics/coverage/{instrument_id}",
        "/api/v1/analytics/overlap",
        "/api/v1/analytics/churn",
        "/api/v1/analytics/outreach/{target}",
        "/api/v1/analytics/affinity/{iso3}",
    }
    assert expected <= set(paths)
    assert not any(p.startswith(("/instruments", "/states", "/compare")) for p in paths), "pages stay out"
    for path in expected:
        responses = paths[path]["get"]["responses"]
        assert responses["500"]["content"]["application/json"]["schema"]["$ref"].endswith("/ErrorBody")
    detail = paths["/api/v1/instruments/{instrument_id}"]["get"]["responses"]
    assert detail["404"]["content"]["application/json"]["schema"]["$ref"].endswith("/ErrorBody")
    assert detail["200"]["content"]["application/json"]["schema"]["$ref"].endswith("/InstrumentDetailOut")


# --- both engines ----------------------------------------------------------------------------------------


@pytest.fixture(params=ENGINES)
def engine_reaim_hub(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Hub]:
    """As tests/coalition's `reaim_hub`: the dataset loaded on each engine (PostgreSQL when configured)."""
    from reaimhub.services.coalition_imports import load_reaim_dataset

    with database_for(request.param, tmp_path) as url:
        hub = make_hub(tmp_path, url)
        try:
            assert load_reaim_dataset(hub).ok
            yield hub
        finally:
            hub.close()


def test_key_figures_on_each_engine(engine_reaim_hub: Hub) -> None:
    client = Client(create_app(engine_reaim_hub))
    try:
        body = ok_json(client.get("/api/v1/instruments/A/RES/79/62"))
        assert {k: body["counts"][k] for k in ("yes", "no", "abstain")} == {
            "yes": 166,
            "no": 3,
            "abstain": 15,
        }
        assert body["as_of"] == "2024-12-02"
        blueprint = ok_json(client.get(f"/api/v1/instruments/{BLUEPRINT}"))
        assert blueprint["named_list"]["label"] == "6 of 61 named"
        page = client.get(f"/instruments/{BLUEPRINT}")
        assert page.status_code == 200 and "6 of 61 named" in page.text
    finally:
        client.close()
