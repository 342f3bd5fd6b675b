"""Coalition-tracker reads of actors (states and other actors) with their positions, shared by web, API and
CLI: every visible position, the instruments the actor is not listed on, its groups and the documents that
mention it. Every read takes a Store and a Principal and applies `visible(alias, principal)` to every table
that has a disclosure level (instruments: `services.coalition`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, text

from reaimhub.access import NotFound, visible
from reaimhub.clock import latest, now_iso
from reaimhub.coalition.matching import default_matcher
from reaimhub.coalition.model import (
    PositionValue,
)
from reaimhub.model import Principal
from reaimhub.services.coalition import NOT_LISTED, provenance, visible_instruments
from reaimhub.shapes.coalition import (
    ActorDetailOut,
    ActorGroupOut,
    ActorPositionOut,
    MentionCounts,
    MentionedInOut,
    NotListedOut,
)
from reaimhub.store import Store

__all__ = ["ActorView", "get_actor"]


@dataclass
class ActorView:
    actor: dict[str, Any]
    positions: list[dict[str, Any]]
    not_listed: list[dict[str, Any]]  # instruments with no row for this actor
    groups: list[dict[str, Any]]
    mentions: dict[str, int]  # library documents mentioning the actor, and mentions in them
    mentioned_in: list[dict[str, Any]] = field(default_factory=list)  # those documents, most mentions first
    generated_at: str = ""  # when read: the as-of of the mention counts

    @property
    def as_of(self) -> str | None:
        """The date of the latest position (each position also carries its own)."""
        return latest(p.get("as_of") for p in self.positions)

    def shape(self) -> ActorDetailOut:
        return ActorDetailOut(
            generated_at=self.generated_at,
            as_of=self.as_of,
            **self.actor,
            positions=[ActorPositionOut.model_validate(p) for p in self.positions],
            not_listed=[NotListedOut.model_validate(n) for n in self.not_listed],
            not_listed_meaning=NOT_LISTED,
            groups=[ActorGroupOut.model_validate(g) for g in self.groups],
            mentions=MentionCounts.model_validate(self.mentions),
            mentioned_in=[MentionedInOut.model_validate(m) for m in self.mentioned_in],
        )

    def as_json(self) -> dict[str, Any]:
        return self.shape().as_json()


def _resolve_actor(conn: Connection, principal: Principal, query: str) -> dict[str, Any]:
    vis, params = visible("a", principal)
    matcher = default_matcher()
    match = matcher.by_code(query) if len(query.strip()) <= 3 else matcher.by_name(query)
    if match.state is None:
        match = matcher.by_name(query)
    iso3 = match.iso3 or query.strip().upper()
    row = (
        conn.execute(
            text(
                "SELECT a.iso3, a.iso2, a.m49, a.kind, a.un_status, a.un_group, a.region, a.subregion, "
                f"a.name_en FROM actors a WHERE a.iso3 = :iso3 AND {vis}"
            ),
            {**params, "iso3": iso3},
        )
        .mappings()
        .first()
    )
    if row is None:
        suggestions = matcher.suggest(query)
        raise NotFound(
            f"actor {query}" + (f" (did you mean: {', '.join(suggestions)}?)" if suggestions else "")
        )
    return dict(row)


def get_actor(store: Store, principal: Principal, query: str) -> ActorView:
    """A state (ISO3, ISO2 or a name) with every visible position across instruments, the instruments it
    is not listed on, its groups and how many library documents mention it.
    """
    with store.read() as conn:
        actor = _resolve_actor(conn, principal, query)
        pvis, params = visible("p", principal)
        ivis, _ = visible("i", principal)
        svis, _ = visible("s", principal)
        rows = conn.execute(
            text(
                "SELECT p.instrument_id, i.title, i.process, i.kind, i.stage, i.inst_date, p.role, p.value, "
                "p.as_of, p.confidence, p.note, s.citation, s.url, p.proposed_by, p.approved_by, "
                "im.filename AS import_file FROM positions p "
                f"JOIN instruments i ON i.id = p.instrument_id AND {ivis} "
                f"JOIN sources s ON s.id = p.source_id AND {svis} "
                "LEFT JOIN imports im ON im.id = p.import_id "
                f"WHERE p.iso3 = :iso3 AND {pvis} ORDER BY p.as_of, p.instrument_id, p.role"
            ),
            {**params, "iso3": actor["iso3"]},
        ).mappings()
        instruments = visible_instruments(conn, principal)
        named = {i.id: i.named_list for i in instruments}
        positions = [
            {
                "instrument_id": r["instrument_id"],
                "instrument": r["title"],
                "process": r["process"],
                "stage": r["stage"],
                "role": r["role"],
                "value": r["value"],
                "label": PositionValue(r["value"]).label,
                "as_of": r["as_of"],
                "confidence": r["confidence"],
                "source": r["citation"],
                "url": r["url"],
                "note": r["note"],
                "list_completeness": named[r["instrument_id"]].label,
                "list_complete": named[r["instrument_id"]].complete,
                **provenance(r),
            }
            for r in rows
        ]
        listed = {p["instrument_id"] for p in positions}
        groups = [
            dict(r)
            for r in conn.execute(
                text(
                    "SELECT g.id, g.kind, g.name, g.source, g.as_of FROM group_members gm "
                    "JOIN groups g ON g.id = gm.group_id WHERE gm.iso3 = :iso3 ORDER BY g.kind, g.name"
                ),
                {"iso3": actor["iso3"]},
            ).mappings()
        ]
        mvis, _ = visible("m", principal)
        dvis, _ = visible("d", principal)
        documents, total = conn.execute(
            text(
                "SELECT COUNT(*), COALESCE(SUM(m.count), 0) FROM mentions m "
                "JOIN documents d ON d.id = m.document_id AND d.status = 'ok' "
                f"WHERE m.iso3 = :iso3 AND {mvis} AND {dvis}"
            ),
            {**params, "iso3": actor["iso3"]},
        ).one()
        mentioned_in = [
            dict(row)
            for row in conn.execute(
                text(
                    "SELECT d.uid AS document_id, d.title, d.filename, d.doc_date, d.language, m.count, "
                    "m.first_page FROM mentions m JOIN documents d ON d.id = m.document_id "
                    f"AND d.status = 'ok' WHERE m.iso3 = :iso3 AND {mvis} AND {dvis} "
                    "ORDER BY m.count DESC, d.id LIMIT 50"
                ),
                {**params, "iso3": actor["iso3"]},
            ).mappings()
        ]
    not_listed = [
        {
            "instrument_id": i.id,
            "instrument": i.title,
            "as_of": i.as_of,
            "named_list": i.named_list.label,
            "list_complete": i.named_list.complete,
            "meaning": NOT_LISTED,
        }
        for i in instruments  # by date, undated last
        if i.id not in listed
    ]
    return ActorView(
        actor=actor,
        positions=positions,
        not_listed=not_listed,
        groups=groups,
        mentions={"documents": int(documents), "mentions": int(total)},
        mentioned_in=mentioned_in,
        generated_at=now_iso(),
    )
