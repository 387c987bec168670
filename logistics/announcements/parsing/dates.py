"""Dates and lots in a surplus message: ``yaourts DLC 05/12``, ``tgt 5/12``, ``THT 12/2026``,
``jusqu'au 5 déc``, ``te gebruiken tot 6 december``, ``lot A123``, ``lotnummer 4567``.

A use-by phrase (DLC, TGT, « jusqu'au », « à consommer jusqu'au », "te gebruiken tot") or a
best-before phrase (DDM, DLUO, THT, « de préférence avant », "ten minste houdbaar tot",
"houdbaar tot") is followed by a date: ``05/12``, ``5-12``, ``5.12``, ``05/12/26``,
``5/12/2026``, ``5 déc``, ``6 december 2026``, or a month ``12/2026`` (its last day). A date
without a phrase (``yaourts 3 caisses 05/12``) is a *bare* date: the parser keeps it only
after an item of a dated category, and it takes that category's kind.

A date without a year is the first such day on or after ``today - past_days``: a date a few
days past stays in the past (to be refused, not pushed a year ahead), one further back is next
year's (``02/01`` written on 31 December is 2 January of the next year).
"""

from __future__ import annotations

import calendar
import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from logistics.announcements.parsing.text import UNIT_WORDS, Token, tokenize

PAST_DAYS = 31  # the default of [food_safety] past_date_days


def _phrases(spaced: str) -> tuple[tuple[str, ...], ...]:
    found = (tuple(t.norm for t in tokenize(p)) for p in spaced.split("|"))
    return tuple(sorted(found, key=len, reverse=True))  # longest first


USE_BY = _phrases(
    "à consommer jusqu'au|a consommer jusqu'au|consommer jusqu'au|jusqu'au|jusqu au"
    "|date limite de consommation|dlc|tgt|te gebruiken tot|uiterste gebruiksdatum"
)
BEST_BEFORE = _phrases(
    "à consommer de préférence avant le|à consommer de préférence avant|de préférence avant le"
    "|de préférence avant|ddm|dluo|tht|ten minste houdbaar tot|tenminste houdbaar tot"
    "|minstens houdbaar tot|houdbaar tot"
)
LOT = _phrases("numéro de lot|n° de lot|lotnummer|lotnr|lot nr|lot n°|lot no|lot")
MONTHS: dict[str, int] = {}
for _n, _names in enumerate(
    (
        "janvier janv jan januari",
        "fevrier fevr fev feb februari",
        "mars mar maart mrt",
        "avril avr apr april",
        "mai mei",
        "juin jun juni",
        "juillet juil jul juli",
        "aout aug augustus",
        "septembre sept sep september",
        "octobre oct okt oktober",
        "novembre nov november",
        "decembre dec december",
    ),
    start=1,
):
    MONTHS.update(dict.fromkeys(_names.split(), _n))
DATE_LINKS = frozenset("/-.")
MAX_LOT_CHARS = 64


@dataclass(frozen=True)
class DateMatch:
    first: int  # token indices [first, last]
    last: int
    kind: str  # "use_by" | "best_before" | "bare" (no phrase: the category's kind) | "lot"
    day: datetime.date | None = None
    lot: str | None = None


def find_dates(
    tokens: Sequence[Token], today: datetime.date, *, past_days: int = PAST_DAYS
) -> list[DateMatch]:
    """Every date and lot phrase, left to right, not overlapping."""
    found: list[DateMatch] = []
    i = 0
    while i < len(tokens):
        match = _match_at(tokens, i, today, past_days)
        if match is None:
            i += 1
        else:
            found.append(match)
            i = match.last + 1
    return found


def parse_date(
    text: str, today: datetime.date, *, past_days: int = PAST_DAYS
) -> datetime.date | None:
    """A date typed on its own (``5/12``, ``6 décembre``, ``DLC 05/12``), or None."""
    tokens = tokenize(text or "")
    if not tokens:
        return None
    match = _match_at(tokens, 0, today, past_days)
    if match is not None and match.day is not None and match.last == len(tokens) - 1:
        return match.day
    found = _date(tokens, 0, today, past_days)  # "6 décembre" on its own
    return found[0] if found is not None and found[1] == len(tokens) - 1 else None


