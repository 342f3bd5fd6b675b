"""The application context every use case takes: settings plus an open, migrated store."""

from __future__ import annotations

import logging
import os
import secrets
from dataclasses import dataclass
from functools import cached_property

from reaimhub.embeddings import Embedder, EmbedderUnavailable, get_embedder
from reaimhub.settings import Settings, load_settings
from reaimhub.store import Store, StoreUnavailable

__all__ = ["Hub", "make_data_dir", "open_hub"]

log = logging.getLogger(__name__)


@dataclass
class Hub:
    settings: Settings
    store: Store

    @cached_property
    def embedder(self) -> Embedder | None:
        """The configured embedder, loaded on first use (once per process); None when embeddings are
        off or the model's package is missing (logged once: search falls back to lexical)."""
        try:
            return get_embedder(self.settings.embedding_model)
        except EmbedderUnavailable as exc:
            log.warning("embeddings off: %s", exc)
            return None

    @cached_property
    def secret_key(self) -> str:
        """The key that signs the portal's CSRF tokens: made once, random, kept in the data dir with
        owner-only permissions (sessions and API tokens are random values checked against the store and
        need no key)."""
        path = self.settings.data_dir / "secret.key"
        try:
            return path.read_text(encoding="ascii").strip()
        except FileNotFoundError:
            pass
        key = secrets.token_urlsafe(48)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process made it first
            return path.read_text(encoding="ascii").strip()
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(key)
        return key

    def close(self) -> None:
        self.store.close()


def make_data_dir(settings: Settings) -> None:
    """The data dir, made when missing; `StoreUnavailable` saying why it cannot be (a file of that name,
    no permission)."""
    try:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreUnavailable(f"cannot use the data dir {settings.data_dir}: {exc.strerror}") from exc


def open_hub(settings: Settings | None = None) -> Hub:
    """Open the configured store, creating and migrating it on first use, and load reference actors."""
    from reaimhub.services.actors import ensure_actors
    from reaimhub.services.works import assign_missing

    settings = settings or load_settings()
    make_data_dir(settings)
    store = Store(settings.effective_database_url)
    try:
        applied = store.migrate()
        if applied:
            log.info("applied migrations: %s", ", ".join(applied))
        ensure_actors(store)
        assign_missing(store)  # files stored before works existed (migration 0012)
    except BaseException:  # a store that cannot be opened keeps no connection open
        store.close()
        raise
    return Hub(settings=settings, store=store)
