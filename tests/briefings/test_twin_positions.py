"""A fact a non-public audience is told beyond what the public would be told rests on non-public
material, whatever row it comes from: a position shared with the troika changes a count in the troika's
briefing, and that count is withheld from the public twin."""

from __future__ import annotations

import json

import pytest

from reaimhub.briefings.model import BriefingSpec
from reaimhub.briefings.redact import public_twin
from reaimhub.briefings.render import to_html
from reaimhub.model import SYSTEM
from reaimhub.services import briefings as service
from reaimhub.services import identity
from reaimhub.services.coalition_imports import load_reaim_dataset
from reaimhub.services.hub import Hub
from reaimhub.services.proposals import propose_position
from tests.conftest import ENGINES

PATHWAYS = "reaim-2026-pathways-to-action"


@pytest.mark.parametrize("database_url", ENGINES, indirect=True)
def test_a_count_raised_by_a_restricted_position_never_reaches_the_public_twin(hub: Hub) -> None:
    assert load_reaim_dataset(hub).ok
    nld = identity.add_org(hub.store, SYSTEM, "Netherlands MFA", "state", iso3="NLD")
    kor = identity.add_org(hub.store, SYSTEM, "Korea MOFA", "state", iso3="KOR")
    troika = identity.add_group(hub.store, SYSTEM, "troika", [nld.id, kor.id])
    identity.add_user(hub.store, SYSTEM, "nl@example.org", nld.id, "editor")
    with hub.store.read() as conn:
        user = identity.get_user(conn, "nl@example.org")
        assert user is not None
        proposer = identity.principal_for(conn, user.id)
    applied = propose_position(
        hub,
        proposer,
        instrument_id=PATHWAYS,
        iso3="USA",
        role="endorsement",
        value="endorsed",
        as_of="2026-09-01",
        note="Told in confidence at the troika meeting.",
        source_url="https://example.org/troika-minutes",
        level="restricted",
        share_with=[troika.id],
    )
    assert applied.status == "published"
    spec = BriefingSpec("beslisnota", "nl", "2023-01-01", "2026-12-31", audience=troika.id)
    troika_view = service.draft(hub, SYSTEM, spec)
    public_view = service.draft(hub, SYSTEM, BriefingSpec("beslisnota", "nl", "2023-01-01", "2026-12-31"))
    public_values = {f.key: f.value for f in public_view.figures}
    raised = [f for f in troika_view.figures if public_values.get(f.key) != f.value]
    assert raised, "the troika's briefing counts the restricted position"
    assert all(f.restricted for f in raised)
    twin = public_twin(troika_view)
    shown = json.dumps(twin.as_json(), ensure_ascii=False) + to_html(twin)
    assert "troika-minutes" not in shown
    twin_values = {f.key: f.value for f in twin.figures}
    for figure in raised:
        assert twin_values.get(figure.key) in (None, public_values.get(figure.key)), figure
