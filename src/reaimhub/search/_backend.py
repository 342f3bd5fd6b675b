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

SQLite ranks with FTS5's bm25(); PostgreSQL with the same BM25 over the same distinct forms, computed
in SQL (`with_stats`: document frequencies looked up before the search, counted on the index in a
small library and taken from ANALYZE's statistics for common words in a large one; term frequencies
from ts_rank_cd), so that both engines rank alike.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from reaimhub.search._rank_bounds import fts5_ranked, rarest_forms
from reaimhub.search.query import Clause, ParsedQuery
from reaimhub.stemming import STEMMED_LANGUAGES, content_words, variants
from reaimhub.store.accents import FOLD_FROM, FOLD_TO, fold_accents

__all__ = ["LOG_SCORE_SCALE", "MAX_RANKED_WORDS", "LexicalSQL", "corpus_sql", "lexical_sql", "with_stats"]

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
    # Run first when set: one row that `with_stats` turns into the final SQL (the PostgreSQL rank's
    # forms, document frequencies and average length, and the query's tsquery as text).
    stats: str | None = None
    # Set by `with_stats` when a large library's rank left out passages holding only the query's
    # commonest forms: its totals are then lower bounds.
    pruned: bool = False
    # PostgreSQL: the match's condition on the exact index (phrases, exclusions), part of `match`.
    exact: str | None = None
    # SQLite: the ranking forms (FTS5 phrases) whose rarer ones may lead a large library's rank
    # (`_rank_bounds.bounded_fts5`), whether a phrase or a required word must match as well, and the
    # passages (`id`) holding the phrases as typed (exclusions left out), when the query has phrases.
    rank_forms: tuple[str, ...] = ()
    rank_checked: bool = False
    rank_within: str | None = None


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


def _fts5_ranking(plan: _Plan) -> tuple[str, ...]:
    """Each distinct form of the ranking terms once (FTS5's bm25 adds up every phrase of the expression),
    forms that differ only by their accents being one: the index folds them ("urteilsvermög" and
    "urteilsvermog", the stems of one German word, are one word there, and were counted twice)."""
    forms: dict[str, str] = {}
    for form in (f for t in plan.terms for f in _fts5_forms(t)):
        forms.setdefault(fold_accents(form), form)
    return tuple(forms.values())


def _fts5_stemmed(plan: _Plan, forms: Sequence[str]) -> str:
    """Any of the ranking `forms` (`_fts5_ranking`), after every anchor."""
    ranking = " OR ".join(forms)
    if not plan.anchors:
        return ranking
    anchors = ["(" + " OR ".join(_fts5_forms(a)) + ")" for a in plan.anchors]
    return " AND ".join([*anchors, f"({ranking})"])


