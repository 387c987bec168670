"""A tour as people read it: its vehicle, driver, hub, length and stops in order, each with
its place, address, coordinates (for a map link), window, planned arrival, kg and state."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from logistics.errors import NotAllowed, NotFound
from logistics.people.identity import Identity
from logistics.people.permissions import is_coordinator
from storage.models import (
    Antenna,
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
    tz: str
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
            select(Tour, Vehicle, Hub, Member, Antenna.timezone)
            .join(Antenna, col(Antenna.id) == Tour.antenna_id)
            .join(Vehicle, col(Vehicle.id) == Tour.vehicle_id)
            .join(Hub, col(Hub.id) == Tour.hub_id)
            .outerjoin(Member, col(Member.id) == Tour.driver_id)
            .where(Tour.id == tour_id)
        )
    ).first()
    if row is None:
        return None
    tour, vehicle, hub, driver, tz = row
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
        tz=tz,
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
        # pickups left out; a distribution tour keeps lots and associations there instead
        # (logistics.tours.distribution.view reads them)
        left_out=tuple((int(i), str(r)) for i, r in tour.left_out)
        if tour.kind == "collection"
        else (),
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


async def visible_tour(session: AsyncSession, identity: Identity | None, tour_id: int) -> TourView:
    """The tour, for a coordinator of its antenna or its driver once confirmed; refused to
    anyone else."""
    view = await tour_view(session, tour_id)
    if view is None:
        raise NotFound("tour")
    mine = identity is not None and identity.member_id is not None
    mine = mine and view.driver_id == identity.member_id and view.status != "proposed"
    if not mine and not is_coordinator(identity, view.antenna_id):
        raise NotAllowed("not_your_tour")
    return view


async def left_out_names(session: AsyncSession, view: TourView) -> dict[int, str]:
    """The store of each pickup left out of the tour (one query)."""
    ids = [donation_id for donation_id, _ in view.left_out]
    if not ids:
        return {}
    rows = await session.exec(
        select(Donation.id, Store.name)
        .join(Store, col(Store.id) == Donation.store_id)
        .where(col(Donation.id).in_(ids))
    )
    return dict(rows.all())


@dataclass(frozen=True)
class TourLine:
    """A tour in the run sheet: when it leaves, with which vehicle and driver, how many stops."""

    kind: str
    status: str
    starts_at: datetime
    vehicle: str
    driver: str | None
    stops: int
    planned_km: float


async def day_tours(session: AsyncSession, *, antenna_id: int, start: datetime, end: datetime):
    """The antenna's proposed and confirmed tours leaving between two instants (one query)."""
    count = (
        select(func.count(col(TourStop.id)))
        .where(TourStop.tour_id == Tour.id)
        .correlate(Tour)
        .scalar_subquery()
    )
    rows = await session.exec(
        select(Tour, Vehicle.name, Member.name, count)
        .join(Vehicle, col(Vehicle.id) == Tour.vehicle_id)
        .outerjoin(Member, col(Member.id) == Tour.driver_id)
        .where(
            Tour.antenna_id == antenna_id,
            col(Tour.status).in_(("proposed", "confirmed", "done")),
            col(Tour.starts_at) >= start,
            col(Tour.starts_at) < end,
        )
        .order_by(col(Tour.starts_at), col(Tour.id))
    )
    return tuple(
        TourLine(t.kind, t.status, t.starts_at, v, d, n, round(t.planned_m / 1000, 1))
        for t, v, d, n in rows.all()
    )
