"""Confirming a collection tour: its driver then holds each of its pickups as a claim, taken
with the same conditional update as a volunteer's claim, so that a pickup is on a tour or
claimed by a volunteer, never both, however the two race. A pickup a volunteer took first
leaves the tour, and the coordinator is told which."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from logistics.audit import audit
from logistics.deliveries.allocation import HUB, Plan, Stop
from logistics.deliveries.delivery_plans import apply_plan
from logistics.errors import InvalidInput, NotAllowed, NotFound, TourClosed
from logistics.notify import notify_member, notify_store_managers, refresh_card
from logistics.people.identity import Identity
from logistics.people.permissions import acting_as
from logistics.pickups.claim_queries import moved
from logistics.pickups.claims import audit_claim
from logistics.transaction import transaction
from storage.models import (
    Antenna,
    AuditLog,
    Claim,
    Donation,
    DonationItem,
    Hub,
    Member,
    Membership,
    Tour,
    TourStop,
)

COLD = ("chilled", "frozen")


@dataclass(frozen=True)
class Confirmed:
    tour_id: int
    driver_id: int
    held: tuple[int, ...]  # the pickups the driver now holds, in tour order
    taken: tuple[int, ...]  # those a volunteer claimed first: off the tour


async def load_tour(session: AsyncSession, tour_id: int, identity: Identity) -> Tour:
    """The tour, for a coordinator of its antenna."""
    tour = await session.get(Tour, tour_id)
    if tour is None:
        raise NotFound("tour")
    acting_as(identity, "coordinator", tour.antenna_id, reason="not_coordinator")
    return tour


async def tour_driver(session: AsyncSession, antenna_id: int, member_id: int) -> Member:
    """A driver (or coordinator) of the antenna, active, who can be told."""
    found = (
        await session.exec(
            select(Member)
            .join(Membership, col(Membership.member_id) == Member.id)
            .where(
                Member.id == member_id,
                Membership.antenna_id == antenna_id,
                col(Membership.role).in_(("driver", "coordinator")),
                Membership.status == "active",
            )
        )
    ).first()
    if found is None:
        raise NotAllowed("not_driver")
    return found


@transaction
async def confirm_collection_tour(
    session: AsyncSession, *, tour_id: int, driver_id: int, identity: Identity, now: datetime
) -> Confirmed:
    tour = await load_tour(session, tour_id, identity)
    if tour.kind != "collection":
        raise InvalidInput("not_collection_tour")
    if tour.status != "proposed":
        raise TourClosed(tour.status)
    driver = await tour_driver(session, tour.antenna_id, driver_id)
    antenna = await session.get(Antenna, tour.antenna_id)
    hub = await session.get(Hub, tour.hub_id)
    stops = (
        await session.exec(
            select(TourStop).where(TourStop.tour_id == tour.id).order_by(col(TourStop.position))
        )
    ).all()
    if not stops:
        raise InvalidInput("tour_empty")
    cold = set(
        (
            await session.exec(
                select(DonationItem.donation_id).where(
                    col(DonationItem.donation_id).in_([s.donation_id for s in stops]),
                    col(DonationItem.cold_chain).in_(COLD),
                )
            )
        ).all()
    )
    held: list[int] = []
    taken: list[int] = []
    for stop in stops:
        donation = await session.get(Donation, stop.donation_id)
        if not await moved(session, donation.id, "announced", "claimed", now):
            taken.append(donation.id)
            await session.delete(stop)
            continue
        held.append(donation.id)
        stop.position = len(held)
        session.add(stop)
        session.add(
            Claim(
                donation_id=donation.id,
                driver_id=driver.id,
                claimed_at=now,
                on_behalf_of_id=identity.member_id if identity.member_id != driver.id else None,
            )
        )
        # the van brings it to its hub: the hub is the pickup's one destination
        into_hub = Stop(
            HUB, hub.id, hub.name, kg=donation.estimated_kg, chilled=donation.id in cold
        )
        await apply_plan(
            session,
            donation_id=donation.id,
            plan=Plan(stops=(into_hub,), reasons=()),
            actor_id=identity.member_id,
            now=now,
        )
        refresh_card(session, antenna=antenna, donation_id=donation.id, now=now)
        await notify_store_managers(
            session, store_id=donation.store_id, kind="donation_claimed", now=now,
            donation_id=donation.id,
        )  # fmt: skip
        audit_claim(session, identity, now, "claim.created", donation, driver.id, tour_id=tour.id)
    tour.status, tour.driver_id, tour.confirmed_at = "confirmed", driver.id, now
    tour.left_out = [*tour.left_out, *([d, "claimed"] for d in taken)]
    session.add(tour)
    audit(
        session, now, identity.member_id, "tour.confirmed", tour,
        driver_id=driver.id, held=held, taken=taken,
    )  # fmt: skip
    if held:
        notify_member(session, member=driver, kind="tour_sheet", now=now, tour_id=tour.id)
    return Confirmed(tour.id, driver.id, tuple(held), tuple(taken))


async def leave_tour(session: AsyncSession, *, donation_id: int, now: datetime) -> int | None:
    """A pickup released from a tour's driver leaves the tour; the tour's id, if it was on one."""
    stop = (await session.exec(select(TourStop).where(TourStop.donation_id == donation_id))).first()
    if stop is None:
        return None
    await session.delete(stop)
    session.add(
        AuditLog(
            at=now,
            action="tour.stop_left",
            entity="tour",
            entity_id=stop.tour_id,
            detail={"donation_id": donation_id},
        )
    )
    return stop.tour_id


async def tour_drivers(session: AsyncSession, antenna_id: int) -> list[tuple[int, str]]:
    """Who may drive the antenna's tours: its active drivers and coordinators, by name."""
    rows = await session.exec(
        select(Member.id, Member.name)
        .join(Membership, col(Membership.member_id) == Member.id)
        .where(
            Membership.antenna_id == antenna_id,
            col(Membership.role).in_(("driver", "coordinator")),
            Membership.status == "active",
            col(Member.forgotten_at).is_(None),
        )
        .order_by(col(Member.name), col(Member.id))
    )
    return list(dict(rows.all()).items())
