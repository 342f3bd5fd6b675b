"""Coalition-tracker reads shared by web, API and CLI: instruments with their counts and the event timeline
(actors with their positions: `services.coalition_actors`).

Every read takes a Store and a Principal and applies `visible(alias, principal)` to every table that has
a disclosure level. Semantics: a state without a row on an instrument is "not listed", never "opposed";
a partial list says so; every count carries its as-of date. The writes are in
`reaimhub.services.coalition_imports` (the dataset), `position_imports` (position files) and
`proposals` (proposed positions and corrections).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, text

from reaimhub.access import NotFound, visible
from reaimhub.clock import now_iso
from reaimhub.coalition.analytics import NOT_LISTED_MEANING
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
    InstrumentDetail,
    InstrumentPositionOut,
    InstrumentSourceOut,
    InstrumentSummaryOut,
    NotListedCount,
)
from reaimhub.store import Store

__all__ = [
    "INSTRUMENT_COLUMNS",
    "INSTRUMENT_SELECT",
    "NOT_LISTED",
    "InstrumentSummary",
    "InstrumentView",
    "counts_as_of",
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
