"""Claiming pickups: exactly one driver per donation, however many press at once.

The database picks the winner: a conditional UPDATE moves the donation from "announced" to
"claimed", which only one transaction can do, and the partial unique index on active claims
is the backstop. On SQLite a use case takes the write lock before reading (``BEGIN
IMMEDIATE``, waiting up to the busy timeout), so a loser hears "already claimed", never
"database is locked"; on PostgreSQL, READ COMMITTED and the conditional UPDATE are enough.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import and_, case, exists, func, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from logistics import errors
from logistics.notify import (
    notify_coordinators,
    notify_group,
    notify_member,
    notify_store_managers,
    refresh_card,
)
from logistics.people import Identity
from logistics.permissions import acting_as, has_role, is_coordinator
from logistics.transaction import transaction
from storage.models import (
    Antenna,
    AuditLog,
    Claim,
    Donation,
    DonationItem,
    Member,
    Membership,
    RecurringSlot,
    Store,
)

COLD = ("chilled", "frozen")
TAKEN = ("claimed", "picked_up", "delivered", "received")
LATE_RELEASE = timedelta(hours=24)


@dataclass(frozen=True)
class ClaimResult:
    donation_id: int
    driver_id: int
    on_behalf: bool


@dataclass(frozen=True)
class ReleaseResult:
    donation_id: int
    driver_id: int
    late: bool


@dataclass(frozen=True)
class DriverStats:
    claims: int
    late_releases: int


@transaction
async def claim_pickup(
    session: AsyncSession,
    *,
    donation_id: int,
    identity: Identity,
    now: datetime,
    driver_id: int | None = None,
) -> ClaimResult:
    """Claim a pickup for oneself, or, as a coordinator, for a driver of the antenna."""
    donation, antenna, cold = await _load_donation(session, donation_id)
    driver = await _claiming_driver(session, identity, antenna.id, driver_id, "not_driver")
    if donation.status in TAKEN:
        holder = (await session.exec(_active_claim(donation_id))).first()
        if holder is not None and holder.driver_id == driver.id:
            raise errors.AlreadyDone()
        raise errors.AlreadyClaimed()
    if donation.status != "announced":
        raise errors.NotOpen(donation.status)
    if now >= donation.window_end:
        raise errors.WindowPassed()
    if cold and not driver.vehicle_refrigerated:
        raise errors.NeedsRefrigeration()
    refusal = (await _cap_refusals(session, antenna, donation, now, [driver.id])).get(driver.id)
    if refusal is not None:
        raise refusal

    if not await _moved(session, donation_id, "announced", "claimed", now):
        raise errors.AlreadyClaimed()
    on_behalf = driver.id != identity.member_id
    session.add(
        Claim(
            donation_id=donation_id,
            driver_id=driver.id,
            claimed_at=now,
            on_behalf_of_id=identity.member_id if on_behalf else None,
        )
    )
    try:
        await session.flush()
    except IntegrityError as error:
        raise errors.AlreadyClaimed() from error
    refresh_card(session, antenna=antenna, donation_id=donation_id, now=now)
    await notify_store_managers(
        session,
        store_id=donation.store_id,
        kind="donation_claimed",
        now=now,
        donation_id=donation_id,
    )
    _audit(session, identity, now, "claim.created", donation, driver.id)
    return ClaimResult(donation_id=donation_id, driver_id=driver.id, on_behalf=on_behalf)


@transaction
async def release_claim(
    session: AsyncSession, *, donation_id: int, identity: Identity, now: datetime
) -> ReleaseResult:
    """Give a claimed pickup back; under 24 hours before the window it is a late release."""
    donation, antenna, _cold = await _load_donation(session, donation_id)
    acting_as(identity, "driver", antenna.id, reason="not_your_pickup")
    claim = (await session.exec(_active_claim(donation_id))).first()
    if claim is not None and claim.driver_id != identity.member_id:
        if not is_coordinator(identity, antenna.id):
            raise errors.NotAllowed("not_your_pickup")
    if donation.status == "announced":
        raise errors.AlreadyDone()
    if donation.status != "claimed":
        raise errors.NotOpen(donation.status)
    if claim is None or not await _moved(session, donation_id, "claimed", "announced", now):
        raise errors.AlreadyDone()

    late = donation.window_start - now < LATE_RELEASE
    claim.released_at = now
    claim.late_release = late
    session.add(claim)
    refresh_card(session, antenna=antenna, donation_id=donation_id, now=now)
    if late:
        alert = {"donation_id": donation_id, "driver_id": claim.driver_id}
        notify_group(session, antenna=antenna, kind="late_release", now=now, **alert)
        await notify_coordinators(
            session, antenna_id=antenna.id, kind="late_release", now=now, **alert
        )
    await offer_to_drivers(session, donation_id=donation_id, now=now, exclude=[claim.driver_id])
    _audit(session, identity, now, "claim.released", donation, claim.driver_id, late=late)
    return ReleaseResult(donation_id=donation_id, driver_id=claim.driver_id, late=late)


async def claim_for_standing_driver(
    session: AsyncSession, *, donation_id: int, driver_id: int, now: datetime
) -> bool:
    """Give an announced recurring day to the driver holding its weekly slot, as the system.

    No cap applies (the slot is theirs), the cold chain does. The caller commits; False, and
    the pickup stays open, when this driver cannot take it.
    """
    donation, antenna, cold = await _load_donation(session, donation_id)
    if donation.status != "announced" or now >= donation.window_end:
        return False
    driver = (
        await session.exec(_drivers_of(antenna.id).where(col(Member.id) == driver_id))
    ).first()
    if driver is None or (cold and not driver.vehicle_refrigerated):
        return False
    if not await _moved(session, donation_id, "announced", "claimed", now):
        return False
    session.add(Claim(donation_id=donation_id, driver_id=driver.id, claimed_at=now))
    session.add(
        AuditLog(
            at=now,
            action="claim.standing",
            entity="donation",
            entity_id=donation_id,
            detail={"driver_id": driver.id},
        )
    )
    await session.flush()
    return True


async def eligible_drivers(
    session: AsyncSession, *, donation_id: int, now: datetime
) -> list[Member]:
    """Drivers who could claim this open pickup now and can be told so (three queries)."""
    donation, antenna, cold = await _load_donation(session, donation_id)
    if donation.status != "announced" or now >= donation.window_end:
        return []
    query = (
        _drivers_of(antenna.id)
        .where(col(Member.telegram_id).is_not(None), col(Member.unreachable).is_(False))
        .distinct()
        .order_by(col(Member.id))
    )
    if cold:
        query = query.where(col(Member.vehicle_refrigerated).is_(True))
    drivers = list((await session.exec(query)).all())
    refusals = await _cap_refusals(session, antenna, donation, now, [d.id for d in drivers])
    return [d for d in drivers if d.id not in refusals]


async def offer_to_drivers(
    session: AsyncSession, *, donation_id: int, now: datetime, exclude: Collection[int] = ()
) -> int:
    """Queue a "donation_offer" to each eligible driver not excluded; the caller commits."""
    drivers = await eligible_drivers(session, donation_id=donation_id, now=now)
    return sum(
        notify_member(session, member=d, kind="donation_offer", now=now, donation_id=donation_id)
        for d in drivers
        if d.id not in exclude
    )


@transaction
async def set_standing_claim(
    session: AsyncSession,
    *,
    slot_id: int,
    identity: Identity,
    now: datetime,
    driver_id: int | None = None,
) -> None:
    """Hold a weekly slot: each day's pickup of it is claimed for this driver when it opens."""
    slot, antenna_id = await _load_slot(session, slot_id)
    if not slot.active:
        raise errors.NotFound("slot")
    driver = await _claiming_driver(session, identity, antenna_id, driver_id, "not_driver")
    if slot.standing_driver_id == driver.id:
        raise errors.AlreadyDone()
    held = await session.exec(
        update(RecurringSlot)
        .where(col(RecurringSlot.id) == slot_id, col(RecurringSlot.standing_driver_id).is_(None))
        .values(standing_driver_id=driver.id)
    )
    if held.rowcount == 0:
        raise errors.AlreadyClaimed()
    _audit(session, identity, now, "standing_claim.set", slot, driver.id)


