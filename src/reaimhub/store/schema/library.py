"""The library's tables (migrations 0001, 0003, 0004, 0006, 0007, 0008, 0012, 0013, 0015). The
migrations' ledger is Alembic's own (`alembic_version`, `store.migrations.runner`): not declared here."""

from __future__ import annotations

from sqlalchemy import (
    REAL,
    BigInteger,
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    Integer,
    PrimaryKeyConstraint,
    Table,
    Text,
    UniqueConstraint,
    text,
)

from reaimhub.store.schema.types import blob, id_column, metadata, only, ts, vector

__all__ = [
    "actor_names",
    "actors",
    "citations",
    "disclosure",
    "documents",
    "footnotes",
    "library_revision",
    "mentions",
    "pages",
    "passage_vectors",
    "passages",
    "sections",
    "shared_with",
    "works",
]


def disclosure() -> Column[int]:
    """Every content row's level: 0 public, 1 registered, 2 restricted, 3 confidential."""
    return Column("disclosure", Integer, nullable=False, server_default=text("0"))


def shared_with() -> Column[int]:
    """Every content row's audience (migration 0007 added it without a reference, documents aside)."""
    return Column("audience_id", BigInteger)


def _document_id() -> Column[int]:
    return Column("document_id", BigInteger, ForeignKey("documents.id", ondelete="CASCADE"), nullable=False)


actors = Table(
    "actors",
    metadata,
    Column("iso3", Text, primary_key=True),
    Column("iso2", Text),
    Column("m49", Text),
    Column("kind", Text, nullable=False, server_default=text("'state'")),
    Column("un_status", Text, nullable=False),
    Column("un_group", Text),
    Column("region", Text),
    Column("subregion", Text),
    Column("name_en", Text, nullable=False),
    disclosure(),
    shared_with(),
)

actor_names = Table(
    "actor_names",
    metadata,
    Column("iso3", Text, ForeignKey("actors.iso3", ondelete="CASCADE"), nullable=False),
    Column("lang", Text, nullable=False),
    Column("name", Text, nullable=False),
    PrimaryKeyConstraint("iso3", "lang", "name"),
)

works = Table(
    "works",
    metadata,
    id_column(),
    Column("created_at", ts, nullable=False),
    sqlite_autoincrement=True,
)

documents = Table(
    "documents",
    metadata,
    id_column(),
    Column("uid", Text, nullable=False),  # random, the public id
    Column("sha256", Text, nullable=False),  # not unique: the same bytes may be shared differently
    Column("filename", Text, nullable=False),
    Column("media_type", Text),
    Column("size_bytes", BigInteger, nullable=False),
    Column("title", Text),
    Column("language", Text),
    Column("doc_date", Text),
    Column("doc_type", Text),
    Column("symbol", Text),
    Column("origin", Text),
    disclosure(),
    Column("audience_id", BigInteger, ForeignKey("audiences.id")),
    Column("owner_org", Text),
    Column("uploaded_by", Text),
    Column("status", Text, nullable=False),
    Column("error_code", Text),
    Column("error_message", Text),
    Column("pipeline_version", Integer, nullable=False),
    Column("page_count", Integer, nullable=False, server_default=text("0")),
    Column("created_at", ts, nullable=False),
    Column("updated_at", ts, nullable=False),
    Column("work_id", BigInteger, ForeignKey("works.id")),
    Column("work_reason", Text),
    Column("work_similarity", REAL),
    Column("work_match", BigInteger),
    Column("own_reference", Text),
    Column("text_minhash", blob),
    # SQLite rebuilt the table with `uid ... UNIQUE`; PostgreSQL added a unique index (migration 0007).
    only("sqlite", UniqueConstraint("uid")),
    only("postgresql", Index("documents_uid", "uid", unique=True)),
    Index("documents_status", "status", "disclosure"),
    Index("documents_symbol", "symbol"),
    Index("documents_sha256", "sha256"),
    Index("documents_uploaded_by", "uploaded_by"),
    Index("documents_work", "work_id"),
    Index("documents_own_reference", "own_reference"),
    sqlite_autoincrement=True,
)

