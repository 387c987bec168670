"""Hub stock through the database: what a delivery to a hub becomes, losses and counts, the
audit line of each move, and that the balance holds after every one of them."""

from __future__ import annotations

import math
from datetime import date, timedelta

import pytest
from sqlmodel import col, select

from logistics.errors import InvalidInput, NotFound
from logistics.people.identity import identify
from logistics.stock.moves import CountChanged, StockShort, correct_count, record_loss
from storage.models import AuditLog, Receipt, StockLot, StockMove
from tests.invariants import check_invariants, snapshot
from tests.stock.stock_rules_world import (
    COORDINATOR,
    STAFF,
    Item,
    act,
    balances,
    build_stock_world,
    deliver,
    hand_out,
    lot,
    lots_of,
    stock_at,
)

USE_BY, BEST_BEFORE = date(2026, 3, 14), date(2026, 6, 30)


@pytest.fixture
async def world(session_factory, now):
    return await build_stock_world(session_factory, now)


async def moves(session_factory) -> list[StockMove]:
    async with session_factory() as s:
        return list((await s.exec(select(StockMove).order_by(col(StockMove.id)))).all())


async def audit(session_factory, action_prefix="stock.") -> list[AuditLog]:
    async with session_factory() as s:
        rows = await s.exec(
            select(AuditLog)
            .where(col(AuditLog.action).startswith(action_prefix))
            .order_by(col(AuditLog.id))
        )
        return list(rows.all())


async def consistent(session_factory) -> None:
    """The balance holds for every hub and category, and every other rule of the database."""
    assert all(b.holds for b in await balances(session_factory))
    async with session_factory() as s:
        assert await check_invariants(s) == []


async def unchanged(session_factory, before) -> None:
    async with session_factory() as s:
        assert await snapshot(s) == before


async def state(session_factory):
    async with session_factory() as s:
        return await snapshot(s)


# --- Receiving ----------------------------------------------------------------------------


async def test_a_delivery_to_the_hub_becomes_one_lot_per_item(session_factory, world, now):
    items = [
        Item("tins", 20, best_before=BEST_BEFORE, lot="T-33", label="haricots"),
        Item("dairy", 10, use_by=USE_BY, lot="Y7"),
    ]
    delivered = await deliver(session_factory, world, now, items)

    lots = await lots_of(session_factory)
    assert [
        (x.hub_id, x.category_id, x.cold_chain, x.label, x.use_by, x.best_before, x.lot)
        for x in lots
    ] == [
        (world.hubs["depot"], world.categories["tins"], "ambient", "haricots", None, BEST_BEFORE,
         "T-33"),
        (world.hubs["depot"], world.categories["dairy"], "chilled", "", USE_BY, None, "Y7"),
    ]  # fmt: skip
    assert [(x.received_kg, x.on_hand_kg, x.received_at) for x in lots] == [
        (20, 20, now),
        (10, 10, now),
    ]
    assert [(x.donation_id, x.donation_item_id, x.delivery_id) for x in lots] == [
        (delivered.donation, delivered.items[0], delivered.stops[0]),
        (delivered.donation, delivered.items[1], delivered.stops[0]),
    ]
    assert [(m.kind, m.lot_id, m.kg, m.member_id) for m in await moves(session_factory)] == [
        ("in", x.id, x.received_kg, world.members[101]) for x in lots
    ]
    assert [(a.action, a.entity_id, a.detail) for a in await audit(session_factory)] == [
        ("stock.in", x.id, {"kg": x.received_kg, "delivery_id": x.delivery_id,
                            "hub_id": x.hub_id})
        for x in lots
    ]  # fmt: skip
    await consistent(session_factory)


