"""Briefings drafted from the data: `draft` reads, as the briefing's audience, what the coalition
services and the library hold and puts it into a `Briefing` (every figure with its footnote); the
store keeps briefings (`create_briefing`, `get_briefing`, `list_briefings`), each visible to its own
audience only.

Nothing here writes prose that passes for fact: the words around figures are fixed per language
(`reaimhub.briefings.labels`), and what a person must write is a `Placeholder`.
"""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, text

from reaimhub.access import NotFound, visible
from reaimhub.briefings.formatting import format_date, format_number, format_period, format_tally
from reaimhub.briefings.labels import BESLISNOTA_SECTIONS, TOPICS, label
from reaimhub.briefings.model import (
    TEMPLATES,
    Block,
    Briefing,
    BriefingSpec,
    Figure,
    Footnote,
    Placeholder,
    Section,
)
from reaimhub.briefings.parliament import ORIGIN_MOTION, REQUEST
from reaimhub.clock import latest, now_iso
from reaimhub.coalition.model import (
    SUPPORT_VALUES,
    Confidence,
    Instrument,
    PositionValue,
    classify_source,
    first_url,
)
from reaimhub.model import ANONYMOUS, Disclosure, Principal
from reaimhub.reference import state_by_iso3
from reaimhub.services import audit
from reaimhub.services.analytics import AnalyticsError, churn
from reaimhub.services.coalition import get_instrument, list_events, list_instruments
from reaimhub.services.hub import Hub
from reaimhub.services.identity import IdentityError, find_org_or_group
from reaimhub.services.outreach import outreach
from reaimhub.services.sharing import audience_for, grantees_of

__all__ = [
    "BriefingError",
    "StoredBriefing",
    "audience_principal",
    "create_briefing",
    "draft",
    "get_briefing",
    "list_briefings",
]

_PROCESS_TOPIC = {
    "REAIM": "summits",
    "GC REAIM": "gc_reaim",
    "UNGA": "un_resolutions",
    "CCW GGE LAWS": "gge_laws",
    "US Political Declaration": "coalition",
    "NL parliament": None,  # the letter's own context (intro), not a track
}
_OUTREACH_LIMIT = 10
_TALLY_SECONDARY = re.compile(r"tally[^;]*secondary", re.IGNORECASE)
_DOCUMENT_LIMIT = 15


class BriefingError(ValueError):
    """A specification that cannot be drafted (said in words a user can act on)."""


def _esc(value: object) -> str:
    """Data text inside a block's text, where {n} marks a figure."""
    return str(value).replace("{", "{{").replace("}", "}}")


# --- the audience --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Audience:
    """Who a briefing is for: the principal it reads as, and who may read the stored briefing."""

    name: str  # public | registered | org:ID | group:ID
    principal: Principal
    disclosure: Disclosure
    grantees: frozenset[str] = frozenset()

    @property
    def is_public(self) -> bool:
        return self.disclosure == Disclosure.PUBLIC


def audience_principal(conn: Connection, audience: str) -> Audience:
    """`public` reads as anonymous; `registered` as any signed-in account (no audiences); a group or an
    organisation (id or name) as a principal whose audiences are those shared with it (an organisation
    also through the groups it is in), never those of its members' other organisations."""
    key = audience.strip()
    if key.lower() == "public":
        return Audience("public", ANONYMOUS, Disclosure.PUBLIC)
    if key.lower() == "registered":
        return Audience(
            "registered", Principal(user_id=None, clearance=Disclosure.REGISTERED), Disclosure.REGISTERED
        )
    try:
        kind, ident = find_org_or_group(conn, key)
    except IdentityError as exc:
        raise BriefingError(
            f"unknown audience {audience!r}: use public, registered, or a group or organisation"
        ) from exc
    if kind == "group":
        grantees = grantees_of(None, (), (ident,), False)
    else:
        groups = conn.execute(
            text("SELECT group_id FROM org_group_members WHERE org_id = :o"), {"o": ident}
        ).scalars()
        grantees = grantees_of(None, (ident,), groups, False)
    names = sorted(grantees)
    params = {f"g{n}": g for n, g in enumerate(names)}
    found = conn.execute(
        text(
            "SELECT DISTINCT audience_id FROM audience_grants WHERE grantee IN ("
            + ", ".join(f":g{n}" for n in range(len(names)))
            + ")"
        ),
        params,
    ).scalars()
    principal = Principal(
        user_id=None,
        clearance=Disclosure.REGISTERED,
        audiences=frozenset(int(a) for a in found),
        groups=frozenset([ident]) if kind == "group" else frozenset(),
    )
    own = frozenset([f"{kind}:{ident}"])  # the stored briefing: this group or organisation only
    return Audience(f"{kind}:{ident}", principal, Disclosure.RESTRICTED, own)


