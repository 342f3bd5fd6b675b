"""Values derived from a store (a vector matrix, the states each document mentions), kept in memory
per store and key while the store's signature for them is unchanged. Private to reaimhub.search.

The caller reads the signature (cheap) on every use and builds the value (expensive) only when it
changed. Entries go with their store (weak keys).

Bounded (issue 12: one web process under 600 MB at a million passages): a key is a view (what a
principal may see), and a library with many audiences has many views, each value as large as the
library; so a cache keeps at most `size` keys per store, the least recently used dropped first, and
drops every entry built at an older signature as soon as a newer one is stored (the signature is the
whole store's, such as the library revision: an older one is stale for every key)."""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

from sqlalchemy import Connection, Engine

from reaimhub.store import Store
from reaimhub.store.driver import raw_rows

__all__ = ["CACHED_VIEWS", "StoreCache", "library_revision"]

V = TypeVar("V")

CACHED_VIEWS = 8  # keys kept per store and cache


class StoreCache(Generic[V]):
    def __init__(self, size: int = CACHED_VIEWS) -> None:
        if size < 1:
            raise ValueError("a StoreCache keeps at least one entry")
        self.size = size
        # per store, or per engine for what is read through a connection alone
        self._entries: weakref.WeakKeyDictionary[
            Store | Engine, OrderedDict[Hashable, tuple[Hashable, V]]
        ] = weakref.WeakKeyDictionary()
        self._lock = threading.Lock()

    def get(self, store: Store | Engine, key: Hashable, signature: Hashable, build: Callable[[], V]) -> V:
        with self._lock:
            entries = self._entries.get(store)
            entry = entries.get(key) if entries is not None else None
            if entry is not None and entry[0] == signature:
                assert entries is not None
                entries.move_to_end(key)
                return entry[1]
        value = build()
        with self._lock:
            entries = self._entries.setdefault(store, OrderedDict())
            for stale in [k for k, (s, _) in entries.items() if s != signature]:
                del entries[stale]
            entries[key] = (signature, value)
            entries.move_to_end(key)
            while len(entries) > self.size:
                entries.popitem(last=False)
        return value

    def count(self, store: Store | Engine) -> int:
        """Entries kept for `store`."""
        with self._lock:
            return len(self._entries.get(store, ()))


def library_revision(conn: Connection) -> int:
    """The library's revision: bumped, in the writing transaction, by every change of a document, a
    passage or a mention (triggers of migration 0006), so a value derived from those rows is current
    exactly while the revision is the one it was built at. One row, read in no time at any size."""
    return int(raw_rows(conn, "SELECT n FROM library_revision WHERE id = 1", {})[0][0])
