"""Account preferences (migration 0016): the language an account reads the portal in (`en`, `nl`; NULL:
follow the browser's `Accept-Language`). See `reaimhub.i18n` and `services.preferences`."""

from __future__ import annotations

from reaimhub.store.migrations.base import Migration

__all__ = ["ACCOUNT_LANGUAGE"]

ACCOUNT_LANGUAGE = Migration(
    16,
    "account_language",
    ("ALTER TABLE users ADD COLUMN language TEXT",),
)
