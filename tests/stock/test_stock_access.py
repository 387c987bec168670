"""Who may move a hub's stock: the coordinators of its antenna and its own staff; anyone else is
refused and nothing changes."""

from __future__ import annotations

import pytest

from logistics.errors import NotAllowed
from logistics.people.identity import identify
from logistics.stock.access import hubs_handled, may_see_stock
from logistics.stock.moves import correct_count, record_loss
from tests.invariants import check_invariants, snapshot
from tests.stock.stock_rules_world import (
    ASSOCIATE,
    COORDINATOR,
    DRIVER,
    FAR_COORDINATOR,
    FAR_STAFF,
    FRIGO_STAFF,
    NOBODY,
    STAFF,
    STORE_MANAGER,
    STRANGER,
    SUSPENDED_STAFF,
    Item,
    act,
    build_stock_world,
    lot,
    stock_at,
)

MOVES = {
    "loss": lambda lot_id: (record_loss, {"lot_id": lot_id, "reason": "damaged", "kg": 1}),
    "count": lambda lot_id: (correct_count, {"lot_id": lot_id, "counted_kg": 9, "seen_kg": 10}),
}


@pytest.fixture
async def world(session_factory, now):
    return await build_stock_world(session_factory, now)


@pytest.mark.parametrize("move", MOVES)
@pytest.mark.parametrize(
    ("person", "hub"),
    [
        (COORDINATOR, "depot"),
        (COORDINATOR, "frigo"),
        (STAFF, "depot"),
        (FRIGO_STAFF, "frigo"),
        (FAR_COORDINATOR, "far"),
        (FAR_STAFF, "far"),
    ],
)
async def test_the_coordinators_and_the_hubs_own_staff_may(
    session_factory, world, now, person, hub, move
):
    [tins] = await stock_at(session_factory, world, now, [Item("tins", 10)], hub=hub)
    use_case, arguments = MOVES[move](tins.id)

    done = await act(session_factory, use_case, person, now=now, **arguments)

    assert (done.kind, done.hub_id, (await lot(session_factory, tins.id)).on_hand_kg) == (
        move,
        world.hubs[hub],
        9,
    )
    async with session_factory() as s:
        assert await check_invariants(s) == []


@pytest.mark.parametrize("move", MOVES)
@pytest.mark.parametrize(
    ("person", "hub"),
    [
        (DRIVER, "depot"),
        (ASSOCIATE, "depot"),
        (STORE_MANAGER, "depot"),
        (STRANGER, "depot"),
        (NOBODY, "depot"),
        (SUSPENDED_STAFF, "depot"),
        (FRIGO_STAFF, "depot"),  # staff of another hub
        (STAFF, "frigo"),
        (FAR_STAFF, "depot"),
        (FAR_COORDINATOR, "depot"),  # coordinator of another antenna
        (COORDINATOR, "far"),
        (STAFF, "far"),
    ],
)
async def test_nobody_else_may_and_nothing_changes(session_factory, world, now, person, hub, move):
    [tins] = await stock_at(session_factory, world, now, [Item("tins", 10)], hub=hub)
    use_case, arguments = MOVES[move](tins.id)
    async with session_factory() as s:
        before = await snapshot(s)

    with pytest.raises(NotAllowed, match="not_hub_staff"):
        await act(session_factory, use_case, person, now=now, **arguments)

    async with session_factory() as s:
        assert await snapshot(s) == before


@pytest.mark.parametrize(
    ("person", "hubs"),
    [
        (COORDINATOR, ["depot", "frigo"]),
        (STAFF, ["depot"]),
        (FRIGO_STAFF, ["frigo"]),
        (FAR_COORDINATOR, ["far"]),
        (SUSPENDED_STAFF, []),
        (DRIVER, []),
        (ASSOCIATE, []),
        (STRANGER, []),
    ],
)
async def test_each_sees_the_hubs_they_handle(session_factory, world, person, hubs):
    async with session_factory() as s:
        identity = await identify(s, telegram_id=person)
        handled = await hubs_handled(s, identity)
    assert [hub.id for hub in handled] == [world.hubs[key] for key in hubs]
    assert may_see_stock(identity) == bool(hubs)
