"""Dates, numbers and parliamentary references in each language's conventions."""

from __future__ import annotations

import pytest

from reaimhub.briefings.formatting import format_date, format_number, format_period, format_tally, kamerstuk


@pytest.mark.parametrize(
    ("value", "language", "expected"),
    [
        ("2024-12-24", "nl", "24 december 2024"),
        ("2024-12-24", "en", "24 December 2024"),
        ("2023-02-16", "nl", "16 februari 2023"),
        ("2025-03", "nl", "2025-03"),  # not a whole date: as written
        (None, "en", ""),
    ],
)
def test_dates(value: str | None, language: str, expected: str) -> None:
    assert format_date(value, language) == expected


def test_numbers_and_tallies() -> None:
    assert format_number(2000, "nl") == "2.000"
    assert format_number(2000, "en") == "2,000"
    assert format_tally(152, 4, 11) == "152-4-11"


def test_kamerstuk_house_style() -> None:
    assert kamerstuk(2024, "36 600", 50) == "Kamerstukken II 2024/25, 36600, nr. 50"
    assert kamerstuk(2018, "33694", 43) == "Kamerstukken II 2018/19, 33694, nr. 43"


def test_unknown_language() -> None:
    with pytest.raises(ValueError, match="unknown language"):
        format_date("2024-12-24", "de")


@pytest.mark.parametrize(
    ("start", "end", "language", "expected"),
    [
        ("2023-02-15", "2023-02-16", "nl", "15–16 februari 2023"),
        ("2025-06-24", "2025-07-02", "nl", "24 juni – 2 juli 2025"),
        ("2024-12-30", "2025-01-02", "en", "30 December 2024 – 2 January 2025"),
        ("2024-09-09", "2024-09-09", "en", "9 September 2024"),
        ("2024-09-09", None, "nl", "9 september 2024"),
        ("2025", "2026", "nl", "2025 – 2026"),
    ],
)
def test_periods(start: str, end: str | None, language: str, expected: str) -> None:
    assert format_period(start, end, language) == expected
