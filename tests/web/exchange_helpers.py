"""Helpers of the exchange tests: a unique marker word, a contribution uploaded through the API, and the
number of documents a viewer finds for a word."""

from __future__ import annotations

import uuid
from typing import Any

from tests.web.conftest import Client


def marker(prefix: str = "zy") -> str:
    """A word found in no other document (letters only, so every tokenizer keeps it whole)."""
    return prefix + "".join(chr(ord("a") + int(c, 16)) for c in uuid.uuid4().hex[:12])


def upload(
    user: Client, word: str, disclosure: str = "public", share_with: list[str] | None = None
) -> dict[str, Any]:
    """A small Markdown contribution about `word`, through the API with the session's CSRF header."""
    text = (
        f"# Exchange paper {word}\n\nThis paper on {word} sets out how states keep meaningful human control "
        "over military uses of artificial intelligence, and how the troika partners share what they learn.\n"
    )
    response = user.post(
        "/api/v1/documents",
        files={"file": (f"{word}.md", text.encode())},
        data={"disclosure": disclosure, "share_with": share_with or []},
        headers={"x-csrftoken": user.csrf()},
    )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def total(user: Client, word: str) -> int:
    response = user.get("/api/v1/search", params={"q": word, "mode": "lexical"})
    assert response.status_code == 200, response.text
    return int(response.json()["total_documents"])
