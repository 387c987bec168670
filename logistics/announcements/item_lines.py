"""The items of a donation as cards show them: one line per category, its quantities added
per unit, and the soonest use-by and best-before dates of its items."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from storage.models import COLD_CHAINS


@dataclass(frozen=True)
class ItemView:
    id: int
    category_key: str
    name_fr: str
    name_nl: str
    quantity: float
    unit: str
    cold_chain: str
    estimated_kg: float
    collected_kg: float | None
    collected_estimated: bool = False  # a share of a total the driver gave, not weighed
    use_by: date | None = None
    best_before: date | None = None


@dataclass(frozen=True)
class ItemLine:
    """The items of one category on a card, merged: one line per category."""

    category_key: str
    name_fr: str
    name_nl: str
    quantities: tuple[tuple[float, str], ...]  # (quantity, unit), one per unit, in order
    cold_chain: str
    estimated_kg: float
    collected_kg: float | None  # None until collected
    collected_estimated: bool  # True when any part of it is an estimated share
    use_by: date | None = None  # the soonest of its items'
    best_before: date | None = None


def _soonest(a: date | None, b: date | None) -> date | None:
    return min(a, b) if a and b else a or b


def item_lines(items: Iterable[ItemView]) -> tuple[ItemLine, ...]:
    """One line per category, in the order of first appearance: quantities added per unit,
    kilograms added, the coldest cold chain, estimated as soon as one part is."""
    merged: dict[str, ItemLine] = {}
    for item in items:
        line = merged.get(item.category_key)
        if line is None:
            merged[item.category_key] = ItemLine(
                category_key=item.category_key,
                name_fr=item.name_fr,
                name_nl=item.name_nl,
                quantities=((item.quantity, item.unit),),
                cold_chain=item.cold_chain,
                estimated_kg=item.estimated_kg,
                collected_kg=item.collected_kg,
                collected_estimated=item.collected_estimated,
                use_by=item.use_by,
                best_before=item.best_before,
            )
            continue
        quantities = {unit: amount for amount, unit in line.quantities}
        quantities[item.unit] = round(quantities.get(item.unit, 0) + item.quantity, 3)
        collected = (
            None
            if line.collected_kg is None and item.collected_kg is None
            else round((line.collected_kg or 0) + (item.collected_kg or 0), 1)
        )
        merged[item.category_key] = ItemLine(
            category_key=line.category_key,
            name_fr=line.name_fr,
            name_nl=line.name_nl,
            quantities=tuple((amount, unit) for unit, amount in quantities.items()),
            cold_chain=max(line.cold_chain, item.cold_chain, key=COLD_CHAINS.index),
            estimated_kg=round(line.estimated_kg + item.estimated_kg, 1),
            collected_kg=collected,
            collected_estimated=line.collected_estimated or item.collected_estimated,
            use_by=_soonest(line.use_by, item.use_by),
            best_before=_soonest(line.best_before, item.best_before),
        )
    return tuple(merged.values())
