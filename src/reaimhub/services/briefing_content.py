"""The facts of a briefing, read from the data as its audience sees it: events, instruments and
their supporters, votes (First Committee and plenary apart), churn between the summits' outcomes,
outreach candidates (for non-public audiences), library documents and participating organisations;
each figure with its footnote (`Notes`). Used by `reaimhub.services.briefings`."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from reaimhub.briefings.formatting import format_date, format_number, format_period, format_tally, kamerstuk
from reaimhub.briefings.labels import label
from reaimhub.briefings.model import (
    Block,
    BriefingSpec,
    Figure,
    Placeholder,
)
from reaimhub.clock import latest
from reaimhub.coalition.analytics import is_rolling
from reaimhub.coalition.model import (
    SUPPORT_VALUES,
    Confidence,
    Instrument,
    PositionValue,
    classify_source,
)
from reaimhub.model import Principal
from reaimhub.reference import state_by_iso3
from reaimhub.services.analytics import AnalyticsError, churn
from reaimhub.services.briefing_audience import Audience
from reaimhub.services.briefing_exchange import exchange_blocks
from reaimhub.services.briefing_notes import Notes, esc, in_period
from reaimhub.services.coalition import get_instrument, list_events, list_instruments
from reaimhub.services.hub import Hub
from reaimhub.services.outreach import outreach

__all__ = [
    "FactData",
    "Notes",
    "earlier_letters",
    "esc",
    "in_period",
    "read_facts",
    "topic_blocks",
]

PROCESS_TOPIC = {
    "REAIM": "summits",
    "GC REAIM": "gc_reaim",
    "UNGA": "un_resolutions",
    "CCW GGE LAWS": "gge_laws",
    "US Political Declaration": "coalition",
    "NL parliament": None,  # the letter's own context (intro), not a track
}
OUTREACH_LIMIT = 10
TALLY_SECONDARY = re.compile(r"tally[^;]*secondary", re.IGNORECASE)


def is_secondary(source: str, *also: str) -> bool:
    return classify_source(source) == Confidence.SECONDARY or any("secondary" in a.lower() for a in also)


# --- reading the data ----------------------------------------------------------------------------


@dataclass
class FactData:
    events: list[dict[str, Any]]
    instruments: list[Instrument]
    by_id: dict[str, Instrument]


def read_facts(hub: Hub, who: Principal, spec: BriefingSpec) -> FactData:
    events = [e for e in list_events(hub.store, who) if in_period(e["start_date"], spec)]
    instruments = [s.instrument for s in list_instruments(hub.store, who)]
    return FactData(events, instruments, {i.id: i for i in instruments})


def _tally_secondary(i: Instrument) -> bool:
    """A vote whose tally rests on a secondary source (the list's text may say so of the tally alone)."""
    return is_secondary(i.sources) or bool(TALLY_SECONDARY.search(i.named_list.text))


def _event_items(notes: Notes, events: Iterable[dict[str, Any]], data: FactData) -> list[Block]:
    out: list[Block] = []
    for e in events:
        related = data.by_id.get(e["related"] or "")
        # an event's title may state its vote's tally: secondary when that tally is
        tally_secondary = related is not None and related.is_vote and _tally_secondary(related)
        when = format_period(e["start_date"], e["end_date"], notes.language)
        fig = notes.figure(
            f"event:{e['start_date']}:{e['process']}:{e['kind']}",
            when,
            e["start_date"],
            e["sources"] or "",
            e["end_date"] or e["start_date"],
            secondary=is_secondary(e["sources"] or "") or tally_secondary,
        )
        place = f" ({esc(e['place'])})" if e["place"] else ""
        out.append(Block("item", "{0}: " + esc(e["title"]) + place, (fig,)))
    return out


def _supporters_block(hub: Hub, who: Principal, notes: Notes, i: Instrument) -> Block:
    """An outcome document, declaration or statement: declared supporters and the named list."""
    lang = notes.language
    view = get_instrument(hub.store, who, i.id)
    backing = [p for p in view.positions if PositionValue(p["value"]) in SUPPORT_VALUES]
    figures: list[Figure] = []
    parts: list[str] = []
    instrument_secondary = is_secondary(i.sources, i.named_list.text)
    # every declared supporter named: complete by count, whatever the dataset's wording
    complete = i.named_list.complete or (
        i.declared_supporters is not None and len(backing) >= i.declared_supporters > 0
    )
    if i.declared_supporters is not None:
        declared = format_number(i.declared_supporters, lang)
        later = i.supporters_as_of if i.supporters_as_of and i.supporters_as_of != i.date else None
        figures.append(
            notes.figure(
                f"instrument:{i.id}:declared",
                label(lang, "instrument.declared", n=declared)
                if later is None
                else label(lang, "instrument.declared.as_of", n=declared, date=format_date(later, lang)),
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
        if complete:
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
    status = label(lang, "instrument.complete" if complete else "instrument.partial")
    place = ", ".join(x for x in (esc(i.place or ""), esc(format_date(i.date, lang))) if x)
    head = esc(i.title) + (f" ({place})" if place else "")
    body = ", ".join(parts)
    return Block("item", f"{head}: {body}; {status}." if body else f"{head}; {status}.", tuple(figures))


def _vote_figure(notes: Notes, i: Instrument, stage: str) -> Figure:
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
        secondary=_tally_secondary(i),
    )


def _vote_blocks(notes: Notes, data: FactData, spec: BriefingSpec) -> list[Block]:
    """Each resolution with its First Committee draft's tally and its plenary tally, kept apart; drafts
    without a resolution in the data stand alone."""
    out: list[Block] = []
    shown: set[str] = set()
    for i in data.instruments:
        if i.process != "UNGA" or not in_period(i.date, spec) or i.kind != "resolution":
            continue
        drafts = [d for d in data.instruments if d.becomes == i.id and d.tally.declared]
        figures = [_vote_figure(notes, d, "first_committee") for d in drafts]
        if i.tally.declared:
            figures.append(_vote_figure(notes, i, "plenary"))
        shown.update(d.id for d in drafts)
        slots = "; ".join(f"{{{n}}}" for n in range(len(figures)))
        out.append(
            Block(
                "item",
                f"{esc(i.symbol or i.id)}, {esc(i.title)}: {slots}.",
                tuple(figures),
            )
        )
    for d in data.instruments:
        if (
            d.process == "UNGA"
            and d.kind == "draft_resolution"
            and d.id not in shown
            and d.tally.declared
            and in_period(d.date, spec)
            and (d.becomes is None or d.becomes not in data.by_id)
        ):
            out.append(Block("item", f"{esc(d.title)}: {{0}}.", (_vote_figure(notes, d, "first_committee"),)))
    if out:
        out.insert(0, Block("paragraph", f"({esc(label(notes.language, 'vote.legend'))})"))
    return out


def _churn_blocks(hub: Hub, who: Principal, notes: Notes, data: FactData, spec: BriefingSpec) -> list[Block]:
    lang = notes.language
    try:
        result = churn(hub, who)
    except AnalyticsError:
        return []
    out: list[Block] = []
    for step in result.steps:
        if not in_period(step.later.date, spec):
            continue
        source = f"{step.earlier.sources} ; {step.later.sources}"
        as_of = result.as_of[step.later.id]
        secondary = is_secondary(step.earlier.sources) or is_secondary(step.later.sources)
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
            earlier=esc(step.earlier.title),
            later=esc(step.later.title),
            joined="{0}",
            stayed="{1}",
            gone="{2}",
        )
        caveats = " ".join(_churn_caveats(lang, step.earlier, step.later, step.comparison == "direct"))
        out.append(Block("item", words + (". " + esc(caveats) if caveats else "."), figures))
    if out:
        out.append(Block("paragraph", esc(label(lang, "churn.caveat"))))
    return out


def _churn_caveats(lang: str, earlier: Instrument, later: Instrument, direct: bool) -> list[str]:
    """What the counts of one comparison can and cannot say (as `analytics.churn`'s caveats): a
    partial list makes some counts upper bounds and others lower bounds; a rolling list may grow."""
    out = [label(lang, "churn.direct")] if direct else []
    if not later.named_list.complete:
        out.append(label(lang, "churn.later_partial", title=later.title))
    if not earlier.named_list.complete:
        out.append(label(lang, "churn.earlier_partial", title=earlier.title))
    if is_rolling(later):
        out.append(
            label(lang, "churn.rolling", title=later.title, date=format_date(later.supporters_as_of, lang))
        )
    return out


def _outreach_blocks(hub: Hub, who: Principal, notes: Notes, data: FactData) -> list[Block]:
    lang = notes.language
    outcomes = [
        i for i in data.instruments if i.process == "REAIM" and i.kind == "outcome_document" and i.date
    ]
    if not outcomes:
        return []
    target = max(outcomes, key=lambda i: (i.date or "", i.id))
    result = outreach(hub, who, target.id, limit=OUTREACH_LIMIT)
    out = [Block("heading", esc(label(lang, "outreach", target=target.title)))]
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
                label(
                    lang,
                    "outreach.item",
                    name=esc(name),
                    score="{0}",
                    evidence=esc(evidence),
                ),
                (fig,),
            )
        )
    return out


