"""The morning tour recorded stop by stop by its driver (or a coordinator): what is
delivered leaves the hub's stock, what was not stays, and the stock balance holds."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import col, select

from logistics.errors import AlreadyDone, InvalidInput, NotAllowed, TourClosed
from logistics.people.identity import identify
from logistics.safety.register import Scope, stock_lines
from logistics.stock.balance import negative_lots, stock_balances
from logistics.stock.moves import StockShort, record_loss
from logistics.tours.distribution.adjust import confirm_tour, set_load_kg
from logistics.tours.distribution.proposal import propose_distribution
from logistics.tours.distribution.record import (
    LoadShort,
    record_stop_delivered,
    record_stop_nothing,
)
from logistics.tours.distribution.view import distribution_tour
from storage.models import AuditLog, StockLot, StockMove, Tour, TourStop
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
)

MORNING = timedelta(hours=23)  # from `now` (Tuesday 10:00) to Wednesday 09:00


@pytest.fixture
async def world(session_factory, now):
    world = await build_world(session_factory, now)
    for days in (1, 2, 3, 4):
        await add_lot(
            session_factory, world, now, "bread", 25, best_before=WEDNESDAY + timedelta(days)
        )
    await add_lot(session_factory, world, now, "yoghurt", 30, use_by=WEDNESDAY + timedelta(5))
    await add_lot(session_factory, world, now, "tins", 100, best_before=WEDNESDAY + timedelta(99))
    return world


@pytest.fixture
async def tour(session_factory, world, now):
    await call(
        session_factory,
        propose_distribution,
        COORDINATOR,
        hub_id=world.hub,
        service_day=WEDNESDAY,
        now=now,
    )
    async with session_factory() as s:
        tour_id = (await s.exec(select(Tour.id))).one()
    return await call(
        session_factory,
        confirm_tour,
        COORDINATOR,
        tour_id=tour_id,
        driver_id=world.members[DRIVER],
        now=now,
    )


async def on_hand(session_factory) -> dict[int, float]:
    async with session_factory() as s:
        return {lot.id: lot.on_hand_kg for lot in (await s.exec(select(StockLot))).all()}


async def balances_hold(session_factory) -> None:
    async with session_factory() as s:
        assert all(b.holds for b in await stock_balances(s))
        assert await negative_lots(s) == []


async def test_the_driver_delivers_every_stop_and_the_stock_follows(
    session_factory, world, tour, now
):
    before = await on_hand(session_factory)
    at = now + MORNING

    for n, stop in enumerate(tour.stops):
        after = await call(
            session_factory, record_stop_delivered, DRIVER, stop_id=stop.stop_id, now=at
        )
        assert after.stops[n].status == "done" and after.stops[n].done_at == at
        assert after.status == ("done" if n == len(tour.stops) - 1 else "confirmed")

    left = await on_hand(session_factory)
    taken: dict[int, float] = {}
    for stop in tour.stops:
        for x in stop.loads:
            taken[x.lot.lot_id] = round(taken.get(x.lot.lot_id, 0) + x.kg, 1)
    assert {i: round(before[i] - left[i], 1) for i in before} == {
        i: taken.get(i, 0.0) for i in before
    }
    async with session_factory() as s:
        outs = (
            await s.exec(
                select(StockMove).where(StockMove.kind == "out").order_by(col(StockMove.id))
            )
        ).all()
        actions = [
            a.action for a in (await s.exec(select(AuditLog).order_by(col(AuditLog.id)))).all()
        ]
    assert [(m.lot_id, m.kg, m.association_id, m.member_id) for m in outs] == [
        (x.lot.lot_id, x.kg, stop.association_id, world.members[DRIVER])
        for stop in tour.stops
        for x in stop.loads
    ]
    assert actions.count("tour.stop_delivered") == len(tour.stops)
    assert actions[-1] == "tour.done"
    await balances_hold(session_factory)


async def test_nobody_there_keeps_the_food_at_the_hub(session_factory, world, tour, now):
    first, *others = tour.stops
    before = await on_hand(session_factory)

    after = await call(
        session_factory, record_stop_nothing, DRIVER, stop_id=first.stop_id, now=now + MORNING
    )

    assert after.stops[0].status == "nothing" and after.status == "confirmed"
    assert await on_hand(session_factory) == before
    for stop in others:
        done = await call(
            session_factory, record_stop_delivered, COORDINATOR, stop_id=stop.stop_id, now=now
        )
    assert done.status == "done"  # every stop delivered or found closed
    back = {x.lot.lot_id for x in first.loads}
    assert back <= {u.lot.lot_id for u in done.unplanned}
    await balances_hold(session_factory)


@pytest.mark.parametrize("who", [OTHER_DRIVER, STAFF, FAR_COORDINATOR, ALICE, STRANGER, 999])
async def test_only_its_driver_or_a_coordinator_records_a_stop(session_factory, tour, now, who):
    stop = tour.stops[0].stop_id
    before = await on_hand(session_factory)

    for use_case in (record_stop_delivered, record_stop_nothing):
        with pytest.raises(NotAllowed):
            await call(session_factory, use_case, who, stop_id=stop, now=now)

    assert await on_hand(session_factory) == before
    async with session_factory() as s:
        assert (await s.get(TourStop, stop)).status == "pending"


async def test_a_coordinator_records_for_the_driver(session_factory, world, tour, now):
    after = await call(
        session_factory, record_stop_delivered, COORDINATOR, stop_id=tour.stops[0].stop_id, now=now
    )

    assert after.stops[0].status == "done"
    async with session_factory() as s:
        outs = (await s.exec(select(StockMove.member_id).where(StockMove.kind == "out"))).all()
    assert set(outs) == {world.members[COORDINATOR]}


async def test_a_stop_is_recorded_once(session_factory, tour, now):
    stop = tour.stops[0].stop_id
    await call(session_factory, record_stop_delivered, DRIVER, stop_id=stop, now=now)
    before = await on_hand(session_factory)

    for use_case in (record_stop_delivered, record_stop_nothing):
        with pytest.raises(AlreadyDone):
            await call(session_factory, use_case, DRIVER, stop_id=stop, now=now)

    assert await on_hand(session_factory) == before


async def test_a_proposed_tour_is_not_recorded(session_factory, world, now):
    proposed = await call(
        session_factory,
        propose_distribution,
        COORDINATOR,
        hub_id=world.hub,
        service_day=WEDNESDAY,
        now=now,
    )

    with pytest.raises(InvalidInput, match="tour_not_confirmed"):
        await call(
            session_factory,
            record_stop_delivered,
            COORDINATOR,
            stop_id=proposed.stops[0].stop_id,
            now=now,
        )
    with pytest.raises(NotAllowed):  # it has no driver yet
        await call(
            session_factory,
            record_stop_delivered,
            DRIVER,
            stop_id=proposed.stops[0].stop_id,
            now=now,
        )


async def test_a_loss_between_the_plan_and_the_delivery_is_told(session_factory, world, tour, now):
    stop = next(s for s in tour.stops if s.loads[0].kg > 5)
    load = stop.loads[0]
    async with session_factory() as s:
        staff = await identify(s, telegram_id=STAFF)
        await record_loss(
            s, lot_id=load.lot.lot_id, reason="damaged", kg=load.kg - 5, identity=staff, now=now
        )
    lot = await on_hand(session_factory)

    with pytest.raises(LoadShort) as short:
        await call(session_factory, record_stop_delivered, DRIVER, stop_id=stop.stop_id, now=now)

    assert isinstance(short.value, StockShort)
    assert (short.value.lot_id, short.value.planned_kg) == (load.lot.lot_id, load.kg)
    assert short.value.on_hand_kg == lot[load.lot.lot_id]
    assert await on_hand(session_factory) == lot  # nothing of the stop left the stock
    async with session_factory() as s:
        assert (await s.get(TourStop, stop.stop_id)).status == "pending"

    fixed = await call(
        session_factory,
        set_load_kg,
        COORDINATOR,
        load_id=load.load_id,
        kg=lot[load.lot.lot_id],
        now=now,
    )
    assert not any(x.short for s in fixed.stops for x in s.loads)
    await call(session_factory, record_stop_delivered, DRIVER, stop_id=stop.stop_id, now=now)

    assert (await on_hand(session_factory))[load.lot.lot_id] == 0
    await balances_hold(session_factory)


async def test_the_view_marks_a_load_its_lot_no_longer_holds(session_factory, world, tour, now):
    load = tour.stops[0].loads[0]
    async with session_factory() as s:
        staff = await identify(s, telegram_id=STAFF)
        await record_loss(s, lot_id=load.lot.lot_id, reason="cold_chain", identity=staff, now=now)

    seen = await call(session_factory, distribution_tour, STAFF, tour_id=tour.tour_id, now=now)

    marked = [(x.load_id, x.short) for s in seen.stops for x in s.loads]
    assert marked == [(x.load_id, x.lot == load.lot) for s in tour.stops for x in s.loads]


async def test_a_cancelled_tour_is_not_recorded(session_factory, tour, now):
    async with session_factory() as s:
        row = await s.get(Tour, tour.tour_id)
        row.status = "cancelled"
        s.add(row)
        await s.commit()

    with pytest.raises(TourClosed):
        await call(
            session_factory, record_stop_nothing, DRIVER, stop_id=tour.stops[0].stop_id, now=now
        )


async def test_what_a_stop_received_is_in_its_association_register(
    session_factory, world, tour, now
):
    stop = tour.stops[0]
    await call(session_factory, record_stop_delivered, DRIVER, stop_id=stop.stop_id, now=now)

    async with session_factory() as s:
        lines = await stock_lines(
            s,
            scope=Scope(world.antenna, association_id=stop.association_id),
            start=now - timedelta(days=1),
            end=now + timedelta(days=1),
        )

    assert [(x.movement, x.destination, x.kg, x.limit) for x in lines] == [
        ("stock_out", stop.association_name, x.kg, x.lot.use_by or x.lot.best_before)
        for x in stop.loads
    ]
