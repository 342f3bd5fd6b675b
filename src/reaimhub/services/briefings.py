"""Briefings drafted from the data: `draft` reads, as the briefing's audience, what the coalition
services and the library hold and puts it into a `Briefing` (every figure with its footnote); the
store keeps briefings (`create_briefing`, `get_briefing`, `list_briefings`), each visible to its own
audience only.

Nothing here writes prose that passes for fact: the words around figures are fixed per language
(`reaimhub.briefings.labels`), and what a person must write is a `Placeholder`.
"""

from __future__ import annotations

import dataclasses
import json
import secrets
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, text

from reaimhub.access import NotFound, visible
from reaimhub.briefings import redact
from reaimhub.briefings.changes import with_changes
from reaimhub.briefings.diff import briefing_from_json, diff
from reaimhub.briefings.formatting import format_date, format_period
from reaimhub.briefings.labels import BESLISNOTA_SECTIONS, META_LABELS, TOPICS, label
from reaimhub.briefings.model import (
    TEMPLATES,
    Block,
    Briefing,
    BriefingSpec,
    Placeholder,
    Section,
)
from reaimhub.briefings.parliament import ORIGIN_MOTION, REQUEST
from reaimhub.clock import latest, now_iso
from reaimhub.i18n import gettext
from reaimhub.model import ANONYMOUS, Disclosure, Principal
from reaimhub.services import audit
from reaimhub.services.briefing_audience import Audience, BriefingError, audience_principal, audience_title
from reaimhub.services.briefing_content import (
    FactData,
    Notes,
    earlier_letters,
    esc,
    read_facts,
    topic_blocks,
)
from reaimhub.services.hub import Hub
from reaimhub.services.sharing import audience_for
from reaimhub.shapes.briefings import BriefingDetailOut, BriefingFigureOut, BriefingSummaryOut

__all__ = [
    "BriefingError",
    "StoredBriefing",
    "audience_principal",
    "create_briefing",
    "draft",
    "get_briefing",
    "list_briefings",
    "public_twin",
]

# --- the templates' sections ---------------------------------------------------------------------


def _intro(
    notes: Notes, data: FactData, spec: BriefingSpec, request_key: str = "intro.request"
) -> list[Block]:
    lang = notes.language
    motion = notes.figure(
        "parliament:origin",
        f"{ORIGIN_MOTION.what[lang]} ({ORIGIN_MOTION.reference})",
        ORIGIN_MOTION.reference,
        ORIGIN_MOTION.reference,
        ORIGIN_MOTION.date,
        url=ORIGIN_MOTION.url,
    )
    request = f"{REQUEST.what[lang]} ({REQUEST.reference})"
    # The data describes events and instruments in English (as their sources do): a Dutch text says
    # so where the writer must act, rather than passing a machine translation off as the source.
    translate = (
        [Block("placeholder", placeholder=Placeholder(label(lang, "translate")))] if lang == "nl" else []
    )
    unverified = (
        [Block("placeholder", placeholder=Placeholder(f"{REQUEST.reference}: {REQUEST.note[lang]}"))]
        if not REQUEST.verified and request_key != "intro.request"  # a letter says it in its header
        else []
    )
    return [
        Block("paragraph", esc(label(lang, request_key, request=request))),
        *unverified,
        Block(
            "paragraph",
            label(lang, "intro.origin", motion="{0}", date=esc(format_date(ORIGIN_MOTION.date, lang))),
            (motion,),
        ),
        *earlier_letters(notes, data),
        Block(
            "paragraph",
            esc(
                label(
                    lang,
                    "intro.period",
                    start=format_date(spec.date_from, lang),
                    end=format_date(spec.date_to, lang),
                )
            ),
        ),
        *translate,
    ]


def _topics(spec: BriefingSpec) -> tuple[str, ...]:
    unknown = [t for t in spec.topics if t not in TOPICS]
    if unknown:
        raise BriefingError(
            gettext(
                "unknown topic %(join)s; expected some of %(join2)s",
                join=", ".join(unknown),
                join2=", ".join(TOPICS),
            )
        )
    return tuple(t for t in TOPICS if t in spec.topics) if spec.topics else TOPICS


