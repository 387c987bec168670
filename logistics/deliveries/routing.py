"""A coordinator's say on where a pickup goes: the plan of the allocation rule, or another
place of their choice (recorded as an override, even against the cold chain)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from logistics.deliveries import allocation
from logistics.errors import NotFound, NotOpen
from logistics.notify import refresh_card
from logistics.people.identity import Identity
from logistics.people.permissions import acting_as
from logistics.safety.date_limits import USE_BY_IDEAL_DAYS
from storage.models import Antenna, Association, Donation, DonationItem, Hub

ROUTABLE = ("announced", "claimed", "picked_up")


@dataclass(frozen=True)
class Place:
    kind: str  # "association" | "hub"
    id: int
    name: str
    cold_storage: bool


async def places_of(session: AsyncSession, *, antenna_id: int) -> list[Place]:
    """Every active association and hub of the antenna, associations first (two queries)."""
    associations = await session.exec(
        select(Association)
        .where(Association.antenna_id == antenna_id, Association.active)
        .order_by(Association.name)
    )
    hubs = await session.exec(select(Hub).where(Hub.antenna_id == antenna_id).order_by(Hub.name))
    return [Place("association", a.id, a.name, a.cold_storage) for a in associations.all()] + [
        Place("hub", h.id, h.name, h.cold_storage) for h in hubs.all()
    ]


async def _routable(session: AsyncSession, identity: Identity, donation_id: int):
    donation = await session.get(Donation, donation_id)
    if donation is None:
        raise NotFound("donation")
    acting = acting_as(identity, "coordinator", donation.antenna_id, reason="not_coordinator")
    if donation.status not in ROUTABLE:
        raise NotOpen(donation.status)
    return donation, acting


async def check_router(session: AsyncSession, *, identity: Identity, donation_id: int) -> int:
    """Before offering places: only a coordinator of the antenna, on a pickup not delivered.

    Returns the antenna id.
    """
    donation, _ = await _routable(session, identity, donation_id)
    return donation.antenna_id


async def send_to(
    session: AsyncSession,
    *,
    donation_id: int,
    identity: Identity,
    kind: str,
    place_id: int,
    now: datetime,
) -> None:
    """Send the whole pickup to one place chosen by a coordinator (an override)."""
    donation, acting = await _routable(session, identity, donation_id)
    place = next(
        (p for p in await places_of(session, antenna_id=donation.antenna_id)
         if p.kind == kind and p.id == place_id),
        None,
    )  # fmt: skip
    if place is None:
        raise NotFound("place")
    items = (
        await session.exec(select(DonationItem).where(DonationItem.donation_id == donation.id))
    ).all()
    kg = donation.collected_kg if donation.collected_kg is not None else donation.estimated_kg
    stop = allocation.Stop(
        kind=kind,
        id=place_id,
        name=place.name,
        kg=round(kg, 1),
        chilled=any(i.cold_chain != "ambient" for i in items),
    )
    await allocation.apply_plan(
        session,
        donation_id=donation.id,
        plan=allocation.Plan(stops=(stop,), reasons=()),
        actor_id=acting.member_id,
        now=now,
        override=True,
    )
    antenna = await session.get(Antenna, donation.antenna_id)
    refresh_card(session, antenna=antenna, donation_id=donation.id, now=now)
    await session.commit()


async def replan(
    session: AsyncSession,
    *,
    donation_id: int,
    identity: Identity,
    now: datetime,
    ideal_days: int = USE_BY_IDEAL_DAYS,
) -> None:
    """Back to the antenna's rule after an override."""
    donation, acting = await _routable(session, identity, donation_id)
    antenna = await session.get(Antenna, donation.antenna_id)
    plan = await allocation.plan_delivery(
        session, donation_id=donation.id, now=now, tz=antenna.timezone, ideal_days=ideal_days
    )
    await allocation.apply_plan(
        session, donation_id=donation.id, plan=plan, actor_id=acting.member_id, now=now
    )
    refresh_card(session, antenna=antenna, donation_id=donation.id, now=now)
    await session.commit()
