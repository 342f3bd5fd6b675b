"""A briefing to HTML (footnotes as numbered notes with links) and to Markdown (footnotes as [^n]),
through the Jinja2 templates in `templates/`: one per briefing template and output format. The
templates hold the document's frame (letterhead, addressee, closing, signature block); the content
comes from the briefing's sections."""

from __future__ import annotations

import string
from collections.abc import Callable, Iterator
from functools import cache
from html import escape
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from reaimhub.briefings.formatting import format_date
from reaimhub.briefings.model import Block, Briefing, Figure, Footnote

__all__ = ["TEMPLATE_DIR", "render", "to_html", "to_markdown"]

TEMPLATE_DIR = Path(__file__).parent / "templates"


def _pieces(block: Block) -> Iterator[str | Figure]:
    """A block's text as literal pieces and its figures, in order ({0}, {1}... mark the figures)."""
    for literal, field, _, _ in string.Formatter().parse(block.text):
        if literal:
            yield literal
        if field is not None:
            yield block.figures[int(field)]


def _footnote_words(note: Footnote, language: str) -> tuple[str, str]:
    """(the source as written, what follows it: as-of date, secondary, not public)."""
    as_of = "Stand per" if language == "nl" else "As of"
    tail = [f"{as_of} {format_date(note.as_of, language)}" if note.as_of else ""]
    if note.secondary:
        tail.append("secundaire bron" if language == "nl" else "secondary source")
    if note.restricted:
        tail.append("niet openbaar" if language == "nl" else "not public")
    return note.source, "; ".join(t for t in tail if t)


def _md_url(value: str) -> str:
    """A URL as a Markdown link target: brackets, parentheses and spaces percent-encoded, so a URL
    such as UNODA's ".../Weapons_Systems_(2025)/..." stays one link."""
    return value.translate({ord(c): f"%{ord(c):02X}" for c in " ()<>[]"})


def _md_escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("[", "\\[").replace("]", "\\]").replace("*", "\\*")


def _html_block(block: Block) -> Markup:
    out: list[str] = []
    for piece in _pieces(block):
        if isinstance(piece, str):
            out.append(escape(piece))
        else:
            n = piece.footnote
            out.append(
                f'<span class="figure" data-key="{escape(piece.key)}">{escape(piece.text)}</span>'
                f'<sup class="fn"><a href="#fn-{n}">{n}</a></sup>'
            )
    return Markup("".join(out))


def _md_block(block: Block) -> str:
    pieces = _pieces(block)
    return "".join(
        _md_escape(p) if isinstance(p, str) else f"{_md_escape(p.text)}[^{p.footnote}]" for p in pieces
    )


def _runs(blocks: list[Block]) -> list[tuple[str, list[Block]]]:
    """Consecutive blocks of the same kind grouped (list items into one list)."""
    runs: list[tuple[str, list[Block]]] = []
    for block in blocks:
        if runs and runs[-1][0] == block.kind == "item":
            runs[-1][1].append(block)
        else:
            runs.append((block.kind, [block]))
    return runs


@cache
def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATE_DIR),
        autoescape=select_autoescape(enabled_extensions=("html.j2",), default_for_string=False),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["html_block"] = _html_block
    env.filters["md_block"] = _md_block
    env.filters["md_escape"] = _md_escape
    env.filters["md_url"] = _md_url
    env.globals["runs"] = _runs
    return env


def render(briefing: Briefing, fmt: str) -> str:
    """The briefing in `fmt` (`html` or `md`) through its template."""
    language = briefing.spec.language
    notes = [(n, *_footnote_words(n, language)) for n in briefing.footnotes]
    template = _environment().get_template(f"{briefing.spec.template}.{fmt}.j2")
    date: Callable[[str | None], str] = lambda value: format_date(value, language)  # noqa: E731
    return template.render(
        b=briefing,
        lang=language,
        meta=briefing.meta,
        labels=briefing.meta.get("labels", {}),
        notes=notes,
        date=date,
    )


def to_html(briefing: Briefing) -> str:
    return render(briefing, "html")


def to_markdown(briefing: Briefing) -> str:
    return render(briefing, "md")
