"""Disclosure, enforced in one place.

Every read query that returns content, snippets, counts or facets filters its rows with
`visible(alias, principal)`. Nothing else decides who sees what. It fails closed: a missing principal
is an error, and rows carry the strictest level of whatever they were derived from.
"""

from __future__ import annotations

from typing import Any

from reaimhub.model import ANONYMOUS, SYSTEM, Disclosure, Principal

__all__ = ["ANONYMOUS", "SYSTEM", "NotFound", "visible"]


class NotFound(LookupError):
    """Raised for rows that do not exist *or* that the principal may not see: existence is not revealed."""


def visible(alias: str, principal: Principal) -> tuple[str, dict[str, Any]]:
    """SQL predicate and its parameters: rows of `alias` that `principal` may see."""
    if not isinstance(principal, Principal):  # fail closed on a forgotten viewer
        raise TypeError("every read needs a Principal")
    if not alias.isidentifier():
        raise ValueError(f"bad table alias {alias!r}")
    level = int(Disclosure(principal.clearance))
    return f"{alias}.disclosure <= :_clearance", {"_clearance": level}
