"""Coalition-tracker reads shared by web, API and CLI: instruments with their counts, the event timeline,
and actors with their positions.

Every read takes a Store and a Principal and applies `visible(alias, principal)` to every table that has
a disclosure level. Semantics: a state without a row on an instrument is "not listed", never "opposed";
a partial list says so; every count carries its as-of date. The writes are in
`reaimhub.services.coalition_imports` (the dataset), `position_imports` (position files) and
`proposals` (proposed positions and corrections).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, text

from reaimhub.access import NotFound, visible
from reaimhub.clock import latest, now_iso
from reaimhub.coalition.analytics import NOT_LISTED_MEANING
from reaimhub.coalition.matching import default_matcher
from reaimhub.coalition.model import (
    Instrument,
    PositionValue,
    Tally,
    parse_named_list,
    source_ref,
)
from reaimhub.model import Principal
from reaimhub.reference import load_states, state_by_iso3
from reaimhub.shapes.coalition import (
    ActorDetailOut,
    ActorGroupOut,
    ActorPositionOut,
    InstrumentDetail,
    InstrumentPositionOut,
    InstrumentSourceOut,
    InstrumentSummaryOut,
    MentionCounts,
    MentionedInOut,
    NotListedCount,
    NotListedOut,
)
from reaimhub.store import Store

__all__ = [
    "INSTRUMENT_COLUMNS",
    "INSTRUMENT_SELECT",
    "NOT_LISTED",
    "ActorView",
    "InstrumentSummary",
    "InstrumentView",
    "counts_as_of",
    "get_actor",
    "get_instrument",
    "instrument_from_row",
    "list_events",
    "list_instruments",
    "provenance",
    "visible_instruments",
]

NOT_LISTED = NOT_LISTED_MEANING  # the one wording: no entry in the data is not opposition


INSTRUMENT_COLUMNS = (
    "process",
    "kind",
    "title",
    "symbol",
    "stage",
    "place",
    "inst_date",
    "tally_yes",
    "tally_no",
    "tally_abstain",
    "tally_non_voting",
    "declared_supporters",
    "supporters_as_of",
    "named_list",
    "list_complete",
    "becomes",
    "sources",
    "disclosure",
)


def instrument_from_row(row: Mapping[Any, Any]) -> Instrument:
    return Instrument(
        id=row["id"],
        process=row["process"],
        kind=row["kind"],
        title=row["title"],
        symbol=row["symbol"],
        stage=row["stage"],
        place=row["place"],
        date=row["inst_date"],
        tally=Tally(row["tally_yes"], row["tally_no"], row["tally_abstain"], row["tally_non_voting"]),
        declared_supporters=row["declared_supporters"],
        supporters_as_of=row["supporters_as_of"],
        named_list=parse_named_list(row["named_list"] or ""),
        becomes=row["becomes"],
        sources=row["sources"],
    )


INSTRUMENT_SELECT = "SELECT id, " + ", ".join(INSTRUMENT_COLUMNS) + " FROM instruments"


def list_events(store: Store, principal: Principal) -> list[dict[str, Any]]:
    """The timeline, oldest first."""
    vis, params = visible("e", principal)
    with store.read() as conn:
        rows = conn.execute(
            text(
                "SELECT e.start_date, e.end_date, e.process, e.kind, e.title, e.place, e.related, e.sources "
                f"FROM events e WHERE {vis} ORDER BY e.start_date, e.title"
            ),
            params,
        ).mappings()
        return [dict(row) for row in rows]


# Positions loaded from the bundled dataset are recorded in `imports` under their path inside it.
_BUNDLED_PREFIX = "positions/"


def provenance(row: Mapping[Any, Any]) -> dict[str, str | None]:
    """Who a position comes from: who proposed and who approved it (a contribution), or the bundled
    dataset or an imported file (both NULL). `provenance` says it in words."""
    proposed, approved = row["proposed_by"], row["approved_by"]
    if proposed and approved:
        words = f"proposed by {proposed}, approved by {approved}"
    elif proposed:
        words = f"proposed by {proposed}, not moderated (shared with named organisations only)"
    elif str(row["import_file"] or "").startswith(_BUNDLED_PREFIX):
        words = "bundled dataset"
    else:
        words = "imported file"
    return {"proposed_by": proposed, "approved_by": approved, "provenance": words}


# --- reading instruments ----------------------------------------------------------------------------


def _ordered_counts(counter: Mapping[str, int]) -> dict[str, int]:
    """Rows per position value in the canonical order. Values without rows are left out, not zero: on a
    partial record (only the no and abstain votes named) "yes: 0" would be false.
    """
    return {v.value: int(counter[v.value]) for v in PositionValue if counter.get(v.value)}


def counts_as_of(instrument: Instrument, position_dates: Iterable[str]) -> str | None:
    """The date the counts are as of: the instrument's (the vote, or the list's as-of date); failing
    that (an undated working paper), the latest date of the positions counted.
    """
    return instrument.as_of or max(position_dates, default=None)


def _members() -> set[str]:
    return {s.iso3 for s in load_states() if s.un_status == "member"}


@dataclass
class InstrumentSummary:
    instrument: Instrument
    counts: dict[str, int]  # rows in the data per position value (not the official tally)
    as_of: str | None  # the date the counts are as of

    def shape(self) -> InstrumentSummaryOut:
        i = self.instrument
        return InstrumentSummaryOut(
            id=i.id,
            process=i.process,
            kind=i.kind,
            title=i.title,
            stage=i.stage,
            date=i.date,
            as_of=self.as_of,
            tally=i.tally.as_dict() or None,
            tally_as_of=i.date if i.tally.declared else None,
            declared_supporters=i.declared_supporters,
            named_list=i.named_list.shape(),
            counts=self.counts,
            becomes=i.becomes,
        )

    def as_json(self) -> dict[str, Any]:
        return self.shape().as_json()


@dataclass
class InstrumentView:
    instrument: Instrument
    counts: dict[str, int]
    as_of: str | None
    positions: list[dict[str, Any]]
    sources: list[dict[str, Any]]
    not_listed_members: int  # UN member states with no row on this instrument
    drafts: list[str]  # instruments that become this one (First Committee draft -> resolution)
    generated_at: str = ""  # when read

    def shape(self) -> InstrumentDetail:
        """The instrument as `InstrumentDetail`: each position and source with the id of its citation
        (`source_ref`), not the store's row number."""
        i = self.instrument
        return InstrumentDetail(
            **dict(InstrumentSummary(i, self.counts, self.as_of).shape()),
            generated_at=self.generated_at,
            symbol=i.symbol,
            place=i.place,
            supporters_as_of=i.supporters_as_of,
            instrument_sources=i.sources,
            drafts=self.drafts,
            not_listed=NotListedCount(un_members=self.not_listed_members, meaning=NOT_LISTED),
            positions=[
                InstrumentPositionOut.model_validate({**p, "source_id": source_ref(p["source"])})
                for p in self.positions
            ],
            sources=[
                InstrumentSourceOut.model_validate({**src, "id": source_ref(src["citation"])})
                for src in self.sources
            ],
        )

    def as_json(self) -> dict[str, Any]:
        return self.shape().as_json()


