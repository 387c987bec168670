"""The order of a tour's stops: VROOM's proposal within windows, capacity and cold chain, and
the truth about any order a coordinator makes by hand."""

from __future__ import annotations

import random
from itertools import pairwise

import pytest

from logistics.tours.distances import Point, TravelMatrix, travel_matrix
from logistics.tours.solver import TourStop, TourVehicle, evaluate_order, plan_tour

H = 3600
HUB = Point(50.8425, 4.3230)  # Cureghem, Anderlecht
EVENING = (17 * H, 23 * H)


def _grid(*points: Point) -> TravelMatrix:
    return travel_matrix([HUB, *points])


def _van(capacity_kg: float = 1200, refrigerated: bool = True, shift=EVENING) -> TourVehicle:
    return TourVehicle(capacity_kg=capacity_kg, refrigerated=refrigerated, depot=0, shift=shift)


def _pickup(id_: int, point: int, start_h: float, end_h: float, kg: float = 40, **kw) -> TourStop:
    window = (round(start_h * H), round(end_h * H))
    return TourStop(id=id_, point=point, window=window, service=300, kg=kg, **kw)


# --- the solver -----------------------------------------------------------------------------


def test_an_early_window_comes_first_even_when_far():
    near = Point(50.8440, 4.3260)
    far = Point(50.8010, 4.4170)  # Watermael-Boitsfort, some 8 km away
    matrix = _grid(near, far)
    stops = [_pickup(7, 1, 17.5, 22), _pickup(8, 2, 17.5, 18)]

    plan = plan_tour(stops, _van(), matrix)

    assert plan.order == (8, 7)
    assert plan.unassigned == ()
    assert plan.feasible
    first = plan.stops[0]
    assert first.start == 17.5 * H  # the van left to arrive as the window opens
    assert first.arrival == first.start == plan.departure + matrix.seconds[0][2]


def test_more_kg_than_the_van_holds_is_left_out_for_capacity():
    matrix = _grid(Point(50.85, 4.33), Point(50.86, 4.34), Point(50.84, 4.35))
    stops = [
        _pickup(1, 1, 18, 20, kg=250),
        _pickup(2, 2, 18, 20, kg=550),  # more than the van alone
        _pickup(3, 3, 18, 20, kg=200),
    ]
    plan = plan_tour(stops, _van(capacity_kg=500), matrix)
    assert [(u.stop.id, u.reason) for u in plan.unassigned] == [(2, "capacity")]
    assert sorted(plan.order) == [1, 3]
    assert plan.stops[-1].load_kg == 450


def test_stops_that_fit_alone_but_not_together_leave_one_out_for_capacity():
    matrix = _grid(Point(50.85, 4.33), Point(50.86, 4.34))
    stops = [_pickup(1, 1, 18, 20, kg=300), _pickup(2, 2, 18, 20, kg=300)]
    plan = plan_tour(stops, _van(capacity_kg=500), matrix)
    assert len(plan.order) == 1
    assert [u.reason for u in plan.unassigned] == ["capacity"]
    assert plan.stops[-1].load_kg == 300


def test_a_van_without_cooling_leaves_chilled_stops_for_the_cold_chain():
    matrix = _grid(Point(50.85, 4.33), Point(50.86, 4.34))
    stops = [_pickup(1, 1, 18, 20, cold=True), _pickup(2, 2, 18, 20)]

    plan = plan_tour(stops, _van(refrigerated=False), matrix)
    assert plan.order == (2,)
    assert [(u.stop.id, u.reason) for u in plan.unassigned] == [(1, "cold_chain")]

    cold_van = plan_tour(stops, _van(refrigerated=True), matrix)
    assert sorted(cold_van.order) == [1, 2]


def test_a_window_out_of_reach_is_left_out_for_the_window():
    far = Point(50.80, 4.42)
    matrix = _grid(Point(50.85, 4.33), far)
    stops = [_pickup(1, 1, 18, 20), _pickup(2, 2, 17.0, 17.05)]  # 3 min after leaving
    plan = plan_tour(stops, _van(), matrix)
    assert plan.order == (1,)
    assert [(u.stop.id, u.reason) for u in plan.unassigned] == [(2, "window")]


def test_two_stops_with_the_same_narrow_window_far_apart_cannot_both_be_served():
    matrix = _grid(Point(50.88, 4.29), Point(50.80, 4.44))  # Berchem and Boitsfort
    stops = [_pickup(1, 1, 18, 18.1), _pickup(2, 2, 18, 18.1)]
    plan = plan_tour(stops, _van(), matrix)
    assert len(plan.order) == 1
    assert [u.reason for u in plan.unassigned] == ["window"]


def test_ids_are_the_callers_own():
    matrix = _grid(Point(50.85, 4.33), Point(50.86, 4.34))
    stops = [_pickup(-5, 1, 18, 19), _pickup(10**12, 2, 19, 20)]
    assert plan_tour(stops, _van(), matrix).order == (-5, 10**12)


def _scattered(seed: int, count: int = 25) -> tuple[list[TourStop], TravelMatrix]:
    rng = random.Random(seed)
    points = [Point(50.80 + rng.random() * 0.08, 4.29 + rng.random() * 0.15) for _ in range(count)]
    stops = []
    for n in range(count):
        start = rng.uniform(17.5, 20.5)
        stops.append(_pickup(100 + n, n + 1, start, start + 2, kg=rng.uniform(20, 45)))
    return stops, travel_matrix([HUB, *points])


