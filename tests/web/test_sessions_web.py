"""Session cookies and password changes through the portal."""

from __future__ import annotations

import re
from collections.abc import Callable

from fastapi import FastAPI

from tests.web.conftest import PASSWORD, Client


def test_the_session_cookie_is_httponly_lax_and_secure_only_over_https(app: FastAPI) -> None:
    plain = Client(app)
    try:
        plain.csrf()
        signed = plain.form("/sign-in", {"email": "viewer@example.org", "password": PASSWORD})
        cookie = signed.headers["set-cookie"]
        assert "HttpOnly" in cookie and re.search(r"SameSite=lax", cookie, re.I) and "Secure" not in cookie
    finally:
        plain.close()


def test_changing_the_password_signs_out_the_other_sessions(as_user: Callable[[str], Client]) -> None:
    laptop, phone = as_user("ngo@example.org"), as_user("ngo@example.org")
    assert phone.get("/account").status_code == 200
    new = "a different long passphrase"
    changed = laptop.form("/account/password", {"current": PASSWORD, "new": new})
    assert changed.status_code == 200 and re.search(
        r"\b[1-9]\d* other session\(s\) were signed out", changed.text
    )
    assert laptop.get("/account").status_code == 200, "the session that changed it stays"
    assert phone.get("/account").status_code == 303, "the other one must sign in again"
    back = laptop.form("/account/password", {"current": new, "new": PASSWORD})
    assert back.status_code == 200
