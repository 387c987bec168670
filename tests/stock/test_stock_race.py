"""Two people moving the same lot at once: never more taken than it holds, never below zero.

Both moves are held back until each has read the lot and waits to change it (on PostgreSQL,
behind a row lock taken by a third session; on SQLite, behind the write lock, which makes
them run one after the other), then let go together.
"""

from __future__ import annotations

import asyncio
from contextlib import asynccontextmanager

from sqlalchemy import text
from sqlmodel import col, select

from logistics.stock.moves import CountChanged, MoveResult, StockShort, correct_count, record_loss
from logistics.transaction import take_write_lock
from storage.models import StockLot, StockMove
from tests.invariants import check_invariants
from tests.stock.stock_rules_world import (
    COORDINATOR,
    STAFF,
    Item,
    act,
    build_stock_world,
    lot,
    stock_at,
)

WAITING = text(
    "SELECT count(*) FROM pg_stat_activity "
    "WHERE datname = current_database() AND wait_event_type = 'Lock'"
)


@asynccontextmanager
async def held(session_factory, lot_id: int, waiters: int):
    """The lot locked by a session of its own until the block's moves all wait for it."""
    async with session_factory() as blocker:
        await take_write_lock(blocker)
        await blocker.exec(select(StockLot).where(col(StockLot.id) == lot_id).with_for_update())
        postgres = (await blocker.connection()).dialect.name == "postgresql"
        moves: list[asyncio.Task] = []
        yield moves
        await asyncio.sleep(0.2)  # every move has started
        if postgres:
            async with session_factory() as watcher:
                for _ in range(200):
                    if (await watcher.exec(WAITING)).scalar_one() >= waiters:
                        break
                    await asyncio.sleep(0.05)
                else:
                    raise AssertionError("the moves never waited for the lot")
        await blocker.commit()


async def outcome(coroutine):
    try:
        return await coroutine
    except (StockShort, CountChanged) as refusal:
        return refusal


async def test_two_losses_that_together_exceed_the_lot_one_is_refused(session_factory, now):
    world = await build_stock_world(session_factory, now)
    [tins] = await stock_at(session_factory, world, now, [Item("tins", 10)])

    async with held(session_factory, tins.id, waiters=2) as moves:
        for person in (STAFF, COORDINATOR):
            loss = act(
                session_factory, record_loss, person, lot_id=tins.id, reason="damaged", kg=6,
                now=now,
            )  # fmt: skip
            moves.append(asyncio.create_task(outcome(loss)))
    results = await asyncio.gather(*moves)

    done = [r for r in results if isinstance(r, MoveResult)]
    short = [r for r in results if isinstance(r, StockShort)]
    assert (len(done), len(short)) == (1, 1), results
    assert short[0].on_hand_kg == 4 and done[0].on_hand_kg == 4
    assert (await lot(session_factory, tins.id)).on_hand_kg == 4
    async with session_factory() as s:
        losses = (await s.exec(select(StockMove).where(StockMove.kind == "loss"))).all()
        assert [m.kg for m in losses] == [6]
        assert await check_invariants(s) == []


async def test_a_count_and_a_loss_at_once_never_count_a_move_twice(session_factory, now):
    world = await build_stock_world(session_factory, now)
    [tins] = await stock_at(session_factory, world, now, [Item("tins", 10)])

    async with held(session_factory, tins.id, waiters=2) as moves:
        count = act(
            session_factory, correct_count, STAFF, lot_id=tins.id, counted_kg=9, seen_kg=10,
            now=now,
        )  # fmt: skip
        loss = act(
            session_factory, record_loss, COORDINATOR, lot_id=tins.id, reason="damaged", kg=6,
            now=now,
        )  # fmt: skip
        moves += [asyncio.create_task(outcome(count)), asyncio.create_task(outcome(loss))]
    counted, lost = await asyncio.gather(*moves)

    assert isinstance(lost, MoveResult), lost
    on_hand = (await lot(session_factory, tins.id)).on_hand_kg
    if isinstance(counted, CountChanged):  # the loss went first: the count saw 10 kg, not 4
        assert on_hand == 4
    else:  # the count went first, the loss took from what it found
        assert (counted.kg, on_hand) == (-1, 3)
    async with session_factory() as s:
        assert await check_invariants(s) == []
