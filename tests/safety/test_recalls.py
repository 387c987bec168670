"""Recalls as rules: who may start one, which places received the food (kg as the matching
items' share of each delivery, first and last time), notices written and answered once, a
reminder after 2 hours and the coordinators told 2 hours later, each once."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlmodel import col, select

from logistics.errors import AlreadyDone, InvalidInput, NotAllowed
from logistics.people.identity import identify
from logistics.safety.recall_followups import due_recall_followups
from logistics.safety.recall_matches import RecallQuery
from logistics.safety.recall_views import recall_view, recalls_in_progress
from logistics.safety.recalls import answer_notice, confirm_recall, preview_recall
from storage.food_safety import RecallNotice
from storage.models import AuditLog, Category, Outbox, Store
from tests.broadcasts.test_runsheet import local
from tests.safety.recall_history import ids, received

CLAIRE, JORIS, MARC, SOFIE, ANNE, PIETER = 100001, 100002, 100003, 100004, 100006, 100008
MONDAY, SUNDAY = date(2026, 3, 9), date(2026, 3, 8)


async def history(session) -> None:
    """Yoghurts of lot L42 reached the épicerie (Monday and Sunday), the restaurant (Monday)
    and the hub (Monday); another store's yoghurts and older ones reached the épicerie too."""
    await received(
        session,
        store="super-flagey",
        at=local(MONDAY, 20),
        stops=[("epicerie-ixelles", 30), ("resto-etterbeek", 10)],
        items=[
            ("produits-laitiers", "Yaourts nature", 20, "L42"),
            ("pain", "Pain gris", 20, None),
        ],
    )
    await received(
        session,
        store="super-flagey",
        at=local(SUNDAY, 19),
        stops=[("epicerie-ixelles", 8)],
        items=[("produits-laitiers", "yaourts aux fruits", 8, "l42")],
    )
    await received(
        session,
        store="super-flagey",
        at=local(MONDAY, 21),
        stops=[("hub-ixelles", 5)],
        items=[("produits-laitiers", "YAOURTS", 5, "L42"), ("pain", "Baguettes", 5, None)],
    )
    await received(
        session,
        store="super-jourdan",
        at=local(MONDAY, 20),
        stops=[("epicerie-ixelles", 12)],
        items=[("produits-laitiers", "Yaourts nature", 12, "L42")],
    )
    await received(
        session,
        store="super-flagey",
        at=local(date(2026, 3, 1), 20),
        stops=[("epicerie-ixelles", 9)],
        items=[("produits-laitiers", "Yaourts nature", 9, "L42")],
    )


async def query(session, **change) -> RecallQuery:
    store = (await session.exec(select(Store).where(Store.key == "super-flagey"))).one()
    values = dict(
        antenna_id=store.antenna_id,
        store_id=store.id,
        received_from=date(2026, 3, 4),
        received_to=date(2026, 3, 10),
        product="yaourts",
    )
    values.update(change)
    return RecallQuery(**values)


async def test_the_places_that_received_it_with_kg_and_times(settings, session_factory):
    async with session_factory() as s:
        await history(s)
        claire = await identify(s, telegram_id=CLAIRE)
        places = await preview_recall(s, identity=claire, query=await query(s))
        assert [(p.name, p.kg) for p in places] == [
            ("Restaurant social Exemple Etterbeek", 5.0),  # half of its 10 kg
            ("Épicerie sociale Exemple Ixelles", 23.0),  # 15 of 30 on Monday, 8 on Sunday
            ("Hub Exemple Ixelles", 2.5),
        ]
        epicerie = places[1]
        assert (epicerie.first_received_at, epicerie.last_received_at) == (
            local(SUNDAY, 19),
            local(MONDAY, 20),
        )
        # by category, by lot, by days
        dairy = await ids(s, Category, "produits-laitiers")
        by_category = await preview_recall(
            s, identity=claire, query=await query(s, product=None, category_id=dairy)
        )
        assert [p.kg for p in by_category] == [5.0, 23.0, 2.5]
        other_lot = await preview_recall(s, identity=claire, query=await query(s, lot="L43"))
        assert other_lot == []
        monday = await preview_recall(
            s, identity=claire, query=await query(s, received_from=MONDAY, lot=" l42 ")
        )
        assert [p.kg for p in monday] == [5.0, 15.0, 2.5]
        assert (await s.exec(select(RecallNotice))).all() == []  # a preview writes nothing


