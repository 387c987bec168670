"""A tour's order changed by a coordinator (a stop moved, taken off, or the solver asked
again), with the arrivals evaluated for the new order, so that what the screen says of late
stops and of the van's load is true to the order the coordinator made.

As for the proposal, nothing is locked while the travel matrix is fetched: the order is read,
the read ended, the new order evaluated, then written in one short transaction that first
checks the tour's stops are still the ones it was computed from (else it starts over).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from logistics.deliveries.allocation_plan import COLD_CHAINS_COLD
from logistics.errors import DomainError, InvalidInput, TourClosed
from logistics.people.identity import Identity
from logistics.tours.distances import Point, RoutingSettings, travel_matrix_for
from logistics.tours.distribution.access import audit, coordinator_of, distribution_tour_row
from logistics.tours.distribution.plan import Route, RouteStop, Van, evaluate, solve
from logistics.tours.distribution.rule import REMOVED
from logistics.tours.distribution.times import Morning, morning_of, reception_window
from logistics.tours.geography import point_of
from logistics.transaction import transaction
from storage.models import Antenna, Association, Hub, StockLot, TourLoad, TourStop, Vehicle

ATTEMPTS = 3
EDITABLE = ("proposed", "confirmed")


class TourChanged(DomainError):
    """Someone else kept changing the tour meanwhile: look at it again."""


@dataclass(frozen=True)
class SnapStop:
    route: RouteStop  # its id is the stop's
    association_id: int
    status: str
    lot_ids: tuple[int, ...]


@dataclass(frozen=True)
class RouteSnapshot:
    tour_id: int
    antenna_id: int
    status: str
    van: Van
    morning: Morning
    points: tuple[Point, ...]  # the hub first
    stops: tuple[SnapStop, ...]  # in tour order

    @property
    def seen(self) -> tuple[int, ...]:
        return tuple(s.route.id for s in self.stops)

    def stop(self, stop_id: int) -> SnapStop:
        for s in self.stops:
            if s.route.id == stop_id:
                return s
        raise InvalidInput("stop_not_on_tour")


def editable(status: str) -> None:
    if status not in EDITABLE:
        raise TourClosed(status)


async def read_route(session: AsyncSession, tour_id: int) -> RouteSnapshot:
    tour = await distribution_tour_row(session, tour_id)
    hub = await session.get(Hub, tour.hub_id)
    vehicle = await session.get(Vehicle, tour.vehicle_id)
    tz = (await session.get(Antenna, tour.antenna_id)).timezone
    morning = morning_of(tour.service_day, hub.distribution_time, tz)
    rows = (
        await session.exec(
            select(TourStop, Association)
            .join(Association, col(Association.id) == TourStop.association_id)
            .where(TourStop.tour_id == tour.id)
            .order_by(col(TourStop.position), col(TourStop.id))
        )
    ).all()
    loads = (
        await session.exec(
            select(TourLoad.stop_id, TourLoad.lot_id, StockLot.cold_chain)
            .join(StockLot, col(StockLot.id) == TourLoad.lot_id)
            .where(col(TourLoad.stop_id).in_([s.id for s, _ in rows]))
        )
    ).all()
    hub_point = point_of(hub)
    if hub_point is None:
        raise InvalidInput("hub_without_coordinates")
    points = [hub_point]
    stops = []
    for stop, association in rows:
        point = point_of(association)
        if point is None:
            raise InvalidInput("association_location")
        window = reception_window(association.reception_hours, morning)
        mine = [(lot, cold) for s, lot, cold in loads if s == stop.id]
        route = RouteStop(
            id=stop.id,
            point=len(points),
            window=window or (morning.starts, morning.ends),
            kg=stop.kg,
            cold=any(cold in COLD_CHAINS_COLD for _, cold in mine),
        )
        points.append(point)
        stops.append(SnapStop(route, association.id, stop.status, tuple(x for x, _ in mine)))
    return RouteSnapshot(
        tour_id=tour.id,
        antenna_id=tour.antenna_id,
        status=tour.status,
        van=Van(vehicle.capacity_kg, vehicle.refrigerated),
        morning=morning,
        points=tuple(points),
        stops=tuple(stops),
    )


def solved_then_evaluated(stops: list[RouteStop], snap: RouteSnapshot, matrix) -> Route:
    """The solver's order, the stops it would leave out kept at the end (the coordinators
    decide what leaves the tour), all evaluated in that order."""
    solved = solve(stops, van=snap.van, morning=snap.morning, matrix=matrix)
    by_id = {s.id: s for s in stops}
    order = [*solved.order, *(i for i, _ in solved.left)]
    return evaluate([by_id[i] for i in order], van=snap.van, morning=snap.morning, matrix=matrix)


async def rearrange(
    session: AsyncSession,
    *,
    identity: Identity | None,
    tour_id: int,
    now: datetime,
    routing: RoutingSettings | None,
    change: Callable[[RouteSnapshot], tuple[list[RouteStop], tuple[int, ...]]],
    action: str,
    solver: bool = False,
    **detail,
) -> int:
    """Apply ``change`` (the new order and the stops taken off) to the tour, evaluated."""
    routing = routing or RoutingSettings()
    for attempt in range(1, ATTEMPTS + 1):
        try:
            snap = await read_route(session, tour_id)
        finally:
            await session.rollback()  # end the read: no lock while the matrix is fetched
        coordinator_of(identity, snap.antenna_id)
        editable(snap.status)
        order, removed = change(snap)
        matrix = await travel_matrix_for(snap.points, routing)
        if solver:
            route = await asyncio.to_thread(solved_then_evaluated, order, snap, matrix)
        else:
            route = await asyncio.to_thread(
                evaluate, order, van=snap.van, morning=snap.morning, matrix=matrix
            )
        try:
            return await _write_route(
                session,
                identity=identity,
                snap=snap,
                route=route,
                removed=removed,
                now=now,
                action=action,
                detail=detail,
            )
        except TourChanged:
            if attempt == ATTEMPTS:
                raise
    raise AssertionError("unreachable")


@transaction
async def _write_route(
    session: AsyncSession,
    *,
    identity: Identity | None,
    snap: RouteSnapshot,
    route: Route,
    removed: tuple[int, ...],
    now: datetime,
    action: str,
    detail: dict,
) -> int:
    tour = await distribution_tour_row(session, snap.tour_id, lock=True)
    actor_id = coordinator_of(identity, tour.antenna_id)
    editable(tour.status)
    current = (
        await session.exec(
            select(TourStop)
            .where(TourStop.tour_id == tour.id)
            .order_by(col(TourStop.position), col(TourStop.id))
            .execution_options(populate_existing=True)
        )
    ).all()
    statuses = {s.route.id: s.status for s in snap.stops}
    if tuple(s.id for s in current) != snap.seen or any(
        s.status != statuses[s.id] for s in current
    ):
        raise TourChanged()
    left_out = [list(e) for e in tour.left_out or ()]
    for stop_id in removed:
        gone = snap.stop(stop_id)
        left_out.append([f"association:{gone.association_id}", REMOVED])
        left_out += [[f"lot:{lot_id}", REMOVED] for lot_id in gone.lot_ids]
        await session.exec(delete(TourLoad).where(TourLoad.stop_id == stop_id))
        await session.exec(delete(TourStop).where(TourStop.id == stop_id))
    by_id = {s.id: s for s in current}
    for position, stop_id in enumerate(route.order, start=1):
        stop = by_id[stop_id]
        stop.position, stop.arrival_at = position, route.arrivals[stop_id]
        session.add(stop)
    tour.left_out = [list(e) for e in dict.fromkeys(tuple(e) for e in left_out)]
    tour.starts_at, tour.planned_m, tour.planned_s = route.starts_at, route.metres, route.seconds
    session.add(tour)
    await session.flush()
    audit(session, now, actor_id, action, tour, order=list(route.order), **detail)
    return tour.id
