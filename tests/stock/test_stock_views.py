"""A hub's stock as its staff sees it: first expired, first out, and what passes its date today
or tomorrow marked, in the antenna's own day (Brussels), whatever UTC says, around midnight
and on the days the clocks change."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import col, select

from logistics.stock.moves import record_loss
from logistics.stock.views import hub_stocks
from storage.models import Hub
from tests.stock.stock_rules_world import STAFF, Item, act, build_stock_world, stock_at


@pytest.fixture
async def world(session_factory, now):
    return await build_stock_world(session_factory, now)


async def view(session_factory, now, *keys):
    async with session_factory() as s:
        hubs = (await s.exec(select(Hub).where(col(Hub.key).in_(keys)).order_by(Hub.id))).all()
        return await hub_stocks(s, list(hubs), now=now)


async def test_the_oldest_date_of_the_most_fragile_class_comes_first(session_factory, world, now):
    day = date(2026, 3, 10)
    first, later = now - timedelta(days=2), now - timedelta(days=1)
    [late_yoghurt] = await stock_at(
        session_factory, world, later, [Item("dairy", 3, use_by=day + timedelta(days=1))]
    )
    tins, bread, frozen, old_yoghurt, milk, emptied = await stock_at(
        session_factory,
        world,
        first,
        [
            Item("tins", 12, best_before=day + timedelta(days=2), lot="T1"),
            Item("bread", 5),
            Item("frozen", 7, best_before=day + timedelta(days=30)),
            Item("dairy", 4, use_by=day + timedelta(days=1)),
            Item("dairy", 6, use_by=day),
            Item("dairy", 2, use_by=day - timedelta(days=1)),
        ],
    )
    await stock_at(session_factory, world, first, [Item("dairy", 9, use_by=day)], hub="frigo")
    await act(session_factory, record_loss, STAFF, lot_id=emptied.id, reason="past_date", now=now)

    [depot] = await view(session_factory, now, "depot")

    assert depot.today == day
    assert [line.lot_id for line in depot.lines] == [
        frozen.id,
        milk.id,  # today
        old_yoghurt.id,  # tomorrow, arrived first
        late_yoghurt.id,  # tomorrow, arrived a day later
        tins.id,
        bread.id,  # no date: last of its class
    ]
    assert [line.due for line in depot.lines] == [None, "today", "tomorrow", "tomorrow", None, None]
    assert [line.on_hand_kg for line in depot.lines] == [7, 6, 4, 3, 12, 5]
    assert (depot.lines[4].lot, depot.lines[4].category_key) == ("T1", "tins")
    assert (depot.total_kg, depot.kg_of("chilled"), depot.kg_of("frozen")) == (37, 13, 7)

    depot_again, frigo = await view(session_factory, now, "depot", "frigo")
    assert depot_again == depot
    assert [(line.on_hand_kg, line.due) for line in frigo.lines] == [(9, "today")]
    assert frigo.cold_storage and not depot.cold_storage


BRUSSELS_DAYS = [
    # (the instant in UTC, the three lots' dates, Brussels' day then, their marks)
    pytest.param(
        datetime(2026, 3, 10, 22, 59, tzinfo=UTC), date(2026, 3, 10), date(2026, 3, 10),
        ("today", "tomorrow", None), id="23:59 winter",
    ),
    pytest.param(
        datetime(2026, 3, 10, 23, 0, tzinfo=UTC), date(2026, 3, 10), date(2026, 3, 11),
        ("past", "today", "tomorrow"), id="00:00 winter",
    ),
    pytest.param(
        datetime(2026, 3, 29, 0, 59, tzinfo=UTC), date(2026, 3, 29), date(2026, 3, 29),
        ("today", "tomorrow", None), id="01:59 before the spring change",
    ),
    pytest.param(
        datetime(2026, 3, 29, 21, 59, tzinfo=UTC), date(2026, 3, 29), date(2026, 3, 29),
        ("today", "tomorrow", None), id="23:59 on the spring change day",
    ),
    pytest.param(
        datetime(2026, 3, 29, 22, 0, tzinfo=UTC), date(2026, 3, 29), date(2026, 3, 30),
        ("past", "today", "tomorrow"), id="00:00 after the spring change",
    ),
    pytest.param(
        datetime(2026, 10, 24, 22, 0, tzinfo=UTC), date(2026, 10, 24), date(2026, 10, 25),
        ("past", "today", "tomorrow"), id="00:00 on the autumn change day",
    ),
    pytest.param(
        datetime(2026, 10, 25, 22, 59, tzinfo=UTC), date(2026, 10, 25), date(2026, 10, 25),
        ("today", "tomorrow", None), id="23:59 on the autumn change day",
    ),
    pytest.param(
        datetime(2026, 10, 25, 23, 0, tzinfo=UTC), date(2026, 10, 25), date(2026, 10, 26),
        ("past", "today", "tomorrow"), id="00:00 after the autumn change",
    ),
]  # fmt: skip


@pytest.mark.parametrize(("instant", "first_date", "today", "marks"), BRUSSELS_DAYS)
async def test_the_marks_follow_brussels_midnight(
    session_factory, world, instant, first_date, today, marks
):
    received = instant - timedelta(days=1)
    dates = [first_date + timedelta(days=n) for n in (2, 0, 1)]  # received out of date order
    await stock_at(
        session_factory, world, received, [Item("dairy", 2, use_by=day) for day in dates]
    )

    [depot] = await view(session_factory, instant, "depot")

    assert depot.today == today
    assert [line.use_by for line in depot.lines] == sorted(dates)
    assert tuple(line.due for line in depot.lines) == marks