@transaction
async def drop_standing_claim(
    session: AsyncSession, *, slot_id: int, identity: Identity, now: datetime
) -> None:
    """Give a weekly slot back (its holder, or a coordinator of the antenna)."""
    slot, antenna_id = await _load_slot(session, slot_id)
    acting_as(identity, "driver", antenna_id, reason="not_driver")
    holder = slot.standing_driver_id
    if holder is None:
        raise errors.AlreadyDone()
    if holder != identity.member_id and not is_coordinator(identity, antenna_id):
        raise errors.NotAllowed("not_your_pickup")
    dropped = await session.exec(
        update(RecurringSlot)
        .where(col(RecurringSlot.id) == slot_id, col(RecurringSlot.standing_driver_id) == holder)
        .values(standing_driver_id=None)
    )
    if dropped.rowcount == 0:
        raise errors.AlreadyDone()
    _audit(session, identity, now, "standing_claim.dropped", slot, holder)


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


async def _load_donation(session: AsyncSession, donation_id: int) -> tuple[Donation, Antenna, bool]:
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


async def _load_slot(session: AsyncSession, slot_id: int) -> tuple[RecurringSlot, int]:
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


def _active_claim(donation_id: int) -> Any:
    query = select(Claim).where(Claim.donation_id == donation_id, col(Claim.released_at).is_(None))
    return query.execution_options(populate_existing=True)


