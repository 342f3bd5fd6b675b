"""The audit trail (services.audit): every write of the account services appends a row, rows are
hash-chained, and `verify` names the first row that was altered or removed. On both engines."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import text

from reaimhub.access import NotFound
from reaimhub.model import ANONYMOUS, Disclosure
from reaimhub.services import audit, auth, identity
from reaimhub.services.hub import Hub
from reaimhub.services.identity import IdentityError
from reaimhub.services.library import ingest_bytes
from reaimhub.services.sharing import Sharing
from tests.accounts import ADMIN, PASSWORD, add_member, audit_actions, execute, principal_of, scalar
from tests.conftest import ENGINES

pytestmark = pytest.mark.parametrize("database_url", ENGINES, indirect=True)

CLIENT = "192.0.2.10"


def test_every_write_of_the_account_services_is_audited(hub: Hub) -> None:
    org = identity.add_org(hub.store, ADMIN, "Government of the Netherlands", "state", iso3="NLD")
    kor = identity.add_org(hub.store, ADMIN, "Government of the Republic of Korea", "state", iso3="KOR")
    identity.add_group(hub.store, ADMIN, "Troika", [org.id, kor.id])
    _, invitation = identity.add_user(hub.store, ADMIN, "piet@nld.example", org.id, "contributor")
    identity.accept_invitation(hub.store, invitation, PASSWORD, client=CLIENT)
    with pytest.raises(auth.SignInError):
        auth.sign_in(hub.store, "piet@nld.example", "not the password", CLIENT)
    session, piet = auth.sign_in(hub.store, "piet@nld.example", PASSWORD, CLIENT)
    secret, token = auth.create_token(hub.store, piet, "piet@nld.example", ["read", "contribute"])
    auth.revoke_token(hub.store, piet, token.id, CLIENT)
    _, session_id = auth.session_principal(hub.store, session)
    identity.change_password(hub.store, piet, PASSWORD, "a brand new passphrase", CLIENT, session_id)
    auth.sign_out(hub.store, session, CLIENT)
    auth.sign_out_everywhere(hub.store, piet, CLIENT)
    sharing = Sharing(Disclosure.RESTRICTED, owner_org=org.id, groups=frozenset({"troika"}))
    ingest_bytes(hub, b"An audited upload about quorvelline.\n", "a.txt", sharing=sharing, uploader=piet)
    identity.disable_user(hub.store, ADMIN, "piet@nld.example")
    # Refused writes leave no row.
    with pytest.raises(IdentityError):
        identity.add_org(hub.store, ADMIN, "government of the netherlands", "state", iso3="NLD")
    with pytest.raises(IdentityError):
        auth.create_token(hub.store, ADMIN, "piet@nld.example", ["read"])

    assert audit_actions(hub) == [
        "org.add",
        "org.add",
        "group.add",
        "user.add",
        "user.accept_invitation",
        "auth.sign_in_failed",
        "auth.sign_in",
        "token.create",
        "token.revoke",
        "user.change_password",
        "auth.sign_out",
        "auth.sign_out_everywhere",
        "document.ingest",
        "user.disable",
    ]
    rows = {row.action: row for row in audit.read(hub.store, ADMIN, newest_first=False)}
    local = audit.LOCAL_ADMIN
    assert (rows["org.add"].actor, rows["org.add"].target) == (local, f"org:{kor.id}")
    assert rows["org.add"].after == {"id": kor.id, "name": kor.name, "kind": "state", "iso3": "KOR"}
    assert rows["group.add"].after == {"name": "Troika", "orgs": [org.id, kor.id]}
    assert rows["user.add"].after == {"org": org.id, "role": "contributor", "site_admin": False}
    failed = rows["auth.sign_in_failed"]
    assert (failed.actor, failed.target, failed.client) == ("anonymous", "user:piet@nld.example", CLIENT)
    signed_in = rows["auth.sign_in"]
    assert (signed_in.actor, signed_in.client) == ("piet@nld.example", CLIENT)
    created = rows["token.create"]
    assert (created.actor, created.target) == ("piet@nld.example", f"token:{token.id}")
    assert created.after["scopes"] == ["read", "contribute"]
    assert rows["token.revoke"].target == f"token:{token.id}"
    assert rows["auth.sign_out_everywhere"].after == {"sessions_ended": 0}
    assert rows["document.ingest"].actor == "piet@nld.example"
    assert rows["document.ingest"].after["level"] == "restricted"
    assert rows["user.disable"].before == {"disabled": False}
    assert rows["user.disable"].after == {"disabled": True}
    # No secret is in the trail: not the password, the session, the token or the invitation.
    with hub.store.read() as conn:
        trail = "\n".join(str(v) for row in conn.execute(text("SELECT * FROM audit_log")) for v in row)
    for secret_value in (PASSWORD, "a brand new passphrase", session, secret, invitation):
        assert secret_value not in trail

    checked = audit.verify(hub.store)
    assert (checked.ok, checked.rows, checked.first_bad_seq) == (True, 14, None)


def test_only_administrators_read_the_trail(hub: Hub) -> None:
    org = identity.add_org(hub.store, ADMIN, "Leiden University", "academia")
    add_member(hub, "boss@leiden.example", org.id, "admin")  # an organisation's admin: not the site's
    add_member(hub, "root@hub.example", None, site_admin=True)
    for who in (ANONYMOUS, principal_of(hub, "boss@leiden.example")):
        with pytest.raises(NotFound):
            audit.read(hub.store, who)
    newest = audit.read(hub.store, principal_of(hub, "root@hub.example"))
    assert [r.action for r in newest] == ["user.add", "user.add", "org.add"]
    assert [r.seq for r in newest] == [3, 2, 1]
    assert [r.seq for r in audit.read(hub.store, ADMIN, newest_first=False, limit=2)] == [1, 2]
    assert newest[0].as_json()["hash"] == newest[0].hash and newest[1].hash == newest[0].prev_hash


def _chain(hub: Hub, n: int = 5) -> None:
    """`n` rows, each with every field set."""
    with hub.store.write() as conn:
        for i in range(1, n + 1):
            audit.record(
                conn,
                ADMIN,
                f"test.write{i}",
                f"thing:{i}",
                before={"n": i - 1},
                after={"n": i},
                client=CLIENT,
            )


def test_a_sound_chain_verifies(hub: Hub) -> None:
    assert audit.verify(hub.store) == audit.Verification(0, True)  # an empty trail
    _chain(hub)
    assert audit.verify(hub.store) == audit.Verification(5, True)
    assert scalar(hub, "SELECT seq FROM audit_head") == 5


FIELDS = ("at", "actor", "action", "target", "before_json", "after_json", "client", "prev_hash", "hash")


def test_altering_any_field_of_a_row_is_found_at_that_row(hub: Hub) -> None:
    _chain(hub)
    with hub.store.read() as conn:
        row = conn.execute(text("SELECT * FROM audit_log WHERE seq = 3")).mappings().one()
    for name in FIELDS:
        execute(hub, f"UPDATE audit_log SET {name} = :v WHERE seq = 3", v=f"{row[name]}!")
        checked = audit.verify(hub.store)
        assert (checked.ok, checked.first_bad_seq) == (False, 3), name
        assert "3" in checked.problem
        execute(hub, f"UPDATE audit_log SET {name} = :v WHERE seq = 3", v=row[name])
        assert audit.verify(hub.store).ok, name
    # Emptied optional fields are alterations too.
    for name in ("before_json", "after_json", "client"):
        execute(hub, f"UPDATE audit_log SET {name} = NULL WHERE seq = 3")
        assert audit.verify(hub.store).first_bad_seq == 3, name
        execute(hub, f"UPDATE audit_log SET {name} = :v WHERE seq = 3", v=row[name])
    assert audit.verify(hub.store).ok


def test_altering_a_row_written_by_a_service_is_found(hub: Hub) -> None:
    identity.add_org(hub.store, ADMIN, "Leiden University", "academia")
    add_member(hub, "ann@leiden.example", "leiden-university")
    with pytest.raises(auth.SignInError):
        auth.sign_in(hub.store, "ann@leiden.example", "not the password", CLIENT)
    auth.sign_in(hub.store, "ann@leiden.example", PASSWORD, CLIENT)
    seq = scalar(hub, "SELECT seq FROM audit_log WHERE action = 'auth.sign_in_failed'")
    assert audit.verify(hub.store).ok
    # Someone hides the failed attempt on another account.
    execute(hub, "UPDATE audit_log SET target = 'user:someone@else.example' WHERE seq = :s", s=seq)
    checked = audit.verify(hub.store)
    assert (checked.ok, checked.first_bad_seq) == (False, seq)


def test_a_rehashed_altered_row_breaks_the_link_to_the_next(hub: Hub) -> None:
    """Whoever alters a row and recomputes its hash must recompute every later row and the head."""
    _chain(hub)
    with hub.store.read() as conn:
        row = conn.execute(text("SELECT * FROM audit_log WHERE seq = 2")).mappings().one()
    forged = audit._digest(
        row["prev_hash"], 2, row["at"], "someone else", row["action"], row["target"],
        row["before_json"], row["after_json"], row["client"],
    )  # fmt: skip
    execute(hub, "UPDATE audit_log SET actor = 'someone else', hash = :h WHERE seq = 2", h=forged)
    checked = audit.verify(hub.store)
    assert (checked.ok, checked.first_bad_seq) == (False, 3)


def test_removing_a_middle_row_names_the_missing_seq(hub: Hub) -> None:
    _chain(hub)
    assert execute(hub, "DELETE FROM audit_log WHERE seq = 3") == 1
    checked = audit.verify(hub.store)
    assert (checked.ok, checked.first_bad_seq) == (False, 3)
    assert "row 3 is missing" in checked.problem


def test_removing_the_first_row_is_found(hub: Hub) -> None:
    _chain(hub)
    execute(hub, "DELETE FROM audit_log WHERE seq = 1")
    checked = audit.verify(hub.store)
    assert (checked.ok, checked.first_bad_seq) == (False, 1)


def test_removing_the_newest_rows_is_found_by_the_head(hub: Hub) -> None:
    _chain(hub)
    execute(hub, "DELETE FROM audit_log WHERE seq = 5")
    checked = audit.verify(hub.store)
    assert (checked.ok, checked.first_bad_seq) == (False, 5)
    execute(hub, "DELETE FROM audit_log")
    checked = audit.verify(hub.store)
    assert (checked.ok, checked.first_bad_seq) == (False, 1)


def test_renumbering_a_row_is_found(hub: Hub) -> None:
    _chain(hub)
    execute(hub, "UPDATE audit_log SET seq = 50 WHERE seq = 3")
    checked = audit.verify(hub.store)
    assert (checked.ok, checked.first_bad_seq) == (False, 3)


def test_a_write_that_rolls_back_leaves_no_row_and_no_gap(hub: Hub) -> None:
    _chain(hub, 2)
    with pytest.raises(RuntimeError), hub.store.write() as conn:
        audit.record(conn, ADMIN, "test.lost", "thing:lost")
        raise RuntimeError("the write failed after it was recorded")
    # A service write that fails halfway (the organisation exists: refused after the lookup) neither.
    identity.add_org(hub.store, ADMIN, "Leiden University", "academia")
    with pytest.raises(IdentityError):
        identity.add_org(hub.store, ADMIN, "Leiden University", "academia")
    with hub.store.write() as conn:
        assert audit.record(conn, ADMIN, "test.after", "thing:after") == 4
    assert audit_actions(hub) == ["test.write1", "test.write2", "org.add", "test.after"]
    assert audit.verify(hub.store) == audit.Verification(4, True)


def test_writes_at_once_chain_one_after_the_other(hub: Hub) -> None:
    writers = 8
    start = threading.Barrier(writers)
    refused: list[int] = []

    def write(n: int) -> None:
        start.wait()
        if n % 2:
            identity.add_org(hub.store, ADMIN, f"Organisation {n}", "other")
            return
        try:
            auth.sign_in(hub.store, f"nobody{n}@example.org", "a guess at a password", f"192.0.2.{n}")
        except auth.SignInError:
            refused.append(n)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(refused) == [0, 2, 4, 6]
    assert sorted(audit_actions(hub)) == ["auth.sign_in_failed"] * 4 + ["org.add"] * 4
    assert audit.verify(hub.store) == audit.Verification(writers, True)
