"""The values of the free-text surplus parser (see
:mod:`logistics.announcements.parsing.surplus`)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

# Every code that may appear in ParsedSurplus.problems; the bot translates them.
PROBLEM_CODES: dict[str, str] = {
    "zero_quantity": "a quantity is 0; that item was left out",
    "negative_quantity": "a quantity is negative; that item was left out",
    "invalid_number": "a quantity is not a number (NaN, infinity); that item was left out",
    "huge_quantity": "a quantity is absurdly large (over 10,000 kg); that item was left out",
    "unknown_unit": "a quantity has a unit that is not known (sacs, zakken…); item left out",
    "quantity_without_category": "a quantity has no recognisable category",
    "category_without_quantity": "a category has no quantity; it was not made an item",
    "window_end_before_start": "the time window ends before it starts (or at the same time)",
    "several_windows": "more than one time window; the first one was used",
    "too_many_items": "more than 30 items; the rest was not read",
    "text_too_long": "the message is too long; only its beginning was read",
}

UNITS = ("kg", "crate", "piece", "pallet", "litre")
COLD_CHAINS = ("ambient", "chilled", "frozen")


@dataclass(frozen=True)
class CatalogEntry:
    """One category of the catalogue, built by the caller from the Category table."""

    id: int
    key: str
    name_fr: str
    name_nl: str
    synonyms_fr: tuple[str, ...]
    synonyms_nl: tuple[str, ...]
    cold_chain: str  # "ambient" | "chilled" | "frozen"
    kg_per_crate: float | None
    kg_per_piece: float | None
    kg_per_pallet: float | None
    kg_per_litre: float | None
    date_kind: str = "none"  # "use_by" | "best_before" | "none"
    grace_days: int = 0  # a best-before date may be passed by this many days


@dataclass(frozen=True)
class ParsedItem:
    category_id: int
    category_key: str
    text: str  # the fragment of the message this item came from, as written
    quantity: float  # > 0, finite
    unit: str  # one of UNITS; grams are converted to kg, cl/ml to litres
    cold_chain: str  # the category's, unless the text said otherwise
    cold_chain_stated: bool  # True when the text said it
    estimated_kg: float | None  # None when the catalogue has no factor for the unit
    score: float  # rapidfuzz score 0..100 of the category match
    use_by: datetime.date | None = None  # local calendar dates, as written on the item's line
    best_before: datetime.date | None = None
    lot: str | None = None


@dataclass(frozen=True)
class ParsedWindow:
    start: datetime.time  # local wall-clock time
    end: datetime.time  # end > start
    day_offset: int  # 0 = today, 1 = tomorrow
    source: str  # "text" | "default"
    # The fragments of the message read as the window, joined by spaces ("" for a default).
    text: str = field(default="", compare=False)


@dataclass(frozen=True)
class ParsedSurplus:
    items: tuple[ParsedItem, ...]
    window: ParsedWindow | None  # None only when the text gave none and there is no default
    not_understood: tuple[str, ...]  # unused fragments of the input, verbatim, in order
    problems: tuple[str, ...]  # codes from PROBLEM_CODES, each once, in order of appearance
