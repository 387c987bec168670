"""Weights recorded at collection: a typed weight checked and rounded, a total shared out.

Kilograms are rounded to 0.1 kg and kept between 0 and 10 000 kg; a total is spread over items
or stops pro rata of their planned weights, in 0.1 kg steps that add up exactly to the total.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from logistics.errors import InvalidInput

MAX_KG = 10_000


def validate_kg(value: float) -> float:
    """A weight a person typed: finite, 0 to 10 000 kg, rounded to 0.1 kg."""
    try:
        kg = float(value)
    except (TypeError, ValueError):
        raise InvalidInput("kg_invalid") from None
    if not math.isfinite(kg) or kg < 0 or kg > MAX_KG:
        raise InvalidInput("kg_invalid")
    return round(kg, 1) + 0.0  # never -0.0


def spread_kg(total: float, weights: Sequence[float]) -> list[float]:
    """``total`` split pro rata of ``weights`` (equally when they are all 0), in 0.1 kg steps.

    Each share but the last is rounded (never beyond what is left); the last share takes the
    remainder, so that none is negative and their sum is exactly ``total``.
    """
    if not weights:
        return []
    tenths = round(total * 10)
    if sum(weights) <= 0:
        weights = [1.0] * len(weights)
    whole = sum(weights)
    shares: list[int] = []
    for weight in weights[:-1]:
        share = math.floor(tenths * weight / whole + 0.5)
        shares.append(min(share, tenths - sum(shares)))
    shares.append(tenths - sum(shares))
    return [share / 10 for share in shares]
