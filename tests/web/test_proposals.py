"""Position proposals in the portal and the API (issue 9 item 5), through the real app on both engines:
the form, refusals that say what to fix (no source, a library page out of range), moderation, and an
approved proposal shown at once on the state and instrument pages and in the API with who proposed
and who approved it; the bundled positions say they come from the bundled dataset."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from reaimhub.services import audit, auth
from reaimhub.services.contributions import decide, list_contributions
from tests.accounts import principal_of
from tests.conftest import ENGINES
from tests.web.test_notes import Site, exchange_site, text_of

BLUEPRINT = "reaim-2024-blueprint-for-action"
SOURCE = "https://www.government.nl/documents/diplomatic-statements/2024/09/10/blueprint"


@pytest.fixture(scope="module", params=ENGINES)
def site(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    with exchange_site(tmp_path_factory.mktemp(f"proposals-{request.param}"), request.param) as made:
        yield made


def proposal(**fields: Any) -> dict[str, Any]:
    return {
        "instrument_id": BLUEPRINT,
        "state": "NLD",
        "role": "endorsement",
        "value": "endorsed",
        "as_of": "2024-09-10",
        "source_url": SOURCE,
        "note": "The Netherlands endorsed the Blueprint in Seoul.",
        "level": "public",
        **fields,
    }


def blueprint_position(site: Site, iso3: str) -> dict[str, Any] | None:
    positions = site.anonymous.get(f"/api/v1/actors/{iso3}").json()["positions"]
    found = [p for p in positions if p["instrument_id"] == BLUEPRINT]
    return found[0] if found else None


def test_the_form_asks_anonymous_visitors_to_sign_in(site: Site) -> None:
    response = site.anonymous.get("/positions/propose")
    assert response.status_code == 303 and response.headers["location"].startswith("/sign-in")
    form = site.sign_in("kr@example.org").get(f"/positions/propose?instrument={BLUEPRINT}&state=NLD")
    assert form.status_code == 200
    assert f'<option value="{BLUEPRINT}" selected>' in form.text
    opening = form.text.split('<form class="propose"', 1)[1].split(">", 2)
    assert opening[1].strip().startswith('<input type="hidden" name="csrftoken"')  # the first field


def test_a_proposal_without_a_source_is_refused_with_what_to_give(site: Site) -> None:
    kr = site.sign_in("kr@example.org")
    response = kr.form("/positions/propose", proposal(source_url=""))
    assert response.status_code == 400
    shown = text_of(response.text)
    assert "a proposal needs a source: a URL (http or https) or a library document and a page in it" in shown
    assert "The Netherlands endorsed the Blueprint in Seoul." in shown  # the form keeps what was typed
    api = kr.post(
        "/api/v1/positions/proposals",
        json={
            "instrument_id": BLUEPRINT,
            "iso3": "NLD",
            "value": "endorsed",
            "as_of": "2024-09-10",
            "note": "x",
        },
        headers={"x-csrftoken": kr.csrf()},
    )
    assert api.status_code == 400 and api.json()["error"]["code"] == "bad_request"
    assert "needs a source" in api.json()["error"]["message"]


def test_a_library_page_out_of_range_is_refused(site: Site) -> None:
    kr = site.sign_in("kr@example.org")
    response = kr.form(
        "/positions/propose", proposal(source_url="", source_document=site.public_doc, source_page="7")
    )
    assert response.status_code == 400
    assert f"page 7 is not in library document {site.public_doc}: it has 1 page" in text_of(response.text)


def test_an_approved_proposal_shows_at_once_with_who_proposed_and_approved_it(site: Site) -> None:
    assert blueprint_position(site, "NLD") is None
    kr = site.sign_in("kr@example.org")
    response = kr.form("/positions/propose", proposal())
    assert response.status_code == 201, text_of(response.text)
    assert "waits for a moderator" in text_of(response.text)
    assert blueprint_position(site, "NLD") is None
    assert "government.nl/documents/diplomatic" not in site.anonymous.get("/states/NLD").text

    [pending] = [
        c
        for c in list_contributions(site.hub, principal_of(site.hub, "kr@example.org"))
        if c.kind == "position"
    ]
    decide(
        site.hub, principal_of(site.hub, "mod@example.org"), pending.id, "approve", "the government's page"
    )

    position = blueprint_position(site, "NLD")
    assert position is not None
    assert (position["value"], position["source"], position["proposed_by"], position["approved_by"]) == (
        "endorsed",
        SOURCE,
        "kr@example.org",
        "mod@example.org",
    )
    words = "proposed by kr@example.org, approved by mod@example.org"
    assert position["provenance"] == words
    assert words in text_of(site.anonymous.get("/states/NLD").text)
    instrument = site.anonymous.get(f"/instruments/{BLUEPRINT}")
    assert words in text_of(instrument.text)
    [row] = [
        p
        for p in site.anonymous.get(f"/api/v1/instruments/{BLUEPRINT}").json()["positions"]
        if p["iso3"] == "NLD"
    ]
    assert row["provenance"] == words
    change = [
        r
        for r in audit.read(site.hub.store, principal_of(site.hub, "admin@example.org"))
        if r.action == "position.change"
    ]
    assert change[0].target == f"position:{BLUEPRINT}/NLD/endorsement" and change[0].before is None
    assert audit.verify(site.hub.store).ok


def test_the_bundled_positions_say_bundled_dataset(site: Site) -> None:
    usa = blueprint_position(site, "USA")
    assert usa is not None and (usa["proposed_by"], usa["approved_by"], usa["provenance"]) == (
        None,
        None,
        "bundled dataset",
    )
    state = text_of(site.anonymous.get("/states/USA").text)
    assert state.count("bundled dataset") == len(site.anonymous.get("/api/v1/actors/USA").json()["positions"])
    assert "bundled dataset" in text_of(site.anonymous.get("/instruments/A/RES/79/62").text)


def test_an_api_token_proposes_with_the_contribute_scope(site: Site) -> None:
    ngo = principal_of(site.hub, "ngo@example.org")
    secret, _ = auth.create_token(site.hub.store, ngo, "ngo@example.org", ["read", "contribute"])
    read_only, _ = auth.create_token(site.hub.store, ngo, "ngo@example.org", ["read"])
    body = {
        "instrument_id": BLUEPRINT,
        "iso3": "Tuvalu",
        "value": "endorsed",
        "as_of": "2024-09-10",
        "source_url": "https://example.org/tuvalu",
        "note": "Tuvalu's statement.",
    }
    refused = site.anonymous.post(
        "/api/v1/positions/proposals", json=body, headers={"Authorization": f"Bearer {read_only}"}
    )
    assert refused.status_code == 403 and "contribute" in refused.json()["error"]["message"]
    made = site.anonymous.post(
        "/api/v1/positions/proposals", json=body, headers={"Authorization": f"Bearer {secret}"}
    )
    assert made.status_code == 201, made.text
    assert (made.json()["kind"], made.json()["status"], made.json()["iso3"], made.json()["role"]) == (
        "position",
        "pending",
        "TUV",
        "endorsement",
    )
    assert blueprint_position(site, "TUV") is None
