"""Exports of what may be non-public are audited: a signed-in viewer's table downloads, and downloads
of non-public originals; an anonymous visitor's exports (public material only) are not."""

from __future__ import annotations

from collections.abc import Callable

from reaimhub.model import SYSTEM, Disclosure
from reaimhub.services import audit
from reaimhub.services.hub import Hub
from reaimhub.services.library import ingest_bytes
from reaimhub.services.sharing import Sharing
from tests.web.conftest import Client


def _actions(hub: Hub) -> list[tuple[str, str, str]]:
    return [(r.action, r.actor, r.target) for r in audit.read(hub.store, SYSTEM, newest_first=False)]


def test_table_exports_by_signed_in_viewers_are_audited(
    client: Client, web_hub: Hub, as_user: Callable[[str], Client]
) -> None:
    before = len(_actions(web_hub))
    assert client.get("/states?format=csv").status_code == 200
    assert len(_actions(web_hub)) == before, "an anonymous export holds public material only"
    kr = as_user("kr@example.org")
    assert kr.get("/states?format=csv").status_code == 200
    recorded = [a for a in _actions(web_hub)[before:] if a[0] == "export"]
    assert recorded and all(actor == "kr@example.org" for _, actor, _ in recorded)
    assert audit.verify(web_hub.store).ok


def test_downloading_a_non_public_original_is_audited(
    web_hub: Hub, accounts: dict[str, str], as_user: Callable[[str], Client]
) -> None:
    owner = accounts["Ministry of Foreign Affairs of the Netherlands"]
    shared = Sharing(Disclosure.RESTRICTED, owner, groups=frozenset({accounts["troika"]}))
    stored = ingest_bytes(
        web_hub, b"Troika working note on the zyxquokka accords.\n", "t.txt", sharing=shared
    )
    assert stored.status == "ok" and stored.uid
    kr = as_user("kr@example.org")
    response = kr.get(f"/api/v1/documents/{stored.uid}/original")
    assert response.status_code == 200 and b"zyxquokka" in response.content
    last = _actions(web_hub)[-1]
    assert last == ("export", "kr@example.org", f"document:{stored.uid}")
    assert as_user("ngo@example.org").get(f"/api/v1/documents/{stored.uid}/original").status_code == 404
