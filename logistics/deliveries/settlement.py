"""Settling a disputed receipt: the coordinator decides which figure of a stop stands.

A receipt is disputed when the association received another weight than the driver
delivered, or reported a problem. A coordinator of the antenna settles it once: the
association's figure, the driver's, or the food recorded as lost (its kg then leave the
delivered tonnage). The stop's *counted* kg follow from that, and the delivered total of a
donation is the sum of its stops' counted kg.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, case, func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from logistics.errors import AlreadyDone, InvalidInput, NotAllowed, NotOpen
from logistics.people.identity import Identity
from logistics.people.permissions import is_coordinator
from logistics.pickups.collection import association_members
from logistics.pickups.donation_progress import Actor, load_delivery, load_receipt, refresh
from logistics.transaction import transaction
from storage.models import (
    SETTLEMENTS,
    Claim,
    Delivery,
    Donation,
    DonationItem,
    Member,
    Receipt,
)


@dataclass(frozen=True)
class StopFigures:
    """What one stop's receipt says, in kilograms."""

    delivered_kg: float | None  # the driver's figure; None: not delivered yet
    received_kg: float | None  # the association's figure, once answered (None: none given)
    settlement: str | None = None


@dataclass(frozen=True)
class SettleResult:
    delivery_id: int
    donation_id: int
    settlement: str
    counted_kg: float
    lost_kg: float


@dataclass(frozen=True)
class Contact:
    """How a coordinator reaches a person on Telegram: ``@username``, else a user link."""

    name: str
    username: str | None
    telegram_id: int | None


def counted_kg(stop: StopFigures) -> float:
    """The kg a stop adds to the delivered tonnage: the driver's figure, unless the dispute
    was settled for the association's figure (when it gave one) or as lost (0 kg)."""
    if stop.delivered_kg is None or stop.settlement == "lost":
        return 0.0
    if stop.settlement == "association" and stop.received_kg is not None:
        return stop.received_kg
    return stop.delivered_kg


def lost_kg(stop: StopFigures) -> float:
    """The kg recorded as lost at this stop (what the driver delivered)."""
    return stop.delivered_kg or 0.0 if stop.settlement == "lost" else 0.0


def lost_kg_of_donation() -> Any:
    """SQL: the kg of the donation (correlated on ``Donation.id``) recorded as lost."""
    return (
        select(func.coalesce(func.sum(Delivery.delivered_kg), 0))
        .join(Receipt, col(Receipt.delivery_id) == Delivery.id)
        .where(Delivery.donation_id == Donation.id, Receipt.settlement == "lost")
        .correlate(Donation)
        .scalar_subquery()
    )


def kept_kg() -> Any:
    """SQL: a donation's collected kg less what was recorded as lost: its tonnage."""
    return Donation.collected_kg - lost_kg_of_donation()


def kept_kg_of_item() -> Any:
    """SQL, on an item joined to its donation (collected, over 0 kg): the item's collected kg
    less its share of what was recorded as lost, so that the kg per category add up to the
    tonnage."""
    return DonationItem.collected_kg * kept_kg() / Donation.collected_kg


def counted_kg_column() -> Any:
    """SQL, on a stop joined to its receipt: ``counted_kg`` of the stop."""
    return case(
        (Receipt.settlement == "lost", 0),
        (
            and_(Receipt.settlement == "association", col(Receipt.received_kg).is_not(None)),
            Receipt.received_kg,
        ),
        else_=Delivery.delivered_kg,
    )


def delivered_total(stops: Iterable[StopFigures]) -> float:
    """The delivered total of a donation: the sum of its stops, to 0.1 kg."""
    return round(sum(counted_kg(stop) for stop in stops), 1) + 0.0


@transaction
async def settle_receipt(
    session: AsyncSession, *, delivery_id: int, identity: Identity, now: datetime, outcome: str
) -> SettleResult:
    """A coordinator of the antenna settles a disputed receipt; audited with both figures."""
    if outcome not in SETTLEMENTS:
        raise InvalidInput("settlement_unknown")
    delivery, donation = await load_delivery(session, delivery_id)
    if identity.member_id is None or not is_coordinator(identity, donation.antenna_id):
        raise NotAllowed("not_coordinator")
    receipt = await load_receipt(session, delivery.id)
    if receipt.settlement is not None:
        raise AlreadyDone()
    if receipt.status != "disputed":
        raise NotOpen(donation.status)
    receipt.settlement, receipt.settled_by_id, receipt.settled_at = outcome, identity.member_id, now
    session.add(receipt)
    figures = StopFigures(delivery.delivered_kg, receipt.received_kg, outcome)
    result = SettleResult(
        delivery_id=delivery.id,
        donation_id=donation.id,
        settlement=outcome,
        counted_kg=counted_kg(figures),
        lost_kg=lost_kg(figures),
    )
    Actor(identity.member_id).log(
        session,
        now,
        "receipt.settled",
        receipt,
        outcome=outcome,
        delivered_kg=delivery.delivered_kg,
        received_kg=receipt.received_kg,
        problem=receipt.problem,
        counted_kg=result.counted_kg,
        lost_kg=result.lost_kg,
    )
    await refresh(session, donation, now)
    return result


async def dispute_contacts(
    session: AsyncSession, *, delivery_id: int
) -> tuple[Contact | None, list[Contact]]:
    """The driver of the stop (active claim) and the active members of its association."""
    delivery, _donation = await load_delivery(session, delivery_id, lock=False)
    driver = (
        await session.exec(
            select(Member)
            .join(Claim, col(Claim.driver_id) == Member.id)
            .where(Claim.donation_id == delivery.donation_id, col(Claim.released_at).is_(None))
        )
    ).first()
    members = await association_members(session, delivery.association_id)
    return _contact(driver), [c for c in map(_contact, members) if c is not None]


def _contact(member: Member | None) -> Contact | None:
    if member is None or member.forgotten_at is not None:
        return None
    return Contact(member.name or "—", member.username, member.telegram_id)
