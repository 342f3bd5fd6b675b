"""`reaimhub db copy`, `reaimhub backup` and `reaimhub restore`: moving and keeping a store
(`services.transfer`, `services.backup`), with progress per table and the verification printed."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape
from rich.table import Table

from reaimhub.cli.main import _hub, _print_json, app, err, out
from reaimhub.settings import load_settings

if TYPE_CHECKING:
    from reaimhub.services.transfer import Verification

db_app = typer.Typer(help="The database: copy the store into another (empty) database, verified.")
app.add_typer(db_app, name="db")


class _TableProgress:
    """One line per table on stderr as it completes (rows, rate), and every 5 s within a long one."""

    def __init__(self, quiet: bool) -> None:
        self.quiet = quiet
        self.table = ""
        self.started = self.shown = 0.0

    def __call__(self, table: str, done: int, total: int) -> None:
        now = time.perf_counter()
        if table != self.table:
            self.table, self.started, self.shown = table, now, now
        if self.quiet or (done < total and now - self.shown < 5):
            return
        if done == 0:  # a table starts (or is empty: not worth a line)
            return
        self.shown = now
        seconds = now - self.started
        rate = f", {done / seconds:,.0f} rows/s" if seconds > 0.01 and done else ""
        err.print(f"  {escape(table)}: {done:,} of {total:,} rows in {seconds:.1f} s{rate}", soft_wrap=True)


def _print_verification(verification: Verification) -> None:
    table = Table(title="Verification", title_justify="left")
    for name, justify in (
        ("table", "left"),
        ("rows", "right"),
        ("target rows", "right"),
        ("checksum", "left"),
    ):
        table.add_column(name, justify=justify)  # type: ignore[arg-type]
    table.add_column("", justify="left")
    for check in verification.tables:
        table.add_row(
            check.table,
            f"{check.source_rows:,}",
            f"{check.target_rows:,}",
            check.source_checksum[:16] + ("" if check.ok else f" ≠ {check.target_checksum[:16]}"),
            "ok" if check.ok else "[red]DIFFERS[/]",
        )
    out.print(table)
    originals = (
        f"Originals: {verification.originals:,} files, {verification.original_bytes:,} bytes, SHA-256 "
    )
    out.print(originals + ("verified" if not verification.original_problems else "[red]NOT verified[/]"))
    for problem in verification.original_problems[:20]:
        out.print(f"  [red]{escape(problem)}[/]")
    if verification.audit_ok is not None:
        verdict = (
            "verifies"
            if verification.audit_ok
            else f"[red]does NOT verify[/]: {escape(verification.audit_problem)}"
        )
        out.print(f"Audit trail at the target: {verification.audit_rows:,} records, the chain {verdict}")


def _finish(verification: Verification, as_json: bool, summary: dict[str, object], done: str) -> None:
    if as_json:
        _print_json(summary)
    else:
        _print_verification(verification)
        out.print(done if verification.ok else "[red]The copy does not match its source.[/]")
    raise typer.Exit(code=0 if verification.ok else 1)


def _cannot(exc: OSError) -> Exception:
    """A file or folder the system refuses (no space, no permission, a file where a folder should be)."""
    where = f" {exc.filename}" if exc.filename else ""
    return Exception(f"cannot use{where}: {exc.strerror or exc}")


def _refused(exc: Exception, as_json: bool) -> None:
    """A refusal or a failed verification: the table (if any) and one clear error, exit code 1 or 2."""
    from reaimhub.services.transfer import VerificationFailed

    if isinstance(exc, VerificationFailed):
        if as_json:
            _print_json({"ok": False, "error": str(exc), "verification": exc.verification.as_json()})
        else:
            _print_verification(exc.verification)
        err.print(f"[red]error:[/] {escape(str(exc))}", soft_wrap=True)
        raise typer.Exit(code=1)
    if as_json:
        _print_json({"ok": False, "error": str(exc)})
    err.print(f"[red]error:[/] {escape(str(exc))}", soft_wrap=True)
    raise typer.Exit(code=2)


@db_app.command("copy")
def copy(
    to: Annotated[
        str,
        typer.Option(
            "--to",
            help="The target database: postgresql://USER@HOST:PORT/DB (or sqlite:///PATH); must be empty.",
        ),
    ],
    to_data_dir: Annotated[
        Path | None,
        typer.Option(
            "--to-data-dir", help="Where the target keeps its originals (default: the same data dir)."
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON report.")] = False,
) -> None:
    """Copy the configured store (rows, ids, vectors, accounts, the audit trail) and its originals into an
    empty database, in one transaction, and verify every table's rows and checksum and every original."""
    from reaimhub.services.transfer import TransferError, copy_store, shown_url

    hub = _hub()
    try:
        target_dir = to_data_dir or hub.settings.data_dir
        if not as_json:
            err.print(f"Copying {escape(shown_url(hub.store.url))} to {escape(shown_url(to))}")
        try:
            report = copy_store(
                hub.store, hub.settings.originals_dir, to, target_dir / "originals", _TableProgress(as_json)
            )
        except TransferError as exc:
            _refused(exc, as_json)
            return
        except OSError as exc:
            _refused(_cannot(exc), as_json)
            return
    finally:
        hub.close()
    rate = report.rows / report.seconds if report.seconds else 0.0
    done = f"Copied {report.rows:,} rows in {report.seconds:.1f} s ({rate:,.0f} rows/s), verified."
    _finish(report.verification, as_json, report.as_json(), done)


