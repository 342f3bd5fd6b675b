"""Lexical index backends: SQLite FTS5 and PostgreSQL tsvector. Private to reaimhub.search.

Each backend turns a ParsedQuery into a FROM clause (giving passages as `p`), a match condition and a
score expression (higher is better). The facade adds the disclosure predicate to every statement.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from reaimhub.search.query import Clause, ParsedQuery

__all__ = ["LOG_SCORE_SCALE", "LexicalSQL", "lexical_sql"]

# index_only scores: the integer ln(score) x this (|ln| <= 691 for any positive double: fits 64 bits)
LOG_SCORE_SCALE = 10**16


@dataclass(frozen=True)
class LexicalSQL:
    source: str  # FROM ... giving passages as p
    join: str  # how to join further tables after the source without changing the planner's order
    match: str
    score: str
    params: dict[str, Any]
    # The index alone, best first: (passage id, score) rows of one page (`:n` rows after `:skip`), for
    # taking a few best of very many matches without joining each of them first. None: no such path.
    ranked: str | None = None
    # The index alone, every match in no order: one row (passage ids, ln(score) x LOG_SCORE_SCALE),
    # each a comma-separated list, or NULLs for no match. None: no such path.
    index_only: str | None = None


def _group_or(clauses: list[Clause], render: Callable[[Clause], str], and_op: str, or_op: str) -> str:
    groups: list[list[str]] = [[]]
    for clause in clauses:
        groups[-1].append(render(clause))
        if not clause.or_next:
            groups.append([])
    parts = [g[0] if len(g) == 1 else "(" + f" {or_op} ".join(g) + ")" for g in groups if g]
    return f" {and_op} ".join(parts)


def _fts5_clause(clause: Clause) -> str:
    phrase = " ".join(clause.words).replace('"', '""')
    return f'"{phrase}"' + ("*" if clause.prefix else "")


def _fts5(query: ParsedQuery) -> LexicalSQL:
    positive = [c for c in query.clauses if not c.negated]
    negative = [c for c in query.clauses if c.negated]
    expression = _group_or(positive, _fts5_clause, "AND", "OR")
    if negative:
        expression = f"({expression}) NOT (" + " OR ".join(_fts5_clause(c) for c in negative) + ")"
    return LexicalSQL(
        # CROSS JOIN pins SQLite's join order: the FTS match first, then rows by key. A plain JOIN lets
        # the planner start from documents and run the MATCH once per passage (100x slower).
        # INDEXED BY reads each matched passage's key columns from the narrow covering index
        # (migration 0004) instead of the table rows, which carry the text: a common word matches
        # thousands of passages, and without statistics the planner would pick the table.
        source="passages_fts CROSS JOIN passages p INDEXED BY passages_search ON p.id = passages_fts.rowid",
        join="CROSS JOIN",
        match="passages_fts MATCH :match",
        score="-bm25(passages_fts)",
        params={"match": expression},
        ranked=(
            "SELECT rowid, -bm25(passages_fts) AS score FROM passages_fts WHERE passages_fts MATCH :match "
            "ORDER BY score DESC, rowid LIMIT :n OFFSET :skip"
        ),
        # One row of two comma-separated lists rather than a row per match: for a common word the
        # driver's per-row objects cost more than the index's ranking. Floats as text cost more
        # still, so a score travels as the integer ln(score) x LOG_SCORE_SCALE: its order is the
        # scores' order (ln is increasing; scores are positive), and exp() gives the score back to
        # 15 significant digits. The LIMIT keeps SQLite from flattening the subquery into the
        # aggregate, where bm25() is refused.
        index_only=(
            "SELECT group_concat(id), group_concat(score) FROM ("
            f"SELECT rowid AS id, CAST(ln(max(-bm25(passages_fts), 1e-300)) * {LOG_SCORE_SCALE} AS INTEGER) "
            "AS score FROM passages_fts WHERE passages_fts MATCH :match LIMIT -1)"
        ),
    )


def _tsquery_clause(clause: Clause) -> str:
    terms = [f"'{w}'" for w in (word.replace("'", "''").replace("\\", "") for word in clause.words)]
    if clause.prefix:
        terms[-1] += ":*"
    body = " <-> ".join(terms)
    if clause.negated:
        return f"!({body})"
    return f"({body})" if len(terms) > 1 else body


def _postgres(query: ParsedQuery) -> LexicalSQL:
    positive = [c for c in query.clauses if not c.negated]
    expression = _group_or(positive, _tsquery_clause, "&", "|")
    for clause in (c for c in query.clauses if c.negated):
        expression = f"({expression}) & {_tsquery_clause(clause)}"
    return LexicalSQL(
        source="passages p",
        join="JOIN",
        match="p.tsv @@ to_tsquery('simple', :match)",
        score="ts_rank_cd(p.tsv, to_tsquery('simple', :match), 1)",
        params={"match": expression},
    )


def lexical_sql(dialect: str, query: ParsedQuery) -> LexicalSQL:
    if dialect == "sqlite":
        return _fts5(query)
    if dialect == "postgresql":
        return _postgres(query)
    raise ValueError(f"no lexical backend for {dialect}")
