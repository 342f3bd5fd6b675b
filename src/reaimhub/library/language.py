"""The language of a text among the project's languages (py3langid, restricted; Hangul by its share)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from typing import Any

DEFAULT_LANGUAGES: tuple[str, ...] = ("nl", "en", "es", "fr", "ko", "de")

_SAMPLE_CHARS = 3000
_MIN_LETTERS = 20
_HANGUL_SHARE = 0.3


# Hangul syllables and jamo (all of them letters).
_HANGUL = re.compile("[\uac00-\ud7a3\u1100-\u11ff]")


@cache
def _identifier(languages: tuple[str, ...]) -> Any:
    """A py3langid identifier restricted to `languages` (those the model knows), built once per set."""
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    known = [lang for lang in languages if lang in set(identifier.labels)]
    if not known:
        raise ValueError(f"none of the languages {languages} is known to py3langid")
    identifier.set_languages(known)
    return identifier


def _has_letters(text: str, count: int) -> bool:
    """Whether `text` has at least `count` letters (its start usually tells: no need to count them all)."""
    return sum(map(str.isalpha, text[: 4 * count])) >= count or sum(map(str.isalpha, text)) >= count


def detect_language(
    text: str, languages: Iterable[str] = DEFAULT_LANGUAGES, *, min_letters: int = _MIN_LETTERS
) -> str | None:
    """ISO 639-1 code of `text` among `languages`; None when there are fewer than `min_letters`
    letters (20 for documents; a search query may pass fewer)."""
    langs = tuple(sorted(set(languages)))
    if not langs:
        return None
    sample = text[:_SAMPLE_CHARS]
    hangul = len(_HANGUL.findall(sample)) if "ko" in langs else 0
    if hangul:  # the share of Hangul among the letters decides
        letters = sum(map(str.isalpha, sample))
        if letters < min_letters:
            return None
        if hangul / letters >= _HANGUL_SHARE:
            return "ko"
    elif not _has_letters(sample, min_letters):
        return None
    if len(langs) == 1:
        return langs[0]
    language, _confidence = _identifier(langs).classify(sample)
    return str(language)