def test_the_same_input_gives_the_same_plan():
    stops, matrix = _scattered(seed=3)
    first = plan_tour(stops, _van(), matrix)
    again = plan_tour(list(stops), _van(), matrix)
    assert first == again
    assert len(first.stops) + len(first.unassigned) == 25


def test_on_two_clusters_the_tour_is_much_shorter_than_by_window_start():
    """Stores in two neighbourhoods 8 km apart whose windows alternate between them: in
    window order the van crosses the city at every stop; the solver does one side, then the
    other."""
    west = [Point(50.855 + 0.002 * n, 4.300 + 0.003 * (n % 2)) for n in range(5)]
    east = [Point(50.830 + 0.002 * n, 4.420 + 0.003 * (n % 2)) for n in range(5)]
    points = [p for pair in zip(west, east, strict=True) for p in pair]  # alternating
    matrix = _grid(*points)
    stops = [_pickup(n, n + 1, 17.5 + 0.25 * n, 17.5 + 0.25 * n + 2.5, kg=30) for n in range(10)]
    by_window = evaluate_order(sorted(stops, key=lambda s: s.window[0]), _van(), matrix)

    plan = plan_tour(stops, _van(), matrix)

    assert plan.unassigned == () and plan.feasible
    assert plan.metres < 0.6 * by_window.metres
    sides = ["west" if s.stop.point % 2 else "east" for s in plan.stops]
    assert sum(a != b for a, b in pairwise(sides)) == 1


def test_a_morning_delivery_tour_leaves_loaded():
    matrix = _grid(Point(50.85, 4.33), Point(50.86, 4.34))
    stops = [
        TourStop(1, 1, (9 * H, 12 * H), service=600, kg=120, kind="delivery"),
        TourStop(2, 2, (9 * H, 11 * H), service=600, kg=80, kind="delivery"),
    ]
    plan = plan_tour(stops, _van(capacity_kg=250, shift=(8 * H, 13 * H)), matrix)
    assert sorted(plan.order) == [1, 2]
    assert [s.load_kg for s in plan.stops][-1] == 0
    assert plan.stops[0].load_kg == 200 - plan.stops[0].stop.kg

    too_much = plan_tour(stops, _van(capacity_kg=150, shift=(8 * H, 13 * H)), matrix)
    assert too_much.order == (1,)
    assert [(u.stop.id, u.reason) for u in too_much.unassigned] == [(2, "capacity")]


# --- a coordinator's own order --------------------------------------------------------------


def test_evaluate_order_waits_when_early_and_flags_a_late_stop():
    far = Point(50.80, 4.42)
    matrix = _grid(Point(50.845, 4.326), far)
    early = _pickup(1, 1, 18, 19)
    tight = _pickup(2, 2, 18, 18.25)
    order = evaluate_order([early, tight], _van(), matrix)

    first, second = order.stops
    assert first.start == 18 * H and first.arrival <= first.start
    assert second.arrival == first.start + 300 + matrix.seconds[1][2]
    assert second.problems == ("window",)
    assert second.late_by == second.start - tight.window[1] > 0
    assert not order.feasible
    assert order.metres == matrix.metres[0][1] + matrix.metres[1][2] + matrix.metres[2][0]
    assert order.seconds == order.back - order.departure

    swapped = evaluate_order([tight, early], _van(), matrix)
    assert [s.problems for s in swapped.stops] == [(), ()]


def test_evaluate_order_flags_over_capacity_and_cold_chain():
    matrix = _grid(Point(50.85, 4.33), Point(50.86, 4.34), Point(50.84, 4.35))
    stops = [
        _pickup(1, 1, 18, 21, kg=200),
        _pickup(2, 2, 18, 21, kg=150, cold=True),
        _pickup(3, 3, 18, 21, kg=100),
    ]
    order = evaluate_order(stops, _van(capacity_kg=300, refrigerated=False), matrix)
    assert [s.problems for s in order.stops] == [(), ("cold_chain", "capacity"), ("capacity",)]
    assert [s.load_kg for s in order.stops] == [200, 350, 450]


def test_removing_a_stop_gives_the_shorter_tour_without_it():
    stops, matrix = _scattered(seed=5, count=8)
    plan = plan_tour(stops, _van(), matrix)
    kept = [s.stop for s in plan.stops if s.stop.id != plan.order[3]]
    without = evaluate_order(kept, _van(), matrix)
    assert len(without.stops) == len(plan.stops) - 1
    assert without.metres <= plan.metres


def test_an_empty_order_stays_at_the_depot():
    order = evaluate_order([], _van(), _grid())
    assert (order.metres, order.seconds, order.departure) == (0, 0, EVENING[0])


def test_places_outside_the_matrix_are_refused():
    with pytest.raises(ValueError, match="not in the travel matrix"):
        plan_tour([_pickup(1, 4, 18, 19)], _van(), _grid(Point(50.85, 4.33)))


def test_a_window_that_ends_before_it_starts_is_refused():
    with pytest.raises(ValueError, match="window"):
        TourStop(1, 1, (19 * H, 18 * H))
