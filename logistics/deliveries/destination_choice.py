"""Which places take a part of a pickup: the associations with the greatest need (or, for
short-dated food, those that hand it out soonest), a hub when no association can, and the
merge of stops too small to be worth a trip."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, time, timedelta

from logistics.deliveries import fair_shares
from logistics.deliveries.allocation_plan import ASSOCIATION, HUB, Candidate, key_of
from logistics.safety.date_limits import distribution_day

Key = tuple[str, int]
Loads = dict[Key, list[int]]  # place → [ambient, cold] tenths of a kg


def is_open(candidate: Candidate, at: datetime, within: timedelta = timedelta(0)) -> bool:
    """Whether the place receives at some moment from ``at`` (local time) to ``at + within``."""
    if not candidate.reception:
        return True
    last = at + within
    for offset in range(within.days + 2):
        day = (at + timedelta(days=offset)).date()
        for w in candidate.reception:
            if w.weekday != day.weekday():
                continue
            opens = datetime.combine(day, time.fromisoformat(w.start), tzinfo=at.tzinfo)
            closes = datetime.combine(day, time.fromisoformat(w.end), tzinfo=at.tzinfo)
            if opens <= last and closes > at:
                return True
    return False


def choose(
    part: int,
    qualified: list[Candidate],
    associations: list[Candidate],
    received: dict[int, float],
    chosen: dict[Key, Candidate],
    limit: int,
    soonest: Callable[[Candidate], tuple] | None = None,
) -> tuple[list[tuple[Candidate, int]], bool]:
    """One part (in tenths of kg) over the qualified places: the shares, and whether a hub
    took it. Places already chosen for the pickup do not count against ``limit``. With
    ``soonest`` (short-dated food), only the associations that come first by it are picked."""
    need = fair_shares.needs(associations, received)
    ranked = sorted(
        (c for c in qualified if c.kind == ASSOCIATION), key=lambda c: (-need[c.id], c.id)
    )
    if soonest is not None and ranked:
        first = min(soonest(c) for c in ranked)
        ranked = [c for c in ranked if soonest(c) == first]
    picks: list[Candidate] = []
    new_left = limit - len(chosen)
    for candidate in ranked:
        if len(picks) == limit:
            break
        if key_of(candidate) in chosen:
            picks.append(candidate)
        elif new_left > 0:
            picks.append(candidate)
            new_left -= 1
    if picks:
        weights = fair_shares.weights_of(picks, need)
        shares = zip(picks, fair_shares.split(part, weights), strict=True)
        return [(c, tenths) for c, tenths in shares if tenths], False

    # No qualified association, or no room for another one: a hub, one already chosen first.
    hubs = sorted(
        (c for c in qualified if c.kind == HUB),
        key=lambda c: (key_of(c) not in chosen, c.received_this_week_kg, c.id),
    )
    if hubs:
        return [(hubs[0], part)], not ranked
    return [], False


def soonest_distribution(receiving: dict[Key, datetime]) -> Callable[[Candidate], tuple]:
    """Short-dated food: the day the place hands it out, then the moment it receives it."""

    def rank(candidate: Candidate) -> tuple:
        moment = receiving[key_of(candidate)]
        return distribution_day(candidate.distribution_days, moment.date()), moment

    return rank


def merge_small(
    loads: Loads,
    chosen: dict[Key, Candidate],
    minimum: int,
    fits: Callable[[Candidate, list[int]], bool],
) -> None:
    """Merge each stop under ``minimum`` into the biggest stop that can take its load."""
    merged = True
    while merged:
        merged = False
        live = biggest_first(loads, chosen)
        for small in reversed(live):  # the smallest first
            if sum(loads[small]) >= minimum:
                break
            target = next((k for k in live if k != small and fits(chosen[k], loads[small])), None)
            if target is not None:
                loads[target] = [a + b for a, b in zip(loads[target], loads[small], strict=True)]
                loads[small] = [0, 0]
                merged = True
                break


def biggest_first(loads: Loads, chosen: dict[Key, Candidate]) -> list[Key]:
    """The places with a load, biggest first, then in the order they were chosen."""
    order = list(chosen)
    return sorted(
        (key for key in loads if sum(loads[key])),
        key=lambda key: (-sum(loads[key]), order.index(key)),
    )