async def test_the_hub_gets_its_share_when_it_is_one_of_several_stops(session_factory, world, now):
    items = [Item("bread", 20), Item("dairy", 10, use_by=USE_BY)]
    stops = (("association", "epicerie", 18), ("hub", "frigo", 12))
    delivered = await deliver(session_factory, world, now, items, stops=stops)

    lots = await lots_of(session_factory)
    assert [(x.hub_id, x.category_id, x.received_kg) for x in lots] == [
        (world.hubs["frigo"], world.categories["bread"], 8.0),
        (world.hubs["frigo"], world.categories["dairy"], 4.0),
    ]
    assert {x.delivery_id for x in lots} == {delivered.stops[1]}, "not the association's stop"
    assert [(b.hub_id, b.in_kg, b.on_hand_kg) for b in await balances(session_factory)] == [
        (world.hubs["frigo"], 8.0, 8.0),
        (world.hubs["frigo"], 4.0, 4.0),
    ]
    await consistent(session_factory)


async def test_nothing_comes_in_from_a_zero_kg_stop_nor_a_zero_kg_item(session_factory, world, now):
    items = [Item("bread", 20), Item("dairy", 10, use_by=USE_BY)]
    await deliver(session_factory, world, now, items, stops=(("hub", "depot", 0),))
    async with session_factory() as s:
        [receipt] = (await s.exec(select(Receipt))).all()
    assert (receipt.status, receipt.received_kg) == ("confirmed", 0)
    assert await lots_of(session_factory) == [] and await moves(session_factory) == []

    lots = await stock_at(session_factory, world, now, [Item("bread", 5), Item("dairy", 0)])
    assert [(x.category_id, x.received_kg) for x in lots] == [(world.categories["bread"], 5)]
    await consistent(session_factory)


# --- Losses -------------------------------------------------------------------------------


async def test_a_loss_of_the_whole_lot_and_of_part_of_one(session_factory, world, now):
    dairy, tins = await stock_at(
        session_factory, world, now, [Item("dairy", 8, use_by=USE_BY), Item("tins", 12.5)]
    )
    later = now + timedelta(hours=2)

    whole = await act(
        session_factory, record_loss, STAFF, lot_id=dairy.id, reason="past_date", now=later
    )
    part = await act(
        session_factory, record_loss, COORDINATOR, lot_id=tins.id, reason="damaged", kg=2.54,
        now=later,
    )  # fmt: skip

    assert (whole.kind, whole.kg, whole.on_hand_kg) == ("loss", 8, 0)
    assert (part.kind, part.kg, part.on_hand_kg) == ("loss", 2.5, 10)
    assert [(await lot(session_factory, x.id)).on_hand_kg for x in (dairy, tins)] == [0, 10]
    assert [(m.kind, m.lot_id, m.kg, m.reason, m.member_id, m.at) for m in
            (await moves(session_factory))[2:]] == [
        ("loss", dairy.id, 8, "past_date", world.members[STAFF], later),
        ("loss", tins.id, 2.5, "damaged", world.members[COORDINATOR], later),
    ]  # fmt: skip
    assert [(a.action, a.actor_id, a.entity_id, a.detail) for a in
            (await audit(session_factory))[2:]] == [
        ("stock.loss", world.members[STAFF], dairy.id,
         {"kg": 8, "hub_id": world.hubs["depot"], "on_hand_kg": 0, "reason": "past_date"}),
        ("stock.loss", world.members[COORDINATOR], tins.id,
         {"kg": 2.5, "hub_id": world.hubs["depot"], "on_hand_kg": 10, "reason": "damaged"}),
    ]  # fmt: skip
    [dairy_balance, tins_balance] = sorted(
        await balances(session_factory), key=lambda b: b.category_id != dairy.category_id
    )
    assert (dairy_balance.in_kg, dairy_balance.loss_kg, dairy_balance.on_hand_kg) == (8, 8, 0)
    assert (tins_balance.in_kg, tins_balance.loss_kg, tins_balance.on_hand_kg) == (12.5, 2.5, 10)
    await consistent(session_factory)


