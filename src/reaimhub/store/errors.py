"""Why the configured store cannot be opened, in one line a person can act on (never a traceback).

`Store` raises `StoreUnavailable` for what a configuration or a server gets wrong: an unsupported or
malformed database URL, a server that does not answer, a refused role or password, a database that does
not exist, a role that may not create the schema or the pgvector extension. The message names the
database without its password; the command line prints it as its one-line error.
"""

from __future__ import annotations

import re

from sqlalchemy.exc import DBAPIError

from reaimhub.settings import shown_url  # the URL without its password (the one rule, for messages)

__all__ = ["StoreUnavailable", "driver_reason", "is_insufficient_privilege", "shown_url"]


class StoreUnavailable(RuntimeError):
    """The configured database cannot be used; the message says which (no password) and why."""


def driver_reason(error: DBAPIError) -> str:
    """The driver's message on one line, without a final full stop: a server error's primary message
    and hint (not the statement it refused), or a failed connection's text without its severity
    ('FATAL:'); no SQLAlchemy background link."""
    diagnostic = getattr(error.orig, "diag", None)  # psycopg's fields of a server error
    primary = getattr(diagnostic, "message_primary", None)
    if primary:
        hint = getattr(diagnostic, "message_hint", None)
        message = f"{primary} ({hint.rstrip('.')})" if hint else primary
    else:  # a connection that failed: the driver's text, which names the host and the cause
        message = str(error.orig) if error.orig is not None else str(error)
        message = re.sub(r"\b(?:FATAL|ERROR):\s+", "", message)
    return " ".join(message.split()).rstrip(".")


def is_insufficient_privilege(error: DBAPIError) -> bool:
    """PostgreSQL's SQLSTATE 42501 (insufficient_privilege): the role may not do what a migration needs."""
    return getattr(error.orig, "sqlstate", None) == "42501"