@app.command()
def backup(
    file: Annotated[
        Path, typer.Argument(help="The backup file to write (a new file; a ZIP with a manifest).")
    ],
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON report.")] = False,
) -> None:
    """Write the configured store and its originals to one file, from one snapshot, with the checksum of
    every table (`reaimhub restore` verifies them)."""
    from reaimhub.services.backup import backup_store
    from reaimhub.services.transfer import TransferError

    hub = _hub()
    try:
        try:
            report = backup_store(hub.store, hub.settings.originals_dir, file, _TableProgress(as_json))
        except TransferError as exc:
            _refused(exc, as_json)
            return
        except OSError as exc:
            _refused(_cannot(exc), as_json)
            return
    finally:
        hub.close()
    if as_json:
        _print_json(report.as_json())
        return
    rows = sum(r for r, _ in report.tables.values())
    out.print(
        f"Wrote {escape(str(report.path))}: {rows:,} rows in {len(report.tables)} tables, "
        f"{report.originals:,} originals, {report.bytes:,} bytes, in {report.seconds:.1f} s"
    )


@app.command()
def restore(
    file: Annotated[Path, typer.Argument(help="A file written by `reaimhub backup`.")],
    to: Annotated[
        str | None,
        typer.Option("--to", help="The target database (default: the configured store); must be empty."),
    ] = None,
    to_data_dir: Annotated[
        Path | None,
        typer.Option(
            "--to-data-dir",
            help="The data dir to restore into: its originals, and its database unless --to names one "
            "(default: the configured data dir).",
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON report.")] = False,
) -> None:
    """Restore a backup into an empty store (either engine, whichever engine made it): the file is checked
    whole first, the rows go in one transaction and are verified against the backup's checksums."""
    from reaimhub.services.backup import restore_store
    from reaimhub.services.transfer import TransferError

    # the store of that data dir: its database too, unless --to names one
    environ = None if to_data_dir is None else {**os.environ, "REAIMHUB_DATA_DIR": str(to_data_dir)}
    settings = load_settings(environ=environ)
    try:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        report = restore_store(
            file, to or settings.effective_database_url, settings.originals_dir, _TableProgress(as_json)
        )
    except TransferError as exc:
        _refused(exc, as_json)
        return
    except OSError as exc:
        _refused(_cannot(exc), as_json)
        return
    done = (
        f"Restored {escape(str(report.path))} (a backup of a {report.made_by} store) into "
        f"{escape(report.target)}, originals in {escape(str(settings.originals_dir))}, "
        f"in {report.seconds:.1f} s, verified."
    )
    _finish(report.verification, as_json, report.as_json(), done)
