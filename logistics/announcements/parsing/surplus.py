"""The free-text surplus parser: ``20 kg pain, 3 caisses yaourts, 12 kg légumes 18h-19h30``.

Pure rules, no I/O. :func:`parse_surplus` never raises and never drops anything: each
non-space character of the message ends up in an item's text, in the window's text, in a
separator (``,`` ``;`` ``+`` ``et`` ``en``, a line break…) or in ``not_understood``.

Decisions:
- Items are separated by separators, line breaks and the window; inside a segment quantities and
  categories pair up left to right (``pain 20 kg lait 3 caisses`` is two items).
- A quantity without a unit is pieces; ``3 sacs pain`` (an unknown word where the unit goes) is
  refused with ``unknown_unit`` rather than guessed as pieces. ``10-15 kg`` takes the upper bound.
- A cold-chain word next to a category states its cold chain (``boissons surgelées``); alone,
  ``surgelés``/``diepvries`` is the frozen category itself (``cold_chain_stated`` stays False).
  ``frais`` means chilled, as in the glossary, even for ``légumes frais``.
- Words not understood inside an item (``20 kg de bon pain``) stay in the item's text and are
  also listed in ``not_understood``. A refused item's fragment goes to ``not_understood``.
- Window: ``avant 19h`` starts one hour before the end, or at the default window's start when
  that is earlier; ``vanaf 18u`` and ``18h`` last one hour (to 23:59 at most). ``ce soir``,
  ``demain`` without times take the default window, else 18:00-20:00; the source is "text"
  whenever the message said anything about the window. A window ending before it starts is
  reported and its fragment listed as not understood; the default window (if any) is used.
- Only the first 2,000 characters are read (cut at a token boundary); the rest is reported.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Sequence
from dataclasses import replace

from logistics.announcements.parsing.catalog import CategoryMatcher
from logistics.announcements.parsing.dated_items import attach, dates_of
from logistics.announcements.parsing.dates import PAST_DAYS, DateMatch
from logistics.announcements.parsing.items import Element, scan
from logistics.announcements.parsing.model import (
    COLD_CHAINS,
    PROBLEM_CODES,
    UNITS,
    CatalogEntry,
    ParsedItem,
    ParsedSurplus,
    ParsedWindow,
)
from logistics.announcements.parsing.pairing import pair, spans_of
from logistics.announcements.parsing.text import (
    DASHES,
    FILLER_WORDS,
    SEPARATOR_PUNCT,
    SEPARATOR_WORDS,
    UNIT_WORDS,
    Token,
    token_boundary,
    tokenize,
)
from logistics.announcements.parsing.window import EVENING_DEFAULT, find_windows, resolve_times

__all__ = [
    "COLD_CHAINS",
    "MAX_CHARS",
    "MAX_ITEMS",
    "MAX_KG",
    "PROBLEM_CODES",
    "UNITS",
    "CatalogEntry",
    "ParsedItem",
    "ParsedSurplus",
    "ParsedWindow",
    "parse_surplus",
]

MAX_CHARS = 2_000
MAX_ITEMS = 30
MAX_KG = 10_000.0  # above this (estimated kg, or the quantity when there is no estimate)

Window = tuple[datetime.time, datetime.time]


def parse_surplus(
    text: str,
    catalog: Sequence[CatalogEntry],
    *,
    default_window: Window | None = None,
    today: datetime.date | None = None,
    past_days: int = PAST_DAYS,
) -> ParsedSurplus:
    """``today`` (the antenna's local date) turns on the dates and lots of the items."""
    text = text if isinstance(text, str) else ""
    default = default_window if _valid(default_window) else None
    cut = token_boundary(text, MAX_CHARS)
    parser = _Parser(text[:cut], CategoryMatcher(catalog), default)
    parser.today, parser.past_days = today, past_days
    result = parser.run()
    tail = text[cut:].strip()
    if tail:
        problems = result.problems + (
            () if "text_too_long" in result.problems else ("text_too_long",)
        )
        return ParsedSurplus(result.items, result.window, (*result.not_understood, tail), problems)
    return result


def _valid(window: Window | None) -> bool:
    return (
        window is not None
        and all(isinstance(t, datetime.time) for t in window)
        and window[0] < window[1]
    )


class _Parser:
    def __init__(self, text: str, matcher: CategoryMatcher, default: Window | None) -> None:
        self.text = text
        self.tokens = tokenize(text)
        self.matcher = matcher
        self.default = default
        # "nu" | "item" | "window" | "sep" | "refused" (a window that was not used: not understood)
        self.role: list[str] = ["nu"] * len(self.tokens)
        self.items: list[tuple[int, ParsedItem]] = []
        self.lasts: dict[int, int] = {}  # an item's first token → its last
        self.problems: list[tuple[int, str]] = []
        self.today: datetime.date | None = None
        self.past_days = PAST_DAYS

    def run(self) -> ParsedSurplus:
        dates = self._dates()
        window = self._window()
        for a, b in self._segments():
            self._segment(a, b)
        items = sorted(self.items, key=lambda x: x[0])
        if dates:
            kinds = {e.id: e.date_kind for e in self.matcher.entries}
            spans = [(first, self.lasts[first], item) for first, item in items]
            spans, lost = attach(spans, dates, self.tokens, self.role, kinds)
            items = [(a, replace(item, text=self._slice(a, b))) for a, b, item in spans]
            for match in lost:  # a date of no item, or a bare date of an undated one
                self._mark(match.first, match.last, "nu")
        problems = dict.fromkeys(code for _, code in sorted(self.problems))
        return ParsedSurplus(
            tuple(item for _, item in items),
            window,
            self._not_understood(),
            tuple(problems),
        )

    def _mark(self, first: int, last: int, role: str) -> None:
        self.role[first : last + 1] = [role] * (last - first + 1)

    def _slice(self, first: int, last: int) -> str:
        return self.text[self.tokens[first].start : self.tokens[last].end]

    # --- dates and lots ------------------------------------------------------------------------
    def _dates(self) -> list[DateMatch]:
        if self.today is None:
            return []
        found = dates_of(self.tokens, self.today, self.past_days, self.matcher)
        for match in found:
            self._mark(match.first, match.last, "date")
        return found

    # --- the window ---------------------------------------------------------------------------
    def _window(self) -> ParsedWindow | None:
        times, day, said, parts = None, 0, False, []
        for match in find_windows(self.tokens):
            if "date" in self.role[match.first : match.last + 1]:
                continue
            if match.kind == "day":
                day, said = max(day, match.day_offset), True
            else:
                found = resolve_times(match, self.default)
                if found is None or times is not None:
                    code = "several_windows" if found is not None else "window_end_before_start"
                    self.problems.append((match.first, code))
                    self._mark(match.first, match.last, "refused")
                    continue
                times, said = found, True
            self._mark(match.first, match.last, "window")
            parts.append(self._slice(match.first, match.last))
        if said:
            start, end = times or self.default or EVENING_DEFAULT
            return ParsedWindow(start, end, day, "text", " ".join(parts))
        if self.default is not None:
            return ParsedWindow(self.default[0], self.default[1], 0, "default")
        return None

    # --- items --------------------------------------------------------------------------------
    def _segments(self) -> list[tuple[int, int]]:
        protected = self.matcher.protected(self.tokens)
        segments, start = [], None
        for i, tok in enumerate(self.tokens):
            taken = self.role[i] in ("window", "refused", "date")
            cut = taken or (i not in protected and self._separator(i))
            if (tok.newline or cut) and start is not None:
                segments.append((start, i))
                start = None
            if not cut and start is None:
                start = i
            elif cut and not taken:
                self.role[i] = "sep"
        if start is not None:
            segments.append((start, len(self.tokens)))
        return segments

    def _separator(self, i: int) -> bool:
        tok, tokens = self.tokens[i], self.tokens
        if tok.kind != "punct":
            return tok.kind == "word" and tok.text.casefold() in SEPARATOR_WORDS
        prev = tokens[i - 1] if i > 0 and tok.glued else None  # the neighbours glued to it
        nxt = tokens[i + 1] if i + 1 < len(tokens) and tokens[i + 1].glued else None
        if tok.text in ",./" and _kind(prev) == "num" and _kind(nxt) == "num":
            return False  # 2,5 kg, 1/2
        if tok.text == ":":  # "Pain : 20 kg" is one item, "ce soir : 20 kg pain" two parts
            return i == 0 or tok.newline or self.role[i - 1] in ("window", "refused")
        if tok.text == "." and prev is not None and prev.norm in FILLER_WORDS | UNIT_WORDS.keys():
            return False  # "env.", "kg."
        if tok.text in SEPARATOR_PUNCT:
            return True
        if tok.text == "*":
            return _kind(prev) != "num" and _kind(nxt) != "num"
        if tok.text in DASHES:
            # "kant-en-klaar" and "10-15" are words, "-5" a negative number, the rest a dash
            return nxt is None or (prev is None and _kind(nxt) != "num")
        return False

    def _segment(self, a: int, b: int) -> None:
        elements = scan(self.tokens, a, b, self.matcher)
        pairs, lone = pair(elements)
        spans = spans_of(elements, pairs, self.tokens)
        for (qi, ci), (lo, hi, chains) in zip(pairs, spans, strict=True):
            first, last = elements[lo].first, elements[hi].last
            code = self._item(elements, qi, ci, first, last, chains)
            if code is not None:
                self.problems.append((first, code))
                continue
            for k in range(lo, hi + 1):
                el = elements[k]
                kind = "nu" if el.kind == "U" else "item"
                self._mark(el.first, el.last, kind)
        for i in lone:
            quantity_missing = elements[i].kind in ("C", "K")
            code = "category_without_quantity" if quantity_missing else "quantity_without_category"
            self.problems.append((elements[i].first, code))

    def _item(
        self, elements: list[Element], qi: int, ci: int, first: int, last: int, chains: list[str]
    ) -> str | None:
        """Record one item; the problem code instead when it must be refused."""
        q, entry = elements[qi], self.matcher.entries[elements[ci].entry]
        unit = q.unit or "piece"
        quantity = q.value / q.divisor
        if q.negative:
            return "negative_quantity"
        if not math.isfinite(quantity):
            return "invalid_number"
        quantity = round(quantity, 6)
        if quantity <= 0:
            return "zero_quantity"
        if q.unit is None and qi + 1 < len(elements) and elements[qi + 1].kind == "U":
            if self.tokens[elements[qi + 1].first].kind == "word":
                return "unknown_unit"
        factor = 1.0 if unit == "kg" else getattr(entry, f"kg_per_{unit}", None)
        estimated = round(quantity * factor, 3) if factor else None
        if (estimated if estimated is not None else quantity) > MAX_KG:
            return "huge_quantity"
        if len(self.items) >= MAX_ITEMS:
            return "too_many_items"
        cold_chain = chains[0] if chains else entry.cold_chain
        item = ParsedItem(
            category_id=entry.id,
            category_key=entry.key,
            text=self._slice(first, last),
            quantity=quantity,
            unit=unit,
            cold_chain=cold_chain,
            cold_chain_stated=bool(chains),
            estimated_kg=estimated,
            score=round(elements[ci].score, 1),
        )
        self.items.append((first, item))
        self.lasts[first] = last
        return None

    def _not_understood(self) -> tuple[str, ...]:
        """Maximal runs of unused tokens, cut at line breaks and between kinds of leftovers."""
        fragments: list[str] = []
        first = None
        for i, tok in enumerate(self.tokens):
            if first is not None and (self.role[i] != self.role[first] or tok.newline):
                fragments.append(self._slice(first, i - 1))
                first = None
            if first is None and self.role[i] in ("nu", "refused"):
                first = i
        if first is not None:
            fragments.append(self._slice(first, len(self.tokens) - 1))
        return tuple(fragments)


def _kind(tok: Token | None) -> str | None:
    return None if tok is None else tok.kind