_COLUMNS = ", ".join(f"i.{c}" for c in ("id", *INSTRUMENT_COLUMNS))


def visible_instruments(conn: Connection, principal: Principal) -> list[Instrument]:
    """Every instrument the principal may see, by date (undated last), then id."""
    vis, params = visible("i", principal)
    rows = conn.execute(text(f"SELECT {_COLUMNS} FROM instruments i WHERE {vis}"), params).mappings()
    return sorted(
        (instrument_from_row(row) for row in rows), key=lambda i: (i.date is None, i.date or "", i.id)
    )


def _visible_instrument(conn: Connection, principal: Principal, instrument_id: str) -> Instrument:
    vis, params = visible("i", principal)
    row = (
        conn.execute(
            text(f"SELECT {_COLUMNS} FROM instruments i WHERE i.id = :id AND {vis}"),
            {**params, "id": instrument_id},
        )
        .mappings()
        .first()
    )
    if row is None:  # accept another spelling of the id or the symbol ("a/res/78/241")
        row = (
            conn.execute(
                text(
                    f"SELECT {_COLUMNS} FROM instruments i WHERE (UPPER(i.id) = UPPER(:id) "
                    f"OR UPPER(i.symbol) = UPPER(:id)) AND {vis} ORDER BY i.id"
                ),
                {**params, "id": instrument_id.strip()},
            )
            .mappings()
            .first()
        )
    if row is None:
        raise NotFound(f"instrument {instrument_id}")
    return instrument_from_row(row)


