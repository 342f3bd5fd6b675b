"""Checks of a position proposal, as the importers check a file's row: a known instrument the proposer
can see, a state (by code or name, with suggestions), a value of the role, a vote only on an instrument
that is voted on, and a source (an http(s) URL, or a library document the proposer can see and a page
within its page count). Each check adds what is wrong to a list of problems, so one answer says all."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from sqlalchemy import Connection, text

from reaimhub.access import visible
from reaimhub.coalition.matching import default_matcher
from reaimhub.coalition.model import (
    ROLE_OF,
    VOTE_KINDS,
    Instrument,
    PositionValue,
    Role,
    parse_position,
)
from reaimhub.model import Disclosure, Principal
from reaimhub.services.coalition import INSTRUMENT_COLUMNS, instrument_from_row

__all__ = [
    "MAX_URL_CHARS",
    "Source",
    "blank",
    "check_instrument",
    "check_role_and_value",
    "check_source",
    "check_state",
    "document_citation",
    "values_of",
]

MAX_URL_CHARS = 2_000


def values_of(role: Role) -> list[PositionValue]:
    """The position values a role takes (vote: yes, no, abstain, non_voting; ...)."""
    return [value for value, its_role in ROLE_OF.items() if its_role is role]


def document_citation(uid: str, page: int) -> str:
    """How a library document and page are cited as a position's source."""
    return f"library document {uid}, page {page}"


@dataclass(frozen=True)
class Source:
    url: str | None
    document_id: int | None
    document_uid: str | None
    page: int | None

    @property
    def citation(self) -> str:
        if self.url is not None:
            return self.url
        assert self.document_uid is not None and self.page is not None
        return document_citation(self.document_uid, self.page)


def blank(value: str | None) -> str | None:
    value = (value or "").strip()
    return value or None


def check_instrument(
    conn: Connection, principal: Principal, instrument_id: str, problems: list[str]
) -> Instrument | None:
    wanted = instrument_id.strip()
    if not wanted:
        problems.append("the instrument is missing")
        return None
    vis, params = visible("i", principal)
    columns = ", ".join(f"i.{c}" for c in ("id", *INSTRUMENT_COLUMNS))
    row = (
        conn.execute(
            text(
                f"SELECT {columns} FROM instruments i WHERE (i.id = :id OR UPPER(i.id) = UPPER(:id) "
                f"OR UPPER(i.symbol) = UPPER(:id)) AND {vis} ORDER BY i.id"
            ),
            {**params, "id": wanted},
        )
        .mappings()
        .first()
    )
    if row is None:
        problems.append(f"{wanted!r} is not an instrument of the tracker (see /instruments)")
        return None
    return instrument_from_row(row)


def check_state(written: str, problems: list[str]) -> str | None:
    written = written.strip()
    if not written:
        problems.append("the state is missing")
        return None
    matcher = default_matcher()
    match = matcher.by_code(written) if len(written) <= 3 else matcher.by_name(written)
    if match.state is None:
        match = matcher.by_name(written)
    if match.iso3 is None:
        suggestions = matcher.suggest(written)
        hint = f" (did you mean: {', '.join(suggestions)}?)" if suggestions else ""
        problems.append(f"{written!r} is not a state we know{hint}; give its ISO3 code or its name")
        return None
    return match.iso3


def check_role_and_value(
    role: str, value: str, instrument: Instrument | None, problems: list[str]
) -> tuple[Role | None, PositionValue | None]:
    """The role (taken from the value when not given) and a value of that role."""
    parsed_value = parse_position(value) if value.strip() else None
    parsed_role: Role | None
    if role.strip():
        try:
            parsed_role = Role(role.strip().lower())
        except ValueError:
            problems.append(f"the role {role!r} is not one of: {', '.join(r.value for r in Role)}")
            return None, None
    elif parsed_value is not None:
        parsed_role = parsed_value.role
    else:
        problems.append(f"the role is missing: one of {', '.join(r.value for r in Role)}")
        return None, None
    allowed = ", ".join(v.value for v in values_of(parsed_role))
    if parsed_value is None:
        problems.append(f"the value {value!r} is not a {parsed_role.value} position: one of {allowed}")
    elif parsed_value.role is not parsed_role:
        problems.append(
            f"{parsed_value.value!r} is a {parsed_value.role.value} position, not a {parsed_role.value} "
            f"one ({allowed})"
        )
        parsed_value = None
    if parsed_role is Role.VOTE and instrument is not None and instrument.kind not in VOTE_KINDS:
        problems.append(f"{instrument.id} ({instrument.kind}) is not voted on: a vote cannot be recorded")
        parsed_value = None
    return parsed_role, parsed_value


def check_source(
    conn: Connection,
    principal: Principal,
    url: str | None,
    document_uid: str | None,
    page: int | None,
    level: Disclosure,
    audience: int | None,
    problems: list[str],
) -> Source | None:
    url, document_uid = blank(url), blank(document_uid)
    if url is None and document_uid is None:
        problems.append(
            "a proposal needs a source: a URL (http or https) or a library document and a page in it"
        )
        return None
    if url is not None and document_uid is not None:
        problems.append("give one source: a URL or a library document and page, not both")
        return None
    if url is not None:
        parts = urlsplit(url)
        if parts.scheme.lower() not in ("http", "https") or not parts.netloc or " " in url:
            problems.append(f"the source {url!r} is not an http or https URL")
            return None
        if len(url) > MAX_URL_CHARS:
            problems.append(f"the source URL is longer than {MAX_URL_CHARS:,} characters")
            return None
        return Source(url, None, None, None)
    assert document_uid is not None
    vis, params = visible("d", principal)
    doc = conn.execute(
        text(
            "SELECT d.id, d.uid, d.page_count, d.disclosure, d.audience_id FROM documents d "
            f"WHERE d.uid = :uid AND d.status = 'ok' AND {vis}"
        ),
        {**params, "uid": document_uid},
    ).first()
    if doc is None:  # the same words for a document that does not exist and one not visible
        problems.append(f"there is no library document {document_uid!r} that you can see")
        return None
    if page is None:
        problems.append(f"give the page of library document {document_uid} that shows the position")
        return None
    if not 1 <= page <= int(doc.page_count):
        problems.append(
            f"page {page} is not in library document {document_uid}: it has {doc.page_count} "
            f"page{'' if doc.page_count == 1 else 's'}"
        )
        return None
    open_enough = (
        doc.audience_id is None and int(doc.disclosure) <= min(int(level), Disclosure.REGISTERED)
    ) or (audience is not None and doc.audience_id == audience)
    if not open_enough:
        problems.append(
            f"library document {document_uid} is seen by fewer people than this {level.label} position "
            "would be, so they could not open its source: cite a URL, or share the proposal as the "
            "document is shared"
        )
        return None
    return Source(None, int(doc.id), str(doc.uid), page)
