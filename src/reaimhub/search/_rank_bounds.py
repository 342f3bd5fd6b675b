"""A large library's rank, bounded on both engines: the query's rarer forms lead. Private to
reaimhub.search (see `_backend`).

BM25's best passages hold the query's rarer forms: a passage holding only commoner ones scores at most
their small idfs. So a rank that wants only the best few (hybrid's LEXICAL_CANDIDATES) in a library of
more than EXACT_DF_PASSAGES passages scores only the passages of the rarest forms that occur, the
rarest first while their frequencies add up to at most `scored` (at least the rarest one); when even
the rarest form is in more, the first of its passages in the index's order. PostgreSQL restricts its
rank in SQL (`_backend._bounded`); SQLite's FTS5 ranks every match of its expression with bm25() (a
microsecond or so a row: 50-100 ms for a common word at 100,000 passages), so its rank reads the
leading passages first (`bounded_fts5`) and scores those alone, each with its whole bm25() over every
form of the query. A query with a phrase (a termbase equivalent is one) is led on SQLite by the
phrase's first holders instead: FTS5 finds them from its position lists, and the rarer forms' passages
may hold none of its phrases (the bound then kept 52 passages of an equivalent held by 34,901).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from reaimhub.search._backend import LexicalSQL

__all__ = ["bounded_fts5", "form_counts_sql", "fts5_ranked", "rarest_forms"]


def rarest_forms(occurring: Sequence[tuple[int, str]], scored: int) -> tuple[list[str], int]:
    """The rarest of `occurring` (forms with their document frequencies, each in some passage) while
    their frequencies add up to at most `scored`, at least the rarest one; and that sum."""
    forms = sorted(occurring)
    kept, seen = [forms[0][1]], forms[0][0]
    for df, form in forms[1:]:
        if seen + df > scored:
            break
        kept.append(form)
        seen += df
    return kept, seen


def fts5_ranked(where: str) -> str:
    """One page (`:n` rows after `:skip`) of FTS5's best matches of `where` on passages_stem, as
    (passage id, score) rows."""
    return (
        f"SELECT rowid, -bm25(passages_stem) AS score FROM passages_stem WHERE {where} "
        "ORDER BY score DESC, rowid LIMIT :n OFFSET :skip"
    )


def form_counts_sql(
    forms: Sequence[str], cap: int, within: str | None = None, within_cap: int = 0
) -> tuple[str, dict[str, Any]]:
    """One row: how many passages of the stemmed index hold each of `forms` (FTS5 phrases), each
    counted up to `cap` (a common form's whole doclist is not read); then, with `within` (a query's
    `rank_within`, whose parameters the caller adds), how many passages hold its phrases, up to
    `within_cap`."""
    params: dict[str, Any] = {"cap": cap, "within_cap": within_cap}
    columns = []
    for i, form in enumerate(forms):
        params[f"form{i}"] = form
        holding = f"SELECT 1 FROM passages_stem WHERE passages_stem MATCH :form{i} LIMIT :cap"
        columns.append(f"(SELECT count(*) FROM ({holding}))")
    if within is not None:
        columns.append(f"(SELECT count(*) FROM ({within} LIMIT :within_cap))")
    return "SELECT " + ", ".join(columns), params


def bounded_fts5(
    sql: LexicalSQL, counts: Sequence[int], scored: int, examined: int, holders: int | None = None
) -> LexicalSQL:
    """`sql` (SQLite) with its `ranked` page restricted to the first `examined` passages (in the index's
    order) of the rarer of its ranking forms (`sql.rank_forms`, found in `counts` passages each,
    counted up to more than `scored`), or of its phrases when it has any (`holders` passages hold
    them, counted up to more than `examined`: when no more, every match is scored and the rank is
    whole); unchanged when all its forms' passages add up to at most `scored`."""
    occurring = [(int(n), form) for n, form in zip(counts, sql.rank_forms, strict=True) if n]
    if not occurring or sum(n for n, _ in occurring) <= scored:
        return sql
    params = {**sql.params, "examined": examined}
    if sql.rank_within is not None:
        # Every match holds one of the query's phrases: their first holders lead (the whole list of
        # them is not read), rather than those of the rarer forms, which may hold none.
        leading = f"({sql.rank_within} ORDER BY rowid LIMIT :examined)"
        where = "passages_stem MATCH :match"
    else:
        params["rarer"] = " OR ".join(rarest_forms(occurring, scored)[0])
        leading = (
            "(SELECT rowid AS id FROM passages_stem WHERE passages_stem MATCH :rarer "
            "ORDER BY rowid LIMIT :examined)"
        )
        where = sql.match
    # The rowid range reaches FTS5 as a constraint: it reads the whole expression's matches up to the
    # last leading passage only; the unary + keeps the list a filter (see `_backend._fts5`), so that
    # bm25() runs for the leading passages alone.
    where += f" AND rowid <= (SELECT max(id) FROM {leading}) AND +rowid IN (SELECT id FROM {leading})"
    whole = sql.rank_within is not None and holders is not None and holders <= examined
    return replace(sql, ranked=fts5_ranked(where), params=params, pruned=not whole)
