"""`reaimhub alerts`: send what is new for saved searches and followed instruments and states by e-mail
(`send`, meant for cron), or count it without sending (`send --dry-run`)."""

from __future__ import annotations

from typing import Annotated

import typer

from reaimhub.cli.main import _fail, _hub, _print_json, app, err, out

alerts_app = typer.Typer(help="Alerts: new documents for saved searches, new or changed positions followed.")
app.add_typer(alerts_app, name="alerts")


@alerts_app.command("send")
def send(
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Count what is new per account; send and mark nothing.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON summary.")] = False,
) -> None:
    """E-mail every account what is new since it was last told, through REAIMHUB_SMTP_HOST; each account
    is read as itself at send time. Run it from cron, e.g. every hour."""
    from reaimhub.services.alert_mail import MailError, send_alerts

    hub = _hub()
    try:
        report = send_alerts(hub, dry_run=dry_run, progress=None if as_json else err.print)
    except MailError as exc:
        _fail(str(exc))
    finally:
        hub.close()
    if as_json:
        _print_json(report.as_json())
        return
    verb = "would be sent" if dry_run else "sent"
    out.print(
        f"{report.accounts} account(s) with saved searches or follows, "
        f"{report.with_news} with something new; "
        f"{report.sent if not dry_run else report.with_news} message(s) {verb} holding {report.items} item(s)"
        + (f"; refused by the server: {', '.join(report.failed)}" if report.failed else "")
    )
    if report.failed:
        raise typer.Exit(code=1)
