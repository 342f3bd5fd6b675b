"""Metadata from content (issue 11, item 5): title, date and type against hand-made labels.

    .venv/bin/python benchmarks/metadata_accuracy.py [--labels benchmarks/metadata/labels.jsonl] [--all]

Every file of the labelled corpora (`benchmarks/metadata/labels.jsonl`, keyed by the path under
`../shared/corpora`) goes through the product's ingest pipeline (`reaimhub.library.pipeline.process`,
the steps the library service runs before storing) and its title, date and type are compared with the
labels, by the rules in `benchmarks/metadata/README.md`. Prints accuracy per field, overall and per
corpus, then every miss (with `--all`, every file). Target: at least 95 % on each field.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from common import REPO, machine, print_table, shared_dir

from reaimhub.library.enrich import DEFAULT_LANGUAGES
from reaimhub.library.pipeline import process
from reaimhub.model import IngestError

FIELDS = ("title", "date", "type")
LABELS = REPO / "benchmarks" / "metadata" / "labels.jsonl"

_DASHES = re.compile(r"\s*[\u2010-\u2015\u2212-]\s+|\s+[\u2010-\u2015\u2212-]\s*|\s*:\s+")
_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u00b4": "'"})


def normalise_title(title: str) -> str:
    """Case, Unicode form, quotes, whitespace and the separator between a title and its subtitle or
    byline (" — ", " – ", " - ", ": ") do not count; nor does punctuation at the end."""
    text = unicodedata.normalize("NFKC", title).translate(_QUOTES).casefold()
    text = _DASHES.sub(" - ", " ".join(text.split()))
    return text.strip(" .,;:")


def title_matches(predicted: str | None, label: dict[str, object]) -> bool:
    expected = label.get("title")
    if expected is None:
        return predicted is None
    also = label.get("title_also") or []
    accepted = [str(expected), *(str(t) for t in also)] if isinstance(also, list) else [str(expected)]
    return predicted is not None and normalise_title(predicted) in {normalise_title(t) for t in accepted}


def date_matches(predicted: str | None, expected: object) -> bool:
    """A label gives the precision the document gives: "2024-12-24", "2023-07" (JULY 2023) or "2018"
    (New York, 2018); a predicted day inside that month or year matches."""
    if expected is None:
        return predicted is None
    return predicted is not None and predicted.startswith(str(expected))


@dataclass
class Outcome:
    path: str
    corpus: str
    predicted: dict[str, str | None]
    right: dict[str, bool]
    label: dict[str, object]


def corpus_of(path: str) -> str:
    return path.split("/", 1)[0]


def evaluate(labels: list[dict[str, object]], root: Path) -> tuple[list[Outcome], list[str]]:
    outcomes: list[Outcome] = []
    problems: list[str] = []
    for label in labels:
        path = str(label["path"])
        file = root / path
        try:
            result = process(file.read_bytes(), file.name, DEFAULT_LANGUAGES)
        except IngestError as exc:
            if not label.get("refused"):
                problems.append(f"{path}: refused ({exc}) but labelled as a document")
            continue
        if label.get("refused"):
            problems.append(f"{path}: labelled as refused, but ingested")
            continue
        enrichment = result.enrichment
        predicted = {
            "title": enrichment.title,
            "date": enrichment.date,
            "type": str(enrichment.doc_type),
        }
        right = {
            "title": title_matches(enrichment.title, label),
            "date": date_matches(enrichment.date, label.get("date")),
            "type": predicted["type"] == label.get("type"),
        }
        outcomes.append(Outcome(path, corpus_of(path), predicted, right, label))
    return outcomes, problems


def accuracy_rows(outcomes: list[Outcome]) -> list[list[str]]:
    groups: dict[str, list[Outcome]] = defaultdict(list)
    for outcome in outcomes:
        groups[outcome.corpus].append(outcome)
    rows: list[list[str]] = []
    for name, members in [*sorted(groups.items()), ("all", outcomes)]:
        cells = [name, str(len(members))]
        for field in FIELDS:
            right = sum(o.right[field] for o in members)
            cells.append(f"{right}/{len(members)} = {100 * right / len(members):.1f} %")
        rows.append(cells)
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--labels", type=Path, default=LABELS)
    parser.add_argument("--all", action="store_true", help="list every file, not only the misses")
    args = parser.parse_args(argv)
    labels = [json.loads(line) for line in args.labels.read_text().splitlines() if line.strip()]
    root = shared_dir() / "corpora"
    started = time.perf_counter()
    outcomes, problems = evaluate(labels, root)
    elapsed = time.perf_counter() - started
    print(machine())
    refused = len(labels) - len(outcomes)
    print(f"{len(labels)} labelled files, {refused} refused by ingest as labelled, {elapsed:.1f} s")
    print_table("Accuracy per field", ["corpus", "files", "title", "date", "type"], accuracy_rows(outcomes))
    for problem in problems:
        print(f"PROBLEM {problem}")
    print()
    for outcome in outcomes:
        wrong = [field for field in FIELDS if not outcome.right[field]]
        if not wrong and not args.all:
            continue
        print(f"{'MISS' if wrong else 'ok  '} {outcome.path}")
        for field in FIELDS:
            expected = outcome.label.get(field)
            mark = "  " if outcome.right[field] else "✗ "
            print(f"     {mark}{field}: got {outcome.predicted[field]!r}, label {expected!r}")
    worst = min(
        (sum(o.right[field] for o in outcomes) / max(len(outcomes), 1) for field in FIELDS), default=0.0
    )
    return 0 if worst >= 0.95 and not problems else 1


if __name__ == "__main__":
    sys.exit(main())