def _beslisnota(
    hub: Hub, audience: Audience, notes: Notes, data: FactData, spec: BriefingSpec
) -> list[Section]:
    lang = notes.language
    sections = {key: Section(key, title, [], level) for key, title, level in BESLISNOTA_SECTIONS}
    sections["aanleiding"].blocks.extend(_intro(notes, data, spec, "intro.request.note"))
    sections["geadviseerd_besluit"].blocks.append(Block("paragraph", esc(label(lang, "decision"))))
    kern = sections["kernpunten"].blocks
    kern.append(Block("paragraph", esc(label(lang, "kernpunten.intro"))))
    for topic in _topics(spec):
        kern.append(Block("heading", esc(label(lang, f"topic.{topic}"))))
        kern.extend(
            dataclasses.replace(b, depth=b.depth + 1) if b.kind == "heading" else b
            for b in topic_blocks(hub, audience, notes, data, spec, topic)
        )
    for key, prompt in (
        ("financieel", "fill.financial"),
        ("juridisch", "fill.legal"),
        ("communicatie", "fill.communication"),
        ("uitvoering", "fill.execution"),
    ):
        sections[key].blocks.append(Block("placeholder", placeholder=Placeholder(label(lang, prompt))))
    withheld = sections["niet_openbaar"].blocks
    restricted = [f for f in notes.footnotes if f.restricted]
    if audience.is_public or not restricted:
        withheld.append(Block("paragraph", esc(label(lang, "not_public.none"))))
    else:
        withheld.append(Block("paragraph", esc(label(lang, "not_public.some"))))
        withheld.extend(Block("item", esc(f"[{f.number}] {f.source}")) for f in restricted)
        withheld.append(Block("placeholder", placeholder=Placeholder(label(lang, "not_public.ground"))))
    return list(sections.values())


def _letter(hub: Hub, audience: Audience, notes: Notes, data: FactData, spec: BriefingSpec) -> list[Section]:
    lang = notes.language
    intro = Section("inleiding", "", _intro(notes, data, spec), 1)
    return [intro] + [
        Section(topic, label(lang, f"topic.{topic}"), topic_blocks(hub, audience, notes, data, spec, topic))
        for topic in _topics(spec)
    ]


def _note(hub: Hub, audience: Audience, notes: Notes, data: FactData, spec: BriefingSpec) -> list[Section]:
    lang = notes.language
    period = label(
        lang,
        "intro.period.note",
        start=format_date(spec.date_from, lang),
        end=format_date(spec.date_to, lang),
    )
    summary = Section(
        "summary",
        "Summary" if lang == "en" else "Samenvatting",
        [
            Block("paragraph", esc(period)),
            Block(
                "placeholder",
                placeholder=Placeholder(
                    "Key messages for partners (to be written by the drafter)"
                    if lang == "en"
                    else "Kernboodschappen (door de opsteller)"
                ),
            ),
        ],
    )
    return [summary] + [
        Section(topic, label(lang, f"topic.{topic}"), topic_blocks(hub, audience, notes, data, spec, topic))
        for topic in _topics(spec)
    ]


def _sections(hub: Hub, audience: Audience, spec: BriefingSpec) -> tuple[Notes, list[Section]]:
    data = read_facts(hub, audience.principal, spec)
    notes = Notes(spec.language)
    builders = {"kamerbrief": _letter, "beslisnota": _beslisnota, "note": _note}
    return notes, builders[spec.template](hub, audience, notes, data, spec)


def _mark_restricted(section: Section, public_values: dict[str, str]) -> Section:
    blocks = []
    for block in section.blocks:
        figures = tuple(
            f
            if f.restricted or public_values.get(f.key) == f.value
            else dataclasses.replace(f, restricted=True)
            for f in block.figures
        )
        blocks.append(dataclasses.replace(block, figures=figures) if figures != block.figures else block)
    return Section(section.key, section.title, blocks, section.level)