# --- footnotes and figures -----------------------------------------------------------------------


@dataclass
class _Notes:
    language: str
    footnotes: list[Footnote] = field(default_factory=list)
    _index: dict[tuple[Any, ...], int] = field(default_factory=dict)

    def note(
        self,
        source: str,
        as_of: str | None,
        *,
        url: str | None = None,
        secondary: bool = False,
        restricted: bool = False,
        document_id: str | None = None,
    ) -> int:
        key = (source, as_of, url, secondary, restricted, document_id)
        if key not in self._index:
            number = len(self.footnotes) + 1
            self.footnotes.append(
                Footnote(
                    number=number,
                    source=source,
                    url=url if url is not None else first_url(source),
                    as_of=as_of,
                    secondary=secondary,
                    document_id=document_id,
                    restricted=restricted,
                )
            )
            self._index[key] = number
        return self._index[key]

    def figure(
        self, key: str, words: str, value: object, source: str, as_of: str | None, **kw: Any
    ) -> Figure:
        restricted = bool(kw.get("restricted", False))
        return Figure(key, words, str(value), self.note(source, as_of, **kw), restricted=restricted)


def _secondary(source: str, *also: str) -> bool:
    return classify_source(source) == Confidence.SECONDARY or any("secondary" in a.lower() for a in also)


# --- reading the data ----------------------------------------------------------------------------


@dataclass
class _Data:
    events: list[dict[str, Any]]
    instruments: list[Instrument]
    by_id: dict[str, Instrument]


def _in_period(date: str | None, spec: BriefingSpec) -> bool:
    return date is not None and spec.date_from <= date[:10] <= spec.date_to


def _read(hub: Hub, who: Principal, spec: BriefingSpec) -> _Data:
    events = [e for e in list_events(hub.store, who) if _in_period(e["start_date"], spec)]
    instruments = [s.instrument for s in list_instruments(hub.store, who)]
    return _Data(events, instruments, {i.id: i for i in instruments})


def _event_items(notes: _Notes, events: Iterable[dict[str, Any]]) -> list[Block]:
    out: list[Block] = []
    for e in events:
        when = format_period(e["start_date"], e["end_date"], notes.language)
        fig = notes.figure(
            f"event:{e['start_date']}:{e['process']}:{e['kind']}",
            when,
            e["start_date"],
            e["sources"] or "",
            e["end_date"] or e["start_date"],
            secondary=_secondary(e["sources"] or ""),
        )
        place = f" ({_esc(e['place'])})" if e["place"] else ""
        out.append(Block("item", "{0}: " + _esc(e["title"]) + place, (fig,)))
    return out


