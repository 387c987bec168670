"""Collecting and delivering: the driver records the real weight at the store, then each stop.

Weights are kilograms rounded to 0.1 kg. The stops (``Delivery`` rows) were planned when the
donation was announced; once the real weight is known they are rescaled to it, and each
delivered stop gets its ``Receipt``: pending until the association answers, or confirmed at
once, on the driver's word, for a delivery to the antenna's hub, where it becomes stock.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from logistics.errors import AlreadyDone, InvalidInput, NotAllowed, NotOpen, NotYetOpen
from logistics.notify import notify_coordinators, notify_member
from logistics.people.identity import Identity
from logistics.people.permissions import has_role, is_coordinator
from logistics.pickups.donation_progress import (
    PICKED_UP_OR_LATER,
    PROGRESSING,
    Actor,
    advance_donation,
    load_delivery,
    load_one,
    refresh,
)
from logistics.pickups.weights import spread_kg, validate_kg
from logistics.stock.receiving import receive_at_hub
from logistics.transaction import transaction
from storage.models import (
    ZERO_REASONS,
    Antenna,
    Claim,
    Delivery,
    Donation,
    DonationItem,
    Member,
    Membership,
    Receipt,
)

ZERO_STATUS = {"no_food": "cancelled", "store_closed": "cancelled", "did_not_happen": "missed"}


@dataclass(frozen=True)
class Stop:
    delivery_id: int
    association_id: int | None
    hub_id: int | None
    planned_kg: float | None


@dataclass(frozen=True)
class PickupResult:
    donation_id: int
    status: str  # "picked_up", or "cancelled" / "missed" for a zero pickup
    collected_kg: float
    zero_reason: str | None
    needs_destination: bool  # picked up but no stop planned: the caller must route it
    stops: tuple[Stop, ...]  # the planned stops, rescaled to the real weight
    on_behalf: bool


@dataclass(frozen=True)
class DeliveryResult:
    delivery_id: int
    donation_id: int
    status: str  # the donation's status afterwards
    delivered_kg: float
    receipt_status: str  # "pending", or "confirmed" for a hub
    receipt_requests: int  # association members asked to confirm
    remaining_stops: int
    all_delivered: bool
    on_behalf: bool


@transaction
async def record_pickup(
    session: AsyncSession,
    *,
    donation_id: int,
    identity: Identity,
    now: datetime,
    item_kg: Mapping[int, float] | None = None,
    total_kg: float | None = None,
    zero_reason: str | None = None,
    estimated: bool = False,
) -> PickupResult:
    """The real weight at the store, per item or as one total (items not given count 0 kg).
    A total shared over several items, or weights taken from the announcement (``estimated``),
    are kept as estimates, not as weighed."""
    donation = await load_one(
        session, select(Donation).where(Donation.id == donation_id), "donation"
    )
    actor = await _driver_or_coordinator(session, identity, donation)
    override = await check_collectable(session, donation=donation, identity=identity, now=now)
    items = await _of_donation(session, DonationItem, donation.id)
    per_item, total = _weights(items, item_kg, total_kg)
    if total == 0 and zero_reason not in ZERO_REASONS:
        raise InvalidInput("zero_needs_reason")

    for item in items:
        item.collected_kg = per_item[item.id]
        item.collected_estimated = estimated or (total_kg is not None and len(items) > 1)
        session.add(item)
    deliveries = await _of_donation(session, Delivery, donation.id)
    if total == 0:
        donation.status, donation.zero_reason = ZERO_STATUS[zero_reason], zero_reason
        for delivery in deliveries:
            await session.delete(delivery)
        deliveries = []
        await notify_coordinators(
            session,
            antenna_id=donation.antenna_id,
            kind="pickup_zero",
            now=now,
            donation_id=donation.id,
            reason=zero_reason,
        )
    else:
        donation.status, donation.zero_reason = "picked_up", None
        shares = spread_kg(total, [d.planned_kg or 0 for d in deliveries])
        for delivery, share in zip(deliveries, shares, strict=True):
            delivery.planned_kg = share
            session.add(delivery)
    donation.collected_kg, donation.updated_at = total, now
    session.add(donation)
    stops = tuple(Stop(d.id, d.association_id, d.hub_id, d.planned_kg) for d in deliveries)
    actor.log(
        session,
        now,
        f"donation.{'pickup_zero' if total == 0 else 'picked_up'}",
        donation,
        collected_kg=total,
        zero_reason=donation.zero_reason,
        stops=[[stop.delivery_id, stop.planned_kg] for stop in stops],
        **({"override": "before_window"} if override else {}),
    )
    await refresh(session, donation, now)
    return PickupResult(
        donation_id=donation.id,
        status=donation.status,
        collected_kg=total,
        zero_reason=donation.zero_reason,
        needs_destination=total > 0 and not stops,
        stops=stops,
        on_behalf=actor.on_behalf,
    )


@transaction
async def record_delivery(
    session: AsyncSession,
    *,
    delivery_id: int,
    identity: Identity,
    now: datetime,
    kg: float | None = None,
) -> DeliveryResult:
    """One stop delivered (``kg`` defaults to the planned weight); its receipt is opened."""
    delivery, donation = await load_delivery(session, delivery_id)
    actor = await _driver_or_coordinator(session, identity, donation)
    if delivery.delivered_at is not None:
        raise AlreadyDone()
    if donation.status not in PROGRESSING:
        raise NotOpen(donation.status)
    delivered = validate_kg(kg if kg is not None else delivery.planned_kg)

    delivery.delivered_kg, delivery.delivered_at = delivered, now
    session.add(delivery)
    receipt, asked = await _open_receipt(session, delivery, actor, now)
    if delivery.hub_id is not None:  # food that stays: the hub's stock
        await receive_at_hub(
            session, delivery=delivery, donation=donation, member_id=actor.member_id, now=now
        )
    actor.log(session, now, "delivery.delivered", delivery, kg=delivered, receipt=receipt.status)
    remaining = await advance_donation(session, donation=donation, now=now, actor=actor)
    await refresh(session, donation, now)
    return DeliveryResult(
        delivery_id=delivery.id,
        donation_id=donation.id,
        status=donation.status,
        delivered_kg=delivered,
        receipt_status=receipt.status,
        receipt_requests=asked,
        remaining_stops=remaining,
        all_delivered=remaining == 0,
        on_behalf=actor.on_behalf,
    )


async def check_collectable(
    session: AsyncSession, *, donation: Donation, identity: Identity, now: datetime
) -> bool:
    """Refuse weights for a pickup already recorded, over, or whose window has not opened yet
    (``NotYetOpen``); a coordinator of the antenna may record them early all the same: True
    then, for the audit log to say it was an override."""
    if donation.status in PICKED_UP_OR_LATER:
        raise AlreadyDone()
    if donation.status != "claimed":
        raise NotOpen(donation.status)
    if now >= donation.window_start:
        return False
    if is_coordinator(identity, donation.antenna_id):
        return True
    antenna = await session.get(Antenna, donation.antenna_id)
    raise NotYetOpen(donation.window_start, antenna.timezone)


async def _driver_or_coordinator(
    session: AsyncSession, identity: Identity, donation: Donation
) -> Actor:
    """The driver holding the active claim, or a coordinator of the antenna acting for them."""
    claim = (
        await session.exec(
            select(Claim).where(Claim.donation_id == donation.id, col(Claim.released_at).is_(None))
        )
    ).first()
    member_id, antenna_id = identity.member_id, donation.antenna_id
    coordinator = is_coordinator(identity, antenna_id)
    if member_id is not None and claim is not None and claim.driver_id == member_id:
        if coordinator or has_role(identity, "driver", antenna_id):
            return Actor(member_id)
    if member_id is not None and coordinator:
        return Actor(member_id, on_behalf=True, on_behalf_of_id=claim and claim.driver_id)
    raise NotAllowed("not_your_pickup")


async def _of_donation(session: AsyncSession, model: Any, donation_id: int) -> list[Any]:
    statement = select(model).where(model.donation_id == donation_id).order_by(model.id)
    return list((await session.exec(statement)).all())


def _weights(
    items: Sequence[DonationItem], item_kg: Mapping[int, float] | None, total_kg: float | None
) -> tuple[dict[int, float], float]:
    """The collected kg per item and in total, from exactly one of the two ways to give it."""
    if (item_kg is None) == (total_kg is None):
        raise InvalidInput("kg_items_or_total")
    if total_kg is not None:
        total = validate_kg(total_kg)
        shares = spread_kg(total, [item.estimated_kg for item in items])
        return {item.id: share for item, share in zip(items, shares, strict=True)}, total
    if not set(item_kg) <= {item.id for item in items}:
        raise InvalidInput("item_unknown")
    per_item = {item.id: validate_kg(item_kg.get(item.id, 0)) for item in items}
    return per_item, round(sum(per_item.values()), 1)


async def _open_receipt(
    session: AsyncSession, delivery: Delivery, actor: Actor, now: datetime
) -> tuple[Receipt, int]:
    """The stop's receipt, and how many members of the association were asked to confirm it.
    A hub has no one to answer: its receipt is confirmed at once, on the driver's word."""
    receipt = Receipt(delivery_id=delivery.id)
    session.add(receipt)
    if delivery.hub_id is not None:
        receipt.status, receipt.received_kg = "confirmed", delivery.delivered_kg
        receipt.confirmed_by_id, receipt.confirmed_at = actor.member_id, now
        return receipt, 0
    return receipt, sum(
        notify_member(session, member=m, kind="receipt_request", now=now, delivery_id=delivery.id)
        for m in await association_members(session, delivery.association_id)
    )


async def association_members(session: AsyncSession, association_id: int | None) -> list[Member]:
    """The active members of an association, once each, in id order."""
    members = await session.exec(
        select(Member)
        .join(Membership, col(Membership.member_id) == Member.id)
        .where(
            Membership.role == "association",
            Membership.association_id == association_id,
            Membership.status == "active",
        )
        .order_by(col(Member.id))
    )
    return list({member.id: member for member in members.all()}.values())
