"""Alerts by e-mail (`reaimhub alerts send`, meant for cron): one message per account with something new,
sent through the SMTP server of the settings (REAIMHUB_SMTP_*), then marked as told.

Each account's alerts are read as that account at send time (`services.alerts`), so a document or
position it may no longer see is not sent. An account is marked only once its message was accepted by
the server: a refused recipient keeps its alerts for the next run. One audit entry per run says how many
accounts were looked at, how many messages went out and how many items they held.
"""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from reaimhub.i18n import _, in_locale
from reaimhub.model import SYSTEM
from reaimhub.services import audit
from reaimhub.services.alerts import Alerts, mark_seen, pending_alerts, recipients
from reaimhub.services.hub import Hub
from reaimhub.services.preferences import account_language
from reaimhub.settings import Settings

__all__ = ["MailError", "SendReport", "compose", "send_alerts"]


class MailError(Exception):
    """The alerts cannot be sent (no SMTP server configured, or it does not answer); nothing is marked."""


@dataclass
class SendReport:
    accounts: int = 0  # accounts with a saved search or a follow
    with_news: int = 0  # of those, with something new
    sent: int = 0  # messages the server accepted
    items: int = 0  # new documents and positions in those messages
    failed: list[str] = field(default_factory=list)  # addresses the server refused
    dry_run: bool = False

    def as_json(self) -> dict[str, object]:
        return asdict(self)


def compose(alerts: Alerts, settings: Settings) -> EmailMessage:
    """The plain-text message telling an account what is new, with a link to each item (in the current
    language: `send_alerts` makes it in the account's)."""
    base = settings.base_url.rstrip("/")
    counts = alerts.counts()
    message = EmailMessage()
    message["Subject"] = _(
        "REAIM Hub: %(total)s new (%(documents)s document(s), %(positions)s position(s))",
        total=alerts.total,
        documents=counts["documents"],
        positions=counts["positions"],
    )
    message["From"] = settings.smtp_from
    message["To"] = alerts.email
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain=settings.smtp_from.rpartition("@")[2] or None)
    lines = [
        _(
            "What is new in REAIM Hub for %(email)s (as of %(when)s):",
            email=alerts.email,
            when=alerts.checked_at,
        ),
        "",
    ]
    for group in alerts.groups:
        if not group.entries:
            continue
        watched = {"search": _("Saved search"), "instrument": _("Instrument"), "state": _("State")}[
            group.kind
        ]
        lines += [f"{watched}: {group.name}", f"  {base}{group.link}", ""]
        for entry in group.entries:
            lines += [f"- {entry.title}", f"  {entry.summary}", f"  {base}{entry.link}", ""]
    lines += [
        _("You receive this because you saved a search or follow an instrument or state."),
        _("Change what you follow on your account page: %(address)s", address=base + "/account"),
    ]
    message.set_content("\n".join(lines))
    return message


def _connect(settings: Settings) -> smtplib.SMTP:
    host, port = settings.smtp_host, settings.smtp_port
    try:
        if settings.smtp_security == "ssl":
            smtp: smtplib.SMTP = smtplib.SMTP_SSL(
                host, port, timeout=30, context=ssl.create_default_context()
            )
        else:
            smtp = smtplib.SMTP(host, port, timeout=30)
            if settings.smtp_security == "starttls":
                smtp.starttls(context=ssl.create_default_context())
        if settings.smtp_username:
            smtp.login(settings.smtp_username, settings.smtp_password)
    except (OSError, smtplib.SMTPException) as exc:
        raise MailError(f"the SMTP server {host}:{port} cannot be used: {exc}") from exc
    return smtp


def send_alerts(
    hub: Hub, *, dry_run: bool = False, progress: Callable[[str], None] | None = None
) -> SendReport:
    """Send every account its new alerts (dry run: count them, send and mark nothing)."""
    settings = hub.settings
    if not dry_run and not settings.smtp_host:
        raise MailError("no SMTP server is configured: set REAIMHUB_SMTP_HOST (see docs/configuration.md)")
    report = SendReport(dry_run=dry_run)
    smtp: smtplib.SMTP | None = None
    try:
        for user_id, email in recipients(hub.store):
            report.accounts += 1
            with in_locale(account_language(hub.store, user_id)):  # the account's language, else English
                alerts = pending_alerts(hub.store, user_id, hub.embedder)
                message = compose(alerts, settings)
            if not alerts.total:
                continue
            report.with_news += 1
            if dry_run:
                report.items += alerts.total
                if progress:
                    progress(f"{email}: {alerts.total} new (not sent: dry run)")
                continue
            if smtp is None:
                smtp = _connect(settings)
            try:
                smtp.send_message(message)
            except smtplib.SMTPRecipientsRefused:
                report.failed.append(email)
                if progress:
                    progress(f"{email}: refused by the server, kept for the next run")
                continue
            except (OSError, smtplib.SMTPException) as exc:
                raise MailError(f"sending to {email} failed: {exc}") from exc
            mark_seen(hub.store, alerts)
            report.sent += 1
            report.items += alerts.total
            if progress:
                progress(f"{email}: {alerts.total} new, sent")
    finally:
        if smtp is not None:
            try:
                smtp.quit()
            except (OSError, smtplib.SMTPException):
                smtp.close()
        if not dry_run:
            with hub.store.write() as conn:
                audit.record(conn, SYSTEM, "alerts.send", "alerts", after=report.as_json())
    return report
