"""Random sequences of stock moves over a few hubs, categories and lots: food delivered in,
handed out, lost and counted, by people who may and people who may not, for more or less than
a lot holds. After every step the balance holds for every hub and category, no lot is below
zero, each lot holds what a model of the rules says, and a refused move changed nothing.

One migrated database (and one world of people and places) serves the whole test; the stock
and the pickups are deleted between examples.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    invariant,
    multiple,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import delete, event, func
from sqlmodel import col, select

from logistics.errors import DomainError, InvalidInput, NotAllowed
from logistics.invariants import stock_problems
from logistics.stock.balance import stock_balances
from logistics.stock.moves import CountChanged, StockShort, correct_count, record_loss
from storage.engine import create_engine, create_session_factory
from storage.migrate import upgrade
from storage.models import (
    AuditLog,
    Claim,
    Delivery,
    Donation,
    DonationItem,
    Outbox,
    Receipt,
    StockLot,
    StockMove,
)
from tests.stock.stock_rules_world import (
    COORDINATOR,
    FAR_COORDINATOR,
    FRIGO_STAFF,
    STAFF,
    STRANGER,
    Item,
    act,
    build_stock_world,
    hand_out,
    received_at_hub,
)

HANDLES = {  # who may move the stock of which hub
    COORDINATOR: {"depot", "frigo"},
    STAFF: {"depot"},
    FRIGO_STAFF: {"frigo"},
    FAR_COORDINATOR: {"far"},
    STRANGER: set(),
}
RECEIVED = (  # in the order the rows refer to each other, for deleting
    StockMove, StockLot, AuditLog, Outbox, Receipt, Delivery, DonationItem, Claim, Donation,
)  # fmt: skip
TENTHS = st.integers(min_value=0, max_value=250)  # 0 to 25 kg, in 0.1 kg steps


class Database:
    """The test's database, driven from Hypothesis's synchronous steps on a loop of its own."""

    def __init__(self, url: str, now) -> None:
        self.start = now
        self.runner = asyncio.Runner()
        self.run(upgrade(url))
        self.engine = self.run(self._engine(url))
        self.factory = create_session_factory(self.engine)
        self.world = self.run(build_stock_world(self.factory, now))

    async def _engine(self, url: str):
        engine = create_engine(url)
        if engine.dialect.name == "sqlite":  # a scratch file: no need to wait for the disk

            @event.listens_for(engine.sync_engine, "connect")
            def _fast(dbapi_connection, _record) -> None:
                dbapi_connection.cursor().execute("PRAGMA synchronous=OFF")

        return engine

    def run(self, coroutine):
        return self.runner.run(coroutine)

    async def clear(self) -> None:
        async with self.factory() as s:
            for model in RECEIVED:
                await s.exec(delete(model))
            await s.commit()

    async def footprint(self) -> tuple:
        """What a refused move must leave as it was: every lot's figure, every move's and
        audit line's count."""
        async with self.factory() as s:
            lots = (await s.exec(select(StockLot.id, StockLot.on_hand_kg).order_by("id"))).all()
            moves = (await s.exec(select(func.count()).select_from(StockMove))).one()
            audit = (await s.exec(select(func.count()).select_from(AuditLog))).one()
            return tuple(lots), moves, audit

    def close(self) -> None:
        self.run(self.engine.dispose())
        self.runner.close()