async def test_who_may_start_a_recall(settings, session_factory):
    async with session_factory() as s:
        await history(s)
        marc = await identify(s, telegram_id=MARC)
        assert len(await preview_recall(s, identity=marc, query=await query(s))) == 3
        jourdan = await ids(s, Store, "super-jourdan")
        for person, q in (
            (marc, await query(s, store_id=jourdan)),  # another store's
            (await identify(s, telegram_id=SOFIE), await query(s)),
            (await identify(s, telegram_id=ANNE), await query(s)),
            (await identify(s, telegram_id=JORIS), await query(s)),
            (await identify(s, telegram_id=555), await query(s)),
        ):
            with pytest.raises(NotAllowed):
                await preview_recall(s, identity=person, query=q)
            with pytest.raises(NotAllowed):
                await confirm_recall(s, identity=person, query=q, now=local(MONDAY, 23))
        for bad in (
            await query(s, product=None),
            await query(s, received_from=date(2026, 3, 11)),
            await query(s, product="y"),
        ):
            with pytest.raises(InvalidInput):
                await preview_recall(s, identity=marc, query=bad)


async def outbox(session, kind: str) -> list[Outbox]:
    rows = (await session.exec(select(Outbox).order_by(col(Outbox.id)))).all()
    return [r for r in rows if r.payload["kind"] == kind]


async def test_notices_answered_once_reminded_then_escalated(settings, session_factory, clock):
    now = clock.now()
    async with session_factory() as s:
        await history(s)
        claire = await identify(s, telegram_id=CLAIRE)
        done = await confirm_recall(s, identity=claire, query=await query(s), now=now)
        notices = (await s.exec(select(RecallNotice).order_by(col(RecallNotice.id)))).all()
        assert [n.kg for n in notices] == [5.0, 23.0, 2.5]
        sent = await outbox(s, "recall_notice")
        assert sorted(e.chat_id for e in sent) == [CLAIRE, ANNE, PIETER]  # the hub: Claire
        assert done.queued == 3
        resto, epicerie, hub = (n.id for n in notices)

        anne = await identify(s, telegram_id=ANNE)
        pieter = await identify(s, telegram_id=PIETER)
        with pytest.raises(NotAllowed):  # another association's notice
            await answer_notice(s, notice_id=resto, answer="seen", identity=anne, now=now)
        with pytest.raises(NotAllowed):  # a hub's notice: coordinators only
            await answer_notice(s, notice_id=hub, answer="seen", identity=anne, now=now)
        await answer_notice(s, notice_id=epicerie, answer="seen", identity=anne, now=now)
        with pytest.raises(AlreadyDone):
            await answer_notice(s, notice_id=epicerie, answer="set_aside", identity=anne, now=now)
        await answer_notice(s, notice_id=resto, answer="set_aside", identity=pieter, now=now)
        audit = (await s.exec(select(AuditLog).where(AuditLog.action == "recall.answered"))).all()
        assert len(audit) == 2

    async def run(at) -> int:
        async with session_factory() as s:
            return await due_recall_followups(s, now=at)

    assert await run(now + timedelta(hours=2) - timedelta(minutes=1)) == 0
    assert await run(now + timedelta(hours=2)) == 1  # the hub's notice, to Claire
    assert await run(now + timedelta(hours=3)) == 0
    assert await run(now + timedelta(hours=4)) == 1  # Claire told it is overdue
    assert await run(now + timedelta(hours=9)) == 0
    async with session_factory() as s:
        assert [e.payload["notice_id"] for e in await outbox(s, "recall_reminder")] == [hub]
        assert [e.chat_id for e in await outbox(s, "recall_overdue")] == [CLAIRE]
        claire = await identify(s, telegram_id=CLAIRE)
        [listed] = await recalls_in_progress(s, claire, now=now + timedelta(hours=4))
        assert listed.answered == 2 and [n.answer for n in listed.notices] == [
            "set_aside",
            "seen",
            None,
        ]
        marc = await identify(s, telegram_id=MARC)
        assert (await recall_view(s, done.recall_id, marc)).id == done.recall_id
        with pytest.raises(NotAllowed):
            await recall_view(s, done.recall_id, await identify(s, telegram_id=JORIS))


async def test_the_follow_up_reads_only_waiting_notices_by_index(settings, engine, session_factory):
    """The periodic pass reaches the unanswered notices through ix_recall_notice_waiting."""
    from sqlalchemy import event

    captured: list[tuple[str, object]] = []

    def capture(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("SELECT") and "recall_notice" in statement:
            captured.append((statement, parameters))

    event.listen(engine.sync_engine, "before_cursor_execute", capture)
    async with session_factory() as s:
        await due_recall_followups(s, now=local(MONDAY, 12))
    event.remove(engine.sync_engine, "before_cursor_execute", capture)
    assert len(captured) == 2
    async with session_factory() as s:
        connection = await s.connection()
        for statement, parameters in captured:
            if connection.dialect.name == "sqlite":
                explained = "EXPLAIN QUERY PLAN " + statement
                rows = await connection.exec_driver_sql(explained, parameters)
                plan = [row[-1] for row in rows.all()]
                assert any("ix_recall_notice_waiting" in line for line in plan), plan
                assert not any(line.startswith("SCAN recall_notice") for line in plan), plan
