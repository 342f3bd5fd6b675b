"""Account commands: `orgs`, `groups`, `users`, `tokens` and `audit`.

Registered on the main app when `reaimhub.cli.main` imports this module. The command line acts as the
local administrator (`reaimhub.model.SYSTEM`, audited as such); every rule lives in the services
(`identity`, `auth`, `audit`). Each command prints one JSON object with --json; a request the services
refuse prints one line on stderr and exits with 2.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from reaimhub.cli.main import _fail as fail
from reaimhub.cli.main import _hub, _print_json, app, err, out
from reaimhub.cli.main import _refusals as refusals
from reaimhub.model import ROLES, SYSTEM
from reaimhub.services import audit, auth, identity
from reaimhub.spreadsheets import csv_bytes

__all__ = ["audit_app", "groups_app", "orgs_app", "tokens_app", "users_app"]

orgs_app = typer.Typer(help="Organisations: states, international organisations, academia, industry, ...")
groups_app = typer.Typer(help="Groups: named sets of organisations (such as the troika).")
users_app = typer.Typer(help="Accounts: invite, list, disable.")
tokens_app = typer.Typer(help="API tokens (Authorization: Bearer TOKEN): create, list, revoke.")
audit_app = typer.Typer(help="The hash-chained audit trail: verify, export.")
app.add_typer(orgs_app, name="orgs")
app.add_typer(groups_app, name="groups")
app.add_typer(users_app, name="users")
app.add_typer(tokens_app, name="tokens")
app.add_typer(audit_app, name="audit")

AsJson = Annotated[bool, typer.Option("--json", help="Print one JSON object.")]
EXPORT_COLUMNS = ("seq", "at", "actor", "action", "target", "before", "after", "client", "hash")


def _split(values: list[str] | None) -> list[str]:
    """Repeatable options that also take comma-separated values."""
    return [part.strip() for value in values or () for part in value.split(",") if part.strip()]


def _shape(item: Any) -> dict[str, Any]:
    """The service's own dataclass, as JSON (tuples become lists)."""
    return dataclasses.asdict(item)


# --- organisations ---------------------------------------------------------------------------------


@orgs_app.command("add")
def orgs_add(
    name: Annotated[str, typer.Argument(help="The organisation's name (its id is made from it).")],
    kind: Annotated[
        str, typer.Option("--type", help="Stakeholder type: " + ", ".join(identity.ORG_KINDS) + ".")
    ],
    state: Annotated[
        str | None, typer.Option("--state", help="ISO3 of the state (only for --type state).")
    ] = None,
    as_json: AsJson = False,
) -> None:
    """Add an organisation; a `state` organisation is linked to its state."""
    hub = _hub()
    try:
        with refusals():
            org = identity.add_org(hub.store, SYSTEM, name, kind.strip().lower(), state)
    finally:
        hub.close()
    if as_json:
        _print_json(_shape(org))
        return
    linked = f", state {org.iso3}" if org.iso3 else ""
    out.print(f"added organisation {escape(org.name)} (id {org.id}, {org.kind}{linked})")


@orgs_app.command("list")
def orgs_list(as_json: AsJson = False) -> None:
    """Every organisation."""
    hub = _hub()
    try:
        with hub.store.read() as conn:
            orgs = identity.list_orgs(conn)
    finally:
        hub.close()
    if as_json:
        _print_json({"orgs": [_shape(o) for o in orgs]})
        return
    table = Table(title=f"{len(orgs)} organisations", title_justify="left")
    for column in ("id", "name", "type", "state", "created"):
        table.add_column(column, overflow="fold")
    for o in orgs:
        table.add_row(o.id, escape(o.name), o.kind, o.iso3 or "", o.created_at)
    out.print(table)


# --- groups ----------------------------------------------------------------------------------------


@groups_app.command("add")
def groups_add(
    name: Annotated[str, typer.Argument(help="The group's name, such as troika.")],
    orgs: Annotated[
        list[str],
        typer.Option("--orgs", help="Member organisations (names or ids), comma-separated or repeated."),
    ],
    as_json: AsJson = False,
) -> None:
    """Add a group of organisations."""
    hub = _hub()
    try:
        with refusals():
            group = identity.add_group(hub.store, SYSTEM, name, _split(orgs))
    finally:
        hub.close()
    if as_json:
        _print_json(_shape(group))
        return
    out.print(f"added group {escape(group.name)} (id {group.id}): {', '.join(group.orgs)}")


@groups_app.command("list")
def groups_list(as_json: AsJson = False) -> None:
    """Every group with its organisations."""
    hub = _hub()
    try:
        with hub.store.read() as conn:
            groups = identity.list_groups(conn)
    finally:
        hub.close()
    if as_json:
        _print_json({"groups": [_shape(g) for g in groups]})
        return
    table = Table(title=f"{len(groups)} groups", title_justify="left")
    for column in ("id", "name", "organisations", "created"):
        table.add_column(column, overflow="fold")
    for g in groups:
        table.add_row(g.id, escape(g.name), ", ".join(g.orgs), g.created_at)
    out.print(table)


