"""The account commands (`orgs`, `groups`, `users`, `tokens`, `audit`) and `ingest --owner/--share-with`,
`search --as`, in-process through typer's CliRunner, on SQLite and PostgreSQL.

Settings come from os.environ (load_settings()), so every run points REAIMHUB_DATA_DIR at a temporary
folder and REAIMHUB_DATABASE_URL at the test's database.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text
from typer.testing import CliRunner, Result

from reaimhub.cli.main import app
from tests.conftest import ENGINES, cli_environment

Env = dict[str, str | None]
on_both_engines = pytest.mark.parametrize("database_url", ["sqlite", "postgresql"], indirect=True)
EXPORT_HEADER = ["seq", "at", "actor", "action", "target", "before", "after", "client", "hash"]
MARKER = "zebrafishdoctrine"  # in the restricted document only


def _env(data_dir: Path, database_url: str | None) -> Env:
    # COLUMNS: rich folds long cells at its default 80 columns; TTY_COMPATIBLE and FORCE_COLOR: plain text.
    return {
        "REAIMHUB_DATA_DIR": str(data_dir),
        "REAIMHUB_DATABASE_URL": database_url,
        "REAIMHUB_EMBEDDING_MODEL": "none",
        "REAIMHUB_PUBLIC_URL": None,
        "COLUMNS": "400",
        "TTY_COMPATIBLE": "0",
        "FORCE_COLOR": None,
    }


def run(args: Sequence[str | Path], env: Mapping[str, str | None]) -> Result:
    """One command, in-process (an exception escaping the command fails the test: no traceback)."""
    return CliRunner().invoke(app, [str(a) for a in args], env=dict(env), catch_exceptions=False)


def run_json(args: Sequence[str | Path], env: Mapping[str, str | None]) -> Any:
    result = run([*args, "--json"], env)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)  # the whole of stdout is one JSON document


def plain(output: str) -> str:
    return re.sub(r"\x1b\[[0-9;]*m", "", output)


def refused(result: Result) -> str:
    """The one-line message of a refused command (exit 2, nothing on stdout)."""
    assert result.exit_code == 2, result.output
    assert result.stdout == "", "no half-written output"
    lines = plain(result.stderr).strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    return lines[0]


@pytest.fixture
def env(tmp_path: Path, database_url: str, monkeypatch: pytest.MonkeyPatch) -> Env:
    """A fresh, empty hub on the test's database (SQLite unless parametrised)."""
    monkeypatch.setenv("REAIMHUB_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("REAIMHUB_DATABASE_URL", database_url)
    return _env(tmp_path / "data", database_url)


def make_troika(env: Env) -> dict[str, str]:
    """The three troika governments, a university outside it, the troika group and one account in
    each of Korea (a viewer: a troika member that does not own the document), the Netherlands and the
    university. Returns the account emails by who they are."""
    for name, iso3 in (("Netherlands MoD", "NLD"), ("Korea MND", "KOR"), ("Spain MoD", "ESP")):
        made = run_json(["orgs", "add", name, "--type", "state", "--state", iso3.lower()], env)
        assert made["iso3"] == iso3 and made["kind"] == "state"
    run_json(["orgs", "add", "Leiden University", "--type", "academia"], env)
    group = run_json(
        ["groups", "add", "troika", "--orgs", "netherlands-mod,Korea MND", "--orgs", "spain-mod"], env
    )
    assert group["orgs"] == ["netherlands-mod", "korea-mnd", "spain-mod"]
    people = {
        "owner": ("nl@mod.example", "netherlands-mod", "editor"),
        "troika": ("kr@mnd.example", "korea-mnd", "viewer"),
        "outsider": ("prof@leiden.example", "leiden-university", "contributor"),
    }
    for email, org, role in people.values():
        added = run_json(["users", "add", email, "--org", org, "--role", role], env)
        assert added["user"]["roles"] == [[org, role]]
    return {who: email for who, (email, _, _) in people.items()}


def audit_rows(env: Env) -> list[dict[str, str]]:
    result = run(["audit", "export", "--format", "csv"], env)
    assert result.exit_code == 0, result.output
    return list(csv.DictReader(io.StringIO(result.stdout)))


def execute(database_url: str, sql: str) -> None:
    """Change the database behind the hub's back, as someone with database access could."""
    engine = create_engine(database_url)
    try:
        with engine.begin() as conn:
            conn.execute(text(sql))
    finally:
        engine.dispose()


# --- organisations, groups and accounts -----------------------------------------------------------


@on_both_engines
def test_organisations_groups_and_accounts(env: Env) -> None:
    people = make_troika(env)

    orgs = run_json(["orgs", "list"], env)["orgs"]
    assert {o["id"]: o["iso3"] for o in orgs} == {
        "netherlands-mod": "NLD",
        "korea-mnd": "KOR",
        "spain-mod": "ESP",
        "leiden-university": None,
    }
    assert {o["kind"] for o in orgs} == {"state", "academia"}
    listed = run(["orgs", "list"], env)
    assert listed.exit_code == 0 and "4 organisations" in listed.stdout and "Korea MND" in listed.stdout

    groups = run_json(["groups", "list"], env)["groups"]
    assert [(g["id"], sorted(g["orgs"])) for g in groups] == [
        ("troika", ["korea-mnd", "netherlands-mod", "spain-mod"])
    ]
    assert "troika" in run(["groups", "list"], env).stdout

    users = run_json(["users", "list"], env)["users"]
    assert sorted(u["email"] for u in users) == sorted(people.values())
    assert all(not u["active"] and not u["disabled"] and not u["site_admin"] for u in users), "invited"

    added = run(["users", "add", "ES@Defensa.example", "--org", "Spain MoD", "--role", "moderator"], env)
    assert added.exit_code == 0, added.output
    assert "added es@defensa.example (moderator in spain-mod)" in added.stdout
    link = added.stdout.strip().splitlines()[-1]
    assert re.fullmatch(r"http://127\.0\.0\.1:8000/invite/[A-Za-z0-9_-]{40,}", link), link

    behind_proxy = {**env, "REAIMHUB_PUBLIC_URL": "https://hub.example.org/"}
    admin = run_json(["users", "add", "root@hub.example", "--site-admin"], behind_proxy)
    assert admin["user"]["site_admin"] and admin["user"]["roles"] == []
    assert re.fullmatch(r"https://hub\.example\.org/invite/[A-Za-z0-9_-]{40,}", admin["invitation"])
    assert admin["invitation_days"] >= 1

    disabled = run_json(["users", "disable", people["outsider"]], env)
    assert disabled["disabled"] and disabled["email"] == people["outsider"]
    statuses = {u["email"]: u["disabled"] for u in run_json(["users", "list"], env)["users"]}
    assert statuses[people["outsider"]] and not statuses[people["owner"]]
    table = run(["users", "list"], env).stdout
    assert "5 accounts" in table and "disabled" in table and "invited" in table

    trail = "\n".join(json.dumps(row) for row in audit_rows(env))
    invitation = admin["invitation"].rsplit("/", 1)[1]
    assert invitation not in trail and link.rsplit("/", 1)[1] not in trail, "invitations are not audited"
    assert "local administrator (command line)" in trail


@on_both_engines
def test_a_token_is_shown_once_and_can_be_revoked(env: Env) -> None:
    people = make_troika(env)
    owner = people["owner"]

    args = ["--scope", "read", "--scope", "contribute", "--expires-days", "30", "--name", "ci"]
    made = run_json(["tokens", "create", owner, *args], env)
    secret, token = made["secret"], made["token"]
    assert secret.startswith("rh_") and len(secret) > 30
    assert token["scopes"] == ["read", "contribute"] and token["name"] == "ci"
    assert token["email"] == owner and token["revoked_at"] is None
    assert token["expires_at"] > token["created_at"]

    readable = run(["tokens", "create", people["troika"], "--scope", "read"], env)
    assert readable.exit_code == 0, readable.output
    second = readable.stdout.strip().splitlines()[-1]
    assert second.startswith("rh_") and second != secret
    assert "shown only now" in readable.stdout

    everything = run(["tokens", "list", "--json"], env).stdout
    listed = json.loads(everything)["tokens"]
    assert {t["id"] for t in listed} == {token["id"], next(t["id"] for t in listed if t["id"] != token["id"])}
    assert {t["email"] for t in listed} == {owner, people["troika"]}
    assert [t["id"] for t in run_json(["tokens", "list", owner], env)["tokens"]] == [token["id"]]
    shown = everything + run(["tokens", "list"], env).stdout + json.dumps(audit_rows(env))
    assert secret not in shown and second not in shown, "a secret is printed once, never again"
    assert secret[3:] not in shown and second[3:] not in shown

    assert run_json(["tokens", "revoke", token["id"]], env) == {"revoked": token["id"]}
    again = run(["tokens", "revoke", token["id"]], env)
    assert again.exit_code == 0 and f"revoked token {token['id']}" in again.stdout
    revoked = {t["id"]: t["revoked_at"] for t in run_json(["tokens", "list"], env)["tokens"]}
    assert revoked[token["id"]] is not None
    assert [at for tid, at in revoked.items() if tid != token["id"]] == [None]
    actions = [row["action"] for row in audit_rows(env)]
    assert actions.count("token.create") == 2 and actions.count("token.revoke") == 1, "revoked once"


# --- the audit trail ------------------------------------------------------------------------------


@on_both_engines
def test_audit_verify_finds_an_altered_and_a_removed_row(env: Env, database_url: str, tmp_path: Path) -> None:
    make_troika(env)  # 4 organisations, 1 group, 3 accounts: 8 rows

    intact = run(["audit", "verify"], env)
    assert intact.exit_code == 0 and intact.stdout.strip() == "8 rows, chain intact", intact.output
    assert run_json(["audit", "verify"], env) == {"rows": 8, "ok": True, "first_bad_seq": None, "problem": ""}

    exported = run(["audit", "export", "--format", "csv"], env)
    assert exported.exit_code == 0 and exported.stderr == "", exported.output
    lines = exported.stdout.splitlines()
    assert lines[0].split(",") == EXPORT_HEADER and len(lines) == 1 + 8, "a header and one line per row"
    rows = list(csv.DictReader(io.StringIO(exported.stdout)))
    assert [int(r["seq"]) for r in rows] == list(range(1, 9))
    assert {r["actor"] for r in rows} == {"local administrator (command line)"}
    assert [r["action"] for r in rows] == ["org.add"] * 4 + ["group.add"] + ["user.add"] * 3
    assert json.loads(rows[0]["after"])["iso3"] == "NLD" and rows[0]["before"] == ""
    assert all(re.fullmatch(r"[0-9a-f]{64}", r["hash"]) for r in rows)

    as_json = run_json(["audit", "export"], env)  # --json is --format json; each export is audited
    assert [r["action"] for r in as_json["rows"]][8:] == ["audit.export"]
    again = json.loads(run(["audit", "export", "--format", "json"], env).stdout)
    assert again["rows"][:9] == as_json["rows"] and len(again["rows"]) == 10
    assert [list(r) for r in as_json["rows"]] == [EXPORT_HEADER] * 9
    assert as_json["rows"][4]["after"]["name"] == "troika" and [r["hash"] for r in as_json["rows"]][:8] == [
        r["hash"] for r in rows
    ]

    target = tmp_path / "audit.csv"
    to_file = run(["audit", "export", "--output", target], env)
    assert to_file.exit_code == 0 and to_file.stdout == ""
    assert "11 audit rows written" in plain(to_file.stderr)
    assert target.read_text(encoding="utf-8").startswith(exported.stdout)

    execute(database_url, "UPDATE audit_log SET actor = 'x' WHERE seq = 2")
    broken = run(["audit", "verify"], env)
    assert broken.exit_code == 1, broken.output
    assert "broken at row 2" in plain(broken.stdout) and "altered" in broken.stdout
    report = json.loads(run(["audit", "verify", "--json"], env).stdout)
    assert report["ok"] is False and report["first_bad_seq"] == 2 and "row 2" in report["problem"]
    warned = run(["audit", "export"], env)
    assert warned.exit_code == 0 and "broken at row 2" in plain(warned.stderr)

    execute(database_url, "UPDATE audit_log SET actor = 'local administrator (command line)' WHERE seq = 2")
    assert run(["audit", "verify"], env).exit_code == 0, "the hash is over the content"

    execute(database_url, "DELETE FROM audit_log WHERE seq = 8")
    removed = run(["audit", "verify"], env)
    assert removed.exit_code == 1, removed.output
    assert "broken at row 8" in plain(removed.stdout) and "missing" in removed.stdout
    assert run(["audit", "verify", "--json"], env).exit_code == 1


# --- sharing an ingest, searching as an account ---------------------------------------------------


def _found(env: Env, word: str, who: str | None) -> list[str]:
    """The titles of the documents `who` (None: anonymous) finds with `word`."""
    args = ["search", word, "--mode", "lexical"] + (["--as", who] if who else [])
    found = run_json(args, env)
    titles = [hit["title"] for hit in found["results"]]
    assert found["total_documents"] == len(titles), "the total counts what the viewer may see"
    return titles


@on_both_engines
def test_a_document_restricted_to_the_troika_is_found_by_the_troika_only(env: Env, tmp_path: Path) -> None:
    people = make_troika(env)
    run_json(["users", "add", "es@defensa.example", "--org", "spain-mod", "--role", "viewer"], env)
    run_json(["users", "add", "root@hub.example", "--site-admin"], env)
    note = tmp_path / "troika-note.txt"
    note.write_text(f"The troika agreed on the {MARKER} for human control.\n", encoding="utf-8")
    brief = tmp_path / "spanish-brief.txt"
    brief.write_text("A confidential quokkaprotocol for Madrid and The Hague.\n", encoding="utf-8")

    ingested = run_json(
        [
            "ingest",
            note,
            "--disclosure",
            "restricted",
            "--owner",
            "Netherlands MoD",
            "--share-with",
            "troika",
        ],
        env,
    )
    assert [f["status"] for f in ingested["files"]] == ["ok"], ingested
    doc = note.read_text(encoding="utf-8").strip()  # a text file's first line is its title
    sharing = ["--disclosure", "confidential", "--owner", "netherlands-mod", "--share-with", "Spain MoD"]
    confidential = run_json(["ingest", brief, *sharing], env)
    assert [f["status"] for f in confidential["files"]] == ["ok"], confidential
    secret = brief.read_text(encoding="utf-8").strip()

    for who in (people["owner"], people["troika"], "es@defensa.example", "root@hub.example"):
        assert _found(env, MARKER, who) == [doc], who
    for viewer in (None, people["outsider"]):
        assert _found(env, MARKER, viewer) == [], viewer or "anonymous"

    for who in (people["owner"], "es@defensa.example", "root@hub.example"):
        assert _found(env, "quokkaprotocol", who) == [secret], who
    for viewer in (None, people["outsider"], people["troika"]):
        assert _found(env, "quokkaprotocol", viewer) == [], viewer or "anonymous"

    readable = run(["search", MARKER, "--mode", "lexical", "--as", people["troika"]], env)
    assert readable.exit_code == 0, readable.output
    assert "as kr@mnd.example (viewer in korea-mnd, troika)" in plain(readable.stderr)
    assert "1 document" in readable.stdout
    anonymous = run(["search", MARKER, "--mode", "lexical"], env)
    assert "0 documents" in anonymous.stdout
    assert not any(line.startswith("as ") for line in plain(anonymous.stderr).splitlines())

    run_json(["users", "disable", people["troika"]], env)
    assert "is disabled" in refused(run(["search", MARKER, "--as", people["troika"], "--json"], env))
    ingests = [r for r in audit_rows(env) if r["action"] == "document.ingest"]
    assert [json.loads(r["after"])["level"] for r in ingests] == ["restricted", "confidential"]


# --- refusals -------------------------------------------------------------------------------------


@pytest.fixture(scope="module", params=ENGINES)
def troika_hub(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Env, Path]]:
    """One hub with the troika on each engine, for commands that are refused (they change nothing)."""
    root = tmp_path_factory.mktemp("accounts-cli")
    note = root / "note.txt"
    note.write_text(f"The {MARKER} again.\n", encoding="utf-8")
    with cli_environment(request.param, root) as cli_env:
        environ = {**cli_env, "REAIMHUB_EMBEDDING_MODEL": "none", "REAIMHUB_PUBLIC_URL": None}
        make_troika(environ)
        yield environ, note


