"""The reads and guarded writes shared by the claim rules, and the drivers' claim statistics.

Loading a donation with its antenna and cold chain, a weekly slot with its antenna, the active
claim of a donation, the drivers of an antenna; the conditional status move that lets only one
transaction win a pickup; the driver a claim is for (oneself, or one named by a coordinator);
the per-day and per-week caps, checked for many drivers in one query; and the per-driver count
of claims and late releases.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import case, exists, func, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from logistics import errors
from logistics.people.identity import Identity
from logistics.people.permissions import acting_as, has_role, is_coordinator
from storage.models import (
    Antenna,
    Claim,
    Donation,
    DonationItem,
    Member,
    Membership,
    RecurringSlot,
    Store,
)

COLD = ("chilled", "frozen")


@dataclass(frozen=True)
class DriverStats:
    claims: int
    late_releases: int


async def driver_stats(
    session: AsyncSession, *, antenna_id: int, since: datetime
) -> dict[int, DriverStats]:
    """Per driver, the claims made in the antenna since then and how many were released late."""
    late = func.sum(case((col(Claim.late_release), 1), else_=0))
    rows = await session.exec(
        select(Claim.driver_id, func.count(), late)
        .join(Donation, col(Donation.id) == Claim.donation_id)
        .where(Donation.antenna_id == antenna_id, col(Claim.claimed_at) >= since)
        .group_by(col(Claim.driver_id))
    )
    return {d: DriverStats(claims=n, late_releases=int(lr or 0)) for d, n, lr in rows.all()}


async def load_donation(session: AsyncSession, donation_id: int) -> tuple[Donation, Antenna, bool]:
    """The donation, its antenna, and whether any item is chilled or frozen (one query)."""
    cold = exists().where(
        col(DonationItem.donation_id) == Donation.id, col(DonationItem.cold_chain).in_(COLD)
    )
    query = (
        select(Donation, Antenna, cold.label("cold"))
        .join(Antenna, col(Antenna.id) == Donation.antenna_id)
        .where(col(Donation.id) == donation_id)
    )
    row = (await session.exec(query.execution_options(populate_existing=True))).first()
    if row is None:
        raise errors.NotFound("donation")
    return row[0], row[1], bool(row[2])


async def load_slot(session: AsyncSession, slot_id: int) -> tuple[RecurringSlot, int]:
    """The weekly slot and its store's antenna."""
    query = (
        select(RecurringSlot, Store.antenna_id)
        .join(Store, col(Store.id) == RecurringSlot.store_id)
        .where(col(RecurringSlot.id) == slot_id)
    )
    row = (await session.exec(query.execution_options(populate_existing=True))).first()
    if row is None:
        raise errors.NotFound("slot")
    return row[0], row[1]


def active_claim(donation_id: int) -> Any:
    query = select(Claim).where(Claim.donation_id == donation_id, col(Claim.released_at).is_(None))
    return query.execution_options(populate_existing=True)


def drivers_of(antenna_id: int) -> Any:
    """Members with an active driver membership in the antenna."""
    return (
        select(Member)
        .join(Membership, col(Membership.member_id) == Member.id)
        .where(
            Membership.antenna_id == antenna_id,
            Membership.role == "driver",
            Membership.status == "active",
        )
    )


async def moved(session: AsyncSession, donation_id: int, old: str, new: str, now: datetime) -> bool:
    """Move the donation from one status to another, if it still is in the first."""
    result = await session.exec(
        update(Donation)
        .where(col(Donation.id) == donation_id, col(Donation.status) == old)
        .values(status=new, updated_at=now)
    )
    return result.rowcount == 1


async def claiming_driver(
    session: AsyncSession, identity: Identity, antenna_id: int, driver_id: int | None, reason: str
) -> Member:
    """The driver a claim is for: the person themself, or one named by a coordinator."""
    acting = acting_as(identity, "driver", antenna_id, reason=reason)
    if driver_id is None or driver_id == acting.member_id:
        if not has_role(identity, "driver", antenna_id):
            raise errors.NotAllowed(reason)
        driver_id = acting.member_id
    elif not is_coordinator(identity, antenna_id):
        raise errors.NotAllowed(reason)
    driver = (await session.exec(drivers_of(antenna_id).where(col(Member.id) == driver_id))).first()
    if driver is None:
        raise errors.NotAllowed(reason)
    return driver


def cap_week(
    antenna: Antenna, donation: Donation, now: datetime
) -> tuple[datetime, datetime] | None:
    """The ISO week (UTC bounds) whose claims count toward the caps for this pickup; None
    when no cap applies (none set, or lifted this close to the window)."""
    lifted = now >= donation.window_start - timedelta(hours=antenna.cap_lift_hours)
    if lifted or (antenna.max_claims_per_day is None and antenna.max_claims_per_week is None):
        return None
    zone = ZoneInfo(antenna.timezone)
    day = donation.window_start.astimezone(zone).date()
    monday = day - timedelta(days=day.weekday())
    return _midnight(monday, zone), _midnight(monday + timedelta(days=7), zone)


def _midnight(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(), tzinfo=zone).astimezone(UTC)


async def held_claims(
    session: AsyncSession, ids: Sequence[int], since: datetime, until: datetime
) -> dict[int, list[datetime]]:
    """Per driver, the window starts of their active claims (not cancelled) in that span."""
    start = col(Donation.window_start)
    rows = await session.exec(
        select(Claim.driver_id, Donation.window_start)
        .join(Donation, col(Donation.id) == Claim.donation_id)
        .where(col(Claim.driver_id).in_(ids), col(Claim.released_at).is_(None))
        .where(col(Donation.status) != "cancelled")
        .where(start >= since, start < until)
    )
    held: dict[int, list[datetime]] = {}
    for driver_id, window_start in rows.all():
        held.setdefault(driver_id, []).append(window_start)
    return held


def cap_refusal(
    antenna: Antenna, donation: Donation, now: datetime, held: Sequence[datetime]
) -> errors.CapReached | None:
    """The cap a driver holding claims starting at ``held`` has reached for this pickup's
    local day or ISO week, if any (and if not lifted)."""
    week = cap_week(antenna, donation, now)
    if week is None:
        return None
    zone = ZoneInfo(antenna.timezone)
    day = donation.window_start.astimezone(zone).date()
    in_week = [s for s in held if week[0] <= s < week[1]]
    on_day = sum(1 for s in in_week if s.astimezone(zone).date() == day)
    day_cap, week_cap = antenna.max_claims_per_day, antenna.max_claims_per_week
    if day_cap is not None and on_day >= day_cap:
        return errors.CapReached("day", day_cap)
    if week_cap is not None and len(in_week) >= week_cap:
        return errors.CapReached("week", week_cap)
    return None


async def cap_refusals(
    session: AsyncSession, antenna: Antenna, donation: Donation, now: datetime, ids: Sequence[int]
) -> dict[int, errors.CapReached]:
    """The drivers at their cap for this pickup's local day or ISO week (one query, or none)."""
    week = cap_week(antenna, donation, now)
    if week is None or not ids:
        return {}
    held = await held_claims(session, ids, *week)
    refusals = {d: cap_refusal(antenna, donation, now, held.get(d, [])) for d in ids}
    return {d: refusal for d, refusal in refusals.items() if refusal is not None}
