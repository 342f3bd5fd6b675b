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

from sqlalchemy import TextClause, text

from reaimhub.i18n import gettext
from reaimhub.model import ANONYMOUS, SYSTEM, Disclosure, Principal

__all__ = [
    "ANONYMOUS",
    "SYSTEM",
    "Forbidden",
    "NotFound",
    "Unauthenticated",
    "require_scope",
    "visible",
    "visible_clause",
]


class NotFound(LookupError):
    """Raised for rows that do not exist *or* that the principal may not see: existence is not revealed."""


class Unauthenticated(PermissionError):
    """A write (or an account page) by someone not signed in: HTTP 401."""


class Forbidden(PermissionError):
    """A write the principal's roles or token scopes do not allow: HTTP 403. Only for actions on what
    the principal may see (or on nothing in particular): otherwise NotFound."""


def require_scope(principal: Principal, scope: str) -> None:
    """A write with an API token needs the token's scope for it (sessions and the CLI have no scopes)."""
    if principal.is_anonymous:
        raise Unauthenticated(gettext("sign in (or send an API token) to do this"))
    if principal.scopes is not None and scope not in principal.scopes:
        raise Forbidden(gettext("this API token does not have the scope %(scope)s", scope=repr(scope)))


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


def visible_clause(alias: str, principal: Principal) -> TextClause:
    """`visible(alias, principal)` with its values bound, as a clause of a query built with SQLAlchemy
    Core over a table aliased `alias` (`documents.alias("d")`)."""
    predicate, params = visible(alias, principal)
    return text(predicate).bindparams(**params)
