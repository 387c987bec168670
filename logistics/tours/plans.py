"""A tour as the bot shows it: the stops in order with their arrival, what the van carries,
and what goes wrong, worked out for any order, the solver's or a coordinator's.

A coordinator may move a stop up or down or take one out after the solver proposed an order;
the bot must then tell the truth about that order (this stop is reached after its window,
the van is too full here) rather than keep the solver's promises. So both the solver and the
buttons go through :func:`evaluate_order`, and a proposed tour and a hand-made one read the
same way.

Times are whole seconds from a reference instant of the caller's choice (midnight of the
tour's day, for instance); places are indices into a
:class:`~logistics.tours.distances.TravelMatrix`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from logistics.tours.distances import TravelMatrix

# Why a stop cannot be (or should not be) on the tour: chilled or frozen food in a van
# without cooling; more kg than the van holds; its window cannot be met.
Reason = Literal["cold_chain", "capacity", "window"]
# A pickup fills the van (a store in the evening); a delivery empties it (an association in
# the morning, the van having been loaded at the hub before leaving).
StopKind = Literal["pickup", "delivery"]

KG_UNIT = 10  # loads are counted in tenths of a kg: exact sums, and VROOM wants integers


def kg_units(kg: float) -> int:
    return round(kg * KG_UNIT)


@dataclass(frozen=True)
class TourStop:
    """One stop to put on a tour.

    ``id`` is the caller's (a donation's, a delivery's), never read by the solver. ``point`` is
    the place's index in the travel matrix. ``window`` is when service may begin, as (from,
    until) seconds. ``service`` is the seconds spent there (parking, loading, signing).
    """

    id: int
    point: int
    window: tuple[int, int]
    service: int = 0
    kg: float = 0.0
    kind: StopKind = "pickup"
    cold: bool = False  # carries chilled or frozen food

    def __post_init__(self) -> None:
        start, end = self.window
        if start < 0 or end < start:
            raise ValueError(f"stop {self.id}: window {self.window} must be 0 <= from <= until")
        if self.service < 0 or self.kg < 0 or self.point < 0:
            raise ValueError(f"stop {self.id}: point, service and kg must not be negative")


@dataclass(frozen=True)
class TourVehicle:
    """The van of a tour: it leaves its depot (the hub) and comes back to it within ``shift``."""

    capacity_kg: float
    refrigerated: bool
    depot: int
    shift: tuple[int, int]

    def __post_init__(self) -> None:
        start, end = self.shift
        if start < 0 or end < start:
            raise ValueError(f"shift {self.shift} must be 0 <= from <= until")
        if self.capacity_kg < 0 or self.depot < 0:
            raise ValueError("capacity_kg and depot must not be negative")


@dataclass(frozen=True)
class PlannedStop:
    """A stop of the tour: ``arrival`` at the place, ``start`` of service (the window's start
    when early: the van waits), ``load_kg`` on board when leaving, and its ``problems`` (empty
    when the stop is fine; "window" when service starts after the window's end)."""

    stop: TourStop
    arrival: int
    start: int
    load_kg: float
    problems: tuple[Reason, ...] = ()

    @property
    def late_by(self) -> int:
        """Seconds past the end of the stop's window (0 when on time)."""
        return max(0, self.start - self.stop.window[1])


@dataclass(frozen=True)
class UnassignedStop:
    stop: TourStop
    reason: Reason


@dataclass(frozen=True)
class TourPlan:
    """A tour from leaving the depot (``departure``) to coming back (``back``).

    ``metres`` and ``seconds`` cover the whole round trip, waiting and service included in
    the seconds; ``overtime`` is how long after the end of the van's shift it comes back.
    """

    stops: tuple[PlannedStop, ...]
    unassigned: tuple[UnassignedStop, ...]
    departure: int
    back: int
    metres: int
    seconds: int
    overtime: int = 0

    @property
    def feasible(self) -> bool:
        """True when every stop is on time, within capacity and cold chain, and the van is
        back within its shift."""
        return self.overtime == 0 and not any(planned.problems for planned in self.stops)

    @property
    def order(self) -> tuple[int, ...]:
        """The caller's ids of the stops, in tour order."""
        return tuple(planned.stop.id for planned in self.stops)


def evaluate_order(
    order: Sequence[TourStop],
    vehicle: TourVehicle,
    matrix: TravelMatrix,
    *,
    departure: int | None = None,
) -> TourPlan:
    """The tour that visits ``order`` as given, from the vehicle's depot and back.

    The van leaves at ``departure`` or, by default, at the latest instant that still meets
    the first stop at its window's start (never before its shift): a driver does not wait
    at the first door. It waits when it arrives early; arriving late, it serves at once and
    the stop says "window". A delivery tour leaves loaded with every delivery of the order.
    """
    check_places(order, vehicle, matrix)
    seconds, metres = matrix.seconds, matrix.metres
    depot = vehicle.depot
    if departure is None:
        departure = vehicle.shift[0]
        if order:
            first = order[0]
            departure = max(departure, first.window[0] - seconds[depot][first.point])
    capacity = kg_units(vehicle.capacity_kg)
    load = sum(kg_units(stop.kg) for stop in order if stop.kind == "delivery")
    now, here, distance = departure, depot, 0
    planned = []
    for stop in order:
        arriving_load = load
        load += kg_units(stop.kg) if stop.kind == "pickup" else -kg_units(stop.kg)
        arrival = now + seconds[here][stop.point]
        start = max(arrival, stop.window[0])
        distance += metres[here][stop.point]
        problems: list[Reason] = []
        if stop.cold and not vehicle.refrigerated:
            problems.append("cold_chain")
        if max(arriving_load, load) > capacity:
            problems.append("capacity")
        if start > stop.window[1]:
            problems.append("window")
        planned.append(PlannedStop(stop, arrival, start, load / KG_UNIT, tuple(problems)))
        now, here = start + stop.service, stop.point
    back = now + seconds[here][depot]
    distance += metres[here][depot]
    return TourPlan(
        stops=tuple(planned),
        unassigned=(),
        departure=departure,
        back=back,
        metres=distance,
        seconds=back - departure,
        overtime=max(0, back - vehicle.shift[1]),
    )


def check_places(stops: Sequence[TourStop], vehicle: TourVehicle, matrix: TravelMatrix) -> None:
    size = len(matrix)
    for point in (vehicle.depot, *(stop.point for stop in stops)):
        if point >= size:
            raise ValueError(f"place {point} is not in the travel matrix of {size} places")
    ids = [stop.id for stop in stops]
    if len(set(ids)) != len(ids):
        raise ValueError("two stops have the same id")
