"""The store's schema changes. Alembic runs them (`runner`): one revision each in `store/alembic/versions/`,
in its own transaction, recorded in Alembic's ledger `alembic_version`.

Revisions 0001-0020 apply the `Migration` objects listed here (the runner before Alembic's): DDL written
once in portable SQL, `{id}` and `{ts}` expanding per dialect; statements that exist for one engine only
(the SQLite FTS5 index, the PostgreSQL tsvector index) say so in `only`.
"""

from __future__ import annotations

from reaimhub.store.migrations.accounts import ACCOUNTS_AND_ACCESS, DOCUMENT_INDEXES, VECTOR_ACCESS
from reaimhub.store.migrations.alerts import FEEDS_AND_ALERTS
from reaimhub.store.migrations.base import Migration
from reaimhub.store.migrations.briefings import BRIEFINGS
from reaimhub.store.migrations.coalition import COALITION_TABLES
from reaimhub.store.migrations.lexical import (
    ACCENT_FOLDED_INDEX,
    LEXEME_STATISTICS,
    PASSAGE_LENGTHS,
    STEMMED_INDEX,
    STEMS_SPLIT_AT_UNDERSCORES,
    WORD_SPLIT_INDEXES,
)
from reaimhub.store.migrations.library import (
    LIBRARY_REVISION,
    LIBRARY_TABLES,
    PASSAGE_SEARCH_INDEX,
    PASSAGE_VECTORS,
    TSVECTOR_PUNCTUATION,
)
from reaimhub.store.migrations.ocr import OCR_PAGES
from reaimhub.store.migrations.preferences import ACCOUNT_LANGUAGE
from reaimhub.store.migrations.revision import REVISION_AT_END
from reaimhub.store.migrations.runner import applied_names, migrate, revision_names
from reaimhub.store.migrations.vectors import PGVECTOR
from reaimhub.store.migrations.works import WORKS

__all__ = ["MIGRATIONS", "Migration", "applied_names", "migrate", "revision_names"]

# In order; revision 00nn applies the nth (a new schema change is a revision of its own).
MIGRATIONS: tuple[Migration, ...] = (
    LIBRARY_TABLES,
    COALITION_TABLES,
    PASSAGE_VECTORS,
    PASSAGE_SEARCH_INDEX,
    TSVECTOR_PUNCTUATION,
    LIBRARY_REVISION,
    ACCOUNTS_AND_ACCESS,
    DOCUMENT_INDEXES,
    VECTOR_ACCESS,
    BRIEFINGS,
    STEMMED_INDEX,
    WORKS,
    OCR_PAGES,
    ACCENT_FOLDED_INDEX,
    PGVECTOR,
    ACCOUNT_LANGUAGE,
    FEEDS_AND_ALERTS,
    WORD_SPLIT_INDEXES,
    LEXEME_STATISTICS,
    REVISION_AT_END,
    PASSAGE_LENGTHS,
    STEMS_SPLIT_AT_UNDERSCORES,
)