def draft(hub: Hub, actor: Principal, spec: BriefingSpec) -> Briefing:
    """Draft a briefing from the data the spec's audience may see. `actor` is who asks (recorded when
    the briefing is stored); the content is read as the audience, never as the actor."""
    if spec.template not in TEMPLATES:
        raise BriefingError(
            gettext(
                "unknown template %(template)s; expected one of %(join)s",
                template=repr(spec.template),
                join=", ".join(TEMPLATES),
            )
        )
    if spec.language not in ("nl", "en"):
        raise BriefingError(
            gettext("unknown language %(language)s; expected nl or en", language=repr(spec.language))
        )
    if spec.date_from > spec.date_to:
        raise BriefingError(
            gettext(
                "the period ends (%(date_to)s) before it starts (%(date_from)s)",
                date_to=spec.date_to,
                date_from=spec.date_from,
            )
        )
    _topics(spec)
    with hub.store.read() as conn:
        audience = audience_principal(conn, spec.audience)
        audience_label = audience_title(conn, audience, spec.language)
    notes, sections = _sections(hub, audience, spec)
    if not audience.is_public:
        # What a non-public audience is told beyond what the public would be told rests on non-public
        # material: each figure the public draft lacks, or shows with another value, is marked
        # restricted (the public twin withholds it), whatever row it came from.
        _, public_sections = _sections(hub, Audience("public", ANONYMOUS, Disclosure.PUBLIC), spec)
        public_values = {f.key: f.value for s in public_sections for b in s.blocks for f in b.figures}
        sections = [_mark_restricted(section, public_values) for section in sections]
    created = now_iso()
    lang = spec.language
    meta: dict[str, Any] = {
        "audience": audience.name,
        "audience_label": audience_label,
        "date": format_date(created[:10], lang),
        "period": format_period(spec.date_from, spec.date_to, lang),
        "subject": label(lang, "title.kamerbrief"),
        "request": {
            "reference": REQUEST.reference,
            "verified": REQUEST.verified,
            "note": REQUEST.note[lang],
        },
        "origin": {
            "reference": ORIGIN_MOTION.reference,
            "url": ORIGIN_MOTION.url,
            "date": ORIGIN_MOTION.date,
        },
        "labels": {k: label(lang, k) for k in META_LABELS},
    }
    return Briefing(
        id=secrets.token_hex(8),
        spec=spec,
        title=label(lang, f"title.{spec.template}"),
        created_at=created,
        as_of=latest(f.as_of for f in notes.footnotes) or created[:10],
        sections=sections,
        footnotes=notes.footnotes,
        meta=meta,
    )


# --- storing briefings ---------------------------------------------------------------------------


@dataclass(frozen=True)
class StoredBriefing:
    """A briefing as kept: its row's fields and its frozen body (`Briefing.as_json()`)."""

    id: str
    template: str
    language: str
    audience: str
    date_from: str
    date_to: str
    status: str
    previous_id: str | None
    created_by: str
    created_at: str
    body: dict[str, Any]

    def summary(self) -> BriefingSummaryOut:
        """Its row, its title and as-of date, and how many figures and footnotes it holds."""
        return BriefingSummaryOut(
            **self._row(),
            figures=sum(
                len(b.get("figures", ())) for s in self.body.get("sections", ()) for b in s.get("blocks", ())
            ),
            footnotes=len(self.body.get("footnotes", ())),
        )

    def _row(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "template": self.template,
            "language": self.language,
            "audience": self.audience,
            "date_from": self.date_from,
            "date_to": self.date_to,
            "status": self.status,
            "previous_id": self.previous_id,
            "created_by": self.created_by,
            "created_at": self.created_at,
            "title": self.body.get("title", self.template),
            "as_of": self.body.get("as_of", self.created_at[:10]),
        }

    def detail(self, figures: list[BriefingFigureOut], downloads: dict[str, str]) -> BriefingDetailOut:
        """The briefing whole: its row, what was asked, its sections and footnotes as stored, `figures`
        (each with its footnote's source, `briefing_workflow.briefing_detail`) and where to download it."""
        return BriefingDetailOut(
            **self._row(),
            spec=self.body.get("spec", {}),
            sections=self.body.get("sections", []),
            figures=figures,
            footnotes=self.body.get("footnotes", []),
            meta=self.body.get("meta", {}),
            downloads=downloads,
        )


_BRIEFING_COLUMNS = (
    "b.id, b.template, b.language, b.audience, b.date_from, b.date_to, b.status, b.previous_id, "
    "b.created_by, b.created_at, b.body"
)


def _stored(row: Any) -> StoredBriefing:
    return StoredBriefing(
        id=row["id"],
        template=row["template"],
        language=row["language"],
        audience=row["audience"],
        date_from=row["date_from"],
        date_to=row["date_to"],
        status=row["status"],
        previous_id=row["previous_id"],
        created_by=row["created_by"],
        created_at=str(row["created_at"]),
        body=json.loads(row["body"]),
    )


def _changes_since(
    conn: Connection, audience: Audience, previous: str, body: dict[str, Any], briefing: Briefing
) -> Briefing:
    """`briefing` with what changed since the previous one: said in its text ("changed since", each
    changed or new figure with its earlier value) and summed up in its meta (`briefings.diff`'s
    summary); only when the new briefing's audience may see the previous one (else just its id)."""
    vis, params = visible("b", audience.principal)
    seen = conn.execute(
        text(f"SELECT 1 FROM briefings b WHERE b.id = :id AND {vis}"), {**params, "id": previous}
    ).first()
    if seen is None:
        briefing.meta["changes"] = {"previous": previous, "withheld": True}
        return briefing
    changes = diff(briefing_from_json(body), briefing)
    briefing.meta["changes"] = changes.summary()
    return with_changes(briefing, changes)


