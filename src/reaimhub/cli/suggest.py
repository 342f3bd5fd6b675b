"""The command line's answer to an id that names nothing: which one, and the close matches
(services/suggest.py): "Unknown instrument 'reaim-blueprnt'. Did you mean: reaim-2024-blueprint-for-action?"
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich.markup import escape

from reaimhub.cli.main import err

if TYPE_CHECKING:
    from reaimhub.model import Principal
    from reaimhub.services.hub import Hub
    from reaimhub.services.suggest import Kind

__all__ = ["print_unknown"]


def print_unknown(
    hub: Hub, principal: Principal, kind: Kind, wanted: Sequence[str], exc: Exception | None = None
) -> None:
    """Print one line per id of `wanted` that names nothing, with its close matches; when every id
    names something (the error was about something else), the error's own words."""
    from reaimhub.services.suggest import suggestions, unknown_message, unknown_of

    missing = unknown_of(hub, principal, kind, wanted) if len(wanted) > 1 else list(wanted)
    if not missing:
        err.print(escape(f"not found: {exc}"))
        return
    for key in missing:
        err.print(escape(unknown_message(kind, key, suggestions(hub, principal, kind, key))))
