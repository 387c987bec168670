"""The morning tour as it happens, recorded by its driver (or a coordinator of the antenna):
a stop delivered takes each of its loads out of the hub's stock to the association (one
``StockMove`` "out" each, through the guarded ``moves.take``); a stop where nobody was there
takes nothing, its loads stay in stock. When every stop is delivered or found closed, the
tour is done.

Only a confirmed tour is recorded (``InvalidInput("tour_not_confirmed")`` before, and
``TourClosed`` once done or cancelled). A load its lot no longer holds (a loss was recorded
since the plan) refuses the whole stop truthfully with ``LoadShort``: nothing of the stop
leaves the stock, and a coordinator changes the load (``distribution_adjust.set_load_kg``)
before it is recorded again. The hub's staff hand the stock out but do not record the tour:
the driver says what arrived.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from logistics.errors import AlreadyDone, InvalidInput, TourClosed
from logistics.people.identity import Identity
from logistics.stock.moves import StockShort, take
from logistics.tours.distribution.access import (
    audit,
    distribution_tour_row,
    fresh,
    recorder_of,
)
from logistics.tours.distribution.view import DistributionTour, view_of_tour
from logistics.transaction import transaction
from storage.models import StockLot, TourLoad, TourStop


class LoadShort(StockShort):
    """A load of the stop is more than its lot now holds (``on_hand_kg``)."""

    def __init__(self, lot_id: int, planned_kg: float, on_hand_kg: float) -> None:
        super().__init__(on_hand_kg)
        self.lot_id = lot_id
        self.planned_kg = planned_kg


async def record_stop_delivered(
    session: AsyncSession, *, identity: Identity | None, stop_id: int, now: datetime
) -> DistributionTour:
    """The stop's loads were handed to the association: they leave the stock."""
    tour_id = await _record(session, identity=identity, stop_id=stop_id, now=now, delivered=True)
    return await view_of_tour(session, await distribution_tour_row(session, tour_id), now=now)


async def record_stop_nothing(
    session: AsyncSession, *, identity: Identity | None, stop_id: int, now: datetime
) -> DistributionTour:
    """Nobody was there to receive: the loads stay at the hub."""
    tour_id = await _record(session, identity=identity, stop_id=stop_id, now=now, delivered=False)
    return await view_of_tour(session, await distribution_tour_row(session, tour_id), now=now)


@transaction
async def _record(
    session: AsyncSession,
    *,
    identity: Identity | None,
    stop_id: int,
    now: datetime,
    delivered: bool,
) -> int:
    stop = await fresh(session, TourStop, stop_id)
    tour = await distribution_tour_row(session, stop.tour_id, lock=True)
    actor_id = recorder_of(identity, tour)
    stop = await fresh(session, TourStop, stop_id)  # as it is now that the tour is ours
    if stop.status != "pending":
        raise AlreadyDone()
    if tour.status == "proposed":
        raise InvalidInput("tour_not_confirmed")
    if tour.status != "confirmed":
        raise TourClosed(tour.status)
    taken = 0.0
    if delivered:
        loads = await session.exec(
            select(TourLoad).where(TourLoad.stop_id == stop.id).order_by(col(TourLoad.id))
        )
        for load in loads.all():
            lot = await fresh(session, StockLot, load.lot_id)
            try:
                await take(
                    session,
                    lot,
                    kind="out",
                    kg=load.kg,
                    member_id=actor_id,
                    now=now,
                    association_id=stop.association_id,
                )
            except StockShort as short:
                raise LoadShort(lot.id, load.kg, short.on_hand_kg) from short
            taken += load.kg
    stop.status, stop.done_at = ("done" if delivered else "nothing"), now
    session.add(stop)
    await session.flush()
    audit(
        session,
        now,
        actor_id,
        "tour.stop_delivered" if delivered else "tour.stop_nothing",
        stop,
        tour_id=tour.id,
        association_id=stop.association_id,
        kg=round(taken, 1),
    )
    pending = await session.exec(
        select(TourStop.id).where(TourStop.tour_id == tour.id, TourStop.status == "pending")
    )
    if pending.first() is None:
        tour.status = "done"
        session.add(tour)
        audit(session, now, actor_id, "tour.done", tour)
    return tour.id
