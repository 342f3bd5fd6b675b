"""Pure helpers that shape service results for the templates: links, pagination, tables of contents."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from reaimhub.search import SearchResults

__all__ = [
    "FACET_PARAMS",
    "FacetLink",
    "PageBlock",
    "SearchForm",
    "TocNode",
    "facet_links",
    "hit_anchor",
    "only_language_href",
    "page_blocks",
    "pagination",
    "toc_tree",
]

# Facet name in SearchResults -> the GET parameter that filters on it.
FACET_PARAMS = {"language": "lang", "doc_type": "type", "state": "state"}
PAGE_SIZE = 10


@dataclass
class SearchForm:
    """The search page's GET parameters, normalised (blank form fields dropped)."""

    q: str = ""
    lang: list[str] = field(default_factory=list)
    type: list[str] = field(default_factory=list)
    state: list[str] = field(default_factory=list)
    date_from: str = ""
    date_to: str = ""
    page: int = 1
    mode: str = "hybrid"

    def params(self, **changes: Any) -> list[tuple[str, str]]:
        values: dict[str, Any] = {**self.__dict__, **changes}
        pairs = [("q", values["q"])]
        for name in ("lang", "type", "state"):
            pairs += [(name, v) for v in values[name]]
        pairs += [(name, values[name]) for name in ("date_from", "date_to") if values[name]]
        if values["mode"] != "hybrid":
            pairs.append(("mode", values["mode"]))
        if values["page"] > 1:
            pairs.append(("page", str(values["page"])))
        return pairs

    def href(self, **changes: Any) -> str:
        return "/search?" + urlencode(self.params(**changes))

    @property
    def has_filters(self) -> bool:
        return bool(self.lang or self.type or self.state or self.date_from or self.date_to)


@dataclass(frozen=True)
class FacetLink:
    value: str
    label: str
    count: int
    selected: bool
    href: str  # adds the filter, or removes it when selected
    only_href: str | None = None  # language facet: this value alone, every other language dropped


def facet_links(results: SearchResults, form: SearchForm) -> dict[str, list[FacetLink]]:
    links: dict[str, list[FacetLink]] = {}
    for name, values in results.facets.items():
        param = FACET_PARAMS.get(name)
        if param is None:
            continue
        current: list[str] = getattr(form, param)
        links[name] = []
        for facet in values:
            chosen = facet.selected or facet.value in current
            new = [v for v in current if v != facet.value] if chosen else [*current, facet.value]
            only = (
                form.href(lang=[facet.value], page=1)
                if name == "language" and current != [facet.value]
                else None
            )
            links[name].append(
                FacetLink(
                    facet.value, facet.label, facet.count, chosen, form.href(**{param: new, "page": 1}), only
                )
            )
    return links


def only_language_href(results: SearchResults, form: SearchForm) -> str | None:
    """A link to the same search limited to the query's own language, unless that is the filter already."""
    language = results.query_language
    if language is None or form.lang == [language]:
        return None
    return form.href(lang=[language], page=1)


def pagination(total: int, form: SearchForm) -> dict[str, Any]:
    pages = max(1, -(-total // PAGE_SIZE))
    current = min(form.page, pages)
    return {
        "page": current,
        "pages": pages,
        "first": (current - 1) * PAGE_SIZE + 1 if total else 0,
        "last": min(current * PAGE_SIZE, total),
        "prev": form.href(page=current - 1) if current > 1 else None,
        "next": form.href(page=current + 1) if current < pages else None,
    }


@dataclass
class TocNode:
    title: str
    page: int | None
    level: int
    anchor: str  # fragment of the first passage of the section, else of its page
    children: list[TocNode] = field(default_factory=list)


def toc_tree(sections: list[dict[str, Any]], passages: list[dict[str, Any]]) -> list[TocNode]:
    """Flat (level, title, page) headings -> nested nodes; a deeper level nests under the last shallower.

    Each node links to the first passage filed under its section path, else to its page.
    """
    first_passage: dict[str, str] = {}
    for passage in passages:
        parts = str(passage.get("section_path") or "").split(" > ")
        for depth in range(1, len(parts) + 1):
            first_passage.setdefault(" > ".join(parts[:depth]), str(passage["id"]))
    roots: list[TocNode] = []
    stack: list[TocNode] = []
    for section in sections:
        level = int(section.get("level") or 1)
        while stack and stack[-1].level >= level:
            stack.pop()
        path = " > ".join([*(n.title for n in stack), str(section["title"])])
        page = section.get("page")
        passage_id = first_passage.get(path)
        anchor = f"passage-{passage_id}" if passage_id else (f"page-{page}" if page else "")
        node = TocNode(str(section["title"]), page, level, anchor)
        (stack[-1].children if stack else roots).append(node)
        stack.append(node)
    return roots


def hit_anchor(kind: str, passage_id: str) -> str:
    """Where a search hit lands on the document page: its passage, or the footnotes."""
    return "footnotes" if kind == "footnote" else f"passage-{passage_id}"


@dataclass
class PageBlock:
    number: int
    # body passages, each with `headings`: the (level, title) of each section it opens (the parts of its
    # section path that changed, level 1 the outermost), and `body`: its text without the heading lines
    # it starts with (ingest keeps them in the passage for search; the page shows them once, as headings)
    passages: list[dict[str, Any]]
    text: str  # the page text, shown when no passage is on this page
    ocr: bool = False  # scanned (no text layer): its text, if any, was read by OCR
    ocr_confidence: float | None = None  # Tesseract's, 0-100
    ocr_skipped: str | None = None  # why OCR did not read it


def _squash(line: str) -> str:
    return " ".join(line.split()).casefold()


def without_heading_lines(text: str, titles: list[str]) -> str:
    """`text` without the leading lines that repeat its section titles (in order, outermost first)."""
    lines = text.split("\n")
    wanted = [_squash(t) for t in titles if t.strip()]
    start = 0
    while start < len(lines) and not lines[start].strip():
        start += 1
    cut = start
    for title in wanted:
        if cut < len(lines) and _squash(lines[cut]) == title:
            cut += 1
    if cut == start:
        return text
    return "\n".join(lines[cut:]).lstrip("\n")


def page_blocks(pages: list[dict[str, Any]], passages: list[dict[str, Any]]) -> list[PageBlock]:
    by_page: dict[int, list[dict[str, Any]]] = {}
    previous: list[str] = []
    for passage in passages:
        if passage.get("kind") == "footnote":
            continue  # footnotes are shown apart
        path = str(passage.get("section_path") or "")
        parts = [part.strip() for part in path.split(" > ")] if path else []
        same = 0
        while same < min(len(parts), len(previous)) and parts[same] == previous[same]:
            same += 1
        opened = parts[same:]
        headings = [(same + i + 1, title) for i, title in enumerate(opened)]
        body = without_heading_lines(str(passage["text"]), parts) if opened else str(passage["text"])
        item = {**passage, "heading": path if opened else "", "headings": headings, "body": body}
        previous = parts
        by_page.setdefault(int(passage["page"]), []).append(item)
    return [
        PageBlock(
            int(p["number"]),
            by_page.get(int(p["number"]), []),
            str(p["text"]),
            bool(p.get("ocr")),
            p.get("ocr_confidence"),
            p.get("ocr_skipped"),
        )
        for p in pages
    ]
