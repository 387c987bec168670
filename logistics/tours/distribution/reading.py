"""What a morning's distribution is computed from, read in a few queries and handed over as
plain values: the read ends before the travel matrix and the solver run, so no lock is held
while they do.

The stock free to plan is what the lots hold less what the hub's other tours still to come
will take (tours of past days are stale, they hold nothing back). What an association
received this week counts its deliveries (``candidates_for``), what hub tours gave it and
what the other tours of the week are about to give it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from logistics.deliveries.allocation_plan import ASSOCIATION, COLD_CHAINS_COLD, Candidate
from logistics.deliveries.candidate_places import candidates_for, week_start_of
from logistics.errors import NotFound, TourClosed
from logistics.safety.food_dates import local_today
from logistics.tours.distances import Point
from logistics.tours.distribution.plan import Receiver, Van
from logistics.tours.distribution.rule import LotOnHand
from logistics.tours.distribution.times import Morning, morning_of, reception_window
from logistics.tours.geography import point_of
from storage.models import (
    Antenna,
    Association,
    Category,
    Hub,
    StockLot,
    StockMove,
    Tour,
    TourLoad,
    TourStop,
    Vehicle,
)

ACTIVE = ("proposed", "confirmed")  # tours whose pending loads hold stock back
NO_LOCATION = "no_location"  # the association has no coordinates: the van cannot find it
CLOSED = "closed"  # it does not receive that morning


@dataclass(frozen=True)
class Place:
    candidate: Candidate
    point: Point | None
    window: tuple[datetime, datetime] | None


@dataclass(frozen=True)
class HubDay:
    hub_id: int
    antenna_id: int
    tz: str
    hub_point: Point | None
    vehicle_id: int
    van: Van
    morning: Morning
    lots: tuple[LotOnHand, ...]
    places: tuple[Place, ...]  # the antenna's active associations
    proposed: tuple[int, ...]  # the still-proposed tours of this van and day, replaced

    @property
    def deliver_at(self) -> datetime:
        return self.morning.starts.astimezone(ZoneInfo(self.tz))

    def receivers(self) -> tuple[list[Point], list[Receiver], list[tuple[int, str]]]:
        """The points of the travel matrix (the hub first), the associations the van may
        serve that morning, and those it may not with the reason."""
        points = [self.hub_point] if self.hub_point else []
        receivers: list[Receiver] = []
        left: list[tuple[int, str]] = []
        for place in self.places:
            if place.window is None:
                left.append((place.candidate.id, CLOSED))
            elif place.point is None:
                left.append((place.candidate.id, NO_LOCATION))
            else:
                receivers.append(Receiver(place.candidate, len(points), place.window))
                points.append(place.point)
        return points, receivers, left


async def read_hub_day(
    session: AsyncSession,
    *,
    hub: Hub,
    service_day: date,
    now: datetime,
    vehicle_id: int | None = None,
) -> HubDay:
    """Everything the morning's plan needs. Refused when the van's distribution tour of
    that day is already confirmed or done (``TourClosed``), or the hub has no van."""
    tz = (await session.get(Antenna, hub.antenna_id)).timezone
    vehicle = await hub_vehicle(session, hub, vehicle_id)
    tours = (
        await session.exec(
            select(Tour.id, Tour.status).where(
                Tour.vehicle_id == vehicle.id,
                Tour.kind == "distribution",
                Tour.service_day == service_day,
                col(Tour.status).in_(("proposed", "confirmed", "done")),
            )
        )
    ).all()
    for _, status in tours:
        if status != "proposed":
            raise TourClosed(status)
    proposed = tuple(sorted(tour_id for tour_id, _ in tours))
    morning = morning_of(service_day, hub.distribution_time, tz)
    since = local_today(now, tz)
    reserved = await reserved_kg(session, hub.id, since=since, besides=proposed)
    rows = await session.exec(
        select(StockLot, Category.grace_days)
        .join(Category, col(Category.id) == StockLot.category_id)
        .where(StockLot.hub_id == hub.id, col(StockLot.on_hand_kg) > 0)
    )
    lots = tuple(
        LotOnHand(
            lot_id=lot.id,
            kg=round(lot.on_hand_kg - reserved.get(lot.id, 0.0), 1),
            cold=lot.cold_chain in COLD_CHAINS_COLD,
            use_by=lot.use_by,
            best_before=lot.best_before,
            grace_days=grace or 0,
            received_at=lot.received_at,
        )
        for lot, grace in rows.all()
    )
    places = await _places(session, hub.antenna_id, morning, now=now, besides=proposed)
    return HubDay(
        hub_id=hub.id,
        antenna_id=hub.antenna_id,
        tz=tz,
        hub_point=point_of(hub),
        vehicle_id=vehicle.id,
        van=Van(vehicle.capacity_kg, vehicle.refrigerated),
        morning=morning,
        lots=tuple(lot for lot in lots if lot.kg > 0),
        places=places,
        proposed=proposed,
    )


async def hub_vehicle(session: AsyncSession, hub: Hub, vehicle_id: int | None) -> Vehicle:
    """The van given (of the hub's antenna, in use), or the hub's own: refrigerated first,
    then the biggest."""
    if vehicle_id is not None:
        vehicle = await session.get(Vehicle, vehicle_id)
        if vehicle is None or vehicle.antenna_id != hub.antenna_id or not vehicle.active:
            raise NotFound("vehicle")
        return vehicle
    vehicle = (
        await session.exec(
            select(Vehicle)
            .where(Vehicle.home_hub_id == hub.id, col(Vehicle.active).is_(True))
            .order_by(col(Vehicle.refrigerated).desc(), col(Vehicle.capacity_kg).desc(), Vehicle.id)
        )
    ).first()
    if vehicle is None:
        raise NotFound("vehicle")
    return vehicle


def _pending_loads(since: date, besides: Iterable[int]):
    """The loads still to deliver of the active distribution tours from ``since`` on."""
    return (
        select(TourLoad.lot_id, TourStop.association_id, Tour.service_day, TourLoad.kg)
        .join(TourStop, col(TourStop.id) == TourLoad.stop_id)
        .join(Tour, col(Tour.id) == TourStop.tour_id)
        .where(
            Tour.kind == "distribution",
            col(Tour.status).in_(ACTIVE),
            TourStop.status == "pending",
            Tour.service_day >= since,
            col(Tour.id).not_in(list(besides)),
        )
    )


async def reserved_kg(
    session: AsyncSession, hub_id: int, *, since: date, besides: Iterable[int] = ()
) -> dict[int, float]:
    """Per lot of the hub, the kg its tours still to come will take (``besides`` aside)."""
    loads = _pending_loads(since, besides).where(Tour.hub_id == hub_id).subquery()
    rows = await session.exec(select(loads.c.lot_id, func.sum(loads.c.kg)).group_by(loads.c.lot_id))
    return {lot_id: float(kg) for lot_id, kg in rows.all()}


async def _places(
    session: AsyncSession, antenna_id: int, morning: Morning, *, now: datetime, besides: tuple
) -> tuple[Place, ...]:
    local = morning.starts.astimezone(ZoneInfo(morning.tz))
    week_start = week_start_of(local, morning.tz)
    candidates = {
        c.id: c
        for c in await candidates_for(
            session, antenna_id=antenna_id, week_start=week_start, now=now
        )
        if c.kind == ASSOCIATION
    }
    extra = await _given_this_week(session, list(candidates), week_start, besides)
    rows = await session.exec(select(Association).where(col(Association.id).in_(list(candidates))))
    places = []
    for association in sorted(rows.all(), key=lambda a: a.id):
        c = candidates[association.id]
        places.append(
            Place(
                candidate=replace(
                    c, received_this_week_kg=c.received_this_week_kg + extra.get(c.id, 0.0)
                ),
                point=point_of(association),
                window=reception_window(association.reception_hours, morning),
            )
        )
    return tuple(places)


async def _given_this_week(
    session: AsyncSession, ids: list[int], week_start: datetime, besides: tuple
) -> dict[int, float]:
    """What hub tours gave each association this week, and are about to give it."""
    given: dict[int, float] = {}
    moves = await session.exec(
        select(StockMove.association_id, func.sum(StockMove.kg))
        .where(
            StockMove.kind == "out",
            col(StockMove.association_id).in_(ids),
            StockMove.at >= week_start,
            StockMove.at < week_start + timedelta(days=7),
        )
        .group_by(col(StockMove.association_id))
    )
    for association_id, kg in moves.all():
        given[association_id] = given.get(association_id, 0.0) + float(kg)
    first = week_start.date()
    pending = _pending_loads(first, besides).where(
        Tour.service_day < first + timedelta(days=7), col(TourStop.association_id).in_(ids)
    )
    for _, association_id, _, kg in (await session.exec(pending)).all():
        given[association_id] = given.get(association_id, 0.0) + float(kg)
    return given
