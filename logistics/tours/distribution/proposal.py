"""The morning distribution of a hub's stock, proposed to the coordinators: the lots placed
by the antenna's allocation rule (``distribution_rule``) and the stops ordered by the routing
solver for the hub's van (``distribution_plan``), written as a proposed distribution tour
with its stops and loads. The coordinators then adjust it (``distribution_adjust``), confirm
it with a driver, and the driver records it (``distribution_record``).

The work is done in three steps so that no lock is held while the network and the solver
run: read (then end the read), compute (the travel matrix, maybe from an OSRM server; the
solver in a worker thread, so the event loop keeps serving), and write in one short
transaction that checks again that the lots still hold what the plan takes. Should someone
have moved the stock meanwhile, the whole is done again, a bounded number of times.

Proposing again replaces the van's still-proposed tour of that day (the same tour row, so
the screens' references to it stay good); a tour already confirmed or done is not replaced.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from datetime import date, datetime

from sqlalchemy import delete
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from logistics.errors import DomainError, InvalidInput, NotAllowed, NotFound, TourClosed
from logistics.people.identity import Identity
from logistics.safety.date_limits import USE_BY_IDEAL_DAYS
from logistics.safety.food_dates import local_today
from logistics.stock.access import may_handle
from logistics.tours.distances import RoutingSettings, travel_matrix_for
from logistics.tours.distribution.access import audit, coordinator_of, distribution_tour_row
from logistics.tours.distribution.plan import DistributionPlan, plan_distribution
from logistics.tours.distribution.reading import HubDay, read_hub_day, reserved_kg
from logistics.tours.distribution.view import DistributionTour, view_of_tour
from logistics.transaction import transaction
from storage.models import Hub, StockLot, Tour, TourLoad, TourStop, Vehicle

ATTEMPTS = 3
TOLERANCE_KG = 0.05  # weights are kept to 0.1 kg


class StockChanged(DomainError):
    """The hub's stock kept moving while the plan was computed: propose again later."""


async def propose_distribution(
    session: AsyncSession,
    *,
    hub_id: int,
    service_day: date,
    now: datetime,
    identity: Identity | None = None,
    vehicle_id: int | None = None,
    routing: RoutingSettings | None = None,
    ideal_days: int = USE_BY_IDEAL_DAYS,
) -> DistributionTour:
    """Propose (or propose again) the distribution of the hub's stock on ``service_day``.

    ``identity`` is the coordinator who asks, or None for the scheduler at the hub's
    distribution time. ``vehicle_id`` defaults to the hub's own van (refrigerated first).
    ``routing`` says where travel times come from (``[routing]`` of config.toml).
    Refused: ``NotAllowed`` (not a coordinator of the hub's antenna), ``NotFound`` (no such
    hub, or no van), ``TourClosed`` (the van's tour of that day is already confirmed or done),
    ``InvalidInput("hub_without_coordinates")`` (the hub has no coordinates), ``StockChanged``.
    """
    routing = routing or RoutingSettings()
    for attempt in range(1, ATTEMPTS + 1):
        hub = await session.get(Hub, hub_id)
        if hub is None:
            raise NotFound("hub")
        actor_id = None if identity is None else coordinator_of(identity, hub.antenna_id)
        try:
            day = await read_hub_day(
                session, hub=hub, service_day=service_day, now=now, vehicle_id=vehicle_id
            )
        finally:
            await session.rollback()  # end the read: no lock while the solver runs
        if day.hub_point is None:
            raise InvalidInput("hub_without_coordinates")
        points, receivers, closed = day.receivers()
        matrix = await travel_matrix_for(points, routing)
        plan = await asyncio.to_thread(
            plan_distribution,
            day.lots,
            receivers,
            van=day.van,
            morning=day.morning,
            deliver_at=day.deliver_at,
            matrix=matrix,
            ideal_days=ideal_days,
        )
        try:
            tour_id = await _write_proposal(
                session, day=day, plan=plan, closed=closed, actor_id=actor_id, now=now
            )
        except StockChanged:
            if attempt == ATTEMPTS:
                raise
            continue
        return await view_of_tour(session, await distribution_tour_row(session, tour_id), now=now)
    raise AssertionError("unreachable")


