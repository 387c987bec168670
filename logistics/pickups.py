"""Lists for drivers: the open pickups they may take, and their own."""

from __future__ import annotations

import math
import re
from datetime import datetime, timedelta

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from logistics.errors import NotAllowed, NotFound
from logistics.people import Identity
from logistics.permissions import coordinated_antennas, is_coordinator
from storage.models import Claim, Donation

LIST_LIMIT = 20
_NUMBER = re.compile(
    r"^\s*(\d{1,3}(?:[ .\u202f\u00a0]\d{3})+|\d+)(?:[.,](\d+))?\s*(?:kg|kilo|kilos)?\s*$", re.I
)


def driver_antennas(identity: Identity | None) -> list[int]:
    if identity is None:
        return []
    return sorted({r.antenna_id for r in identity.roles if r.role in ("driver", "coordinator")})


async def open_pickups(session: AsyncSession, *, identity: Identity, now: datetime) -> list[int]:
    """Announced pickups of the person's antennas whose window is not over, soonest first."""
    antennas = driver_antennas(identity)
    if not antennas:
        return []
    rows = await session.exec(
        select(Donation.id)
        .where(
            Donation.antenna_id.in_(antennas),
            Donation.status == "announced",
            Donation.window_end > now,
        )
        .order_by(Donation.window_start, Donation.id)
        .limit(LIST_LIMIT)
    )
    return list(rows.all())


async def my_pickups(session: AsyncSession, *, identity: Identity) -> list[int]:
    """Pickups the person holds and has not finished (claimed, or collected not delivered)."""
    if identity.member_id is None:
        return []
    rows = await session.exec(
        select(Donation.id)
        .join(Claim, Claim.donation_id == Donation.id)
        .where(
            Claim.driver_id == identity.member_id,
            Claim.released_at.is_(None),
            Donation.status.in_(("claimed", "picked_up")),
        )
        .order_by(Donation.window_start, Donation.id)
        .limit(LIST_LIMIT)
    )
    return list(rows.all())


def parse_weight(text: str) -> float | None:
    """``18,5`` / ``18.5 kg`` / ``1 234,5`` → kg; None when it is not a plain weight."""
    match = _NUMBER.match(text or "")
    if not match:
        return None
    whole = re.sub(r"[ .\u202f\u00a0]", "", match.group(1))
    value = float(f"{whole}.{match.group(2) or 0}")
    return value if math.isfinite(value) else None


async def check_recorder(session: AsyncSession, *, identity: Identity, donation_id: int) -> None:
    """Before asking a driver for weights: the one holding the claim, or a coordinator.

    The recording rules check it again when the answer comes; this spares people typing a
    number that would be refused.
    """
    donation = await session.get(Donation, donation_id)
    if donation is None:
        raise NotFound("donation")
    claim = (
        await session.exec(
            select(Claim).where(Claim.donation_id == donation_id, Claim.released_at.is_(None))
        )
    ).first()
    holder = claim is not None and claim.driver_id == identity.member_id
    if not holder and not is_coordinator(identity, donation.antenna_id):
        raise NotAllowed("not_driver")


async def antenna_pickups(session: AsyncSession, *, identity: Identity, now: datetime) -> list[int]:
    """For coordinators: their antennas' pickups still on the way (not delivered yet)."""
    antennas = coordinated_antennas(identity)
    if not antennas:
        return []
    rows = await session.exec(
        select(Donation.id)
        .where(
            Donation.antenna_id.in_(antennas),
            Donation.status.in_(("announced", "claimed", "picked_up")),
            Donation.window_end > now - timedelta(hours=24),
        )
        .order_by(Donation.window_start, Donation.id)
        .limit(LIST_LIMIT)
    )
    return list(rows.all())
