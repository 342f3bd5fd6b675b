"""Position proposals: a new position, or a correction to one (same instrument, state and role), by a
signed-in contributor. Shared by web, API and CLI.

A proposal is checked as the importers check a file's row (a known instrument the proposer can see,
a state, a value of the role, a vote only on an instrument that is voted on, an ISO date that is not
in the future), and needs a source: an http(s) URL, or a library document the proposer can see and a
page within its page count; and a note saying what the source shows.

Public and registered proposals wait for a moderator (a contribution of kind `position`, seen until
then by the proposer's organisation and the moderators); approving one applies it at once
(`apply_position`). A moderator's own public proposal applies at once, approved by that moderator.
Applied public and registered positions must stay within the instrument's official tally and
declared number of supporters, checked against the other public and registered positions.

An approved public or registered position takes the place of a restricted one for the same state,
instrument and role (the audit trail keeps the one it replaced).

Restricted and confidential proposals are applied at once, shared as asked, without moderation: they
are seen only by named organisations, as restricted documents are. A state has one position per
instrument and role (the table's unique key), so a restricted proposal may not take the place of a
public or registered position (write a note on the source passage instead, or propose a public
correction); it may correct a restricted position shared exactly as it asks, and is refused when a
position shared otherwise holds the place.

A library document cited as the source must be seen by everyone who will see the position (public or
registered, not above the position's level; or shared exactly as the proposal is): a reader of a
position can always open its source.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection, text

from reaimhub.access import NotFound, require_scope
from reaimhub.clock import now_iso
from reaimhub.coalition.model import (
    SUPPORT_VALUES,
    Instrument,
    PositionValue,
    Role,
    classify_source,
)
from reaimhub.coalition.problems import valid_date
from reaimhub.coalition.reconcile import VoteCheck, check_supporters, check_votes
from reaimhub.i18n import gettext
from reaimhub.model import Disclosure, Principal
from reaimhub.reference import load_states
from reaimhub.services import audit
from reaimhub.services.coalition import INSTRUMENT_COLUMNS, instrument_from_row
from reaimhub.services.contributions import (
    Contribution,
    ContributionError,
    insert_contribution,
    load_contribution,
    sharing_request,
)
from reaimhub.services.hub import Hub
from reaimhub.services.proposal_checks import (
    Source,
    check_instrument,
    check_role_and_value,
    check_source,
    check_state,
)
from reaimhub.services.sharing import MODERATORS, audience_for

__all__ = ["MAX_NOTE_CHARS", "apply_position", "propose_position"]

MAX_NOTE_CHARS = 2_000


def propose_position(
    hub: Hub,
    principal: Principal,
    *,
    instrument_id: str,
    iso3: str,
    role: str,
    value: str,
    as_of: str,
    note: str,
    source_url: str | None = None,
    source_document_uid: str | None = None,
    source_page: int | None = None,
    level: str = "public",
    share_with: Iterable[str] = (),
    org: str | None = None,
) -> Contribution:
    """Propose a position or a correction; returns its contribution (`status` pending, or published
    when it was applied at once). Every problem found is said in one ContributionError."""
    require_scope(principal, "contribute")
    with hub.store.write() as conn:
        sharing = sharing_request(conn, principal, level, org, list(share_with))
        problems: list[str] = []
        instrument = check_instrument(conn, principal, instrument_id, problems)
        state = check_state(iso3, problems)
        parsed_role, parsed_value = check_role_and_value(role, value, instrument, problems)
        as_of = as_of.strip()
        if not valid_date(as_of):
            problems.append(
                f"the date {as_of!r} is not a date (YYYY-MM-DD)" if as_of else "the date is missing"
            )
        elif as_of > now_iso()[:10]:
            problems.append(f"the date {as_of} is in the future")
        note = note.strip()
        if not note:
            problems.append("a proposal needs a note: say what the source shows")
        elif len(note) > MAX_NOTE_CHARS:
            problems.append(f"the note has {len(note):,} characters, at most {MAX_NOTE_CHARS:,}")
        requested_audience = (
            audience_for(conn, sharing.grantees, sharing.owner_org)
            if sharing.disclosure >= Disclosure.RESTRICTED
            else None
        )
        source = check_source(
            conn,
            principal,
            source_url,
            source_document_uid,
            source_page,
            sharing.disclosure,
            requested_audience,
            problems,
        )
        if problems or instrument is None or state is None or parsed_role is None or parsed_value is None:
            raise ContributionError("the proposal cannot be made: " + "; ".join(problems))
        assert source is not None
        existing = _existing(conn, instrument.id, state, parsed_role)
        if existing is not None and (
            existing["value"],
            existing["as_of"],
            existing["citation"],
            existing["disclosure"],
            existing["audience_id"],
        ) == (parsed_value.value, as_of, source.citation, int(sharing.disclosure), requested_audience):
            raise ContributionError(
                f"{state} already has this {parsed_role.value} position on {instrument.id}, from the same "
                "source and date: there is nothing to change"
            )
        restricted = sharing.disclosure >= Disclosure.RESTRICTED
        if restricted:
            _check_restricted_place(existing, state, instrument.id, parsed_role, requested_audience)
        else:
            problem = _reconcile(conn, instrument, state, parsed_role, parsed_value)
            if problem:
                raise ContributionError(
                    gettext("the proposal does not fit the official figures: %(problem)s", problem=problem)
                )
        at_once = restricted or principal.is_moderator
        owner = sharing.owner_org
        pending = None if at_once else audience_for(conn, [f"org:{owner}", MODERATORS], owner)
        contribution_id = insert_contribution(
            conn,
            principal,
            "position",
            status="published" if at_once else "pending",
            org=owner,
            level=int(sharing.disclosure),
            requested_audience=requested_audience,
            disclosure=int(sharing.disclosure),
            audience=requested_audience if at_once else pending,
            details={
                "instrument_id": instrument.id,
                "iso3": state,
                "role": parsed_role.value,
                "value": parsed_value.value,
                "as_of": as_of,
                "source_url": source.url,
                "source_document_id": source.document_id,
                "source_page": source.page,
                "note": note,
            },
        )
        audit.record(
            conn,
            principal,
            "contribution.submit",
            f"contribution:{contribution_id}",
            after={
                "kind": "position",
                "status": "published" if at_once else "pending",
                "org": owner,
                "level": sharing.disclosure.label,
                "instrument": instrument.id,
                "iso3": state,
                "role": parsed_role.value,
                "value": parsed_value.value,
                "as_of": as_of,
                "source": source.citation,
            },
        )
        if at_once:
            approver = principal if principal.is_moderator and not restricted else None
            _apply(conn, principal, approver, contribution_id, int(sharing.disclosure), requested_audience)
        return load_contribution(conn, principal, contribution_id)


def _existing(conn: Connection, instrument_id: str, iso3: str, role: Role) -> dict[str, Any] | None:
    """The position holding the place (whoever may see it), with its source's citation."""
    row = (
        conn.execute(
            text(
                "SELECT p.id, p.value, p.as_of, p.note, p.confidence, p.disclosure, p.audience_id, "
                "p.proposed_by, p.approved_by, s.citation FROM positions p "
                "JOIN sources s ON s.id = p.source_id "
                "WHERE p.instrument_id = :i AND p.iso3 = :c AND p.role = :r"
            ),
            {"i": instrument_id, "c": iso3, "r": role.value},
        )
        .mappings()
        .first()
    )
    return dict(row) if row is not None else None


