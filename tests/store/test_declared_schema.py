"""The declared tables (`store.schema`) and the migrations agree, on both engines: a fresh database
migrated by the product's runner (Alembic) is compared with the declarations by Alembic, and a store made
by an earlier schema, by Alembic or by the runner before it, upgrades to the declared one without losing
a row."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from sqlalchemy import (
    REAL,
    BigInteger,
    Column,
    Connection,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    Table,
    Text,
    UniqueConstraint,
    inspect,
    select,
)

from reaimhub.store import Store
from reaimhub.store.migrations import MIGRATIONS, migrate, revision_names
from reaimhub.store.schema import engine_specific, metadata
from reaimhub.store.schema.agreement import schema_differences
from reaimhub.store.schema.types import Vector, reflect_vectors
from tests.store.legacy_runner import legacy_migrate

pytestmark = pytest.mark.parametrize("database_url", ["sqlite", "postgresql"], indirect=True)


def _agree(conn: Connection, declared: MetaData = metadata) -> None:
    differences = schema_differences(conn, declared)
    assert not differences, (
        f"the migrations and store/schema differ on {conn.dialect.name} ({len(differences)}):\n  "
        + "\n  ".join(differences)
        + "\nA migration comes with its declaration (docs/architecture.md, 'The declared schema')."
    )


def test_migrated_database_is_the_declared_schema(database_url: str) -> None:
    store = Store(database_url)
    try:
        assert store.migrate()  # a fresh database: every migration ran
        with store.engine.connect() as conn:
            _agree(conn)
            reflected = set(inspect(conn).get_table_names())
        # every declared table is there, and every table there is declared or engine-specific
        assert set(metadata.tables) <= reflected
        undeclared = {
            name
            for name in reflected - set(metadata.tables)
            if engine_specific(store.dialect, "table", name) is None
        }
        assert not undeclared
    finally:
        store.close()


def _copy() -> MetaData:
    """The declarations, copied with each engine-only index and constraint still marked as such."""
    copy = MetaData()
    for table in metadata.sorted_tables:
        twin = table.to_metadata(copy)
        for index in table.indexes:
            next(i for i in twin.indexes if i.name == index.name).info.update(index.info)
        for constraint in table.constraints:
            columns = [c.name for c in constraint.columns]  # type: ignore[attr-defined]
            for other in twin.constraints:
                if type(other) is type(constraint) and [c.name for c in other.columns] == columns:  # type: ignore[attr-defined]
                    other.info.update(constraint.info)
    return copy


def test_the_check_sees_each_kind_of_difference(database_url: str) -> None:
    """Not vacuous: a copy of the declarations altered in every way the check compares fails it,
    each alteration with its own readable line."""
    store = Store(database_url)
    try:
        store.migrate()
        altered = _copy()
        documents = altered.tables["documents"]
        documents._columns.remove(documents.c.title)  # a column the database has
        documents.c.status.nullable = True
        documents.c.size_bytes.type = Integer()
        altered.tables["passages"].c.kind.server_default = None
        altered.tables["passage_vectors"].c.vector.type = Text()
        altered.tables["users"].append_column(Column("nickname", Text))
        Index("users_name", altered.tables["users"].c.name)
        sessions = altered.tables["sessions"]
        sessions.constraints -= {c for c in sessions.constraints if isinstance(c, UniqueConstraint)}
        notes_reference = next(iter(altered.tables["notes"].c.passage_id.foreign_keys))
        notes_reference.constraint.ondelete = "SET NULL"  # type: ignore[union-attr]  # CASCADE in 0007
        Table("briefs", altered, Column("id", Text, primary_key=True))
        with store.engine.connect() as conn:
            found = "\n".join(schema_differences(conn, altered))
            _agree(conn)  # the declarations themselves were left as they are
        vector = "BLOB" if store.dialect == "sqlite" else "vector"
        for expected in (
            "in the database, not declared: column documents.title",
            "documents.status: nullable is False in the database, True declared",
            "documents.size_bytes: type is BIGINT in the database, INTEGER declared",
            "passages.kind: default is 'body'",
            f"passage_vectors.vector: type is {vector} in the database, TEXT declared",
            "declared, not in the database: column users.nickname TEXT NULL",
            "declared, not in the database: index users_name on users(name)",
            "in the database, not declared: unique",
            "reference notes(passage_id) -> passages(id)",
            "declared, not in the database: table briefs",
        ):
            assert expected in found, f"{expected!r} not in:\n{found}"
        assert "sessions(token_hash)" in found
        assert "CASCADE" in found and "SET NULL" in found
    finally:
        store.close()


# --- an existing store upgrades without loss ---------------------------------------------------------

# Not compared before and after: the old runner's ledger, dropped when Alembic adopts the store (Alembic's
# own is not a declared table), and the library revision counter, bumped by migrations that rewrite
# passages (PostgreSQL's stemmed index, 0011).
_CHANGE_BY_DESIGN = {"schema_migrations", "library_revision"}
_CHECKED = {("briefings", "status"): "final"}  # a CHECK constraint's value


def _value(table: str, column: Column[Any]) -> Any:
    """The one row's value of `column`: a reference takes the value of the column it refers to."""
    for reference in column.foreign_keys:
        if reference.column.table.name != table:  # a row of its own table (threads): none
            return _value(reference.column.table.name, reference.column)
        return None
    kind = column.type
    if isinstance(kind, (Integer, BigInteger)):
        return 1
    if isinstance(kind, REAL):
        return 0.5
    if isinstance(kind, Vector):
        return "[0.5]"
    if isinstance(kind, LargeBinary):
        return np.array([0.5], dtype="<f4").tobytes()  # one float32: passage_vectors.dim is 1
    return _CHECKED.get((table, column.name), f"{table}.{column.name}")


