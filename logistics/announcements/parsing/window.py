"""The pickup window of a surplus message: ``18h-19h30``, ``tussen 18u en 19u30``, ``avant 19h``.

Times are ``18h``, ``18h30``, ``18u30``, ``18:30``, ``18 heures``, ``18 uur``; a bare hour (``18``)
counts only inside a range whose other end is written as a time (``18-19h30``) or after
``avant``/``vanaf``-like words. Open-ended forms get one hour: ``vanaf 18u``, ``rond 18u`` and
``vers 18h`` are 18:00-19:00; ``avant 19h``, ``tegen 19u`` and ``d'ici 19h`` are 18:00-19:00, or
from the default window's start when that is earlier.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from logistics.announcements.parsing.text import UNIT_WORDS, Token, tokenize

HOUR_MARKS = frozenset(("h", "u", "heure", "heures", "uur", "hr", "hrs"))
EVENING_DEFAULT = (datetime.time(18, 0), datetime.time(20, 0))
ONE_HOUR = 60


def _phrases(spaced: str) -> tuple[tuple[str, ...], ...]:
    """``"jusqu'à|tot"`` → ``(("jusqu", "'", "a"), ("tot",))``: phrases as normalised tokens."""
    return tuple(tuple(t.norm for t in tokenize(p)) for p in spaced.split("|"))


_RANGE_OPEN = _phrases("à partir de|entre|tussen|vanaf|de|du|van")
_AND_OPENERS = frozenset(("entre", "tussen"))  # only these allow "et"/"en" between the ends
_RANGE_LINKS = _phrases("jusqu'à|jusqu'au|jusque|-|–|—|à|au|tot|et|en")
_BEFORE = _phrases(
    "au plus tard à|au plus tard|jusqu'à|d'ici|ten laatste om|ten laatste|uiterlijk om|uiterlijk"
    "|avant|voor|tegen|tot|pour"
)
_WEAK_BEFORE = frozenset(_phrases("pour"))  # need a time with h/u/: ("pour 20 personnes")
_AFTER = _phrases("à partir de|vanaf|dès|après|na|vers|rond|omstreeks|om|à|de|van")
_WEAK_AFTER = frozenset(_phrases("dès|na|à|om|de|van"))  # need a time with h/u/:
_EVENING = _phrases("du soir|'s avonds|s avonds|'s avond")
_DAYS = (  # (phrases, day offset, evening), longest first
    (_phrases("demain soir|morgen avond|morgenavond"), 1, True),
    (_phrases("pour ce soir|pr ce soir|ce soir|voor vanavond|deze avond|vanavond"), 0, True),
    (_phrases("aujourd'hui|vandaag"), 0, False),
    (_phrases("demain|morgen"), 1, False),
)


@dataclass(frozen=True)
class WindowMatch:
    first: int  # token indices [first, last]
    last: int
    kind: str  # "range" | "end" | "start" | "day"
    start: datetime.time | None = None
    end: datetime.time | None = None
    day_offset: int = 0
    evening: bool = False


def find_windows(tokens: Sequence[Token]) -> list[WindowMatch]:
    """Every window expression, left to right, not overlapping."""
    found: list[WindowMatch] = []
    i = 0
    while i < len(tokens):
        match = _match_at(tokens, i)
        if match is None:
            i += 1
        else:
            found.append(match)
            i = match.last + 1
    return found


def _match_at(tokens: Sequence[Token], i: int) -> WindowMatch | None:
    for phrases, offset, evening in _DAYS:
        j = _phrase(tokens, i, phrases)
        if j is not None:
            return WindowMatch(i, j - 1, "day", day_offset=offset, evening=evening)
    return _range(tokens, i) or _one_end(tokens, i)


def _range(tokens: Sequence[Token], i: int) -> WindowMatch | None:
    j = _phrase(tokens, i, _RANGE_OPEN)
    opener = tokens[i].norm if j is not None else None
    first = _time(tokens, j if j is not None else i, dotted=True)
    if first is None:
        return None
    start, k, explicit_start = first
    conn_end = _phrase(tokens, k, _RANGE_LINKS)
    if conn_end is None:
        return None
    if tokens[k].norm in ("et", "en") and opener not in _AND_OPENERS:
        return None
    second = _time(tokens, conn_end, dotted=True)
    if second is None:
        return None
    if not (explicit_start or second[2]) and not _dotted_range(tokens, first, second):
        return None
    if not explicit_start and opener is None and tokens[k].text not in "-–—":
        return None  # "yaourts 3 à 19h" is 3 pieces at 19h, not 03:00-19:00
    end, last, _ = second
    return WindowMatch(i, last - 1, "range", start=start, end=end)


def _one_end(tokens: Sequence[Token], i: int) -> WindowMatch | None:
    for phrases, weak, kind in ((_BEFORE, _WEAK_BEFORE, "end"), (_AFTER, _WEAK_AFTER, "start")):
        found = _after_phrase(tokens, i, phrases, weak)
        if found is not None:
            at = {kind: found[0]}
            return WindowMatch(i, found[1] - 1, kind, **at)
    found = _time(tokens, i)
    if found is not None and found[2]:
        return WindowMatch(i, found[1] - 1, "start", start=found[0])
    return None


def _after_phrase(tokens: Sequence[Token], i: int, phrases, weak):
    """The time after one of ``phrases`` at ``i``; after a ``weak`` one, only a marked time."""
    for phrase in phrases:
        j = _phrase(tokens, i, (phrase,))
        if j is None or (found := _time(tokens, j)) is None:
            continue
        if found[2] or (phrase not in weak and _stands(tokens, found)):
            return found
    return None


def _stands(tokens: Sequence[Token], found: tuple[datetime.time, int, bool]) -> bool:
    """A bare hour after "avant"/"vanaf" is a time unless a word follows ("voor 20 kg")."""
    after = found[1]
    return found[2] or after >= len(tokens) or tokens[after].kind != "word"


def _phrase(tokens: Sequence[Token], i: int, phrases) -> int | None:
    """The index after the first of ``phrases`` (tuples of normalised tokens) found at ``i``."""
    for phrase in phrases:
        end = i + len(phrase)
        if end <= len(tokens) and all(
            t.norm == w for t, w in zip(tokens[i:end], phrase, strict=True)
        ):
            return end
    return None


def _dotted_range(tokens: Sequence[Token], first, second) -> bool:
    """``18.30-19.30`` is a range when both ends are written so and no unit follows."""
    after = second[1]
    both = tokens[first[1] - 2].text == "." and tokens[second[1] - 2].text == "."
    return both and (after >= len(tokens) or tokens[after].norm not in UNIT_WORDS)


def _time(
    tokens: Sequence[Token], i: int, *, dotted: bool = False
) -> tuple[datetime.time, int, bool] | None:
    """A time at ``i``: (time, index after it, whether it was marked with h/u/:).

    With ``dotted``, ``18.30`` is read as a time too (not marked: see :func:`_dotted_range`)."""
    if i >= len(tokens) or tokens[i].kind != "num" or len(tokens[i].text) > 2:
        return None
    hour = int(tokens[i].text)
    if hour > 23:
        return None
    nxt = tokens[i + 1] if i + 1 < len(tokens) else None
    if nxt is not None and nxt.kind == "word" and nxt.norm in HOUR_MARKS:
        minute = _minutes(tokens, i + 2, spaced=True)
        after = i + 2 if minute is None else i + 3
        evening = _phrase(tokens, after, _EVENING)
        if evening is not None and hour < 12:  # "7u 's avonds", "7h du soir"
            hour, after = hour + 12, evening
        return datetime.time(hour, minute or 0), after, True
    if nxt is not None and nxt.text in ":." and nxt.glued:
        minute = _minutes(tokens, i + 2)
        if minute is not None and (nxt.text == ":" or dotted):
            return datetime.time(hour, minute), i + 3, nxt.text == ":"
    return datetime.time(hour), i + 1, False


def _minutes(tokens: Sequence[Token], i: int, *, spaced: bool = False) -> int | None:
    """Minutes at ``i``, glued to the hour; with ``spaced``, ``18 h 30`` too, unless a word
    other than a range link follows (``18 h 30 kg`` is 30 kg)."""
    if i >= len(tokens):
        return None
    tok = tokens[i]
    if tok.kind != "num" or len(tok.text) != 2 or int(tok.text) >= 60:
        return None
    if tok.glued:
        return int(tok.text)
    after = tokens[i + 1] if i + 1 < len(tokens) else None
    free = after is None or after.kind == "punct" or _phrase(tokens, i + 1, _RANGE_LINKS)
    return int(tok.text) if spaced and free else None


def _minutes_of(value: datetime.time) -> int:
    return value.hour * 60 + value.minute


def _time_of(minutes: int) -> datetime.time:
    return datetime.time(minutes // 60, minutes % 60)


def resolve_times(
    match: WindowMatch, default: tuple[datetime.time, datetime.time] | None
) -> tuple[datetime.time, datetime.time] | None:
    """Start and end of a range or open-ended match; None when the end is not after the start."""
    start, end = match.start, match.end
    if start is None and end is not None:  # "avant 19h": one hour, or from the default start
        start = _time_of(max(0, _minutes_of(end) - ONE_HOUR))
        if default is not None and default[0] < start:
            start = default[0]
    elif end is None and start is not None:  # "vanaf 18u": one hour, not past midnight
        end = _time_of(min(23 * 60 + 59, _minutes_of(start) + ONE_HOUR))
    if start is None or end is None or end <= start:
        return None
    return start, end
