"""A light Markdown reader: headings, list items, pipe tables, paragraphs; inline markup stripped."""

from __future__ import annotations

import re

from reaimhub.model import Block, BlockKind

__all__ = ["first_heading", "markdown_blocks", "strip_inline"]

_ATX = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
_ITEM = re.compile(r"^([ \t]*)([-*+]|\d{1,9}[.)])[ \t]+(\S.*)$")
_FENCE = re.compile(r"^ {0,3}(```|~~~)")
_RULE = re.compile(r"^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")
_SETEXT = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
_TABLE_SEPARATOR = re.compile(r"^\s*\|?\s*:?-+:?\s*(?:\|\s*:?-+:?\s*)*\|?\s*$")
_QUOTE = re.compile(r"^ {0,3}>[ \t]?")
_INLINE = (
    (re.compile(r"!\[([^\]]*)\]\((?:[^()]|\([^()]*\))*\)"), r"\1"),  # image -> alt text
    (re.compile(r"\[([^\]]*)\]\((?:[^()]|\([^()]*\))*\)"), r"\1"),  # link -> its text (URL may hold (...))
    (re.compile(r"\[([^\]]+)\]\[[^\]]*\]"), r"\1"),  # reference link
    (re.compile(r"<((?:https?|mailto):[^>\s]+)>"), r"\1"),  # autolink
    (re.compile(r"`([^`]+)`"), r"\1"),
    (re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1"), r"\2"),
    (re.compile(r"(?<![\w*])\*(?=\S)([^*]+?)(?<=\S)\*(?![\w*])"), r"\1"),
    (re.compile(r"(?<![\w_])_(?=\S)([^_]+?)(?<=\S)_(?![\w_])"), r"\1"),
    (re.compile(r"~~(?=\S)(.+?)(?<=\S)~~"), r"\1"),
    (re.compile(r"\\([\\`*_{}\[\]()#+\-.!|>~])"), r"\1"),  # backslash escapes
)


def strip_inline(text: str) -> str:
    """Links, images, emphasis and code spans to their text; spaces collapsed, hard line breaks kept."""
    for pattern, replacement in _INLINE:
        text = pattern.sub(replacement, text)
    lines = (" ".join(line.split()) for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


def first_heading(text: str) -> str | None:
    """The text of the first level-1 ATX heading."""
    for line in text.splitlines():
        match = _ATX.match(line)
        if match and len(match.group(1)) == 1 and match.group(2):
            return strip_inline(match.group(2)) or None
    return None


class _Reader:
    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self.paragraph: list[str] = []
        self.item: Block | None = None
        self.indents: list[int] = []
        self.table: list[str] = []

    def flush(self, *, end_list: bool = True) -> None:
        if self.paragraph:
            self.add(BlockKind.PARAGRAPH, " ".join(self.paragraph))
            self.paragraph = []
        if self.item is not None:
            self.item.text = strip_inline(self.item.text)
            if self.item.text:
                self.blocks.append(self.item)
            self.item = None
        if self.table:
            self.blocks.append(Block(BlockKind.TABLE, "\n".join(self.table)))
            self.table = []
        if end_list:
            self.indents = []

    def code(self, lines: list[str]) -> None:
        if "".join(lines).strip():
            self.blocks.append(Block(BlockKind.PARAGRAPH, "\n".join(lines)))

    def add(self, kind: BlockKind, text: str, level: int = 0) -> None:
        text = strip_inline(text)
        if text:
            self.blocks.append(Block(kind, text, level=level))

    def list_item(self, indent: int, marker: str, text: str) -> None:
        self.flush(end_list=False)
        while self.indents and self.indents[-1] > indent:
            self.indents.pop()
        if not self.indents or self.indents[-1] < indent:
            self.indents.append(indent)
        label = None if marker in "-*+" else marker[:-1] + "."
        self.item = Block(BlockKind.LIST_ITEM, text, level=len(self.indents), label=label)

    def table_row(self, line: str) -> None:
        if self.paragraph or self.item is not None:
            self.flush()
        if not _TABLE_SEPARATOR.match(line):
            cells = [strip_inline(cell) for cell in line.strip().strip("|").split("|")]
            if any(cells):
                self.table.append(" | ".join(cells))


def markdown_blocks(text: str) -> list[Block]:
    """Blocks of a Markdown text, in order."""
    reader = _Reader()
    lines = text.splitlines()
    fence: list[str] | None = None
    for index, line in enumerate(lines):
        following = lines[index + 1] if index + 1 < len(lines) else ""
        if fence is not None:
            if _FENCE.match(line):
                reader.code(fence)
                fence = None
            else:
                fence.append(line.rstrip())
            continue
        if not line.strip():
            reader.flush(end_list=False)
        elif _FENCE.match(line):
            reader.flush()
            fence = []
        elif (heading := _ATX.match(line)) is not None:
            reader.flush()
            reader.add(BlockKind.HEADING, heading.group(2) or "", level=len(heading.group(1)))
        elif len(reader.paragraph) == 1 and _SETEXT.match(line):
            title = reader.paragraph.pop()
            reader.flush()
            reader.add(BlockKind.HEADING, title, level=1 if line.strip()[0] == "=" else 2)
        elif _RULE.match(line):
            reader.flush()
        elif reader.table or ("|" in line and _TABLE_SEPARATOR.match(following) and "-" in following):
            if "|" in line:
                reader.table_row(line)
            else:
                reader.flush()
                reader.paragraph.append(line.strip())
        elif (item := _ITEM.match(line)) is not None:
            reader.list_item(len(item.group(1).expandtabs(4)), item.group(2), item.group(3))
        elif reader.item is not None:
            reader.item.text += " " + line.strip()
        else:
            if reader.indents and not line.startswith((" ", "\t")):
                reader.flush()
            hard_break = line.endswith(("  ", "\\"))  # Markdown's hard line break
            reader.paragraph.append(
                _QUOTE.sub("", line).strip().removesuffix("\\") + ("\n" if hard_break else "")
            )
    if fence is not None:
        reader.code(fence)
    reader.flush()
    return reader.blocks
