"""The traceability register: every pickup and delivered stop of the period, one line per
item, with the shares of a stop marked as estimates, chilled food withheld after a too-warm
receipt and food recorded as lost said as such; an association sees its own lines only; a
fixed number of queries whatever the period."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import event
from sqlmodel import select

from logistics.errors import InvalidInput
from logistics.reports.periods import Days, parse_days
from logistics.safety.register import Scope, register_lines
from storage.models import Antenna, Association, Hub
from tests.safety.register_world import build_register_world

MARCH = Days(date(2026, 3, 1), date(2026, 3, 10))
TZ = "Europe/Brussels"


async def keys(session, model) -> dict[str, int]:
    return {row.key: row.id for row in (await session.exec(select(model))).all()}


async def lines_of(session, scope: Scope, days: Days = MARCH):
    start, end = days.bounds(TZ)
    return await register_lines(session, scope=scope, start=start, end=end)


def brief(line) -> tuple:
    return (
        line.movement,
        line.origin,
        line.destination,
        line.product,
        line.kg,
        line.estimated,
        line.date_kind,
        line.limit,
        line.lot,
        line.cold_chain,
        line.remark,
    )


async def test_the_antenna_register_holds_every_movement_of_the_period(
    settings, session_factory, now
):
    async with session_factory() as session:
        await build_register_world(session, now)
        antennas = await keys(session, Antenna)
        lines = await lines_of(session, Scope(antennas["ixelles"]))
    store, sofie = "Supermarché Exemple Flagey", "Sofie Voorbeeld"
    epicerie, resto = "Épicerie sociale Exemple Ixelles", "Restaurant social Exemple Etterbeek"
    yoghurt, meat, meals = "12 kg yaourts", "10 kg viande", "10 kg plats préparés"
    assert [brief(line) for line in lines] == [
        (
            "pickup",
            store,
            sofie,
            yoghurt,
            11.5,
            False,
            "use_by",
            date(2026, 3, 6),
            "L-YAO-42",
            "chilled",
            None,
        ),
        ("pickup", store, sofie, "8 kg pain", 7.0, False, None, None, None, "ambient", None),
        # one stop carries the whole pickup: each item's share of its kg, marked ≈
        (
            "delivery",
            sofie,
            epicerie,
            yoghurt,
            11.5,
            True,
            "use_by",
            date(2026, 3, 6),
            "L-YAO-42",
            "chilled",
            "withheld",
        ),
        ("delivery", sofie, epicerie, "8 kg pain", 7.0, True, None, None, None, "ambient", None),
        # a total of 15 kg shared over two items, then recorded as lost in a settlement
        (
            "pickup",
            store,
            sofie,
            meat,
            7.5,
            True,
            "use_by",
            date(2026, 3, 7),
            "VND-7",
            "chilled",
            None,
        ),
        (
            "pickup",
            store,
            sofie,
            meals,
            7.5,
            True,
            "use_by",
            date(2026, 3, 6),
            None,
            "chilled",
            None,
        ),
        (
            "delivery",
            sofie,
            resto,
            meat,
            7.5,
            True,
            "use_by",
            date(2026, 3, 7),
            "VND-7",
            "chilled",
            "lost",
        ),
        (
            "delivery",
            sofie,
            resto,
            meals,
            7.5,
            True,
            "use_by",
            date(2026, 3, 6),
            None,
            "chilled",
            "lost",
        ),
        (
            "pickup",
            store,
            sofie,
            "20 kg conserves",
            20.0,
            False,
            "best_before",
            date(2027, 12, 31),
            "CNS-2027",
            "ambient",
            None,
        ),
        (
            "delivery",
            sofie,
            "Hub Exemple Ixelles",
            "20 kg conserves",
            20.0,
            False,
            "best_before",
            date(2027, 12, 31),
            "CNS-2027",
            "ambient",
            None,
        ),
    ]
    assert lines[0].at == datetime(2026, 3, 3, 17, 30, tzinfo=UTC)  # when it was weighed
    assert lines[2].at == datetime(2026, 3, 3, 18, 0, tzinfo=UTC)  # when it was delivered
    assert {line.driver for line in lines} == {sofie}
    assert lines[2].category_fr == "Produits laitiers" and lines[2].quantity == 12
    assert lines[0].store == lines[2].store == store  # one step back from the association


async def test_an_association_and_a_hub_see_their_own_lines(settings, session_factory, now):
    async with session_factory() as session:
        await build_register_world(session, now)
        antenna = (await keys(session, Antenna))["ixelles"]
        associations, hubs = await keys(session, Association), await keys(session, Hub)
        epicerie = await lines_of(
            session, Scope(antenna, association_id=associations["epicerie-ixelles"])
        )
        february = await lines_of(
            session,
            Scope(antenna, association_id=associations["epicerie-ixelles"]),
            Days(date(2026, 2, 1), date(2026, 2, 28)),
        )
        hub = await lines_of(session, Scope(antenna, hub_id=hubs["hub-ixelles"]))
        other = await lines_of(session, Scope((await keys(session, Antenna))["schaerbeek"]))
    assert [(line.movement, line.product, line.kg) for line in epicerie] == [
        ("delivery", "12 kg yaourts", 11.5),
        ("delivery", "8 kg pain", 7.0),
    ]
    assert [(line.movement, line.product, line.remark) for line in february] == [
        ("delivery", "5 kg pain", None)
    ]
    assert [(line.movement, line.product) for line in hub] == [("delivery", "20 kg conserves")]
    assert other == []


async def counted_lines(session_factory, engine, scope: Scope, days: Days):
    statements: list[str] = []
    parameters: list = []

    def counted(*args) -> None:
        statements.append(args[2])
        parameters.append(args[3])

    async with session_factory() as session:
        event.listen(engine.sync_engine, "before_cursor_execute", counted)
        try:
            lines = await lines_of(session, scope, days)
        finally:
            event.remove(engine.sync_engine, "before_cursor_execute", counted)
    return lines, list(zip(statements, parameters, strict=True))


async def test_a_fixed_number_of_queries_whatever_the_period(
    settings, session_factory, engine, now
):
    async with session_factory() as session:
        antenna = (await keys(session, Antenna))["ixelles"]
    empty, on_nothing = await counted_lines(session_factory, engine, Scope(antenna), MARCH)
    async with session_factory() as session:
        await build_register_world(session, now)
    for days in (MARCH, Days(date(2026, 2, 1), date(2026, 3, 10)), Days(MARCH.last, MARCH.last)):
        lines, executed = await counted_lines(session_factory, engine, Scope(antenna), days)
        assert len(executed) == len(on_nothing) == 4, executed
    assert empty == [] and len(lines) == 0  # the 10th: nothing moved that day
    *donations, (stock, _given) = executed
    assert all("donation.antenna_id" in s and "window_start" in s for s, _given in donations)
    assert "stock_move.at" in stock and "hub.antenna_id" in stock
    if engine.dialect.name == "sqlite":  # each reads the donations (or moves) through an index
        async with engine.connect() as connection:
            for statement, given in executed:
                plan = await connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", given)
                details = " ".join(str(row[-1]) for row in plan.all())
                wanted = "ix_donation_antenna_window"
                if statement == stock:
                    wanted = "ix_stock_move_hub_at"
                assert wanted in details, details


@pytest.mark.parametrize(
    ("text", "first", "last"),
    [
        (None, date(2026, 3, 1), date(2026, 3, 10)),  # this month, to date
        ("2026-02", date(2026, 2, 1), date(2026, 2, 28)),
        ("mars 2026", date(2026, 3, 1), date(2026, 3, 10)),
        ("februari 2026", date(2026, 2, 1), date(2026, 2, 28)),
        ("7", date(2026, 3, 4), date(2026, 3, 10)),  # the last seven days, today included
        ("30", date(2026, 2, 9), date(2026, 3, 10)),
    ],
)
def test_the_period_as_people_write_it(now, text, first, last):
    days = parse_days(text, now=now, tz=TZ)
    assert (days.first, days.last) == (first, last)


@pytest.mark.parametrize(
    ("text", "error"),
    [("0", "days"), ("400", "days"), ("2027-01", "future_month"), ("hier", "month")],
)
def test_a_period_that_is_not_one_is_refused(now, text, error):
    with pytest.raises(InvalidInput) as raised:
        parse_days(text, now=now, tz=TZ)
    assert str(raised.value) == error
