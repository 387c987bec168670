"""Which association takes what of a hub's stock one morning: the antenna's allocation rule
(``logistics.deliveries.allocation``) applied to each lot in turn, first expired first out. Pure.

1. Lots go by date: the shortest use-by or best-before date first (undated last), then the
   oldest received; so when the van is full, what stays at the hub is what keeps longest.
2. A lot past its date on the service day is never proposed: its use-by date passed, or its
   best-before date and its category's grace days.
3. Chilled and frozen lots go only in a refrigerated van and only to associations with cold
   storage.
4. Each lot is placed by ``allocate_items`` over the associations that receive that morning,
   each with what it received this week *plus what this proposal already gave it*: the lots
   that follow go to those still short of their share, so the whole stock is spread by
   beneficiaries rather than all of it to the neediest. A short-dated lot goes first to the
   associations that hand food out soonest (their distribution days).
5. A lot is split over at most as many associations as it holds average shares of the
   morning's stock (one when it is small), in 0.1 kg that add up exactly, and no load is
   smaller than ``MIN_LOAD_KG`` unless the lot itself is that small (the rule merges crumbs).
6. The van takes no more than its capacity: the lot that does not fit is cut to what does,
   unless that would leave a crumb, and the rest stays at the hub.

What is not placed stays in stock, with the reason per lot (codes below).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime

from logistics.deliveries.allocation_plan import (
    NO_COLD_STORAGE_OPEN,
    NOBODY_OPEN,
    TOO_LATE_FOR_DATE,
    Candidate,
)
from logistics.deliveries.allocation_rule import allocate_items
from logistics.safety.date_limits import USE_BY_IDEAL_DAYS, DatedItem

MIN_LOAD_KG = 5.0

# Why (part of) a lot stays at the hub.
PAST_DATE = "past_date"  # past its use-by date, or its best-before date and grace days
NOBODY_RECEIVES = "nobody_receives"  # no association receives that morning
NO_COLD_STORAGE = "no_cold_storage"  # chilled or frozen: no association with cold storage
VAN_NOT_REFRIGERATED = "van_not_refrigerated"  # chilled or frozen: the van has no cooling
VAN_FULL = "van_full"  # the van is full with food of shorter date
OUT_OF_REACH = "out_of_reach"  # its associations cannot be reached within their windows
REMOVED = "removed"  # a coordinator took it off the tour
LOT_REASONS = (PAST_DATE, NOBODY_RECEIVES, NO_COLD_STORAGE, VAN_NOT_REFRIGERATED, VAN_FULL)

_FROM_RULE = {
    NOBODY_OPEN: NOBODY_RECEIVES,
    NO_COLD_STORAGE_OPEN: NO_COLD_STORAGE,
    TOO_LATE_FOR_DATE: PAST_DATE,
}


@dataclass(frozen=True)
class LotOnHand:
    """A lot as the rule sees it: the kg free to plan (on hand, less what other tours will
    take), its cold chain and dates."""

    lot_id: int
    kg: float
    cold: bool
    use_by: date | None
    best_before: date | None
    grace_days: int
    received_at: datetime

    @property
    def item(self) -> DatedItem:
        return DatedItem(self.kg, self.cold, self.use_by, self.best_before, self.grace_days)

    @property
    def last_day(self) -> date | None:
        return self.item.last_day

    def fefo_key(self) -> tuple:
        day = self.use_by or self.best_before
        return day is None, day or date.max, self.received_at, self.lot_id


@dataclass(frozen=True)
class PlannedLoad:
    association_id: int
    lot_id: int
    kg: float
    cold: bool


@dataclass(frozen=True)
class LeftLot:
    lot_id: int
    kg: float
    reason: str


@dataclass(frozen=True)
class Placement:
    loads: tuple[PlannedLoad, ...]  # in the order the lots were placed
    left: tuple[LeftLot, ...]

    def kg_of(self, association_id: int) -> float:
        return round(sum(x.kg for x in self.loads if x.association_id == association_id), 1)


def place_lots(
    lots: Sequence[LotOnHand],
    associations: Sequence[Candidate],
    *,
    deliver_at: datetime,
    capacity_kg: float,
    refrigerated: bool,
    ideal_days: int = USE_BY_IDEAL_DAYS,
    min_load_kg: float = MIN_LOAD_KG,
) -> Placement:
    """The loads of the morning by the rule of this module.

    ``associations`` are those that receive that morning, each with what it received this
    week; the rule sees them all as receiving at ``deliver_at`` (aware, local time: the
    service day's distribution time), so that only the dates and the distribution days
    order short-dated food, not who opens a quarter of an hour earlier.
    """
    day = deliver_at.date()
    able = [replace(a, reception=()) for a in sorted(associations, key=lambda a: a.id)]
    received = {a.id: a.received_this_week_kg for a in able}
    ordered = sorted((lot for lot in lots if _tenths(lot.kg) > 0), key=LotOnHand.fefo_key)
    in_date = [lot for lot in ordered if lot.last_day is None or lot.last_day >= day]
    fair_share = math.fsum(lot.kg for lot in in_date) / max(len(able), 1)
    room = _tenths(capacity_kg)
    minimum = _tenths(min_load_kg)
    loads: list[PlannedLoad] = []
    left: list[LeftLot] = []
    for lot in ordered:
        whole = _tenths(lot.kg)
        reason = _never(lot, day, able, refrigerated)
        taken = min(whole, room)
        if reason is None and taken < min(whole, minimum):
            reason = VAN_FULL
        if reason is not None:
            left.append(LeftLot(lot.lot_id, whole / 10, reason))
            continue
        candidates = [replace(a, received_this_week_kg=received[a.id]) for a in able]
        plan = allocate_items(
            [replace(lot.item, kg=taken / 10)],
            deliver_at=deliver_at,
            candidates=candidates,
            ideal_days=ideal_days,
            max_stops=max(1, min(len(able), math.ceil(lot.kg / fair_share))),
            min_stop_kg=min_load_kg,
        )
        if not plan.stops:
            code = plan.reasons[0] if plan.reasons else NOBODY_OPEN
            left.append(LeftLot(lot.lot_id, whole / 10, _FROM_RULE.get(code, code)))
            continue
        for stop in plan.stops:
            loads.append(PlannedLoad(stop.id, lot.lot_id, stop.kg, lot.cold))
            received[stop.id] += stop.kg
        room -= taken
        if taken < whole:
            left.append(LeftLot(lot.lot_id, (whole - taken) / 10, VAN_FULL))
    return Placement(tuple(loads), tuple(left))


def _never(lot: LotOnHand, day: date, able: Sequence[Candidate], refrigerated: bool) -> str | None:
    """Why no association may take this lot this morning, whatever the others take."""
    if lot.last_day is not None and lot.last_day < day:
        return PAST_DATE
    if lot.cold and not refrigerated:
        return VAN_NOT_REFRIGERATED
    if not able:
        return NOBODY_RECEIVES
    if lot.cold and not any(a.cold_storage for a in able):
        return NO_COLD_STORAGE
    return None


def _tenths(kg: float) -> int:
    return max(0, round(kg * 10))
