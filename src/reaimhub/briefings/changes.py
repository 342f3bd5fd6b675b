""" "Changed since the previous briefing", in the briefing's own words: a list of every figure whose
value changed or that is new, each with its footnote (the new figure's source and as-of date) and the
previous value as the previous briefing stated it.

The lines are figures of their own (key `<figure key>@since`), restricted when either the old or the new
statement was, so a public twin withholds them as it withholds the figure; `diff` leaves them out
when comparing briefings (they are about the comparison, not facts)."""

from __future__ import annotations

import re
from dataclasses import replace

from reaimhub.briefings.diff import CHANGES, SINCE, BriefingDiff, FigureState
from reaimhub.briefings.formatting import format_date
from reaimhub.briefings.labels import label
from reaimhub.briefings.model import Block, Briefing, Figure, Section

__all__ = ["with_changes"]


def _esc(value: str) -> str:
    return value.replace("{", "{{").replace("}", "}}")


def _base(key: str) -> str:
    return key.split("#", 1)[0]


_SLOT = re.compile(r"(?<!\{)\{(\d+)\}(?!\})")


def _plain(template: str, figures: tuple[Figure, ...]) -> str:
    """A piece of a block's text with its figures' words in place (still escaped for a block)."""
    return _SLOT.sub(lambda m: _esc(figures[int(m.group(1))].text), template)


def _contexts(briefing: Briefing) -> dict[str, tuple[str, str]]:
    """For each figure key: what the figure is about as its block says it: the block's head (its text
    before the first ": ") and the words right after the figure (to the next , ; or .), so that a
    changed count reads "Van A naar B: 2 nieuw" rather than "2"."""
    out: dict[str, tuple[str, str]] = {}
    for section in briefing.sections:
        for block in section.blocks:
            for i, figure in enumerate(block.figures):
                slot = block.text.find("{" + str(i) + "}")
                if slot < 0 or figure.key in out:
                    continue
                head_end = block.text.find(": ")
                head = _plain(block.text[:head_end], block.figures) if 0 <= head_end < slot else ""
                after = re.split(r"[,;.]|\{\d+\}", block.text[slot + len(str(i)) + 2 :], maxsplit=1)[0]
                out[figure.key] = (head, after.rstrip())
    return out


def _line(figure: Figure, context: tuple[str, str], words: str) -> Block:
    head, after = context
    return Block("item", (f"{head}: " if head else "") + "{0}" + after + " " + _esc(words), (figure,))


def _since(figure: Figure, old: FigureState | None) -> Figure:
    restricted = figure.restricted or bool(old and old.restricted)
    return replace(figure, key=f"{figure.key}{SINCE}", restricted=restricted)


def change_blocks(briefing: Briefing, changes: BriefingDiff) -> list[Block]:
    """The heading, a count line and one item per changed or added figure (in briefing order)."""
    lang = briefing.spec.language
    by_key: dict[str, Figure] = {}
    for f in briefing.figures:
        by_key.setdefault(f.key, f)
    title = label(
        lang,
        "changes.title",
        date=format_date(changes.old_as_of, lang) if changes.old_as_of else changes.old_id,
    )
    blocks = [Block("heading", _esc(title))]
    if changes.is_empty:
        blocks.append(Block("paragraph", _esc(label(lang, "changes.none"))))
        return blocks
    blocks.append(
        Block(
            "paragraph",
            _esc(
                label(
                    lang,
                    "changes.count",
                    changed=len(changes.changed),
                    added=len(changes.added),
                    removed=len(changes.removed),
                )
            ),
        )
    )
    contexts = _contexts(briefing)
    for change in changes.changed:
        figure = by_key.get(_base(change.key))
        if figure is None:
            continue
        if change.old.text == change.new.text:  # the same words, newer as of (or another value)
            words = label(lang, "changes.as_of", date=format_date(change.old.as_of, lang))
        else:
            words = label(lang, "changes.changed", old=change.old.text)
        blocks.append(_line(_since(figure, change.old), contexts.get(figure.key, ("", "")), words))
    for state in changes.added:
        figure = by_key.get(_base(state.key))
        if figure is None:
            continue
        words = label(lang, "changes.added")
        blocks.append(_line(_since(figure, None), contexts.get(figure.key, ("", "")), words))
    for state in changes.removed:
        if state.restricted:
            continue  # said only where the old briefing's audience could read it: never carried over
        blocks.append(Block("item", _esc(label(lang, "changes.removed", old=state.text))))
    return blocks


def with_changes(briefing: Briefing, changes: BriefingDiff) -> Briefing:
    """`briefing` with the changes since the previous one, as a section of their own (key CHANGES):
    after the introduction of a letter or note, a part of a beslisnota's Kernpunten (its own sections
    stay exactly the seed's)."""
    title, *rest = change_blocks(briefing, changes)
    heading = title.text.replace("{{", "{").replace("}}", "}")
    sections = list(briefing.sections)
    if briefing.spec.template == "beslisnota":  # a part of Kernpunten, after its topics
        at = next(i for i, s in enumerate(sections) if s.key == "kernpunten") + 1
        sections.insert(at, Section(CHANGES, heading, rest, 2))
    else:
        sections.insert(1, Section(CHANGES, heading, rest, 1))
    return replace(briefing, sections=sections)
