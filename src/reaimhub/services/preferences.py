"""An account's preferences: the language it reads the portal in (migration 0016)."""

from __future__ import annotations

from sqlalchemy import text

from reaimhub.i18n import LOCALES, gettext
from reaimhub.model import Principal
from reaimhub.services import audit
from reaimhub.services.identity import IdentityError
from reaimhub.store import Store

__all__ = ["account_language", "set_account_language"]


def account_language(store: Store, user_id: str | None) -> str | None:
    """The language the account chose (`en`, `nl`), or None: follow the browser."""
    if not user_id:
        return None
    with store.read() as conn:
        value = conn.execute(text("SELECT language FROM users WHERE id = :id"), {"id": user_id}).scalar()
    return value if isinstance(value, str) and value in LOCALES else None


def set_account_language(
    store: Store, principal: Principal, language: str | None, client: str | None = None
) -> None:
    """Set (or with None or "" clear) the account's language; audited."""
    if principal.user_id is None:
        raise IdentityError(gettext("sign in to choose a language"))
    chosen = language or None
    if chosen is not None and chosen not in LOCALES:
        raise IdentityError(
            gettext(
                "unknown language %(code)s (choose one of: %(known)s)", code=chosen, known=", ".join(LOCALES)
            )
        )
    with store.write() as conn:
        before = conn.execute(
            text("SELECT language FROM users WHERE id = :id"), {"id": principal.user_id}
        ).scalar()
        conn.execute(
            text("UPDATE users SET language = :language WHERE id = :id"),
            {"language": chosen, "id": principal.user_id},
        )
        audit.record(
            conn,
            principal,
            "user.language",
            f"user:{principal.email}",
            before={"language": before},
            after={"language": chosen},
            client=client,
        )
