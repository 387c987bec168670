"""Fairness between associations: each one's need (its share of the beneficiaries minus its
share of what was received this week) and the split of a part in whole tenths of a kg."""

from __future__ import annotations

import math

from logistics.deliveries.allocation_plan import Candidate


def needs(associations: list[Candidate], received: dict[int, float]) -> dict[int, float]:
    """Fair share of beneficiaries minus share of what was received this week."""
    beneficiaries = sum(c.beneficiaries for c in associations)
    total = math.fsum(received[c.id] for c in associations)
    return {
        c.id: (c.beneficiaries / beneficiaries if beneficiaries else 0.0)
        - (received[c.id] / total if total > 0 else 0.0)
        for c in associations
    }


def weights_of(picks: list[Candidate], need: dict[int, float]) -> list[float]:
    """By need; when nobody is short, by beneficiaries; else the first takes all."""
    weights = [max(need[c.id], 0.0) for c in picks]
    if not any(weights):
        weights = [float(c.beneficiaries) for c in picks]
    if not any(weights):
        weights = [1.0] + [0.0] * (len(picks) - 1)
    return weights


def split(part: int, weights: list[float]) -> list[int]:
    """Whole tenths in proportion to the weights (largest remainder, first ones first)."""
    total = math.fsum(weights)
    exact = [part * w / total for w in weights]
    shares = [math.floor(x) for x in exact]
    by_remainder = sorted(range(len(exact)), key=lambda i: (shares[i] - exact[i], i))
    for i in by_remainder[: part - sum(shares)]:
        shares[i] += 1
    return shares


def tenths(kg: float, name: str) -> int:
    if not (math.isfinite(kg) and kg >= 0):
        raise ValueError(f"{name} must be a finite number, 0 or more")
    return round(kg * 10)
