"""An account's language (migration 0016) on both engines: set, read back, cleared, refused, audited."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import text

from reaimhub.model import ANONYMOUS, SYSTEM
from reaimhub.services import identity
from reaimhub.services.hub import Hub
from reaimhub.services.identity import IdentityError
from reaimhub.services.preferences import account_language, set_account_language
from tests.conftest import ENGINES

pytestmark = pytest.mark.parametrize("database_url", ENGINES, indirect=True)


def test_an_account_keeps_its_language_and_every_change_is_audited(hub: Hub) -> None:
    org = identity.add_org(
        hub.store, SYSTEM, "Ministry of Foreign Affairs of the Netherlands", "state", "NLD"
    )
    user, token = identity.add_user(hub.store, SYSTEM, "nl@example.org", org.id, "viewer")
    identity.accept_invitation(hub.store, token, "correct horse battery staple")
    with hub.store.read() as conn:
        principal = identity.principal_for(conn, user.id)

    assert account_language(hub.store, user.id) is None, "no choice yet: the browser decides"
    set_account_language(hub.store, principal, "nl", "127.0.0.1")
    assert account_language(hub.store, user.id) == "nl"
    set_account_language(hub.store, principal, "", "127.0.0.1")
    assert account_language(hub.store, user.id) is None

    with pytest.raises(IdentityError, match="unknown language"):
        set_account_language(hub.store, principal, "de")
    with pytest.raises(IdentityError, match="sign in"):
        set_account_language(hub.store, ANONYMOUS, "nl")
    assert account_language(hub.store, user.id) is None, "a refused choice changes nothing"
    assert account_language(hub.store, None) is None

    with hub.store.read() as conn:
        changes = conn.execute(
            text("SELECT before_json, after_json FROM audit_log WHERE action = 'user.language' ORDER BY seq")
        ).all()
    assert [(json.loads(b)["language"], json.loads(a)["language"]) for b, a in changes] == [
        (None, "nl"),
        ("nl", None),
    ]