def create_briefing(hub: Hub, actor: Principal, spec: BriefingSpec) -> tuple[Briefing, StoredBriefing]:
    """Draft a briefing and store it, audited (`briefing.create`). A briefing for a group or an
    organisation is visible to that audience and administrators only; `spec.previous` must be a
    briefing the actor can see."""
    briefing = draft(hub, actor, spec)
    with hub.store.write() as conn:
        audience = audience_principal(conn, spec.audience)
        if spec.previous is not None:
            vis, params = visible("b", actor)
            found = conn.execute(
                text(f"SELECT b.body FROM briefings b WHERE b.id = :id AND {vis}"),
                {**params, "id": spec.previous},
            ).scalar()
            if found is None:
                raise NotFound(f"briefing {spec.previous}")
            briefing = _changes_since(conn, audience, spec.previous, json.loads(found), briefing)
        audience_id = audience_for(conn, audience.grantees) if audience.grantees else None
        who = audit.person(actor)
        conn.execute(
            text(
                "INSERT INTO briefings (id, template, language, audience, date_from, date_to, status, "
                "previous_id, body, created_by, created_at, disclosure, audience_id) VALUES (:id, "
                ":template, :language, :audience, :date_from, :date_to, :status, :previous, :body, :by, "
                ":at, :level, :aud)"
            ),
            {
                "id": briefing.id,
                "template": spec.template,
                "language": spec.language,
                "audience": audience.name,
                "date_from": spec.date_from,
                "date_to": spec.date_to,
                "status": briefing.status,
                "previous": spec.previous,
                "body": json.dumps(briefing.as_json(), ensure_ascii=False),
                "by": who,
                "at": briefing.created_at,
                "level": int(audience.disclosure),
                "aud": audience_id,
            },
        )
        audit.record(
            conn,
            actor,
            "briefing.create",
            f"briefing:{briefing.id}",
            after={
                "template": spec.template,
                "language": spec.language,
                "audience": audience.name,
                "period": [spec.date_from, spec.date_to],
                "previous": spec.previous,
                "figures": len(briefing.figures),
                "footnotes": len(briefing.footnotes),
            },
        )
        row = (
            conn.execute(
                text(f"SELECT {_BRIEFING_COLUMNS} FROM briefings b WHERE b.id = :id"), {"id": briefing.id}
            )
            .mappings()
            .one()
        )
    return briefing, _stored(row)


def get_briefing(hub: Hub, principal: Principal, briefing_id: str) -> StoredBriefing:
    """One stored briefing the principal may see; NotFound otherwise (hidden and absent look the same)."""
    vis, params = visible("b", principal)
    with hub.store.read() as conn:
        row = (
            conn.execute(
                text(f"SELECT {_BRIEFING_COLUMNS} FROM briefings b WHERE b.id = :id AND {vis}"),
                {**params, "id": briefing_id},
            )
            .mappings()
            .first()
        )
    if row is None:
        raise NotFound(f"briefing {briefing_id}")
    return _stored(row)


def public_twin(hub: Hub, principal: Principal, briefing_id: str) -> Briefing:
    """The public twin (Woo) of a stored briefing the principal may see (`briefings.redact`); NotFound
    otherwise. Rendering it is the caller's."""
    stored = get_briefing(hub, principal, briefing_id)
    briefing = briefing_from_json(stored.body)
    briefing.status = stored.status  # type: ignore[assignment]  # the status it has now (table CHECK)
    try:
        return redact.public_twin(briefing)
    except redact.RedactionError as exc:  # fails closed: no twin rather than one that may leak
        raise BriefingError(
            f"the public version of briefing {briefing_id} could not be made safely ({exc}); nothing was "
            "shown. Report this: a withheld item would have stayed in it."
        ) from exc


def list_briefings(hub: Hub, principal: Principal) -> list[StoredBriefing]:
    """The briefings the principal may see, newest first."""
    vis, params = visible("b", principal)
    with hub.store.read() as conn:
        rows = conn.execute(
            text(f"SELECT {_BRIEFING_COLUMNS} FROM briefings b WHERE {vis} ORDER BY b.created_at DESC, b.id"),
            params,
        ).mappings()
        return [_stored(r) for r in rows]
