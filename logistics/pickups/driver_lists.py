"""Lists for drivers: the open pickups they may take, and their own."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from logistics.errors import NotAllowed, NotFound
from logistics.people.identity import Identity
from logistics.people.permissions import coordinated_antennas, is_coordinator
from storage.models import Claim, Donation, RecurringSlot

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
    """Pickups the person holds and has not finished (claimed, or collected not delivered),
    and the opened days of the weekly slots they hold that wait for the store's quantities."""
    if identity.member_id is None:
        return []
    claimed = await session.exec(
        select(Donation.id, Donation.window_start)
        .join(Claim, Claim.donation_id == Donation.id)
        .where(
            Claim.driver_id == identity.member_id,
            Claim.released_at.is_(None),
            Donation.status.in_(("claimed", "picked_up")),
        )
        .order_by(Donation.window_start, Donation.id)
        .limit(LIST_LIMIT)
    )
    waiting = await session.exec(held_slot_days(identity.member_id, ("draft",)).limit(LIST_LIMIT))
    rows = sorted({*claimed.all(), *waiting.all()}, key=lambda row: (row[1], row[0]))
    return [donation_id for donation_id, _ in rows[:LIST_LIMIT]]


def held_slot_days(member_id: int, statuses: Sequence[str]) -> Any:
    """(id, window start) of the opened days, in these statuses, of the active weekly slots
    the member holds: through the slots they hold, then each slot's days by its index."""
    return (
        select(Donation.id, Donation.window_start)
        .join(RecurringSlot, col(RecurringSlot.id) == Donation.recurring_slot_id)
        .where(
            RecurringSlot.standing_driver_id == member_id,
            col(RecurringSlot.active).is_(True),
            col(Donation.status).in_(statuses),
        )
        .order_by(col(Donation.window_start), col(Donation.id))
    )


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
    """For coordinators: their antennas' pickups still on the way (not delivered yet), the
    opened days of the weekly slots that wait for the store's quantities included."""
    antennas = coordinated_antennas(identity)
    if not antennas:
        return []
    rows = await session.exec(
        select(Donation.id)
        .where(
            Donation.antenna_id.in_(antennas),
            Donation.status.in_(("draft", "announced", "claimed", "picked_up")),
            Donation.window_end > now - timedelta(hours=24),
        )
        .order_by(Donation.window_start, Donation.id)
        .limit(LIST_LIMIT)
    )
    return list(rows.all())
