"""Which item a date or a lot of a surplus message belongs to: a bare date only after a word
of a dated category and never inside a time window, each date given to the item of its line
(just before it, else just after it, in the same part of the line).
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import replace

from logistics.announcements.parsing.dates import DateMatch, find_dates
from logistics.announcements.parsing.text import Token
from logistics.announcements.parsing.window import find_windows


def dates_of(
    tokens: Sequence[Token], today: datetime.date, past_days: int, matcher
) -> list[DateMatch]:
    """The dates and lots of a message: a bare date only after a word of a dated category of
    ``matcher``'s catalogue, and never inside a time window (``9-10u``)."""
    in_windows = {k for m in find_windows(tokens) for k in range(m.first, m.last + 1)}

    def dated(norm: str) -> bool:
        found = matcher.match(norm)
        return found is not None and matcher.entries[found[0]].date_kind != "none"

    return [
        match
        for match in find_dates(tokens, today, past_days=past_days)
        if match.kind != "bare"
        or (
            not in_windows & set(range(match.first, match.last + 1))
            and dated_before(tokens, match.first, dated)
        )
    ]


def dated_before(tokens: Sequence[Token], i: int, is_dated) -> bool:
    """Whether a word before ``i`` on its line, in its part, names a dated category."""
    k = i - 1
    while k >= 0 and not tokens[k + 1].newline:
        tok = tokens[k]
        if tok.kind == "punct" and tok.text in ",;+&|•·":
            return False
        if tok.kind == "word" and is_dated(tok.norm):
            return True
        k -= 1
    return False


def attach(
    spans: list, dates: Sequence[DateMatch], tokens: Sequence[Token], role: Sequence[str], kinds
) -> tuple[list, list[DateMatch]]:
    """The items with the dates of their line: the item just before the date, else just
    after it, in the same part of the line. ``kinds`` maps a category id to its date kind.
    Returns the items (first, last, item), their tokens now spanning their dates too, and
    the dates that found no item."""
    spans = list(spans)
    lost: list[DateMatch] = []
    for match in dates:
        at = _item_for(spans, match, tokens, role)
        if at is None:
            lost.append(match)
            continue
        first, last, item = spans[at]
        if match.kind == "lot":
            item = replace(item, lot=match.lot)
        else:
            kind = kinds.get(item.category_id, "none") if match.kind == "bare" else match.kind
            if kind not in ("use_by", "best_before"):
                lost.append(match)
                continue
            item = replace(item, **{kind: match.day})
        spans[at] = (min(first, match.first), max(last, match.last), item)
    return spans, lost


def _item_for(spans, match: DateMatch, tokens, role) -> int | None:
    def apart(a: int, b: int) -> bool:  # a separator or a line break between tokens a < b
        return any(role[k] == "sep" or tokens[k].newline for k in range(a + 1, b + 1))

    before = [n for n, s in enumerate(spans) if s[1] < match.first]
    if before:
        n = max(before, key=lambda n: spans[n][1])
        if not apart(spans[n][1], match.first):
            return n
    after = [n for n, s in enumerate(spans) if s[0] > match.last]
    if after:
        n = min(after, key=lambda n: spans[n][0])
        if not apart(match.last, spans[n][0]):
            return n
    return None
