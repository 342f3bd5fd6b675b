"""The states each document mentions, as a principal may see them: kept in memory per store and
view (what a principal may see), for the state facet and filter of every search.

A search over a large library matches a thousand documents or more, each mentioning dozens of states;
reading their mentions for every query cost more than the rest of the search (70 ms of a hybrid
query at 100k passages, benchmarks/bench_hybrid.py). Mentions change only when documents are
ingested or deleted, so they are read once per view, through `reaimhub.access.visible`,
and read again when the library revision changes (any change of a document, passage or mention:
`reaimhub.search._cache.library_revision`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
from sqlalchemy import Connection

from reaimhub.access import visible
from reaimhub.model import Principal
from reaimhub.search._cache import StoreCache, library_revision
from reaimhub.store import Store
from reaimhub.store.driver import raw_rows

__all__ = ["MentionedStates", "mentioned_states"]

_NONE: frozenset[str] = frozenset()


@dataclass(frozen=True)
class MentionedStates:
    """Every visible document's mentioned states in one view (read-only once built)."""

    states: dict[int, frozenset[str]]
    codes: tuple[str, ...] = ()  # every ISO3 code mentioned, sorted
    _indices: dict[int, npt.NDArray[np.int16]] = field(default_factory=dict, repr=False)

    @classmethod
    def build(cls, states: dict[int, frozenset[str]]) -> MentionedStates:
        """Documents that mention the same states share one set and one index array (a library of
        copies and of short documents repeats a few sets many times: issue 12's memory bound)."""
        codes = tuple(sorted(set().union(*states.values())))
        index = {code: n for n, code in enumerate(codes)}
        shared: dict[frozenset[str], tuple[frozenset[str], npt.NDArray[np.int16]]] = {}
        kept: dict[int, frozenset[str]] = {}
        indices: dict[int, npt.NDArray[np.int16]] = {}
        for doc_id, found in states.items():
            one = shared.get(found)
            if one is None:
                array = np.fromiter((index[s] for s in found), dtype=np.int16, count=len(found))
                array.flags.writeable = False
                one = shared[found] = (found, array)
            kept[doc_id], indices[doc_id] = one
        return cls(kept, codes, indices)

    def of(self, doc_id: int) -> frozenset[str]:
        return self.states.get(doc_id, _NONE)

    def count(self, doc_ids: Iterable[int]) -> Counter[str]:
        """Documents among `doc_ids` that mention each state (one vectorised count: a thousand
        documents of dozens of states each cost 40 ms as Counter updates)."""
        arrays = [self._indices[d] for d in doc_ids if d in self._indices]
        if not arrays:
            return Counter()
        counts = np.bincount(np.concatenate(arrays), minlength=len(self.codes))
        return Counter({self.codes[i]: int(counts[i]) for i in np.flatnonzero(counts)})


_CACHE: StoreCache[MentionedStates] = StoreCache()


def _load(conn: Connection, principal: Principal) -> dict[int, frozenset[str]]:
    """One row per document (its states comma-joined in the database): a row per mention, dozens
    per document, cost a large library's first search more memory than the result."""
    vis, params = visible("m", principal)
    joined = "string_agg(m.iso3, ',')" if conn.dialect.name == "postgresql" else "group_concat(m.iso3, ',')"
    codes: dict[str, str] = {}  # one string object per code
    return {
        int(doc_id): frozenset(codes.setdefault(c, c) for c in str(listed).split(","))
        for doc_id, listed in raw_rows(
            conn, f"SELECT m.document_id, {joined} FROM mentions m WHERE {vis} GROUP BY m.document_id", params
        )
    }


def mentioned_states(store: Store, conn: Connection, principal: Principal) -> MentionedStates:
    """The states mentioned in every document, as `principal` may see them (ISO3 codes)."""
    return _CACHE.get(
        store,
        principal.view_key,
        library_revision(conn),
        lambda: MentionedStates.build(_load(conn, principal)),
    )