class StockMachine(RuleBasedStateMachine):
    database: Database  # given by the test
    lots = Bundle("lots")

    def __init__(self) -> None:
        super().__init__()
        self.db = self.database
        self.db.run(self.db.clear())
        self.now = self.db.start
        self.held: dict[int, int] = {}  # lot id -> tenths of a kg on hand, by the rules
        self.hub_of: dict[int, str] = {}

    def _tick(self):
        self.now += timedelta(minutes=7)
        return self.now

    @rule(
        target=lots,
        hub=st.sampled_from(["depot", "frigo", "far"]),
        items=st.lists(
            st.tuples(st.sampled_from(["bread", "tins", "dairy", "frozen"]), TENTHS),
            min_size=1,
            max_size=3,
        ).filter(lambda items: sum(t for _, t in items) > 0),
    )
    def receive(self, hub, items):
        given = [Item(category, tenths / 10, lot=f"L{n}") for n, (category, tenths) in
                 enumerate(items)]  # fmt: skip
        new = self.db.run(
            received_at_hub(self.db.factory, self.db.world, self._tick(), given, hub=hub)
        )
        assert [(x.received_kg, x.lot) for x in new] == [
            (item.kg, item.lot) for item in given if item.kg > 0
        ]
        for made in new:
            self.held[made.id], self.hub_of[made.id] = round(made.received_kg * 10), hub
        return multiple(*(made.id for made in new))

    @rule(lot=lots, tenths=TENTHS)
    def hand_out(self, lot, tenths):
        association = "far" if self.hub_of[lot] == "far" else "epicerie"
        expected = self._taken(lot, tenths)
        self._attempt(
            lot,
            expected,
            lambda s: hand_out(
                s, lot_id=lot, kg=tenths / 10, now=self._tick(),
                association_id=self.db.world.associations[association],
            ),
        )  # fmt: skip

    @rule(
        lot=lots,
        person=st.sampled_from(sorted(HANDLES)),
        tenths=st.none() | TENTHS,
        reason=st.sampled_from(["past_date", "damaged", "cold_chain", "eaten"]),
    )
    def lose(self, lot, person, tenths, reason):
        if reason == "eaten":
            expected = InvalidInput
        elif self.hub_of[lot] not in HANDLES[person]:
            expected = NotAllowed
        else:
            expected = self._taken(lot, tenths)
        kg = None if tenths is None else tenths / 10
        self._attempt(
            lot,
            expected,
            lambda s: act(
                self.db.factory, record_loss, person, lot_id=lot, reason=reason, kg=kg,
                now=self._tick(),
            ),
        )  # fmt: skip

    @rule(lot=lots, person=st.sampled_from(sorted(HANDLES)), tenths=TENTHS, off=st.booleans())
    def count(self, lot, person, tenths, off):
        seen = self.held[lot] + (3 if off else 0)  # off: shown before someone moved it
        if self.hub_of[lot] not in HANDLES[person]:
            expected = NotAllowed
        elif tenths == seen:
            expected = InvalidInput
        elif off:
            expected = CountChanged
        else:
            expected = tenths
        self._attempt(
            lot,
            expected,
            lambda s: act(
                self.db.factory, correct_count, person, lot_id=lot, counted_kg=tenths / 10,
                seen_kg=seen / 10, now=self._tick(),
            ),
        )  # fmt: skip

    def _taken(self, lot: int, tenths: int | None):
        """What the lot should hold after taking ``tenths`` (None: all), or the refusal."""
        if tenths == 0:
            return InvalidInput
        if tenths is None:
            return 0 if self.held[lot] > 0 else StockShort
        return self.held[lot] - tenths if tenths <= self.held[lot] else StockShort

    def _attempt(self, lot: int, expected, move) -> None:
        """Run the move in a session of its own; it must end as the model expects."""

        async def attempt():
            async with self.db.factory() as s:
                try:
                    return await move(s)
                except DomainError as refusal:
                    return refusal

        refused = isinstance(expected, type)
        before = self.db.run(self.db.footprint()) if refused else None
        result = self.db.run(attempt())
        if refused:
            assert isinstance(result, expected), (expected, result)
            if isinstance(result, StockShort):
                assert round(result.on_hand_kg * 10) == self.held[lot], "the true figure"
            assert self.db.run(self.db.footprint()) == before, "a refused move changed nothing"
            return
        assert not isinstance(result, DomainError), (expected, result)
        assert (result.lot_id, round(result.on_hand_kg * 10)) == (lot, expected)
        self.held[lot] = expected

    @invariant()
    def the_balance_holds_and_nothing_is_negative(self):
        async def read():
            async with self.db.factory() as s:
                lots = (await s.exec(select(StockLot).order_by(col(StockLot.id)))).all()
                return await stock_balances(s), await stock_problems(s), lots

        balances, problems, lots = self.db.run(read())
        assert all(b.holds for b in balances), [b for b in balances if not b.holds]
        assert problems == []  # the same per hub and category in words, lot by lot, none < 0
        assert {x.id: round(x.on_hand_kg * 10) for x in lots} == self.held
        assert all(x.on_hand_kg >= 0 for x in lots)


def test_random_moves_keep_the_balance(database_url, now):
    database = Database(database_url, now)
    try:
        StockMachine.database = database
        run_state_machine_as_test(
            StockMachine,
            settings=settings(
                max_examples=50,
                stateful_step_count=15,
                deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
            ),
        )
    finally:
        database.close()
