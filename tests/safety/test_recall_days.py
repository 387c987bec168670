"""The days of a recall as people type them, and the buttons' last days."""

from __future__ import annotations

from datetime import date

import pytest

from logistics.errors import InvalidInput
from logistics.safety.recall_days import last_days, parse_days

TODAY = date(2026, 3, 10)


@pytest.mark.parametrize(
    ("text", "first", "last"),
    [
        ("5/3", date(2026, 3, 5), date(2026, 3, 5)),
        ("1/3-5/3", date(2026, 3, 1), date(2026, 3, 5)),
        ("01/03 – 05/03", date(2026, 3, 1), date(2026, 3, 5)),
        ("du 1/3 au 10/3", date(2026, 3, 1), date(2026, 3, 10)),
        ("van 1.3 tot 4.3", date(2026, 3, 1), date(2026, 3, 4)),
        ("2026-02-27 - 2026-03-02", date(2026, 2, 27), date(2026, 3, 2)),
        ("20/12-5/1/26", date(2025, 12, 20), date(2026, 1, 5)),
        ("20/12", date(2025, 12, 20), date(2025, 12, 20)),  # no year: the latest past one
    ],
)
def test_days_typed(text, first, last):
    assert parse_days(text, today=TODAY) == (first, last)


@pytest.mark.parametrize("text", ["", "hier", "5/3-1/3", "31/2", "11/3/2026", "1/3-5/13", "x" * 99])
def test_days_not_understood(text):
    with pytest.raises(InvalidInput):
        parse_days(text, today=TODAY)


def test_last_days():
    assert last_days(1, today=TODAY) == (TODAY, TODAY)
    assert last_days(7, today=TODAY) == (date(2026, 3, 4), TODAY)
