"""What the feeds say (web, and the alerts built on the same reads): new documents for a search and its
filters, new or changed positions per instrument or state, and the events of the timeline.

Every read takes the viewer's principal and goes through `reaimhub.access.visible` (documents and the
states they mention; positions with their instrument and source; events), so a feed shows exactly what
its reader may see on the pages. Entries are values (`FeedEntry`); `web.atom` writes them as Atom.
A position says its value, its as-of date and its source; a feed's entries are newest first.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from urllib.parse import urlencode

from sqlalchemy import Connection, text

from reaimhub.access import NotFound, visible
from reaimhub.clock import now_iso
from reaimhub.coalition.model import PositionValue
from reaimhub.embeddings import Embedder
from reaimhub.i18n import _, country_name, language_name, ngettext
from reaimhub.model import DocType, Principal
from reaimhub.reference import state_by_iso3
from reaimhub.search import MODES, QueryError, SearchQuery, search
from reaimhub.services.coalition import list_events, provenance, visible_instruments
from reaimhub.store import Store

__all__ = [
    "FEED_SIZE",
    "DocumentFilter",
    "Feed",
    "FeedEntry",
    "PositionItem",
    "documents_feed",
    "events_feed",
    "matching_documents",
    "positions_feed",
    "read_positions",
    "resolve_target",
]

FEED_SIZE = 50  # entries in a feed, newest first
_SEARCHED = 100  # best search hits a documents feed orders by date (the search's largest page)
_LANGUAGE = re.compile(r"[a-z]{2}")
_ISO3 = re.compile(r"[A-Z]{3}")
_DOC_TYPES = frozenset(t.value for t in DocType)


@dataclass(frozen=True)
class FeedEntry:
    key: str  # stable within the site: "documents/UID", "positions/INSTRUMENT/ISO3/ROLE", "events/HASH"
    title: str
    link: str  # a path on the site
    updated: str  # ISO date or timestamp
    summary: str
    category: str = ""


@dataclass(frozen=True)
class Feed:
    path: str  # the feed's own path with its query, without any token: its identity
    title: str
    subtitle: str
    link: str  # the page it follows
    entries: list[FeedEntry]
    generated_at: str = field(default_factory=now_iso)

    @property
    def updated(self) -> str:
        return max((e.updated for e in self.entries), default=self.generated_at)


# --- documents ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DocumentFilter:
    """A search as the search page takes it (q, lang, type, state, date_from, date_to, mode)."""

    q: str = ""
    languages: tuple[str, ...] = ()
    doc_types: tuple[str, ...] = ()
    states: tuple[str, ...] = ()
    date_from: str = ""
    date_to: str = ""
    mode: str = "lexical"

    @classmethod
    def from_params(cls, params: Mapping[str, list[str]]) -> DocumentFilter:
        """From a URL query (each name with its values), checked: a bad filter is a `QueryError`."""

        def many(name: str, upper: bool = False) -> tuple[str, ...]:
            values = [v.strip() for v in params.get(name, []) if v.strip()]
            return tuple(dict.fromkeys(v.upper() if upper else v.lower() for v in values))

        def one(name: str) -> str:
            values = [v.strip() for v in params.get(name, []) if v.strip()]
            return values[0] if values else ""

        made = cls(
            q=one("q")[:1000],
            languages=many("lang"),
            doc_types=many("type"),
            states=many("state", upper=True),
            date_from=one("date_from"),
            date_to=one("date_to"),
            mode=(one("mode") or "lexical").lower(),
        )
        made.check()
        return made

    def check(self) -> None:
        if self.mode not in MODES:
            raise QueryError(f"mode must be one of {', '.join(MODES)}, got {self.mode!r}")
        for name in ("date_from", "date_to"):
            value = getattr(self, name)
            if value:
                try:
                    date.fromisoformat(value)
                except ValueError as exc:
                    raise QueryError(f"{name} must be a date as YYYY-MM-DD, got {value!r}") from exc
        for code in self.languages:
            if not _LANGUAGE.fullmatch(code):
                raise QueryError(
                    f"language must be a two-letter ISO 639-1 code such as nl or en, got {code!r}"
                )
        for kind in self.doc_types:
            if kind not in _DOC_TYPES:
                raise QueryError(
                    f"type {kind!r} is not a document type; use one of {', '.join(sorted(_DOC_TYPES))}"
                )
        for iso3 in self.states:
            if not _ISO3.fullmatch(iso3):
                raise QueryError(f"state must be an ISO 3166 alpha-3 code such as NLD or KOR, got {iso3!r}")

    def search_query(self, limit: int) -> SearchQuery:
        return SearchQuery(
            text=self.q,
            languages=self.languages,
            doc_types=self.doc_types,
            states=self.states,
            date_from=self.date_from or None,
            date_to=self.date_to or None,
            limit=limit,
            mode=self.mode,
        )

    def as_query(self) -> str:
        """The URL query of this search (the search page's and the feed's)."""
        pairs: list[tuple[str, str]] = [("q", self.q)] if self.q else []
        pairs += [("lang", v) for v in self.languages] + [("type", v) for v in self.doc_types]
        pairs += [("state", v) for v in self.states]
        pairs += [(n, getattr(self, n)) for n in ("date_from", "date_to") if getattr(self, n)]
        if self.mode != "lexical":
            pairs.append(("mode", self.mode))
        return urlencode(pairs)

    def describe(self) -> str:
        parts = [f"“{self.q}”"] if self.q else []
        if self.languages:
            parts.append(_("language %(codes)s", codes=", ".join(self.languages)))
        if self.doc_types:
            parts.append(_("type %(types)s", types=", ".join(_(t.replace("_", " ")) for t in self.doc_types)))
        if self.states:
            parts.append(_("mentioning %(states)s", states=", ".join(self.states)))
        if self.date_from or self.date_to:
            parts.append(
                _("dated %(start)s to %(end)s", start=self.date_from or "…", end=self.date_to or "…")
            )
        return "; ".join(parts) or _("all documents")


_DOC_COLUMNS = (
    "d.uid, d.title, d.filename, d.language, d.doc_date, d.doc_type, d.symbol, d.page_count, d.disclosure, "
    "d.created_at"
)


def _filtered(
    conn: Connection, principal: Principal, flt: DocumentFilter, limit: int
) -> list[dict[str, Any]]:
    """Visible documents passing the filters (no words), newest stored first."""
    vis, params = visible("d", principal)
    where = ["d.status = 'ok'", vis]
    for n, code in enumerate(flt.languages):
        params[f"lang{n}"] = code
    if flt.languages:
        where.append(f"d.language IN ({', '.join(f':lang{n}' for n in range(len(flt.languages)))})")
    for n, kind in enumerate(flt.doc_types):
        params[f"type{n}"] = kind
    if flt.doc_types:
        where.append(f"d.doc_type IN ({', '.join(f':type{n}' for n in range(len(flt.doc_types)))})")
    if flt.date_from:
        where.append("d.doc_date >= :date_from")
        params["date_from"] = flt.date_from
    if flt.date_to:
        where.append("d.doc_date <= :date_to")
        params["date_to"] = flt.date_to
    mvis, _mparams = visible("m", principal)
    for n, iso3 in enumerate(flt.states):
        params[f"state{n}"] = iso3
        where.append(
            f"EXISTS (SELECT 1 FROM mentions m WHERE m.document_id = d.id AND m.iso3 = :state{n} AND {mvis})"
        )
    params["limit"] = limit
    rows = conn.execute(
        text(
            f"SELECT {_DOC_COLUMNS} FROM documents d WHERE {' AND '.join(where)} "
            "ORDER BY d.created_at DESC, d.id DESC LIMIT :limit"
        ),
        params,
    ).mappings()
    return [dict(r) for r in rows]


def _by_uid(conn: Connection, principal: Principal, uids: list[str]) -> dict[str, dict[str, Any]]:
    if not uids:
        return {}
    vis, params = visible("d", principal)
    names = ", ".join(f":u{n}" for n in range(len(uids)))
    params.update({f"u{n}": uid for n, uid in enumerate(uids)})
    rows = conn.execute(
        text(
            f"SELECT {_DOC_COLUMNS} FROM documents d WHERE d.uid IN ({names}) AND d.status = 'ok' AND {vis}"
        ),
        params,
    ).mappings()
    return {str(r["uid"]): dict(r) for r in rows}


def matching_documents(
    store: Store,
    principal: Principal,
    flt: DocumentFilter,
    embedder: Embedder | None = None,
    limit: int = 500,
) -> list[dict[str, Any]]:
    """The visible documents a search finds (its best `_SEARCHED` hits with words; every filtered one,
    up to `limit`, without), newest stored first, each with the snippet of its best page when searched."""
    if not flt.q:
        with store.read() as conn:
            return _filtered(conn, principal, flt, limit)
    results = search(
        store, principal, flt.search_query(_SEARCHED), embedder if flt.mode != "lexical" else None
    )
    snippets: dict[str, str] = {}
    for hit in results.results:
        snippets[hit.document_id] = hit.pages[0].snippet if hit.pages else ""
        for other in hit.renditions:  # a work's other visible files are found with it
            snippets.setdefault(other.document_id, snippets[hit.document_id])
    with store.read() as conn:
        found = _by_uid(conn, principal, list(snippets))
    rows = [{**row, "snippet": snippets[uid]} for uid, row in found.items()]
    return sorted(rows, key=lambda r: (str(r["created_at"]), str(r["uid"])), reverse=True)[:limit]


def document_entry(row: Mapping[str, Any]) -> FeedEntry:
    facts = [
        _(str(row["doc_type"] or "document").replace("_", " ")),
        _("language: %(name)s", name=language_name(row["language"])),
        _("dated %(date)s", date=row["doc_date"]) if row["doc_date"] else _("undated"),
        ngettext("%(num)s page", "%(num)s pages", int(row["page_count"] or 0)),
    ]
    if row.get("symbol"):
        facts.insert(0, str(row["symbol"]))
    level = int(row["disclosure"] or 0)
    if level:
        facts.append(_(("registered", "restricted", "confidential")[min(level, 3) - 1]))
    snippet = str(row.get("snippet") or "")
    return FeedEntry(
        key=f"documents/{row['uid']}",
        title=str(row["title"] or row["filename"]),
        link=f"/documents/{row['uid']}",
        updated=str(row["created_at"]),
        summary="; ".join(facts) + "." + (f" “{snippet}”" if snippet else ""),
        category=str(row["doc_type"] or ""),
    )


def documents_feed(
    store: Store, principal: Principal, flt: DocumentFilter, embedder: Embedder | None = None
) -> Feed:
    rows = matching_documents(store, principal, flt, embedder, limit=FEED_SIZE)
    query = flt.as_query()
    return Feed(
        path="/feeds/documents.atom" + (f"?{query}" if query else ""),
        title=_("REAIM Hub: new documents (%(search)s)", search=flt.describe()),
        subtitle=_("Documents added to the library that match this search, newest first."),
        link=(f"/search?{query}" if flt.q else "/documents"),
        entries=[document_entry(r) for r in rows],
    )


# --- positions --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PositionItem:
    instrument_id: str
    instrument: str
    iso3: str
    state: str
    role: str
    value: str
    label: str
    as_of: str
    source: str
    url: str | None
    changed_at: str
    provenance: str

    @property
    def key(self) -> str:
        return f"{self.instrument_id}/{self.iso3}/{self.role}"

    @property
    def fingerprint(self) -> str:
        """What a reader sees of it: a change of any of these is a changed position."""
        return f"{self.value}|{self.as_of}|{self.source}"


def resolve_target(store: Store, principal: Principal, kind: str, target: str) -> tuple[str, str]:
    """An instrument (id or symbol, any case) or a state (ISO3) the principal may see, as (id, name)."""
    wanted = target.strip()
    if kind == "instrument":
        with store.read() as conn:
            for inst in visible_instruments(conn, principal):
                if wanted.upper() in (inst.id.upper(), (inst.symbol or "").upper()):
                    return inst.id, inst.title
        raise NotFound(f"instrument {wanted}")
    if kind == "state":
        state = state_by_iso3(wanted.upper()) if len(wanted) == 3 else None
        if state is None:
            raise NotFound(f"state {wanted}")
        return state.iso3, state.name("en")
    raise NotFound(f"{kind} {wanted}")


def read_positions(
    store: Store,
    principal: Principal,
    *,
    instrument: str | None = None,
    iso3: str | None = None,
    limit: int = 1000,
) -> list[PositionItem]:
    """Visible positions (with a visible instrument and source), last changed first."""
    pvis, params = visible("p", principal)
    ivis, _iparams = visible("i", principal)
    svis, _sparams = visible("s", principal)
    where = [pvis]
    if instrument is not None:
        where.append("p.instrument_id = :instrument")
        params["instrument"] = instrument
    if iso3 is not None:
        where.append("p.iso3 = :iso3")
        params["iso3"] = iso3
    params["limit"] = limit
    with store.read() as conn:
        rows = conn.execute(
            text(
                "SELECT p.instrument_id, i.title, p.iso3, p.role, p.value, p.as_of, p.changed_at, "
                "s.citation, s.url, p.proposed_by, p.approved_by, im.filename AS import_file "
                "FROM positions p "
                f"JOIN instruments i ON i.id = p.instrument_id AND {ivis} "
                f"JOIN sources s ON s.id = p.source_id AND {svis} "
                "LEFT JOIN imports im ON im.id = p.import_id "
                f"WHERE {' AND '.join(where)} "
                "ORDER BY p.changed_at DESC, p.instrument_id, p.iso3, p.role LIMIT :limit"
            ),
            params,
        ).mappings()
        out: list[PositionItem] = []
        for r in rows:
            state = state_by_iso3(r["iso3"])
            out.append(
                PositionItem(
                    instrument_id=r["instrument_id"],
                    instrument=r["title"],
                    iso3=r["iso3"],
                    state=country_name(r["iso3"], fallback=state.name("en") if state else r["iso3"]),
                    role=r["role"],
                    value=r["value"],
                    label=PositionValue(r["value"]).label,
                    as_of=r["as_of"],
                    source=r["citation"],
                    url=r["url"],
                    changed_at=str(r["changed_at"] or r["as_of"]),
                    provenance=str(provenance(r)["provenance"]),
                )
            )
    return out


def position_entry(item: PositionItem, link: str) -> FeedEntry:
    source = item.source + (f" ({item.url})" if item.url and item.url != item.source else "")
    return FeedEntry(
        key=f"positions/{item.key}",
        title=_(
            "%(state)s: %(value)s (%(role)s), %(instrument)s",
            state=item.state,
            value=_(item.label),
            role=_(item.role),
            instrument=item.instrument,
        ),
        link=link,
        updated=item.changed_at,
        summary=_(
            "%(state)s %(value)s (%(role)s) on %(instrument)s, as of %(date)s. Source: %(source)s. From: "
            "%(provenance)s.",
            state=item.state,
            value=_(item.label),
            role=_(item.role),
            instrument=item.instrument,
            date=item.as_of,
            source=source,
            provenance=item.provenance,
        ),
        category=item.role,
    )


def positions_feed(
    store: Store, principal: Principal, *, instrument: str | None = None, state: str | None = None
) -> Feed:
    """New or changed positions on one instrument, of one state, or all, last written first."""
    params: list[tuple[str, str]] = []
    inst_id = iso3 = None
    title = _("all instruments and states")
    link = "/instruments"
    if instrument:
        inst_id, name = resolve_target(store, principal, "instrument", instrument)
        params.append(("instrument", inst_id))
        title, link = name, f"/instruments/{inst_id}"
    if state:
        iso3, name = resolve_target(store, principal, "state", state)
        params.append(("state", iso3))
        title = f"{title}, {name}" if instrument else name
        link = link if instrument else f"/states/{iso3}"
    items = read_positions(store, principal, instrument=inst_id, iso3=iso3, limit=FEED_SIZE)
    return Feed(
        path="/feeds/positions.atom" + (f"?{urlencode(params)}" if params else ""),
        title=_("REAIM Hub: positions, %(what)s", what=title),
        subtitle=_(
            "New or changed positions (vote, endorsement, sponsorship), each with its source and as-of date, "
            "last recorded first. A state with no entry is not listed, not opposed."
        ),
        link=link,
        entries=[position_entry(i, f"/states/{i.iso3}" if inst_id is None else link) for i in items],
    )


# --- events -----------------------------------------------------------------------------------------


def events_feed(store: Store, principal: Principal) -> Feed:
    """The timeline's events, latest first."""
    events = sorted(list_events(store, principal), key=lambda e: (e["start_date"], e["title"]), reverse=True)
    entries = []
    for e in events[:FEED_SIZE]:
        digest = hashlib.sha256(f"{e['start_date']}|{e['title']}".encode()).hexdigest()[:16]
        when = (
            _("%(start)s to %(end)s", start=e["start_date"], end=e["end_date"])
            if e.get("end_date")
            else e["start_date"]
        )
        facts = [f for f in (e.get("kind"), e.get("process"), e.get("place")) if f]
        entries.append(
            FeedEntry(
                key=f"events/{digest}",
                title=f"{e['start_date']}: {e['title']}",
                link="/events",
                updated=e["start_date"],
                summary=f"{when}"
                + (f"; {', '.join(facts)}" if facts else "")
                + ". "
                + _("Source: %(source)s.", source=e["sources"]),
                category=str(e.get("kind") or ""),
            )
        )
    return Feed(
        path="/feeds/events.atom",
        title=_("REAIM Hub: events"),
        subtitle=_("The REAIM, UN General Assembly and CCW timeline, latest first, each with its source."),
        link="/events",
        entries=entries,
    )
