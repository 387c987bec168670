"""Tours to count, made through the rules where they exist (``tests.tours.tour_world``'s antenna):

- Monday 9 March 2026, evening: the small car's collection tour (the two ambient pickups it
  can carry), confirmed with the volunteer, who records its first stop only: still confirmed;
  then the van's collection tour of the other three, confirmed with the staff driver, each
  stop recorded (Colruyt had no food: 0 kg) and unloaded into the hub: done.
- Tuesday 10 March, morning (today for the ``now`` fixture): the van's distribution tour out
  of that stock, inserted as rows (the distribution rules are not needed to read it): two
  stops done, their loads taken out of the hub's stock, and one where nobody was there,
  whose load does not count.
- Not counted: a cancelled tour and a proposed one (their stops done and loaded, so that
  counting them would show), and a tour confirmed for Wednesday, after today.
- Friday 27 February: a done distribution tour without an estimated length (no kg per km).

The planner's length of the collection tours is set to round figures after planning, as a
road-distance server could have given them, so that texts can be read with their numbers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlmodel import col, select

from bot.i18n import create_i18n
from logistics.broadcasts.summary import summary
from logistics.pickups.collection import record_pickup
from logistics.reports.monthly import Factors, monthly_report
from logistics.reports.periods import Month
from logistics.stock.moves import take
from logistics.tours.collection import propose_collection_tour
from logistics.tours.confirmation import confirm_collection_tour
from logistics.tours.distances import RoutingSettings
from logistics.tours.unloading import unload_at_hub
from storage.models import StockLot, Tour, TourLoad, TourStop
from tests.tours.tour_world import (
    COORDINATOR,
    STAFF_DRIVER,
    VOLUNTEER,
    TourWorld,
    as_person,
    build_tour_world,
    local,
)

MARCH, FEBRUARY, JANUARY = Month(2026, 3), Month(2026, 2), Month(2026, 1)
MONDAY, TUESDAY, WEDNESDAY = date(2026, 3, 9), date(2026, 3, 10), date(2026, 3, 11)
FEBRUARY_DAY = date(2026, 2, 27)
# kg recorded at each store, in STORES order (Colruyt: nothing there)
WEIGHTS = (38.5, 30.0, 0.0, 30.0, 47.5)
VAN_M, CAR_M, DISTRIBUTION_M = 21_600, 9_800, 18_400
VAN, CAR = "Camionnette frigo", "Petite voiture"
FACTORS = Factors(meals_per_kg=2.38, co2e_kg_per_kg=2.5)
# the distribution stops: (association index, stop status, kg of each load)
DISTRIBUTION = ((0, "done", (12.5, 8.0)), (1, "done", (6.0,)), (2, "nothing", (5.0,)))


@dataclass(frozen=True)
class TourReportsWorld:
    world: TourWorld
    car_tour: int
    van_tour: int
    distribution_tour: int
    car_pickups: tuple[int, ...]  # in tour order
    van_pickups: tuple[int, ...]


async def _plan(session_factory, world, vehicle, driver, now) -> tuple[int, tuple[int, ...]]:
    tour_id = await as_person(
        session_factory, propose_collection_tour, COORDINATOR, vehicle_id=vehicle,
        service_day=MONDAY, now=now, routing=RoutingSettings(),
    )  # fmt: skip
    confirmed = await as_person(
        session_factory, confirm_collection_tour, COORDINATOR, tour_id=tour_id,
        driver_id=world.members[driver], now=now,
    )  # fmt: skip
    return tour_id, confirmed.held


async def _record(session_factory, world, driver, pickups, evening) -> None:
    for donation_id in pickups:
        kg = weight(world, donation_id)
        await as_person(
            session_factory, record_pickup, driver, donation_id=donation_id, now=evening,
            total_kg=kg, zero_reason=None if kg else "no_food",
        )  # fmt: skip


async def build_tour_reports_world(session_factory, now: datetime) -> TourReportsWorld:
    monday_morning = now - timedelta(days=1)
    world = await build_tour_world(session_factory, monday_morning, MONDAY)
    car_tour, car_pickups = await _plan(
        session_factory, world, world.small_car, VOLUNTEER, monday_morning
    )
    van_tour, van_pickups = await _plan(
        session_factory, world, world.van, STAFF_DRIVER, monday_morning
    )
    evening = local(MONDAY, "20:45")
    await _record(session_factory, world, VOLUNTEER, car_pickups[:1], evening)
    await _record(session_factory, world, STAFF_DRIVER, van_pickups, evening)
    await as_person(
        session_factory, unload_at_hub, STAFF_DRIVER, tour_id=van_tour,
        now=evening + timedelta(minutes=40),
    )  # fmt: skip
    async with session_factory() as s:
        for tour_id, metres in ((van_tour, VAN_M), (car_tour, CAR_M)):
            tour = await s.get(Tour, tour_id)
            tour.planned_m = metres
            s.add(tour)
        lots = (await s.exec(select(StockLot).order_by(col(StockLot.id)))).all()
        driver = world.members[STAFF_DRIVER]

        async def tour(day, status, metres, stops, vehicle=world.van, handed_out=False) -> int:
            row = Tour(
                antenna_id=world.antenna, hub_id=world.hub, vehicle_id=vehicle,
                driver_id=driver, kind="distribution", service_day=day, status=status,
                starts_at=local(day, "08:00"), planned_m=metres, created_at=now,
            )  # fmt: skip
            s.add(row)
            await s.flush()
            for position, (association, stop_status, loads) in enumerate(stops, start=1):
                stop = TourStop(
                    tour_id=row.id, position=position, status=stop_status,
                    association_id=world.associations[association], kg=sum(loads),
                )  # fmt: skip
                s.add(stop)
                await s.flush()
                for n, kg in enumerate(loads):
                    lot = lots[n % len(lots)]
                    s.add(TourLoad(stop_id=stop.id, lot_id=lot.id, kg=kg))
                    if handed_out and stop_status == "done":  # out of the hub's stock
                        await take(
                            s, lot, kind="out", kg=kg, member_id=driver,
                            now=local(day, "09:00"), association_id=stop.association_id,
                        )  # fmt: skip
            return row.id

        distribution_tour = await tour(
            TUESDAY, "done", DISTRIBUTION_M, DISTRIBUTION, handed_out=True
        )
        await tour(TUESDAY, "cancelled", 50_000, ((0, "done", (100.0,)),))
        await tour(TUESDAY, "proposed", 7_000, ((1, "done", (70.0,)),), world.small_car)
        await tour(WEDNESDAY, "confirmed", 9_000, ((2, "pending", (9.0,)),))
        await tour(FEBRUARY_DAY, "done", 0, ((1, "done", (4.0,)),))
        await s.commit()
    return TourReportsWorld(
        world, car_tour, van_tour, distribution_tour, tuple(car_pickups), tuple(van_pickups)
    )


def weight(world: TourWorld, donation_id: int) -> float:
    return WEIGHTS[world.pickups.index(donation_id)]


async def report_of(session_factory, antenna_id: int, month: Month, now: datetime):
    async with session_factory() as s:
        return await monthly_report(
            s, antenna_ids=[antenna_id], month=month, factors=FACTORS, now=now
        )


async def summary_of(session_factory, antenna_id: int, day: date):
    async with session_factory() as s:
        return await summary(s, antenna_id=antenna_id, day=day)


def in_locale(locale: str, render) -> str:
    i18n = create_i18n()
    with i18n.context(), i18n.use_locale(locale):
        return render()
