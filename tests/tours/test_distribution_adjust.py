"""A proposed distribution adjusted by the antenna's coordinators, then confirmed with a
driver; nobody else may."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import col, select

from logistics.errors import AlreadyDone, InvalidInput, NotAllowed, TourClosed
from logistics.stock.moves import StockShort
from logistics.tours.distribution.adjust import (
    confirm_tour,
    drop_load,
    move_stop,
    remove_stop,
    reorder_tour,
    set_load_kg,
)
from logistics.tours.distribution.proposal import propose_distribution
from logistics.tours.distribution.view import distribution_tour
from storage.models import Association, AuditLog, Tour, TourLoad, TourStop
from tests.tours.distribution_world import (
    ALICE,
    COORDINATOR,
    DRIVER,
    FAR_COORDINATOR,
    OTHER_DRIVER,
    STAFF,
    STRANGER,
    WEDNESDAY,
    add_lot,
    build_world,
    call,
    evaluated,
)


@pytest.fixture
async def world(session_factory, now):
    world = await build_world(session_factory, now)
    async with session_factory() as s:  # the parcels open a quarter of an hour only
        colis = await s.get(Association, world.associations["colis"])
        colis.reception_hours = "mon-fri 07:30-07:45"
        s.add(colis)
        await s.commit()
    for days in (1, 2, 2, 3, 3, 4):
        await add_lot(
            session_factory, world, now, "bread", 20, best_before=WEDNESDAY + timedelta(days)
        )
    await add_lot(session_factory, world, now, "yoghurt", 30, use_by=WEDNESDAY + timedelta(5))
    return world


@pytest.fixture
async def tour(session_factory, world, now):
    return await call(
        session_factory,
        propose_distribution,
        COORDINATOR,
        hub_id=world.hub,
        service_day=WEDNESDAY,
        now=now,
    )


def names(tour) -> list[str]:
    return [s.association_name for s in tour.stops]


def stop_of(tour, name: str):
    return next(s for s in tour.stops if s.association_name == name)


async def snapshot(session_factory) -> dict:
    async with session_factory() as s:
        return {
            t.__tablename__: [
                r.model_dump() for r in (await s.exec(select(t).order_by(col(t.id)))).all()
            ]
            for t in (Tour, TourStop, TourLoad, AuditLog)
        }


async def test_a_stop_moved_down_is_told_late_and_the_solver_puts_it_back(
    session_factory, tour, now
):
    assert names(tour)[0] == "Colis" and tour.problems == ()
    colis = stop_of(tour, "Colis").stop_id

    for _ in range(2):
        moved = await call(
            session_factory, move_stop, COORDINATOR, stop_id=colis, up=False, now=now
        )

    assert names(moved)[-1] == "Colis"
    late = stop_of(moved, "Colis")
    assert late.arrival_at > late.window[1] and late.problems == ("window",)
    plan, arrivals = await evaluated(session_factory, moved)
    assert [s.arrival_at for s in moved.stops] == arrivals
    assert [s.problems for s in moved.stops] == [p.problems for p in plan.stops]
    assert (moved.planned_m, moved.planned_s) == (plan.metres, plan.seconds)
    moves = [
        a["detail"]["up"]
        for a in (await snapshot(session_factory))["audit_log"]
        if a["action"] == "tour.stop_moved"
    ]
    assert moves == [False, False]

    again = await call(session_factory, reorder_tour, COORDINATOR, tour_id=tour.tour_id, now=now)

    assert names(again)[0] == "Colis" and again.problems == ()
    assert [s.position for s in again.stops] == [1, 2, 3]


async def test_a_stop_moved_up_comes_before_the_one_it_passes(session_factory, tour, now):
    second, third = tour.stops[1], tour.stops[2]

    moved = await call(
        session_factory, move_stop, COORDINATOR, stop_id=third.stop_id, up=True, now=now
    )

    assert [s.stop_id for s in moved.stops][1:] == [third.stop_id, second.stop_id]
    _, arrivals = await evaluated(session_factory, moved)
    assert [s.arrival_at for s in moved.stops] == arrivals


async def test_a_stop_cannot_move_past_either_end(session_factory, tour, now):
    first, last = tour.stops[0].stop_id, tour.stops[-1].stop_id
    before = await snapshot(session_factory)

    for stop_id, up in ((first, True), (last, False)):
        with pytest.raises(InvalidInput, match="cannot_move"):
            await call(session_factory, move_stop, COORDINATOR, stop_id=stop_id, up=up, now=now)

    assert await snapshot(session_factory) == before


async def test_a_stop_taken_off_leaves_its_food_at_the_hub(session_factory, world, tour, now):
    resto = stop_of(tour, "Resto")

    after = await call(session_factory, remove_stop, COORDINATOR, stop_id=resto.stop_id, now=now)

    assert "Resto" not in names(after)
    assert [s.position for s in after.stops] == list(range(1, len(after.stops) + 1))
    assert after.total_kg == round(tour.total_kg - resto.kg, 1)
    back = {u.lot.lot_id: (u.kg, u.reasons) for u in after.unplanned}
    assert back == {x.lot.lot_id: (x.kg, ("removed",)) for x in resto.loads}
    assert ("Resto", "removed") in {(p.name, p.reason) for p in after.left_places}
    _, arrivals = await evaluated(session_factory, after)
    assert [s.arrival_at for s in after.stops] == arrivals
    async with session_factory() as s:
        assert await s.get(TourStop, resto.stop_id) is None
        [audit] = (
            await s.exec(select(AuditLog).where(AuditLog.action == "tour.stop_removed"))
        ).all()
    assert (audit.actor_id, audit.detail["stop_id"]) == (world.members[COORDINATOR], resto.stop_id)


async def test_a_load_changed_then_dropped(session_factory, tour, now):
    stop = max(tour.stops, key=lambda s: len(s.loads))
    assert len(stop.loads) >= 2
    first, *others = stop.loads

    less = await call(
        session_factory, set_load_kg, COORDINATOR, load_id=first.load_id, kg=12.34, now=now
    )

    changed = next(s for s in less.stops if s.stop_id == stop.stop_id)
    assert changed.loads[0].kg == 12.3
    assert changed.kg == round(stop.kg - first.kg + 12.3, 1)
    assert (first.lot.lot_id, round(first.kg - 12.3, 1)) in {
        (u.lot.lot_id, u.kg) for u in less.unplanned
    }

    with pytest.raises(StockShort) as short:
        await call(
            session_factory, set_load_kg, COORDINATOR, load_id=first.load_id, kg=500, now=now
        )
    assert short.value.on_hand_kg == first.kg  # all the lot has that no tour takes

    for load in others:
        await call(session_factory, drop_load, COORDINATOR, load_id=load.load_id, now=now)
    last = await call(session_factory, drop_load, COORDINATOR, load_id=first.load_id, now=now)

    assert stop.stop_id not in {s.stop_id for s in last.stops}  # nothing left: the stop goes
    assert len(last.stops) == len(tour.stops) - 1


async def test_confirmed_with_a_driver(session_factory, world, tour, now):
    later = now + timedelta(minutes=3)

    confirmed = await call(
        session_factory,
        confirm_tour,
        COORDINATOR,
        tour_id=tour.tour_id,
        driver_id=world.members[DRIVER],
        now=later,
    )

    assert (confirmed.status, confirmed.confirmed_at) == ("confirmed", later)
    assert (confirmed.driver_id, confirmed.driver_name) == (world.members[DRIVER], f"P{DRIVER}")
    with pytest.raises(AlreadyDone):
        await call(
            session_factory,
            confirm_tour,
            COORDINATOR,
            tour_id=tour.tour_id,
            driver_id=world.members[OTHER_DRIVER],
            now=later,
        )
    async with session_factory() as s:
        audits = (await s.exec(select(AuditLog).where(AuditLog.action == "tour.confirmed"))).all()
    assert [(a.actor_id, a.detail) for a in audits] == [
        (world.members[COORDINATOR], {"driver_id": world.members[DRIVER]})
    ]


async def test_a_coordinator_may_drive_but_not_anyone(session_factory, world, tour, now):
    for who in (ALICE, STAFF, STRANGER, FAR_COORDINATOR):
        with pytest.raises(NotAllowed, match="not_driver"):
            await call(
                session_factory,
                confirm_tour,
                COORDINATOR,
                tour_id=tour.tour_id,
                driver_id=world.members[who],
                now=now,
            )

    confirmed = await call(
        session_factory,
        confirm_tour,
        COORDINATOR,
        tour_id=tour.tour_id,
        driver_id=world.members[COORDINATOR],
        now=now,
    )
    assert confirmed.driver_id == world.members[COORDINATOR]


async def test_an_empty_tour_is_not_confirmed(session_factory, world, now):
    empty = await call(
        session_factory,
        propose_distribution,
        COORDINATOR,
        hub_id=world.hub,
        service_day=WEDNESDAY + timedelta(days=60),  # everything is past its date by then
        now=now,
    )
    assert empty.stops == () and {u.reasons for u in empty.unplanned} == {("past_date",)}

    with pytest.raises(InvalidInput, match="tour_empty"):
        await call(
            session_factory,
            confirm_tour,
            COORDINATOR,
            tour_id=empty.tour_id,
            driver_id=world.members[DRIVER],
            now=now,
        )


@pytest.mark.parametrize("who", [DRIVER, OTHER_DRIVER, STAFF, FAR_COORDINATOR, ALICE, STRANGER])
async def test_nobody_but_a_coordinator_adjusts_or_confirms(session_factory, world, tour, now, who):
    stop, load = tour.stops[0], tour.stops[0].loads[0]
    before = await snapshot(session_factory)
    attempts = [
        (move_stop, {"stop_id": stop.stop_id, "up": False}),
        (remove_stop, {"stop_id": stop.stop_id}),
        (set_load_kg, {"load_id": load.load_id, "kg": 1}),
        (drop_load, {"load_id": load.load_id}),
        (reorder_tour, {"tour_id": tour.tour_id}),
        (confirm_tour, {"tour_id": tour.tour_id, "driver_id": world.members[DRIVER]}),
    ]

    for use_case, kwargs in attempts:
        with pytest.raises(NotAllowed):
            await call(session_factory, use_case, who, now=now, **kwargs)

    assert await snapshot(session_factory) == before


async def test_who_reads_the_tour(session_factory, world, tour, now):
    async def read(who):
        return await call(session_factory, distribution_tour, who, tour_id=tour.tour_id, now=now)

    assert (await read(COORDINATOR)).tour_id == tour.tour_id
    assert (await read(STAFF)).tour_id == tour.tour_id  # the hub's staff load the van
    for who in (DRIVER, OTHER_DRIVER, FAR_COORDINATOR, ALICE, STRANGER):
        with pytest.raises(NotAllowed):
            await read(who)

    await call(
        session_factory,
        confirm_tour,
        COORDINATOR,
        tour_id=tour.tour_id,
        driver_id=world.members[DRIVER],
        now=now,
    )

    assert (await read(DRIVER)).status == "confirmed"
    with pytest.raises(NotAllowed):
        await read(OTHER_DRIVER)


async def test_a_done_tour_is_no_longer_adjusted(session_factory, tour, now):
    async with session_factory() as s:
        row = await s.get(Tour, tour.tour_id)
        row.status = "done"
        s.add(row)
        await s.commit()

    with pytest.raises(TourClosed):
        await call(
            session_factory,
            move_stop,
            COORDINATOR,
            stop_id=tour.stops[0].stop_id,
            up=False,
            now=now,
        )
    with pytest.raises(TourClosed):
        await call(
            session_factory,
            set_load_kg,
            COORDINATOR,
            load_id=tour.stops[0].loads[0].load_id,
            kg=1,
            now=now,
        )
