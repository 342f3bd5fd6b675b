"""What changed between two briefings (pure: no store, no rendering).

Figures are compared by their `key`, which is stable across briefings ("instrument:A/RES/79/62:tally"):
added, removed, changed (text, value or as-of date) and how many stayed the same. Sections are compared
by their `key`: sections added or removed, and within a section the blocks whose text (with its figures
filled in) changed, was added or was removed.

`briefing_from_json` reads a stored body (`Briefing.as_json()`) back into a `Briefing`.
"""

from __future__ import annotations

import difflib
import json
import string
from dataclasses import asdict, dataclass, field
from typing import Any

from reaimhub.briefings.model import (
    Block,
    Briefing,
    BriefingSpec,
    Figure,
    Footnote,
    Placeholder,
    Section,
)

__all__ = [
    "BlockChange",
    "BriefingDiff",
    "FigureChange",
    "FigureState",
    "SectionChanges",
    "block_text",
    "briefing_from_json",
    "diff",
]


SINCE = "@since"  # the key suffix of a "changed since the previous briefing" line's figure
CHANGES = "changes"  # the key of the section that says so (left out when briefings are compared)


# --- reading a stored body back ------------------------------------------------------------------


def _block(raw: dict[str, Any]) -> Block:
    placeholder = raw.get("placeholder")
    return Block(
        kind=raw["kind"],
        text=raw.get("text", ""),
        figures=tuple(Figure(**f) for f in raw.get("figures", ())),
        rows=tuple(tuple(r) for r in raw.get("rows", ())),
        placeholder=Placeholder(**placeholder) if placeholder else None,
        depth=int(raw.get("depth", 0)),
    )


def briefing_from_json(body: dict[str, Any]) -> Briefing:
    """A briefing from its stored body (`Briefing.as_json()`); `briefing_from_json(b.as_json()) == b`."""
    spec = dict(body["spec"])
    spec["topics"] = tuple(spec.get("topics", ()))
    return Briefing(
        id=body["id"],
        spec=BriefingSpec(**spec),
        title=body["title"],
        created_at=body["created_at"],
        as_of=body["as_of"],
        sections=[
            Section(s["key"], s["title"], [_block(b) for b in s.get("blocks", ())], s.get("level", 1))
            for s in body.get("sections", ())
        ],
        footnotes=[Footnote(**n) for n in body.get("footnotes", ())],
        status=body.get("status", "draft"),
        meta=dict(body.get("meta", {})),
    )


# --- the diff ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FigureState:
    """A figure as one briefing states it."""

    key: str
    text: str
    value: str
    as_of: str | None
    source: str
    restricted: bool = False


@dataclass(frozen=True)
class FigureChange:
    key: str
    old: FigureState
    new: FigureState

    @property
    def what(self) -> tuple[str, ...]:
        """Which of text, value and as_of changed."""
        return tuple(a for a in ("text", "value", "as_of") if getattr(self.old, a) != getattr(self.new, a))


@dataclass(frozen=True)
class BlockChange:
    old: str
    new: str


@dataclass
class SectionChanges:
    """The blocks of one section (present in both briefings) that changed, were added or removed."""

    key: str
    title: str
    changed: list[BlockChange] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)


