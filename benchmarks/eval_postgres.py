"""The question harness on PostgreSQL (`eval_questions.py --engine postgresql`): the cached SQLite store
copied into a fresh PostgreSQL database with the product's own `reaimhub db copy --to URL` (rows, ids,
vectors into pgvector, verified), the same questions asked there, and both engines printed side by side.

The database is made on the server at --pg-url (default $REAIMHUB_TEST_POSTGRES_URL, as `source
/tmp/pg18env` or `scripts/test_postgres.py` give it) under a name of its own, and dropped afterwards
(--keep-db keeps it and prints its URL); the copy's originals go to a temporary folder, so the cached
store is only read.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from common import REPO, print_table

LANGUAGE_GROUPS = ("nl", "en", "es", "fr", "ko", "de", "questions", "keywords", "all")
METRICS = ("ndcg@10", "mrr", "hit@5", "answer@5")


@dataclass(frozen=True)
class Copied:
    url: str  # the new database's SQLAlchemy URL
    data_dir: Path  # a data dir for a hub on it (the originals)
    seconds: float


def _server_url(pg_url: str | None) -> str:
    url = pg_url or os.environ.get("REAIMHUB_TEST_POSTGRES_URL", "")
    if not url:
        raise SystemExit(
            "--engine postgresql needs a server: --pg-url postgresql+psycopg://USER@HOST:PORT/DB or "
            "REAIMHUB_TEST_POSTGRES_URL (`source /tmp/pg18env`, or `scripts/test_postgres.py -- CMD`)"
        )
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return url


def _admin(server: str, statement: str) -> None:
    import sqlalchemy as sa

    engine = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(sa.text(statement))
    finally:
        engine.dispose()


@contextmanager
def postgres_copy(store_dir: Path, model: str, pg_url: str | None, keep: bool) -> Iterator[Copied]:
    """A fresh database on the server holding a verified copy of the store at `store_dir`."""
    import time

    import sqlalchemy as sa

    from reaimhub.settings import shown_url

    server = _server_url(pg_url)
    name = f"reaimhub_eval_{os.getpid()}"
    url = sa.make_url(server).set(database=name).render_as_string(hide_password=False)
    data_dir = Path(tempfile.mkdtemp(prefix="reaimhub-eval-pg-"))
    _admin(server, f'CREATE DATABASE "{name}"')
    try:
        environ = {
            **os.environ,
            "REAIMHUB_DATA_DIR": str(store_dir),
            "REAIMHUB_DATABASE_URL": "",
            "REAIMHUB_EMBEDDING_MODEL": model,
        }
        started = time.perf_counter()
        done = subprocess.run(
            [
                str(Path(sys.executable).with_name("reaimhub")),
                "db",
                "copy",
                "--to",
                url,
                "--to-data-dir",
                str(data_dir),
                "--json",
            ],
            env=environ,
            cwd=REPO,
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            raise SystemExit(f"reaimhub db copy failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
        yield Copied(url, data_dir, time.perf_counter() - started)
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)
        if keep:
            print(f"kept the database {shown_url(url)}")
        else:
            _admin(server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def side_by_side(sqlite: Sequence[dict[str, Any]], postgres: Sequence[dict[str, Any]]) -> list[list[str]]:
    """One row per group and mode: each metric on SQLite, on PostgreSQL, and PostgreSQL's difference."""
    theirs = {(r["group"], r["mode"]): r for r in postgres}
    rows = []
    for row in sqlite:
        other = theirs.get((row["group"], row["mode"]))
        if other is None:
            continue
        cells = [str(row["group"]), str(row["mode"]), str(row["n"])]
        for metric in METRICS:
            a, b = float(row[metric]), float(other[metric])
            cells.append(f"{a:.3f} / {b:.3f} ({b - a:+.3f})")
        rows.append(cells)
    return rows


SIDE_BY_SIDE_HEADER = ["group", "mode", "n", *(f"{m} SQLite / PG (diff)" for m in METRICS)]


def print_postgres(
    how: str,
    rows: Sequence[dict[str, Any]],
    postgres_rows: Sequence[dict[str, Any]],
    outcomes: Sequence[Any],
    postgres: Sequence[Any],
    show: int,
) -> None:
    """Both engines side by side (summary rows), and the questions whose nDCG@10 differs between them
    (`eval_questions.Outcome`s)."""
    print(f"\nPostgreSQL: {how}")
    print_table("SQLite against PostgreSQL", SIDE_BY_SIDE_HEADER, side_by_side(rows, postgres_rows))
    theirs = {(o.question, o.mode): o for o in postgres}
    differ = [
        (o, theirs[(o.question, o.mode)])
        for o in outcomes
        if (o.question, o.mode) in theirs and abs(o.ndcg - theirs[(o.question, o.mode)].ndcg) >= 0.05
    ]
    if differ:
        print("\nnDCG@10 differs by 0.05 or more (SQLite -> PostgreSQL):")
        for a, b in differ:
            print(f"  {a.question} {a.mode:8} {a.ndcg:.2f} -> {b.ndcg:.2f}")
            if show:
                print(f"      SQLite: {', '.join(a.works[:show])}\n      PG:     {', '.join(b.works[:show])}")
