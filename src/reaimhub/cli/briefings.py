"""Briefing commands: `briefing create` (draft from the data, store, write a file) and `briefing list`.

Registered on the main app when `reaimhub.cli.main` imports this module. The CLI acts as the local
administrator (recorded as such in the audit trail); the briefing's content is read as its audience
(`--audience`), never as the administrator.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from rich.markup import escape

from reaimhub.cli.main import _fail, _hub, _print_json, app, out
from reaimhub.model import SYSTEM

__all__ = ["create_command", "list_command"]

briefing_app = typer.Typer(help="Briefings drafted from the data: the Kamerbrief, the beslisnota, a note.")
app.add_typer(briefing_app, name="briefing")

FORMATS = ("html", "md", "docx", "pdf")


def _format(fmt: str) -> str:
    from reaimhub.services.briefing_output import FORMATS

    if fmt not in FORMATS:
        _fail(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
    return fmt


def _write(hub: Any, briefing: Any, fmt: str, out_file: Path, *, public: bool = False) -> None:
    """The file, through the one output service (services.briefing_output), while the hub is open."""
    from reaimhub.services.briefing_output import render_bytes

    out_file.parent.mkdir(parents=True, exist_ok=True)
    out_file.write_bytes(render_bytes(hub, briefing, fmt, public=public))


def _unknown(hub: Any, wanted: list[str], exc: Exception) -> NoReturn:
    """Which briefing id names nothing, with its close matches; exit 2 as `_fail` does."""
    from reaimhub.cli.suggest import print_unknown

    print_unknown(hub, SYSTEM, "briefing", wanted, exc)
    raise typer.Exit(code=2) from exc


@briefing_app.command("create")
def create_command(
    template: Annotated[str, typer.Option("--template", help="kamerbrief | beslisnota | note")],
    out_file: Annotated[Path, typer.Option("--out", help="The file to write.")],
    lang: Annotated[str, typer.Option("--lang", help="nl | en")] = "nl",
    date_from: Annotated[
        str, typer.Option("--from", help="First day of the period (YYYY-MM-DD).")
    ] = "2023-01-01",
    date_to: Annotated[str, typer.Option("--to", help="Last day of the period (YYYY-MM-DD).")] = "2026-12-31",
    audience: Annotated[
        str, typer.Option("--audience", help="public | registered | a group or organisation (id or name)")
    ] = "public",
    previous: Annotated[str | None, typer.Option("--previous", help="The briefing to compare with.")] = None,
    fmt: Annotated[str, typer.Option("--format", help="html | md | docx | pdf")] = "html",
    as_json: Annotated[
        bool, typer.Option("--json", help="Print id, path, figures and footnotes as JSON.")
    ] = False,
) -> None:
    """Draft a briefing from the data its audience may see, store it, and write it to --out."""
    import datetime as dt

    from reaimhub.access import NotFound
    from reaimhub.briefings.model import BriefingSpec
    from reaimhub.services.briefings import BriefingError, create_briefing

    for name, value in (("--from", date_from), ("--to", date_to)):
        try:
            dt.date.fromisoformat(value)
        except ValueError:
            _fail(f"{name} {value!r} is not a date (YYYY-MM-DD)")
    fmt = _format(fmt.lower())
    spec = BriefingSpec(template, lang, date_from, date_to, audience=audience, previous=previous)  # type: ignore[arg-type]
    hub = _hub()
    try:
        briefing, stored = create_briefing(hub, SYSTEM, spec)
        _write(hub, briefing, fmt, out_file)
    except BriefingError as exc:
        _fail(str(exc))
    except NotFound as exc:
        _fail(f"not found: {exc}")
    finally:
        hub.close()
    notes = {n.number: n for n in briefing.footnotes}
    if as_json:
        _print_json(
            {
                "id": briefing.id,
                "path": str(out_file),
                "template": spec.template,
                "language": spec.language,
                "audience": stored.audience,
                "status": stored.status,
                "figures": [
                    {
                        "key": f.key,
                        "text": f.text,
                        "value": f.value,
                        "source": notes[f.footnote].source,
                        "url": notes[f.footnote].url,
                        "as_of": notes[f.footnote].as_of,
                        "secondary": notes[f.footnote].secondary,
                    }
                    for f in briefing.figures
                ],
                "footnotes": len(briefing.footnotes),
            }
        )
        return
    out.print(
        escape(
            f"briefing {briefing.id} ({spec.template}, {spec.language}, audience {stored.audience}): "
            f"{len(briefing.figures)} figures, {len(briefing.footnotes)} footnotes -> {out_file}"
        )
    )


@briefing_app.command("list")
def list_command(
    as_json: Annotated[bool, typer.Option("--json", help="Print the list as JSON.")] = False,
) -> None:
    """The stored briefings, newest first."""
    from reaimhub.services.briefings import list_briefings

    hub = _hub()
    try:
        rows = [b.summary().as_json() for b in list_briefings(hub, SYSTEM)]
    finally:
        hub.close()
    if as_json:
        _print_json(rows)
        return
    if not rows:
        out.print("no briefings yet")
    for r in rows:
        out.print(
            escape(
                f"{r['id']}  {r['created_at']}  {r['template']} {r['language']}  {r['audience']}  "
                f"{r['date_from']}..{r['date_to']}  {r['status']}  {r['figures']} figures"
                + (f"  (previous {r['previous_id']})" if r["previous_id"] else "")
            )
        )


# --- diff, show and status (the workflow) --------------------------------------------------------


@briefing_app.command("diff")
def diff_command(
    old_id: Annotated[str, typer.Argument(help="The earlier briefing.")],
    new_id: Annotated[str, typer.Argument(help="The later briefing.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the diff as JSON.")] = False,
) -> None:
    """What changed from briefing A to briefing B: every figure (by key) and section."""
    from reaimhub.access import NotFound
    from reaimhub.services.briefing_workflow import diff_briefings

    hub = _hub()
    try:
        changes = diff_briefings(hub, SYSTEM, old_id, new_id)
    except NotFound as exc:
        _unknown(hub, [old_id, new_id], exc)
    finally:
        hub.close()
    if as_json:
        _print_json(changes.as_json())
        return
    out.print(escape(changes.as_markdown()), end="")


@briefing_app.command("show")
def show_command(
    briefing_id: Annotated[str, typer.Argument(help="The briefing.")],
    out_file: Annotated[Path, typer.Option("--out", help="The file to write.")],
    fmt: Annotated[str, typer.Option("--format", help="html | md | docx | pdf")] = "html",
    public: Annotated[
        bool,
        typer.Option("--public", help="The public twin (Woo): what rests on non-public material redacted."),
    ] = False,
) -> None:
    """Write a stored briefing as it was drafted (a final one is frozen: the same document every time),
    or its public twin."""
    from reaimhub.access import NotFound
    from reaimhub.services.briefing_workflow import load_briefing
    from reaimhub.services.briefings import BriefingError, get_briefing, public_twin

    fmt = _format(fmt.lower())
    hub = _hub()
    try:
        stored = get_briefing(hub, SYSTEM, briefing_id)
        briefing = public_twin(hub, SYSTEM, briefing_id) if public else load_briefing(stored)
        _write(hub, briefing, fmt, out_file, public=public)
    except NotFound as exc:
        _unknown(hub, [briefing_id], exc)
    except BriefingError as exc:
        _fail(str(exc))
    finally:
        hub.close()
    kind = "public twin of briefing" if public else "briefing"
    out.print(escape(f"{kind} {stored.id} ({stored.status}) -> {out_file}"))


@briefing_app.command("status")
def status_command(
    briefing_id: Annotated[str, typer.Argument(help="The briefing.")],
    status: Annotated[str, typer.Argument(help="draft | reviewed | final")],
    note: Annotated[str, typer.Option("--note", help="Why (kept in the audit trail).")] = "",
    as_json: Annotated[bool, typer.Option("--json", help="Print the briefing's summary as JSON.")] = False,
) -> None:
    """Move a briefing through the workflow: draft → reviewed → final (reviewed back to draft); a final
    briefing is frozen."""
    from reaimhub.access import NotFound
    from reaimhub.services.briefing_workflow import set_status
    from reaimhub.services.briefings import BriefingError

    hub = _hub()
    try:
        stored = set_status(hub, SYSTEM, briefing_id, status.lower(), note)
    except BriefingError as exc:
        _fail(str(exc))
    except NotFound as exc:
        _unknown(hub, [briefing_id], exc)
    finally:
        hub.close()
    if as_json:
        _print_json(stored.summary().as_json())
        return
    out.print(escape(f"briefing {stored.id} is {stored.status}"))
