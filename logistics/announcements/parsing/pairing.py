"""Pairing the quantities and categories of one segment into items.

Left to right, a quantity and a category next to each other make an item, whichever comes first:
``20 kg pain 3 caisses lait`` and ``pain 20 kg lait 3 caisses`` are both two items.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from logistics.announcements.parsing.items import Element
from logistics.announcements.parsing.text import CLOSING_PUNCT, OPENING_PUNCT, Token

MAX_GAP = 3  # unknown tokens allowed between a quantity and its category


def pair(elements: list[Element]) -> tuple[list[tuple[int, int]], list[int]]:
    """Quantities and categories, paired left to right: (Q index, C index) and the unpaired.

    A quantity left alone takes a category-like cold-chain word next to it (``surgelés 3 kg``);
    such words in a segment without any item are categories without a quantity.
    """
    order = [i for i, el in enumerate(elements) if el.kind in ("Q", "C")]
    pairs: list[tuple[int, int]] = []
    lone: list[int] = []
    n = 0
    while n < len(order):
        i = order[n]
        if n + 1 < len(order):
            j = order[n + 1]
            gap = sum(elements[m].kind == "U" for m in range(i + 1, j))
            if elements[i].kind != elements[j].kind and gap <= MAX_GAP:
                pairs.append((i, j) if elements[i].kind == "Q" else (j, i))
                n += 2
                continue
        lone.append(i)
        n += 1
    for i in [i for i in lone if elements[i].kind == "Q"]:
        for step in (1, -1):
            j = i + step
            while 0 <= j < len(elements) and elements[j].kind == "F":
                j += step
            if 0 <= j < len(elements) and elements[j].kind == "K" and elements[j].ambiguous:
                elements[j] = replace(elements[j], kind="C")
                pairs.append((i, j))
                lone.remove(i)
                break
    if not pairs:
        lone += [i for i, el in enumerate(elements) if el.kind == "K" and el.ambiguous]
    return sorted(pairs), sorted(lone)


def spans_of(elements: list[Element], pairs: list[tuple[int, int]], tokens: Sequence[Token]):
    """For each pair: (first, last element index, stated cold chains), with the cold-chain words
    that belong to it and the fillers around it.

    A cold-chain word belongs to the nearer of the quantities or categories on either side of it
    (the left one on a tie), when that one is part of an item."""
    spans = [[min(p), max(p), []] for p in pairs]
    owner = {member: s for s, p in enumerate(pairs) for member in p}
    left = None
    for k, el in enumerate(elements):
        if el.kind in ("Q", "C"):
            left = k
        if el.kind != "K":
            continue
        right = next(
            (m for m in range(k + 1, len(elements)) if elements[m].kind in ("Q", "C")), None
        )
        sides = [m for m in (left, right) if m is not None and m in owner]
        if not sides:
            continue
        chosen = owner[min(sides, key=lambda m: (abs(m - k), m))]
        spans[chosen][0] = min(spans[chosen][0], k)
        spans[chosen][1] = max(spans[chosen][1], k)
        spans[chosen][2].append((k, el.chain))
    taken = {k for lo, hi, _ in spans for k in range(lo, hi + 1)}
    for side in (0, 1):
        for span in spans:
            step = -1 if side == 0 else 1
            k = span[side] + step
            while 0 <= k < len(elements) and k not in taken and _extends(elements, k, tokens, side):
                taken.add(k)
                span[side] = k
                k += step
    return [(lo, hi, [c for _, c in sorted(chains)]) for lo, hi, chains in spans]


def _extends(elements: list[Element], k: int, tokens: Sequence[Token], side: int) -> bool:
    """Fillers before an item belong to it (``environ 20 kg``), after it only closing signs."""
    tok = tokens[elements[k].first]
    if elements[k].kind != "F":
        return False
    if side == 0:
        return tok.kind == "word" or tok.text in OPENING_PUNCT
    return tok.text in CLOSING_PUNCT
