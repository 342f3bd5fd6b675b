"""Signing in and out, sessions, login throttling and API tokens (services.auth), on both engines."""

from __future__ import annotations

import hashlib
import threading
from collections import Counter
from dataclasses import dataclass

import pytest
from sqlalchemy import text

from reaimhub.clock import shifted_iso
from reaimhub.model import ANONYMOUS, SYSTEM, Disclosure
from reaimhub.services import auth, identity
from reaimhub.services.auth import SignInError, Throttled
from reaimhub.services.hub import Hub
from reaimhub.services.identity import IdentityError
from reaimhub.services.sharing import audience_for
from tests.accounts import ADMIN, PASSWORD, add_member, execute, principal_of, scalar
from tests.conftest import ENGINES

pytestmark = pytest.mark.parametrize("database_url", ENGINES, indirect=True)

CLIENT = "192.0.2.10"


@dataclass(frozen=True)
class People:
    org: str
    shared: int  # an audience that reaches the organisation


@pytest.fixture
def people(hub: Hub) -> People:
    """One organisation with an account of each role, a site administrator, and something shared with
    the organisation (so that its members have an audience)."""
    org = identity.add_org(hub.store, ADMIN, "Leiden University", "academia")
    for role in ("viewer", "contributor", "moderator"):
        add_member(hub, f"{role}@leiden.example", org.id, role)
    add_member(hub, "root@hub.example", None, site_admin=True)
    with hub.store.write() as conn:
        shared = audience_for(conn, [f"org:{org.id}"], org.id)
    assert shared is not None
    return People(org.id, shared)


def _all_values(hub: Hub, table: str) -> str:
    with hub.store.read() as conn:
        return "\n".join(str(v) for row in conn.execute(text(f"SELECT * FROM {table}")) for v in row)


def _fail(hub: Hub, email: str, client: str = CLIENT, password: str = "not the password") -> str:
    with pytest.raises(SignInError) as failed:
        auth.sign_in(hub.store, email, password, client)
    return str(failed.value)


# --- signing in ---------------------------------------------------------------------------------


def test_the_right_password_gives_a_session_stored_only_as_its_digest(hub: Hub, people: People) -> None:
    token, principal = auth.sign_in(hub.store, " Viewer@Leiden.example ", PASSWORD, CLIENT, "Firefox")
    assert principal.email == "viewer@leiden.example" and principal.roles == ((people.org, "viewer"),)
    assert principal.audiences == {people.shared}
    assert len(token) >= 32
    stored = _all_values(hub, "sessions")
    assert token not in stored
    assert hashlib.sha256(token.encode()).hexdigest() in stored

    seen, session_id = auth.session_principal(hub.store, token)
    assert seen == principal and session_id is not None
    sessions = auth.list_sessions(hub.store, principal, session_id)
    assert [(s.id, s.current, s.client, s.user_agent) for s in sessions] == [
        (session_id, True, CLIENT, "Firefox")
    ]
    # Another sign-in is another session; the first one lives on.
    other, _ = auth.sign_in(hub.store, "viewer@leiden.example", PASSWORD, "198.51.100.7")
    assert other != token
    assert len(auth.list_sessions(hub.store, principal)) == 2


def test_a_wrong_password_and_an_unknown_account_get_the_same_answer(hub: Hub, people: People) -> None:
    wrong = _fail(hub, "viewer@leiden.example")
    unknown = _fail(hub, "nobody@leiden.example", password=PASSWORD)
    malformed = _fail(hub, "not an email", password=PASSWORD)
    assert wrong == unknown == malformed == "wrong email or password"
    # An account that has not accepted its invitation has no password to guess.
    identity.add_user(hub.store, ADMIN, "new@leiden.example", people.org, "viewer")
    assert _fail(hub, "new@leiden.example", password="") == wrong
    assert scalar(hub, "SELECT COUNT(*) FROM sessions") == 0


def test_five_failures_throttle_the_account_but_not_the_client(hub: Hub, people: People) -> None:
    for _ in range(auth.MAX_FAILURES_PER_ACCOUNT):
        _fail(hub, "viewer@leiden.example")
    with pytest.raises(Throttled) as throttled:  # even with the right password
        auth.sign_in(hub.store, "viewer@leiden.example", PASSWORD, CLIENT)
    assert throttled.value.retry_after > 0 and "try again" in str(throttled.value)
    with pytest.raises(Throttled):  # from any client address
        auth.sign_in(hub.store, "VIEWER@leiden.example", PASSWORD, "198.51.100.7")
    # Another account from the same client signs in.
    _, principal = auth.sign_in(hub.store, "contributor@leiden.example", PASSWORD, CLIENT)
    assert principal.email == "contributor@leiden.example"
    # Failures older than the window no longer count.
    execute(hub, "UPDATE login_failures SET at = :past", past=shifted_iso(-auth.THROTTLE_WINDOW - 60))
    _, principal = auth.sign_in(hub.store, "viewer@leiden.example", PASSWORD, CLIENT)
    assert principal.email == "viewer@leiden.example"


