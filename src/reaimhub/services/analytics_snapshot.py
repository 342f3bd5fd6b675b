"""What the coalition analytics read: one snapshot of the visible instruments, actors and positions
(each with its visible source), the reference groups, and the JSON and as-of helpers they share.

Every row is read through `reaimhub.access.visible` (positions, instruments, sources, actors).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import text

from reaimhub.access import NotFound, visible
from reaimhub.coalition.analytics import (
    Fact,
    GroupInfo,
)
from reaimhub.coalition.model import Instrument, PositionValue, Role
from reaimhub.i18n import gettext
from reaimhub.model import Principal
from reaimhub.services.coalition import counts_as_of, visible_instruments
from reaimhub.services.hub import Hub
from reaimhub.shapes.analytics import AnalyticsInstrument
from reaimhub.store import Store
from reaimhub.store.driver import in_list

__all__ = [
    "Snapshot",
    "SnapshotActor",
    "instrument_as_of",
    "instrument_fields",
    "instrument_json",
    "instrument_shape",
    "read_groups",
    "read_snapshot",
    "secondary_caveat",
    "store_of",
]


@dataclass(frozen=True)
class SnapshotActor:
    iso3: str
    name: str
    un_status: str


@dataclass
class Snapshot:
    instruments: dict[str, Instrument]
    actors: dict[str, SnapshotActor]
    facts: list[Fact]

    def of(self, instrument_id: str) -> list[Fact]:
        return [f for f in self.facts if f.instrument_id == instrument_id]

    def name(self, iso3: str) -> str:
        actor = self.actors.get(iso3)
        return actor.name if actor else iso3

    def state(self, iso3: str) -> dict[str, Any]:
        actor = self.actors.get(iso3)
        return {
            "iso3": iso3,
            "name": actor.name if actor else iso3,
            "un_status": actor.un_status if actor else None,
        }

    def resolve(self, query: str) -> Instrument:
        """An instrument by id, or by another spelling of its id or symbol ("a/res/80/57")."""
        if query in self.instruments:
            return self.instruments[query]
        wanted = query.strip().upper()
        for instrument in sorted(self.instruments.values(), key=lambda i: i.id):
            if instrument.id.upper() == wanted or (instrument.symbol or "").upper() == wanted:
                return instrument
        raise NotFound(f"instrument {query}")

    def un_members(self) -> set[str]:
        return {a.iso3 for a in self.actors.values() if a.un_status == "member"}


def store_of(hub_or_store: Hub | Store) -> Store:
    return hub_or_store.store if isinstance(hub_or_store, Hub) else hub_or_store


def read_snapshot(store: Store, principal: Principal, instrument: str | None = None) -> Snapshot:
    """Visible instruments and actors, and every visible position with its visible source (about 1,200
    rows for the bundled dataset: the analytics work on the whole snapshot); with `instrument` (any
    spelling `Snapshot.resolve` takes), the positions on that instrument only. Raises NotFound for an
    unknown or hidden instrument."""
    pvis, params = visible("p", principal)
    ivis, _ = visible("i", principal)
    svis, _ = visible("s", principal)
    avis, _ = visible("a", principal)
    with store.read() as conn:
        instruments = {i.id: i for i in visible_instruments(conn, principal)}
        actors = {
            row[0]: SnapshotActor(row[0], row[1], row[2])
            for row in conn.execute(
                text(f"SELECT a.iso3, a.name_en, a.un_status FROM actors a WHERE {avis}"), params
            )
        }
        only = ""
        if instrument is not None:
            params = {**params, "snapshot_instrument": Snapshot(instruments, {}, []).resolve(instrument).id}
            only = " AND p.instrument_id = :snapshot_instrument"
        # rows as plain tuples: an instrument page reads every position of the snapshot
        facts = [
            Fact(
                iso3=iso3,
                instrument_id=instrument_id,
                role=Role(role),
                value=PositionValue(value),
                as_of=as_of,
                confidence=confidence,
                source=citation,
                source_id=int(source_id),
                url=url,
            )
            for instrument_id, iso3, role, value, as_of, confidence, source_id, citation, url in conn.execute(
                text(
                    "SELECT p.instrument_id, p.iso3, p.role, p.value, p.as_of, p.confidence, "
                    "s.id AS source_id, s.citation, s.url FROM positions p "
                    f"JOIN instruments i ON i.id = p.instrument_id AND {ivis} "
                    f"JOIN sources s ON s.id = p.source_id AND {svis} "
                    f"JOIN actors a ON a.iso3 = p.iso3 AND {avis} "
                    f"WHERE {pvis}{only} ORDER BY p.instrument_id, p.iso3, p.role"
                ),
                params,
            )
        ]
    return Snapshot(instruments, actors, facts)


def read_groups(store: Store, kinds: Iterable[str]) -> list[GroupInfo]:
    """Groups of `kinds` with their members (groups carry no disclosure level: reference data)."""
    wanted = sorted(set(kinds))
    if not wanted:
        return []
    names, params = in_list(wanted, "k")
    found: dict[str, tuple[Mapping[str, Any], set[str]]] = {}
    with store.read() as conn:
        rows = conn.execute(
            text(
                "SELECT g.id, g.kind, g.name, g.source, g.as_of, gm.iso3 FROM groups g "
                "JOIN group_members gm ON gm.group_id = g.id "
                f"WHERE g.kind IN ({names}) ORDER BY g.id, gm.iso3"
            ),
            params,
        ).mappings()
        for row in rows:
            found.setdefault(row["id"], (dict(row), set()))[1].add(row["iso3"])
    return [
        GroupInfo(g["id"], g["kind"], g["name"], g["source"], g["as_of"], frozenset(members))
        for g, members in found.values()
    ]


def instrument_fields(instrument: Instrument) -> dict[str, Any]:
    """An instrument's fields as every analytics answer describes it (`AnalyticsInstrument` and the
    shapes that extend it, which may date it otherwise: `{**instrument_fields(i), "as_of": ...}`)."""
    return {
        "id": instrument.id,
        "title": instrument.title,
        "symbol": instrument.symbol,
        "process": instrument.process,
        "kind": instrument.kind,
        "stage": instrument.stage,
        "date": instrument.date,
        "as_of": instrument.as_of,
        "declared_supporters": instrument.declared_supporters,
        "supporters_as_of": instrument.supporters_as_of,
        "named_list": instrument.named_list.shape(),
        "sources": instrument.sources,
    }


def instrument_shape(instrument: Instrument) -> AnalyticsInstrument:
    """An instrument as every analytics answer describes it."""
    return AnalyticsInstrument(**instrument_fields(instrument))


def instrument_json(instrument: Instrument) -> dict[str, Any]:
    return instrument_shape(instrument).as_json()


def instrument_as_of(instrument: Instrument, facts: Iterable[Fact]) -> str | None:
    """The instrument's as-of date (the vote, or the list's date); failing that, its latest position."""
    return counts_as_of(instrument, (f.as_of for f in facts))


def secondary_caveat(instrument: Instrument, facts: Sequence[Fact]) -> str | None:
    secondary = sum(1 for f in facts if f.confidence != "official")
    if not secondary:
        return None
    return gettext(
        "%(id)s: %(secondary)s of %(total)s supporting rows come from secondary sources (the confidence and "
        "source are given per row)",
        id=instrument.id,
        secondary=secondary,
        total=len(facts),
    )
