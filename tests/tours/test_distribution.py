"""The morning distribution proposed from a hub's stock: by the allocation rule, ordered by
the routing solver for the hub's van, written as a proposed tour and replaced when proposed
again."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import col, select

from logistics.errors import NotAllowed, NotFound, TourClosed
from logistics.tours.distribution.plan import SERVICE_S
from logistics.tours.distribution.proposal import propose_distribution
from storage.models import (
    Association,
    AuditLog,
    StockLot,
    StockMove,
    Tour,
    TourLoad,
    TourStop,
    Vehicle,
)
from tests.tours.distribution_world import (
    COORDINATOR,
    DRIVER,
    FAR_COORDINATOR,
    STAFF,
    STRANGER,
    WEDNESDAY,
    add_lot,
    build_world,
    call,
    evaluated,
)

BRUSSELS = ZoneInfo("Europe/Brussels")
SOON = WEDNESDAY + timedelta(days=2)
THE_DAY_BEFORE = WEDNESDAY - timedelta(days=1)


@pytest.fixture
async def world(session_factory, now):
    return await build_world(session_factory, now)


async def propose(session_factory, now, world, *, day=WEDNESDAY, who=COORDINATOR, **kwargs):
    return await call(
        session_factory,
        propose_distribution,
        who,
        hub_id=world.hub,
        service_day=day,
        now=now,
        **kwargs,
    )


async def rows(session_factory, model, *where):
    async with session_factory() as s:
        return (await s.exec(select(model).where(*where).order_by(col(model.id)))).all()


async def stock_of_the_week(session_factory, world, now):
    ids = {}
    ids["bread"] = [
        await add_lot(session_factory, world, now, "bread", 20, best_before=SOON) for _ in range(6)
    ]
    ids["yoghurt"] = await add_lot(
        session_factory, world, now, "yoghurt", 30, use_by=WEDNESDAY + timedelta(days=5)
    )
    ids["tins"] = await add_lot(
        session_factory, world, now, "tins", 25, best_before=WEDNESDAY + timedelta(days=90)
    )
    return ids


def local(instant: datetime) -> str:
    return f"{instant.astimezone(BRUSSELS):%H:%M}"


async def test_the_proposal_is_a_tour_of_deliveries_within_their_windows(
    session_factory, world, now
):
    await stock_of_the_week(session_factory, world, now)

    tour = await propose(session_factory, now, world)

    assert (tour.status, tour.service_day, tour.vehicle_id) == ("proposed", WEDNESDAY, world.van)
    assert [s.position for s in tour.stops] == list(range(1, len(tour.stops) + 1))
    names = {s.association_name for s in tour.stops}
    assert names == {"Epicerie", "Resto", "Colis"}  # "Soir" receives in the afternoon only
    assert tour.total_kg == 175
    for stop in tour.stops:
        opens, closes = stop.window
        assert opens <= stop.arrival_at <= closes, stop
        assert stop.problems == ()
        assert round(sum(x.kg for x in stop.loads), 1) == stop.kg
    arrivals = [s.arrival_at for s in tour.stops]
    assert arrivals == sorted(arrivals)
    assert local(tour.starts_at) >= "06:00"
    assert [(p.name, p.reason) for p in tour.left_places] == [("Soir", "closed")]
    assert tour.unplanned == ()

    [row] = await rows(session_factory, Tour)
    assert (row.kind, row.status, row.hub_id, row.created_by_id) == (
        "distribution",
        "proposed",
        world.hub,
        world.members[COORDINATOR],
    )
    stops = await rows(session_factory, TourStop)
    assert all(s.donation_id is None and s.status == "pending" for s in stops)
    loads = await rows(session_factory, TourLoad)
    assert round(sum(x.kg for x in loads), 1) == 175
    [audit] = await rows(session_factory, AuditLog, AuditLog.action == "tour.distribution.proposed")
    assert (audit.entity_id, audit.detail["kg"]) == (row.id, 175)


async def test_the_arrivals_are_those_of_the_order_on_the_roads(session_factory, world, now):
    await stock_of_the_week(session_factory, world, now)

    tour = await propose(session_factory, now, world)

    plan, arrivals = await evaluated(session_factory, tour)
    assert arrivals == [s.arrival_at for s in tour.stops]
    assert (tour.planned_m, tour.planned_s) == (plan.metres, plan.seconds)
    assert plan.feasible


async def test_cold_lots_go_only_to_cold_storage(session_factory, world, now):
    await stock_of_the_week(session_factory, world, now)

    tour = await propose(session_factory, now, world)

    cold_places = {"Epicerie", "Colis"}
    chilled = [
        (s.association_name, x.kg)
        for s in tour.stops
        for x in s.loads
        if x.lot.cold_chain == "chilled"
    ]
    assert chilled and {name for name, _ in chilled} <= cold_places
    assert sum(kg for _, kg in chilled) == 30


async def test_a_van_without_cooling_leaves_the_chilled_lots_at_the_hub(
    session_factory, world, now
):
    ids = await stock_of_the_week(session_factory, world, now)
    async with session_factory() as s:
        van = await s.get(Vehicle, world.van)
        van.refrigerated = False
        s.add(van)
        await s.commit()

    tour = await propose(session_factory, now, world)

    assert all(x.lot.cold_chain == "ambient" for s in tour.stops for x in s.loads)
    [(lot, reasons)] = [(u.lot.lot_id, u.reasons) for u in tour.unplanned]
    assert (lot, reasons) == (ids["yoghurt"], ("van_not_refrigerated",))


async def test_a_lot_past_its_date_is_never_proposed(session_factory, world, now):
    past = await add_lot(session_factory, world, now, "yoghurt", 12, use_by=THE_DAY_BEFORE)
    last_day = await add_lot(session_factory, world, now, "yoghurt", 8, use_by=WEDNESDAY)
    tins = await add_lot(
        session_factory, world, now, "tins", 15, best_before=WEDNESDAY - timedelta(days=20)
    )

    tour = await propose(session_factory, now, world)

    planned = {x.lot.lot_id for s in tour.stops for x in s.loads}
    assert planned == {last_day, tins}  # tins: within their category's 30 grace days
    assert [(u.lot.lot_id, u.kg, u.reasons) for u in tour.unplanned] == [(past, 12, ("past_date",))]


async def test_shortest_date_first_when_the_van_cannot_take_it_all(session_factory, world, now):
    later = await add_lot(
        session_factory, world, now, "bread", 40, best_before=WEDNESDAY + timedelta(days=4)
    )
    sooner = await add_lot(
        session_factory, world, now, "bread", 40, best_before=WEDNESDAY + timedelta(days=1)
    )
    async with session_factory() as s:
        van = await s.get(Vehicle, world.van)
        van.capacity_kg = 50
        s.add(van)
        await s.commit()

    tour = await propose(session_factory, now, world)

    assert tour.total_kg == 50
    loaded: dict[int, float] = {}
    for stop in tour.stops:
        for x in stop.loads:
            loaded[x.lot.lot_id] = round(loaded.get(x.lot.lot_id, 0) + x.kg, 1)
    assert loaded == {sooner: 40, later: 10}
    assert [(u.lot.lot_id, u.kg, u.reasons) for u in tour.unplanned] == [(later, 30, ("van_full",))]


async def test_what_an_association_received_this_week_lowers_its_share(session_factory, world, now):
    for _ in range(8):
        await add_lot(session_factory, world, now, "bread", 20, best_before=WEDNESDAY)
    plain = await propose(session_factory, now, world)
    kg = {s.association_name: s.kg for s in plain.stops}
    assert kg["Epicerie"] > kg["Resto"]  # 100 beneficiaries against 50

    # Monday, the épicerie got 120 kg from the hub: now it is owed less than the others.
    lot = await add_lot(session_factory, world, now, "tins", 120)
    async with session_factory() as s:
        s.add(
            StockMove(
                lot_id=lot,
                hub_id=world.hub,
                category_id=world.categories["tins"],
                kind="out",
                kg=120,
                association_id=world.associations["epicerie"],
                at=datetime(2026, 3, 9, 9, 0, tzinfo=UTC),
            )
        )
        held = await s.get(StockLot, lot)
        held.on_hand_kg = 0
        s.add(held)
        await s.commit()
    again = await propose(session_factory, now, world)

    kg_after = {s.association_name: s.kg for s in again.stops}
    assert kg_after.get("Epicerie", 0) < kg["Epicerie"]
    assert kg_after.get("Epicerie", 0) < kg_after["Resto"]


async def test_an_association_closed_that_morning_gets_nothing(session_factory, world, now):
    await stock_of_the_week(session_factory, world, now)
    async with session_factory() as s:
        resto = await s.get(Association, world.associations["resto"])
        resto.reception_hours = "mon-tue 09:00-12:00; thu-sat 09:00-12:00"  # not Wednesdays
        s.add(resto)
        await s.commit()

    tour = await propose(session_factory, now, world)

    assert "Resto" not in {s.association_name for s in tour.stops}
    assert {(p.name, p.reason) for p in tour.left_places} == {
        ("Soir", "closed"),
        ("Resto", "closed"),
    }


async def test_proposing_again_replaces_the_proposed_tour(session_factory, world, now):
    await stock_of_the_week(session_factory, world, now)
    first = await propose(session_factory, now, world, who=None)  # the scheduler at 06:00
    await add_lot(session_factory, world, now, "bread", 30, best_before=WEDNESDAY)

    second = await propose(session_factory, now + timedelta(minutes=5), world)

    assert second.tour_id == first.tour_id
    assert second.total_kg == first.total_kg + 30
    [tour] = await rows(session_factory, Tour)
    assert tour.created_at == now + timedelta(minutes=5)
    stops = await rows(session_factory, TourStop)
    assert sorted(s.id for s in stops) == sorted(s.stop_id for s in second.stops)
    loads = await rows(session_factory, TourLoad)
    assert round(sum(x.kg for x in loads), 1) == second.total_kg
    audits = await rows(session_factory, AuditLog, AuditLog.action == "tour.distribution.proposed")
    assert [a.detail["replaced"] for a in audits] == [[], [first.tour_id]]
    assert [a.actor_id for a in audits] == [None, world.members[COORDINATOR]]


async def test_a_confirmed_tour_is_not_replaced(session_factory, world, now):
    await stock_of_the_week(session_factory, world, now)
    first = await propose(session_factory, now, world)
    async with session_factory() as s:
        tour = await s.get(Tour, first.tour_id)
        tour.status = "confirmed"
        s.add(tour)
        await s.commit()

    with pytest.raises(TourClosed):
        await propose(session_factory, now, world)

    assert len(await rows(session_factory, Tour)) == 1


async def test_a_second_van_plans_only_what_the_first_leaves(session_factory, world, now):
    await stock_of_the_week(session_factory, world, now)
    async with session_factory() as s:
        van = await s.get(Vehicle, world.van)
        van.capacity_kg = 100
        s.add(van)
        s.add(
            Vehicle(
                key="car",
                antenna_id=world.antenna,
                name="Break",
                capacity_kg=400,
                home_hub_id=world.hub,
            )
        )
        await s.commit()
        car = (await s.exec(select(Vehicle.id).where(Vehicle.key == "car"))).one()

    first = await propose(session_factory, now, world)
    second = await propose(session_factory, now, world, vehicle_id=car)

    assert first.total_kg == 100 and first.vehicle_id == world.van  # refrigerated first
    # the van: 100 kg of the shortest-dated bread; the car: the rest but the yoghurt
    assert second.total_kg == 45
    assert [(u.lot.cold_chain, u.kg, u.reasons) for u in second.unplanned] == [
        ("chilled", 30, ("van_not_refrigerated",))
    ]
    both: dict[int, float] = {}
    for tour in (first, second):
        for stop in tour.stops:
            for x in stop.loads:
                both[x.lot.lot_id] = round(both.get(x.lot.lot_id, 0) + x.kg, 1)
    async with session_factory() as s:
        for lot_id, kg in both.items():
            assert kg <= (await s.get(StockLot, lot_id)).on_hand_kg
    assert all(x.lot.cold_chain == "ambient" for s in second.stops for x in s.loads)


@pytest.mark.parametrize("who", [DRIVER, STAFF, FAR_COORDINATOR, STRANGER, 999])
async def test_only_the_antenna_coordinators_propose(session_factory, world, now, who):
    await stock_of_the_week(session_factory, world, now)

    with pytest.raises(NotAllowed):
        await propose(session_factory, now, world, who=who)

    assert await rows(session_factory, Tour) == []


async def test_a_hub_without_a_van_gets_no_proposal(session_factory, world, now):
    async with session_factory() as s:
        van = await s.get(Vehicle, world.van)
        van.active = False
        s.add(van)
        await s.commit()

    with pytest.raises(NotFound):
        await propose(session_factory, now, world)


@pytest.mark.parametrize(
    ("day", "now_utc"),
    [
        (date(2026, 3, 29), datetime(2026, 3, 28, 20, 0, tzinfo=UTC)),  # clocks go forward
        (date(2026, 10, 25), datetime(2026, 10, 24, 20, 0, tzinfo=UTC)),  # and back
        (date(2026, 3, 30), datetime(2026, 3, 29, 20, 0, tzinfo=UTC)),  # the Monday after
    ],
)
async def test_the_arrivals_are_the_local_hours_across_the_clock_change(
    session_factory, world, day, now_utc
):
    async with session_factory() as s:
        for association in (await s.exec(select(Association))).all():
            association.reception_hours = "mon-sun 14:00-17:00"  # not in the morning
            if association.id == world.associations["epicerie"]:
                association.reception_hours = "mon-sun 08:00-08:20"
            s.add(association)
        await s.commit()
    await add_lot(session_factory, world, now_utc, "bread", 20, best_before=day)

    tour = await propose(session_factory, now_utc, world, day=day)

    [stop] = tour.stops
    assert stop.association_name == "Epicerie"
    assert local(stop.window[0]) == "08:00" and local(stop.window[1]) == "08:20"
    assert local(stop.arrival_at) == "08:00"  # the van leaves so as to arrive when it opens
    travel = (stop.arrival_at - tour.starts_at).total_seconds()
    assert 0 < travel < 20 * 60
    assert tour.planned_s == round(2 * travel) + SERVICE_S
    assert stop.problems == ()


async def test_the_tours_common_view_reads_a_distribution_tour(session_factory, world, now):
    """The run sheet's and /tours' view of any tour: its stops, and no pickups left out."""
    from logistics.tours.views import tour_view

    await stock_of_the_week(session_factory, world, now)
    proposed = await propose(session_factory, now, world)

    async with session_factory() as s:
        common = await tour_view(s, proposed.tour_id)

    assert (common.kind, common.left_out) == ("distribution", ())
    assert [x.stop_id for x in common.stops] == [x.stop_id for x in proposed.stops]
    assert common.kg == proposed.total_kg


async def test_the_hub_lists_its_tours_of_the_day(session_factory, world, now):
    from logistics.tours.distribution.proposal import distribution_tours

    await stock_of_the_week(session_factory, world, now)
    proposed = await propose(session_factory, now, world)

    async def listed(who, day=WEDNESDAY):
        return await call(
            session_factory,
            distribution_tours,
            who,
            hub_id=world.hub,
            service_day=day,
            now=now,
        )

    assert [t.tour_id for t in await listed(COORDINATOR)] == [proposed.tour_id]
    assert [t.tour_id for t in await listed(STAFF)] == [proposed.tour_id]
    assert await listed(COORDINATOR, WEDNESDAY + timedelta(days=1)) == []
    for who in (DRIVER, FAR_COORDINATOR, STRANGER):
        with pytest.raises(NotAllowed):
            await listed(who)


async def test_an_association_the_van_cannot_reach_in_its_window_leaves_its_share(
    session_factory, world, now
):
    await stock_of_the_week(session_factory, world, now)
    async with session_factory() as s:  # open one minute, as the van leaves the hub
        epicerie = await s.get(Association, world.associations["epicerie"])
        epicerie.reception_hours = "mon-sat 06:00-06:01"
        s.add(epicerie)
        await s.commit()

    tour = await propose(session_factory, now, world)

    assert "Epicerie" not in {s.association_name for s in tour.stops}
    assert ("Epicerie", "out_of_reach") in {(p.name, p.reason) for p in tour.left_places}
    assert tour.total_kg == 175 and tour.unplanned == ()  # the others took its share
    assert tour.problems == ()
