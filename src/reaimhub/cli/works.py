"""`reaimhub works`: the files that are one work (renditions and versions), grouped again on demand."""

from __future__ import annotations

from typing import Annotated

import typer

from reaimhub.cli.main import _hub, _print_json, app, err, out

works_app = typer.Typer(help="Works: a document in several files (formats, languages, versions) is one work.")
app.add_typer(works_app, name="works")


@works_app.command("rebuild")
def rebuild(as_json: Annotated[bool, typer.Option("--json", help="Print one JSON summary.")] = False) -> None:
    """Group every stored file into works again: same UN symbol, same own Kamerstuk reference, or
    near-identical text. Ingest groups each new file; this is for rules that changed."""
    from reaimhub.services.works import rebuild_works

    hub = _hub()
    try:
        if not as_json:
            err.print("Grouping the library's files into works...")
        report = rebuild_works(hub.store)
    finally:
        hub.close()
    if as_json:
        _print_json(report.as_json())
        return
    reasons = ", ".join(f"{reason.replace('_', ' ')} {n}" for reason, n in report.by_reason.items())
    out.print(f"{report.works} works in {report.files} files ({reasons}), {report.seconds:.1f} s")
