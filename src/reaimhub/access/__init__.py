"""Disclosure, enforced in one place.

Every read query that returns content, snippets, counts or facets filters its rows with
`visible(alias, principal)`. Nothing else decides who sees what. It fails closed: a missing principal
is an error, a row at a level above `registered` is seen only through an audience it is shared with
(or by those who see everything), and rows carry the strictest level of whatever they were derived from.

A row is visible when
- it has no audience and its level is within the principal's clearance (public to everyone,
  registered to any signed-in account), or
- its audience is one the principal belongs to (restricted and confidential rows, contributions
  awaiting moderation: `Principal.audiences`), or
- the principal sees everything (site administrators, the local administrator).
"""

from __future__ import annotations

from typing import Any

from reaimhub.model import ANONYMOUS, SYSTEM, Disclosure, Principal

__all__ = ["ANONYMOUS", "SYSTEM", "NotFound", "visible"]


class NotFound(LookupError):
    """Raised for rows that do not exist *or* that the principal may not see: existence is not revealed."""


def visible(alias: str, principal: Principal) -> tuple[str, dict[str, Any]]:
    """SQL predicate and its parameters: rows of `alias` that `principal` may see. Every call for the
    same principal yields the same parameters, so predicates on several aliases share one dict."""
    if not isinstance(principal, Principal):  # fail closed on a forgotten viewer
        raise TypeError("every read needs a Principal")
    if not alias.isidentifier():
        raise ValueError(f"bad table alias {alias!r}")
    if principal.sees_everything:
        return f"{alias}.disclosure <= :_clearance", {"_clearance": int(Disclosure.CONFIDENTIAL)}
    clearance = min(int(principal.clearance), int(Disclosure.REGISTERED))
    params: dict[str, Any] = {"_clearance": clearance}
    predicate = f"({alias}.audience_id IS NULL AND {alias}.disclosure <= :_clearance)"
    if principal.audiences:
        names = []
        for n, audience in enumerate(sorted(principal.audiences)):
            params[f"_aud{n}"] = int(audience)
            names.append(f":_aud{n}")
        predicate = f"({predicate} OR {alias}.audience_id IN ({', '.join(names)}))"
    return predicate, params