def _supporters_block(hub: Hub, who: Principal, notes: _Notes, i: Instrument) -> Block:
    """An outcome document, declaration or statement: declared supporters and the named list."""
    lang = notes.language
    view = get_instrument(hub.store, who, i.id)
    backing = [p for p in view.positions if PositionValue(p["value"]) in SUPPORT_VALUES]
    figures: list[Figure] = []
    parts: list[str] = []
    instrument_secondary = _secondary(i.sources, i.named_list.text)
    if i.declared_supporters is not None:
        figures.append(
            notes.figure(
                f"instrument:{i.id}:declared",
                label(lang, "instrument.declared", n=format_number(i.declared_supporters, lang)),
                i.declared_supporters,
                i.sources,
                i.supporters_as_of or i.date or view.as_of,  # an undated paper: its positions' date
                secondary=instrument_secondary,
            )
        )
        parts.append(f"{{{len(figures) - 1}}}")
    if backing:
        sources = sorted({p["source"] for p in backing})
        source = " ; ".join(sources)
        as_of = latest(p["as_of"] for p in backing)
        secondary = any(p["confidence"] == "secondary" for p in backing)
        named = len(backing)
        if i.named_list.complete:
            members = [p for p in backing if p["un_status"] == "member"]
            others = sorted(
                (state_by_iso3(p["iso3"]).name(lang) if state_by_iso3(p["iso3"]) else p["iso3"])  # type: ignore[union-attr]
                for p in backing
                if p["un_status"] != "member"
            )
            joiner = " en " if lang == "nl" else " and "
            words = label(
                lang,
                "instrument.entries",
                n=format_number(named, lang),
                members=format_number(len(members), lang),
                others=(joiner + ", ".join(others)) if others else "",
            )
        else:
            words = label(lang, "instrument.named", n=format_number(named, lang))
        figures.append(
            notes.figure(f"instrument:{i.id}:named", words, named, source, as_of, secondary=secondary)
        )
        parts.append(f"{{{len(figures) - 1}}}")
    status = label(lang, "instrument.complete" if i.named_list.complete else "instrument.partial")
    place = ", ".join(x for x in (_esc(i.place or ""), _esc(format_date(i.date, lang))) if x)
    head = _esc(i.title) + (f" ({place})" if place else "")
    body = ", ".join(parts)
    return Block("item", f"{head}: {body}; {status}." if body else f"{head}; {status}.", tuple(figures))


def _vote_figure(notes: _Notes, i: Instrument, stage: str) -> Figure:
    lang = notes.language
    tally = format_tally(i.tally.yes, i.tally.no, i.tally.abstain)
    words = label(
        lang,
        "vote.first_committee" if stage == "first_committee" else "vote.plenary",
        symbol=i.symbol or i.id,
        date=format_date(i.date, lang),
        tally=tally,
    )
    return notes.figure(
        f"instrument:{i.id}:tally",
        words,
        tally,
        i.sources,
        i.date,
        # the list's text may call only the named voters secondary ("abstainers partly secondary")
        secondary=_secondary(i.sources) or bool(_TALLY_SECONDARY.search(i.named_list.text)),
    )


def _vote_blocks(notes: _Notes, data: _Data, spec: BriefingSpec) -> list[Block]:
    """Each resolution with its First Committee draft's tally and its plenary tally, kept apart; drafts
    without a resolution in the data stand alone."""
    out: list[Block] = []
    shown: set[str] = set()
    for i in data.instruments:
        if i.process != "UNGA" or not _in_period(i.date, spec) or i.kind != "resolution":
            continue
        drafts = [d for d in data.instruments if d.becomes == i.id and d.tally.declared]
        figures = [_vote_figure(notes, d, "first_committee") for d in drafts]
        if i.tally.declared:
            figures.append(_vote_figure(notes, i, "plenary"))
        shown.update(d.id for d in drafts)
        slots = "; ".join(f"{{{n}}}" for n in range(len(figures)))
        out.append(Block("item", f"{_esc(i.symbol or i.id)}, {_esc(i.title)}: {slots}.", tuple(figures)))
    for d in data.instruments:
        if (
            d.process == "UNGA"
            and d.kind == "draft_resolution"
            and d.id not in shown
            and d.tally.declared
            and _in_period(d.date, spec)
            and (d.becomes is None or d.becomes not in data.by_id)
        ):
            out.append(
                Block("item", f"{_esc(d.title)}: {{0}}.", (_vote_figure(notes, d, "first_committee"),))
            )
    if out:
        out.insert(0, Block("paragraph", f"({_esc(label(notes.language, 'vote.legend'))})"))
    return out