REFUSED = [
    (["orgs", "add", "Ministry", "--type", "ministry"], "unknown stakeholder type 'ministry'"),
    (["orgs", "add", "Netherlands MoD", "--type", "state", "--state", "NLD"], "exists already"),
    (["orgs", "add", "netherlands mod", "--type", "other"], "exists already"),
    (["orgs", "add", "Atlantis", "--type", "state", "--state", "ATL"], "not an ISO 3166 alpha-3 code"),
    (["orgs", "add", "Atlantis", "--type", "state"], "--state ISO3"),
    (["orgs", "add", "Leiden", "--type", "academia", "--state", "NLD"], "only a state organisation"),
    (["groups", "add", "quartet", "--orgs", "netherlands-mod,atlantis"], "no organisation 'atlantis'"),
    (["groups", "add", "Troika", "--orgs", "spain-mod"], "exists already"),
    (["users", "add", "x@y.example", "--org", "atlantis", "--role", "viewer"], "no organisation 'atlantis'"),
    (["users", "add", "x@y.example", "--org", "spain-mod", "--role", "king"], "unknown role 'king'"),
    (["users", "add", "x@y.example", "--org", "spain-mod"], "--role"),
    (["users", "add", "x@y.example", "--role", "viewer"], "--org"),
    (["users", "add", "not-an-email", "--org", "spain-mod", "--role", "viewer"], "not an email address"),
    (["users", "add", "NL@mod.example", "--org", "spain-mod", "--role", "viewer"], "exists already"),
    (["users", "disable", "nobody@x.example"], "no account"),
    (["tokens", "create", "nl@mod.example", "--scope", "root"], "scopes are read, contribute"),
    (["tokens", "create", "kr@mnd.example", "--scope", "read,moderate"], "no role for the scope(s) moderate"),
    (["tokens", "create", "nl@mod.example", "--scope", "read", "--expires-days", "0"], "1 to 366 days"),
    (["tokens", "create", "nobody@x.example", "--scope", "read"], "no account"),
    (["tokens", "revoke", "0123456789abcdef"], "no token"),
    (["tokens", "list", "nobody@x.example"], "no account"),
    (["search", MARKER, "--as", "nobody@x.example"], "no account 'nobody@x.example'"),
    (
        ["ingest", "{note}", "--disclosure", "restricted", "--share-with", "troika"],
        "needs an owner organisation",
    ),
    (["ingest", "{note}", "--disclosure", "restricted", "--owner", "troika"], "'troika' is a group"),
    (
        ["ingest", "{note}", "--disclosure", "restricted", "--owner", "spain-mod", "--share-with", "quartet"],
        "no organisation or group 'quartet'",
    ),
    (
        [
            "ingest",
            "{note}",
            "--disclosure",
            "confidential",
            "--owner",
            "spain-mod",
            "--share-with",
            "troika",
        ],
        "not groups",
    ),
    (["ingest", "{note}", "--share-with", "troika"], "needs the level restricted or confidential"),
]