def _counts(conn: Connection, principal: Principal) -> dict[str, tuple[Counter[str], list[str]]]:
    """instrument id -> (rows per value, the positions' dates)."""
    vis, params = visible("p", principal)
    out: dict[str, tuple[Counter[str], list[str]]] = {}
    for instrument_id, value, n, newest in conn.execute(
        text(
            "SELECT p.instrument_id, p.value, COUNT(*), MAX(p.as_of) FROM positions p "
            f"WHERE {vis} GROUP BY p.instrument_id, p.value"
        ),
        params,
    ):
        counter, dates = out.setdefault(instrument_id, (Counter(), []))
        counter[value] = int(n)
        dates.append(str(newest))
    return out


def list_instruments(store: Store, principal: Principal) -> list[InstrumentSummary]:
    """Every instrument the principal may see, by date (undated last), with counts per position value."""
    with store.read() as conn:
        instruments = visible_instruments(conn, principal)
        counts = _counts(conn, principal)
    out: list[InstrumentSummary] = []
    for i in instruments:
        counter, dates = counts.get(i.id, (Counter(), []))
        out.append(InstrumentSummary(i, _ordered_counts(counter), counts_as_of(i, dates)))
    return out


def get_instrument(store: Store, principal: Principal, instrument_id: str) -> InstrumentView:
    """One instrument with every visible position, its sources and the draft -> resolution links."""
    with store.read() as conn:
        instrument = _visible_instrument(conn, principal, instrument_id)
        pvis, params = visible("p", principal)
        svis, _ = visible("s", principal)
        rows = conn.execute(
            text(
                "SELECT p.iso3, p.role, p.value, p.as_of, p.confidence, p.note, p.name_as_listed, "
                "s.id AS source_id, s.citation, s.url, s.kind, p.proposed_by, p.approved_by, "
                "im.filename AS import_file FROM positions p "
                f"JOIN sources s ON s.id = p.source_id AND {svis} "
                "LEFT JOIN imports im ON im.id = p.import_id "
                f"WHERE p.instrument_id = :id AND {pvis} ORDER BY p.role, p.iso3"
            ),
            {**params, "id": instrument.id},
        ).mappings()
        positions: list[dict[str, Any]] = []
        sources: dict[int, dict[str, Any]] = {}
        for row in rows:
            state = state_by_iso3(row["iso3"])
            value = PositionValue(row["value"])
            positions.append(
                {
                    "iso3": row["iso3"],
                    "name": state.name("en") if state else row["iso3"],
                    "un_status": state.un_status if state else None,
                    "role": row["role"],
                    "value": value.value,
                    "label": value.label,
                    "as_of": row["as_of"],
                    "confidence": row["confidence"],
                    "source": row["citation"],
                    "source_id": row["source_id"],
                    "note": row["note"],
                    "name_as_listed": row["name_as_listed"],
                    **provenance(row),
                }
            )
            entry = sources.setdefault(
                row["source_id"],
                {
                    "id": row["source_id"],
                    "citation": row["citation"],
                    "url": row["url"],
                    "confidence": row["kind"],
                    "rows": 0,
                },
            )
            entry["rows"] += 1
        ivis, iparams = visible("i", principal)
        drafts = [
            r[0]
            for r in conn.execute(
                text(f"SELECT i.id FROM instruments i WHERE i.becomes = :id AND {ivis} ORDER BY i.id"),
                {**iparams, "id": instrument.id},
            )
        ]
    counter = Counter(p["value"] for p in positions)
    listed = {p["iso3"] for p in positions}
    return InstrumentView(
        instrument=instrument,
        generated_at=now_iso(),
        counts=_ordered_counts(counter),
        as_of=counts_as_of(instrument, (p["as_of"] for p in positions)),
        positions=positions,
        sources=sorted(sources.values(), key=lambda s: (-int(s["rows"]), str(s["citation"]))),
        not_listed_members=len(_members() - listed),
        drafts=drafts,
    )


# --- reading actors --------------------------------------------------------------------------------


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