def _drivers_of(antenna_id: int) -> Any:
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


async def _moved(
    session: AsyncSession, donation_id: int, old: str, new: str, now: datetime
) -> bool:
    """Move the donation from one status to another, if it still is in the first."""
    result = await session.exec(
        update(Donation)
        .where(col(Donation.id) == donation_id, col(Donation.status) == old)
        .values(status=new, updated_at=now)
    )
    return result.rowcount == 1


async def _claiming_driver(
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
    driver = (
        await session.exec(_drivers_of(antenna_id).where(col(Member.id) == driver_id))
    ).first()
    if driver is None:
        raise errors.NotAllowed(reason)
    return driver


async def _cap_refusals(
    session: AsyncSession, antenna: Antenna, donation: Donation, now: datetime, ids: Sequence[int]
) -> dict[int, errors.CapReached]:
    """The drivers at their cap for this pickup's local day or ISO week (one query, or none)."""
    day_cap, week_cap = antenna.max_claims_per_day, antenna.max_claims_per_week
    lifted = now >= donation.window_start - timedelta(hours=antenna.cap_lift_hours)
    if lifted or not ids or (day_cap is None and week_cap is None):
        return {}
    zone = ZoneInfo(antenna.timezone)
    day = donation.window_start.astimezone(zone).date()
    monday = day - timedelta(days=day.weekday())

    def midnight(d: date, days: int = 0) -> datetime:
        return datetime.combine(d + timedelta(days=days), time(), tzinfo=zone).astimezone(UTC)

    start = col(Donation.window_start)
    same_day = and_(start >= midnight(day), start < midnight(day, 1))
    rows = await session.exec(
        select(Claim.driver_id, func.sum(case((same_day, 1), else_=0)), func.count())
        .join(Donation, col(Donation.id) == Claim.donation_id)
        .where(col(Claim.driver_id).in_(ids), col(Claim.released_at).is_(None))
        .where(col(Donation.status) != "cancelled")
        .where(start >= midnight(monday), start < midnight(monday, 7))
        .group_by(col(Claim.driver_id))
    )
    refusals: dict[int, errors.CapReached] = {}
    for driver_id, on_day, in_week in rows.all():
        if day_cap is not None and (on_day or 0) >= day_cap:
            refusals[driver_id] = errors.CapReached("day", day_cap)
        elif week_cap is not None and in_week >= week_cap:
            refusals[driver_id] = errors.CapReached("week", week_cap)
    return refusals


def _audit(
    session: AsyncSession,
    identity: Identity,
    now: datetime,
    action: str,
    target: Donation | RecurringSlot,
    driver_id: int,
    **detail: Any,
) -> None:
    """Who did it, and for which driver when that is someone else (a coordinator acting)."""
    on_behalf = driver_id != identity.member_id
    session.add(
        AuditLog(
            at=now,
            actor_id=identity.member_id,
            on_behalf_of_id=driver_id if on_behalf else None,
            action=action,
            entity=target.__tablename__,
            entity_id=target.id,
            detail={"driver_id": driver_id, **detail},
        )
    )
