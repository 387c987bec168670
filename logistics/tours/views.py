"""A tour as people read it: its vehicle, driver, hub, length and stops in order, each with
its place, address, coordinates (for a map link), window, planned arrival, kg and state."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import (
    Association,
    Donation,
    Hub,
    Member,
    Store,
    Tour,
    TourStop,
    Vehicle,
)


@dataclass(frozen=True)
class StopLine:
    stop_id: int
    position: int
    place: str
    address: str
    latitude: float | None
    longitude: float | None
    window_start: datetime | None  # a pickup's window (deliveries: None)
    window_end: datetime | None
    arrival_at: datetime | None
    kg: float
    status: str  # the stop's: pending, done, nothing
    donation_id: int | None
    donation_status: str | None  # a pickup's own state (cancelled by the store, picked up...)
    collected_kg: float | None


@dataclass(frozen=True)
class TourView:
    tour_id: int
    antenna_id: int
    kind: str
    status: str
    service_day: date
    vehicle: str
    refrigerated: bool
    capacity_kg: float
    hub: str
    hub_address: str
    driver_id: int | None
    driver: str | None
    starts_at: datetime
    planned_km: float
    planned_minutes: int
    left_out: tuple[tuple[int, str], ...]
    stops: tuple[StopLine, ...]

    @property
    def kg(self) -> float:
        return round(sum(s.kg for s in self.stops), 1)


async def tour_view(session: AsyncSession, tour_id: int) -> TourView | None:
    """The tour with its stops (three queries)."""
    row = (
        await session.exec(
            select(Tour, Vehicle, Hub, Member)
            .join(Vehicle, col(Vehicle.id) == Tour.vehicle_id)
            .join(Hub, col(Hub.id) == Tour.hub_id)
            .outerjoin(Member, col(Member.id) == Tour.driver_id)
            .where(Tour.id == tour_id)
        )
    ).first()
    if row is None:
        return None
    tour, vehicle, hub, driver = row
    pickups = await session.exec(
        select(TourStop, Donation, Store)
        .join(Donation, col(Donation.id) == TourStop.donation_id)
        .join(Store, col(Store.id) == Donation.store_id)
        .where(TourStop.tour_id == tour.id)
    )
    deliveries = await session.exec(
        select(TourStop, Association)
        .join(Association, col(Association.id) == TourStop.association_id)
        .where(TourStop.tour_id == tour.id)
    )
    lines = [
        StopLine(
            s.id, s.position, store.name, store.address, store.latitude, store.longitude,
            d.window_start, d.window_end, s.arrival_at, s.kg, s.status, d.id, d.status,
            d.collected_kg,
        )
        for s, d, store in pickups.all()
    ] + [
        StopLine(
            s.id, s.position, a.name, a.address, a.latitude, a.longitude, None, None,
            s.arrival_at, s.kg, s.status, None, None, None,
        )
        for s, a in deliveries.all()
    ]  # fmt: skip
    return TourView(
        tour_id=tour.id,
        antenna_id=tour.antenna_id,
        kind=tour.kind,
        status=tour.status,
        service_day=tour.service_day,
        vehicle=vehicle.name,
        refrigerated=vehicle.refrigerated,
        capacity_kg=vehicle.capacity_kg,
        hub=hub.name,
        hub_address=hub.address,
        driver_id=tour.driver_id,
        driver=driver.name if driver else None,
        starts_at=tour.starts_at,
        planned_km=round(tour.planned_m / 1000, 1),
        planned_minutes=round(tour.planned_s / 60),
        left_out=tuple((int(i), str(r)) for i, r in tour.left_out),
        stops=tuple(sorted(lines, key=lambda line: (line.position, line.stop_id))),
    )


async def tours_of_day(session: AsyncSession, *, antenna_id: int, day: date) -> list[int]:
    """The antenna's tours of a service day that are not cancelled, by start."""
    rows = await session.exec(
        select(Tour.id)
        .where(Tour.antenna_id == antenna_id, Tour.service_day == day, Tour.status != "cancelled")
        .order_by(col(Tour.starts_at), col(Tour.id))
    )
    return list(rows.all())
