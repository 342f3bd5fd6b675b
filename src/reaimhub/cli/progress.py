"""Ingest with a progress bar (files, pages, rate, failures) and a closing summary table."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from reaimhub.embeddings import Embedder
from reaimhub.library import ocr
from reaimhub.model import Disclosure
from reaimhub.services.embedding import EmbedReport, reindex
from reaimhub.services.hub import Hub
from reaimhub.services.library import FileResult, IngestReport, ingest_paths, iter_input_files
from reaimhub.services.sharing import Sharing

__all__ = ["ingest_with_progress", "reindex_with_progress", "summary_table"]


def ingest_with_progress(
    hub: Hub,
    paths: Sequence[Path],
    disclosure: Disclosure,
    console: Console,
    *,
    quiet: bool,
    sharing: Sharing | None = None,
) -> IngestReport:
    files = list(iter_input_files(paths))
    columns = (
        TextColumn("[bold]Ingesting"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("files · {task.fields[pages]} pages · {task.fields[rate]:.1f} pages/s ·"),
        TextColumn("{task.fields[embedded]} passages embedded ({task.fields[embed_rate]:.0f}/s) ·"),
        TextColumn("[red]{task.fields[failed]} failed"),
        TimeElapsedColumn(),
        TextColumn("{task.fields[ocr]}"),  # a scan being read: pages done of its scanned pages, rate
    )
    with Progress(*columns, console=console, transient=False, disable=not console.is_terminal) as bar:
        task = bar.add_task(
            "ingest", total=len(files), pages=0, rate=0.0, failed=0, embedded=0, embed_rate=0.0, ocr=""
        )

        def on_ocr(step: ocr.OcrProgress) -> None:
            note = f"OCR {step.filename}: {step.done}/{step.total} pages ({step.rate:.2f} pages/s)"
            bar.update(task, ocr=escape(note) if step.done < step.total else "")

        state = {"pages": 0, "failed": 0, "embedded": 0, "embed_seconds": 0.0}

        def on_file(result: FileResult) -> None:
            state["pages"] += result.pages
            state["failed"] += result.status == "failed"
            state["embedded"] += result.passages_embedded
            state["embed_seconds"] += result.embed_seconds
            elapsed = bar.tasks[0].elapsed or 1e-9
            bar.update(
                task,
                advance=1,
                pages=state["pages"],
                rate=state["pages"] / elapsed,
                failed=state["failed"],
                embedded=state["embedded"],
                embed_rate=state["embedded"] / (state["embed_seconds"] or 1e-9),
            )
            if result.status == "failed" and not console.is_terminal and not quiet:
                console.print(escape(f"failed: {result.path}: [{result.error_code}] {result.message}"))
            if result.embed_error and not quiet:
                note = f"not embedded (run reaimhub reindex): {result.path}: {result.embed_error}"
                console.print(escape(note))

        previous = ocr.set_progress(on_ocr)
        try:
            report = ingest_paths(hub, files, disclosure=disclosure, on_file=on_file, sharing=sharing)
        finally:
            ocr.set_progress(previous)
    if not quiet:
        console.print(summary_table(report))
    return report


def summary_table(report: IngestReport) -> Table:
    rate = report.pages / report.seconds if report.seconds else 0.0
    embedded = ""
    if report.passages_embedded or report.embed_failed:
        embed_rate = report.passages_embedded / report.embed_seconds if report.embed_seconds else 0.0
        embedded = f"; {report.passages_embedded} passages embedded ({embed_rate:.0f} passages/s)"
        if report.embed_failed:
            embedded += f", {report.embed_failed} documents not embedded (run reaimhub reindex)"
    table = Table(
        title=(
            f"{len(report.files)} files in {report.seconds:.1f} s: {report.count('ok')} ok, "
            f"{report.count('duplicate')} duplicate, {report.count('failed')} failed; "
            f"{report.pages} pages ({rate:.1f} pages/s){embedded}"
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


def reindex_with_progress(hub: Hub, embedder: Embedder, console: Console, *, quiet: bool) -> EmbedReport:
    columns = (
        TextColumn("[bold]Embedding"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("passages · {task.fields[documents]} documents · {task.fields[rate]:.0f} passages/s"),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console, transient=False, disable=not console.is_terminal) as bar:
        task = bar.add_task("reindex", total=None, documents=0, rate=0.0)

        def on_start(documents: int, passages: int) -> None:
            bar.update(task, total=passages)

        def on_batch(documents: int, passages: int) -> None:
            done = bar.tasks[0]
            elapsed = done.elapsed or 1e-9
            bar.update(
                task,
                advance=passages,
                documents=done.fields["documents"] + documents,
                rate=(done.completed + passages) / elapsed,
            )

        report = reindex(hub.store, embedder, on_start=on_start, on_batch=on_batch)
    if not quiet:
        console.print(
            f"{embedder.model_id}: {report.passages} passages of {report.documents} documents embedded "
            f"in {report.seconds:.1f} s ({report.rate:.0f} passages/s)"
            + (f"; {len(report.failed)} documents failed (run reindex again)" if report.failed else "")
        )
        for doc_id, message in report.failed:
            console.print(escape(f"document {doc_id}: {message}"))
    return report
