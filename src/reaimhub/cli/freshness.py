"""`reaimhub freshness`: how current the coalition data and the UN roll calls are (the rule of
services/freshness.py, as portal and API show it), and the lines other commands print about it.

Registered on the main app by importing this module (cli/main.py does, at its end).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape

from reaimhub.cli.main import _hub, _print_json, app, out
from reaimhub.model import ANONYMOUS

if TYPE_CHECKING:
    from reaimhub.services.freshness import Freshness

__all__ = ["freshness_command", "print_freshness"]


def print_freshness(f: Freshness) -> None:
    """The dataset's period and as-of in one line; its warning on the next when it is stale."""
    out.print(escape(f.summary))
    if f.warning:
        out.print(f"[bold]warning:[/] {escape(f.warning)}")


@app.command("freshness")
def freshness_command(
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON entry per dataset.")] = False,
) -> None:
    """How current the data are: period, latest date, last import; a warning past
    REAIMHUB_STALE_AFTER_DAYS. Exit 0 either way (a warning is not an error)."""
    from reaimhub.services.freshness import coalition_freshness, rollcall_freshness

    hub = _hub()
    try:
        found = [coalition_freshness(hub, ANONYMOUS), rollcall_freshness(hub, ANONYMOUS)]
    finally:
        hub.close()
    if as_json:
        _print_json([f.as_json() for f in found])
        return
    for f in found:
        print_freshness(f)
