"""People acting on the same morning tour at once: two coordinators, a driver and a
coordinator, a loss recorded while the van is unloaded. The stock never goes negative,
the balance holds, and the tour says the truth of the order it was left in."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlmodel import col, select

import logistics.tours.distribution.proposal as distribution
from logistics.errors import AlreadyDone, InvalidInput
from logistics.people.identity import identify
from logistics.stock.balance import negative_lots, stock_balances
from logistics.stock.moves import StockShort, record_loss
from logistics.tours.distribution.adjust import confirm_tour, move_stop, set_load_kg
from logistics.tours.distribution.proposal import propose_distribution
from logistics.tours.distribution.record import record_stop_delivered
from logistics.tours.distribution.view import distribution_tour
from storage.models import AuditLog, Member, Membership, StockLot, StockMove, Tour, TourLoad
from tests.tours.distribution_world import (
    COORDINATOR,
    DRIVER,
    STAFF,
    WEDNESDAY,
    add_lot,
    build_world,
    call,
    evaluated,
)

SECOND_COORDINATOR = 303


@pytest.fixture
async def world(session_factory, now):
    world = await build_world(session_factory, now)
    async with session_factory() as s:
        second = Member(telegram_id=SECOND_COORDINATOR, name="Co", created_at=now, opened_at=now)
        s.add(second)
        await s.flush()
        s.add(
            Membership(
                member_id=second.id, antenna_id=world.antenna, role="coordinator", created_at=now
            )
        )
        await s.commit()
        world.members[SECOND_COORDINATOR] = second.id
    for days in (1, 2, 3, 4, 5):
        await add_lot(
            session_factory, world, now, "bread", 25, best_before=WEDNESDAY + timedelta(days)
        )
    await add_lot(session_factory, world, now, "yoghurt", 30, use_by=WEDNESDAY + timedelta(5))
    return world


async def propose(session_factory, world, now, who=COORDINATOR):
    return await call(
        session_factory,
        propose_distribution,
        who,
        hub_id=world.hub,
        service_day=WEDNESDAY,
        now=now,
    )


async def confirmed(session_factory, world, now):
    tour = await propose(session_factory, world, now)
    return await call(
        session_factory,
        confirm_tour,
        COORDINATOR,
        tour_id=tour.tour_id,
        driver_id=world.members[DRIVER],
        now=now,
    )


async def attempt(coroutine):
    try:
        return await coroutine
    except (AlreadyDone, StockShort) as refusal:
        return refusal


async def stock_is_whole(session_factory):
    async with session_factory() as s:
        assert all(b.holds for b in await stock_balances(s))
        assert await negative_lots(s) == []


async def test_two_coordinators_confirm_at_once(session_factory, world, now):
    tour = await propose(session_factory, world, now)

    outcomes = await asyncio.gather(
        *(
            attempt(
                call(
                    session_factory,
                    confirm_tour,
                    who,
                    tour_id=tour.tour_id,
                    driver_id=world.members[who],
                    now=now,
                )
            )
            for who in (COORDINATOR, SECOND_COORDINATOR)
        )
    )

    won = [o for o in outcomes if not isinstance(o, Exception)]
    assert len(won) == 1 and sum(isinstance(o, AlreadyDone) for o in outcomes) == 1
    async with session_factory() as s:
        row = await s.get(Tour, tour.tour_id)
        audits = (await s.exec(select(AuditLog).where(AuditLog.action == "tour.confirmed"))).all()
    assert (row.status, row.driver_id) == ("confirmed", won[0].driver_id)
    assert len(audits) == 1


async def test_two_coordinators_move_stops_at_once(session_factory, world, now):
    tour = await propose(session_factory, world, now)
    first, last = tour.stops[0].stop_id, tour.stops[-1].stop_id

    outcomes = []
    for _ in range(3):
        outcomes += await asyncio.gather(
            call(session_factory, move_stop, COORDINATOR, stop_id=first, up=False, now=now),
            call(session_factory, move_stop, SECOND_COORDINATOR, stop_id=last, up=True, now=now),
            return_exceptions=True,
        )

    refused = [o for o in outcomes if isinstance(o, Exception)]
    assert all(isinstance(o, InvalidInput) and str(o) == "cannot_move" for o in refused)

    after = await call(
        session_factory, distribution_tour, COORDINATOR, tour_id=tour.tour_id, now=now
    )
    assert sorted(s.position for s in after.stops) == list(range(1, len(tour.stops) + 1))
    _, arrivals = await evaluated(session_factory, after)
    assert [s.arrival_at for s in after.stops] == arrivals  # true to the order as left
    async with session_factory() as s:
        moves = (await s.exec(select(AuditLog).where(AuditLog.action == "tour.stop_moved"))).all()
    assert len(moves) == len(outcomes) - len(refused) > 0


async def test_two_coordinators_change_a_load_at_once(session_factory, world, now):
    tour = await propose(session_factory, world, now)
    stop = tour.stops[0]
    load = stop.loads[0]

    await asyncio.gather(
        call(session_factory, set_load_kg, COORDINATOR, load_id=load.load_id, kg=7, now=now),
        call(session_factory, set_load_kg, SECOND_COORDINATOR, load_id=load.load_id, kg=9, now=now),
    )

    after = await call(
        session_factory, distribution_tour, COORDINATOR, tour_id=tour.tour_id, now=now
    )
    changed = next(s for s in after.stops if s.stop_id == stop.stop_id)
    assert changed.loads[0].kg in (7, 9)
    assert changed.kg == round(sum(x.kg for x in changed.loads), 1)


async def test_the_driver_and_a_coordinator_record_the_same_stop_at_once(
    session_factory, world, now
):
    tour = await confirmed(session_factory, world, now)
    stop = tour.stops[0]

    outcomes = await asyncio.gather(
        *(
            attempt(
                call(session_factory, record_stop_delivered, who, stop_id=stop.stop_id, now=now)
            )
            for who in (DRIVER, COORDINATOR)
        )
    )

    assert sum(isinstance(o, AlreadyDone) for o in outcomes) == 1
    async with session_factory() as s:
        outs = (await s.exec(select(StockMove).where(StockMove.kind == "out"))).all()
    assert sorted(m.kg for m in outs) == sorted(x.kg for x in stop.loads)
    await stock_is_whole(session_factory)


@pytest.mark.parametrize("rounds", range(4))
async def test_a_loss_recorded_while_the_stop_is_delivered(session_factory, world, now, rounds):
    tour = await confirmed(session_factory, world, now)
    stop = tour.stops[0]
    load = stop.loads[0]

    async def lose_it_all():
        async with session_factory() as s:
            staff = await identify(s, telegram_id=STAFF)
            return await record_loss(
                s, lot_id=load.lot.lot_id, reason="damaged", identity=staff, now=now
            )

    async def deliver():
        if rounds % 2:  # every other time, the loss starts first
            await asyncio.sleep(0.05)
        return await call(
            session_factory, record_stop_delivered, DRIVER, stop_id=stop.stop_id, now=now
        )

    delivered, lost = await asyncio.gather(attempt(deliver()), attempt(lose_it_all()))

    async with session_factory() as s:
        lot = await s.get(StockLot, load.lot.lot_id)
        moves = (
            await s.exec(
                select(StockMove.kind, StockMove.kg)
                .where(StockMove.lot_id == lot.id)
                .order_by(col(StockMove.id))
            )
        ).all()
    assert lot.on_hand_kg == 0
    if isinstance(delivered, StockShort):  # the loss came first: nothing left to deliver
        assert [kind for kind, _ in moves] == ["in", "loss"]
    else:  # the delivery came first; the loss took what was left, if anything
        assert moves[1] == ("out", load.kg)
        assert isinstance(lost, StockShort) or moves[2][0] == "loss"
    await stock_is_whole(session_factory)


async def test_two_proposals_at_once_make_one_tour(session_factory, world, now):
    tours = await asyncio.gather(
        propose(session_factory, world, now, COORDINATOR),
        propose(session_factory, world, now, SECOND_COORDINATOR),
    )

    assert tours[0].tour_id == tours[1].tour_id
    async with session_factory() as s:
        assert len((await s.exec(select(Tour))).all()) == 1
        loads = (await s.exec(select(TourLoad))).all()
        lots = {lot.id: lot.on_hand_kg for lot in (await s.exec(select(StockLot))).all()}
    planned: dict[int, float] = {}
    for x in loads:
        planned[x.lot_id] = planned.get(x.lot_id, 0) + x.kg
    assert all(kg <= lots[i] + 0.05 for i, kg in planned.items())


async def test_a_loss_between_the_plan_and_its_writing_is_planned_again(
    session_factory, world, now, monkeypatch
):
    """The stock is read, the matrix fetched (here, meanwhile, someone records a loss), then
    the write finds a lot holding less than planned: the whole proposal is made again."""
    fetch = distribution.travel_matrix_for
    losses = []

    async def slow_matrix(points, routing):
        if not losses:
            async with session_factory() as s:
                staff = await identify(s, telegram_id=STAFF)
                lot = (await s.exec(select(StockLot.id).order_by(col(StockLot.id)))).first()
                losses.append(
                    await record_loss(
                        s, lot_id=lot, reason="damaged", kg=20, identity=staff, now=now
                    )
                )
        return await fetch(points, routing)

    monkeypatch.setattr(distribution, "travel_matrix_for", slow_matrix)

    tour = await propose(session_factory, world, now)

    [loss] = losses
    planned = sum(x.kg for s in tour.stops for x in s.loads if x.lot.lot_id == loss.lot_id)
    assert round(planned, 1) == loss.on_hand_kg == 5
    assert not any(x.short for s in tour.stops for x in s.loads)
