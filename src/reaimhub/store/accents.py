"""Accent folding for PostgreSQL's exact index, as SQLite's FTS5 tokenizer does it
(`unicode61 remove_diacritics 2`): Latin letters with diacritics map to their base letter, so that
"autonom*" finds "autónomas" and a phrase typed without accents matches on both engines. One table
for the index (SQL `translate`, immutable, usable in a generated column) and for the query.

Only letters whose decomposition is one base letter plus combining marks are folded: Hangul, whose
syllables also decompose, and letters such as "ß" or "æ" are kept as they are."""

from __future__ import annotations

import unicodedata

__all__ = ["FOLD_FROM", "FOLD_TO", "fold_accents", "folded_sql"]


def _pairs() -> list[tuple[str, str]]:
    out = []
    for code in range(0x00C0, 0x0250):  # Latin-1 Supplement and Latin Extended-A/B
        ch = chr(code)
        parts = unicodedata.normalize("NFD", ch)
        base = "".join(c for c in parts if not unicodedata.combining(c))
        if len(base) == 1 and base != ch and base.isascii():
            out.append((ch, base))
    return out


_PAIRS = _pairs()
FOLD_FROM = "".join(a for a, _ in _PAIRS)
FOLD_TO = "".join(b for _, b in _PAIRS)
_TABLE = str.maketrans(FOLD_FROM, FOLD_TO)


def fold_accents(text: str) -> str:
    """`text` with the table's letters folded (what `folded_sql` does in the database)."""
    return text.translate(_TABLE)


def folded_sql(expression: str) -> str:
    """SQL folding `expression` with the same table (`'` cannot occur in it: all letters)."""
    return f"translate({expression}, '{FOLD_FROM}', '{FOLD_TO}')"
