"""Do the declared tables (`store.schema.metadata`) and a migrated database agree? Alembic's
autogenerate comparison (`compare_metadata`) of the one with the other: tables, columns, types,
nullability, server defaults, primary keys, references (with their ON DELETE), unique constraints and
indexes; what one engine builds for itself (`ENGINE_SPECIFIC`) is left out, each with its reason.

Check constraints and triggers are not compared (Alembic reflects neither).
"""

from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection, Identity, Index, MetaData, Table, UniqueConstraint, inspect
from sqlalchemy.schema import Column, Constraint, DefaultClause, ForeignKeyConstraint, SchemaItem
from sqlalchemy.sql.elements import TextClause
from sqlalchemy.types import TypeEngine

from reaimhub.store.schema import engine_specific
from reaimhub.store.schema import metadata as declared_metadata
from reaimhub.store.schema.types import reflect_vectors

__all__ = ["describe", "schema_differences"]


def _include(engine: str) -> Any:
    def include_object(
        obj: SchemaItem, name: str | None, kind: str, reflected: bool, _compare_to: SchemaItem | None
    ) -> bool:
        if not reflected:  # declared: an index or constraint of the other engine only is not compared
            return bool(obj.info.get("only", engine) == engine)
        if kind == "column" and isinstance(obj, Column):
            name = f"{obj.table.name}.{name}"
        return engine_specific(engine, kind, name or "") is None

    return include_object


def schema_differences(conn: Connection, metadata: MetaData = declared_metadata) -> list[str]:
    """Every difference between `metadata` and the database behind `conn`, one readable line each;
    empty when they agree."""
    engine = conn.dialect.name
    reflect_vectors(conn)
    context = MigrationContext.configure(
        conn,
        opts={
            "compare_type": True,
            "compare_server_default": True,
            "include_object": _include(engine),
        },
    )
    changes: list[tuple[Any, ...]] = []
    for diff in compare_metadata(context, metadata):
        changes.extend(diff if isinstance(diff, list) else [diff])
    lines = [
        describe(change) for change in changes if not (engine == "sqlite" and _sqlite_same(change, metadata))
    ]
    if engine == "sqlite":
        lines.extend(_sqlite_references(conn, changes))
        lines.extend(_sqlite_undeclared_uniques(conn, metadata))
    return sorted(lines)


def _sqlite_undeclared_uniques(conn: Connection, metadata: MetaData) -> list[str]:
    """Alembic reports an unnamed unique constraint that is declared and missing, not one that is there
    and undeclared (SQLite's are all unnamed): that direction is checked here."""
    inspector = inspect(conn)
    lines = []
    for table in metadata.tables.values():
        if not inspector.has_table(table.name):
            continue
        declared = {
            tuple(c.name for c in item.columns)
            for item in table.constraints
            if isinstance(item, UniqueConstraint) and item.info.get("only", "sqlite") == "sqlite"
        }
        declared |= {
            tuple(getattr(e, "name", str(e)) for e in index.expressions)
            for index in table.indexes
            if index.unique and index.info.get("only", "sqlite") == "sqlite"
        }
        declared |= {(c.name,) for c in table.columns if c.unique}
        found = {tuple(map(str, u["column_names"])) for u in inspector.get_unique_constraints(table.name)}
        found |= {
            tuple(map(str, i["column_names"])) for i in inspector.get_indexes(table.name) if i["unique"]
        }
        lines += [
            f"in the database, not declared: unique on {table.name}({', '.join(map(str, columns))})"
            for columns in sorted(found - declared)
        ]
    return lines


# What SQLite reports otherwise than it is declared, by design of SQLite or of its reflection:
# - a primary key that is not INTEGER admits NULL in SQLite (a legacy of SQLite's, documented under
#   "CREATE TABLE"), so such a key reflects as nullable; PostgreSQL checks it NOT NULL;
# - `{id}` is INTEGER PRIMARY KEY AUTOINCREMENT on SQLite, the rowid: no identity to compare;
# - SQLAlchemy reads ON DELETE of a reference written inline (`REFERENCES t(c) ON DELETE CASCADE`)
#   from no SQLite catalogue, so references are compared without their options by Alembic and their
#   ON DELETE from `PRAGMA foreign_key_list` here (`_sqlite_references`).
def _sqlite_same(change: tuple[Any, ...], metadata: MetaData) -> bool:
    op = change[0]
    if op == "modify_nullable":
        _, _, table, column, _, in_database, declared = change
        key = metadata.tables[table].primary_key.columns
        return bool(in_database is True and declared is False and len(key) == 1 and column in key)
    if op == "modify_default":
        return isinstance(change[-1], Identity) and change[-2] is None
    return op in ("add_fk", "remove_fk")