def _churn_blocks(hub: Hub, who: Principal, notes: _Notes, data: _Data, spec: BriefingSpec) -> list[Block]:
    lang = notes.language
    try:
        result = churn(hub, who)
    except AnalyticsError:
        return []
    out: list[Block] = []
    for step in result.steps:
        if step.comparison != "successive" or not _in_period(step.later.date, spec):
            continue
        source = f"{step.earlier.sources} ; {step.later.sources}"
        as_of = result.as_of[step.later.id]
        secondary = _secondary(step.earlier.sources) or _secondary(step.later.sources)
        counts = (
            ("joined", len(step.sets.joined)),
            ("stayed", len(step.sets.stayed)),
            ("not_listed_again", len(step.sets.not_listed_again)),
        )
        figures = tuple(
            notes.figure(
                f"churn:{step.earlier.id}:{step.later.id}:{name}",
                format_number(n, lang),
                n,
                source,
                as_of,
                secondary=secondary,
            )
            for name, n in counts
        )
        words = label(
            lang,
            "churn",
            earlier=_esc(step.earlier.title),
            later=_esc(step.later.title),
            joined="{0}",
            stayed="{1}",
            gone="{2}",
        )
        out.append(Block("item", words, figures))
    if out:
        out.append(Block("paragraph", _esc(label(lang, "churn.caveat"))))
    return out


def _outreach_blocks(hub: Hub, who: Principal, notes: _Notes, data: _Data) -> list[Block]:
    lang = notes.language
    outcomes = [
        i for i in data.instruments if i.process == "REAIM" and i.kind == "outcome_document" and i.date
    ]
    if not outcomes:
        return []
    target = max(outcomes, key=lambda i: (i.date or "", i.id))
    result = outreach(hub, who, target.id, limit=_OUTREACH_LIMIT)
    out = [Block("heading", _esc(label(lang, "outreach", target=target.title)))]
    for c in result.shown:
        counted = [e for e in c.evidence if e.counted]
        facts = counted or list(c.evidence)
        source = " ; ".join(sorted({e.fact.source for e in facts}))
        evidence = ", ".join(
            f"{e.instrument.title} ({e.fact.value.label}, {format_date(e.fact.as_of, lang)})" for e in facts
        )
        fig = notes.figure(
            f"outreach:{target.id}:{c.iso3}",
            str(c.score),
            c.score,
            source,
            c.newest if isinstance(c.newest, str) else latest(e.fact.as_of for e in facts),
            secondary=any(e.fact.confidence == "secondary" for e in facts),
        )
        name = state_by_iso3(c.iso3).name(lang) if state_by_iso3(c.iso3) else c.name  # type: ignore[union-attr]
        out.append(
            Block(
                "item",
                label(lang, "outreach.item", name=_esc(name), score="{0}", evidence=_esc(evidence)),
                (fig,),
            )
        )
    return out


def _document_blocks(hub: Hub, who: Principal, notes: _Notes) -> list[Block]:
    lang = notes.language
    vis, params = visible("d", who)
    with hub.store.read() as conn:
        rows = (
            conn.execute(
                text(
                    "SELECT d.uid, d.title, d.filename, d.symbol, d.doc_date, d.created_at, d.disclosure "
                    f"FROM documents d WHERE d.status = 'ok' AND {vis} "
                    "ORDER BY d.doc_date DESC, d.id DESC"
                ),
                params,
            )
            .mappings()
            .all()
        )
    if not rows:
        return []
    out = [Block("heading", _esc(label(lang, "documents")))]
    for row in rows[:_DOCUMENT_LIMIT]:
        name = row["title"] or row["filename"]
        as_of = row["doc_date"] or str(row["created_at"])[:10]
        restricted = int(row["disclosure"]) > int(Disclosure.PUBLIC)
        fig = notes.figure(
            f"document:{row['uid']}",
            _esc(row["symbol"] or format_date(as_of, lang)),
            row["uid"],
            f"REAIM Hub library, document {row['uid']}",
            as_of,
            restricted=restricted,
            document_id=row["uid"],
        )
        out.append(Block("item", "{0}: " + _esc(name), (fig,)))
    return out


