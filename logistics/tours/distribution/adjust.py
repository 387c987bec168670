"""What the coordinators of the antenna do with a proposed distribution before (and, for a
stop still to do, after) confirming it: take a stop off (its loads go back to the hub's
unplanned stock), move a stop up or down (the arrivals are evaluated for that order), ask the
solver for its order again, change the kg of a load or drop it, and confirm the tour with a
driver. Each returns the tour as it now is; each is in the audit log.

Everyone else is refused (``NotAllowed``), the tour's driver and the hub's staff included:
they read the tour, they do not decide it.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from logistics.errors import AlreadyDone, InvalidInput, TourClosed
from logistics.notify import notify_member
from logistics.people.identity import Identity
from logistics.pickups.weights import validate_kg
from logistics.safety.food_dates import local_today
from logistics.stock.moves import StockShort
from logistics.tours.confirmation import tour_driver
from logistics.tours.distances import RoutingSettings
from logistics.tours.distribution.access import (
    audit,
    coordinator_of,
    distribution_tour_row,
    fresh,
)
from logistics.tours.distribution.plan import RouteStop
from logistics.tours.distribution.reading import reserved_kg
from logistics.tours.distribution.route import (
    ATTEMPTS,
    RouteSnapshot,
    TourChanged,
    editable,
    rearrange,
)
from logistics.tours.distribution.rule import REMOVED
from logistics.tours.distribution.view import DistributionTour, view_of_tour
from logistics.transaction import transaction
from storage.models import Antenna, StockLot, TourLoad, TourStop


async def _view(session: AsyncSession, tour_id: int, now: datetime) -> DistributionTour:
    return await view_of_tour(session, await distribution_tour_row(session, tour_id), now=now)


async def _tour_of_stop(session: AsyncSession, stop_id: int) -> int:
    return (await fresh(session, TourStop, stop_id)).tour_id


async def remove_stop(
    session: AsyncSession,
    *,
    identity: Identity | None,
    stop_id: int,
    now: datetime,
    routing: RoutingSettings | None = None,
) -> DistributionTour:
    """Take a stop still to do off the tour; its loads stay at the hub."""
    tour_id = await _tour_of_stop(session, stop_id)

    def change(snap: RouteSnapshot) -> tuple[list[RouteStop], tuple[int, ...]]:
        if snap.stop(stop_id).status != "pending":
            raise AlreadyDone()
        return [s.route for s in snap.stops if s.route.id != stop_id], (stop_id,)

    await rearrange(
        session,
        identity=identity,
        tour_id=tour_id,
        now=now,
        routing=routing,
        change=change,
        action="tour.stop_removed",
        stop_id=stop_id,
    )
    return await _view(session, tour_id, now)


async def move_stop(
    session: AsyncSession,
    *,
    identity: Identity | None,
    stop_id: int,
    up: bool,
    now: datetime,
    routing: RoutingSettings | None = None,
) -> DistributionTour:
    """Swap a stop with the one before it (``up``) or after it; refused at either end
    (``InvalidInput("cannot_move")``)."""
    tour_id = await _tour_of_stop(session, stop_id)

    def change(snap: RouteSnapshot) -> tuple[list[RouteStop], tuple[int, ...]]:
        order = [s.route for s in snap.stops]
        i = snap.seen.index(snap.stop(stop_id).route.id)
        j = i - 1 if up else i + 1
        if not 0 <= j < len(order):
            raise InvalidInput("cannot_move")
        order[i], order[j] = order[j], order[i]
        return order, ()

    await rearrange(
        session,
        identity=identity,
        tour_id=tour_id,
        now=now,
        routing=routing,
        change=change,
        action="tour.stop_moved",
        stop_id=stop_id,
        up=up,
    )
    return await _view(session, tour_id, now)


async def reorder_tour(
    session: AsyncSession,
    *,
    identity: Identity | None,
    tour_id: int,
    now: datetime,
    routing: RoutingSettings | None = None,
) -> DistributionTour:
    """Plan the order again with the solver, for the stops and loads as they now are (to
    start over from the stock, propose the distribution again)."""
    await rearrange(
        session,
        identity=identity,
        tour_id=tour_id,
        now=now,
        routing=routing,
        change=lambda snap: ([s.route for s in snap.stops], ()),
        action="tour.reordered",
        solver=True,
    )
    return await _view(session, tour_id, now)


async def set_load_kg(
    session: AsyncSession,
    *,
    identity: Identity | None,
    load_id: int,
    kg: float,
    now: datetime,
    routing: RoutingSettings | None = None,
) -> DistributionTour:
    """Change the kg a stop takes from a lot (0 drops the load; the last load dropped takes
    the stop off the tour). More than the lot has free is refused (``StockShort`` with the
    kg free)."""
    for _ in range(ATTEMPTS):
        stop_id = (await fresh(session, TourLoad, load_id)).stop_id
        kept = validate_kg(kg)
        siblings = await session.exec(select(TourLoad.id).where(TourLoad.stop_id == stop_id))
        if kept == 0 and len(siblings.all()) == 1:
            return await remove_stop(
                session, identity=identity, stop_id=stop_id, now=now, routing=routing
            )
        await session.rollback()  # end the read before the write takes its lock
        try:
            tour_id = await _set_load(session, identity=identity, load_id=load_id, kg=kept, now=now)
        except TourChanged:
            continue  # its other loads were dropped meanwhile: the stop goes
        return await _view(session, tour_id, now)
    raise TourChanged()


async def drop_load(
    session: AsyncSession,
    *,
    identity: Identity | None,
    load_id: int,
    now: datetime,
    routing: RoutingSettings | None = None,
) -> DistributionTour:
    """The stop no longer takes this lot (it stays at the hub)."""
    return await set_load_kg(
        session, identity=identity, load_id=load_id, kg=0, now=now, routing=routing
    )


@transaction
async def _set_load(
    session: AsyncSession, *, identity: Identity | None, load_id: int, kg: float, now: datetime
) -> int:
    stop = await fresh(session, TourStop, (await fresh(session, TourLoad, load_id)).stop_id)
    tour = await distribution_tour_row(session, stop.tour_id, lock=True)
    actor_id = coordinator_of(identity, tour.antenna_id)
    editable(tour.status)
    load = await fresh(session, TourLoad, load_id)  # as it is now that the tour is ours
    stop = await fresh(session, TourStop, load.stop_id)
    if stop.status != "pending":
        raise AlreadyDone()
    before = load.kg
    if kg == 0:
        others = await session.exec(select(TourLoad.id).where(TourLoad.stop_id == stop.id))
        if len(others.all()) == 1:
            raise TourChanged()
        await session.delete(load)
        tour.left_out = [*(tour.left_out or ()), [f"lot:{load.lot_id}", REMOVED]]
        session.add(tour)
    else:
        lot = (
            await session.exec(
                select(StockLot)
                .where(StockLot.id == load.lot_id)
                .with_for_update()
                .execution_options(populate_existing=True)
            )
        ).one()
        tz = (await session.get(Antenna, tour.antenna_id)).timezone
        reserved = await reserved_kg(session, tour.hub_id, since=local_today(now, tz), besides=())
        free = round(lot.on_hand_kg - reserved.get(lot.id, 0.0) + before, 1)
        if kg > free + 0.05:
            raise StockShort(max(free, 0.0))
        load.kg = kg
        session.add(load)
    await session.flush()
    loads = (await session.exec(select(TourLoad.kg).where(TourLoad.stop_id == stop.id))).all()
    stop.kg = round(sum(loads), 1)
    session.add(stop)
    audit(
        session,
        now,
        actor_id,
        "tour.load_changed",
        load,
        lot_id=load.lot_id,
        before=before,
        after=kg,
    )
    return tour.id


@transaction
async def _confirm(
    session: AsyncSession, *, identity: Identity | None, tour_id: int, driver_id: int, now: datetime
) -> int:
    tour = await distribution_tour_row(session, tour_id, lock=True)
    actor_id = coordinator_of(identity, tour.antenna_id)
    if tour.status == "confirmed":
        raise AlreadyDone()
    if tour.status != "proposed":
        raise TourClosed(tour.status)
    loaded = (
        await session.exec(
            select(TourLoad.id).join(TourStop).where(TourStop.tour_id == tour.id).limit(1)
        )
    ).first()
    if loaded is None:
        raise InvalidInput("tour_empty")
    driver = await tour_driver(session, tour.antenna_id, driver_id)
    tour.status, tour.confirmed_at, tour.driver_id = "confirmed", now, driver_id
    session.add(tour)
    audit(session, now, actor_id, "tour.confirmed", tour, driver_id=driver_id)
    notify_member(session, member=driver, kind="tour_sheet", now=now, tour_id=tour.id)
    return tour.id


async def confirm_tour(
    session: AsyncSession,
    *,
    identity: Identity | None,
    tour_id: int,
    driver_id: int,
    now: datetime,
) -> DistributionTour:
    """The proposed tour becomes the morning's tour, driven by ``driver_id`` (a driver or a
    coordinator of the antenna: ``confirmation.tour_drivers``; anyone else is refused with
    ``NotAllowed("not_driver")``). Refused when nothing is on it
    (``InvalidInput("tour_empty")``), when already confirmed (``AlreadyDone``)."""
    await _confirm(session, identity=identity, tour_id=tour_id, driver_id=driver_id, now=now)
    return await _view(session, tour_id, now)