def _fk_key(fk: ForeignKeyConstraint) -> tuple[str, tuple[str, ...], str, tuple[str, ...]]:
    targets = [element.target_fullname.rsplit(".", 1) for element in fk.elements]
    return (fk.table.name, tuple(c.name for c in fk.columns), targets[0][0], tuple(t[1] for t in targets))


def _sqlite_references(conn: Connection, changes: list[tuple[Any, ...]]) -> list[str]:
    declared = {_fk_key(c[1]): c[1] for c in changes if c[0] == "add_fk"}
    found = {_fk_key(c[1]): c[1] for c in changes if c[0] == "remove_fk"}
    lines = [describe(("add_fk", declared[key])) for key in declared.keys() - found.keys()]
    lines += [describe(("remove_fk", found[key])) for key in found.keys() - declared.keys()]
    for key in declared.keys() & found.keys():
        table, columns, target, _ = key
        rows = conn.exec_driver_sql(f'PRAGMA foreign_key_list("{table}")').all()
        actions = {row[6] for row in rows if row[2] == target and row[3] in columns}
        in_database = {None if a.upper() == "NO ACTION" else a.upper() for a in actions}
        wanted = (declared[key].ondelete or "").upper() or None
        if in_database != {wanted}:
            lines.append(
                f"{_what(declared[key])}: ON DELETE is {sorted(map(str, in_database))} in the database"
            )
    return lines


def _columns(item: Index | Constraint) -> str:
    if isinstance(item, Index):
        return ", ".join(str(getattr(e, "name", e)) for e in item.expressions)
    return ", ".join(c.name for c in getattr(item, "columns", ()))


def _what(item: Any) -> str:
    if isinstance(item, Table):
        return f"table {item.name}"
    if isinstance(item, Index):
        unique = "unique index" if item.unique else "index"
        return f"{unique} {item.name} on {item.table.name}({_columns(item)})"  # type: ignore[union-attr]
    if isinstance(item, ForeignKeyConstraint):
        target = item.elements[0].target_fullname.rsplit(".", 1)[0] if item.elements else "?"
        refs = ", ".join(e.target_fullname.rsplit(".", 1)[1] for e in item.elements)
        delete = f" ON DELETE {item.ondelete}" if item.ondelete else ""
        return f"reference {item.table.name}({_columns(item)}) -> {target}({refs}){delete}"
    if isinstance(item, Constraint):
        kind = "unique" if isinstance(item, UniqueConstraint) else type(item).__name__
        name = f" {item.name}" if isinstance(item.name, str) else ""
        return f"{kind}{name} on {item.table.name}({_columns(item)})"
    return repr(item)


def _value(value: Any) -> str:
    if isinstance(value, DefaultClause):
        value = value.arg
    if isinstance(value, TextClause):
        return value.text
    if isinstance(value, TypeEngine):
        return str(value.compile())
    return repr(value)


def describe(change: tuple[Any, ...]) -> str:
    """One of Alembic's differences as a sentence: "declared, not in the database: ..." etc."""
    op = change[0]
    if op.startswith(("add_", "remove_")) and op != "add_column" and op != "remove_column":
        where = "declared, not in the database" if op.startswith("add_") else "in the database, not declared"
        return f"{where}: {_what(change[1])}"
    if op in ("add_column", "remove_column"):
        where = "declared, not in the database" if op == "add_column" else "in the database, not declared"
        column = change[3]
        null = "NULL" if column.nullable else "NOT NULL"
        return f"{where}: column {change[2]}.{column.name} {column.type} {null}"
    if op.startswith("modify_"):
        _, _, table, column, _, in_database, declared = change
        what = op.removeprefix("modify_")
        return (
            f"{table}.{column}: {what} is {_value(in_database)} in the database, {_value(declared)} declared"
        )
    return repr(change)
