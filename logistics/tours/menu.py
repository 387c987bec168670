"""What /tours offers: the vehicles a coordinator may plan, the tours already planned, the
tours a driver drives, and the day a vehicle's tour is planned for."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from logistics.errors import NotAllowed
from logistics.people.identity import Identity
from logistics.people.permissions import is_coordinator
from logistics.safety.food_dates import local_today
from storage.models import Antenna, Tour, Vehicle

RECENT = timedelta(hours=12)  # a tour that left this morning is still shown tonight


async def vehicles_to_plan(session: AsyncSession, antenna_ids: list[int]) -> list[Vehicle]:
    """The antennas' vehicles in use, by name."""
    rows = await session.exec(
        select(Vehicle)
        .where(col(Vehicle.antenna_id).in_(antenna_ids), col(Vehicle.active).is_(True))
        .order_by(col(Vehicle.name), col(Vehicle.id))
    )
    return list(rows.all())


async def planned_tours(
    session: AsyncSession, antenna_ids: list[int], *, now: datetime
) -> list[tuple[Tour, str, str]]:
    """The antennas' proposed and confirmed tours from today on, with the vehicle's name and
    the antenna's time zone, by departure."""
    rows = await session.exec(
        select(Tour, Vehicle.name, Antenna.timezone)
        .join(Vehicle, col(Vehicle.id) == Tour.vehicle_id)
        .join(Antenna, col(Antenna.id) == Tour.antenna_id)
        .where(
            col(Tour.antenna_id).in_(antenna_ids),
            col(Tour.status).in_(("proposed", "confirmed")),
            col(Tour.starts_at) >= now - RECENT,
        )
        .order_by(col(Tour.starts_at), col(Tour.id))
    )
    return list(rows.all())


async def driven_tours(session: AsyncSession, member_id: int, *, now: datetime) -> list[int]:
    """The confirmed tours this person drives from today on, by departure."""
    rows = await session.exec(
        select(Tour.id)
        .where(
            Tour.driver_id == member_id,
            Tour.status == "confirmed",
            col(Tour.starts_at) >= now - RECENT,
        )
        .order_by(col(Tour.starts_at), col(Tour.id))
    )
    return list(rows.all())


async def vehicle_day(
    session: AsyncSession,
    *,
    vehicle_id: int,
    days_ahead: int,
    identity: Identity | None,
    now: datetime,
) -> tuple[Vehicle, date]:
    """The vehicle, for a coordinator of its antenna, and the antenna's local day its tour
    is for: today (0) or tomorrow (1)."""
    vehicle = await session.get(Vehicle, vehicle_id)
    if vehicle is None or not is_coordinator(identity, vehicle.antenna_id):
        raise NotAllowed("not_coordinator")
    antenna = await session.get(Antenna, vehicle.antenna_id)
    return vehicle, local_today(now, antenna.timezone) + timedelta(days=days_ahead > 0)
