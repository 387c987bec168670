"""Reading one item segment (``3 caisses de yaourts``) into quantities, categories and the rest.

A segment becomes a list of elements, in order:
Q a quantity with its unit, C a category phrase, K a cold-chain word, F a filler that carries
nothing (``de``, ``environ``, brackets), U a token not understood.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace

from rapidfuzz import fuzz, process

from logistics.announcements.parsing.catalog import CategoryMatcher, word_positions
from logistics.announcements.parsing.text import (
    APOSTROPHES,
    COLD_CHAIN_WORDS,
    DASHES,
    FILLER_PUNCT,
    FILLER_WORDS,
    FUZZY_UNIT_WORDS,
    HALF_WORDS,
    MINUS,
    NOT_A_NUMBER_WORDS,
    NUMBER_WORDS,
    SEPARATOR_PUNCT,
    TIMES_MARKS,
    UNIT_WORDS,
    Token,
)

MAX_PHRASE_WORDS = 4
LONGER_PHRASE_SLACK = 5.0  # a longer phrase wins even a little less sure ("pommes de tere")
FUZZY_UNIT_THRESHOLD = 85.0


@dataclass(frozen=True)
class Element:
    kind: str  # "Q" | "C" | "K" | "F" | "U"
    first: int  # token indices [first, last]
    last: int
    value: float = 0.0  # Q: the number as written (NaN for "nan")
    unit: str | None = None  # Q: None when no unit was written
    divisor: float = 1.0  # Q: 1000 for grams → kg, 100 for cl → litres
    negative: bool = False  # Q
    entry: int = -1  # C: index in the catalogue
    score: float = 0.0  # C
    ambiguous: bool = False  # C that is also a cold-chain word ("surgelés", "diepvries")
    chain: str | None = None  # K, or an ambiguous C


def scan(tokens: Sequence[Token], a: int, b: int, matcher: CategoryMatcher) -> list[Element]:
    """The elements of the segment tokens[a:b]."""
    elements: list[Element] = []
    k = a
    while k < b:
        tok = tokens[k]
        found = _quantity(tokens, k, b, matcher)
        if found is None and tok.kind == "word":
            found = _category(tokens, k, b, matcher)
        if found is None:
            found = Element(_kind_of(tok), k, k, chain=COLD_CHAIN_WORDS.get(tok.norm))
        elements.append(found)
        k = found.last + 1
    return _merge_categories(_settle_cold_words(elements))


def _kind_of(tok: Token) -> str:
    if tok.kind == "word":
        if tok.norm in COLD_CHAIN_WORDS:
            return "K"
        return "F" if tok.norm in FILLER_WORDS else "U"
    if tok.kind == "punct" and tok.text in FILLER_PUNCT | SEPARATOR_PUNCT | DASHES | TIMES_MARKS:
        return "F"
    return "U"


def _quantity(
    tokens: Sequence[Token], k: int, b: int, matcher: CategoryMatcher, *, inner: bool = False
):
    """A quantity at ``k``: a number (or number word), its unit, ``x`` marks; None if none."""
    i, pieces, negative = k, False, False
    if _is_times(tokens[i]) and i + 1 < b and tokens[i + 1].kind == "num":
        pieces, i = True, i + 1
    elif tokens[i].text in MINUS and i + 1 < b and tokens[i + 1].kind == "num":
        after_word = i > 0 and tokens[i].glued and tokens[i - 1].kind != "punct"
        if tokens[i + 1].glued and not after_word:
            negative, i = True, i + 1
    tok = tokens[i]
    if tok.kind == "num":
        value, j = _number(tokens, i, b, matcher)
        if j + 1 < b and _is_range_link(tokens[j]) and tokens[j + 1].kind == "num":
            upper, j2 = _number(tokens, j + 1, b, matcher)
            if upper >= value:  # "10-15 kg", "10 à 15 kg": the upper bound
                value, j = upper, j2
    elif tok.kind == "word" and tok.norm in NUMBER_WORDS:
        value, j = NUMBER_WORDS[tok.norm], i + 1
        if value == 1 and j < b and tokens[j].norm in HALF_WORDS:  # "une demi", "een halve"
            value, j = 0.5, j + 1
    elif tok.norm in NOT_A_NUMBER_WORDS and _unit(tokens, i + 1, b, matcher):
        value, j = math.nan, i + 1
    else:
        return None
    unit = _unit(tokens, j, b, matcher)
    if unit is not None:
        name, divisor, j = unit
        return Element("Q", k, j - 1, value, name, divisor, negative)
    if j < b and _is_times(tokens[j]):
        if not inner and j + 1 < b and tokens[j + 1].kind == "num":  # "2 x 5 kg" is 10 kg
            each = _quantity(tokens, j + 1, b, matcher, inner=True)
            if each is not None:
                return replace(each, first=k, value=value * each.value, negative=negative)
        pieces, j = True, j + 1
    return Element("Q", k, j - 1, value, "piece" if pieces else None, 1.0, negative)


def _is_times(tok: Token) -> bool:
    return tok.text in TIMES_MARKS or tok.norm == "x"


def _is_range_link(tok: Token) -> bool:
    return (tok.text in DASHES and tok.glued) or tok.norm in ("a", "tot")


def _number(tokens: Sequence[Token], i: int, b: int, matcher: CategoryMatcher):
    """A number at ``i``: ``12``, ``2,5``, ``2.5``, ``1 500`` (before a unit), ``1e9``."""
    text, j = tokens[i].text, i + 1

    def glued(at: int, kind: str) -> bool:
        return at < b and tokens[at].glued and tokens[at].kind == kind

    if j < b and tokens[j].text in ",." and tokens[j].glued and glued(j + 1, "num"):
        text, j = f"{text}.{tokens[j + 1].text}", j + 2
    elif j < b and tokens[j].text == "/" and tokens[j].glued and glued(j + 1, "num"):
        over = float(tokens[j + 1].text)  # "1/2"
        return (float(text) / over if over else math.nan), j + 2
    elif (
        len(text) <= 3
        and j + 1 < b
        and tokens[j].kind == "num"
        and not tokens[j].glued
        and len(tokens[j].text) == 3
        and _unit(tokens, j + 1, b, matcher)
    ):
        text, j = text + tokens[j].text, j + 1
    if glued(j, "word") and tokens[j].norm == "e":
        if glued(j + 1, "num"):
            text, j = f"{text}e{tokens[j + 1].text}", j + 2
        elif (
            j + 2 < b and tokens[j + 1].text in "+-" and tokens[j + 1].glued and glued(j + 2, "num")
        ):
            text, j = f"{text}e{tokens[j + 1].text}{tokens[j + 2].text}", j + 3
    return float(text), j


def _unit(tokens: Sequence[Token], j: int, b: int, matcher: CategoryMatcher):
    """(unit, divisor, index after it) when tokens[j] is a unit word."""
    if j >= b or tokens[j].kind != "word":
        return None
    norm = tokens[j].norm
    elided = j + 1 < b and tokens[j + 1].text in APOSTROPHES and tokens[j + 1].glued
    if norm in ("l", "d") and elided:  # "l'eau", "d'oeufs"
        return None
    unit = UNIT_WORDS.get(norm)
    if unit is None and len(norm) >= 5 and not _exact_category(norm, matcher):
        found = process.extractOne(norm, FUZZY_UNIT_WORDS, scorer=fuzz.ratio)
        if found is not None and found[1] >= FUZZY_UNIT_THRESHOLD:
            unit = UNIT_WORDS[found[0]]
    if unit is None:
        return None
    end = j + 1
    if elided and end + 1 < b and tokens[end + 1].norm == "s" and tokens[end + 1].glued:
        end += 2  # "kilo's"
    return unit[0], unit[1], end


def _exact_category(norm: str, matcher: CategoryMatcher) -> bool:
    found = matcher.match(norm)
    return found is not None and found[1] >= 100.0


def _category(tokens: Sequence[Token], k: int, b: int, matcher: CategoryMatcher):
    """The best catalogue phrase of 1 to 4 words starting at ``k``."""
    if tokens[k].norm in FILLER_WORDS:
        return None
    positions = word_positions(tokens, k, MAX_PHRASE_WORDS, b)
    best: tuple[float, int, int] | None = None  # (score, words, entry)
    for count in range(1, len(positions) + 1):
        if tokens[positions[count - 1]].norm in FILLER_WORDS:
            continue
        candidate = " ".join(tokens[p].norm for p in positions[:count])
        found = matcher.match(candidate)
        if found is not None and (best is None or found[1] >= best[0] - LONGER_PHRASE_SLACK):
            best = (found[1], count, found[0])
    if best is None:
        return None
    score, count, entry = best
    chain = COLD_CHAIN_WORDS.get(tokens[k].norm) if count == 1 else None
    if chain is not None and score < 100.0:
        return None  # "frais", "sec": a cold-chain word, not a typo of a category
    last = positions[count - 1]
    return Element("C", k, last, entry=entry, score=score, ambiguous=bool(chain), chain=chain)


def _settle_cold_words(elements: list[Element]) -> list[Element]:
    """``surgelés``, ``diepvries`` are first read as cold-chain words (``boissons surgelées``);
    pairing makes them the frozen category again when a quantity has no other category."""
    return [replace(el, kind="K") if el.kind == "C" and el.ambiguous else el for el in elements]


def _merge_categories(elements: list[Element]) -> list[Element]:
    """``viande hachée``: neighbouring phrases of the same category are one category."""
    merged: list[Element] = []
    for el in elements:
        j = len(merged) - 1
        while j >= 0 and merged[j].kind == "F":
            j -= 1
        if el.kind == "C" and j >= 0 and merged[j].kind == "C" and merged[j].entry == el.entry:
            merged[j:] = [replace(merged[j], last=el.last, score=max(merged[j].score, el.score))]
        else:
            merged.append(el)
    return merged
