"""`reaimhub rollcalls import|status` and `reaimhub affinity ISO3`: the UN General Assembly roll calls.

Registered on the main app by importing this module (cli/main.py does, at its end).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from reaimhub.cli.freshness import print_freshness
from reaimhub.cli.main import _hub, _print_json, app, err, out
from reaimhub.coalition.rollcalls import ImportRefused
from reaimhub.model import ANONYMOUS

if TYPE_CHECKING:  # the services load numpy and SQLAlchemy: imported when a command runs
    from reaimhub.services.affinity import AffinityResult, AffinityRow
    from reaimhub.services.hub import Hub
    from reaimhub.services.rollcalls import FileImport, ImportProgress

__all__ = ["rollcalls_app"]

rollcalls_app = typer.Typer(
    help="UN General Assembly roll-call votes (unvotes, CC0): import and coverage; `status` shows "
    "the period stored and warns when it is older than REAIMHUB_STALE_AFTER_DAYS.",
    no_args_is_help=True,
)
app.add_typer(rollcalls_app, name="rollcalls")


@rollcalls_app.command("import")
def import_command(
    calls: Annotated[
        Path | None, typer.Option("--calls", help="Roll calls CSV (default: <shared>/data/unvotes).")
    ] = None,
    votes: Annotated[
        Path | None,
        typer.Option("--votes", help="Votes CSV, plain or gzip (default: <shared>/data/unvotes)."),
    ] = None,
    source: Annotated[
        str | None, typer.Option(help="Citation stored with each roll call (default: the unvotes source).")
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print one JSON object with a `files` list.")
    ] = False,
) -> None:
    """Import the unvotes roll calls, then the votes: one transaction per file, idempotent by sha256.

    A file with bad rows is refused with their line numbers and nothing from it is stored (exit 1)."""
    from reaimhub.services.rollcalls import default_unvotes_files

    hub = _hub()
    try:
        if calls is None or votes is None:
            defaults = default_unvotes_files(hub.settings)
            if defaults is None:
                raise typer.BadParameter(
                    "no shared data/unvotes folder: set REAIMHUB_SHARED_DIR, or give --calls and --votes",
                    param_hint="--calls/--votes",
                )
            calls = calls or defaults[0]
            votes = votes or defaults[1]
        missing = [str(p) for p in (calls, votes) if not p.is_file()]
        if missing:
            raise typer.BadParameter("no such file: " + ", ".join(missing), param_hint="--calls/--votes")
        kwargs = {"source": source} if source else {}
        files = _refused_exits(
            lambda: _import_with_progress(hub, calls, votes, err, quiet=as_json, **kwargs), as_json=as_json
        )
    finally:
        hub.close()
    _report_files(files, as_json=as_json)


def _refused_exits(run: Callable[[], list[FileImport]], *, as_json: bool) -> list[FileImport]:
    """Run an import; a refused file is reported (JSON or lines) and ends the command with exit 1."""
    try:
        return run()
    except ImportRefused as refused:
        if as_json:
            _print_json({"refused": refused.as_json()})
        _print_refusal(refused)
        raise typer.Exit(code=1) from refused


def _report_files(files: list[FileImport], *, as_json: bool) -> None:
    if as_json:
        _print_json({"files": [f.as_json() for f in files]})
    else:
        _print_imports(files)


@rollcalls_app.command("status")
def status_command(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """What is stored: roll calls, votes, dates, sources, and the codes without an ISO3."""
    from reaimhub.services.freshness import rollcall_freshness
    from reaimhub.services.rollcalls import rollcall_status

    hub = _hub()
    try:
        status = rollcall_status(hub, ANONYMOUS)
        fresh = rollcall_freshness(hub, ANONYMOUS)
    finally:
        hub.close()
    if as_json:
        _print_json({**status.as_json(), "freshness": fresh.as_json()})
        return
    print_freshness(fresh)
    out.print(
        f"{status.rollcalls} roll calls ({status.first_date} to {status.last_date}), {status.votes} votes, "
        f"as of {status.as_of}"
    )
    for source in status.sources:
        out.print(f"Source: {escape(source)}")
    if status.unmapped:
        out.print("Stored without an ISO3 code (no state in the reference data; not compared in affinity):")
        for code, rows, first, last in status.unmapped:
            out.print(f"  {escape(code)}: {rows} votes, {first} to {last}")


@app.command()
def affinity(
    iso3: Annotated[str, typer.Argument(help="ISO 3166-1 alpha-3 code of the state, e.g. NLD, KOR, ESP.")],
    since: Annotated[int | None, typer.Option(help="Only roll calls from this calendar year on.")] = None,
    until: Annotated[int | None, typer.Option(help="Only roll calls up to this calendar year.")] = None,
    top: Annotated[int | None, typer.Option(help="Show the N states with the highest affinity.")] = None,
    bottom: Annotated[int | None, typer.Option(help="Show the N states with the lowest affinity.")] = None,
    min_shared: Annotated[
        int | None,
        typer.Option(help="Leave out states with fewer shared votes than this (default: 20, the service's)."),
    ] = None,
    measure: Annotated[
        str, typer.Option(help="Rank by `agreement` (identical votes) or `weighted` (abstain = half).")
    ] = "agreement",
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Each state's agreement with ISO3 in the UN General Assembly roll calls (see docs/affinity.md)."""
    from reaimhub.access import NotFound
    from reaimhub.services.affinity import DEFAULT_MIN_SHARED, Measure, affinity_with
    from reaimhub.services.freshness import rollcall_freshness

    if measure not in ("agreement", "weighted"):
        raise typer.BadParameter("agreement or weighted", param_hint="--measure")
    for value, hint in ((top, "--top"), (bottom, "--bottom")):
        if value is not None and value < 1:
            raise typer.BadParameter("must be at least 1", param_hint=hint)
    chosen: Measure = "weighted" if measure == "weighted" else "agreement"
    hub = _hub()
    try:
        result = affinity_with(
            hub,
            ANONYMOUS,
            iso3,
            since,
            until=until,
            min_shared=DEFAULT_MIN_SHARED if min_shared is None else min_shared,
            measure=chosen,
        )
        fresh = rollcall_freshness(hub, ANONYMOUS)
    except NotFound as exc:
        from reaimhub.cli.suggest import print_unknown

        print_unknown(hub, ANONYMOUS, "state", [iso3], exc)
        raise typer.Exit(code=2) from exc
    finally:
        hub.close()
    rows = _slice(result.rows, top, bottom)
    if as_json:
        data = result.as_json()
        data["states"] = [r.as_json() for r in rows]
        data["freshness"] = fresh.as_json()
        _print_json(data)
        return
    _print_affinity(result, rows, top, bottom)
    print_freshness(fresh)


