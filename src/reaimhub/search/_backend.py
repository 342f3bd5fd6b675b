"""Lexical index backends: SQLite FTS5 and PostgreSQL tsvector. Private to reaimhub.search.

Each backend turns a ParsedQuery into a FROM clause (giving passages as `p`), a match condition and a
score expression (higher is better). The facade adds the disclosure predicate to every statement.

Two indexes per engine (migration 0011): the exact one (`passages_fts`, `p.tsv`: words as written,
case and, on SQLite, diacritics folded) and the stemmed one (`passages_stem`, `p.stem_tsv`: each
passage's words stemmed in its document's language). A query (see `search.query` for the syntax):

- ranks by BM25 over its words in the stemmed index, each word in all its stemmed forms
  (`stemming.variants`) and the query's stop words left out (`stemming.content_words`); a passage
  matches when it holds any of them (OR): more of them, and rarer ones, rank higher;
- requires its phrases, +words and OR groups holding one, as typed, in the exact index;
- excludes its -words and -"phrases", as typed, in the exact index.

SQLite ranks with FTS5's bm25(); PostgreSQL with a BM25-like sum over the query's words of an IDF
(counted on the index before the search, `stats`) times ts_rank (saturating term frequency, divided by
1 + log of the passage's length).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from reaimhub.search.query import Clause, ParsedQuery
from reaimhub.stemming import STEMMED_LANGUAGES, content_words, variants
from reaimhub.store.accents import fold_accents

__all__ = ["LOG_SCORE_SCALE", "MAX_RANKED_WORDS", "LexicalSQL", "lexical_sql", "stats_params"]

# A query ranks by at most this many distinct words (and requires at most this many in the stemmed
# index): a 2,000-character phrase holds hundreds, each with up to six stemmed forms. The exact index
# still requires the whole phrase.
MAX_RANKED_WORDS = 64

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
    # Run first when set: one row whose values `stats_params` turns into more parameters (the
    # PostgreSQL rank's IDFs and the query's tsqueries as text).
    stats: str | None = None
    stats_terms: int = 0


@dataclass(frozen=True)
class _Term:
    forms: tuple[str, ...]  # the word and its stems, or a prefix
    prefix: bool


@dataclass(frozen=True)
class _Plan:
    """What a query asks of the two indexes."""

    terms: list[_Term]  # ranking terms (optional), stemmed index
    anchors: list[_Term]  # words of required single clauses: all must match (stemmed index)
    required: list[list[Clause]]  # OR groups that must match as typed (exact index), AND-joined
    excluded: list[Clause]  # must not match (exact index)


def _groups(clauses: Sequence[Clause]) -> list[list[Clause]]:
    groups: list[list[Clause]] = [[]]
    for clause in clauses:
        groups[-1].append(clause)
        if not clause.or_next:
            groups.append([])
    return [g for g in groups if g]


def _is_required(clause: Clause) -> bool:
    # a phrase (also a termbase term) is required, and so is a prefix: both are matched as typed in
    # the exact index
    return clause.required or len(clause.words) > 1 or clause.prefix


PREFIX_SLACK = 4  # letters a stemmer may take off a word's end ("public" is stored as "publ")


def _term(word: str, prefix: bool) -> _Term:
    """A word in the stemmed index: its stemmed forms; a prefix shortened by what a stemmer may have
    taken off the words it begins ("zorblaxpubli*" must reach the stored "zorblaxpubl"), the exact
    index then keeping only the words that begin with it as typed."""
    if prefix:
        return _Term((word[: max(min(len(word), 3), len(word) - PREFIX_SLACK)],), True)
    return _Term(tuple(variants(word)), False)


def _plan(query: ParsedQuery) -> _Plan:
    positive = [c for c in query.clauses if not c.negated]
    groups = _groups(positive)
    required = [g for g in groups if any(_is_required(c) for c in g)]
    words = [(w, c.prefix and i == len(c.words) - 1) for c in positive for i, w in enumerate(c.words)]
    kept = set(content_words([w for w, prefix in words if not prefix]))
    terms = list({(w, p): _term(w, p) for w, p in words if p or w in kept}.values())[:MAX_RANKED_WORDS]
    anchors = [
        _term(w, c.prefix and i == len(c.words) - 1)
        for g in required
        if len(g) == 1
        for c in g
        for i, w in enumerate(c.words)
        if w in kept or c.prefix
    ][:MAX_RANKED_WORDS]
    return _Plan(terms, anchors, required, [c for c in query.clauses if c.negated])


def _group_or(clauses: list[Clause], render: Callable[[Clause], str], and_op: str, or_op: str) -> str:
    parts = [
        render(g[0]) if len(g) == 1 else "(" + f" {or_op} ".join(render(c) for c in g) + ")"
        for g in _groups(clauses)
    ]
    return f" {and_op} ".join(parts)


# --- SQLite FTS5 ---------------------------------------------------------------------------------


def _fts5_clause(clause: Clause) -> str:
    phrase = " ".join(clause.words).replace('"', '""')
    return f'"{phrase}"' + ("*" if clause.prefix else "")


def _fts5_forms(term: _Term) -> list[str]:
    star = "*" if term.prefix else ""
    return ['"' + form.replace('"', '""') + '"' + star for form in term.forms]


def _fts5_stemmed(plan: _Plan) -> str:
    """Any form of any term (each distinct form once: FTS5's bm25 adds up every phrase of the
    expression), after every anchor."""
    ranking = " OR ".join(dict.fromkeys(f for t in plan.terms for f in _fts5_forms(t)))
    if not plan.anchors:
        return ranking
    anchors = ["(" + " OR ".join(_fts5_forms(a)) + ")" for a in plan.anchors]
    return " AND ".join([*anchors, f"({ranking})"])


def _fts5(query: ParsedQuery) -> LexicalSQL:
    plan = _plan(query)
    params: dict[str, Any] = {"match": _fts5_stemmed(plan)}
    filters = ""
    ids = "+passages_stem.rowid"
    if plan.required:
        exact = " AND ".join(_group_or(g, _fts5_clause, "AND", "OR") for g in plan.required)
        if plan.excluded:
            exact = f"({exact}) NOT (" + " OR ".join(_fts5_clause(c) for c in plan.excluded) + ")"
        params["exact"] = exact
        filters = f" AND {ids} IN (SELECT rowid FROM passages_fts WHERE passages_fts MATCH :exact)"
    elif plan.excluded:
        params["excluded"] = " OR ".join(_fts5_clause(c) for c in plan.excluded)
        filters = f" AND {ids} NOT IN (SELECT rowid FROM passages_fts WHERE passages_fts MATCH :excluded)"
    # The unary + keeps the rowid filter from reaching FTS5 as a constraint: FTS5 would then run the
    # whole MATCH once per listed rowid (300 ms instead of 1 for a phrase of common words).
    where = f"passages_stem MATCH :match{filters}"
    return LexicalSQL(
        # CROSS JOIN pins SQLite's join order: the FTS match first, then rows by key. A plain JOIN lets
        # the planner start from documents and run the MATCH once per passage (100x slower).
        # INDEXED BY reads each matched passage's key columns from the narrow covering index
        # (migration 0004) instead of the table rows, which carry the text: a common word matches
        # thousands of passages, and without statistics the planner would pick the table.
        source="passages_stem CROSS JOIN passages p INDEXED BY passages_search ON p.id = passages_stem.rowid",
        join="CROSS JOIN",
        match=where,
        score="-bm25(passages_stem)",
        params=params,
        ranked=(
            f"SELECT rowid, -bm25(passages_stem) AS score FROM passages_stem WHERE {where} "
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
            f"SELECT rowid AS id, CAST(ln(max(-bm25(passages_stem), 1e-300)) * {LOG_SCORE_SCALE} AS INTEGER) "
            f"AS score FROM passages_stem WHERE {where} LIMIT -1)"
        ),
    )


# --- PostgreSQL ----------------------------------------------------------------------------------


def _tsquery_clause(clause: Clause) -> str:
    """A clause against PostgreSQL's exact index, whose words are accent-folded (migration 0014)."""
    words = (fold_accents(word).replace("'", "''").replace("\\", "") for word in clause.words)
    terms = [f"'{w}'" for w in words]
    if clause.prefix:
        terms[-1] += ":*"
    body = " <-> ".join(terms)
    if clause.negated:
        return f"!({body})"
    return f"({body})" if len(terms) > 1 else body


