"""The database side of the allocation rule: the candidate places of an antenna with what
each received this week, the plan of a donation from its items and their dates, and the plan
written as deliveries. These read and write but never commit."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from logistics.deliveries.allocation_plan import (
    ASSOCIATION,
    COLD_CHAINS_COLD,
    HUB,
    TOO_LATE_FOR_DATE,
    Plan,
    Stop,
)
from logistics.deliveries.allocation_rule import allocate_items
from logistics.deliveries.candidate_places import NOT_HAPPENING, candidates_for, week_start_of
from logistics.deliveries.reception import DELIVERY_HORIZON
from logistics.errors import InvalidInput, NotAllowed, NotFound
from logistics.notify import notify_coordinators
from logistics.safety.date_limits import USE_BY_IDEAL_DAYS, DatedItem
from storage.models import (
    Association,
    AuditLog,
    Category,
    Delivery,
    Donation,
    DonationItem,
    Hub,
    Receipt,
)

# The coordinators are asked where a pickup goes when its dates leave no place in time.
ROUTE_FOR_DATES = "route_for_dates"


async def plan_delivery(
    session: AsyncSession,
    *,
    donation_id: int,
    now: datetime,
    tz: str,
    max_stops: int = 2,
    min_stop_kg: float = 10.0,
    ideal_days: int = USE_BY_IDEAL_DAYS,
) -> Plan:
    """The plan of one donation, delivered at the end of its window (local time ``tz``).

    Each item counts its collected kg when recorded, else its estimate; chilled and frozen
    items make the cold part. Each part goes only to places receiving it by the dates of its
    items (``logistics.safety.date_limits``). A donation without items counts as ambient food.
    """
    donation = await session.get(Donation, donation_id)
    if donation is None:
        raise NotFound(f"donation {donation_id}")
    if donation.status in NOT_HAPPENING:
        raise InvalidInput(f"donation {donation_id} is {donation.status}")
    rows = (
        await session.exec(
            select(DonationItem, Category.grace_days)
            .outerjoin(Category, col(Category.id) == DonationItem.category_id)
            .where(DonationItem.donation_id == donation_id)
        )
    ).all()
    items = [
        DatedItem(
            kg=item.collected_kg if item.collected_kg is not None else item.estimated_kg,
            cold=item.cold_chain in COLD_CHAINS_COLD,
            use_by=item.use_by,
            best_before=item.best_before,
            grace_days=grace or 0,
        )
        for item, grace in rows
    ]
    if not items:
        kg = donation.collected_kg if donation.collected_kg is not None else donation.estimated_kg
        items = [DatedItem(kg=kg, cold=False)]

    deliver_at = donation.window_end.astimezone(ZoneInfo(tz))
    candidates = await candidates_for(
        session,
        antenna_id=donation.antenna_id,
        week_start=week_start_of(deliver_at, tz),
        now=now,
        exclude_donation_id=donation_id,
    )
    return allocate_items(
        items,
        deliver_at=deliver_at,
        candidates=candidates,
        ideal_days=ideal_days,
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
    the coordinator as ``actor_id`` and is recorded on each delivery. When the dates of a
    part left no place in time, the coordinators are asked where it goes. Writes the audit log,
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
    if TOO_LATE_FOR_DATE in plan.reasons and not override:
        await notify_coordinators(
            session,
            antenna_id=donation.antenna_id,
            kind=ROUTE_FOR_DATES,
            now=now,
            donation_id=donation_id,
        )
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