pages = Table(
    "pages",
    metadata,
    _document_id(),
    Column("number", Integer, nullable=False),
    Column("text", Text, nullable=False),
    disclosure(),
    shared_with(),
    Column("ocr_confidence", REAL),
    Column("ocr_skipped", Text),
    Column("ocr", Integer, nullable=False, server_default=text("0")),
    PrimaryKeyConstraint("document_id", "number"),
)

sections = Table(
    "sections",
    metadata,
    _document_id(),
    Column("ordinal", Integer, nullable=False),
    Column("level", Integer, nullable=False),
    Column("title", Text, nullable=False),
    Column("page", Integer, nullable=False),
    disclosure(),
    shared_with(),
    PrimaryKeyConstraint("document_id", "ordinal"),
)

# PostgreSQL adds `tsv` and `stem_tsv` (tsvector) to passages: see ENGINE_SPECIFIC.
passages = Table(
    "passages",
    metadata,
    id_column(),
    _document_id(),
    Column("ordinal", Integer, nullable=False),
    Column("page", Integer, nullable=False),
    Column("section_path", Text, nullable=False, server_default=text("''")),
    Column("kind", Text, nullable=False, server_default=text("'body'")),
    Column("text", Text, nullable=False),
    Column("char_start", Integer, nullable=False, server_default=text("-1")),
    Column("char_end", Integer, nullable=False, server_default=text("-1")),
    disclosure(),
    shared_with(),
    UniqueConstraint("document_id", "ordinal"),
    # The narrow covering index of the lexical search's candidates (migration 0004): SQLite only.
    only("sqlite", Index("passages_search", "id", "document_id", "page", "disclosure")),
    sqlite_autoincrement=True,
)

footnotes = Table(
    "footnotes",
    metadata,
    _document_id(),
    Column("ordinal", Integer, nullable=False),
    Column("label", Text, nullable=False),
    Column("page", Integer, nullable=False),
    Column("text", Text, nullable=False),
    disclosure(),
    shared_with(),
    PrimaryKeyConstraint("document_id", "ordinal"),
)

citations = Table(
    "citations",
    metadata,
    id_column(),
    _document_id(),
    Column("page", Integer),
    Column("raw", Text, nullable=False),
    Column("scheme", Text, nullable=False),
    Column("cite_key", Text, nullable=False),
    Column("url", Text, nullable=False),
    Column("flag", Text),
    Column("in_footnote", Integer, nullable=False, server_default=text("0")),
    disclosure(),
    shared_with(),
    Index("citations_key", "cite_key"),
    Index("citations_document", "document_id"),
    sqlite_autoincrement=True,
)

mentions = Table(
    "mentions",
    metadata,
    _document_id(),
    Column("iso3", Text, ForeignKey("actors.iso3"), nullable=False),
    Column("count", Integer, nullable=False),
    Column("first_page", Integer, nullable=False),
    Column("surface", Text, nullable=False),
    disclosure(),
    shared_with(),
    PrimaryKeyConstraint("document_id", "iso3"),
    Index("mentions_iso3", "iso3"),
)

# PostgreSQL adds one HNSW index per dimension on `(vector::vector(dim)) WHERE dim = dim`: see
# ENGINE_SPECIFIC.
passage_vectors = Table(
    "passage_vectors",
    metadata,
    Column(
        "passage_id",
        BigInteger,
        ForeignKey("passages.id", ondelete="CASCADE"),
        primary_key=True,
        autoincrement=False,
    ),
    Column("model_id", Text, nullable=False),
    Column("dim", Integer, nullable=False),
    Column("vector", vector, nullable=False),
    disclosure(),
    shared_with(),
    Index("passage_vectors_model", "model_id", "disclosure"),
)

library_revision = Table(
    "library_revision",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("n", BigInteger, nullable=False),
    CheckConstraint("id = 1"),
)