async def test_more_than_is_on_hand_is_refused_with_what_is_there(session_factory, world, now):
    [tins] = await stock_at(session_factory, world, now, [Item("tins", 12)])
    await act(session_factory, record_loss, STAFF, lot_id=tins.id, reason="damaged", kg=5, now=now)
    before = await state(session_factory)

    with pytest.raises(StockShort) as short:
        await act(
            session_factory, record_loss, STAFF, lot_id=tins.id, reason="damaged", kg=7.1, now=now
        )
    assert short.value.on_hand_kg == 7, "what is there now, not what was received"
    await unchanged(session_factory, before)

    await act(session_factory, record_loss, STAFF, lot_id=tins.id, reason="damaged", now=now)
    with pytest.raises(StockShort) as empty:  # the whole of an empty lot
        await act(session_factory, record_loss, STAFF, lot_id=tins.id, reason="damaged", now=now)
    assert empty.value.on_hand_kg == 0
    await consistent(session_factory)


@pytest.mark.parametrize(
    ("given", "code"),
    [
        ({"reason": "stolen"}, "loss_reason"),
        ({"reason": None}, "loss_reason"),
        ({"reason": "damaged", "kg": -1}, "kg_invalid"),
        ({"reason": "damaged", "kg": math.nan}, "kg_invalid"),
        ({"reason": "damaged", "kg": 0}, "kg_invalid"),
    ],
)
async def test_a_loss_that_makes_no_sense_is_refused(session_factory, world, now, given, code):
    [tins] = await stock_at(session_factory, world, now, [Item("tins", 12)])
    before = await state(session_factory)
    with pytest.raises(InvalidInput, match=code):
        await act(session_factory, record_loss, STAFF, lot_id=tins.id, now=now, **given)
    await unchanged(session_factory, before)


async def test_a_lot_that_does_not_exist_is_not_found(session_factory, world, now):
    with pytest.raises(NotFound):
        await act(session_factory, record_loss, STAFF, lot_id=4242, reason="damaged", now=now)
    with pytest.raises(NotFound):
        await act(
            session_factory, correct_count, STAFF, lot_id=4242, counted_kg=1, seen_kg=0, now=now
        )


async def test_a_session_that_read_the_lot_earlier_acts_on_what_is_there_now(
    session_factory, world, now
):
    """One update's session may hold the lot it read (to show it) before another person
    moved it: a count and a loss in that session go by the lot as it is when they run."""
    [tins] = await stock_at(session_factory, world, now, [Item("tins", 12)])

    async def elsewhere(kg: float) -> None:
        await act(
            session_factory, record_loss, COORDINATOR, lot_id=tins.id, reason="damaged", kg=kg,
            now=now,
        )  # fmt: skip

    async with session_factory() as kept:
        staff = await identify(kept, telegram_id=STAFF)
        shown = await kept.get(StockLot, tins.id)  # kept, as a handler keeps what it showed
        assert shown.on_hand_kg == 12
        await elsewhere(4)
        counted = await correct_count(
            kept, lot_id=tins.id, counted_kg=7, seen_kg=8, identity=staff, now=now
        )
        assert (counted.kg, counted.on_hand_kg) == (-1, 7)
        await elsewhere(2)
        whole = await record_loss(kept, lot_id=tins.id, reason="damaged", identity=staff, now=now)
        assert (whole.kg, whole.on_hand_kg) == (5, 0)
    await consistent(session_factory)


# --- Counts -------------------------------------------------------------------------------


