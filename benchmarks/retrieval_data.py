"""Loaders for the retrieval evaluation sets in ../shared/eval (see its README): Tatoeba and XQuAD-R.

Both are the development halves and are read as they are: no example is selected or dropped. A limit only
takes a prefix (the first N pairs; the first N questions of the first articles), for a quick slice.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]

TATOEBA_LANGS = ("nld", "spa", "fra", "kor", "deu")
XQUAD_LANGS = ("ar", "de", "el", "en", "es", "hi", "ru", "th", "tr", "vi", "zh")


def eval_dir() -> Path:
    configured = os.environ.get("REAIMHUB_SHARED_DIR")
    path = (Path(configured) if configured else REPO.parent / "shared") / "eval"
    if not (path / "tatoeba").is_dir() or not (path / "xquad-r").is_dir():
        raise FileNotFoundError(f"the evaluation sets are not at {path} (set REAIMHUB_SHARED_DIR)")
    return path


# --- Tatoeba --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TatoebaPairs:
    """Line i of `source` (language `lang`) translates line i of `english`."""

    lang: str
    source: tuple[str, ...]
    english: tuple[str, ...]


def load_tatoeba(lang: str, *, limit: int | None = None, root: Path | None = None) -> TatoebaPairs:
    base = (root or eval_dir()) / "tatoeba"
    source = (base / f"tatoeba.{lang}-eng.{lang}").read_text(encoding="utf-8").splitlines()
    english = (base / f"tatoeba.{lang}-eng.eng").read_text(encoding="utf-8").splitlines()
    if len(source) != len(english):
        raise ValueError(f"tatoeba {lang}: {len(source)} lines against {len(english)} English lines")
    if limit is not None:
        source, english = source[:limit], english[:limit]
    return TatoebaPairs(lang, tuple(source), tuple(english))


# --- XQuAD-R --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sentence:
    lang: str
    article: int  # index of the article in the file (the files are parallel across languages)
    paragraph: int
    text: str


@dataclass(frozen=True)
class Question:
    id: str  # shared by the 11 translations of the question
    lang: str
    text: str
    answer: int  # index, in XquadLanguage.sentences, of the sentence holding the answer


@dataclass(frozen=True)
class XquadLanguage:
    lang: str
    sentences: tuple[Sentence, ...]  # the candidate pool of this language, in file order
    questions: tuple[Question, ...]  # in file order

    def question_ids(self) -> list[str]:
        return [q.id for q in self.questions]

    def answer_of(self) -> dict[str, int]:
        return {q.id: q.answer for q in self.questions}


def _answer_sentence(breaks: list[list[int]], start: int) -> int:
    """Index (within the paragraph) of the sentence whose [begin, end) span holds character `start`."""
    for i, (begin, end) in enumerate(breaks):
        if begin <= start < end:
            return i
    # an answer in the gap between two sentences belongs to the sentence that starts after it
    for i, (begin, _end) in enumerate(breaks):
        if begin > start:
            return i
    return len(breaks) - 1


def parse_xquad(lang: str, data: dict[str, Any], *, articles: int | None = None) -> XquadLanguage:
    sentences: list[Sentence] = []
    questions: list[Question] = []
    for a, article in enumerate(data["data"][:articles]):
        for p, paragraph in enumerate(article["paragraphs"]):
            first = len(sentences)
            breaks: list[list[int]] = paragraph["sentence_breaks"]
            texts: list[str] = paragraph["sentences"]
            if len(breaks) != len(texts):
                raise ValueError(f"xquad {lang}: article {a} paragraph {p}: breaks and sentences differ")
            sentences.extend(Sentence(lang, a, p, text) for text in texts)
            for qa in paragraph["qas"]:
                # XQuAD has one answer per question; the relevant sentence is the one holding it
                start = int(qa["answers"][0]["answer_start"])
                answer = first + _answer_sentence(breaks, start)
                questions.append(Question(qa["id"], lang, qa["question"], answer))
    return XquadLanguage(lang, tuple(sentences), tuple(questions))


def load_xquad(lang: str, *, articles: int | None = None, root: Path | None = None) -> XquadLanguage:
    """One language of XQuAD-R; `articles` keeps only the first N articles (pool and questions)."""
    path = (root or eval_dir()) / "xquad-r" / f"{lang}.json"
    return parse_xquad(lang, json.loads(path.read_text(encoding="utf-8")), articles=articles)


def articles_for(questions: int, *, root: Path | None = None) -> int:
    """How many leading articles hold the first `questions` questions (for a --limit slice)."""
    english = load_xquad("en", root=root)
    if questions >= len(english.questions):
        return 1 + max(s.article for s in english.sentences)
    answer = english.questions[questions - 1].answer
    return english.sentences[answer].article + 1