# --- accounts --------------------------------------------------------------------------------------


@users_app.command("add")
def users_add(
    email: Annotated[str, typer.Argument(help="The account's email address.")],
    org: Annotated[
        str | None, typer.Option("--org", help="Its organisation (name or id); optional for --site-admin.")
    ] = None,
    role: Annotated[
        str | None, typer.Option("--role", help="Its role there: " + ", ".join(ROLES) + ".")
    ] = None,
    site_admin: Annotated[
        bool, typer.Option("--site-admin", help="A site administrator (sees and may do everything).")
    ] = False,
    as_json: AsJson = False,
) -> None:
    """Add an account and print its one-time invitation link (the account sets its password there)."""
    if org is not None and role is None:
        fail(f"give the account's role in {org}: --role {'|'.join(ROLES)}")
    if org is None and role is not None:
        fail("a role is held in an organisation: give --org ORG with --role")
    hub = _hub()
    try:
        with refusals():
            user, token = identity.add_user(
                hub.store, SYSTEM, email, org, (role or ROLES[0]).strip().lower(), site_admin=site_admin
            )
        link = f"{hub.settings.base_url}/invite/{token}"
    finally:
        hub.close()
    if as_json:
        _print_json({"user": _shape(user), "invitation": link, "invitation_days": identity.INVITATION_DAYS})
        return
    roles = ", ".join(f"{r} in {o}" for o, r in user.roles) + (" · site administrator" * user.site_admin)
    out.print(f"added {escape(user.email)} ({escape(roles.strip(' ·'))})")
    out.print(f"one-time invitation link, valid {identity.INVITATION_DAYS} days (shown only now):")
    out.print(link)


def _status(user: identity.User) -> str:
    if user.disabled:
        return "disabled"
    return "active" if user.active else "invited"


@users_app.command("list")
def users_list(as_json: AsJson = False) -> None:
    """Every account with its organisations, roles and status."""
    hub = _hub()
    try:
        with hub.store.read() as conn:
            users = identity.list_users(conn)
    finally:
        hub.close()
    if as_json:
        _print_json({"users": [_shape(u) for u in users]})
        return
    table = Table(title=f"{len(users)} accounts", title_justify="left")
    for column in ("email", "roles", "site admin", "status", "created"):
        table.add_column(column, overflow="fold")
    for u in users:
        table.add_row(
            escape(u.email),
            ", ".join(f"{r} in {o}" for o, r in u.roles),
            "yes" if u.site_admin else "",
            _status(u),
            u.created_at,
        )
    out.print(table)


@users_app.command("role")
def users_role(
    email: Annotated[str, typer.Argument(help="The account's email address.")],
    org: Annotated[str, typer.Option("--org", help="The organisation (id or name).")],
    role: Annotated[
        str, typer.Option("--role", help="viewer, contributor, editor, moderator, admin, or none to remove.")
    ],
    as_json: AsJson = False,
) -> None:
    """Give an account a role in an organisation, change it, or end the membership (--role none)."""
    hub = _hub()
    try:
        with refusals():
            user = identity.set_role(hub.store, SYSTEM, email, org, None if role == "none" else role)
    finally:
        hub.close()
    if as_json:
        _print_json(_shape(user))
        return
    roles = ", ".join(f"{o}: {r}" for o, r in user.roles) or "no organisation"
    out.print(f"{escape(user.email)}: {escape(roles)}")


@users_app.command("disable")
def users_disable(
    email: Annotated[str, typer.Argument(help="The account's email address.")], as_json: AsJson = False
) -> None:
    """Disable an account: it can no longer sign in, and its sessions and tokens end now."""
    hub = _hub()
    try:
        with refusals():
            user = identity.disable_user(hub.store, SYSTEM, email)
    finally:
        hub.close()
    if as_json:
        _print_json(_shape(user))
        return
    out.print(f"disabled {escape(user.email)}: its sessions and API tokens have ended")


# --- API tokens ------------------------------------------------------------------------------------


@tokens_app.command("create")
def tokens_create(
    email: Annotated[str, typer.Argument(help="The account the token acts as.")],
    scope: Annotated[
        list[str],
        typer.Option("--scope", help="Scopes: " + ", ".join(auth.SCOPES) + " (comma-separated or repeated)."),
    ],
    expires_days: Annotated[int, typer.Option("--expires-days", help="Days until it expires (1-366).")] = 90,
    name: Annotated[str, typer.Option("--name", help="What the token is for.")] = "",
    as_json: AsJson = False,
) -> None:
    """Create an API token and print it once (only its digest is kept)."""
    hub = _hub()
    try:
        with refusals():
            secret, token = auth.create_token(hub.store, SYSTEM, email, scope, expires_days, name)
    finally:
        hub.close()
    if as_json:
        _print_json({"secret": secret, "token": _shape(token)})
        return
    out.print(
        f"token {token.id} ({escape(token.name)}) for {escape(token.email)}, scopes "
        f"{', '.join(token.scopes)}, expires {token.expires_at}; shown only now:"
    )
    out.print(secret)