async def distribution_tours(
    session: AsyncSession, *, identity: Identity | None, hub_id: int, service_day: date, now
) -> list[DistributionTour]:
    """The hub's distribution tours of the day (cancelled ones aside), by departure: for the
    coordinators of its antenna and its staff."""
    hub = await session.get(Hub, hub_id)
    if hub is None:
        raise NotFound("hub")
    if not may_handle(identity, hub):
        raise NotAllowed("not_hub_staff")
    tours = await session.exec(
        select(Tour)
        .where(
            Tour.hub_id == hub_id,
            Tour.kind == "distribution",
            Tour.service_day == service_day,
            Tour.status != "cancelled",
        )
        .order_by(col(Tour.starts_at), col(Tour.id))
    )
    return [await view_of_tour(session, tour, now=now) for tour in tours.all()]


def _left_out(plan: DistributionPlan, closed: list[tuple[int, str]]) -> list[list[str]]:
    entries = [[f"lot:{x.lot_id}", x.reason] for x in plan.left_lots]
    entries += [[f"association:{i}", reason] for i, reason in (*closed, *plan.left_places)]
    unique = dict.fromkeys(tuple(e) for e in entries)
    return [list(e) for e in unique]


@transaction
async def _write_proposal(
    session: AsyncSession,
    *,
    day: HubDay,
    plan: DistributionPlan,
    closed: list[tuple[int, str]],
    actor_id: int | None,
    now: datetime,
) -> int:
    # One proposal of a van at a time: the van's row is the lock.
    await session.exec(select(Vehicle.id).where(Vehicle.id == day.vehicle_id).with_for_update())
    tours = (
        await session.exec(
            select(Tour)
            .where(
                Tour.vehicle_id == day.vehicle_id,
                Tour.kind == "distribution",
                Tour.service_day == day.morning.day,
                col(Tour.status).in_(("proposed", "confirmed", "done")),
            )
            .order_by(col(Tour.id))
            .with_for_update()
            .execution_options(populate_existing=True)
        )
    ).all()
    for tour in tours:
        if tour.status != "proposed":
            raise TourClosed(tour.status)
    replaced = [tour.id for tour in tours]
    await _check_stock(session, day, plan, replaced, now)
    if replaced:
        stops = select(TourStop.id).where(col(TourStop.tour_id).in_(replaced))
        await session.exec(delete(TourLoad).where(col(TourLoad.stop_id).in_(stops)))
        await session.exec(delete(TourStop).where(col(TourStop.tour_id).in_(replaced)))
        await session.exec(delete(Tour).where(col(Tour.id).in_(replaced[1:])))
    tour = tours[0] if tours else Tour(antenna_id=day.antenna_id, kind="distribution")
    tour.hub_id, tour.vehicle_id, tour.service_day = day.hub_id, day.vehicle_id, day.morning.day
    tour.status, tour.driver_id, tour.confirmed_at = "proposed", None, None
    tour.starts_at, tour.planned_m = plan.route.starts_at, plan.route.metres
    tour.planned_s, tour.left_out = plan.route.seconds, _left_out(plan, closed)
    tour.created_by_id, tour.created_at = actor_id, now
    session.add(tour)
    await session.flush()
    for position, association_id in enumerate(plan.route.order, start=1):
        loads = plan.loads_of(association_id)
        stop = TourStop(
            tour_id=tour.id,
            position=position,
            association_id=association_id,
            arrival_at=plan.route.arrivals[association_id],
            kg=round(sum(x.kg for x in loads), 1),
        )
        session.add(stop)
        await session.flush()
        session.add_all(TourLoad(stop_id=stop.id, lot_id=x.lot_id, kg=x.kg) for x in loads)
    audit(
        session,
        now,
        actor_id,
        "tour.distribution.proposed",
        tour,
        replaced=replaced,
        stops=len(plan.route.order),
        kg=round(sum(x.kg for x in plan.loads), 1),
    )
    return tour.id


async def _check_stock(
    session: AsyncSession, day: HubDay, plan: DistributionPlan, replaced: list[int], now
) -> None:
    """Each lot still holds what the plan takes besides what the other tours will take."""
    planned: dict[int, float] = defaultdict(float)
    for load in plan.loads:
        planned[load.lot_id] += load.kg
    if not planned:
        return
    lots = (
        await session.exec(
            select(StockLot.id, StockLot.on_hand_kg)
            .where(col(StockLot.id).in_(list(planned)))
            .with_for_update()
        )
    ).all()
    on_hand = dict(lots)
    since = local_today(now, day.tz)
    reserved = await reserved_kg(session, day.hub_id, since=since, besides=replaced)
    for lot_id, kg in planned.items():
        if on_hand.get(lot_id, 0.0) - reserved.get(lot_id, 0.0) < kg - TOLERANCE_KG:
            raise StockChanged()