async def test_a_count_corrects_up_and_down(session_factory, world, now):
    dairy, tins = await stock_at(
        session_factory, world, now, [Item("dairy", 8, use_by=USE_BY), Item("tins", 12.5)]
    )
    up = await act(
        session_factory, correct_count, STAFF, lot_id=dairy.id, counted_kg=9.5, seen_kg=8, now=now
    )
    down = await act(
        session_factory, correct_count, COORDINATOR, lot_id=tins.id, counted_kg=0, seen_kg=12.5,
        now=now,
    )  # fmt: skip

    assert (up.kind, up.kg, up.on_hand_kg) == ("count", 1.5, 9.5)
    assert (down.kind, down.kg, down.on_hand_kg) == ("count", -12.5, 0)
    assert [(m.kind, m.lot_id, m.kg, m.reason) for m in (await moves(session_factory))[2:]] == [
        ("count", dairy.id, 1.5, None),
        ("count", tins.id, -12.5, None),
    ]
    assert [(a.action, a.actor_id, a.detail) for a in (await audit(session_factory))[2:]] == [
        ("stock.count", world.members[STAFF],
         {"kg": 1.5, "hub_id": world.hubs["depot"], "on_hand_kg": 9.5}),
        ("stock.count", world.members[COORDINATOR],
         {"kg": -12.5, "hub_id": world.hubs["depot"], "on_hand_kg": 0}),
    ]  # fmt: skip
    counts = {b.category_id: b.count_kg for b in await balances(session_factory)}
    assert counts == {dairy.category_id: 1.5, tins.category_id: -12.5}
    await consistent(session_factory)


async def test_a_count_against_a_figure_that_moved_is_refused(session_factory, world, now):
    [tins] = await stock_at(session_factory, world, now, [Item("tins", 12)])
    await act(session_factory, record_loss, STAFF, lot_id=tins.id, reason="damaged", kg=2, now=now)
    before = await state(session_factory)

    with pytest.raises(CountChanged):  # counted while 12 kg were shown; 10 are left
        await act(
            session_factory, correct_count, STAFF, lot_id=tins.id, counted_kg=11, seen_kg=12,
            now=now,
        )  # fmt: skip
    for counted, seen, code in ((10, 10, "count_unchanged"), (-1, 10, "kg_invalid")):
        with pytest.raises(InvalidInput, match=code):
            await act(
                session_factory, correct_count, STAFF, lot_id=tins.id, counted_kg=counted,
                seen_kg=seen, now=now,
            )  # fmt: skip
    await unchanged(session_factory, before)


async def test_a_count_books_what_the_lot_held_not_the_figure_seen(session_factory, world, now):
    """The figure shown is the lot's rounded to 0.1 kg: the move is the change really made."""
    [tins] = await stock_at(session_factory, world, now, [Item("tins", 7.3)])
    done = await act(
        session_factory, correct_count, STAFF, lot_id=tins.id, counted_kg=5, seen_kg=7.25, now=now
    )
    assert (done.kg, done.on_hand_kg) == (pytest.approx(-2.3), 5)
    await consistent(session_factory)


# --- Moves out ----------------------------------------------------------------------------


async def test_food_handed_out_leaves_the_lot_and_only_as_an_out_or_a_loss(
    session_factory, world, now
):
    [tins] = await stock_at(session_factory, world, now, [Item("tins", 12)])
    epicerie = world.associations["epicerie"]
    async with session_factory() as s:
        out = await hand_out(s, lot_id=tins.id, kg=4.5, association_id=epicerie, now=now)
    assert (out.kind, out.kg, out.on_hand_kg) == ("out", 4.5, 7.5)
    [move] = [m for m in await moves(session_factory) if m.kind == "out"]
    assert (move.association_id, move.kg) == (epicerie, 4.5)
    before = await state(session_factory)
    for kind, kg, refusal in (
        ("in", 1, ValueError),
        ("count", 1, ValueError),
        ("out", 0, InvalidInput),
        ("out", -2, InvalidInput),
        ("out", math.inf, InvalidInput),
    ):
        with pytest.raises(refusal):
            async with session_factory() as s:
                await hand_out(s, lot_id=tins.id, kg=kg, association_id=epicerie, now=now,
                               kind=kind)  # fmt: skip
    await unchanged(session_factory, before)
    await consistent(session_factory)
