"""The share of the store phrasings (tests/announcements/store_phrasings.py) the parser fully
understands.

    .venv/bin/python -m tests.announcements.phrasings_score   # the share, then each case missed

A case is fully understood when the items and the window are those a person reads in it (and
their dates and lots, for the dated cases, read on Tuesday 10 March 2026) and nothing is left
over but the words that carry nothing (greetings, thanks).
"""

from __future__ import annotations

import sys
from datetime import date

from logistics.announcements.parsing.surplus import ParsedSurplus
from tests.announcements.store_phrasings import DUTCH, FRENCH
from tests.announcements.surplus_phrasings import Case
from tests.announcements.test_surplus_parser import parse, window_of

GOAL = 0.95


TODAY = date(2026, 3, 10)  # the day the dated phrasings are read (the clock fixture's)


def dates_of(result: ParsedSurplus) -> tuple:
    def iso(day: date | None) -> str | None:
        return day.isoformat() if day else None

    return tuple((iso(i.use_by), iso(i.best_before), i.lot) for i in result.items)


def items_of(result: ParsedSurplus) -> list[tuple[str, float, str, str]]:
    return [(i.category_key, round(i.quantity, 6), i.unit, i.cold_chain) for i in result.items]


def understood(case: Case) -> bool:
    result = parse(case.text, today=TODAY)
    expected = [(k, round(q, 6), u, c) for k, q, u, c in case.items]
    if case.dates and dates_of(result) != case.dates:
        return False
    leftover = {w for part in result.not_understood for w in part.split()}
    leftover -= {w for part in case.not_understood for w in part.split()}
    return items_of(result) == expected and window_of(result) == case.window and not leftover


def score(cases: list[Case]) -> tuple[float, list[Case]]:
    missed = [c for c in cases if not understood(c)]
    return 1 - len(missed) / len(cases), missed


def main() -> int:
    total, missed = score(FRENCH + DUTCH)
    for name, cases in (("French", FRENCH), ("Dutch", DUTCH)):
        share, _ = score(cases)
        print(f"{name}: {share:.1%} of {len(cases)} phrasings fully understood")
    print(f"All: {total:.1%} of {len(FRENCH) + len(DUTCH)} (goal {GOAL:.0%})")
    for case in missed:
        result = parse(case.text, today=TODAY)
        print(f"  missed {case.text!r}: {items_of(result)} {window_of(result)}", end="")
        print(f" {dates_of(result)}" if case.dates else "", end="")
        print(f" not understood {result.not_understood}")
    return 0 if total >= GOAL else 1


if __name__ == "__main__":
    sys.exit(main())
