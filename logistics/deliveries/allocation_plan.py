"""What the allocation rule works on and gives: the candidate places, the stops of a plan and
the reason codes a plan carries (machine codes; the bot words them for people)."""

from __future__ import annotations

from dataclasses import dataclass, field

from logistics.network.hours import WeeklyWindow

ASSOCIATION = "association"
HUB = "hub"

NOBODY_OPEN = "nobody_open"  # a part has no stop: no place is open at delivery time
NO_COLD_STORAGE_OPEN = "no_cold_storage_open"  # the cold part has no stop: no open cold storage
HUB_FALLBACK = "hub_fallback"  # a part went to a hub: no open association could take it
NOTHING_TO_DELIVER = "nothing_to_deliver"  # the pickup weighs nothing
# a part has no stop: every open place that could take it receives after its use-by date (or
# after its best-before date and the category's grace days)
TOO_LATE_FOR_DATE = "too_late_for_date"

COLD_CHAINS_COLD = ("chilled", "frozen")


@dataclass(frozen=True)
class Candidate:
    """A place that may receive a pickup, as the rule sees it."""

    kind: str  # "association" | "hub"
    id: int
    name: str
    beneficiaries: int  # hubs: 0 (they are the fallback)
    cold_storage: bool
    reception: tuple[WeeklyWindow, ...]  # empty = no hours declared = always open
    received_this_week_kg: float
    distribution_days: tuple[int, ...] = ()  # weekdays it hands food out, 0 = Monday


@dataclass(frozen=True)
class Stop:
    kind: str
    id: int
    name: str
    kg: float  # planned kg, rounded to 0.1; the stops sum to the total
    chilled: bool  # this stop takes (some of) the chilled/frozen part
    cold_kg: float = field(default=0.0, compare=False)  # of ``kg``, the chilled/frozen part


@dataclass(frozen=True)
class Plan:
    stops: tuple[Stop, ...]
    reasons: tuple[str, ...]  # reason codes above, in the order they arose


def key_of(candidate: Candidate) -> tuple[str, int]:
    return candidate.kind, candidate.id