@pytest.mark.parametrize(
    ("args", "message"), REFUSED, ids=[" ".join(a[:2]) + f" {n}" for n, (a, _) in enumerate(REFUSED)]
)
@pytest.mark.parametrize("as_json", [False, True], ids=["text", "json"])
def test_a_refused_command_says_why_in_one_line_and_exits_2(
    troika_hub: tuple[Env, Path], args: list[str], message: str, as_json: bool
) -> None:
    environ, note = troika_hub
    argv = [str(note) if a == "{note}" else a for a in args] + (["--json"] if as_json else [])
    assert message in refused(run(argv, environ))


def test_an_unknown_export_format_is_refused(troika_hub: tuple[Env, Path]) -> None:
    environ, _ = troika_hub
    assert "--format is csv or json, not 'xml'" in refused(
        run(["audit", "export", "--format", "xml"], environ)
    )


def test_refused_commands_changed_nothing(troika_hub: tuple[Env, Path]) -> None:
    environ, _ = troika_hub
    actions = [row["action"] for row in audit_rows(environ)]
    assert actions == ["org.add"] * 4 + ["group.add"] + ["user.add"] * 3
    assert run(["audit", "verify"], environ).exit_code == 0


@on_both_engines
def test_a_role_change_is_made_and_audited_with_before_and_after(env: Env) -> None:
    make_troika(env)
    user = run_json(
        ["users", "role", "prof@leiden.example", "--org", "leiden-university", "--role", "editor"], env
    )
    assert ["leiden-university", "editor"] in user["roles"]
    exported = run_json(["audit", "export"], env)["rows"]
    change = next(r for r in exported if r["action"] == "user.role")
    assert change["before"] == {"org": "leiden-university", "role": "contributor"}
    assert change["after"] == {"org": "leiden-university", "role": "editor"}
    gone = run_json(
        ["users", "role", "prof@leiden.example", "--org", "leiden-university", "--role", "none"], env
    )
    assert gone["roles"] == []
    refused = run(
        ["users", "role", "prof@leiden.example", "--org", "leiden-university", "--role", "boss"], env
    )
    assert refused.exit_code == 2 and "unknown role" in refused.stderr