def _org_blocks(hub: Hub, notes: _Notes) -> list[Block]:
    lang = notes.language
    with hub.store.read() as conn:
        rows = conn.execute(
            text("SELECT kind, COUNT(*), MAX(created_at) FROM orgs GROUP BY kind ORDER BY kind")
        ).all()
    if not rows:
        return []
    out = [Block("heading", _esc(label(lang, "orgs")))]
    for kind, n, newest in rows:
        fig = notes.figure(
            f"orgs:{kind}",
            format_number(int(n), lang),
            int(n),
            "REAIM Hub, register of organisations",
            str(newest)[:10],
        )
        out.append(Block("item", label(lang, "orgs.item", kind=_esc(kind), n="{0}"), (fig,)))
    return out


def _topic_blocks(
    hub: Hub, audience: Audience, notes: _Notes, data: _Data, spec: BriefingSpec, topic: str
) -> list[Block]:
    lang = notes.language
    who = audience.principal
    events = [e for e in data.events if _PROCESS_TOPIC.get(e["process"]) == topic]
    blocks: list[Block] = []
    if events:
        blocks.append(Block("heading", _esc(label(lang, "events"))))
        blocks.extend(_event_items(notes, events))
    process = {"summits": "REAIM", "gge_laws": "CCW GGE LAWS", "coalition": "US Political Declaration"}
    if topic in process:
        for i in data.instruments:
            in_period = _in_period(i.date, spec) or (i.date is None and topic == "gge_laws")
            if i.process == process[topic] and in_period and not i.is_vote:
                blocks.append(_supporters_block(hub, who, notes, i))
    if topic == "summits":
        blocks.extend(_churn_blocks(hub, who, notes, data, spec))
    if topic == "un_resolutions":
        blocks.extend(_vote_blocks(notes, data, spec))
    if topic == "coalition" and not audience.is_public:
        blocks.extend(_outreach_blocks(hub, who, notes, data))
    if topic == "exchange":
        blocks.extend(_org_blocks(hub, notes))
        blocks.extend(_document_blocks(hub, who, notes))
    if not blocks:
        blocks.append(Block("paragraph", _esc(label(lang, "none_in_period"))))
    title = label(lang, f"topic.{topic}")
    blocks.append(Block("placeholder", placeholder=Placeholder(label(lang, "assessment", topic=title))))
    return blocks


# --- the templates' sections ---------------------------------------------------------------------


def _intro(notes: _Notes, spec: BriefingSpec, request_key: str = "intro.request") -> list[Block]:
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
    return [
        Block("paragraph", _esc(label(lang, request_key, request=request))),
        Block("placeholder", placeholder=Placeholder(f"{REQUEST.reference}: {REQUEST.note[lang]}")),
        Block(
            "paragraph",
            label(lang, "intro.origin", motion="{0}", date=_esc(format_date(ORIGIN_MOTION.date, lang))),
            (motion,),
        ),
        Block(
            "paragraph",
            _esc(
                label(
                    lang,
                    "intro.period",
                    start=format_date(spec.date_from, lang),
                    end=format_date(spec.date_to, lang),
                )
            ),
        ),
    ]


def _topics(spec: BriefingSpec) -> tuple[str, ...]:
    unknown = [t for t in spec.topics if t not in TOPICS]
    if unknown:
        raise BriefingError(f"unknown topic {', '.join(unknown)}; expected some of {', '.join(TOPICS)}")
    return tuple(t for t in TOPICS if t in spec.topics) if spec.topics else TOPICS


def _beslisnota(
    hub: Hub, audience: Audience, notes: _Notes, data: _Data, spec: BriefingSpec
) -> list[Section]:
    lang = notes.language
    sections = {key: Section(key, title, [], level) for key, title, level in BESLISNOTA_SECTIONS}
    sections["aanleiding"].blocks.extend(_intro(notes, spec, "intro.request.note"))
    sections["geadviseerd_besluit"].blocks.append(Block("paragraph", _esc(label(lang, "decision"))))
    kern = sections["kernpunten"].blocks
    kern.append(Block("paragraph", _esc(label(lang, "kernpunten.intro"))))
    for topic in _topics(spec):
        kern.append(Block("heading", _esc(label(lang, f"topic.{topic}"))))
        kern.extend(_topic_blocks(hub, audience, notes, data, spec, topic))
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
        withheld.append(Block("paragraph", _esc(label(lang, "not_public.none"))))
    else:
        withheld.append(Block("paragraph", _esc(label(lang, "not_public.some"))))
        withheld.extend(Block("item", _esc(f"[{f.number}] {f.source}")) for f in restricted)
        withheld.append(Block("placeholder", placeholder=Placeholder(label(lang, "not_public.ground"))))
    return list(sections.values())


