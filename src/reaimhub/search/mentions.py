"""The states each document mentions, as a principal may see them: kept in memory per store and
view (what a principal may see), for the state facet and filter of every search.

A search over a large library matches a thousand documents or more, each mentioning dozens of states;
reading their mentions for every query cost more than the rest of the search (70 ms of a hybrid
query at 100k passages, benchmarks/bench_hybrid.py). Mentions change only when documents are
ingested or deleted, so they are read once per view, through `reaimhub.access.visible`,
and read again when the library revision changes (any change of a document, passage or mention:
`reaimhub.search._cache.library_revision`).

Held as one bit row per document over the view's codes (issue 12, one web process under 600 MB at a
million passages): a document of the demo library names about 150 states, and a frozenset of them
cost 15 KB, 175 MB per view at a million passages; a bit row costs 25 bytes, and documents naming
the same states share one. `of` gives a document's states as a read-only set over its row.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence, Set
from dataclasses import dataclass, field
from typing import TypeVar

import numpy as np
from sqlalchemy import Connection, func, select, text

from reaimhub.access import visible
from reaimhub.model import Principal
from reaimhub.search._cache import StoreCache, library_revision
from reaimhub.store import Store
from reaimhub.store.schema.library import mentions

__all__ = ["MentionedStates", "StateSet", "mentioned_states"]

_NONE: frozenset[str] = frozenset()
T = TypeVar("T")


class StateSet(Set[str]):
    """The states one document mentions: a read-only set (compares, tests and iterates as a
    frozenset does) over its bit row in the view's sorted codes."""

    __slots__ = ("_codes", "_index", "_row")

    def __init__(self, row: bytes, codes: tuple[str, ...], index: Mapping[str, int]) -> None:
        self._row, self._codes, self._index = row, codes, index

    def __contains__(self, code: object) -> bool:
        i = self._index.get(code) if isinstance(code, str) else None
        return i is not None and bool(self._row[i >> 3] >> (i & 7) & 1)

    def __iter__(self) -> Iterator[str]:
        bits = int.from_bytes(self._row, "little")
        return (code for i, code in enumerate(self._codes) if bits >> i & 1)

    def __len__(self) -> int:
        return int.from_bytes(self._row, "little").bit_count()

    def __repr__(self) -> str:
        return f"StateSet({sorted(self)!r})"


@dataclass(frozen=True)
class MentionedStates:
    """Every visible document's mentioned states in one view (read-only once built)."""

    rows: dict[int, bytes]  # document id -> bit i set when it mentions codes[i]
    codes: tuple[str, ...] = ()  # every ISO3 code mentioned, sorted
    _index: dict[str, int] = field(default_factory=dict, repr=False)

    @classmethod
    def build(cls, states: Mapping[int, Iterable[str]]) -> MentionedStates:
        return cls._of(list(states.items()), lambda found: found)

    @classmethod
    def from_joined(cls, rows: Sequence[tuple[int, str]]) -> MentionedStates:
        """From (document id, its codes comma-joined) rows, one row at a time (never every
        document's codes as strings at once)."""
        return cls._of(rows, lambda listed: listed.split(","))

    @classmethod
    def _of(cls, rows: Sequence[tuple[int, T]], split: Callable[[T], Iterable[str]]) -> MentionedStates:
        codes = tuple(sorted({code for _, found in rows for code in split(found)}))
        index = {code: n for n, code in enumerate(codes)}
        width = (len(codes) + 7) // 8
        shared: dict[bytes, bytes] = {}
        kept: dict[int, bytes] = {}
        for doc_id, found in rows:
            bits = 0
            for code in split(found):
                bits |= 1 << index[code]
            if bits:
                row = bits.to_bytes(width, "little")
                kept[int(doc_id)] = shared.setdefault(row, row)
        return cls(kept, codes, index)

    def of(self, doc_id: int) -> Set[str]:
        row = self.rows.get(doc_id)
        return _NONE if row is None else StateSet(row, self.codes, self._index)

    def count(self, doc_ids: Iterable[int]) -> Counter[str]:
        """Documents among `doc_ids` that mention each state (one vectorised count: a thousand
        documents of dozens of states each cost 40 ms as Counter updates)."""
        rows = [self.rows[d] for d in doc_ids if d in self.rows]
        if not rows:
            return Counter()
        table = np.frombuffer(b"".join(rows), dtype=np.uint8).reshape(len(rows), -1)
        counts = np.unpackbits(table, axis=1, bitorder="little").sum(axis=0, dtype=np.int64)
        return Counter({self.codes[i]: int(counts[i]) for i in np.flatnonzero(counts[: len(self.codes)])})


_CACHE: StoreCache[MentionedStates] = StoreCache()


def _load(conn: Connection, principal: Principal) -> MentionedStates:
    """One row per document (its states comma-joined in the database): a row per mention, dozens
    per document, cost a large library's first search more memory than the result."""
    vis, params = visible("m", principal)
    m = mentions.alias("m")
    # SQLAlchemy writes the engine's own aggregate (string_agg, group_concat)
    joined = (
        select(m.c.document_id, func.aggregate_strings(m.c.iso3, ","))
        .where(text(vis))
        .group_by(m.c.document_id)
    )
    rows = conn.execute(joined, params)
    return MentionedStates.from_joined([(int(doc_id), str(listed)) for doc_id, listed in rows])


def mentioned_states(store: Store, conn: Connection, principal: Principal) -> MentionedStates:
    """The states mentioned in every document, as `principal` may see them (ISO3 codes)."""
    return _CACHE.get(store, principal.view_key, library_revision(conn), lambda: _load(conn, principal))
