"""A coordinator's hand on a proposed collection tour: move a stop up or down, take one off.

The new order is evaluated, not solved again, so what the tour then says (arrivals, late
stops, kg on board) is true of the order the coordinator chose. A confirmed tour is the
driver's: its pickups leave it only by being released, like any claim.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from logistics.audit import audit
from logistics.errors import InvalidInput, NotFound, TourClosed
from logistics.people.identity import Identity
from logistics.tours.collection import CollectionInputs, collection_inputs
from logistics.tours.confirmation import load_tour
from logistics.tours.distances import RoutingSettings, travel_matrix_for
from logistics.tours.plans import TourPlan, evaluate_order
from logistics.transaction import transaction
from storage.models import Tour, TourStop

MOVES = ("up", "down", "remove")


class TourChanged(InvalidInput):
    """The tour changed while the new order was worked out: shown again, nothing done."""

    def __init__(self) -> None:
        super().__init__("tour_changed")


@dataclass(frozen=True)
class Edited:
    tour_id: int
    late: tuple[int, ...]  # stops (donation ids) the new order reaches after their window
    overloaded: bool


async def edit_stop(
    session: AsyncSession,
    *,
    stop_id: int,
    move: str,
    identity: Identity,
    now: datetime,
    routing: RoutingSettings,
) -> Edited:
    """Move the stop one place up or down, or take it off the proposal."""
    if move not in MOVES:
        raise InvalidInput("tour_move")
    stop = await session.get(TourStop, stop_id)
    if stop is None:
        raise NotFound("tour_stop")
    tour = await load_tour(session, stop.tour_id, identity)
    if tour.status != "proposed" or tour.kind != "collection":
        raise TourClosed(tour.status)
    stops = (
        await session.exec(
            select(TourStop).where(TourStop.tour_id == tour.id).order_by(col(TourStop.position))
        )
    ).all()
    before = [s.donation_id for s in stops]
    order = _moved(before, stop.donation_id, move)
    inputs = await collection_inputs(
        session, vehicle_id=tour.vehicle_id, service_day=tour.service_day, identity=identity
    )
    session.expunge_all()
    await session.rollback()  # no transaction stays open over the network
    plan = await _evaluate(inputs, order, routing)
    return await _save(
        session, tour_id=tour.id, before=before, plan=plan, inputs=inputs, identity=identity,
        now=now, move=move,
    )  # fmt: skip


def _moved(order: list[int], donation_id: int, move: str) -> list[int]:
    i = order.index(donation_id)
    if move == "remove":
        return order[:i] + order[i + 1 :]
    j = i - 1 if move == "up" else i + 1
    if not 0 <= j < len(order):
        return order
    order = list(order)
    order[i], order[j] = order[j], order[i]
    return order


async def _evaluate(inputs: CollectionInputs, order: list[int], routing: RoutingSettings):
    stops = {s.id: s for s in inputs.solver_stops()}
    if not set(order) <= set(stops):  # a pickup was claimed or changed meanwhile
        raise TourChanged()
    matrix = await travel_matrix_for(inputs.points(), routing)
    return evaluate_order([stops[i] for i in order], inputs.solver_vehicle(), matrix)


@transaction
async def _save(
    session: AsyncSession,
    *,
    tour_id: int,
    before: list[int],
    plan: TourPlan,
    inputs: CollectionInputs,
    identity: Identity,
    now: datetime,
    move: str,
) -> Edited:
    tour = await session.get(Tour, tour_id)
    stops = (
        await session.exec(
            select(TourStop).where(TourStop.tour_id == tour_id).order_by(col(TourStop.position))
        )
    ).all()
    if tour is None or tour.status != "proposed" or [s.donation_id for s in stops] != before:
        raise TourChanged()
    removed = [d for d in before if d not in plan.order]
    by_donation = {s.donation_id: s for s in stops}
    for donation_id in removed:
        await session.delete(by_donation[donation_id])
    await session.flush()
    for position, planned in enumerate(plan.stops, start=1):
        stop = by_donation[planned.stop.id]
        stop.position, stop.arrival_at = position, inputs.clock.instant(planned.start)
        session.add(stop)
    tour.planned_m, tour.planned_s = plan.metres, plan.seconds
    tour.starts_at = inputs.clock.instant(plan.departure)
    tour.left_out = [*tour.left_out, *([d, "removed"] for d in removed)]
    session.add(tour)
    audit(
        session, now, identity.member_id, f"tour.stop_{move}", tour,
        order=list(plan.order), removed=removed,
    )  # fmt: skip
    late = tuple(p.stop.id for p in plan.stops if "window" in p.problems)
    overloaded = any("capacity" in p.problems for p in plan.stops)
    return Edited(tour.id, late, overloaded)