@tokens_app.command("revoke")
def tokens_revoke(
    token_id: Annotated[str, typer.Argument(help="The token's id (see `reaimhub tokens list`).")],
    as_json: AsJson = False,
) -> None:
    """Revoke an API token (revoking twice changes nothing)."""
    hub = _hub()
    try:
        with refusals():
            auth.revoke_token(hub.store, SYSTEM, token_id)
    finally:
        hub.close()
    if as_json:
        _print_json({"revoked": token_id.strip()})
        return
    out.print(f"revoked token {escape(token_id.strip())}")


@tokens_app.command("list")
def tokens_list(
    email: Annotated[str | None, typer.Argument(help="Only this account's tokens.")] = None,
    as_json: AsJson = False,
) -> None:
    """API tokens (never their secrets), newest first."""
    hub = _hub()
    try:
        with hub.store.read() as conn:
            if email is not None:
                user = identity.get_user(conn, email)
                if user is None:
                    fail(f"no account {email!r}")
                emails = [user.email]
            else:
                emails = [u.email for u in identity.list_users(conn)]
        tokens = [t for e in emails for t in auth.list_tokens(hub.store, SYSTEM, e)]
    finally:
        hub.close()
    if as_json:
        _print_json({"tokens": [_shape(t) for t in tokens]})
        return
    table = Table(title=f"{len(tokens)} API tokens", title_justify="left")
    for column in ("id", "name", "account", "scopes", "created", "expires", "revoked", "last used"):
        table.add_column(column, overflow="fold")
    for t in tokens:
        table.add_row(
            t.id,
            escape(t.name),
            escape(t.email),
            ", ".join(t.scopes),
            t.created_at,
            t.expires_at,
            t.revoked_at or "",
            t.last_used_at or "",
        )
    out.print(table)


# --- audit trail -----------------------------------------------------------------------------------


@audit_app.command("verify")
def audit_verify(as_json: AsJson = False) -> None:
    """Check the hash chain: exit 0 when intact, 1 naming the first bad row when a row was altered,
    removed or reordered."""
    hub = _hub()
    try:
        result = audit.verify(hub.store)
    finally:
        hub.close()
    if as_json:
        _print_json(_shape(result))
    elif result.ok:
        out.print(f"{result.rows} rows, chain intact")
    else:
        out.print(
            f"[red]audit trail broken at row {result.first_bad_seq}:[/] {escape(result.problem)}",
            soft_wrap=True,
        )
    raise typer.Exit(code=0 if result.ok else 1)


def _csv(rows: list[dict[str, Any]]) -> str:
    """CSV headed by the column ids, every text cell through the formula guard (`reaimhub.spreadsheets`):
    a target or client written by anyone must not become a formula in the spreadsheet that opens it."""
    shaped = [{**row, "before": _compact(row["before"]), "after": _compact(row["after"])} for row in rows]
    return csv_bytes(EXPORT_COLUMNS, shaped, bom=False).decode("utf-8")


def _compact(value: Any) -> str:
    return "" if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)


@audit_app.command("export")
def audit_export(
    fmt: Annotated[str, typer.Option("--format", help="csv or json.")] = "csv",
    output: Annotated[
        Path | None, typer.Option("--output", help="Write to this file (default: stdout).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="The same as --format json.")] = False,
) -> None:
    """Every audit row, oldest first: seq, at, actor, action, target, before, after, client, hash."""
    fmt = "json" if as_json else fmt.strip().lower()
    if fmt not in ("csv", "json"):
        fail(f"--format is csv or json, not {fmt!r}")
    hub = _hub()
    try:
        rows = [r.as_json() for r in audit.export(hub.store, SYSTEM, fmt)]
        checked = audit.verify(hub.store)
    finally:
        hub.close()
    body = _csv(rows) if fmt == "csv" else json.dumps({"rows": rows}, ensure_ascii=False, indent=2) + "\n"
    if not checked.ok:
        err.print(
            f"[yellow]warning:[/] the chain is broken at row {checked.first_bad_seq}: "
            f"{escape(checked.problem)} (see `reaimhub audit verify`)",
            soft_wrap=True,
        )
    if output is None:
        typer.echo(body, nl=False)
        return
    try:
        output.write_text(body, encoding="utf-8", newline="")
    except OSError as exc:
        fail(f"cannot write {output}: {exc.strerror or exc}")
    err.print(f"{len(rows)} audit rows written to {escape(str(output))}", soft_wrap=True)
