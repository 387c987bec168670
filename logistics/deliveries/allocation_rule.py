"""The allocation rule itself, pure: the stops of one pickup (see
``logistics.deliveries.allocation``)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from logistics.deliveries.allocation_plan import (
    ASSOCIATION,
    HUB_FALLBACK,
    NO_COLD_STORAGE_OPEN,
    NOBODY_OPEN,
    NOTHING_TO_DELIVER,
    TOO_LATE_FOR_DATE,
    Candidate,
    Plan,
    Stop,
    key_of,
)
from logistics.deliveries.destination_choice import Key, biggest_first, choose, merge_small
from logistics.deliveries.destination_choice import soonest_distribution as soonest_rank
from logistics.deliveries.fair_shares import tenths as _tenths
from logistics.deliveries.reception import receiving_moment
from logistics.safety.date_limits import (
    NO_LIMIT,
    USE_BY_IDEAL_DAYS,
    DatedItem,
    DateLimit,
    part_limit,
)


def allocate(
    *,
    ambient_kg: float,
    cold_kg: float,
    deliver_at: datetime,
    candidates: Sequence[Candidate],
    max_stops: int = 2,
    min_stop_kg: float = 10.0,
    within: timedelta = timedelta(0),
    ambient_limit: DateLimit = NO_LIMIT,
    cold_limit: DateLimit = NO_LIMIT,
) -> Plan:
    """The stops of one pickup by the rule of ``logistics.deliveries.allocation``.

    ``deliver_at`` is aware and in the antenna's local time. The result depends only on
    the arguments, not on the order of ``candidates``.
    """
    if deliver_at.tzinfo is None:
        raise ValueError("deliver_at must be aware, in the antenna's local time")
    if max_stops < 1:
        raise ValueError("max_stops must be at least 1")
    minimum = _tenths(min_stop_kg, "min_stop_kg")
    # Work in tenths of a kilogram, as whole numbers, so that the stops add up exactly.
    ambient, cold = _tenths(ambient_kg, "ambient_kg"), _tenths(cold_kg, "cold_kg")
    if ambient + cold == 0:
        return Plan(stops=(), reasons=(NOTHING_TO_DELIVER,))

    tz = getattr(deliver_at.tzinfo, "key", "UTC")
    places = sorted(candidates, key=key_of)
    receiving: dict[Key, datetime] = {}
    for c in places:
        moment = receiving_moment(c.reception, deliver_at, tz, within)
        if moment is not None:
            receiving[key_of(c)] = moment
    associations = [c for c in places if c.kind == ASSOCIATION]
    open_places = [c for c in places if key_of(c) in receiving]
    limit = 1 if ambient + cold <= _tenths(min_stop_kg * 2, "min_stop_kg") else max_stops
    received = {c.id: c.received_this_week_kg for c in associations}
    loads: dict[Key, list[int]] = {}  # place → [ambient, cold] tenths
    chosen: dict[Key, Candidate] = {}  # in the order of choice
    reasons: list[str] = []

    def in_time(c: Candidate, date_limit: DateLimit) -> bool:
        return date_limit.allows(receiving[key_of(c)])

    def place(part: int, able: list[Candidate], slot: int, reason: str, dl: DateLimit) -> None:
        qualified = [c for c in able if in_time(c, dl)]
        if able and not qualified:
            reason = TOO_LATE_FOR_DATE
        soonest = soonest_rank(receiving) if dl.short_dated else None
        shares, used_hub = choose(part, qualified, associations, received, chosen, limit, soonest)
        if not shares:
            reasons.append(reason)
            return
        if used_hub:
            reasons.append(HUB_FALLBACK)
        for candidate, share in shares:
            chosen.setdefault(key_of(candidate), candidate)
            loads.setdefault(key_of(candidate), [0, 0])[slot] += share
            if candidate.kind == ASSOCIATION:
                received[candidate.id] += share / 10

    if cold:
        cold_places = [c for c in open_places if c.cold_storage]
        reason = NO_COLD_STORAGE_OPEN if open_places else NOBODY_OPEN
        place(cold, cold_places, 1, reason, cold_limit)
    if ambient:
        place(ambient, open_places, 0, NOBODY_OPEN, ambient_limit)

    def fits(target: Candidate, load: list[int]) -> bool:
        if load[1] and not (target.cold_storage and in_time(target, cold_limit)):
            return False
        return not load[0] or in_time(target, ambient_limit)

    merge_small(loads, chosen, minimum, fits)
    return Plan(
        stops=tuple(
            Stop(
                kind=chosen[key].kind,
                id=chosen[key].id,
                name=chosen[key].name,
                kg=sum(loads[key]) / 10,
                chilled=loads[key][1] > 0,
                cold_kg=loads[key][1] / 10,
            )
            for key in biggest_first(loads, chosen)
        ),
        reasons=tuple(dict.fromkeys(reasons)),
    )


def allocate_items(
    items: Sequence[DatedItem],
    *,
    deliver_at: datetime,
    candidates: Sequence[Candidate],
    ideal_days: int = USE_BY_IDEAL_DAYS,
    **options,
) -> Plan:
    """The plan of a pickup from its items: the chilled and frozen ones make the cold part,
    the others the ambient part; each part is bound by the dates of its items."""
    day = deliver_at.date()
    cold = [i for i in items if i.cold]
    ambient = [i for i in items if not i.cold]
    return allocate(
        ambient_kg=sum(i.kg for i in ambient),
        cold_kg=sum(i.kg for i in cold),
        deliver_at=deliver_at,
        candidates=candidates,
        ambient_limit=part_limit(ambient, pickup_day=day, ideal_days=ideal_days),
        cold_limit=part_limit(cold, pickup_day=day, ideal_days=ideal_days),
        **options,
    )