def _fts5(query: ParsedQuery) -> LexicalSQL:
    plan = _plan(query)
    forms = _fts5_ranking(plan)
    params: dict[str, Any] = {"match": _fts5_stemmed(plan, forms)}
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
        ranked=fts5_ranked(where),
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
        rank_forms=forms,
        rank_checked=bool(plan.anchors or plan.required),
        rank_within=(
            "SELECT rowid AS id FROM passages_fts WHERE passages_fts MATCH :exact" if plan.required else None
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


def _quoted(form: str) -> str:
    """A form as a tsquery lexeme, accent-folded as the index is."""
    return "'" + fold_accents(form).replace("'", "''").replace("\\", "") + "'"


def _ts_term(term: _Term, name: str) -> str:
    """SQL for the tsquery of one term in the stemmed index, accent-folded as the index is (migration
    0018): the word in every configuration's stemming (PostgreSQL's own stemmers: those that made the
    index) and in the forms the SQLite engine looks up (`stemming.variants`, PyStemmer: Snowball 3,
    whose Dutch is a later algorithm than PostgreSQL's), OR-joined; a prefix as typed, folded."""
    if term.prefix:
        return f"to_tsquery('simple', :{name})"
    stemmed = " || ".join(f"plainto_tsquery('{config}', :{name})" for config in _CONFIGS)
    return (
        f"(CAST(translate(CAST(({stemmed}) AS text), :fold_from, :fold_to) AS tsquery) "
        f"|| to_tsquery('simple', :{name}_forms))"
    )


def _ts_params(term: _Term, name: str) -> dict[str, str]:
    """The parameters of `_ts_term` and `_ts_forms` for one term."""
    if term.prefix:
        return {name: _quoted(term.forms[0]) + ":*"}
    out = {name: term.forms[0], f"{name}_forms": " | ".join(_quoted(f) for f in term.forms)}
    out.update({f"{name}_f{i}": _quoted(form) for i, form in enumerate(term.forms)})
    return out


def _ts_forms(term: _Term, name: str) -> list[str]:
    """SQL for each of a term's forms in the stemmed index, as tsquery text (an empty text for none):
    the word as each configuration stems it, folded, and the SQLite engine's forms; a prefix as typed."""
    if term.prefix:
        return [f"CAST(to_tsquery('simple', :{name}) AS text)"]
    return [
        *(
            f"translate(CAST(plainto_tsquery('{config}', :{name}) AS text), :fold_from, :fold_to)"
            for config in _CONFIGS
        ),
        *(f"CAST(to_tsquery('simple', :{name}_f{i}) AS text)" for i in range(len(term.forms))),
    ]


# FTS5's bm25() parameters (fts5_aux.c)
BM25_K1 = 1.2
BM25_B = 0.75
# Document frequencies: counted in a library of at most this many passages. In a larger one (counting a
# common word's passages reads most of the table), a form among ANALYZE's most common lexemes of the
# stemmed index (up to 10,000: migration 0019) takes its share of ANALYZE's sample, and any other, rarer,
# form (or prefix) is counted up to DF_COUNT_CAP passages (one in more is common enough for its idf to
# matter little: the least common of the 10,000 is in about 0.07 % of a million passages).
EXACT_DF_PASSAGES = 50_000
DF_COUNT_CAP = 5_000
# PostgreSQL has no index that ranks: every match is scored in SQL (its tsvector read, a few microseconds
# a form). In a large library (more than EXACT_DF_PASSAGES) a common word matches hundreds of thousands of
# passages, so the rank scores at most about SCORED_PASSAGES of them: those holding the query's rarer
# forms, the rarest first while their frequencies add up to at most that many (a passage holding only
# commoner forms scores at most their small idfs: BM25's best hold the rarer ones); when even the rarest
# form is in more, the first SCORED_PASSAGES of its passages in the table's order. A search that wants
# only the best few (hybrid's LEXICAL_CANDIDATES) scores SCORED_PER_RESULT times as many.
SCORED_PASSAGES = 20_000
SCORED_PER_RESULT = 2
# ... and when even the rarest form is in more, and a phrase or an anchor must match too, the rank
# checks at most this many times as many of the form's passages for it.
EXAMINED_PER_SCORED = 4
# The average passage length is taken over at most about this many passages (a fixed sample of the
# table's pages), all of them in a smaller library; a large one's, from fewer (when a length was read
# from the passage's tsvector, before migration 0021: 80 ms for 10,000 at a million passages).
_LENGTH_SAMPLE = 10_000
_LARGE_LENGTH_SAMPLE = 2_000
_STEMMED = "p.stem_tsv @@ CAST(:stemmed AS tsquery)"


def scored_passages(wanted: int | None) -> int:
    """How many passages a large library's rank scores for a search that keeps the best `wanted` (all:
    None)."""
    return SCORED_PASSAGES if wanted is None else min(SCORED_PASSAGES, SCORED_PER_RESULT * max(wanted, 1))


def corpus_sql(dialect: str) -> tuple[str, dict[str, Any]]:
    """The statement of the library's size (counted in a small library, the estimate ANALYZE keeps in
    a large one) and average passage length in words (`passages.stem_words`, over a fixed sample of
    the table's pages), and its parameters. The same for every query until the library
    changes, so read once per library revision (`search.lexical.corpus`): at a million passages the
    sample alone cost each statistics statement 15-20 ms. SQLite's: the size (its FTS5 ranks alone)."""
    if dialect == "sqlite":
        return "SELECT count(*), 1.0 FROM passages", {}
    sample = (
        "least(100, (CASE WHEN c.reltuples > :df_exact THEN CAST(:large_sample AS double precision) "
        "ELSE CAST(:sample AS double precision) END) * 100.0 / greatest(1, c.reltuples))"
    )
    sql = (
        "SELECT (SELECT CASE WHEN c.reltuples > :df_exact THEN CAST(c.reltuples AS bigint) "
        "ELSE (SELECT count(*) FROM passages) END FROM pg_class c WHERE c.oid = 'passages'::regclass), "
        f"(SELECT avg(stem_words) FROM passages TABLESAMPLE SYSTEM ((SELECT {sample} FROM pg_class c "
        "WHERE c.oid = 'passages'::regclass)) REPEATABLE (0))"
    )
    return sql, {
        "df_exact": EXACT_DF_PASSAGES,
        "large_sample": _LARGE_LENGTH_SAMPLE,
        "sample": _LENGTH_SAMPLE,
    }


def _postgres(query: ParsedQuery) -> LexicalSQL:
    plan = _plan(query)
    params: dict[str, Any] = {"fold_from": FOLD_FROM, "fold_to": FOLD_TO}
    sql_terms: list[str] = []
    forms: list[str] = []  # (kind, tsquery text) rows: r for a ranking term, aN for anchor N
    for i, term in enumerate(plan.terms):
        params.update(_ts_params(term, f"w{i}"))
        sql_terms.append(_ts_term(term, f"w{i}"))
        forms.extend(f"('r', {form})" for form in _ts_forms(term, f"w{i}"))
    anchors: list[str] = []
    for i, anchor in enumerate(plan.anchors):
        params.update(_ts_params(anchor, f"a{i}"))
        anchors.append(_ts_term(anchor, f"a{i}"))
        forms.extend(f"('a{i}', {form})" for form in _ts_forms(anchor, f"a{i}"))
    ranking = "(" + " || ".join(sql_terms) + ")"
    stemmed = " && ".join([*anchors, ranking])
    # One statement before the search: the whole match (as text, so that the search does not stem
    # again for every row), and each distinct form of the query's words with its document frequency
    # and how often the FTS5 expression holds it (once among the ranking words, once more per anchor).
    # The library's size and average passage length are parameters (`:corpus_n`, `:corpus_avg`: read
    # by `corpus_sql`, once per library revision, by the caller).
    params.update(df_exact=EXACT_DF_PASSAGES, df_cap=DF_COUNT_CAP, one_lexeme="^'[^']+'$")
    stats = (
        "WITH forms AS (SELECT f, bool_or(kind = 'r') AS ranking, "
        "count(DISTINCT kind) FILTER (WHERE kind <> 'r') AS anchors "
        f"FROM (VALUES {', '.join(forms)}) AS v(kind, f) WHERE f <> '' GROUP BY f), "
        # ANALYZE's most common lexemes of the stemmed index, and the share of passages holding each
        "common AS MATERIALIZED (SELECT CAST(CAST(s.most_common_elems AS text) AS text[]) AS lexemes, "
        "s.most_common_elem_freqs AS shares FROM pg_stats s "
        "WHERE s.schemaname = current_schema() AND s.tablename = 'passages' AND s.attname = 'stem_tsv' "
        "AND CAST(:corpus_n AS bigint) > :df_exact) "
        "SELECT CAST(:corpus_n AS bigint), CAST(:corpus_avg AS double precision), "
        f"({stemmed})::text, "
        "(SELECT json_agg(json_build_array(forms.f, CASE WHEN CAST(:corpus_n AS bigint) <= :df_exact "
        "THEN (SELECT count(*) FROM passages WHERE stem_tsv @@ CAST(forms.f AS tsquery)) "
        # a form of one lexeme ('word', in quotes) looked up among them
        "ELSE coalesce(round((SELECT c.shares[array_position(c.lexemes, "
        "substr(forms.f, 2, length(forms.f) - 2))] FROM common c WHERE forms.f ~ :one_lexeme) "
        "* CAST(:corpus_n AS bigint)), (SELECT count(*) FROM "
        "(SELECT 1 FROM passages WHERE stem_tsv @@ CAST(forms.f AS tsquery) LIMIT :df_cap) AS c)) END, "
        "ranking, anchors)) FROM forms)"
    )
    conditions = []
    if plan.required:
        exact = " & ".join(_group_or(g, _tsquery_clause, "&", "|") for g in plan.required)
        for clause in plan.excluded:
            exact = f"({exact}) & {_tsquery_clause(clause)}"
        params["exact"] = exact
        conditions.append("p.tsv @@ to_tsquery('simple', :exact)")
    elif plan.excluded:
        params["excluded"] = " | ".join(_tsquery_clause(c).lstrip("!") for c in plan.excluded)
        conditions.append("NOT (p.tsv @@ to_tsquery('simple', :excluded))")
    return LexicalSQL(
        source="passages p",
        join="JOIN",
        match=" AND ".join([_STEMMED, *conditions]),
        exact=" AND ".join(conditions) or None,
        score="0",  # set by `with_stats`
        params=params,
        stats=stats,
    )


def with_stats(sql: LexicalSQL, row: Sequence[Any], wanted: int | None = None) -> LexicalSQL:
    """`sql` completed by the row of `sql.stats`: the whole match as a tsquery, and the score, FTS5's
    bm25() over the distinct forms: per form, idf x tf x (k1 + 1) / (tf + k1 x (1 - b + b x dl / avgdl))
    with idf = ln((N - df + 0.5) / (df + 0.5)) (at least 1e-6), tf = the form's occurrences in the
    passage (ts_rank_cd of a one-word query with no normalisation is 0.1 per occurrence), dl = the
    passage's length in words (`passages.stem_words`, migration 0021: all its words, as FTS5 counts
    them). `wanted`: how many of the best the search keeps
    (all: None), which bounds how many a large library's rank scores (SCORED_PASSAGES)."""
    total, average, stemmed, found = int(row[0]), float(row[1] or 1.0), row[2], row[3] or []
    anchored = any(int(anchors) for _form, _df, _ranking, anchors in found)
    # the ranking forms that occur, with their document frequencies
    occurring = [(int(df), str(form)) for form, df, ranking, _anchors in found if ranking and int(df)]
    if occurring and not anchored:
        # each once: PostgreSQL's text of the match repeats a form for every configuration that stems
        # the word alike, and the index reads each one's passages
        stemmed = " | ".join(f"({form})" for _, form in occurring)
    params = {**sql.params, "stemmed": stemmed}
    # K / 10 per passage (tf is 10 x ts_rank_cd): the base and the per-word part
    params["k_base"] = BM25_K1 * (1 - BM25_B) / 10
    params["k_len"] = BM25_K1 * BM25_B / max(average, 1e-9) / 10
    parts = []
    for i, (form, df, ranking, anchors) in enumerate(found):
        if not int(df):
            continue  # in no passage: adds nothing, and ts_rank_cd costs a few microseconds a row
        idf = max(math.log((total - int(df) + 0.5) / (int(df) + 0.5)), 1e-6)
        params[f"fq{i}"] = str(form)
        params[f"fw{i}"] = idf * (BM25_K1 + 1) * (int(bool(ranking)) + int(anchors))
        # only where the form occurs (a lookup in the tsvector, cheaper than ts_rank_cd)
        parts.append(
            f"CASE WHEN t.words @@ CAST(:fq{i} AS tsquery) THEN "
            f"CAST(:fw{i} AS double precision) / (1 + (CAST(:k_base AS double precision) + "
            "CAST(:k_len AS double precision) * p.stem_words) / "
            f"ts_rank_cd(t.words, CAST(:fq{i} AS tsquery), 0)) ELSE 0 END"
        )
    scored = scored_passages(wanted)
    source, match, pruned = _bounded(sql, params, occurring, total, anchored, scored)
    if parts:
        # Each mention of p.stem_tsv in the score would read the passage's tsvector again (from TOAST
        # when it is long: 25 buffer reads a row for a query of a dozen forms); a subquery that the
        # planner cannot fold in (OFFSET 0) reads it once, and its copy serves every mention.
        source += " CROSS JOIN LATERAL (SELECT p.stem_tsv || CAST('' AS tsvector) AS words OFFSET 0) AS t"
    score = "(" + (" + ".join(parts) or "0") + ")"
    return replace(sql, source=source, match=match, score=score, params=params, stats=None, pruned=pruned)


def _bounded(
    sql: LexicalSQL,
    params: dict[str, Any],
    occurring: Sequence[tuple[int, str]],
    total: int,
    anchored: bool,
    scored: int,
) -> tuple[str, str, bool]:
    """The source and match condition of a large library's rank restricted to at most about `scored`
    passages (see SCORED_PASSAGES), and whether it was restricted. `occurring`: the ranking forms found
    in the library, with their document frequencies."""
    if total <= EXACT_DF_PASSAGES or sum(df for df, _ in occurring) <= scored:
        return sql.source, sql.match, False
    kept, seen = rarest_forms(occurring, scored)
    params["rarer"] = " | ".join(f"({form})" for form in kept)
    params["scored"] = scored
    # The rarer forms are among the match's (an anchor, a phrase or an exclusion still applies): they
    # alone lead the index, the rest is checked on their passages. An index scan of a phrase of common
    # words, or of the commonest forms, reads hundreds of thousands of entries to keep a few.
    rarer = "p.stem_tsv @@ CAST(:rarer AS tsquery)"
    rest = [_STEMMED] if anchored else []
    rest += [sql.exact] if sql.exact else []
    # coalesce(...) keeps the planner from reading another index for the rest and intersecting the two
    # (a phrase of common words: 142k entries read in 68 ms to keep none of 4,891 passages)
    checked = [f"coalesce({condition}, false)" for condition in rest]
    if seen > scored:
        # the first of the rarest form's passages that match, each row read once; of a phrase or an
        # anchor that few of them hold, the first EXAMINED_PER_SCORED x `scored` are checked, no more
        # (a phrase in 600 of 38,849 passages: 29k rows read in 330 ms to find them)
        if not checked:
            return f"(SELECT * FROM passages p WHERE {rarer} LIMIT :scored) AS p", "TRUE", True
        params["examined"] = EXAMINED_PER_SCORED * scored
        inner = f"(SELECT * FROM passages p WHERE {rarer} LIMIT :examined) AS p"
        return f"(SELECT * FROM {inner} WHERE {' AND '.join(checked)} LIMIT :scored) AS p", "TRUE", True
    return sql.source, " AND ".join([rarer, *checked]), True


def lexical_sql(dialect: str, query: ParsedQuery) -> LexicalSQL:
    if dialect == "sqlite":
        return _fts5(query)
    if dialect == "postgresql":
        return _postgres(query)
    raise ValueError(f"no lexical backend for {dialect}")
