"""Values derived from a store (a vector matrix, the states each document mentions), kept in memory
per store and key while the store's signature for them is unchanged. Private to reaimhub.search.

The caller reads the signature (cheap) on every use and builds the value (expensive) only when it
changed. Entries go with their store (weak keys)."""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

from sqlalchemy import Connection

from reaimhub.store import Store
from reaimhub.store.driver import raw_rows

__all__ = ["StoreCache", "library_revision"]

V = TypeVar("V")


class StoreCache(Generic[V]):
    def __init__(self) -> None:
        self._entries: weakref.WeakKeyDictionary[Store, dict[Hashable, tuple[Hashable, V]]] = (
            weakref.WeakKeyDictionary()
        )
        self._lock = threading.Lock()

    def get(self, store: Store, key: Hashable, signature: Hashable, build: Callable[[], V]) -> V:
        with self._lock:
            entry = self._entries.get(store, {}).get(key)
        if entry is not None and entry[0] == signature:
            return entry[1]
        value = build()
        with self._lock:
            self._entries.setdefault(store, {})[key] = (signature, value)
        return value


def library_revision(conn: Connection) -> int:
    """The library's revision: bumped, in the writing transaction, by every change of a document, a
    passage or a mention (triggers of migration 0006), so a value derived from those rows is current
    exactly while the revision is the one it was built at. One row, read in no time at any size."""
    return int(raw_rows(conn, "SELECT n FROM library_revision WHERE id = 1", {})[0][0])