# Migration 0011's configurations: PostgreSQL's Snowball stemmers without their stop words.
_CONFIGS = ("simple", *(f"reaimhub_{name}" for name in STEMMED_LANGUAGES.values()))


def _ts_term(term: _Term, name: str) -> str:
    """SQL for the tsquery of one term in the stemmed index: the word in every configuration's
    stemming (PostgreSQL's own stemmers: those that made the index), OR-joined; a prefix as typed."""
    if term.prefix:
        return f"to_tsquery('simple', :{name})"
    return "(" + " || ".join(f"plainto_tsquery('{config}', :{name})" for config in _CONFIGS) + ")"


def _ts_value(term: _Term) -> str:
    word = term.forms[0]
    if term.prefix:
        return "'" + word.replace("'", "''").replace("\\", "") + "':*"
    return word


def _postgres(query: ParsedQuery) -> LexicalSQL:
    plan = _plan(query)
    params: dict[str, Any] = {}
    sql_terms: list[str] = []
    for i, term in enumerate(plan.terms):
        params[f"w{i}"] = _ts_value(term)
        sql_terms.append(_ts_term(term, f"w{i}"))
    anchors: list[str] = []
    for i, anchor in enumerate(plan.anchors):
        params[f"a{i}"] = _ts_value(anchor)
        anchors.append(_ts_term(anchor, f"a{i}"))
    ranking = "(" + " || ".join(sql_terms) + ")"
    stemmed = " && ".join([*anchors, ranking])
    # One statement before the search: the library's size, each term's tsquery (as text, so that the
    # search does not stem again for every row) and its document frequency, and the whole match.
    stats = ", ".join(
        [
            "(SELECT count(*) FROM passages)",
            f"({stemmed})::text",
            *(
                f"({t})::text, (SELECT count(*) FROM passages WHERE stem_tsv @@ {t}), numnode({t})"
                for t in sql_terms
            ),
        ]
    )
    conditions = ["p.stem_tsv @@ CAST(:stemmed AS tsquery)"]
    if plan.required:
        exact = " & ".join(_group_or(g, _tsquery_clause, "&", "|") for g in plan.required)
        for clause in plan.excluded:
            exact = f"({exact}) & {_tsquery_clause(clause)}"
        params["exact"] = exact
        conditions.append("p.tsv @@ to_tsquery('simple', :exact)")
    elif plan.excluded:
        params["excluded"] = " | ".join(_tsquery_clause(c).lstrip("!") for c in plan.excluded)
        conditions.append("NOT (p.tsv @@ to_tsquery('simple', :excluded))")
    score = " + ".join(
        f"CAST(:c{i} AS double precision) * ts_rank(p.stem_tsv, CAST(:q{i} AS tsquery), 1)"
        for i in range(len(sql_terms))
    )
    return LexicalSQL(
        source="passages p",
        join="JOIN",
        match=" AND ".join(conditions),
        score=f"({score})",
        params=params,
        stats=f"SELECT {stats}",
        stats_terms=len(sql_terms),
    )


def stats_params(sql: LexicalSQL, row: Sequence[Any]) -> dict[str, Any]:
    """The parameters that the row of `sql.stats` gives: the whole match as a tsquery, and per term
    its tsquery and its weight: a BM25 IDF, ln(1 + (N - df + 0.5) / (df + 0.5)), times the number of
    its forms (ts_rank divides by that number; a word with three distinct stems would weigh a third)."""
    total = int(row[0])
    out: dict[str, Any] = {"stemmed": row[1]}
    for i in range(sql.stats_terms):
        text, df, nodes = row[2 + 3 * i : 5 + 3 * i]
        forms = max(1, (int(nodes) + 1) // 2)  # an OR of n lexemes has 2n - 1 nodes
        out[f"q{i}"] = str(text)
        df = int(df)
        out[f"c{i}"] = math.log(1 + (total - df + 0.5) / (df + 0.5)) * forms
    return out


def lexical_sql(dialect: str, query: ParsedQuery) -> LexicalSQL:
    if dialect == "sqlite":
        return _fts5(query)
    if dialect == "postgresql":
        return _postgres(query)
    raise ValueError(f"no lexical backend for {dialect}")