def _match_at(
    tokens: Sequence[Token], i: int, today: datetime.date, past_days: int
) -> DateMatch | None:
    for phrases, kind in ((USE_BY, "use_by"), (BEST_BEFORE, "best_before")):
        j = _phrase(tokens, i, phrases)
        if j is None:
            continue
        while j < len(tokens) and tokens[j].norm in (":", "le"):  # "DLC : 05/12", "jusqu'au le"
            j += 1
        found = _date(tokens, j, today, past_days)
        if found is not None:
            return DateMatch(i, found[1], kind, day=found[0])
    j = _phrase(tokens, i, LOT)
    if j is not None:
        return _lot(tokens, i, j)
    if tokens[i].kind == "num" and (i == 0 or tokens[i - 1].kind != "num"):
        found = _date(tokens, i, today, past_days, bare=True)
        if found is not None:
            return DateMatch(i, found[1], "bare", day=found[0])
    return None


def _phrase(tokens: Sequence[Token], i: int, phrases) -> int | None:
    for phrase in phrases:
        if i + len(phrase) <= len(tokens) and all(
            tokens[i + n].norm == word for n, word in enumerate(phrase)
        ):
            return i + len(phrase)
    return None


def _lot(tokens: Sequence[Token], i: int, j: int) -> DateMatch | None:
    """``lot A123``, ``lotnummer: 4567-B``: the code is the glued run after the phrase."""
    while j < len(tokens) and tokens[j].text in (":", "#", "°"):
        j += 1
    if j >= len(tokens) or tokens[j].kind == "punct":
        return None
    k = j
    while k + 1 < len(tokens) and tokens[k + 1].glued:
        nxt = tokens[k + 1]
        if nxt.kind == "punct" and not (nxt.text in "-/" and _glued_code(tokens, k + 2)):
            break
        k += 1
    code = "".join(t.text for t in tokens[j : k + 1])
    if not any(c.isdigit() for c in code) or len(code) > MAX_LOT_CHARS:
        return None  # "lot de 3 caisses" is not a lot number
    return DateMatch(i, k, "lot", lot=code)


def _glued_code(tokens: Sequence[Token], k: int) -> bool:
    return k < len(tokens) and tokens[k].glued and tokens[k].kind != "punct"


def _date(tokens: Sequence[Token], j: int, today: datetime.date, past_days: int, *, bare=False):
    """(date, index of its last token) of the date at ``j``."""
    if j >= len(tokens) or tokens[j].kind != "num" or len(tokens[j].text) > 2:
        return None
    first = int(tokens[j].text)
    nums, k = [first], j
    while (
        len(nums) < 3
        and k + 2 < len(tokens)
        and tokens[k + 1].text in DATE_LINKS
        and tokens[k + 1].glued
        and tokens[k + 2].glued
        and tokens[k + 2].kind == "num"
    ):
        nums.append(int(tokens[k + 2].text))
        k += 2
        if len(tokens[k].text) == 4:
            break
    if len(nums) == 1:  # "5 déc", "6 december 2026"
        if bare or k + 1 >= len(tokens) or tokens[k + 1].norm not in MONTHS:
            return None
        month, k = MONTHS[tokens[k + 1].norm], k + 1
        if k + 1 < len(tokens) and tokens[k + 1].text == "." and tokens[k + 1].glued:
            k += 1  # "déc."
        year = None
        if k + 1 < len(tokens) and tokens[k + 1].kind == "num" and len(tokens[k + 1].text) == 4:
            year, k = int(tokens[k + 1].text), k + 1
        return _day(first, month, year, today, past_days), k
    if bare and _unit_follows(tokens, k + 1):
        return None  # "1/2 kg"
    if len(nums) == 2 and len(tokens[k].text) == 4:  # "12/2026": the month's last day
        month, year = nums
        if not 1 <= month <= 12:
            return None
        return datetime.date(year, month, calendar.monthrange(year, month)[1]), k
    year = nums[2] if len(nums) == 3 else None
    if year is not None and year < 100:
        year += 2000
    found = _day(nums[0], nums[1], year, today, past_days)
    return (found, k) if found is not None else None


def _unit_follows(tokens: Sequence[Token], k: int) -> bool:
    return k < len(tokens) and tokens[k].norm in UNIT_WORDS


def _day(
    day: int, month: int, year: int | None, today: datetime.date, past_days: int
) -> datetime.date | None:
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    if year is not None:
        try:
            return datetime.date(year, month, day)
        except ValueError:
            return None
    earliest = today - datetime.timedelta(days=past_days)
    for candidate_year in (earliest.year, earliest.year + 1, earliest.year + 2):
        try:
            candidate = datetime.date(candidate_year, month, day)
        except ValueError:
            continue  # 29 February of a common year
        if candidate >= earliest:
            return candidate
    return None
