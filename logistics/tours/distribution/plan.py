"""The morning tour from the lots placed: the solver orders the associations' stops for the
hub's van, within their reception windows, its capacity and cold chain; an association the
van cannot reach in its window is left out and the lots are placed again without it, so its
share goes to the others rather than staying at the hub. Pure and CPU-bound: the caller runs
it in a worker thread.

The same evaluation serves a coordinator's own order (``evaluate``): the arrivals, the late
stops and the overloaded van are told for the order they made.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from logistics.deliveries.allocation_plan import Candidate
from logistics.safety.date_limits import USE_BY_IDEAL_DAYS
from logistics.tours.distances import TravelMatrix
from logistics.tours.distribution.rule import (
    OUT_OF_REACH,
    VAN_FULL,
    VAN_NOT_REFRIGERATED,
    LeftLot,
    LotOnHand,
    Placement,
    PlannedLoad,
    place_lots,
)
from logistics.tours.distribution.times import Morning
from logistics.tours.solver import TourPlan, TourStop, TourVehicle, evaluate_order, plan_tour

SERVICE_S = 10 * 60  # at each association: parking, unloading, a signature
ROUNDS = 3  # placements tried, each without the associations the van could not reach
DEPOT = 0  # the hub is the first point of the travel matrix
_SOLVER_REASONS = {"window": OUT_OF_REACH, "capacity": VAN_FULL, "cold_chain": VAN_NOT_REFRIGERATED}


@dataclass(frozen=True)
class Van:
    capacity_kg: float
    refrigerated: bool


@dataclass(frozen=True)
class Receiver:
    """An association that receives that morning: as the rule sees it, where it is in the
    travel matrix, and its reception window (aware, UTC)."""

    candidate: Candidate
    point: int
    window: tuple[datetime, datetime]


@dataclass(frozen=True)
class RouteStop:
    """A stop of a tour as the evaluation sees it (``id``: the caller's)."""

    id: int
    point: int
    window: tuple[datetime, datetime]
    kg: float
    cold: bool


@dataclass(frozen=True)
class Route:
    """A tour's order with its planned arrivals (UTC), departure, length and duration."""

    order: tuple[int, ...]
    arrivals: dict[int, datetime]
    starts_at: datetime
    metres: int
    seconds: int
    left: tuple[tuple[int, str], ...] = ()  # stops the solver left out, and why


@dataclass(frozen=True)
class DistributionPlan:
    route: Route  # the ids are association ids
    loads: tuple[PlannedLoad, ...]  # only those of the associations on the route
    left_lots: tuple[LeftLot, ...]
    left_places: tuple[tuple[int, str], ...]  # association id, reason

    def loads_of(self, association_id: int) -> tuple[PlannedLoad, ...]:
        return tuple(x for x in self.loads if x.association_id == association_id)


def plan_distribution(
    lots: Sequence[LotOnHand],
    receivers: Sequence[Receiver],
    *,
    van: Van,
    morning: Morning,
    deliver_at: datetime,
    matrix: TravelMatrix,
    ideal_days: int = USE_BY_IDEAL_DAYS,
) -> DistributionPlan:
    """The lots placed (``distribution_rule``) and the stops ordered by the solver."""
    out: dict[int, str] = {}
    for _ in range(ROUNDS):
        active = [r for r in receivers if r.candidate.id not in out]
        placement = place_lots(
            lots,
            [r.candidate for r in active],
            deliver_at=deliver_at,
            capacity_kg=van.capacity_kg,
            refrigerated=van.refrigerated,
            ideal_days=ideal_days,
        )
        stops = _stops(placement, active)
        route = solve(stops, van=van, morning=morning, matrix=matrix)
        out.update(route.left)
        if not route.left:
            break
    served = set(route.order)
    left = list(placement.left)
    left += [
        LeftLot(load.lot_id, load.kg, OUT_OF_REACH)
        for load in placement.loads
        if load.association_id not in served
    ]
    return DistributionPlan(
        route=route,
        loads=tuple(x for x in placement.loads if x.association_id in served),
        left_lots=tuple(left),
        left_places=tuple(sorted(out.items())),
    )


def _stops(placement: Placement, receivers: Sequence[Receiver]) -> list[RouteStop]:
    by_id = {r.candidate.id: r for r in receivers}
    served = dict.fromkeys(x.association_id for x in placement.loads)
    return [
        RouteStop(
            id=association_id,
            point=by_id[association_id].point,
            window=by_id[association_id].window,
            kg=placement.kg_of(association_id),
            cold=any(x.cold for x in placement.loads if x.association_id == association_id),
        )
        for association_id in served
    ]


def _tour_stops(stops: Sequence[RouteStop], morning: Morning) -> list[TourStop]:
    return [
        TourStop(
            id=stop.id,
            point=stop.point,
            window=(morning.seconds(stop.window[0]), morning.seconds(stop.window[1])),
            service=SERVICE_S,
            kg=stop.kg,
            kind="delivery",
            cold=stop.cold,
        )
        for stop in stops
    ]


def _vehicle(van: Van, morning: Morning) -> TourVehicle:
    return TourVehicle(van.capacity_kg, van.refrigerated, DEPOT, morning.shift)


def _route(plan: TourPlan, morning: Morning) -> Route:
    return Route(
        order=plan.order,
        arrivals={p.stop.id: morning.instant(p.arrival) for p in plan.stops},
        starts_at=morning.instant(plan.departure),
        metres=plan.metres,
        seconds=plan.seconds,
        left=tuple((u.stop.id, _SOLVER_REASONS.get(u.reason, u.reason)) for u in plan.unassigned),
    )


def solve(stops: Sequence[RouteStop], *, van: Van, morning: Morning, matrix: TravelMatrix) -> Route:
    """The solver's order of these stops (those it cannot serve are in ``left``)."""
    plan = plan_tour(_tour_stops(stops, morning), _vehicle(van, morning), matrix)
    return _route(plan, morning)


def evaluate(
    stops: Sequence[RouteStop], *, van: Van, morning: Morning, matrix: TravelMatrix
) -> Route:
    """The tour that visits ``stops`` in the order given: its arrivals, true to that order."""
    plan = evaluate_order(_tour_stops(stops, morning), _vehicle(van, morning), matrix)
    return _route(plan, morning)
