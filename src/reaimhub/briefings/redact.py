"""The public twin of a briefing under the Wet open overheid (Woo): every block that rests on material
that is not public is replaced by a redaction mark with its ground, and nothing of it stays behind.

A block rests on non-public material when one of its figures is restricted or cites a restricted
footnote, or when it is an outreach candidate (`outreach:` figures, drafted for non-public audiences
only: who the ministry means to approach, and why). A table with such a figure loses the rows that show
it (all its rows when none does). What the twin keeps:

- the blocks that rest on public material only, unchanged;
- the footnotes their figures cite, renumbered 1..n in their original order (a footnote cited only by
  redacted blocks goes too, so no source, URL or document id of a redacted block remains);
- a meta built from the fixed fields only (date, period, subject, request, origin, labels), with the
  audience `public` and `twin_of`: the id of the briefing it twins; anything else (such as what changed
  since a previous briefing, which names figures) is left out;
- for a beslisnota, the section "Informatie die niet openbaar wordt gemaakt" lists every redaction:
  where it is, its mark and its ground.

The ground per kind of material (Woo article 5.1, second paragraph; relative grounds, so the drafter
weighs them against the public interest: the section says so):

- sub a, relations with other states and international organisations: restricted library documents and
  any restricted fact (the hub's non-public material is shared among the coalition: a group of states,
  a state's ministry or an international organisation), and outreach candidates (naming the states the
  Netherlands means to approach and how it rates them bears on its relations with those states);
- sub i, the proper functioning of the State: only for a restricted figure this module does not know
  (a kind added later); the drafter reviews it.

The result is checked: no document id, restricted source or URL of a redacted block may remain in the
twin's `as_json()`; `RedactionError` otherwise.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from typing import Any

from reaimhub.briefings.labels import TOPICS, label
from reaimhub.briefings.model import Block, Briefing, BriefingSpec, Figure, Footnote, Placeholder, Section

__all__ = ["GROUNDS", "PUBLIC_META", "Redaction", "RedactionError", "ground_of", "public_twin"]

# the Woo 5.1(2) sub per kind of material (the figure key's prefix); `None`: any other restricted fact
GROUNDS: dict[str | None, str] = {
    "document": "a",
    "outreach": "a",
    "note": "a",  # notes are shared within groups of states (the troika) and organisations
    "contributions": "a",
    None: "i",
}
# restricted facts of the kinds the drafting knows today all come from coalition material: sub a
_KNOWN_RESTRICTED = ("document", "instrument", "event", "churn", "outreach", "orgs", "parliament")
PUBLIC_META = ("date", "period", "subject", "request", "origin", "labels")


class RedactionError(ValueError):
    """The twin would still hold something of a redacted block."""


@dataclass(frozen=True)
class Redaction:
    section: str  # where it is, as the reader sees it (section title, and the heading above it)
    sub: str  # Woo 5.1(2) sub
    mark: str
    ground: str


def ground_of(figure: Figure) -> str:
    """The Woo 5.1(2) sub for a figure that rests on non-public material."""
    kind = figure.key.split(":", 1)[0]
    if kind in GROUNDS:
        return GROUNDS[kind]
    return "a" if kind in _KNOWN_RESTRICTED else GROUNDS[None]


def _withheld(block: Block, notes: dict[int, Footnote]) -> list[Figure]:
    return [
        f
        for f in block.figures
        if f.restricted
        or f.key.startswith("outreach:")
        or (f.footnote in notes and notes[f.footnote].restricted)
    ]


def _esc(value: str) -> str:
    return value.replace("{", "{{").replace("}", "}}")


def _mark(language: str, sub: str) -> tuple[str, str]:
    return label(language, "woo.mark", sub=sub), label(language, f"woo.ground.{sub}")


def _sub(figures: list[Figure]) -> str:
    subs = {ground_of(f) for f in figures}
    return "a" if "a" in subs else min(subs)


def public_twin(briefing: Briefing) -> Briefing:
    """The public version of `briefing` (see the module's docstring). A public briefing's twin equals it
    but for its meta."""
    lang = briefing.spec.language
    notes = {n.number: n for n in briefing.footnotes}
    redactions: list[Redaction] = []
    sections: list[Section] = []
    topics = {label(lang, f"topic.{t}") for t in TOPICS}  # the beslisnota's headings in Kernpunten
    for section in briefing.sections:
        if briefing.spec.template == "beslisnota" and section.key == "niet_openbaar":
            sections.append(section)  # rebuilt below
            continue
        withheld = [_withheld(block, notes) for block in section.blocks]
        folded = _folded_headings(section.blocks, withheld)
        blocks: list[Block] = []
        topic = sub_heading = ""
        for n, block in enumerate(section.blocks):
            if n in folded:
                sub_heading = ""
                continue  # the redactions under it stand for it
            if not withheld[n]:
                if block.kind == "heading":
                    heading = block.text.replace("{{", "{").replace("}}", "}")
                    if heading in topics:
                        topic, sub_heading = heading, ""
                    else:
                        sub_heading = heading
                blocks.append(block)
                continue
            where = ", ".join(x for x in (section.title, topic, sub_heading) if x)
            sub = _sub(withheld[n])
            mark, ground = _mark(lang, sub)
            redactions.append(Redaction(where, sub, mark, ground))
            blocks.append(_redacted(block, withheld[n], mark, ground))
        sections.append(Section(section.key, section.title, blocks, section.level))
    kept = sorted({f.footnote for s in sections for b in s.blocks for f in b.figures})
    number = {old: new for new, old in enumerate(kept, start=1)}
    sections = [
        Section(
            s.key,
            s.title,
            [
                replace(b, figures=tuple(replace(f, footnote=number[f.footnote]) for f in b.figures))
                for b in s.blocks
            ],
            s.level,
        )
        for s in sections
    ]
    footnotes = [replace(notes[old], number=new) for old, new in number.items() if old in notes]
    if briefing.spec.template == "beslisnota":
        sections = [
            Section(s.key, s.title, _not_public(lang, redactions), s.level) if s.key == "niet_openbaar" else s
            for s in sections
        ]
    meta: dict[str, Any] = {k: briefing.meta[k] for k in PUBLIC_META if k in briefing.meta}
    meta["audience"] = "public"
    meta["audience_label"] = label(briefing.spec.language, "audience.public")
    meta["twin_of"] = briefing.id
    meta["redactions"] = len(redactions)
    as_of = max((n.as_of for n in footnotes if n.as_of), default=None)
    spec: BriefingSpec = replace(briefing.spec, audience="public")
    twin = Briefing(
        id=briefing.id,
        spec=spec,
        title=briefing.title,
        created_at=briefing.created_at,
        as_of=briefing.as_of if not redactions else (as_of or briefing.created_at[:10]),
        sections=sections,
        footnotes=footnotes,
        status=briefing.status,
        meta=meta,
    )
    _check(briefing, twin, notes)
    return twin


def _redacted(block: Block, withheld: list[Figure], mark: str, ground: str) -> Block:
    words = _esc(f"{mark} {ground}")
    if block.kind == "table" and block.rows:
        shown = {f.text for f in withheld} | {f.value for f in withheld}
        head, *rows = block.rows
        if any(cell in shown for row in rows for cell in row):
            width = len(head)
            out = [head] + [
                ((f"{mark} {ground}",) + ("",) * (width - 1)) if any(c in shown for c in row) else row
                for row in rows
            ]
            kept = tuple(f for f in block.figures if f not in withheld)
            return Block("table", "", kept, tuple(out))
    kind = block.kind if block.kind in ("item", "paragraph") else "paragraph"
    return Block(kind, words)


def _folded_headings(blocks: list[Block], withheld: list[list[Figure]]) -> set[int]:
    """The headings over a run (to the next heading or placeholder) that is withheld entirely: their
    words name what was withheld (e.g. outreach for a target), so they go with it."""
    out: set[int] = set()
    for i, block in enumerate(blocks):
        if block.kind != "heading" or withheld[i]:
            continue
        j = i + 1
        while j < len(blocks) and blocks[j].kind not in ("heading", "placeholder"):
            j += 1
        if j > i + 1 and all(withheld[k] for k in range(i + 1, j)):
            out.add(i)
    return out


def _not_public(language: str, redactions: list[Redaction]) -> list[Block]:
    if not redactions:
        return [Block("paragraph", _esc(label(language, "not_public.none")))]
    return [
        Block("paragraph", _esc(label(language, "not_public.twin"))),
        *(
            Block(
                "item",
                _esc(label(language, "not_public.item", section=r.section, mark=r.mark, ground=r.ground)),
            )
            for r in redactions
        ),
        Block("placeholder", placeholder=Placeholder(label(language, "not_public.review"))),
    ]


def _check(original: Briefing, twin: Briefing, notes: dict[int, Footnote]) -> None:
    """Nothing that identifies redacted material (document ids, restricted sources and URLs, the values
    of withheld figures) remains in the twin."""
    secrets: set[str] = set()
    for section in original.sections:
        for block in section.blocks:
            for f in _withheld(block, notes):
                note = notes.get(f.footnote)
                if note is not None and note.restricted:
                    secrets.update(x for x in (note.source, note.url, note.document_id) if x)
                if f.restricted and len(f.value) >= 6:
                    secrets.add(f.value)
    body = json.dumps(twin.as_json(), ensure_ascii=False)
    left = sorted(s for s in secrets if s in body)
    if left:
        raise RedactionError(f"the public twin of {original.id} still holds {len(left)} withheld item(s)")