def _stored_tables(conn: Connection) -> MetaData:
    """The tables as they are in the database now, engine-specific ones and columns left out."""
    engine = conn.dialect.name
    reflect_vectors(conn)
    names = [n for n in inspect(conn).get_table_names() if engine_specific(engine, "table", n) is None]
    stored = MetaData()
    stored.reflect(conn, only=names)
    for table in stored.tables.values():
        for column in list(table.columns):
            if engine_specific(engine, "column", f"{table.name}.{column.name}") or column.computed:
                table._columns.remove(column)
    return stored


def _normal(value: Any) -> Any:
    """A vector as its floats, whichever way it is stored (bytes before 0015 on PostgreSQL)."""
    if isinstance(value, (bytes, memoryview)):
        return tuple(np.frombuffer(bytes(value), dtype="<f4").tolist())
    if isinstance(value, str) and value.startswith("[") and value.endswith("]"):
        return tuple(float(v) for v in value[1:-1].split(","))
    return value


def _rows(conn: Connection, stored: MetaData) -> dict[str, list[tuple[Any, ...]]]:
    return {
        name: sorted(
            (tuple(_normal(v) for v in row) for row in conn.execute(select(*table.columns)).all()),
            key=repr,
        )
        for name, table in stored.tables.items()
        if name not in _CHANGE_BY_DESIGN
    }


_EARLIER = [
    *(("alembic", before) for before in sorted({6, 14, len(revision_names()) - 1})),
    # stores of the runner before Alembic (its ledger `schema_migrations`), as installations hold them
    ("old runner", 6),
    ("old runner", len(MIGRATIONS)),
]


@pytest.mark.parametrize(("runner", "before"), _EARLIER)
def test_store_of_an_earlier_schema_upgrades_without_loss(
    database_url: str, runner: str, before: int
) -> None:
    store = Store(database_url)
    try:
        if runner == "alembic":
            migrate(store.engine, upto=before)
        else:
            legacy_migrate(store.engine, upto=before)
        with store.write() as conn:
            stored = _stored_tables(conn)
            filled = []
            for table in stored.sorted_tables:
                if table.name in _CHANGE_BY_DESIGN or conn.execute(select(table).limit(1)).first():
                    continue  # the counters the migrations seed keep their one row
                conn.execute(table.insert().values({c.name: _value(table.name, c) for c in table.columns}))
                filled.append(table.name)
        assert "documents" in filled and "passages" in filled and "positions" in filled
        with store.read() as conn:
            rows = _rows(conn, stored)
        applied = store.migrate()
        assert applied == revision_names()[before:]
        with store.read() as conn:
            assert _rows(conn, stored) == rows  # every row and value of the earlier schema is still there
        with store.engine.connect() as conn:
            _agree(conn)  # and the upgraded store is the declared schema, as a fresh one is
    finally:
        store.close()