_KAMERSTUK = re.compile(r"Kamerstuk\s+(\d[\d ]*\d),\s*nr\.\s*(\d+)")


def earlier_letters(notes: Notes, data: FactData) -> list[Block]:
    """The government's earlier letters to parliament on REAIM in the period (the dataset's
    "NL parliament" letters), each cited in house style with its source."""
    lang = notes.language
    out: list[Block] = []
    for e in data.events:
        if e["process"] != "NL parliament" or e["kind"] != "letter":
            continue
        day = str(e["start_date"])[:10]
        found = _KAMERSTUK.search(str(e["title"]))
        year, month = int(day[:4]), int(day[5:7])
        reference = (
            kamerstuk(year if month >= 9 else year - 1, found.group(1), int(found.group(2)))
            if found
            else str(e["title"])
        )
        fig = notes.figure(
            f"letter:{day}",
            esc(format_date(day, lang)),
            day,
            e["sources"] or reference,
            day,
            secondary=is_secondary(e["sources"] or ""),
        )
        out.append(
            Block("paragraph", label(lang, "intro.earlier", date="{0}", reference=esc(reference)), (fig,))
        )
    return out


def topic_blocks(
    hub: Hub, audience: Audience, notes: Notes, data: FactData, spec: BriefingSpec, topic: str
) -> list[Block]:
    lang = notes.language
    who = audience.principal
    events = [e for e in data.events if PROCESS_TOPIC.get(e["process"]) == topic]
    blocks: list[Block] = []
    if events:
        blocks.append(Block("heading", esc(label(lang, "events"))))
        blocks.extend(_event_items(notes, events, data))
    process = {"summits": "REAIM", "gge_laws": "CCW GGE LAWS", "coalition": "US Political Declaration"}
    if topic in process:
        for i in data.instruments:
            dated_in = in_period(i.date, spec) or (i.date is None and topic == "gge_laws")
            if i.process == process[topic] and dated_in and not i.is_vote:
                blocks.append(_supporters_block(hub, who, notes, i))
    if topic == "summits":
        blocks.extend(_churn_blocks(hub, who, notes, data, spec))
    if topic == "un_resolutions":
        blocks.extend(_vote_blocks(notes, data, spec))
    if topic == "coalition" and not audience.is_public:
        blocks.extend(_outreach_blocks(hub, who, notes, data))
    if topic == "exchange":
        blocks.extend(exchange_blocks(hub, who, notes, spec))
    if not blocks:
        blocks.append(Block("paragraph", esc(label(lang, "none_in_period"))))
    title = label(lang, f"topic.{topic}")
    blocks.append(Block("placeholder", placeholder=Placeholder(label(lang, "assessment", topic=title))))
    return blocks