def _check_restricted_place(
    existing: dict[str, Any] | None, iso3: str, instrument_id: str, role: Role, audience: int | None
) -> None:
    if existing is None or existing["audience_id"] == audience:
        return
    if existing["audience_id"] is None:
        label = Disclosure(int(existing["disclosure"])).label
        raise ContributionError(
            f"{iso3} has a {label} {role.value} position on {instrument_id}: a restricted or confidential "
            "position cannot take its place (a state has one position per instrument and role). Use a "
            "note on the source passage instead, or propose a public correction"
        )
    raise ContributionError(
        f"a {role.value} position of {iso3} on {instrument_id} is already recorded with other sharing: a "
        "state has one position per instrument and role. Use a note on the source passage instead"
    )


def _reconcile(
    conn: Connection, instrument: Instrument, iso3: str, role: Role, value: PositionValue
) -> str | None:
    """The official tally or declared supporters this public or registered position would break, with
    the other public and registered positions of the instrument (rows shared more narrowly are not
    counted, and never named)."""
    states = {s.iso3: s for s in load_states()}
    rows = conn.execute(
        text(
            "SELECT iso3, role, value FROM positions WHERE instrument_id = :i AND audience_id IS NULL "
            "AND disclosure <= :registered"
        ),
        {"i": instrument.id, "registered": int(Disclosure.REGISTERED)},
    ).all()
    if role is Role.VOTE:
        votes = {r.iso3: r.value for r in rows if r.role == Role.VOTE.value}
        votes[iso3] = value.value
        problem = check_votes(VoteCheck(instrument, complete=False), votes, states)
    else:
        preferred = {v.value for v in SUPPORT_VALUES}
        support: dict[str, str] = {}
        others = [r for r in rows if r.role != Role.VOTE.value and (r.role, r.iso3) != (role.value, iso3)]
        for r in others:
            if r.iso3 not in support or r.value in preferred:
                support[r.iso3] = r.value
        if iso3 not in support or value.value in preferred:
            support[iso3] = value.value
        problem = check_supporters(instrument, support, states)
    return problem.message if problem is not None else None


