"""Where a pickup goes: the antenna's allocation rule.

The rule, in plain words:

1. A place is *open* when it receives at some moment between the end of the pickup window
   and 18 hours later (``DELIVERY_HORIZON``): food collected in the evening is delivered the
   next morning. Reception hours run from the opening time up to (not including) the
   closing time. A place that declared no hours is always open.
2. Chilled and frozen food goes only to open places with cold storage. Ambient food goes to
   any open place.
3. Each association's *fair share* is its part of the beneficiaries of the antenna's
   associations. Its *need* is that fair share minus its part of what the associations
   received this week (delivered, or planned and not yet delivered). The associations with
   the greatest need get the food, split over at most two stops in proportion to their
   needs (when none of them is short of its share, in proportion to their beneficiaries).
   When two associations have the same need, the one registered first (lower number)
   comes first, so the same situation always gives the same plan.
4. The chilled and frozen part is placed first; what it gives an association counts as
   received when the ambient part is placed. A pickup never has more than two stops in all
   (chilled and ambient together): an association that takes the chilled part usually takes
   some ambient food too.
5. A stop under 10 kg is merged into the biggest stop that can take it, and a pickup of
   20 kg or less goes to a single stop.
6. When no open association can take a part, an open hub that can takes it whole. When
   nobody can, that part gets no stop and the plan says why (the coordinator is asked).

The numbers two, 10 kg and 20 kg are the defaults of ``max_stops`` and ``min_stop_kg``.
A coordinator may replace the plan by their own (``apply_plan(..., override=True)``).

``allocate`` is pure; ``candidates_for``, ``plan_delivery`` and ``apply_plan`` read and
write the database but never commit.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from logistics.errors import InvalidInput, NotAllowed, NotFound
from logistics.network_hours import WeeklyWindow, parse_weekly
from storage.models import (
    Association,
    AuditLog,
    Delivery,
    Donation,
    DonationItem,
    Hub,
    Receipt,
)

ASSOCIATION = "association"
HUB = "hub"

# Reason codes of a plan (machine codes; the bot words them for people).
NOBODY_OPEN = "nobody_open"  # a part has no stop: no place is open at delivery time
NO_COLD_STORAGE_OPEN = "no_cold_storage_open"  # the cold part has no stop: no open cold storage
HUB_FALLBACK = "hub_fallback"  # a part went to a hub: no open association could take it
NOTHING_TO_DELIVER = "nothing_to_deliver"  # the pickup weighs nothing

# How long after the pickup window a delivery may still happen (evening → next morning).
DELIVERY_HORIZON = timedelta(hours=18)

COLD_CHAINS_COLD = ("chilled", "frozen")
# Donations whose deliveries never happen: their planned kg count for nobody.
_NOT_HAPPENING = ("cancelled", "expired", "missed")


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


@dataclass(frozen=True)
class Stop:
    kind: str
    id: int
    name: str
    kg: float  # planned kg, rounded to 0.1; the stops sum to the total
    chilled: bool  # this stop takes (some of) the chilled/frozen part


@dataclass(frozen=True)
class Plan:
    stops: tuple[Stop, ...]
    reasons: tuple[str, ...]  # reason codes above, in the order they arose


# --- The rule -----------------------------------------------------------------------------


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


def allocate(
    *,
    ambient_kg: float,
    cold_kg: float,
    deliver_at: datetime,
    candidates: Sequence[Candidate],
    max_stops: int = 2,
    min_stop_kg: float = 10.0,
    within: timedelta = timedelta(0),
) -> Plan:
    """The stops of one pickup by the rule of the module docstring.

    ``deliver_at`` is aware and in the antenna's local time. The result depends only on
    the arguments, not on the order of ``candidates``.
    """
    if deliver_at.tzinfo is None:
        raise ValueError("deliver_at must be aware, in the antenna's local time")
    if max_stops < 1:
        raise ValueError("max_stops must be at least 1")
    if not (math.isfinite(min_stop_kg) and min_stop_kg >= 0):
        raise ValueError("min_stop_kg must be a finite number, 0 or more")
    # Work in tenths of a kilogram, as whole numbers, so that the stops add up exactly.
    ambient, cold = _tenths(ambient_kg, "ambient_kg"), _tenths(cold_kg, "cold_kg")
    if ambient + cold == 0:
        return Plan(stops=(), reasons=(NOTHING_TO_DELIVER,))

    places = sorted(candidates, key=_key)
    associations = [c for c in places if c.kind == ASSOCIATION]
    open_places = [c for c in places if is_open(c, deliver_at, within)]
    limit = 1 if ambient + cold <= _tenths(min_stop_kg * 2, "min_stop_kg") else max_stops
    received = {c.id: c.received_this_week_kg for c in associations}
    loads: dict[tuple[str, int], list[int]] = {}  # place → [ambient, cold] tenths
    chosen: dict[tuple[str, int], Candidate] = {}  # in the order of choice
    reasons: list[str] = []

    def place(part: int, qualified: list[Candidate], slot: int, reason: str) -> None:
        shares, used_hub = _place(part, qualified, associations, received, chosen, limit)
        if not shares:
            reasons.append(reason)
            return
        if used_hub:
            reasons.append(HUB_FALLBACK)
        for candidate, tenths in shares:
            chosen.setdefault(_key(candidate), candidate)
            loads.setdefault(_key(candidate), [0, 0])[slot] += tenths
            if candidate.kind == ASSOCIATION:
                received[candidate.id] += tenths / 10

    if cold:
        cold_places = [c for c in open_places if c.cold_storage]
        place(cold, cold_places, 1, NO_COLD_STORAGE_OPEN if open_places else NOBODY_OPEN)
    if ambient:
        place(ambient, open_places, 0, NOBODY_OPEN)

    _merge_small(loads, chosen, _tenths(min_stop_kg, "min_stop_kg"))
    stops = _biggest_first(loads, chosen)
    return Plan(
        stops=tuple(
            Stop(
                kind=chosen[key].kind,
                id=chosen[key].id,
                name=chosen[key].name,
                kg=sum(loads[key]) / 10,
                chilled=loads[key][1] > 0,
            )
            for key in stops
        ),
        reasons=tuple(dict.fromkeys(reasons)),
    )


def _place(
    part: int,
    qualified: list[Candidate],
    associations: list[Candidate],
    received: dict[int, float],
    chosen: dict[tuple[str, int], Candidate],
    limit: int,
) -> tuple[list[tuple[Candidate, int]], bool]:
    """One part (in tenths of kg) over the qualified places: the shares, and whether a hub
    took it. Places already chosen for the pickup do not count against ``limit``."""
    needs = _needs(associations, received)
    ranked = sorted(
        (c for c in qualified if c.kind == ASSOCIATION), key=lambda c: (-needs[c.id], c.id)
    )
    picks: list[Candidate] = []
    new_left = limit - len(chosen)
    for candidate in ranked:
        if len(picks) == limit:
            break
        if _key(candidate) in chosen:
            picks.append(candidate)
        elif new_left > 0:
            picks.append(candidate)
            new_left -= 1
    if picks:
        weights = [max(needs[c.id], 0.0) for c in picks]
        if not any(weights):  # nobody is short: by beneficiaries, else the first takes all
            weights = [float(c.beneficiaries) for c in picks]
        if not any(weights):
            weights = [1.0] + [0.0] * (len(picks) - 1)
        shares = zip(picks, _split(part, weights), strict=True)
        return [(c, tenths) for c, tenths in shares if tenths], False

    # No open association, or no room for another one: a hub, one already chosen first.
    # (A hub already chosen is open, so it can always take the ambient part.)
    hubs = sorted(
        (c for c in qualified if c.kind == HUB),
        key=lambda c: (_key(c) not in chosen, c.received_this_week_kg, c.id),
    )
    if hubs:
        return [(hubs[0], part)], not ranked
    return [], False


def _needs(associations: list[Candidate], received: dict[int, float]) -> dict[int, float]:
    """Fair share of beneficiaries minus share of what was received this week."""
    beneficiaries = sum(c.beneficiaries for c in associations)
    total = math.fsum(received[c.id] for c in associations)
    return {
        c.id: (c.beneficiaries / beneficiaries if beneficiaries else 0.0)
        - (received[c.id] / total if total > 0 else 0.0)
        for c in associations
    }


def _split(part: int, weights: list[float]) -> list[int]:
    """Whole tenths in proportion to the weights (largest remainder, first ones first)."""
    total = math.fsum(weights)
    exact = [part * w / total for w in weights]
    shares = [math.floor(x) for x in exact]
    by_remainder = sorted(range(len(exact)), key=lambda i: (shares[i] - exact[i], i))
    for i in by_remainder[: part - sum(shares)]:
        shares[i] += 1
    return shares


def _merge_small(
    loads: dict[tuple[str, int], list[int]],
    chosen: dict[tuple[str, int], Candidate],
    minimum: int,
) -> None:
    """Merge each stop under ``minimum`` into the biggest stop that can take it."""
    merged = True
    while merged:
        merged = False
        live = _biggest_first(loads, chosen)
        for small in reversed(live):  # the smallest first
            if sum(loads[small]) >= minimum:
                break
            chilled = loads[small][1] > 0
            target = next(
                (k for k in live if k != small and (not chilled or chosen[k].cold_storage)),
                None,
            )
            if target is not None:
                loads[target] = [a + b for a, b in zip(loads[target], loads[small], strict=True)]
                loads[small] = [0, 0]
                merged = True
                break


def _biggest_first(
    loads: dict[tuple[str, int], list[int]], chosen: dict[tuple[str, int], Candidate]
) -> list[tuple[str, int]]:
    """The places with a load, biggest first, then in the order they were chosen."""
    order = list(chosen)
    return sorted(
        (key for key in loads if sum(loads[key])),
        key=lambda key: (-sum(loads[key]), order.index(key)),
    )


def _tenths(kg: float, name: str) -> int:
    if not (math.isfinite(kg) and kg >= 0):
        raise ValueError(f"{name} must be a finite number, 0 or more")
    return round(kg * 10)


def _key(candidate: Candidate) -> tuple[str, int]:
    return candidate.kind, candidate.id


# --- The database side --------------------------------------------------------------------


async def candidates_for(
    session: AsyncSession,
    *,
    antenna_id: int,
    week_start: datetime,
    now: datetime,
    exclude_donation_id: int | None = None,
) -> list[Candidate]:
    """The antenna's active associations and its hubs, with what each received this week.

    Received = delivered kg (or planned kg while not yet delivered) of the deliveries of the
    antenna's donations, except donations cancelled, expired or missed, dated (delivery
    time, else the donation's window end) from ``week_start`` for seven days. The
    deliveries of ``exclude_donation_id`` are left out (the donation being planned again).
    Three queries. ``now`` is the caller's clock; the week is given by ``week_start``.
    """
    associations = (
        await session.exec(
            select(Association).where(
                Association.antenna_id == antenna_id, col(Association.active).is_(True)
            )
        )
    ).all()
    hubs = (await session.exec(select(Hub).where(Hub.antenna_id == antenna_id))).all()

    dated = func.coalesce(Delivery.delivered_at, Donation.window_end)
    kg = func.coalesce(Delivery.delivered_kg, Delivery.planned_kg, 0.0)
    query = (
        select(Delivery.association_id, Delivery.hub_id, func.sum(kg))
        .join(Donation, col(Donation.id) == col(Delivery.donation_id))
        .where(
            Donation.antenna_id == antenna_id,
            col(Donation.status).not_in(_NOT_HAPPENING),
            dated >= week_start,
            dated < week_start + timedelta(days=7),
        )
        .group_by(col(Delivery.association_id), col(Delivery.hub_id))
    )
    if exclude_donation_id is not None:
        query = query.where(Delivery.donation_id != exclude_donation_id)
    received: dict[tuple[str, int], float] = {}
    for association_id, hub_id, total in (await session.exec(query)).all():
        key = (ASSOCIATION, association_id) if association_id is not None else (HUB, hub_id)
        received[key] = float(total or 0)

    places: list[Candidate] = [
        Candidate(
            kind=ASSOCIATION,
            id=a.id,
            name=a.name,
            beneficiaries=a.beneficiaries,
            cold_storage=a.cold_storage,
            reception=tuple(parse_weekly(a.reception_hours)),
            received_this_week_kg=received.get((ASSOCIATION, a.id), 0.0),
        )
        for a in associations
    ]
    places += [
        Candidate(
            kind=HUB,
            id=h.id,
            name=h.name,
            beneficiaries=0,
            cold_storage=h.cold_storage,
            reception=tuple(parse_weekly(h.reception_hours)),
            received_this_week_kg=received.get((HUB, h.id), 0.0),
        )
        for h in hubs
    ]
    return sorted(places, key=_key)


def week_start_of(instant: datetime, tz: str) -> datetime:
    """Monday 00:00, local time, of the week holding ``instant``."""
    zone = ZoneInfo(tz)
    day = instant.astimezone(zone).date()
    return datetime.combine(day - timedelta(days=day.weekday()), time(0), tzinfo=zone)


async def plan_delivery(
    session: AsyncSession,
    *,
    donation_id: int,
    now: datetime,
    tz: str,
    max_stops: int = 2,
    min_stop_kg: float = 10.0,
) -> Plan:
    """The plan of one donation, delivered at the end of its window (local time ``tz``).

    Each item counts its collected kg when recorded, else its estimate; chilled and frozen
    items make the cold part. A donation without items counts as ambient food.
    """
    donation = await session.get(Donation, donation_id)
    if donation is None:
        raise NotFound(f"donation {donation_id}")
    if donation.status in _NOT_HAPPENING:
        raise InvalidInput(f"donation {donation_id} is {donation.status}")
    items = (
        await session.exec(select(DonationItem).where(DonationItem.donation_id == donation_id))
    ).all()
    ambient = cold = 0.0
    for item in items:
        kg = item.collected_kg if item.collected_kg is not None else item.estimated_kg
        if item.cold_chain in COLD_CHAINS_COLD:
            cold += kg
        else:
            ambient += kg
    if not items:
        ambient = (
            donation.collected_kg if donation.collected_kg is not None else donation.estimated_kg
        )

    deliver_at = donation.window_end.astimezone(ZoneInfo(tz))
    candidates = await candidates_for(
        session,
        antenna_id=donation.antenna_id,
        week_start=week_start_of(deliver_at, tz),
        now=now,
        exclude_donation_id=donation_id,
    )
    return allocate(
        ambient_kg=ambient,
        cold_kg=cold,
        deliver_at=deliver_at,
        candidates=candidates,
        max_stops=max_stops,
        min_stop_kg=min_stop_kg,
        within=DELIVERY_HORIZON,
    )


async def apply_plan(
    session: AsyncSession,
    *,
    donation_id: int,
    plan: Plan,
    actor_id: int | None,
    now: datetime,
    override: bool = False,
) -> list[Delivery]:
    """Replace the donation's deliveries not yet made by one delivery per stop.

    A delivery is made once it has a delivered time or weight, or a receipt the association
    confirmed or disputed; those stay. Every stop must be a place of the donation's
    antenna. Without ``override``, a chilled stop must have cold storage; an override needs
    the coordinator as ``actor_id`` and is recorded on each delivery. Writes the audit log,
    flushes, does not commit.
    """
    if override and actor_id is None:
        raise NotAllowed("an override needs the coordinator who makes it")
    donation = await session.get(Donation, donation_id)
    if donation is None:
        raise NotFound(f"donation {donation_id}")
    await _check_stops(session, donation.antenna_id, plan.stops, override=override)

    existing = (
        await session.exec(select(Delivery).where(Delivery.donation_id == donation_id))
    ).all()
    receipt_of: dict[int, Receipt] = {}
    if existing:
        receipts = await session.exec(
            select(Receipt).where(col(Receipt.delivery_id).in_([d.id for d in existing]))
        )
        receipt_of = {r.delivery_id: r for r in receipts.all()}
    replaced = [d for d in existing if not _made(d, receipt_of.get(d.id))]
    for delivery in replaced:
        if delivery.id in receipt_of:
            await session.delete(receipt_of[delivery.id])
    await session.flush()
    for delivery in replaced:
        await session.delete(delivery)
    await session.flush()

    deliveries = [
        Delivery(
            donation_id=donation_id,
            association_id=stop.id if stop.kind == ASSOCIATION else None,
            hub_id=stop.id if stop.kind == HUB else None,
            planned_kg=stop.kg,
            overridden_by_id=actor_id if override else None,
        )
        for stop in plan.stops
    ]
    session.add_all(deliveries)
    session.add(
        AuditLog(
            at=now,
            actor_id=actor_id,
            action="allocation.overridden" if override else "allocation.planned",
            entity="donation",
            entity_id=donation_id,
            detail={
                "stops": [_stop_detail(stop) for stop in plan.stops],
                "reasons": list(plan.reasons),
                "replaced": [
                    {
                        "association_id": d.association_id,
                        "hub_id": d.hub_id,
                        "planned_kg": d.planned_kg,
                    }
                    for d in replaced
                ],
            },
        )
    )
    await session.flush()
    return deliveries


async def _check_stops(
    session: AsyncSession, antenna_id: int, stops: Sequence[Stop], *, override: bool
) -> None:
    wanted = {kind: {s.id for s in stops if s.kind == kind} for kind in (ASSOCIATION, HUB)}
    if any(s.kind not in wanted for s in stops):
        raise InvalidInput("a stop is an association or a hub")
    found: dict[tuple[str, int], Association | Hub] = {}
    if wanted[ASSOCIATION]:
        rows = await session.exec(
            select(Association).where(col(Association.id).in_(wanted[ASSOCIATION]))
        )
        found.update(((ASSOCIATION, a.id), a) for a in rows.all())
    if wanted[HUB]:
        rows = await session.exec(select(Hub).where(col(Hub.id).in_(wanted[HUB])))
        found.update(((HUB, h.id), h) for h in rows.all())
    for stop in stops:
        destination = found.get((stop.kind, stop.id))
        if destination is None or destination.antenna_id != antenna_id:
            raise InvalidInput(f"{stop.kind} {stop.id} is not a place of this antenna")
        if stop.chilled and not destination.cold_storage and not override:
            raise InvalidInput(f"{stop.kind} {stop.id} has no cold storage")


def _made(delivery: Delivery, receipt: Receipt | None) -> bool:
    return (
        delivery.delivered_at is not None
        or delivery.delivered_kg is not None
        or (receipt is not None and receipt.status != "pending")
    )


def _stop_detail(stop: Stop) -> dict[str, Any]:
    return {"kind": stop.kind, "id": stop.id, "kg": stop.kg, "chilled": stop.chilled}


__all__ = [
    "HUB_FALLBACK",
    "NOBODY_OPEN",
    "NOTHING_TO_DELIVER",
    "NO_COLD_STORAGE_OPEN",
    "Candidate",
    "Plan",
    "Stop",
    "allocate",
    "apply_plan",
    "candidates_for",
    "is_open",
    "plan_delivery",
    "week_start_of",
]
