"""A hub with the bundled dataset, the troika (NL, ROK, Spain as organisations in one group) and a
document restricted to the troika that carries a marker word; built once per engine."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from reaimhub.model import SYSTEM, Disclosure
from reaimhub.services import identity
from reaimhub.services.coalition_imports import load_reaim_dataset
from reaimhub.services.hub import Hub
from reaimhub.services.library import ingest_bytes
from reaimhub.services.sharing import Sharing
from tests.conftest import ENGINES, database_for, make_hub

MARKER = "quellaxtroika"  # only in the troika's restricted document
PUBLIC_MARKER = "plimsolpublic"  # in a public document


@dataclass
class World:
    hub: Hub
    data_dir: Path
    database_url: str
    orgs: dict[str, str]
    troika: str  # the group's id


def _document(title: str, body: str) -> bytes:
    return f"{title}\n\n{body}\n".encode()


@pytest.fixture(scope="module", params=ENGINES)
def world(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    tmp = tmp_path_factory.mktemp(f"briefings-{request.param}")
    with database_for(request.param, tmp) as url:
        hub = make_hub(tmp, url)
        try:
            assert load_reaim_dataset(hub).ok
            orgs = {
                key: identity.add_org(hub.store, SYSTEM, name, "state", iso3).id
                for key, name, iso3 in (
                    ("nld", "Ministry of Foreign Affairs of the Netherlands", "NLD"),
                    ("kor", "Ministry of Foreign Affairs of the Republic of Korea", "KOR"),
                    ("esp", "Ministry of Foreign Affairs of Spain", "ESP"),
                )
            }
            orgs["ngo"] = identity.add_org(hub.store, SYSTEM, "Stop Killer Robots Test", "civil_society").id
            troika = identity.add_group(
                hub.store, SYSTEM, "troika", [orgs["nld"], orgs["kor"], orgs["esp"]]
            ).id
            restricted = ingest_bytes(
                hub,
                _document(f"Troika paper {MARKER}", "The troika discussed the next REAIM summit in private."),
                f"{MARKER}.txt",
                sharing=Sharing(Disclosure.RESTRICTED, orgs["nld"], groups=frozenset({troika})),
            )
            assert restricted.status == "ok", restricted
            public = ingest_bytes(
                hub,
                _document(f"Public paper {PUBLIC_MARKER}", "A public paper on autonomous weapons."),
                f"{PUBLIC_MARKER}.txt",
            )
            assert public.status == "ok", public
            yield World(hub, tmp / "data", url, orgs, troika)
        finally:
            hub.close()
