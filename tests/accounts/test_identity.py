"""Organisations, groups, accounts, invitations, passwords and the principal of an account
(services.identity), on both engines."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import text

from reaimhub.clock import shifted_iso
from reaimhub.model import ANONYMOUS, ROLES, Disclosure
from reaimhub.services import identity
from reaimhub.services.hub import Hub
from reaimhub.services.identity import ORG_KINDS, IdentityError
from reaimhub.services.sharing import MODERATORS, audience_for
from tests.accounts import ADMIN, PASSWORD, add_member, execute, principal_of, scalar
from tests.conftest import ENGINES

pytestmark = pytest.mark.parametrize("database_url", ENGINES, indirect=True)


# --- organisations ------------------------------------------------------------------------------


def test_an_organisation_has_one_of_the_stakeholder_types(hub: Hub) -> None:
    for n, kind in enumerate(k for k in ORG_KINDS if k != "state"):
        org = identity.add_org(hub.store, ADMIN, f"Organisation {n}", kind)
        assert (org.kind, org.iso3) == (kind, None)
    for bad in ("ngo", "State", "", "government"):
        with pytest.raises(IdentityError, match="stakeholder type"):
            identity.add_org(hub.store, ADMIN, f"Bad {bad}", bad)
    with hub.store.read() as conn:
        kinds = sorted(o.kind for o in identity.list_orgs(conn))
    assert kinds == sorted(k for k in ORG_KINDS if k != "state")


def test_a_state_organisation_is_linked_to_a_valid_iso3(hub: Hub) -> None:
    with pytest.raises(IdentityError, match="ISO3"):
        identity.add_org(hub.store, ADMIN, "Government of Nowhere", "state")
    for bad in ("XYZ", "NL", "NLDX", "   "):
        with pytest.raises(IdentityError):
            identity.add_org(hub.store, ADMIN, "Government of Nowhere", "state", iso3=bad)
    with pytest.raises(IdentityError, match="only a state"):
        identity.add_org(hub.store, ADMIN, "Leiden University", "academia", iso3="NLD")

    org = identity.add_org(hub.store, ADMIN, "Government of the Netherlands", "state", iso3=" nld ")
    assert (org.kind, org.iso3) == ("state", "NLD")
    with hub.store.read() as conn:
        linked = conn.execute(
            text("SELECT a.name_en FROM orgs o JOIN actors a ON a.iso3 = o.iso3 WHERE o.id = :id"),
            {"id": org.id},
        ).scalar()
        assert [o.name for o in identity.list_orgs(conn)] == ["Government of the Netherlands"]
    assert linked is not None and linked.startswith("Netherlands")


def test_duplicate_organisation_names_are_refused(hub: Hub) -> None:
    first = identity.add_org(hub.store, ADMIN, "Leiden University", "academia")
    for same in ("Leiden University", "leiden university", "LEIDEN-UNIVERSITY", " Leiden  University "):
        with pytest.raises(IdentityError, match="exists already"):
            identity.add_org(hub.store, ADMIN, same, "academia")
    with pytest.raises(IdentityError):
        identity.add_org(hub.store, ADMIN, "   ", "academia")
    with pytest.raises(IdentityError):
        identity.add_org(hub.store, ADMIN, "!!!", "academia")
    assert scalar(hub, "SELECT COUNT(*) FROM orgs") == 1
    assert first.id == "leiden-university"


# --- groups -------------------------------------------------------------------------------------


def test_a_group_is_a_named_set_of_organisations(hub: Hub) -> None:
    nld = identity.add_org(hub.store, ADMIN, "Government of the Netherlands", "state", iso3="NLD")
    kor = identity.add_org(hub.store, ADMIN, "Government of the Republic of Korea", "state", iso3="KOR")
    esp = identity.add_org(hub.store, ADMIN, "Government of Spain", "state", iso3="ESP")
    # By id or by name (any case); a repeated organisation counts once.
    troika = identity.add_group(hub.store, ADMIN, "Troika", [nld.id, kor.name.upper(), esp.name, nld.name])
    assert troika.id == "troika"
    assert sorted(troika.orgs) == sorted([nld.id, kor.id, esp.id])
    with hub.store.read() as conn:
        groups = identity.list_groups(conn)
        assert identity.find_org_or_group(conn, "troika") == ("group", "troika")
        assert identity.find_org_or_group(conn, "Government of Spain") == ("org", esp.id)
        with pytest.raises(IdentityError):
            identity.find_org_or_group(conn, "quartet")
    assert [(g.id, sorted(g.orgs)) for g in groups] == [("troika", sorted([nld.id, kor.id, esp.id]))]

    with pytest.raises(IdentityError, match="exists already"):
        identity.add_group(hub.store, ADMIN, "TROIKA", [nld.id])
    with pytest.raises(IdentityError, match="no organisation"):
        identity.add_group(hub.store, ADMIN, "Quartet", [nld.id, "Government of Atlantis"])
    with pytest.raises(IdentityError, match="at least one"):
        identity.add_group(hub.store, ADMIN, "Empty", [])
    assert scalar(hub, "SELECT COUNT(*) FROM org_groups") == 1  # the refused ones left nothing
    assert scalar(hub, "SELECT COUNT(*) FROM org_group_members") == 3


# --- accounts and invitations -------------------------------------------------------------------


def test_accounts_belong_to_an_organisation_with_a_role(hub: Hub) -> None:
    org = identity.add_org(hub.store, ADMIN, "Leiden University", "academia")
    for role in ROLES:
        user, invitation = identity.add_user(hub.store, ADMIN, f"{role}@leiden.example", org.name, role)
        assert user.roles == ((org.id, role),)
        assert not user.active and not user.disabled and not user.site_admin
        assert len(invitation) >= 32
    admin, _ = identity.add_user(hub.store, ADMIN, "root@hub.example", None, "viewer", site_admin=True)
    assert admin.site_admin and admin.roles == ()

    with pytest.raises(IdentityError, match="unknown role"):
        identity.add_user(hub.store, ADMIN, "x@leiden.example", org.id, "owner")
    with pytest.raises(IdentityError, match="organisation"):
        identity.add_user(hub.store, ADMIN, "x@leiden.example", None, "viewer")
    with pytest.raises(IdentityError, match="no organisation"):
        identity.add_user(hub.store, ADMIN, "x@leiden.example", "Oxford", "viewer")
    with pytest.raises(IdentityError, match="exists already"):
        identity.add_user(hub.store, ADMIN, " Viewer@Leiden.Example ", org.id, "viewer")
    for bad in ("not-an-email", "a@b", "a b@c.example", ""):
        with pytest.raises(IdentityError, match="not an email"):
            identity.add_user(hub.store, ADMIN, bad, org.id, "viewer")

    with hub.store.read() as conn:
        users = identity.list_users(conn)
        found = identity.get_user(conn, "EDITOR@leiden.example")
    assert [u.email for u in users] == sorted([f"{r}@leiden.example" for r in ROLES] + ["root@hub.example"])
    assert found is not None and found.roles == ((org.id, "editor"),)


def test_an_invitation_is_accepted_once(hub: Hub) -> None:
    org = identity.add_org(hub.store, ADMIN, "Leiden University", "academia")
    user, invitation = identity.add_user(hub.store, ADMIN, "ann@leiden.example", org.id, "viewer")
    # The store keeps the invitation's digest, never the link's token.
    stored = scalar(hub, "SELECT token_hash FROM invitations WHERE user_id = :u", u=user.id)
    assert stored == identity.token_digest(invitation) != invitation

    accepted = identity.accept_invitation(hub.store, invitation, PASSWORD)
    assert accepted.id == user.id and accepted.active
    with pytest.raises(IdentityError, match="not valid"):
        identity.accept_invitation(hub.store, invitation, "another long passphrase")
    with pytest.raises(IdentityError, match="not valid"):
        identity.accept_invitation(hub.store, "made-up-token-" + "x" * 30, PASSWORD)
    with hub.store.read() as conn:  # the second use did not change the password
        assert identity.check_password(conn, user.id, PASSWORD)
        assert not identity.check_password(conn, user.id, "another long passphrase")


def test_an_invitation_accepted_twice_at_once_is_used_once(hub: Hub) -> None:
    org = identity.add_org(hub.store, ADMIN, "Leiden University", "academia")
    user, invitation = identity.add_user(hub.store, ADMIN, "ann@leiden.example", org.id, "viewer")
    passwords = ("the first passphrase", "the second passphrase")
    start = threading.Barrier(len(passwords))
    accepted: list[str] = []
    refused: list[str] = []

    def accept(password: str) -> None:
        start.wait()
        try:
            identity.accept_invitation(hub.store, invitation, password)
            accepted.append(password)
        except IdentityError:
            refused.append(password)

    threads = [threading.Thread(target=accept, args=(p,)) for p in passwords]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(accepted) == len(refused) == 1
    with hub.store.read() as conn:  # the password is the one whose acceptance succeeded
        assert identity.check_password(conn, user.id, accepted[0])
        assert not identity.check_password(conn, user.id, refused[0])


def test_an_expired_invitation_is_refused(hub: Hub) -> None:
    org = identity.add_org(hub.store, ADMIN, "Leiden University", "academia")
    user, invitation = identity.add_user(hub.store, ADMIN, "ann@leiden.example", org.id, "viewer")
    execute(hub, "UPDATE invitations SET expires_at = :past", past=shifted_iso(-60))
    with pytest.raises(IdentityError, match="not valid"):
        identity.accept_invitation(hub.store, invitation, PASSWORD)
    with hub.store.read() as conn:
        found = identity.get_user(conn, user.email)
    assert found is not None and not found.active


def test_an_invitation_of_a_disabled_account_is_refused(hub: Hub) -> None:
    org = identity.add_org(hub.store, ADMIN, "Leiden University", "academia")
    _, invitation = identity.add_user(hub.store, ADMIN, "ann@leiden.example", org.id, "viewer")
    identity.disable_user(hub.store, ADMIN, "ann@leiden.example")
    with pytest.raises(IdentityError, match="not valid"):
        identity.accept_invitation(hub.store, invitation, PASSWORD)


def test_a_too_short_password_is_refused_and_the_invitation_kept(hub: Hub) -> None:
    org = identity.add_org(hub.store, ADMIN, "Leiden University", "academia")
    user, invitation = identity.add_user(hub.store, ADMIN, "ann@leiden.example", org.id, "viewer")
    for short in ("", "short", "x" * (identity.MIN_PASSWORD - 1)):
        with pytest.raises(IdentityError, match="at least"):
            identity.accept_invitation(hub.store, invitation, short)
    with pytest.raises(IdentityError, match="at most"):
        identity.accept_invitation(hub.store, invitation, "x" * 1025)
    assert scalar(hub, "SELECT password_hash FROM users WHERE id = :u", u=user.id) is None
    assert identity.accept_invitation(hub.store, invitation, "x" * identity.MIN_PASSWORD).active


def test_the_password_is_stored_as_an_argon2id_hash_never_as_itself(hub: Hub) -> None:
    org = identity.add_org(hub.store, ADMIN, "Leiden University", "academia")
    _, invitation = identity.add_user(hub.store, ADMIN, "ann@leiden.example", org.id, "viewer")
    user = identity.accept_invitation(hub.store, invitation, PASSWORD)
    stored = scalar(hub, "SELECT password_hash FROM users WHERE id = :u", u=user.id)
    assert stored.startswith("$argon2id$")
    assert PASSWORD not in stored
    # Nowhere else either: not in the audit trail, not in the invitation.
    with hub.store.read() as conn:
        for table in ("users", "invitations", "audit_log"):
            for row in conn.execute(text(f"SELECT * FROM {table}")):
                assert all(PASSWORD not in str(value) for value in row), table
        assert identity.check_password(conn, user.id, PASSWORD)
        assert not identity.check_password(conn, user.id, PASSWORD.upper())


def test_change_password_needs_the_current_one(hub: Hub) -> None:
    org = identity.add_org(hub.store, ADMIN, "Leiden University", "academia")
    user = add_member(hub, "ann@leiden.example", org.id)
    ann = principal_of(hub, user.email)
    with pytest.raises(IdentityError, match="current password"):
        identity.change_password(hub.store, ann, "not the password", "a brand new passphrase")
    with pytest.raises(IdentityError, match="at least"):
        identity.change_password(hub.store, ann, PASSWORD, "short")
    with pytest.raises(IdentityError, match="sign in"):
        identity.change_password(hub.store, ANONYMOUS, PASSWORD, "a brand new passphrase")
    identity.change_password(hub.store, ann, PASSWORD, "a brand new passphrase")
    with hub.store.read() as conn:
        assert identity.check_password(conn, user.id, "a brand new passphrase")
        assert not identity.check_password(conn, user.id, PASSWORD)


# --- principals ---------------------------------------------------------------------------------


def test_the_principal_has_the_accounts_organisations_roles_and_groups(hub: Hub) -> None:
    nld = identity.add_org(hub.store, ADMIN, "Government of the Netherlands", "state", iso3="NLD")
    kor = identity.add_org(hub.store, ADMIN, "Government of the Republic of Korea", "state", iso3="KOR")
    uni = identity.add_org(hub.store, ADMIN, "Leiden University", "academia")
    identity.add_group(hub.store, ADMIN, "Troika", [nld.id, kor.id])
    identity.add_group(hub.store, ADMIN, "Dutch partners", [nld.id, uni.id])
    add_member(hub, "piet@nld.example", nld.id, "editor")
    add_member(hub, "ann@leiden.example", uni.id, "viewer")
    add_member(hub, "root@hub.example", None, site_admin=True)

    piet = principal_of(hub, "piet@nld.example")
    assert piet.email == "piet@nld.example" and piet.user_id is not None
    assert piet.roles == ((nld.id, "editor"),) and piet.orgs == (nld.id,)
    assert piet.groups == frozenset({"troika", "dutch-partners"})
    assert piet.clearance == Disclosure.REGISTERED and not piet.sees_everything and not piet.site_admin
    assert piet.has_role(nld.id, "contributor") and not piet.has_role(nld.id, "moderator")
    assert not piet.has_role(uni.id, "viewer") and not piet.is_moderator
    assert piet.scopes is None

    ann = principal_of(hub, "ann@leiden.example")
    assert ann.groups == frozenset({"dutch-partners"}) and ann.role_in(uni.id) == "viewer"

    root = principal_of(hub, "root@hub.example")
    assert root.site_admin and root.sees_everything and root.clearance == Disclosure.CONFIDENTIAL
    assert root.is_moderator and root.has_role(nld.id, "admin")
    # Nothing is shared with anyone yet: the two members see the same rows, the administrator all.
    assert piet.audiences == ann.audiences == frozenset()
    assert piet.view_key == ann.view_key != root.view_key


def test_the_principals_audiences_are_those_that_reach_it(hub: Hub) -> None:
    nld = identity.add_org(hub.store, ADMIN, "Government of the Netherlands", "state", iso3="NLD")
    kor = identity.add_org(hub.store, ADMIN, "Government of the Republic of Korea", "state", iso3="KOR")
    acme = identity.add_org(hub.store, ADMIN, "Acme Defence", "industry")
    identity.add_group(hub.store, ADMIN, "Troika", [nld.id, kor.id])
    piet = add_member(hub, "piet@nld.example", nld.id, "viewer")
    add_member(hub, "mod@acme.example", acme.id, "moderator")
    add_member(hub, "bob@acme.example", acme.id, "editor")
    with hub.store.write() as conn:
        to_nld = audience_for(conn, [f"org:{nld.id}"], nld.id)
        to_troika = audience_for(conn, [f"org:{acme.id}", "group:troika"], acme.id)
        to_piet = audience_for(conn, [f"user:{piet.id}"])
        to_kor = audience_for(conn, [f"org:{kor.id}"], kor.id)
        to_acme = audience_for(conn, [f"org:{acme.id}"], acme.id)
        pending = audience_for(conn, [f"org:{kor.id}", MODERATORS], kor.id)
        assert audience_for(conn, ["group:troika", f"org:{acme.id}"]) == to_troika  # one per set
        assert audience_for(conn, []) is None

    assert principal_of(hub, "piet@nld.example").audiences == {to_nld, to_troika, to_piet}
    assert principal_of(hub, "mod@acme.example").audiences == {to_troika, to_acme, pending}
    assert principal_of(hub, "bob@acme.example").audiences == {to_troika, to_acme}  # an editor: no pending
    assert to_kor not in principal_of(hub, "mod@acme.example").audiences


def test_a_disabled_or_unknown_account_is_anonymous(hub: Hub) -> None:
    org = identity.add_org(hub.store, ADMIN, "Leiden University", "academia")
    user = add_member(hub, "ann@leiden.example", org.id, "editor")
    assert not principal_of(hub, user.email).is_anonymous
    disabled = identity.disable_user(hub.store, ADMIN, " ANN@leiden.example")
    assert disabled.disabled
    assert principal_of(hub, user.email) == ANONYMOUS
    with hub.store.read() as conn:
        assert identity.principal_for(conn, "no-such-user") == ANONYMOUS
    with pytest.raises(IdentityError, match="no account"):
        identity.disable_user(hub.store, ADMIN, "nobody@leiden.example")
