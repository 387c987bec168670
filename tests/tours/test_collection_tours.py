"""Evening collection tours: proposed by the solver, confirmed into claims, and never both on a
tour and claimed by a volunteer."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta

import pytest
from sqlmodel import col, select

from logistics.errors import AlreadyClaimed, NotAllowed, TourClosed
from logistics.people.identity import identify
from logistics.pickups.claims import claim_pickup
from logistics.pickups.collection import record_delivery, record_pickup
from logistics.pickups.release import release_claim
from logistics.stock.balance import stock_balances
from logistics.tours.collection import propose_collection_tour
from logistics.tours.confirmation import confirm_collection_tour
from logistics.tours.distances import RoutingSettings
from logistics.tours.editing import edit_stop
from logistics.tours.menu import driven_tours, planned_tours, vehicle_day, vehicles_to_plan
from logistics.tours.views import tour_view
from storage.models import Claim, Delivery, Donation, StockLot, Store, Tour, TourStop
from tests.tours.tour_world import (
    COORDINATOR,
    OTHER_COORDINATOR,
    STAFF_DRIVER,
    STORES,
    STRANGER,
    VOLUNTEER,
    as_person,
    build_tour_world,
    local,
)

ROUTING = RoutingSettings()
DAY = date(2026, 3, 10)  # the `now` fixture's Tuesday


@pytest.fixture
async def world(session_factory, now):
    return await build_tour_world(session_factory, now, DAY)


async def propose(session_factory, world, now, vehicle=None, who=COORDINATOR, day=DAY):
    return await as_person(
        session_factory,
        propose_collection_tour,
        who,
        vehicle_id=vehicle or world.van,
        service_day=day,
        now=now,
        routing=ROUTING,
    )


async def confirm(session_factory, world, tour_id, now, who=COORDINATOR, driver=STAFF_DRIVER):
    return await as_person(
        session_factory,
        confirm_collection_tour,
        who,
        tour_id=tour_id,
        driver_id=world.members[driver],
        now=now,
    )


async def view(session_factory, tour_id):
    async with session_factory() as s:
        return await tour_view(s, tour_id)


async def test_the_evening_pickups_are_ordered_within_their_windows(session_factory, world, now):
    tour_id = await propose(session_factory, world, now)

    tour = await view(session_factory, tour_id)
    assert (tour.kind, tour.status, tour.vehicle, tour.hub) == (
        "collection",
        "proposed",
        "Camionnette frigo",
        "Hub CPAS",
    )
    assert sorted(s.donation_id for s in tour.stops) == sorted(world.pickups)
    assert [s.position for s in tour.stops] == [1, 2, 3, 4, 5]
    for stop in tour.stops:  # each reached within its window (the van waits when early)
        assert stop.window_start <= stop.arrival_at <= stop.window_end
    arrivals = [s.arrival_at for s in tour.stops]
    assert arrivals == sorted(arrivals)
    assert tour.starts_at < arrivals[0]
    assert tour.planned_km > 0 and tour.planned_minutes > 0
    assert tour.kg == sum(kg for *_, kg, _ in STORES)
    assert tour.left_out == ()


async def test_a_second_proposal_replaces_the_first(session_factory, world, now):
    await propose(session_factory, world, now)
    await as_person(session_factory, claim_pickup, VOLUNTEER, donation_id=world.pickups[1], now=now)
    second = await propose(session_factory, world, now)

    async with session_factory() as s:
        tours = (await s.exec(select(Tour))).all()
        stops = (await s.exec(select(TourStop))).all()
    assert [t.id for t in tours] == [second]
    assert {st.tour_id for st in stops} == {second} and len(stops) == 4
    assert world.pickups[1] not in {st.donation_id for st in stops}


async def test_what_cannot_go_on_the_tour_says_why(session_factory, world, now):
    async with session_factory() as s:
        lidl = await s.get(Store, world.stores[4])
        lidl.latitude = lidl.longitude = None
        s.add(lidl)
        await s.commit()

    car_tour = await propose(session_factory, world, now, vehicle=world.small_car)

    tour = await view(session_factory, car_tour)
    left = dict(tour.left_out)
    assert left[world.pickups[4]] == "no_coordinates"
    assert left[world.pickups[0]] == left[world.pickups[2]] == "cold_chain"  # no cooling
    on_tour = [s.donation_id for s in tour.stops]
    assert sum(s.kg for s in tour.stops) <= 60  # the car's capacity
    assert set(on_tour) | set(left) == set(world.pickups)
    assert not set(on_tour) & set(left)


async def test_only_a_coordinator_of_the_antenna_plans_and_confirms(session_factory, world, now):
    for who in (STAFF_DRIVER, VOLUNTEER, OTHER_COORDINATOR, STRANGER):
        with pytest.raises(NotAllowed):
            await propose(session_factory, world, now, who=who)
    tour_id = await propose(session_factory, world, now)
    for who in (STAFF_DRIVER, VOLUNTEER, OTHER_COORDINATOR, STRANGER):
        with pytest.raises(NotAllowed):
            await confirm(session_factory, world, tour_id, now, who=who)
    with pytest.raises(NotAllowed):  # the driver must drive for the antenna
        await confirm(session_factory, world, tour_id, now, driver=OTHER_COORDINATOR)
    assert (await view(session_factory, tour_id)).status == "proposed"


async def test_confirming_gives_the_driver_every_pickup_into_the_hub(session_factory, world, now):
    tour_id = await propose(session_factory, world, now)

    done = await confirm(session_factory, world, tour_id, now)

    assert sorted(done.held) == sorted(world.pickups) and done.taken == ()
    async with session_factory() as s:
        claims = (await s.exec(select(Claim).order_by(col(Claim.donation_id)))).all()
        deliveries = (await s.exec(select(Delivery))).all()
        statuses = (await s.exec(select(Donation.status))).all()
    assert [(c.donation_id, c.driver_id) for c in claims] == [
        (p, world.members[STAFF_DRIVER]) for p in sorted(world.pickups)
    ]
    assert {c.on_behalf_of_id for c in claims} == {world.members[COORDINATOR]}
    assert {(d.hub_id, d.association_id) for d in deliveries} == {(world.hub, None)}
    assert set(statuses) == {"claimed"}
    tour = await view(session_factory, tour_id)
    assert (tour.status, tour.driver_id) == ("confirmed", world.members[STAFF_DRIVER])
    with pytest.raises(AlreadyClaimed):  # a volunteer comes too late
        await as_person(
            session_factory, claim_pickup, VOLUNTEER, donation_id=world.pickups[1], now=now
        )
    with pytest.raises(TourClosed):
        await confirm(session_factory, world, tour_id, now)


async def test_a_pickup_a_volunteer_took_first_leaves_the_tour(session_factory, world, now):
    tour_id = await propose(session_factory, world, now)
    await as_person(session_factory, claim_pickup, VOLUNTEER, donation_id=world.pickups[3], now=now)

    done = await confirm(session_factory, world, tour_id, now)

    assert done.taken == (world.pickups[3],)
    tour = await view(session_factory, tour_id)
    assert world.pickups[3] not in [s.donation_id for s in tour.stops]
    assert (world.pickups[3], "claimed") in tour.left_out
    assert [s.position for s in tour.stops] == [1, 2, 3, 4]
    async with session_factory() as s:
        claim = (await s.exec(select(Claim).where(Claim.donation_id == world.pickups[3]))).one()
    assert claim.driver_id == world.members[VOLUNTEER]


async def test_a_volunteers_claim_and_a_confirmation_never_both_win(session_factory, world, now):
    """However the two race, each pickup has one holder: the tour's driver with the pickup on
    the tour, or the volunteer with the pickup off it."""
    for attempt in range(4):
        if attempt:
            await reset(session_factory, world)
        tour_id = await propose(session_factory, world, now)
        contested = world.pickups[attempt % len(world.pickups)]
        results = await asyncio.gather(
            confirm(session_factory, world, tour_id, now),
            as_person(session_factory, claim_pickup, VOLUNTEER, donation_id=contested, now=now),
            return_exceptions=True,
        )
        confirmed, claimed = results
        assert not isinstance(confirmed, Exception), confirmed  # a taken pickup only leaves it
        assert not isinstance(claimed, Exception) or isinstance(claimed, AlreadyClaimed), claimed
        async with session_factory() as s:
            active = (
                await s.exec(
                    select(Claim).where(
                        Claim.donation_id == contested, col(Claim.released_at).is_(None)
                    )
                )
            ).all()
            on_tour = (
                await s.exec(select(TourStop).where(TourStop.donation_id == contested))
            ).all()
            others = (
                await s.exec(
                    select(TourStop).where(
                        TourStop.tour_id == tour_id, col(TourStop.donation_id) != contested
                    )
                )
            ).all()
        assert len(active) == 1, results
        holder = active[0].driver_id
        assert (holder == world.members[STAFF_DRIVER]) == (len(on_tour) == 1), results
        assert len(others) == 4  # the uncontested pickups are all on the tour
        volunteer_won = holder == world.members[VOLUNTEER]
        assert volunteer_won == (not isinstance(claimed, Exception)), results
        assert volunteer_won == (contested in confirmed.taken), results


async def reset(session_factory, world) -> None:
    """Every pickup open again, no tour: another round of the race."""
    async with session_factory() as s:
        for model in (Claim, Delivery, TourStop, Tour):
            for row in (await s.exec(select(model))).all():
                await s.delete(row)
            await s.flush()
        for donation in (await s.exec(select(Donation))).all():
            donation.status = "announced"
            s.add(donation)
        await s.commit()


async def test_a_released_tour_pickup_leaves_the_tour(session_factory, world, now):
    tour_id = await propose(session_factory, world, now)
    await confirm(session_factory, world, tour_id, now)

    await as_person(
        session_factory,
        release_claim,
        STAFF_DRIVER,
        donation_id=world.pickups[0],
        now=now,
    )

    tour = await view(session_factory, tour_id)
    assert world.pickups[0] not in [s.donation_id for s in tour.stops]
    await as_person(session_factory, claim_pickup, VOLUNTEER, donation_id=world.pickups[0], now=now)


async def test_the_tour_brings_its_pickups_into_the_hubs_stock(session_factory, world, now):
    tour_id = await propose(session_factory, world, now)
    await confirm(session_factory, world, tour_id, now)
    evening = local(DAY, "20:45")

    for donation_id in world.pickups:
        await as_person(
            session_factory, record_pickup, STAFF_DRIVER, donation_id=donation_id,
            now=evening, total_kg=10,
        )  # fmt: skip
        async with session_factory() as s:
            delivery = (
                await s.exec(select(Delivery).where(Delivery.donation_id == donation_id))
            ).one()
        await as_person(
            session_factory, record_delivery, STAFF_DRIVER, delivery_id=delivery.id,
            now=evening + timedelta(minutes=30),
        )  # fmt: skip

    async with session_factory() as s:
        lots = (await s.exec(select(StockLot))).all()
        balances = await stock_balances(s)
    assert {lot.hub_id for lot in lots} == {world.hub}
    assert sum(lot.on_hand_kg for lot in lots) == 50
    assert all(b.holds for b in balances)


async def test_a_tour_on_the_spring_daylight_saving_day(session_factory, now):
    """On the Sunday clocks go forward the evening's windows are still met: instants are
    real seconds from the local midnight."""
    sunday = date(2026, 3, 29)
    world = await build_tour_world(session_factory, now, sunday)

    tour_id = await propose(session_factory, world, now, day=sunday)

    tour = await view(session_factory, tour_id)
    assert len(tour.stops) == 5
    for stop in tour.stops:
        assert stop.window_start <= stop.arrival_at <= stop.window_end


async def edit(session_factory, stop_id, move, now, who=COORDINATOR):
    return await as_person(
        session_factory, edit_stop, who, stop_id=stop_id, move=move, now=now, routing=ROUTING
    )


async def test_a_coordinator_moves_and_removes_stops_and_hears_the_truth(
    session_factory, world, now
):
    tour_id = await propose(session_factory, world, now)
    before = await view(session_factory, tour_id)
    last = before.stops[-1]

    edited = await edit(session_factory, last.stop_id, "up", now)

    after = await view(session_factory, tour_id)
    order = [s.donation_id for s in after.stops]
    expected = [s.donation_id for s in before.stops]
    expected[-2], expected[-1] = expected[-1], expected[-2]
    assert order == expected and [s.position for s in after.stops] == [1, 2, 3, 4, 5]
    # the evaluation of the new order says which stops it makes late, and they are
    late = {s.donation_id for s in after.stops if s.arrival_at > s.window_end}
    assert set(edited.late) == late

    await edit(session_factory, after.stops[0].stop_id, "remove", now)

    removed = await view(session_factory, tour_id)
    assert [s.donation_id for s in removed.stops] == order[1:]
    assert (order[0], "removed") in removed.left_out
    for who in (STAFF_DRIVER, OTHER_COORDINATOR, STRANGER):
        with pytest.raises(NotAllowed):
            await edit(session_factory, removed.stops[0].stop_id, "down", now, who=who)

    await confirm(session_factory, world, tour_id, now)
    with pytest.raises(TourClosed):  # a confirmed tour is the driver's
        await edit(session_factory, removed.stops[0].stop_id, "down", now)


async def test_tours_lists_what_each_person_may_plan_or_drive(session_factory, world, now):
    tour_id = await propose(session_factory, world, now)
    await confirm(session_factory, world, tour_id, now)

    async with session_factory() as s:
        driven = await driven_tours(s, world.members[STAFF_DRIVER], now=now)
        not_driven = await driven_tours(s, world.members[VOLUNTEER], now=now)
        planned = await planned_tours(s, [world.antenna], now=now)
        elsewhere = await planned_tours(s, [world.other_antenna], now=now)
        vehicles = await vehicles_to_plan(s, [world.antenna])
        coordinator = await identify(s, telegram_id=COORDINATOR)
        vehicle, day = await vehicle_day(
            s, vehicle_id=world.van, days_ahead=1, identity=coordinator, now=now
        )
        for who in (STAFF_DRIVER, OTHER_COORDINATOR, STRANGER):
            with pytest.raises(NotAllowed):
                await vehicle_day(
                    s, vehicle_id=world.van, days_ahead=0,
                    identity=await identify(s, telegram_id=who), now=now,
                )  # fmt: skip
    assert (driven, not_driven, elsewhere) == ([tour_id], [], [])
    assert [(t.id, name) for t, name, _ in planned] == [(tour_id, "Camionnette frigo")]
    assert {v.id for v in vehicles} == {world.van, world.small_car}
    assert (vehicle.id, day) == (world.van, date(2026, 3, 11))  # tomorrow in Brussels