def _slice(rows: Sequence[AffinityRow], top: int | None, bottom: int | None) -> list[AffinityRow]:
    if top is None and bottom is None:
        return list(rows)
    chosen = list(rows[:top]) if top else []
    if bottom:
        tail = list(rows[-bottom:])
        chosen += [r for r in tail if r not in chosen]
    return chosen


def import_one_file(path: Path, kind: str, *, as_json: bool) -> None:
    """Import one unvotes file (roll calls or votes); used by `reaimhub positions import` too."""
    from reaimhub.services.rollcalls import import_roll_calls, import_votes

    hub = _hub()
    try:
        run = import_roll_calls if kind == "roll_calls" else import_votes
        files = _refused_exits(lambda: [run(hub, path)], as_json=as_json)
    finally:
        hub.close()
    _report_files(files, as_json=as_json)


def _import_with_progress(
    hub: Hub, calls: Path, votes: Path, console: Console, *, quiet: bool, **kwargs: str
) -> list[FileImport]:
    from reaimhub.services.rollcalls import import_unvotes

    columns = (
        TextColumn("[bold]Importing {task.description}"),
        BarColumn(),
        DownloadColumn(),
        TextColumn("· {task.fields[rows]:,} rows · {task.fields[rate]:,.0f} rows/s ·"),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console, disable=quiet or not console.is_terminal) as bar:
        tasks: dict[Path, TaskID] = {}

        def on_progress(step: ImportProgress) -> None:
            task = tasks.get(step.path)
            if task is None:
                task = tasks[step.path] = bar.add_task(
                    step.path.name, total=step.bytes_total, rows=0, rate=0.0
                )
            rate = step.rows / step.seconds if step.seconds > 0 else 0.0
            bar.update(task, completed=step.bytes_read, rows=step.rows, rate=rate)

        return import_unvotes(hub, calls, votes, on_progress=on_progress, **kwargs)


