"""Ingest with a progress bar (files, pages, rate, failures) and a closing summary table."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from reaimhub.model import Disclosure
from reaimhub.services.hub import Hub
from reaimhub.services.library import FileResult, IngestReport, ingest_paths, iter_input_files

__all__ = ["ingest_with_progress", "summary_table"]


def ingest_with_progress(
    hub: Hub, paths: Sequence[Path], disclosure: Disclosure, console: Console, *, quiet: bool
) -> IngestReport:
    files = list(iter_input_files(paths))
    columns = (
        TextColumn("[bold]Ingesting"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("files · {task.fields[pages]} pages · {task.fields[rate]:.1f} pages/s ·"),
        TextColumn("[red]{task.fields[failed]} failed"),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console, transient=False, disable=not console.is_terminal) as bar:
        task = bar.add_task("ingest", total=len(files), pages=0, rate=0.0, failed=0)
        state = {"pages": 0, "failed": 0}

        def on_file(result: FileResult) -> None:
            state["pages"] += result.pages
            state["failed"] += result.status == "failed"
            elapsed = bar.tasks[0].elapsed or 1e-9
            bar.update(
                task, advance=1, pages=state["pages"], rate=state["pages"] / elapsed, failed=state["failed"]
            )
            if result.status == "failed" and not console.is_terminal and not quiet:
                console.print(escape(f"failed: {result.path}: [{result.error_code}] {result.message}"))

        report = ingest_paths(hub, files, disclosure=disclosure, on_file=on_file)
    if not quiet:
        console.print(summary_table(report))
    return report


def summary_table(report: IngestReport) -> Table:
    rate = report.pages / report.seconds if report.seconds else 0.0
    table = Table(
        title=(
            f"{len(report.files)} files in {report.seconds:.1f} s: {report.count('ok')} ok, "
            f"{report.count('duplicate')} duplicate, {report.count('failed')} failed; "
            f"{report.pages} pages ({rate:.1f} pages/s)"
        ),
        title_justify="left",
    )
    for column in ("status", "file", "document", "pages", "detail"):
        table.add_column(column, overflow="fold")
    style = {"ok": "green", "duplicate": "yellow", "failed": "red"}
    for f in report.files:
        detail = escape(f"[{f.error_code}] {f.message}" if f.error_code else f.message)
        table.add_row(
            f"[{style[f.status]}]{f.status}[/]",
            escape(f.path),
            str(f.document_id or ""),
            str(f.pages or ""),
            detail,
        )
    return table
