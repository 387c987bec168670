"""The rules behind the views of the weekly slots' days: whose they are is read from the slot
as it is now, the weeks ahead keep the slot's local time, and the reads take a fixed number of
queries however many slots a driver holds."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import event
from sqlmodel import col, select

from logistics.broadcasts.runsheet import todays_run_sheet
from logistics.people.identity import identify
from logistics.pickups.calendar import CalendarPickup, SlotWeek, driver_calendar
from logistics.pickups.claims import drop_standing_claim, set_standing_claim
from logistics.pickups.driver_lists import antenna_pickups, my_pickups
from logistics.pickups.recurring import open_due_slots
from logistics.pickups.slots import remove_slot
from storage.models import Antenna, Donation, RecurringSlot, Store

LUCAS, SOFIE, CLAIRE, JORIS = 100007, 100004, 100001, 100002
TUESDAY = 1


async def tuesday_slots(s, *store_keys: str) -> list[int]:
    rows = await s.exec(
        select(RecurringSlot.id)
        .join(Store, col(Store.id) == RecurringSlot.store_id)
        .where(col(Store.key).in_(store_keys), RecurringSlot.weekday == TUESDAY)
        .order_by(col(RecurringSlot.id))
    )
    return list(rows.all())


async def hold(s, telegram_id: int, slot_ids: list[int], now: datetime) -> None:
    identity = await identify(s, telegram_id=telegram_id)
    for slot_id in slot_ids:
        await set_standing_claim(s, slot_id=slot_id, identity=identity, now=now)


async def test_the_days_are_the_holders_while_they_hold_the_slot(settings, session_factory, now):
    async with session_factory() as s:
        [jourdan] = await tuesday_slots(s, "super-jourdan")
        await hold(s, LUCAS, [jourdan], now)
        await open_due_slots(s, now=now)
        today = (await s.exec(select(Donation).where(Donation.recurring_slot_id == jourdan))).one()
        lucas, sofie = await identify(s, telegram_id=LUCAS), await identify(s, telegram_id=SOFIE)
        assert await my_pickups(s, identity=lucas) == [today.id]
        assert await my_pickups(s, identity=sofie) == []
        entries = await driver_calendar(s, identity=lucas, now=now)
        assert isinstance(entries[0], CalendarPickup) and entries[0].view.id == today.id
        weeks = [e for e in entries if isinstance(e, SlotWeek)]
        assert [w.day.isoformat() for w in weeks] == [
            "2026-03-17",
            "2026-03-24",
            "2026-03-31",
            "2026-04-07",
            "2026-04-14",
            "2026-04-21",
            "2026-04-28",
        ]
        # 19:00 in Brussels: 18:00 UTC in winter, 17:00 UTC after the last Sunday of March
        assert [w.window_start.astimezone(UTC).hour for w in weeks[:3]] == [18, 18, 17]
        assert await driver_calendar(s, identity=sofie, now=now) == []

        await drop_standing_claim(s, slot_id=jourdan, identity=lucas, now=now)
        assert await my_pickups(s, identity=lucas) == []
        assert await driver_calendar(s, identity=lucas, now=now) == []
        await hold(s, SOFIE, [jourdan], now)
        assert await my_pickups(s, identity=sofie) == [today.id]
        claire = await identify(s, telegram_id=CLAIRE)
        await remove_slot(s, slot_id=jourdan, identity=claire, now=now)
        assert await my_pickups(s, identity=sofie) == []
        assert await driver_calendar(s, identity=sofie, now=now) == []


async def test_the_sheet_and_pickups_keep_to_their_antenna(settings, session_factory, now):
    async with session_factory() as s:
        await open_due_slots(s, now=now)
        ixelles = (await s.exec(select(Antenna.id).where(Antenna.key == "ixelles"))).one()
        schaerbeek = (await s.exec(select(Antenna.id).where(Antenna.key == "schaerbeek"))).one()
        sheet = await todays_run_sheet(s, antenna_id=ixelles, now=now)
        stores = [v.store_name for v in sheet.pickups]
        assert stores == [
            "Boulangerie Exemple Châtelain",
            "Supermarché Exemple Flagey",
            "Supermarché Exemple Jourdan",
        ]
        assert {v.status for v in sheet.pickups} == {"draft"} and sheet.nothing_today == ()
        other = await todays_run_sheet(s, antenna_id=schaerbeek, now=now)
        assert [v.store_name for v in other.pickups] == ["Supermarché Exemple Helmet"]
        claire, joris = await identify(s, telegram_id=CLAIRE), await identify(s, telegram_id=JORIS)
        mine = await antenna_pickups(s, identity=claire, now=now)
        theirs = await antenna_pickups(s, identity=joris, now=now)
        assert mine and theirs and not set(mine) & set(theirs)
        lucas = await identify(s, telegram_id=LUCAS)
        assert await antenna_pickups(s, identity=lucas, now=now) == [], "coordinators only"


async def test_a_fixed_number_of_queries_whatever_the_slots_held(
    settings, session_factory, engine, now
):
    async def queries(telegram_id: int) -> int:
        statements: list[str] = []

        def counted(*args) -> None:
            statements.append(args[2])

        async with session_factory() as s:
            identity = await identify(s, telegram_id=telegram_id)
            event.listen(engine.sync_engine, "before_cursor_execute", counted)
            await driver_calendar(s, identity=identity, now=now)
            await my_pickups(s, identity=identity)
            event.remove(engine.sync_engine, "before_cursor_execute", counted)
        return len(statements)

    async with session_factory() as s:
        slots = await tuesday_slots(s, "super-jourdan", "super-flagey", "boulangerie-chatelain")
        await hold(s, LUCAS, slots[:1], now)
        await hold(s, SOFIE, slots[1:], now)
        await open_due_slots(s, now=now)
        await open_due_slots(s, now=now + timedelta(days=1))
    assert await queries(LUCAS) == await queries(SOFIE)