def apply_position(
    conn: Connection, moderator: Principal, contribution_id: str, level: int, audience: int | None
) -> int:
    """Apply an approved position proposal in the moderator's transaction: insert or correct the
    position (value, date, source, note), shared at `level` and `audience`, with who proposed and who
    approved it; audited as `position.change` with before and after. Returns the position's row id."""
    return _apply(conn, moderator, moderator, contribution_id, level, audience)


def _apply(
    conn: Connection,
    actor: Principal,
    approver: Principal | None,
    contribution_id: str,
    level: int,
    audience: int | None,
) -> int:
    row = (
        conn.execute(
            text(
                "SELECT c.instrument_id, c.iso3, c.role, c.value, c.as_of, c.source_url, c.source_page, "
                "c.note, d.uid AS document_uid, u.email FROM contributions c "
                "JOIN users u ON u.id = c.user_id LEFT JOIN documents d ON d.id = c.source_document_id "
                "WHERE c.id = :id AND c.kind = 'position'"
            ),
            {"id": contribution_id},
        )
        .mappings()
        .first()
    )
    if row is None:
        raise NotFound(f"contribution {contribution_id}")
    if row["source_url"] is None and row["document_uid"] is None:
        raise ContributionError(
            gettext("the library document this proposal cites is no longer in the library")
        )
    instrument_row = (
        conn.execute(
            text("SELECT id, " + ", ".join(INSTRUMENT_COLUMNS) + " FROM instruments WHERE id = :id"),
            {"id": row["instrument_id"]},
        )
        .mappings()
        .first()
    )
    if instrument_row is None:
        raise ContributionError(
            gettext("the instrument %(row)s is no longer in the tracker", row=row["instrument_id"])
        )
    role, value = Role(row["role"]), PositionValue(row["value"])
    if level < Disclosure.RESTRICTED:
        problem = _reconcile(conn, instrument_from_row(instrument_row), row["iso3"], role, value)
        if problem:
            raise ContributionError(
                gettext("approving this would not fit the official figures: %(problem)s", problem=problem)
            )
    source = Source(row["source_url"], None, row["document_uid"], row["source_page"])
    source_id = _source_row(conn, source.citation, source.url, level, audience)
    existing = _existing(conn, row["instrument_id"], row["iso3"], role)
    values = {
        "value": value.value,
        "as_of": row["as_of"],
        "source_id": source_id,
        "confidence": classify_source(source.citation).value,
        "note": row["note"],
        "level": level,
        "aud": audience,
        "proposed_by": row["email"],
        "approved_by": audit.person(approver) if approver is not None else None,
    }
    if existing is not None:
        position_id = int(existing["id"])
        conn.execute(
            text(
                "UPDATE positions SET value = :value, as_of = :as_of, source_id = :source_id, "
                "confidence = :confidence, note = :note, disclosure = :level, audience_id = :aud, "
                "proposed_by = :proposed_by, approved_by = :approved_by, import_id = NULL WHERE id = :id"
            ),
            {**values, "id": position_id},
        )
    else:
        position_id = int(
            conn.execute(
                text(
                    "INSERT INTO positions (instrument_id, iso3, role, value, as_of, source_id, confidence, "
                    "note, disclosure, audience_id, proposed_by, approved_by) VALUES (:instrument, :iso3, "
                    ":role, :value, :as_of, :source_id, :confidence, :note, :level, :aud, :proposed_by, "
                    ":approved_by) RETURNING id"
                ),
                {**values, "instrument": row["instrument_id"], "iso3": row["iso3"], "role": role.value},
            ).scalar_one()
        )
    conn.execute(
        text("UPDATE contributions SET position_id = :p WHERE id = :id"),
        {"p": position_id, "id": contribution_id},
    )
    after = {
        "value": value.value,
        "as_of": row["as_of"],
        "source": source.citation,
        "note": row["note"],
        "level": Disclosure(level).label,
        "proposed_by": values["proposed_by"],
        "approved_by": values["approved_by"],
        "contribution": contribution_id,
    }
    before = None
    if existing is not None:
        before = {
            "value": existing["value"],
            "as_of": existing["as_of"],
            "source": existing["citation"],
            "note": existing["note"],
            "level": Disclosure(int(existing["disclosure"])).label,
            "proposed_by": existing["proposed_by"],
            "approved_by": existing["approved_by"],
        }
    audit.record(
        conn,
        actor,
        "position.change",
        f"position:{row['instrument_id']}/{row['iso3']}/{role.value}",
        before=before,
        after=after,
    )
    return position_id


