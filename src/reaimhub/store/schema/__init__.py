"""Every table of the store, declared once with SQLAlchemy Core (`metadata`): columns, types,
nullability, keys, references, unique constraints and plain indexes, on both engines.

The migrations (`store.migrations`) make the schema; these declarations say what it is, for queries
built with SQLAlchemy Core (`select(documents.c.id)...`, values always bound, never formatted into SQL)
and for the agreement check (`store.schema.agreement`, run by `tests/store/test_declared_schema.py` on
both engines), which fails when a migration and its declaration differ. A new migration comes with its
declaration in the same commit (`docs/architecture.md`, "The declared schema").

What one engine builds for itself and SQLAlchemy cannot declare or compare is listed in
`ENGINE_SPECIFIC`, each with the reason, and left out of the comparison.
"""

from __future__ import annotations

from dataclasses import dataclass
from fnmatch import fnmatchcase

from reaimhub.store.schema.accounts import (
    api_tokens,
    audience_grants,
    audiences,
    audit_head,
    audit_log,
    briefings,
    contribution_decisions,
    contributions,
    feed_tokens,
    follows,
    invitations,
    login_failures,
    memberships,
    notes,
    org_group_members,
    org_groups,
    orgs,
    saved_searches,
    sessions,
    users,
)
from reaimhub.store.schema.coalition import (
    events,
    group_members,
    groups,
    imports,
    instruments,
    positions,
    rollcall_votes,
    rollcalls,
    sources,
)
from reaimhub.store.schema.library import (
    actor_names,
    actors,
    citations,
    documents,
    footnotes,
    library_revision,
    mentions,
    pages,
    passage_vectors,
    passages,
    sections,
    works,
)
from reaimhub.store.schema.types import ENGINES, metadata

__all__ = [
    "ENGINES",
    "ENGINE_SPECIFIC",
    "EngineSpecific",
    "actor_names",
    "actors",
    "api_tokens",
    "audience_grants",
    "audiences",
    "audit_head",
    "audit_log",
    "briefings",
    "citations",
    "contribution_decisions",
    "contributions",
    "documents",
    "events",
    "feed_tokens",
    "follows",
    "footnotes",
    "group_members",
    "groups",
    "imports",
    "instruments",
    "invitations",
    "library_revision",
    "login_failures",
    "memberships",
    "mentions",
    "metadata",
    "notes",
    "org_group_members",
    "org_groups",
    "orgs",
    "pages",
    "passage_vectors",
    "passages",
    "positions",
    "rollcall_votes",
    "rollcalls",
    "saved_searches",
    "sections",
    "sessions",
    "sources",
    "users",
    "works",
]


@dataclass(frozen=True)
class EngineSpecific:
    """Something one engine's migrations make that is not declared here, and why."""

    engine: str  # sqlite | postgresql
    kind: str  # table | column | index | trigger | function | extension | text search configuration
    name: str  # the name or a pattern (`*` any characters); a column is `table.column`
    reason: str

    def matches(self, engine: str, kind: str, name: str) -> bool:
        return engine == self.engine and kind == self.kind and fnmatchcase(name, self.name)


_FTS5 = "an FTS5 virtual table (and its shadow tables): SQLAlchemy cannot declare or reflect a virtual table"
_TSV = "a tsvector column, generated or filled by a trigger: built by PostgreSQL from `text`, never written"

ENGINE_SPECIFIC: tuple[EngineSpecific, ...] = (
    EngineSpecific("sqlite", "table", "passages_fts*", _FTS5 + " (the exact index, migration 0001)"),
    EngineSpecific("sqlite", "table", "passages_stem*", _FTS5 + " (the stemmed index, migration 0011)"),
    EngineSpecific("sqlite", "table", "sqlite_*", "SQLite's own tables (sqlite_sequence of AUTOINCREMENT)"),
    *(
        EngineSpecific(
            engine,
            "table",
            "alembic_version",
            "the migrations' ledger, Alembic's own (made by it, and left out of its comparison)",
        )
        for engine in ENGINES
    ),
    EngineSpecific(
        "postgresql", "column", "passages.tsv", _TSV + " (exact, accent-folded: 0001, 0005, 0014, 0018)"
    ),
    EngineSpecific(
        "postgresql",
        "column",
        "passages.stem_tsv",
        _TSV + " (stemmed per language, accent-folded: 0011, 0018)",
    ),
    EngineSpecific(
        "postgresql",
        "column",
        "passages.stem_words",
        "a passage's length in words (the last position of `stem_tsv`), for BM25: generated (0021)",
    ),
    EngineSpecific("postgresql", "index", "passages_tsv", "a GIN index over the tsvector column above"),
    EngineSpecific("postgresql", "index", "passages_stem_tsv", "a GIN index over the tsvector column above"),
    EngineSpecific(
        "postgresql",
        "index",
        "passage_vectors_hnsw_*",
        "pgvector HNSW indexes, one per dimension, on the expression `vector::vector(dim)` with a "
        "partial predicate, made on demand (`ensure_vector_index`): Alembic compares no expression index",
    ),
    EngineSpecific(
        "postgresql",
        "table",
        "procrastinate_*",
        "the job queue's own tables, made by procrastinate's schema, not by our migrations",
    ),
    # Not tables, columns or indexes, so never reflected; listed so that the declaration is complete.
    EngineSpecific("sqlite", "trigger", "passages_fts_*", "keep the FTS5 index in step with passages"),
    EngineSpecific("sqlite", "trigger", "passages_stem_*", "fill the stemmed FTS5 index (reaimhub_stem)"),
    EngineSpecific("sqlite", "trigger", "*_revision_*", "bump library_revision on library writes"),
    EngineSpecific("sqlite", "trigger", "positions_changed_*", "stamp positions.changed_at"),
    EngineSpecific("postgresql", "trigger", "*_revision_*", "bump library_revision on library writes"),
    EngineSpecific("postgresql", "trigger", "passages_stem_tsv", "fill passages.stem_tsv per language"),
    EngineSpecific("postgresql", "trigger", "positions_changed", "stamp positions.changed_at"),
    EngineSpecific("postgresql", "function", "bump_library_revision", "the revision triggers' function"),
    EngineSpecific("postgresql", "function", "passages_stem_tsv", "the stemmed index trigger's function"),
    EngineSpecific(
        "postgresql", "function", "reaimhub_ts_config", "a document language to its configuration"
    ),
    EngineSpecific("postgresql", "function", "reaimhub_tsv_words", "passages.stem_words' function"),
    EngineSpecific("postgresql", "function", "stamp_position_change", "the positions.changed_at trigger"),
    EngineSpecific(
        "postgresql", "text search configuration", "reaimhub_*", "Snowball stemmers without stop words"
    ),
    EngineSpecific("postgresql", "extension", "vector", "pgvector, for passage_vectors.vector (0015)"),
)


def engine_specific(engine: str, kind: str, name: str) -> EngineSpecific | None:
    """The entry of ENGINE_SPECIFIC that covers `name` on `engine`, if any."""
    return next((item for item in ENGINE_SPECIFIC if item.matches(engine, kind, name)), None)
