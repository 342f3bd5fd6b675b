"""Query language (issue 11, item 6): right, unknown and wrong answers on short queries.

    .venv/bin/python benchmarks/query_language.py [--sentences 500]

Two sets: the table of short subject queries in nl, en, es, fr, de, ko and of non-language queries
(symbols, acronyms, numbers) in tests/search/test_query_language.py; and the first N Tatoeba sentences per
language (../shared/eval/tatoeba) cut to their first two and three words. Each is run through the product's
`reaimhub.search.query_language` and, for comparison, through the document detector it replaced
(`detect_language(text, languages, min_letters=4)`). Target: no wrong answer; unknown where unsure.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from collections.abc import Callable

from common import REPO, machine, print_table, shared_dir

sys.path.insert(0, str(REPO))

from reaimhub.library.language import detect_language
from reaimhub.search.language import QUERY_LANGUAGES, query_language
from tests.search.test_query_language import NOT_A_LANGUAGE, QUERIES, TATOEBA, TATOEBA_KO


def before(text: str) -> str | None:
    return detect_language(text, QUERY_LANGUAGES, min_letters=4)


def score(detector: Callable[[str], str | None], pairs: list[tuple[str | None, str]]) -> list[str]:
    counts: Counter[str] = Counter()
    for language, query in pairs:
        found = detector(query)
        counts["right" if found == language else "unknown" if found is None else "wrong"] += 1
    total = len(pairs)
    return [
        str(total),
        *(f"{counts[k]} ({100 * counts[k] / total:.1f} %)" for k in ("right", "unknown", "wrong")),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sentences", type=int, default=500, help="Tatoeba sentences per language")
    args = parser.parse_args()
    sets: dict[str, list[tuple[str | None, str]]] = {
        "subject queries (6 languages)": [(lang, q) for lang, queries in QUERIES.items() for q in queries],
        "symbols, acronyms, numbers": [(None, q) for q in NOT_A_LANGUAGE],
    }
    folder = shared_dir() / "eval" / "tatoeba"
    for words in (2, 3):
        pairs: list[tuple[str | None, str]] = []
        for language, name in [*TATOEBA.items(), ("ko", TATOEBA_KO)]:
            lines = (folder / f"tatoeba.{name}").read_text(encoding="utf-8").splitlines()[: args.sentences]
            for line in lines:
                tokens = line.split()
                if len(tokens) >= words:
                    pairs.append((language, " ".join(tokens[:words]).rstrip(".,!?;:")))
        sets[f"Tatoeba, first {words} words"] = pairs
    rows = []
    for name, pairs in sets.items():
        for label, detector in (("before", before), ("query_language", query_language)):
            rows.append([name, label, *score(detector, pairs)])
    print(machine())
    print_table("Query language", ["set", "detector", "queries", "right", "unknown", "wrong"], rows)


if __name__ == "__main__":
    main()