def _source_row(conn: Connection, citation: str, url: str | None, level: int, audience: int | None) -> int:
    """The `sources` row of a citation (one per citation), seen at least by everyone who sees the
    position: an existing row shared more narrowly is opened to the position's level (public or
    registered), or to registered when two audiences cite it. A citation is shown only beside a
    position its reader may see, so opening it shows nothing the proposer did not write."""
    found = conn.execute(
        text("SELECT id, disclosure, audience_id FROM sources WHERE citation = :c"), {"c": citation}
    ).first()
    if found is None:
        return int(
            conn.execute(
                text(
                    "INSERT INTO sources (citation, url, kind, disclosure, audience_id) "
                    "VALUES (:c, :url, :kind, :level, :aud) RETURNING id"
                ),
                {
                    "c": citation,
                    "url": url,
                    "kind": classify_source(citation).value,
                    "level": level,
                    "aud": audience,
                },
            ).scalar_one()
        )
    source_id, current, current_audience = int(found.id), int(found.disclosure), found.audience_id
    if current_audience is None and current <= min(level, Disclosure.REGISTERED):
        return source_id  # seen by everyone who sees the position already
    if audience is not None and current_audience == audience:
        return source_id
    opened = level if audience is None else int(Disclosure.REGISTERED)
    if current_audience is None:
        opened = min(opened, current)
    conn.execute(
        text("UPDATE sources SET disclosure = :level, audience_id = NULL WHERE id = :id"),
        {"level": min(opened, int(Disclosure.REGISTERED)), "id": source_id},
    )
    return source_id