def _print_refusal(refused: ImportRefused) -> None:
    err.print(
        f"[red]refused:[/] {escape(str(refused.path))}: {refused.error_count} bad row(s); "
        "nothing from this file was stored"
    )
    for error in refused.errors:
        err.print(escape(f"  line {error.line}: {error.message}"))
    if refused.error_count > len(refused.errors):
        err.print(f"  ... and {refused.error_count - len(refused.errors)} more")


def _print_imports(files: Sequence[FileImport]) -> None:
    for f in files:
        rate = f" in {f.seconds:.1f} s ({f.rows_per_second:,.0f} rows/s)" if f.status == "imported" else ""
        out.print(f"{f.path.name}: {f.status}: {escape(f.message)}{rate}")
        if f.unmapped:
            table = Table(
                title=(
                    f"{f.unmapped_rows} votes of {len(f.unmapped)} states have no ISO3 code in the reference "
                    "data: stored with their code and no ISO3 (not compared in affinity)"
                ),
                title_justify="left",
            )
            for column in ("code", "name in the source", "votes", "first", "last"):
                table.add_column(column)
            for u in f.unmapped:
                table.add_row(
                    u.code or "(none)", escape(u.name), str(u.rows), u.first_date or "", u.last_date or ""
                )
            out.print(table)


def _print_affinity(
    result: AffinityResult, rows: Sequence[AffinityRow], top: int | None, bottom: int | None
) -> None:
    window = result.window
    span = f"{window.first_date} to {window.last_date}" if window.first_date else "no roll calls"
    out.print(
        f"Voting affinity with {escape(result.name)} ({result.iso3}) in the UN General Assembly, "
        f"roll calls {span} ({result.state_votes} votes by {result.iso3} of {window.rollcalls} roll calls)"
    )
    out.print(
        f"As of {result.as_of or '-'}; ranked by {result.measure}; "
        f"states with fewer than {result.min_shared} shared votes left out ({len(result.below_minimum)})"
    )
    if not rows:
        out.print(f"No state shares at least {result.min_shared} recorded votes with {result.iso3} here.")
    else:
        shown = "all" if top is None and bottom is None else f"{len(rows)} of {result.total}"
        table = Table(title=f"{shown} states", title_justify="left")
        for column, justify in (
            ("rank", "right"),
            ("state", "left"),
            ("ISO3", "left"),
            ("agreement", "right"),
            ("weighted", "right"),
            ("shared votes", "right"),
        ):
            table.add_column(column, justify=justify)  # type: ignore[arg-type]
        rank = {r.iso3: i for i, r in enumerate(result.rows, start=1)}
        for r in rows:
            table.add_row(
                str(rank[r.iso3]),
                escape(r.name),
                r.iso3,
                f"{r.agreement:.3f}",
                f"{r.weighted:.3f}",
                str(r.shared),
            )
        out.print(table)
    out.print(
        "agreement = identical votes / shared votes; weighted = abstention counts half (Voeten, Lijphart)"
    )
    out.print(f"Source: {escape(result.source or '-')}")
    out.print(f"[dim]{escape(result.note)}[/]")
