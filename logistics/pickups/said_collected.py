"""The driver's "food collected" answer to the missed-collection check, before any kg.

The answer is kept as an audit row (``donation.collected_said`` on the donation): such a
pickup is no longer flagged missed by ``logistics.broadcasts.reminders``;
``logistics.broadcasts.followups`` reminds the driver to record the kg and, still without them,
tells the coordinators the kg are missing.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from logistics.errors import NotFound, NotOpen
from logistics.people.identity import Identity
from logistics.pickups.driver_lists import check_recorder
from logistics.transaction import transaction
from storage.models import AuditLog, Claim, Donation

SAID = "donation.collected_said"


async def said_collected_at(
    session: AsyncSession, donation_ids: list[int] | set[int]
) -> dict[int, datetime]:
    """When each pickup's driver first answered "collected" (one query)."""
    if not donation_ids:
        return {}
    rows = await session.exec(
        select(AuditLog.entity_id, AuditLog.at).where(
            AuditLog.entity == "donation",
            col(AuditLog.entity_id).in_(donation_ids),
            AuditLog.action == SAID,
        )
    )
    found: dict[int, datetime] = {}
    for donation_id, at in rows.all():
        found[donation_id] = min(at, found.get(donation_id, at))
    return found


@transaction
async def say_collected(
    session: AsyncSession, *, donation_id: int, identity: Identity, now: datetime
) -> bool:
    """The holder of the claim (or a coordinator) says the food was collected; False when
    it was already said. Only a pickup still claimed (no kg recorded) takes the answer."""
    await check_recorder(session, identity=identity, donation_id=donation_id)
    donation = await session.get(Donation, donation_id)
    if donation is None:
        raise NotFound("donation")
    if donation.status != "claimed":
        raise NotOpen(donation.status)
    if donation_id in await said_collected_at(session, [donation_id]):
        return False
    driver_id = (
        await session.exec(
            select(Claim.driver_id).where(
                Claim.donation_id == donation_id, col(Claim.released_at).is_(None)
            )
        )
    ).first()
    session.add(
        AuditLog(
            at=now,
            actor_id=identity.member_id,
            on_behalf_of_id=driver_id if driver_id != identity.member_id else None,
            action=SAID,
            entity="donation",
            entity_id=donation_id,
            detail={},
        )
    )
    return True
