"""benchmarks/answer_passages.py reads the candidates that search hands to `assemble` by wrapping it by
name and binding its arguments by name: the wrapper sees the ranking and what found each passage, the
search's answer is unchanged, and the facade gets its own function back afterwards."""

from __future__ import annotations

import sys
from pathlib import Path

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))

import answer_passages  # noqa: E402

import reaimhub.search as search_facade  # noqa: E402
from reaimhub.model import ANONYMOUS  # noqa: E402
from reaimhub.search import SearchQuery, search  # noqa: E402
from reaimhub.services.hub import Hub  # noqa: E402
from reaimhub.services.library import ingest_bytes  # noqa: E402

TEXT = (
    b"Responsible military use of artificial intelligence.\n\n"
    b"States commit to human control over autonomous weapons systems.\n\n"
    b"The summit met in Seoul and adopted a blueprint for action.\n"
)


def test_the_capture_sees_the_ranking_and_changes_nothing(hub: Hub) -> None:
    assert ingest_bytes(hub, TEXT, "blueprint.txt").status == "ok"
    query = SearchQuery("autonomous weapons", mode="lexical", limit=10)
    plain = search(hub.store, ANONYMOUS, query)
    original = search_facade.assemble
    with answer_passages._Captured() as captured:
        assert search_facade.assemble is not original
        seen = search(hub.store, ANONYMOUS, query)
    assert search_facade.assemble is original
    assert [(h.document_id, [p.passage_id for p in h.pages]) for h in seen.results] == [
        (h.document_id, [p.passage_id for p in h.pages]) for h in plain.results
    ]
    assert captured.ranked and all(isinstance(pid, int) for pid, _, _ in captured.ranked)
    shown = {p.passage_id for h in seen.results for p in h.pages}
    assert len(captured.ranked) >= len(shown) >= 1
