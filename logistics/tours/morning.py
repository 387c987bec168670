"""The morning's proposal of each hub: at the hub's distribution time the stock is proposed as
a distribution tour and its antenna's coordinators are told once, whatever the scheduler does
(two processes, the autumn hour that happens twice, a restart catching up)."""

from __future__ import annotations

from datetime import datetime, time
from zoneinfo import ZoneInfo

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from logistics.broadcasts.runsheet import insert_broadcast_key, local_day
from logistics.notify import notify_coordinators
from logistics.tours.distances import RoutingSettings
from logistics.tours.distribution.proposal import propose_distribution
from logistics.transaction import take_write_lock
from storage.models import Antenna, Hub, StockLot, Vehicle

CATCH_UP_UNTIL = time(11, 0)  # after a downtime, a morning still worth proposing


def broadcast_kind(hub_id: int) -> str:
    return f"distribution:{hub_id}"


async def hubs_to_propose(session: AsyncSession) -> list[tuple[Hub, str]]:
    """The hubs with an active van of their own and their antenna's time zone."""
    rows = await session.exec(
        select(Hub, Antenna.timezone)
        .join(Antenna, col(Antenna.id) == Hub.antenna_id)
        .where(col(Hub.id).in_(select(Vehicle.home_hub_id).where(col(Vehicle.active).is_(True))))
        .order_by(col(Hub.id))
    )
    return list(rows.all())


async def propose_morning(
    session: AsyncSession, *, hub_id: int, now: datetime, routing: RoutingSettings
) -> int | None:
    """Propose today's distribution of the hub's stock and tell the coordinators, once per
    hub and day; the tour's id, or None when there is nothing to distribute or it was done."""
    hub = await session.get(Hub, hub_id)
    antenna = await session.get(Antenna, hub.antenna_id) if hub else None
    if hub is None or antenna is None:
        return None
    day, antenna_id = local_day(now, antenna.timezone), antenna.id
    stocked = (
        await session.exec(
            select(StockLot.id).where(StockLot.hub_id == hub_id, col(StockLot.on_hand_kg) > 0)
        )
    ).first()
    await session.rollback()
    if stocked is None:
        return None
    tour = await propose_distribution(
        session, hub_id=hub_id, service_day=day, now=now, routing=routing
    )
    await session.rollback()
    await take_write_lock(session)
    kind = broadcast_kind(hub_id)
    if not await insert_broadcast_key(session, antenna_id=antenna_id, day=day, kind=kind, now=now):
        return None  # told already: the proposal above only refreshed it
    await notify_coordinators(
        session, antenna_id=antenna_id, kind="distribution_proposal", now=now, tour_id=tour.tour_id
    )
    await session.commit()
    return tour.tour_id


def distribution_due(hub: Hub, tz: str, now: datetime) -> bool:
    """The hub's distribution time has come today, and the morning is not over."""
    local = now.astimezone(ZoneInfo(tz))
    due = time.fromisoformat(hub.distribution_time)
    return due <= local.time() < CATCH_UP_UNTIL