def _letter(hub: Hub, audience: Audience, notes: _Notes, data: _Data, spec: BriefingSpec) -> list[Section]:
    lang = notes.language
    intro = Section("inleiding", "", _intro(notes, spec), 1)
    return [intro] + [
        Section(topic, label(lang, f"topic.{topic}"), _topic_blocks(hub, audience, notes, data, spec, topic))
        for topic in _topics(spec)
    ]


def _note(hub: Hub, audience: Audience, notes: _Notes, data: _Data, spec: BriefingSpec) -> list[Section]:
    lang = notes.language
    period = label(
        lang, "intro.period", start=format_date(spec.date_from, lang), end=format_date(spec.date_to, lang)
    )
    summary = Section(
        "summary",
        "Summary" if lang == "en" else "Samenvatting",
        [
            Block("paragraph", _esc(period)),
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
        Section(topic, label(lang, f"topic.{topic}"), _topic_blocks(hub, audience, notes, data, spec, topic))
        for topic in _topics(spec)
    ]


def draft(hub: Hub, actor: Principal, spec: BriefingSpec) -> Briefing:
    """Draft a briefing from the data the spec's audience may see. `actor` is who asks (recorded when
    the briefing is stored); the content is read as the audience, never as the actor."""
    if spec.template not in TEMPLATES:
        raise BriefingError(f"unknown template {spec.template!r}; expected one of {', '.join(TEMPLATES)}")
    if spec.language not in ("nl", "en"):
        raise BriefingError(f"unknown language {spec.language!r}; expected nl or en")
    if spec.date_from > spec.date_to:
        raise BriefingError(f"the period ends ({spec.date_to}) before it starts ({spec.date_from})")
    _topics(spec)
    with hub.store.read() as conn:
        audience = audience_principal(conn, spec.audience)
    data = _read(hub, audience.principal, spec)
    notes = _Notes(spec.language)
    builders = {"kamerbrief": _letter, "beslisnota": _beslisnota, "note": _note}
    sections = builders[spec.template](hub, audience, notes, data, spec)
    created = now_iso()
    lang = spec.language
    meta: dict[str, Any] = {
        "audience": audience.name,
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
        "labels": {
            k: label(lang, k)
            for k in (
                "addressee", "addressee_place", "subject", "date", "reference", "salutation", "closing",
                "signature.defence", "signature.foreign", "signature.name", "cio", "audience", "period",
                "status", "as_of", "notes", "secondary", "restricted", "placeholder",
            )
        },
    }  # fmt: skip
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

    def summary(self) -> dict[str, Any]:
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
            "figures": sum(
                len(b.get("figures", ())) for s in self.body.get("sections", ()) for b in s.get("blocks", ())
            ),
            "footnotes": len(self.body.get("footnotes", ())),
        }


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
                text(f"SELECT b.id FROM briefings b WHERE b.id = :id AND {vis}"),
                {**params, "id": spec.previous},
            ).scalar()
            if found is None:
                raise NotFound(f"briefing {spec.previous}")
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


def list_briefings(hub: Hub, principal: Principal) -> list[StoredBriefing]:
    """The briefings the principal may see, newest first."""
    vis, params = visible("b", principal)
    with hub.store.read() as conn:
        rows = conn.execute(
            text(f"SELECT {_BRIEFING_COLUMNS} FROM briefings b WHERE {vis} ORDER BY b.created_at DESC, b.id"),
            params,
        ).mappings()
        return [_stored(r) for r in rows]