def test_twenty_failures_from_one_client_throttle_it_for_every_account(hub: Hub, people: People) -> None:
    # Different accounts (none reaches its own limit), one client address.
    for n in range(auth.MAX_FAILURES_PER_CLIENT):
        _fail(hub, f"guess{n}@leiden.example", password=PASSWORD)
    with pytest.raises(Throttled):
        auth.sign_in(hub.store, "viewer@leiden.example", PASSWORD, CLIENT)
    with pytest.raises(Throttled):
        auth.sign_in(hub.store, "root@hub.example", PASSWORD, CLIENT)
    # The accounts themselves are not throttled: from another address they sign in.
    _, principal = auth.sign_in(hub.store, "viewer@leiden.example", PASSWORD, "198.51.100.7")
    assert principal.email == "viewer@leiden.example"


def test_parallel_guesses_do_not_get_past_the_account_limit(hub: Hub, people: People) -> None:
    """Guesses sent at once, each from its own address: the account's limit holds all the same (each
    attempt counts the failures of those before it)."""
    attempts = 12
    start = threading.Barrier(attempts)
    outcomes: list[str] = []

    def guess(n: int) -> None:
        start.wait()
        try:
            auth.sign_in(hub.store, "viewer@leiden.example", f"guess number {n}", f"198.51.100.{n}")
            outcomes.append("signed in")
        except (SignInError, Throttled) as exc:
            outcomes.append(type(exc).__name__)

    threads = [threading.Thread(target=guess, args=(n,)) for n in range(attempts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert Counter(outcomes) == {
        "SignInError": auth.MAX_FAILURES_PER_ACCOUNT,
        "Throttled": attempts - auth.MAX_FAILURES_PER_ACCOUNT,
    }
    assert scalar(hub, "SELECT COUNT(*) FROM login_failures") == auth.MAX_FAILURES_PER_ACCOUNT


def test_an_expired_session_is_anonymous(hub: Hub, people: People) -> None:
    token, principal = auth.sign_in(hub.store, "viewer@leiden.example", PASSWORD, CLIENT)
    assert auth.session_principal(hub.store, token)[0] == principal
    execute(hub, "UPDATE sessions SET expires_at = :past", past=shifted_iso(-1))
    assert auth.session_principal(hub.store, token) == (ANONYMOUS, None)
    assert auth.list_sessions(hub.store, principal) == []


def test_a_signed_out_session_is_anonymous(hub: Hub, people: People) -> None:
    token, principal = auth.sign_in(hub.store, "viewer@leiden.example", PASSWORD, CLIENT)
    other, _ = auth.sign_in(hub.store, "viewer@leiden.example", PASSWORD, CLIENT)
    auth.sign_out(hub.store, token, CLIENT)
    assert auth.session_principal(hub.store, token) == (ANONYMOUS, None)
    assert auth.session_principal(hub.store, other)[0] == principal  # only that session ended
    auth.sign_out(hub.store, token)  # twice, or without a session: nothing happens
    auth.sign_out(hub.store, None)
    for junk in (None, "", "x", "y" * 500):
        assert auth.session_principal(hub.store, junk) == (ANONYMOUS, None)


def test_sign_out_everywhere_ends_every_session_of_the_account(hub: Hub, people: People) -> None:
    mine = [
        auth.sign_in(hub.store, "viewer@leiden.example", PASSWORD, client)[0]
        for client in (CLIENT, CLIENT, "198.51.100.7")
    ]
    theirs, _ = auth.sign_in(hub.store, "contributor@leiden.example", PASSWORD, CLIENT)
    principal, _ = auth.session_principal(hub.store, mine[0])
    assert auth.sign_out_everywhere(hub.store, principal, CLIENT) == 3
    for token in mine:
        assert auth.session_principal(hub.store, token) == (ANONYMOUS, None)
    assert auth.session_principal(hub.store, theirs)[0].email == "contributor@leiden.example"
    assert auth.sign_out_everywhere(hub.store, ANONYMOUS) == 0


def test_disabling_an_account_ends_its_sessions_and_revokes_its_tokens(hub: Hub, people: People) -> None:
    session, principal = auth.sign_in(hub.store, "contributor@leiden.example", PASSWORD, CLIENT)
    secret, token = auth.create_token(hub.store, principal, principal.email or "", ["read", "contribute"])
    assert auth.token_principal(hub.store, secret) is not None
    identity.disable_user(hub.store, ADMIN, "contributor@leiden.example")
    assert auth.session_principal(hub.store, session) == (ANONYMOUS, None)
    assert auth.token_principal(hub.store, secret) is None
    [listed] = auth.list_tokens(hub.store, ADMIN, "contributor@leiden.example")
    assert listed.id == token.id and listed.revoked_at is not None
    assert _fail(hub, "contributor@leiden.example", password=PASSWORD) == "wrong email or password"
    with pytest.raises(IdentityError):  # and no new token
        auth.create_token(hub.store, ADMIN, "contributor@leiden.example", ["read"])


def test_a_changed_password_signs_in_and_the_old_one_does_not(hub: Hub, people: People) -> None:
    viewer = principal_of(hub, "viewer@leiden.example")
    identity.change_password(hub.store, viewer, PASSWORD, "a brand new passphrase")
    _fail(hub, "viewer@leiden.example", password=PASSWORD)
    _, principal = auth.sign_in(hub.store, "viewer@leiden.example", "a brand new passphrase", CLIENT)
    assert principal.user_id == viewer.user_id


# --- API tokens ---------------------------------------------------------------------------------


def test_a_token_is_shown_once_and_stored_as_its_digest(hub: Hub, people: People) -> None:
    viewer = principal_of(hub, "viewer@leiden.example")
    secret, token = auth.create_token(hub.store, viewer, "viewer@leiden.example", ["read"], 30, "laptop")
    assert secret.startswith("rh_") and len(secret) > 40
    assert (token.name, token.email, token.scopes, token.revoked_at) == (
        "laptop",
        "viewer@leiden.example",
        ("read",),
        None,
    )
    stored = _all_values(hub, "api_tokens")
    assert secret not in stored and hashlib.sha256(secret.encode()).hexdigest() in stored
    assert secret not in _all_values(hub, "audit_log")
    [listed] = auth.list_tokens(hub.store, viewer)
    assert listed.id == token.id and secret not in repr(listed)

    principal = auth.token_principal(hub.store, secret)
    assert principal is not None
    assert (principal.user_id, principal.scopes) == (viewer.user_id, frozenset({"read"}))
    assert principal.clearance == Disclosure.REGISTERED and principal.audiences == {people.shared}
    for junk in ("", "rh_", "rh_" + "a" * 43, secret[3:], secret + "x", "rh_" + "x" * 300):
        assert auth.token_principal(hub.store, junk) is None


def test_scopes_are_validated(hub: Hub, people: People) -> None:
    root = principal_of(hub, "root@hub.example")
    for bad in (["bogus"], [], [""], ["read", "write"], ["Read,everything"]):
        with pytest.raises(IdentityError, match="scopes are"):
            auth.create_token(hub.store, root, "root@hub.example", bad)
    _, token = auth.create_token(hub.store, root, "root@hub.example", [" READ , admin", "read"])
    assert token.scopes == ("read", "admin")
    for days in (0, -1, 367):
        with pytest.raises(IdentityError, match="expires"):
            auth.create_token(hub.store, root, "root@hub.example", ["read"], days)


@pytest.mark.parametrize(
    ("email", "allowed", "refused"),
    [
        ("viewer@leiden.example", {"read"}, {"contribute", "moderate", "admin"}),
        ("contributor@leiden.example", {"read", "contribute"}, {"moderate", "admin"}),
        ("moderator@leiden.example", {"read", "contribute", "moderate"}, {"admin"}),
        ("root@hub.example", {"read", "contribute", "moderate", "admin"}, set()),
    ],
)
def test_a_tokens_scopes_never_exceed_the_accounts_roles(
    hub: Hub, people: People, email: str, allowed: set[str], refused: set[str]
) -> None:
    owner = principal_of(hub, email)
    for scope in sorted(refused):
        with pytest.raises(IdentityError, match="no role for the scope"):
            auth.create_token(hub.store, owner, email, ["read", scope])
        with pytest.raises(IdentityError, match="no role for the scope"):  # an administrator neither
            auth.create_token(hub.store, ADMIN, email, [scope])
    secret, token = auth.create_token(hub.store, owner, email, sorted(allowed))
    assert set(token.scopes) == allowed
    principal = auth.token_principal(hub.store, secret)
    assert principal is not None and principal.scopes == allowed
    assert [t.id for t in auth.list_tokens(hub.store, owner)] == [token.id]  # refused ones: none stored


def test_only_the_account_or_an_administrator_makes_and_revokes_its_tokens(hub: Hub, people: People) -> None:
    viewer = principal_of(hub, "viewer@leiden.example")
    moderator = principal_of(hub, "moderator@leiden.example")
    with pytest.raises(IdentityError, match="may make a token"):
        auth.create_token(hub.store, moderator, "viewer@leiden.example", ["read"])
    with pytest.raises(IdentityError, match="may make a token"):
        auth.create_token(hub.store, ANONYMOUS, "viewer@leiden.example", ["read"])
    with pytest.raises(IdentityError, match="may make a token"):
        auth.create_token(hub.store, ADMIN, "nobody@leiden.example", ["read"])
    _, token = auth.create_token(hub.store, ADMIN, "viewer@leiden.example", ["read"])
    assert [t.id for t in auth.list_tokens(hub.store, viewer)] == [token.id]
    with pytest.raises(identity.IdentityError, match="you may list"):  # not theirs to list
        auth.list_tokens(hub.store, moderator, "viewer@leiden.example")
    with pytest.raises(IdentityError, match="may revoke"):
        auth.revoke_token(hub.store, moderator, token.id)
    with pytest.raises(IdentityError, match="may revoke"):
        auth.revoke_token(hub.store, viewer, "no-such-token")
    auth.revoke_token(hub.store, viewer, token.id)


def test_an_expired_token_is_no_token(hub: Hub, people: People) -> None:
    viewer = principal_of(hub, "viewer@leiden.example")
    secret, _ = auth.create_token(hub.store, viewer, "viewer@leiden.example", ["read"], expires_days=1)
    assert auth.token_principal(hub.store, secret) is not None
    execute(hub, "UPDATE api_tokens SET expires_at = :past", past=shifted_iso(-1))
    assert auth.token_principal(hub.store, secret) is None


def test_a_revoked_token_is_no_token(hub: Hub, people: People) -> None:
    viewer = principal_of(hub, "viewer@leiden.example")
    secret, token = auth.create_token(hub.store, viewer, "viewer@leiden.example", ["read"])
    kept, _ = auth.create_token(hub.store, viewer, "viewer@leiden.example", ["read"])
    auth.revoke_token(hub.store, viewer, token.id)
    assert auth.token_principal(hub.store, secret) is None
    assert auth.token_principal(hub.store, kept) is not None  # only that one
    auth.revoke_token(hub.store, ADMIN, token.id)  # twice: no change, no second audit row
    assert scalar(hub, "SELECT COUNT(*) FROM audit_log WHERE action = 'token.revoke'") == 1


def test_a_token_without_read_reads_only_what_is_public(hub: Hub, people: People) -> None:
    contributor = principal_of(hub, "contributor@leiden.example")
    secret, _ = auth.create_token(hub.store, contributor, "contributor@leiden.example", ["contribute"])
    principal = auth.token_principal(hub.store, secret)
    assert principal is not None and principal.scopes == {"contribute"}
    assert principal.clearance == Disclosure.PUBLIC and principal.audiences == frozenset()
    assert principal.view_key == ANONYMOUS.view_key

    root = principal_of(hub, "root@hub.example")
    secret, _ = auth.create_token(hub.store, root, "root@hub.example", ["admin"])
    principal = auth.token_principal(hub.store, secret)
    assert principal is not None and not principal.sees_everything
    assert principal.view_key == ANONYMOUS.view_key


def test_an_administrators_token_has_admin_powers_only_with_the_admin_scope(hub: Hub) -> None:
    identity.add_user(hub.store, SYSTEM, "root@example.org", None, "viewer", site_admin=True)
    secret_read, _ = auth.create_token(hub.store, SYSTEM, "root@example.org", ["read"])
    secret_admin, _ = auth.create_token(hub.store, SYSTEM, "root@example.org", ["read", "admin"])
    reader = auth.token_principal(hub.store, secret_read)
    admin = auth.token_principal(hub.store, secret_admin)
    assert reader is not None and admin is not None
    assert not reader.site_admin and not reader.sees_everything
    assert admin.site_admin and admin.sees_everything