@dataclass
class BriefingDiff:
    old_id: str
    new_id: str
    old_as_of: str
    new_as_of: str
    added: list[FigureState] = field(default_factory=list)
    removed: list[FigureState] = field(default_factory=list)
    changed: list[FigureChange] = field(default_factory=list)
    unchanged: int = 0
    sections_added: list[str] = field(default_factory=list)  # section keys
    sections_removed: list[str] = field(default_factory=list)
    sections_changed: list[SectionChanges] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (
            self.added
            or self.removed
            or self.changed
            or self.sections_added
            or self.sections_removed
            or self.sections_changed
        )

    def summary(self) -> dict[str, Any]:
        """Counts and the keys of what changed (small enough for a briefing's meta)."""
        return {
            "previous": self.old_id,
            "previous_as_of": self.old_as_of,
            "figures": {
                "added": [f.key for f in self.added],
                "removed": [f.key for f in self.removed],
                "changed": [c.key for c in self.changed],
                "unchanged": self.unchanged,
            },
            "sections": {
                "added": list(self.sections_added),
                "removed": list(self.sections_removed),
                "changed": [s.key for s in self.sections_changed],
            },
        }

    def as_json(self) -> dict[str, Any]:
        out = asdict(self)
        out["changed"] = [{**asdict(c), "what": list(c.what)} for c in self.changed]
        out["empty"] = self.is_empty
        return out

    def as_markdown(self) -> str:
        lines = [f"# Changes from briefing {self.old_id} to {self.new_id}", ""]
        lines.append(f"As of {self.old_as_of} → {self.new_as_of}.")
        lines.append("")
        lines.append(
            f"Figures: {len(self.changed)} changed, {len(self.added)} added, {len(self.removed)} removed, "
            f"{self.unchanged} unchanged."
        )
        if self.changed:
            lines += ["", "## Changed figures", ""]
            for c in self.changed:
                lines.append(
                    f"- `{c.key}`: {c.old.text} ({c.old.value}, as of {c.old.as_of}) → "
                    f"{c.new.text} ({c.new.value}, as of {c.new.as_of})"
                )
        for title, figures in (("Added figures", self.added), ("Removed figures", self.removed)):
            if figures:
                lines += ["", f"## {title}", ""]
                lines += [f"- `{f.key}`: {f.text} ({f.value}, as of {f.as_of})" for f in figures]
        if self.sections_added or self.sections_removed or self.sections_changed:
            lines += ["", "## Sections", ""]
            lines += [f"- added: {key}" for key in self.sections_added]
            lines += [f"- removed: {key}" for key in self.sections_removed]
            for s in self.sections_changed:
                lines += ["", f"### {s.title or s.key}", ""]
                for b in s.changed:
                    lines += [f"- changed: {b.old}", f"  → {b.new}"]
                lines += [f"- added: {text}" for text in s.added]
                lines += [f"- removed: {text}" for text in s.removed]
        if self.is_empty:
            lines += ["", "Nothing changed."]
        return "\n".join(lines) + "\n"

    def as_json_text(self) -> str:
        return json.dumps(self.as_json(), ensure_ascii=False, indent=2)


def block_text(block: Block) -> str:
    """A block as plain text: its figures' words in place of {0}, {1}...; tables row by row."""
    if block.kind == "placeholder":
        return f"[{block.placeholder.prompt if block.placeholder else ''}]"
    if block.kind == "table":
        return " / ".join(" | ".join(row) for row in block.rows)
    out: list[str] = []
    for literal, name, _, _ in string.Formatter().parse(block.text):
        out.append(literal)
        if name is not None:
            out.append(block.figures[int(name)].text)
    return "".join(out)


def _figures(briefing: Briefing) -> dict[str, FigureState]:
    notes = {n.number: n for n in briefing.footnotes}
    found: dict[str, FigureState] = {}
    for f in briefing.figures:
        if f.key.endswith(SINCE):
            continue  # "changed since" lines restate figures of this briefing and the one before
        key, n = f.key, 2
        while key in found:  # the same fact stated twice: compare the n-th with the n-th
            key, n = f"{f.key}#{n}", n + 1
        note = notes.get(f.footnote)
        found[key] = FigureState(
            key,
            f.text,
            f.value,
            note.as_of if note else None,
            note.source if note else "",
            f.restricted or bool(note and note.restricted),
        )
    return found


def _blocks(old: Section, new: Section) -> SectionChanges:
    a = [block_text(b) for b in old.blocks]
    b = [block_text(b) for b in new.blocks]
    changes = SectionChanges(new.key, new.title)
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op == "equal":
            continue
        olds, news = a[i1:i2], b[j1:j2]
        paired = min(len(olds), len(news)) if op == "replace" else 0
        changes.changed += [BlockChange(o, n) for o, n in zip(olds[:paired], news[:paired], strict=True)]
        changes.removed += olds[paired:]
        changes.added += news[paired:]
    return changes


def diff(old: Briefing, new: Briefing) -> BriefingDiff:
    """What changed from `old` to `new`, figure by figure (by key) and section by section."""
    before, after = _figures(old), _figures(new)
    out = BriefingDiff(old.id, new.id, old.as_of, new.as_of)
    for key, state in after.items():
        was = before.get(key)
        if was is None:
            out.added.append(state)
        elif (was.text, was.value, was.as_of) != (state.text, state.value, state.as_of):
            out.changed.append(FigureChange(key, was, state))
        else:
            out.unchanged += 1
    out.removed = [state for key, state in before.items() if key not in after]
    old_sections = {s.key: s for s in old.sections if s.key != CHANGES}
    new_sections = [s for s in new.sections if s.key != CHANGES]
    new_keys = {s.key for s in new_sections}
    out.sections_added = [s.key for s in new_sections if s.key not in old_sections]
    out.sections_removed = [key for key in old_sections if key not in new_keys]
    for section in new_sections:
        if section.key in old_sections:
            changes = _blocks(old_sections[section.key], section)
            if changes.changed or changes.added or changes.removed:
                out.sections_changed.append(changes)
    return out
