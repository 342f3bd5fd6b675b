"""Where each passage is (its document and page), as a principal may see it: kept in memory per store
and view (what a principal may see), so that the word search maps the index's matches to documents
without a join.

A common word matches thousands of passages; joining each match with its passage and document row
cost the search more than the index's own ranking (benchmarks/bench_search.py). The map is built
through `reaimhub.access.visible` on passage and document (a passage the level may not see, or of a
document that is not readable, is absent: -1) and rebuilt when the library revision changes, which
the store's triggers bump on every change of a document, passage or mention (migration 0006).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from sqlalchemy import Connection

from reaimhub.access import visible
from reaimhub.model import Principal
from reaimhub.search._cache import StoreCache, library_revision
from reaimhub.store import Store
from reaimhub.store.driver import raw_rows

__all__ = ["PassageMap", "passage_map"]

Ids = npt.NDArray[np.int64]


@dataclass(frozen=True)
class PassageMap:
    """Document id and page by passage id (-1: not visible at this level), and each visible document's
    date."""

    document: Ids
    page: Ids
    dates: dict[int, str | None]

    def documents_of(self, passage_ids: Ids) -> Ids:
        """The document of each passage; -1 for one not visible (or newer than the map)."""
        inside = passage_ids < len(self.document)
        found = np.full(len(passage_ids), -1, dtype=np.int64)
        found[inside] = self.document[passage_ids[inside]]
        return found

    def dated(self, date_from: str | None, date_to: str | None) -> Ids:
        """Visible documents dated within the range (inclusive; an undated document is in no range)."""
        return np.fromiter(
            (
                doc_id
                for doc_id, day in self.dates.items()
                if day is not None
                and (date_from is None or day >= date_from)
                and (date_to is None or day <= date_to)
            ),
            dtype=np.int64,
        )


_CACHE: StoreCache[PassageMap] = StoreCache()


def _load(conn: Connection, principal: Principal) -> PassageMap:
    doc_vis, params = visible("d", principal)
    pas_vis, _ = visible("p", principal)
    rows = raw_rows(
        conn,
        "SELECT p.id, p.document_id, p.page FROM documents d CROSS JOIN passages p ON p.document_id = d.id "
        f"WHERE d.status = 'ok' AND {doc_vis} AND {pas_vis}",
        params,
    )
    table = np.array(rows, dtype=np.int64).reshape(-1, 3)
    size = int(table[:, 0].max()) + 1 if len(table) else 0
    document = np.full(size, -1, dtype=np.int64)
    page = np.zeros(size, dtype=np.int64)
    document[table[:, 0]] = table[:, 1]
    page[table[:, 0]] = table[:, 2]
    dates = dict(
        raw_rows(
            conn, f"SELECT d.id, d.doc_date FROM documents d WHERE d.status = 'ok' AND {doc_vis}", params
        )
    )
    return PassageMap(document, page, dates)


def passage_map(store: Store, conn: Connection, principal: Principal) -> PassageMap:
    """Each passage's document and page as `principal` may see them."""
    return _CACHE.get(store, principal.view_key, library_revision(conn), lambda: _load(conn, principal))
