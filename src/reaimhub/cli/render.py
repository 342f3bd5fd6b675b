"""Terminal rendering of search results."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape

from reaimhub.search import SearchResults

__all__ = ["print_results"]


def print_results(console: Console, results: SearchResults) -> None:
    bound = "at least " if results.truncated else ""
    docs = "document" if results.total_documents == 1 else "documents"
    passages = "passage" if results.total_passages == 1 else "passages"
    console.print(
        f"{bound}{results.total_documents} {docs}, {bound}{results.total_passages} {passages} "
        f"match {results.query.text!r}{_files(results)} (as of {results.as_of}; {results.mode} search, "
        f"query language {results.query_language or 'unknown'})"
    )
    for note in results.notes:
        console.print(f"[yellow]note:[/] {escape(note)}")
    if results.suggestions:
        terms = "; ".join(f"{s.term} ({s.lang})" for s in results.suggestions)
        console.print(f"[dim]also searched, from the termbase:[/] {escape(terms)}")
    for rank, hit in enumerate(results.results, start=results.query.offset + 1):
        level = hit.disclosure if hit.disclosure != "public" else None
        meta = " · ".join(x for x in (level, hit.symbol, hit.doc_type, hit.language, hit.doc_date) if x)
        console.print(f"\n[bold]{rank}. {escape(hit.title)}[/]  [dim]#{hit.document_id} {meta}[/]")
        if len(hit.renditions) > 1:  # the work's other files the viewer sees (search.works)
            others = ", ".join(
                f"{r.format} #{r.document_id}" + (f" ({r.language})" if r.language else "")
                for r in hit.renditions[1:]
            )
            console.print(f"   [dim]also as {escape(others)}[/]")
        for page in hit.pages:
            section = f" · {escape(page.section)}" if page.section else ""
            section += f" [dim]({page.found_by})[/]"
            snippet = escape(page.snippet_html).replace("&lt;mark&gt;", "[reverse]")
            snippet = snippet.replace("&lt;/mark&gt;", "[/reverse]")
            console.print(
                f"   p. {page.page}{section}: {escape(page.snippet)}"
                if not console.is_terminal
                else f"   p. {page.page}{section}: {snippet}"
            )
    for name, values in results.facets.items():
        if values:
            console.print(f"\n[dim]{name}:[/] " + ", ".join(f"{v.label} ({v.count})" for v in values[:10]))


def _files(results: SearchResults) -> str:
    """ ", in N files" when a document matched in several files (renditions of one work)."""
    return f", in {results.total_files} files" if results.total_files > results.total_documents else ""
