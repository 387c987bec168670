"""Recurring pickups: days open by themselves, stores are asked once, silence expires."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import event
from sqlmodel import col, select

from bot.callbacks import MAX_ID, SlotCb
from logistics.announcements.announce import announce, draft_from_text
from logistics.clock import FixedClock
from logistics.errors import AlreadyDone, NotAllowed
from logistics.people.identity import identify
from logistics.pickups.recurring import PROMPT_BEFORE, nothing_today, open_due_slots, slot_to_fill
from scheduler.jobs import RECURRING_SLOTS, REMINDERS, create_scheduler
from storage.models import (
    Antenna,
    AuditLog,
    Category,
    Claim,
    Donation,
    DonationItem,
    Member,
    Membership,
    Outbox,
    RecurringSlot,
    Store,
)

GROUP = -100
MIA, MAX, DANA, FRANK, COCO, SAM, SUE, NOBODY = 1001, 1002, 1003, 1004, 1005, 1006, 1007, 1999
TUESDAY, WEDNESDAY = date(2026, 3, 10), date(2026, 3, 11)


def brussels(day: int, hour: int, minute: int = 0, month: int = 3) -> datetime:
    """A wall-clock time in Brussels in 2026, as aware UTC."""
    local = datetime(2026, month, day, hour, minute, tzinfo=ZoneInfo("Europe/Brussels"))
    return local.astimezone(UTC)


@dataclass
class World:
    antenna: int
    flagey: int  # managed by Mia (and Sue, suspended)
    jourdan: int  # managed by Max
    closed: int  # an inactive store
    members: dict[int, int]  # telegram id → member id
    slots: dict[str, int]


@pytest.fixture
async def world(session_factory, now) -> World:
    """Flagey: Tue and Wed 19:00-19:30, and an inactive Tue noon slot; Jourdan: Tue 18:00-18:30;
    a closed store with a Tue slot. Dana drives (no refrigeration), Frank drives refrigerated,
    Coco coordinates, Sam has no role."""
    async with session_factory() as s:
        antenna = Antenna(key="a", name="A", group_chat_id=GROUP)
        s.add_all(
            [
                antenna,
                Category(key="pain", name_fr="Pain", name_nl="Brood"),
                Category(key="yaourt", name_fr="Yaourt", name_nl="Yoghurt", cold_chain="chilled"),
            ]
        )
        await s.flush()
        stores = {
            key: Store(key=key, antenna_id=antenna.id, name=key.title(), active=key != "closed")
            for key in ("flagey", "jourdan", "closed")
        }
        people = {
            t: Member(telegram_id=t, name=str(t), created_at=now, opened_at=now)
            for t in range(1001, 1008)
        }
        people[FRANK].vehicle_refrigerated = True
        s.add_all([*stores.values(), *people.values()])
        await s.flush()
        roles = [
            (MIA, "store_manager", "flagey", "active"),
            (SUE, "store_manager", "flagey", "suspended"),
            (MAX, "store_manager", "jourdan", "active"),
            (DANA, "driver", None, "active"),
            (FRANK, "driver", None, "active"),
            (COCO, "coordinator", None, "active"),
        ]
        s.add_all(
            Membership(
                member_id=people[t].id,
                antenna_id=antenna.id,
                role=role,
                store_id=stores[store].id if store else None,
                status=status,
                created_at=now,
            )
            for t, role, store, status in roles
        )
        slots = {
            "flagey-tue": RecurringSlot(
                store_id=stores["flagey"].id, weekday=1, window_start="19:00", window_end="19:30"
            ),
            "flagey-wed": RecurringSlot(
                store_id=stores["flagey"].id, weekday=2, window_start="19:00", window_end="19:30"
            ),
            "flagey-noon": RecurringSlot(
                store_id=stores["flagey"].id,
                weekday=1,
                window_start="12:00",
                window_end="12:30",
                active=False,
            ),
            "jourdan-tue": RecurringSlot(
                store_id=stores["jourdan"].id, weekday=1, window_start="18:00", window_end="18:30"
            ),
            "closed-tue": RecurringSlot(
                store_id=stores["closed"].id, weekday=1, window_start="19:00", window_end="19:30"
            ),
        }
        s.add_all(slots.values())
        await s.commit()
        return World(
            antenna=antenna.id,
            flagey=stores["flagey"].id,
            jourdan=stores["jourdan"].id,
            closed=stores["closed"].id,
            members={t: m.id for t, m in people.items()},
            slots={key: slot.id for key, slot in slots.items()},
        )


async def open_at(sf, when: datetime) -> list[int]:
    async with sf() as s:
        return await open_due_slots(s, now=when)


async def rows(sf, model, *where) -> list:
    async with sf() as s:
        return list((await s.exec(select(model).where(*where).order_by(model.id))).all())


async def day_of(sf, slot_id: int, day: date) -> Donation:
    [donation] = await rows(
        sf, Donation, Donation.recurring_slot_id == slot_id, Donation.service_day == day
    )
    return donation


async def prompts(sf) -> list[tuple[int, int]]:
    """(chat, donation) of every slot question queued."""
    return [
        (o.chat_id, o.payload["donation_id"])
        for o in await rows(sf, Outbox)
        if o.payload["kind"] == "slot_prompt"
    ]


# --- Opening ------------------------------------------------------------------------------


async def test_today_and_tomorrow_open_as_drafts_once(session_factory, world, now):
    opened = await open_at(session_factory, now)

    donations = await rows(session_factory, Donation)
    assert sorted(opened) == [d.id for d in donations]
    assert {(d.recurring_slot_id, d.service_day) for d in donations} == {
        (world.slots["flagey-tue"], TUESDAY),
        (world.slots["flagey-wed"], WEDNESDAY),
        (world.slots["jourdan-tue"], TUESDAY),
    }
    tuesday = await day_of(session_factory, world.slots["flagey-tue"], TUESDAY)
    assert (tuesday.status, tuesday.estimated_kg, tuesday.prompted_at) == ("draft", 0, None)
    assert (tuesday.antenna_id, tuesday.store_id) == (world.antenna, world.flagey)
    assert (tuesday.window_start, tuesday.window_end) == (brussels(10, 19), brussels(10, 19, 30))
    audit = await rows(session_factory, AuditLog)
    assert sorted((a.action, a.entity_id) for a in audit) == [
        ("donation.opened", d.id) for d in donations
    ]

    assert await open_at(session_factory, now + timedelta(minutes=5)) == []
    assert len(await rows(session_factory, Donation)) == 3
    assert await prompts(session_factory) == []  # 10:00: nobody is asked yet


async def test_a_window_already_over_is_not_opened(session_factory, world):
    opened = await open_at(session_factory, brussels(10, 20))

    [wednesday] = await rows(session_factory, Donation)
    assert opened == [wednesday.id]
    assert wednesday.service_day == WEDNESDAY


async def test_concurrent_runs_open_each_day_once(session_factory, world, now):
    results = await asyncio.gather(*(open_at(session_factory, now) for _ in range(4)))

    donations = await rows(session_factory, Donation)
    assert len(donations) == 3
    assert sorted(i for ids in results for i in ids) == [d.id for d in donations]


async def test_concurrent_runs_ask_each_store_once(session_factory, world):
    at = brussels(10, 16, 30)
    await asyncio.gather(*(open_at(session_factory, at) for _ in range(4)))

    flagey = await day_of(session_factory, world.slots["flagey-tue"], TUESDAY)
    jourdan = await day_of(session_factory, world.slots["jourdan-tue"], TUESDAY)
    assert sorted(await prompts(session_factory)) == [(MIA, flagey.id), (MAX, jourdan.id)]


async def test_windows_follow_the_local_clock_across_the_spring_change(session_factory, world, now):
    async with session_factory() as s:
        s.add_all(
            RecurringSlot(store_id=world.flagey, weekday=weekday, window_start=a, window_end=b)
            for weekday, a, b in [
                (5, "19:00", "19:30"),
                (6, "19:00", "19:30"),
                (6, "02:30", "03:00"),
            ]
        )
        await s.commit()

    await open_at(session_factory, brussels(28, 12))  # Saturday; clocks go forward on Sunday

    donations = await rows(session_factory, Donation)
    assert [(d.service_day, d.window_start, d.window_end) for d in donations] == [
        (date(2026, 3, 28), datetime(2026, 3, 28, 18, tzinfo=UTC), brussels(28, 19, 30)),
        (date(2026, 3, 29), datetime(2026, 3, 29, 17, tzinfo=UTC), brussels(29, 19, 30)),
    ]  # 02:30-03:00 does not exist that night: no pickup is made of it


# --- Asking the stores --------------------------------------------------------------------


async def test_each_store_is_asked_once_when_due(session_factory, world, now):
    await open_at(session_factory, now)
    flagey = await day_of(session_factory, world.slots["flagey-tue"], TUESDAY)
    jourdan = await day_of(session_factory, world.slots["jourdan-tue"], TUESDAY)

    await open_at(session_factory, brussels(10, 18) - PROMPT_BEFORE - timedelta(minutes=1))
    assert await prompts(session_factory) == []

    await open_at(session_factory, brussels(10, 15, 30))  # 2h30 before Jourdan, 3h30 before Flagey
    assert await prompts(session_factory) == [(MAX, jourdan.id)]

    await open_at(session_factory, brussels(10, 16))
    await open_at(session_factory, brussels(10, 16, 5))
    assert await prompts(session_factory) == [(MAX, jourdan.id), (MIA, flagey.id)]  # not Sue
    [entry] = [o for o in await rows(session_factory, Outbox) if o.chat_id == MIA]
    assert entry.payload == {"kind": "slot_prompt", "donation_id": flagey.id}
    assert (await day_of(session_factory, flagey.recurring_slot_id, TUESDAY)).prompted_at == (
        brussels(10, 16)
    )


async def test_a_day_opened_late_is_asked_at_once(session_factory, world):
    await open_at(session_factory, brussels(10, 18, 45))

    flagey = await day_of(session_factory, world.slots["flagey-tue"], TUESDAY)
    assert await prompts(session_factory) == [(MIA, flagey.id)]


async def test_unanswered_days_expire_after_their_window(session_factory, world, now):
    await open_at(session_factory, now)
    flagey = await day_of(session_factory, world.slots["flagey-tue"], TUESDAY)
    jourdan = await day_of(session_factory, world.slots["jourdan-tue"], TUESDAY)

    await open_at(session_factory, brussels(10, 18, 30))
    assert (await rows(session_factory, Donation, Donation.id == jourdan.id))[0].status == "expired"
    await open_at(session_factory, brussels(10, 19, 30))

    statuses = {d.id: d.status for d in await rows(session_factory, Donation)}
    wednesday = await day_of(session_factory, world.slots["flagey-wed"], WEDNESDAY)
    assert statuses == {flagey.id: "expired", jourdan.id: "expired", wednesday.id: "draft"}
    expired = await rows(session_factory, AuditLog, AuditLog.action == "donation.expired")
    assert sorted(a.entity_id for a in expired) == sorted([flagey.id, jourdan.id])
    assert (MIA, flagey.id) in await prompts(session_factory)  # asked at 18:30, before expiry


# --- Nothing today ------------------------------------------------------------------------


async def say_nothing(sf, telegram_id: int, donation_id: int, now: datetime) -> None:
    async with sf() as s:
        identity = await identify(s, telegram_id=telegram_id)
        await nothing_today(s, donation_id=donation_id, identity=identity, now=now)


async def test_the_store_says_nothing_today(session_factory, world, now):
    await open_at(session_factory, now)
    flagey = await day_of(session_factory, world.slots["flagey-tue"], TUESDAY)

    await say_nothing(session_factory, MIA, flagey.id, now)

    assert (await day_of(session_factory, flagey.recurring_slot_id, TUESDAY)).status == "cancelled"
    [audit] = await rows(session_factory, AuditLog, AuditLog.action == "donation.nothing_today")
    assert (audit.actor_id, audit.entity_id) == (world.members[MIA], flagey.id)
    with pytest.raises(AlreadyDone):
        await say_nothing(session_factory, MIA, flagey.id, now)
    await open_at(session_factory, brussels(10, 16, 30))
    assert (MIA, flagey.id) not in await prompts(session_factory)


async def test_a_coordinator_may_say_it_for_the_store(session_factory, world, now):
    await open_at(session_factory, now)
    jourdan = await day_of(session_factory, world.slots["jourdan-tue"], TUESDAY)

    await say_nothing(session_factory, COCO, jourdan.id, now)

    [audit] = await rows(session_factory, AuditLog, AuditLog.action == "donation.nothing_today")
    assert (audit.actor_id, audit.detail) == (world.members[COCO], {"on_behalf": True})


@pytest.mark.parametrize("who", [MAX, SUE, DANA, SAM, NOBODY])
async def test_only_the_store_or_a_coordinator_says_nothing_today(session_factory, world, now, who):
    await open_at(session_factory, now)
    flagey = await day_of(session_factory, world.slots["flagey-tue"], TUESDAY)
    audit_before = await rows(session_factory, AuditLog)

    with pytest.raises(NotAllowed):
        await say_nothing(session_factory, who, flagey.id, now)
    async with session_factory() as s:
        with pytest.raises(NotAllowed):
            await slot_to_fill(
                s, donation_id=flagey.id, identity=await identify(s, telegram_id=who)
            )

    assert (await day_of(session_factory, flagey.recurring_slot_id, TUESDAY)).status == "draft"
    assert await rows(session_factory, AuditLog) == audit_before


# --- Giving the quantities ----------------------------------------------------------------


async def fill(sf, telegram_id: int, donation_id: int, text: str, now: datetime) -> int:
    async with sf() as s:
        identity = await identify(s, telegram_id=telegram_id)
        store_id = await slot_to_fill(s, donation_id=donation_id, identity=identity)
        draft = await draft_from_text(
            s, identity=identity, store_id=store_id, text=text, now=now, donation_id=donation_id
        )
        assert draft.ready, draft
        return await announce(s, identity=identity, draft=draft, now=now)


async def test_the_quantities_fill_the_day_in_its_usual_window(session_factory, world, now):
    await open_at(session_factory, now)
    wednesday = await day_of(session_factory, world.slots["flagey-wed"], WEDNESDAY)

    assert await fill(session_factory, MIA, wednesday.id, "15 kg pain", now) == wednesday.id

    [filled] = await rows(session_factory, Donation, Donation.id == wednesday.id)
    assert (filled.status, filled.estimated_kg) == ("announced", 15)
    assert (filled.window_start, filled.window_end) == (brussels(11, 19), brussels(11, 19, 30))
    assert len(await rows(session_factory, Donation)) == 3
    with pytest.raises(AlreadyDone):
        await fill(session_factory, MIA, wednesday.id, "15 kg pain", now)


async def test_a_written_window_keeps_the_day_of_the_slot(session_factory, world, now):
    await open_at(session_factory, now)
    wednesday = await day_of(session_factory, world.slots["flagey-wed"], WEDNESDAY)

    await fill(session_factory, MIA, wednesday.id, "15 kg pain 17h-18h", now)

    [filled] = await rows(session_factory, Donation, Donation.id == wednesday.id)
    assert (filled.window_start, filled.window_end) == (brussels(11, 17), brussels(11, 18))


async def hold(sf, world: World, slot: str, telegram_id: int) -> None:
    async with sf() as s:
        (await s.get(RecurringSlot, world.slots[slot])).standing_driver_id = world.members[
            telegram_id
        ]
        await s.commit()


async def test_the_standing_driver_gets_the_announced_day(session_factory, world, now):
    await hold(session_factory, world, "flagey-tue", DANA)
    async with session_factory() as s:  # Dana is at the antenna's cap: it does not apply here
        (await s.get(Antenna, world.antenna)).max_claims_per_day = 1
        await s.commit()
    await open_at(session_factory, now)
    other = await day_of(session_factory, world.slots["jourdan-tue"], TUESDAY)
    async with session_factory() as s:
        s.add(Claim(donation_id=other.id, driver_id=world.members[DANA], claimed_at=now))
        await s.commit()
    flagey = await day_of(session_factory, world.slots["flagey-tue"], TUESDAY)

    await fill(session_factory, MIA, flagey.id, "15 kg pain", now)

    [filled] = await rows(session_factory, Donation, Donation.id == flagey.id)
    assert filled.status == "claimed"
    [claim] = await rows(session_factory, Claim, Claim.donation_id == flagey.id)
    assert (claim.driver_id, claim.on_behalf_of_id, claim.released_at) == (
        world.members[DANA],
        None,
        None,
    )
    [audit] = await rows(session_factory, AuditLog, AuditLog.action == "claim.standing")
    assert (audit.actor_id, audit.entity_id, audit.detail) == (
        None,
        flagey.id,
        {"driver_id": world.members[DANA]},
    )
    kinds = [o.payload["kind"] for o in await rows(session_factory, Outbox)]
    assert "donation_offer" not in kinds and "donation_card" in kinds


async def test_a_standing_driver_without_refrigeration_leaves_chilled_food_open(
    session_factory, world, now
):
    await hold(session_factory, world, "flagey-tue", DANA)
    await open_at(session_factory, now)
    flagey = await day_of(session_factory, world.slots["flagey-tue"], TUESDAY)

    await fill(session_factory, MIA, flagey.id, "5 kg yaourt", now)

    [filled] = await rows(session_factory, Donation, Donation.id == flagey.id)
    assert filled.status == "announced"
    assert await rows(session_factory, Claim) == []
    offers = [
        o for o in await rows(session_factory, Outbox) if o.payload["kind"] == "donation_offer"
    ]
    assert [o.chat_id for o in offers] == [FRANK]


# --- Cost and scheduling ------------------------------------------------------------------


async def _more_stores(sf, world: World, now: datetime, count: int) -> None:
    async with sf() as s:
        stores = [
            Store(key=f"extra-{i}", antenna_id=world.antenna, name=f"Extra {i}")
            for i in range(count)
        ]
        managers = [
            Member(telegram_id=9000 + i, created_at=now, opened_at=now) for i in range(count)
        ]
        s.add_all([*stores, *managers])
        await s.flush()
        for store, manager in zip(stores, managers, strict=True):
            s.add_all(
                [
                    Membership(
                        member_id=manager.id,
                        antenna_id=world.antenna,
                        role="store_manager",
                        store_id=store.id,
                        created_at=now,
                    ),
                    *(
                        RecurringSlot(
                            store_id=store.id, weekday=d, window_start="18:00", window_end="18:30"
                        )
                        for d in (3, 4)  # Thursdays and Fridays
                    ),
                ]
            )
        await s.commit()


async def test_the_number_of_queries_does_not_grow_with_the_slots(
    session_factory, engine, world, now
):
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args) -> None:
        if not statement.startswith("INSERT INTO outbox"):  # one row per message, as everywhere
            statements.append(statement)

    async def queries(when: datetime) -> int:
        statements.clear()
        event.listen(engine.sync_engine, "before_cursor_execute", count)
        try:
            await open_at(session_factory, when)
        finally:
            event.remove(engine.sync_engine, "before_cursor_execute", count)
        return len(statements)

    async with session_factory() as s:
        s.add(
            RecurringSlot(
                store_id=world.flagey, weekday=3, window_start="19:00", window_end="19:30"
            )
        )
        await s.commit()
    await open_at(session_factory, now)  # Tuesday and Wednesday

    few = await queries(brussels(11, 16))  # expires 2 Tuesdays, opens 1 Thursday, asks 1 store
    await _more_stores(session_factory, world, now, 30)
    many = await queries(brussels(12, 16))  # expires 1 Wednesday, opens 60 days, asks 31 stores
    assert few <= 10
    assert many == few
    assert len(await prompts(session_factory)) == 1 + 31


async def test_the_job_is_registered_and_runs_the_rule(session_factory, world, now):
    woken: list[bool] = []
    scheduler = create_scheduler(
        session_factory=session_factory, clock=FixedClock(now), on_queued=lambda: woken.append(True)
    )
    job = scheduler.get_job(RECURRING_SLOTS)

    assert job.trigger.interval == timedelta(minutes=5)
    assert (job.coalesce, job.max_instances) == (True, 1)
    assert [j.id for j in scheduler.get_jobs()] == [RECURRING_SLOTS, REMINDERS]

    await job.func(*job.args, **job.kwargs)
    assert woken == [True]
    assert len(await rows(session_factory, Donation, col(Donation.status) == "draft")) == 3


def test_the_answer_buttons_fit_in_telegram_callback_data():
    for action in ("none", "qty"):
        packed = SlotCb(donation_id=MAX_ID, action=action).pack()
        assert len(packed.encode()) <= 64
        assert SlotCb.unpack(packed) == SlotCb(donation_id=MAX_ID, action=action)


async def test_nothing_today_pressed_while_the_quantities_are_confirmed_wins(
    session_factory, world, now, monkeypatch
):
    """'Nothing today' lands between announce's read of the day and its write: the write
    must not revive the cancelled day."""
    import logistics.announcements.announce as announcing

    await open_at(session_factory, now)
    wednesday = await day_of(session_factory, world.slots["flagey-wed"], WEDNESDAY)
    async with session_factory() as s:
        identity = await identify(s, telegram_id=MIA)
        draft = await draft_from_text(
            s, identity=identity, store_id=wednesday.store_id, text="15 kg pain", now=now,
            donation_id=wednesday.id,
        )  # fmt: skip
        stale = await s.get(Donation, wednesday.id)  # read while still a draft

        async def read_then_interleave(session, donation_id, store_id):
            await say_nothing(session_factory, MIA, donation_id, now)
            return stale

        monkeypatch.setattr(announcing, "_opened_slot", read_then_interleave)
        with pytest.raises(AlreadyDone):
            await announce(s, identity=identity, draft=draft, now=now)
    [day] = await rows(session_factory, Donation, Donation.id == wednesday.id)
    assert day.status == "cancelled"
    assert await rows(session_factory, DonationItem) == []
