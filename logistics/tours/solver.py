"""The order of a tour's stops, proposed by VROOM (an established vehicle-routing solver).

One van, one round trip from its depot: store pickups in the evening, association
deliveries in the morning, each stop within its time window, the van within its capacity,
chilled and frozen food only in a refrigerated van. Ordering 25 stops by hand (by window
start) wastes a lot of driving across the city; VROOM finds a much shorter order that still
meets the windows, in a few tens of milliseconds.

Stops that cannot be on the tour come back as unassigned with the reason a coordinator can
act on: "cold_chain" (send a refrigerated van), "capacity" (a second trip or a bigger van),
"window" (the store's or association's hours cannot be met from this depot and shift).
What VROOM leaves out is explained as "capacity" when the stop's kg would not fit on top of
the planned load, as "window" otherwise. The plan is the same for the same input: VROOM runs
on one thread, and every figure of the result is computed by
:func:`~logistics.tours.plans.evaluate_order`, the same as for a coordinator's own order.
"""

from __future__ import annotations

from collections.abc import Sequence

import vroom

from logistics.tours.distances import TravelMatrix
from logistics.tours.plans import (
    PlannedStop,
    Reason,
    StopKind,
    TourPlan,
    TourStop,
    TourVehicle,
    UnassignedStop,
    check_places,
    evaluate_order,
    kg_units,
)

__all__ = [
    "PlannedStop",
    "Reason",
    "StopKind",
    "TourPlan",
    "TourStop",
    "TourVehicle",
    "UnassignedStop",
    "evaluate_order",
    "plan_tour",
]

COLD_SKILL = 1  # VROOM's "skill" a refrigerated van has and a cold stop requires
DEFAULT_EXPLORATION = 5  # VROOM's deepest search: 25 stops still take well under a second
_VEHICLE_ID = 1
_PROFILE = "car"


def plan_tour(
    stops: Sequence[TourStop],
    vehicle: TourVehicle,
    matrix: TravelMatrix,
    *,
    exploration_level: int = DEFAULT_EXPLORATION,
) -> TourPlan:
    """The shortest-time tour VROOM finds for ``stops`` with ``vehicle``, and the stops left
    out with their reason.

    Stops that could not be served even alone (cold food in a van without cooling, more kg
    than the van holds, a window out of reach from the depot within the shift) are left out
    before solving; VROOM then serves as many of the others as it can, then minimises the
    driving time. It blocks for tens of milliseconds (25 stops): async code runs it in a
    thread (``asyncio.to_thread``).
    """
    check_places(stops, vehicle, matrix)
    unassigned: list[UnassignedStop] = []
    candidates: list[TourStop] = []
    for stop in stops:
        reason = _alone_impossible(stop, vehicle, matrix)
        if reason is None:
            candidates.append(stop)
        else:
            unassigned.append(UnassignedStop(stop, reason))
    order = _solve(candidates, vehicle, matrix, exploration_level) if candidates else []
    served = {id(stop) for stop in order}
    left = [stop for stop in candidates if id(stop) not in served]
    unassigned.extend(UnassignedStop(stop, _left_out_reason(stop, order, vehicle)) for stop in left)
    plan = evaluate_order(order, vehicle, matrix)
    position = {id(stop): n for n, stop in enumerate(stops)}
    unassigned.sort(key=lambda item: position[id(item.stop)])
    return TourPlan(
        stops=plan.stops,
        unassigned=tuple(unassigned),
        departure=plan.departure,
        back=plan.back,
        metres=plan.metres,
        seconds=plan.seconds,
        overtime=plan.overtime,
    )


def _alone_impossible(stop: TourStop, vehicle: TourVehicle, matrix: TravelMatrix) -> Reason | None:
    """Why ``stop`` could not be served even if it were the only one, or None."""
    if stop.cold and not vehicle.refrigerated:
        return "cold_chain"
    if kg_units(stop.kg) > kg_units(vehicle.capacity_kg):
        return "capacity"
    there = matrix.seconds[vehicle.depot][stop.point]
    back = matrix.seconds[stop.point][vehicle.depot]
    start = max(vehicle.shift[0] + there, stop.window[0])
    if start > stop.window[1] or start + stop.service + back > vehicle.shift[1]:
        return "window"
    return None


def _left_out_reason(stop: TourStop, order: Sequence[TourStop], vehicle: TourVehicle) -> Reason:
    """Why VROOM left out a stop it could have served alone: the kg of its kind already on
    the tour leave no room for it, or else its window clashes with the others'."""
    same_kind = sum(kg_units(other.kg) for other in order if other.kind == stop.kind)
    if same_kind + kg_units(stop.kg) > kg_units(vehicle.capacity_kg):
        return "capacity"
    return "window"


def _solve(
    stops: Sequence[TourStop], vehicle: TourVehicle, matrix: TravelMatrix, exploration_level: int
) -> list[TourStop]:
    """The stops VROOM puts on the tour, in its order. Jobs are numbered by position, so
    the caller's ids may be anything."""
    problem = vroom.Input()
    problem.set_durations_matrix(_PROFILE, matrix.seconds)
    problem.set_distances_matrix(_PROFILE, matrix.metres)
    problem.add_vehicle(
        vroom.Vehicle(
            _VEHICLE_ID,
            start=vehicle.depot,
            end=vehicle.depot,
            profile=_PROFILE,
            capacity=[kg_units(vehicle.capacity_kg)],
            skills={COLD_SKILL} if vehicle.refrigerated else set(),
            time_window=vroom.TimeWindow(*vehicle.shift),
        )
    )
    problem.add_job([_job(number, stop) for number, stop in enumerate(stops)])
    solution = problem.solve(exploration_level=exploration_level, nb_threads=1)
    routes = solution.routes
    jobs = routes[routes["type"] == "job"]
    return [stops[int(number)] for number in jobs["id"]]


def _job(number: int, stop: TourStop) -> vroom.Job:
    amount = [kg_units(stop.kg)]
    loads: dict[StopKind, list[int]] = {stop.kind: amount}
    return vroom.Job(
        number,
        location=stop.point,
        default_service=stop.service,
        pickup=loads.get("pickup", [0]),
        delivery=loads.get("delivery", [0]),
        skills={COLD_SKILL} if stop.cold else set(),
        time_windows=[vroom.TimeWindow(*stop.window)],
    )
