"""Giving a claimed pickup back: asked first, then done.

The driver on the pickup, or a coordinator of its antenna, may release it. Pressing "Release"
only asks (``release_question``: who may is checked, nothing changes); the answer releases it.
Under 24 hours before the window it is a late release when the driver chose it: the driver
gives a short reason (``RELEASE_REASONS``), kept on the claim (only there: an erasure empties
it, "ill" is about one's health) and passed to the group and the coordinators with the alert.
A release that goes with a role or an erasure is nobody's choice: never late, no reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel.ext.asyncio.session import AsyncSession

from logistics import errors
from logistics.notify import notify_coordinators, notify_group, notify_store_managers, refresh_card
from logistics.people.identity import Identity
from logistics.people.permissions import acting_as, is_coordinator
from logistics.pickups.claim_queries import active_claim, load_donation, moved
from logistics.pickups.claims import audit_claim
from logistics.pickups.driver_offers import offer_to_drivers
from logistics.tours.confirmation import leave_tour
from logistics.transaction import transaction
from storage.models import Antenna, Claim, Donation, Member

LATE_RELEASE = timedelta(hours=24)
RELEASE_REASONS = ("ill", "vehicle", "busy", "other")  # ill, vehicle problem, another commitment


@dataclass(frozen=True)
class ReleaseResult:
    donation_id: int
    driver_id: int
    late: bool
    reason: str | None = None


@dataclass(frozen=True)
class ReleaseQuestion:
    """What to ask the person who pressed "Release", and where."""

    donation_id: int
    late: bool  # a reason is asked
    holder_name: str | None  # the driver on it, when the presser is someone else (a coordinator)
    may_write: bool  # the presser has opened the bot: the question may go to their private chat


def is_late(donation: Donation, now: datetime) -> bool:
    return donation.window_start - now < LATE_RELEASE


async def _releasable(
    session: AsyncSession, donation_id: int, identity: Identity
) -> tuple[Donation, Antenna, Claim]:
    """The pickup, its antenna and its active claim, if this person may release it now."""
    donation, antenna, _cold = await load_donation(session, donation_id)
    acting_as(identity, "driver", antenna.id, reason="not_your_pickup")
    claim = (await session.exec(active_claim(donation_id))).first()
    if claim is not None and claim.driver_id != identity.member_id:
        if not is_coordinator(identity, antenna.id):
            raise errors.NotAllowed("not_your_pickup")
    if donation.status == "announced":
        raise errors.AlreadyDone()
    if donation.status != "claimed":
        raise errors.NotOpen(donation.status)
    if claim is None:
        raise errors.AlreadyDone()
    return donation, antenna, claim


async def release_question(
    session: AsyncSession, *, donation_id: int, identity: Identity, now: datetime
) -> ReleaseQuestion:
    """May this person release the pickup, and must they give a reason? Changes nothing."""
    donation, _antenna, claim = await _releasable(session, donation_id, identity)
    presser = await session.get(Member, identity.member_id)
    holder = None
    if claim.driver_id != identity.member_id:
        driver = await session.get(Member, claim.driver_id)
        holder = (driver.name if driver else None) or "—"
    return ReleaseQuestion(
        donation_id=donation_id,
        late=is_late(donation, now),
        holder_name=holder,
        may_write=presser is not None and presser.opened_at is not None,
    )


@transaction
async def release_claim(
    session: AsyncSession,
    *,
    donation_id: int,
    identity: Identity,
    now: datetime,
    reason: str | None = None,
    drivers_choice: bool = True,
) -> ReleaseResult:
    """Give a claimed pickup back; under 24 hours before the window it is a late release,
    when the driver chose it (not when the claim goes with their role or their erasure)."""
    if reason is not None and reason not in RELEASE_REASONS:
        raise errors.InvalidInput("release_reason")
    donation, antenna, claim = await _releasable(session, donation_id, identity)
    if not await moved(session, donation_id, "claimed", "announced", now):
        raise errors.AlreadyDone()

    await leave_tour(session, donation_id=donation_id, now=now)  # a tour's pickup is open again
    late = drivers_choice and is_late(donation, now)
    reason = reason if late else None  # asked under 24 hours only
    claim.released_at = now
    claim.late_release = late
    claim.release_reason = reason
    session.add(claim)
    refresh_card(session, antenna=antenna, donation_id=donation_id, now=now)
    if late:
        alert = {"donation_id": donation_id, "driver_id": claim.driver_id, "reason": reason}
        notify_group(session, antenna=antenna, kind="late_release", now=now, **alert)
        await notify_coordinators(
            session, antenna_id=antenna.id, kind="late_release", now=now, **alert
        )
    await notify_store_managers(
        session,
        store_id=donation.store_id,
        kind="donation_released",
        now=now,
        donation_id=donation_id,
        driver_id=claim.driver_id,
    )
    await offer_to_drivers(session, donation_id=donation_id, now=now, exclude=[claim.driver_id])
    audit_claim(session, identity, now, "claim.released", donation, claim.driver_id, late=late)
    return ReleaseResult(
        donation_id=donation_id, driver_id=claim.driver_id, late=late, reason=reason
    )
