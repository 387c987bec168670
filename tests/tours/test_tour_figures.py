"""The vehicles' tours in figures, from tours made through the rules
(``tests.tours.tour_reports_world``): each vehicle's month and each tour of the day against what the
tours did, only the confirmed and done tours, the month in progress up to today, a fixed
number of queries, and nothing for an antenna, a month or a day without a tour. Their words
and files: ``tests.tours.test_tour_reports``."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import select

from storage.models import Antenna, Tour, Vehicle
from tests.stock.test_hub_reports import counted
from tests.tours.tour_reports_world import (
    CAR,
    CAR_M,
    DISTRIBUTION,
    DISTRIBUTION_M,
    FEBRUARY,
    JANUARY,
    MARCH,
    MONDAY,
    TUESDAY,
    VAN,
    VAN_M,
    WEDNESDAY,
    build_tour_reports_world,
    report_of,
    summary_of,
    weight,
)


@pytest.fixture
async def tours(session_factory, now):
    return await build_tour_reports_world(session_factory, now)


async def test_each_vehicle_s_month_counts_the_tours_driven(session_factory, engine, tours, now):
    world = tours.world
    async with session_factory() as s:
        empty = Antenna(key="empty", name="Empty", group_chat_id=-100_502)
        s.add(empty)
        await s.commit()
    _, on_nothing = await counted(engine, lambda: report_of(session_factory, empty.id, MARCH, now))
    report, statements = await counted(
        engine, lambda: report_of(session_factory, world.antenna, MARCH, now)
    )
    assert len(statements) == len(on_nothing), "one grouped query for the tours, whatever ran"

    # what the drivers recorded: the car its first stop only, the van every stop
    car_kg = weight(world, tours.car_pickups[0])
    van_collected = sum(weight(world, p) for p in tours.van_pickups)
    van_made = sum(weight(world, p) > 0 for p in tours.van_pickups)
    delivered = sum(sum(loads) for _, status, loads in DISTRIBUTION if status == "done")
    assert (car_kg, van_collected, van_made, delivered) == (30, 86, 2, 26.5)
    assert sorted(tours.car_pickups + tours.van_pickups) == sorted(world.pickups)
    van, car = report.tours
    assert (van.antenna, van.vehicle, car.vehicle) == ("Ixelles", VAN, CAR)
    assert (van.tours, van.collection_tours, van.distribution_tours) == (2, 1, 1)
    assert (van.stops, van.stops_done) == (len(tours.van_pickups) + 3, van_made + 2)
    assert (van.collected_kg, van.delivered_kg, van.kg) == (86, 26.5, 112.5)
    assert (van.planned_m, van.km) == (VAN_M + DISTRIBUTION_M, 40)
    assert van.kg_per_km == round(112.5 / 40, 2) == 2.81
    assert (car.tours, car.collection_tours, car.stops, car.stops_done) == (1, 1, 2, 1)
    assert (car.kg, car.km, car.kg_per_km) == (car_kg, CAR_M / 1000, round(30 / 9.8, 2))
    # the tonnage is the pickups' (Colruyt's 0 kg apart), and what the distribution carried
    # is the hub's stock out: the tours' kg are not added to either
    assert report.kg == sum(w for w in (38.5, 30, 47.5)) == van_collected + car_kg
    [hub] = report.hubs
    assert (hub.received_kg, hub.out_kg) == (van_collected, van.delivered_kg)

    # the evening's tours come from the rules: a tour's made stops follow its pickups'
    async with session_factory() as s:
        statuses = dict((await s.exec(select(Tour.id, Tour.status))).all())
    assert (statuses[tours.van_tour], statuses[tours.car_tour]) == ("done", "confirmed")

    [february] = (await report_of(session_factory, world.antenna, FEBRUARY, now)).tours
    assert (february.tours, february.kg, february.km, february.kg_per_km) == (1, 4, 0, None)
    assert (await report_of(session_factory, world.antenna, JANUARY, now)).tours == ()
    assert (await report_of(session_factory, world.other_antenna, MARCH, now)).tours == ()

    [(sql, given)] = [(q, p) for q, p in statements if "tour_stop" in q]
    if engine.dialect.name == "sqlite":  # read through the tours' (antenna_id, service_day)
        async with engine.connect() as connection:
            plan = await connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}", given)
            assert "ix_tour_antenna_day" in " ".join(str(row[-1]) for row in plan.all())


async def test_the_month_in_progress_stops_at_today(session_factory, tours, now):
    """Wednesday's confirmed tour is not driven yet on Tuesday: it counts once it is."""
    world = tours.world
    today = await report_of(session_factory, world.antenna, MARCH, now)
    later = await report_of(
        session_factory, world.antenna, MARCH, now.replace(day=WEDNESDAY.day + 1)
    )
    by_vehicle = {v.vehicle: v for v in later.tours}
    assert by_vehicle[VAN].tours == {v.vehicle: v for v in today.tours}[VAN].tours + 1
    assert by_vehicle[VAN].planned_m == VAN_M + DISTRIBUTION_M + 9_000


async def test_each_tour_of_the_day_in_the_summary(session_factory, engine, tours):
    world = tours.world
    sunday = date(2026, 3, 8)
    quiet = lambda: summary_of(session_factory, world.antenna, sunday)  # noqa: E731
    _, on_nothing = await counted(engine, quiet)
    monday, statements = await counted(
        engine, lambda: summary_of(session_factory, world.antenna, MONDAY)
    )
    assert len(statements) == len(on_nothing), "one grouped query for the tours of the day"
    async with session_factory() as s:
        starts = dict((await s.exec(select(Tour.id, Tour.starts_at))).all())
        names = dict((await s.exec(select(Vehicle.id, Vehicle.name))).all())
    by_start = sorted((tours.car_tour, tours.van_tour), key=starts.get)
    assert [t.tour_id for t in monday.tours] == by_start
    figures = {t.vehicle: t for t in monday.tours}
    van, car = figures[names[world.van]], figures[names[world.small_car]]
    assert (van.kind, van.status, van.driver, van.stops, van.stops_done) == (
        "collection", "done", "P101", 3, 2,
    )  # fmt: skip
    assert (van.kg, van.km, van.kg_per_km) == (86, 21.6, round(86 / 21.6, 2))
    assert (car.status, car.driver, car.stops, car.stops_done, car.kg) == (
        "confirmed", "P102", 2, 1, 30,
    )  # fmt: skip

    [distribution] = (await summary_of(session_factory, world.antenna, TUESDAY)).tours
    assert (distribution.kind, distribution.stops, distribution.stops_done) == (
        "distribution", 3, 2,
    )  # fmt: skip
    assert (distribution.kg, distribution.km, distribution.kg_per_km) == (26.5, 18.4, 1.44)
    [wednesday] = (await summary_of(session_factory, world.antenna, WEDNESDAY)).tours
    assert (wednesday.status, wednesday.stops_done, wednesday.kg) == ("confirmed", 0, 0)
    assert (await summary_of(session_factory, world.antenna, sunday)).tours == ()
