"""Coalition-tracker commands: `data load`, `positions import`, `instruments list|show`, `actors show`.

Registered on the main app when `reaimhub.cli.main` imports this module. Every command calls the
services in `reaimhub.services.coalition`, reads as anonymous, and prints one JSON document with --json.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from reaimhub.cli.main import _hub, _print_json, app, err, out
from reaimhub.coalition.analytics import NOT_LISTED_MEANING as NOT_LISTED
from reaimhub.model import ANONYMOUS, Principal
from reaimhub.store import Store

if TYPE_CHECKING:
    from reaimhub.services.suggest import Kind

__all__ = ["actors_app", "data_app", "instruments_app", "positions_app"]

data_app = typer.Typer(help="The bundled REAIM dataset (instruments, events, groups, positions).")
positions_app = typer.Typer(help="Per-state positions on instruments (votes, endorsements, sponsorships).")
instruments_app = typer.Typer(help="Instruments: outcome documents, declarations, drafts and resolutions.")
actors_app = typer.Typer(help="States and other actors: positions, groups, library mentions.")
app.add_typer(data_app, name="data")
app.add_typer(positions_app, name="positions")
app.add_typer(instruments_app, name="instruments")
app.add_typer(actors_app, name="actors")


def _problems(report: Any) -> None:
    for problem in report.problems:
        err.print(escape(f"  {report.filename}: {problem}"))


# --- data load -----------------------------------------------------------------------------------


@data_app.command("load")
def data_load(
    as_json: Annotated[
        bool, typer.Option("--json", help="Print one JSON object with a `files` list.")
    ] = False,
) -> None:
    """Load the bundled REAIM dataset (idempotent: a second run changes nothing)."""
    from reaimhub.services.coalition_imports import dataset_files, load_reaim_dataset
    from reaimhub.services.coalition_upsert import FileReport

    hub = _hub()
    total = len(dataset_files())
    columns = (
        TextColumn("[bold]Loading"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("files · {task.fields[name]}"),
        TimeElapsedColumn(),
    )
    try:
        with Progress(*columns, console=err, transient=True, disable=as_json or not err.is_terminal) as bar:
            task = bar.add_task("load", total=total, name="")

            def on_file(result: FileReport) -> None:
                bar.update(task, advance=1, name=result.filename)
                if not as_json and not err.is_terminal:
                    err.print(escape(f"{result.status}: {result.filename} ({result.rows} rows)"))
                if result.refused and not as_json:
                    _problems(result)

            report = load_reaim_dataset(hub, on_file=on_file)
    finally:
        hub.close()
    if as_json:
        _print_json(report.as_json())
    else:
        table = Table(
            title=(
                f"REAIM dataset: {len(report.files)} files in {report.seconds:.1f} s; "
                f"{report.total('added')} added, {report.total('updated')} updated, "
                f"{report.total('unchanged')} unchanged, {sum(f.refused for f in report.files)} refused"
            ),
            title_justify="left",
        )
        for name in ("file", "kind", "status", "rows", "added", "updated", "unchanged"):
            table.add_column(
                name, justify="right" if name in ("rows", "added", "updated", "unchanged") else "left"
            )
        for f in report.files:
            table.add_row(
                escape(f.filename),
                f.kind,
                f.status,
                str(f.rows),
                str(f.added),
                str(f.updated),
                str(f.unchanged),
            )
        out.print(table)
    raise typer.Exit(code=0 if report.ok else 1)


# --- positions import ------------------------------------------------------------------------------


@positions_app.command("import")
def positions_import(
    file: Annotated[
        Path, typer.Argument(help="A CSV file: our position format or the UN Digital Library one.")
    ],
    fmt: Annotated[
        str | None,
        typer.Option("--format", help="ours or undl (default: detected from the header)."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the import report as JSON.")] = False,
) -> None:
    """Import one position file. Refused as a whole (nothing stored) on any bad row or tally mismatch.

    The unvotes roll-call CSVs (roll calls, or votes, plain or gzip) are recognised by their header and
    imported into the roll-call history, as `reaimhub rollcalls import` does."""
    from reaimhub.coalition.positions import FORMATS
    from reaimhub.services.position_imports import import_position_file

    if fmt is not None and fmt not in FORMATS:
        raise typer.BadParameter(f"expected one of {', '.join(FORMATS)}", param_hint="--format")
    if not file.is_file():
        raise typer.BadParameter(f"no such file: {file}", param_hint="FILE")
    unvotes = _unvotes_kind(file) if fmt is None else None
    if unvotes is not None:
        from reaimhub.cli.rollcalls import import_one_file

        import_one_file(file, unvotes, as_json=as_json)
        return
    hub = _hub()
    try:
        report = import_position_file(hub, file, fmt=fmt)
    finally:
        hub.close()
    if as_json:
        _print_json(report.as_json())
    elif report.refused:
        err.print(
            escape(
                f"refused: {report.filename} ({report.format}): "
                f"{len(report.problems)} problem(s); nothing stored"
            )
        )
        _problems(report)
    elif report.status == "unchanged":
        out.print(escape(f"unchanged: {report.filename} has the same content as import {report.import_id}"))
    else:
        out.print(
            escape(
                f"imported: {report.filename} ({report.format}): {report.rows} rows, {report.added} added, "
                f"{report.updated} updated, {report.unchanged} unchanged; "
                f"instruments: {', '.join(report.instruments)}"
            )
        )
    raise typer.Exit(code=1 if report.refused else 0)


def _unvotes_kind(path: Path) -> str | None:
    """ "roll_calls" or "votes" when the file has an unvotes header, else None."""
    import gzip

    try:
        with path.open("rb") as raw:
            gzipped = raw.read(2) == b"\x1f\x8b"
        opener = gzip.open if gzipped else open
        with opener(path, "rt", encoding="utf-8-sig") as handle:
            header = handle.readline(4096).strip().replace('"', "")  # bounded: a gzip can inflate a lot
    except (OSError, UnicodeDecodeError, EOFError):
        return None
    if header.startswith("rcid,session,"):
        return "roll_calls"
    if header.startswith("rcid,country,country_code,vote"):
        return "votes"
    return None


T = TypeVar("T")


def _read_or_exit(read: Callable[[Store, Principal, str], T], key: str, kind: Kind) -> T:
    """One read as the anonymous viewer; not found (or not visible) ends the command with exit 1,
    saying which id is unknown and its close matches."""
    from reaimhub.access import NotFound
    from reaimhub.cli.suggest import print_unknown

    hub = _hub()
    try:
        return read(hub.store, ANONYMOUS, key)
    except NotFound as exc:
        print_unknown(hub, ANONYMOUS, kind, [key], exc)
        raise typer.Exit(code=1) from exc
    finally:
        hub.close()


# --- instruments -----------------------------------------------------------------------------------


def _counts_text(counts: dict[str, int]) -> str:
    return ", ".join(f"{value} {n}" for value, n in counts.items()) or "no positions in the data"


@instruments_app.command("list")
def instruments_list(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON with an `instruments` list.")] = False,
) -> None:
    """Every instrument with its official tally, named-list completeness and counts, each as of a date."""
    from reaimhub.cli.freshness import print_freshness
    from reaimhub.services.coalition import list_instruments
    from reaimhub.services.freshness import coalition_freshness

    hub = _hub()
    try:
        summaries = list_instruments(hub.store, ANONYMOUS)
        fresh = coalition_freshness(hub, ANONYMOUS)
    finally:
        hub.close()
    if as_json:
        _print_json({"instruments": [s.as_json() for s in summaries], "freshness": fresh.as_json()})
        return
    print_freshness(fresh)
    table = Table(title=f"{len(summaries)} instruments ({NOT_LISTED})", title_justify="left")
    table.add_column("id", no_wrap=True)
    table.add_column("title", max_width=48)
    table.add_column("stage", max_width=16)
    for name in ("date", "official tally", "named list", "in the data", "as of"):
        table.add_column(name, no_wrap=name in ("date", "as of"))
    for s in summaries:
        i = s.instrument
        table.add_row(
            escape(i.id),
            escape(i.title),
            escape(i.stage or ""),
            i.date or "",
            str(i.tally) if i.tally.declared else "",
            i.named_list.label,
            _counts_text(s.counts),
            s.as_of or "not stated",
        )
    out.print(table)


@instruments_app.command("show")
def instruments_show(
    instrument_id: Annotated[str, typer.Argument(metavar="ID", help="Instrument id, e.g. A/RES/78/241.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the instrument as JSON.")] = False,
    positions: Annotated[
        bool, typer.Option("--positions", help="List every position with its source.")
    ] = False,
) -> None:
    """One instrument: counts per position value, official tally, as-of date, list completeness, sources."""
    from reaimhub.services.coalition import get_instrument

    view = _read_or_exit(get_instrument, instrument_id, "instrument")
    if as_json:
        _print_json(view.as_json())
        return
    i = view.instrument
    facts = " · ".join(x for x in (i.process, i.kind, i.stage, i.place, i.date) if x)
    out.print(escape(f"{i.id}: {i.title}"), style="bold")
    out.print(escape(facts))
    if i.tally.declared:
        out.print(f"Official tally: {i.tally}, as of {i.date or 'date not stated'}")
    if i.declared_supporters is not None:
        out.print(
            f"Declared supporters: {i.declared_supporters}, as of {i.supporters_as_of or 'date not stated'}"
        )
    named = i.named_list
    caveat = "" if named.complete else "; states not named are not listed, which is not opposition"
    out.print(escape(f"Named list: {named.label} ({named.text}){caveat}"))
    out.print(escape(f"In the data, as of {view.as_of or 'date not stated'}: {_counts_text(view.counts)}"))
    out.print(f"Not listed: {view.not_listed_members} UN member states ({NOT_LISTED})")
    if i.becomes:
        out.print(escape(f"Becomes: {i.becomes}"))
    if view.drafts:
        out.print(escape(f"Draft(s): {', '.join(view.drafts)}"))
    out.print("Sources:")
    out.print(escape(f"  instrument: {i.sources}"))
    for source in view.sources:
        rows = int(source["rows"])
        noun = "position" if rows == 1 else "positions"
        out.print(escape(f"  {rows} {noun} ({source['confidence']}): {source['citation']}"))
    by_value: dict[str, list[str]] = {}
    for p in view.positions:
        by_value.setdefault(p["label"], []).append(f"{p['name']} ({p['iso3']})")
    for label, names in by_value.items():
        if positions or len(names) <= 30:
            out.print(escape(f"{label} ({len(names)}): {', '.join(names)}"))
    if positions:
        table = Table(title="Positions", title_justify="left")
        for name in ("state", "value", "as of", "confidence", "source"):
            table.add_column(name)
        for p in view.positions:
            table.add_row(
                escape(f"{p['name']} ({p['iso3']})"),
                p["label"],
                p["as_of"],
                p["confidence"],
                escape(p["source"]),
            )
        out.print(table)


# --- actors ----------------------------------------------------------------------------------------


@actors_app.command("show")
def actors_show(
    actor: Annotated[str, typer.Argument(metavar="ISO3", help="ISO3 code (or ISO2 or a name).")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the actor as JSON.")] = False,
) -> None:
    """One state: every position across instruments with source and date, groups, library mentions."""
    from reaimhub.services.coalition_actors import get_actor

    view = _read_or_exit(get_actor, actor, "state")
    if as_json:
        _print_json(view.as_json())
        return
    a = view.actor
    where = " / ".join(x for x in (a["region"], a["subregion"]) if x)
    out.print(escape(f"{a['name_en']} ({a['iso3']})"), style="bold")
    out.print(escape(" · ".join(x for x in (f"UN {a['un_status']}", a["un_group"], where) if x)))
    out.print(f"Positions ({len(view.positions)}), the latest as of {view.as_of or 'not stated'}:")
    for p in view.positions:
        out.print(
            escape(
                f"  {p['as_of']}  {p['instrument_id']}: {p['label']} ({p['role']}, {p['confidence']})\n"
                f"      source: {p['source']}"
            )
        )
    out.print(f"Not listed on ({NOT_LISTED}):")
    for n in view.not_listed:
        out.print(
            escape(
                f"  {n['instrument_id']}: named list {n['named_list']}, as of {n['as_of'] or 'not stated'}"
            )
        )
    out.print("Groups:")
    for g in view.groups:
        out.print(escape(f"  {g['name']} ({g['kind']})"))
    m = view.mentions
    out.print(
        f"Library: mentioned in {m['documents']} documents ({m['mentions']} mentions), "
        f"as of {view.generated_at}"
    )
