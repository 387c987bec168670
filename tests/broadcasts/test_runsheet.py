"""The morning run sheet: its contents, its messages, and exactly once per antenna and day,
across restarts, two schedulers and the daylight-saving changes."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from sqlalchemy import event, func
from sqlmodel import select

from bot.broadcasts.runsheet import render_sheet, utf16
from bot.callbacks import ClaimCb
from bot.emulator import parse_html
from bot.i18n import create_i18n
from logistics.broadcasts.runsheet import catch_up, claim_broadcast, queue_run_sheet, run_sheet
from logistics.clock import FixedClock
from scheduler.broadcasts import run_sheet_trigger, send_run_sheet, start_broadcasts
from scheduler.jobs import create_scheduler
from storage.models import (
    Antenna,
    Association,
    BroadcastLog,
    Category,
    Claim,
    Delivery,
    Donation,
    DonationItem,
    Member,
    Outbox,
    Receipt,
    Store,
)
from tests.harness import buttons, running_bot

BRUSSELS = ZoneInfo("Europe/Brussels")
GROUP, OTHER_GROUP = -1001000000001, -1001000000002
CLAIRE, SOFIE = 100001, 100004
TUESDAY = date(2026, 3, 10)


def local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=BRUSSELS).astimezone(UTC)


async def key_ids(s, model, *keys: str) -> list[int]:
    return [(await s.exec(select(model.id).where(model.key == k))).one() for k in keys]


async def add_pickup(s, store_key: str, start: datetime, status: str = "announced", **kw) -> int:
    """A pickup of one hour with bread (and yoghurt when ``cold``), a driver when given."""
    store = (await s.exec(select(Store).where(Store.key == store_key))).one()
    bread, dairy = await key_ids(s, Category, "pain", "produits-laitiers")
    donation = Donation(
        antenna_id=store.antenna_id,
        store_id=store.id,
        status=status,
        window_start=start,
        window_end=start + timedelta(hours=1),
        estimated_kg=12,
        created_at=start,
        updated_at=start,
    )
    s.add(donation)
    await s.flush()
    for n in range(kw.get("items", 1)):
        s.add(
            DonationItem(
                donation_id=donation.id,
                category_id=bread,
                label=f"b{n}",
                quantity=12,
                unit="kg",
                cold_chain="ambient",
                estimated_kg=12,
            )
        )
    if kw.get("cold"):
        s.add(
            DonationItem(
                donation_id=donation.id,
                category_id=dairy,
                quantity=3,
                unit="crate",
                cold_chain="chilled",
                estimated_kg=9,
            )
        )
    if driver := kw.get("driver"):
        member = (await s.exec(select(Member).where(Member.telegram_id == driver))).one()
        s.add(Claim(donation_id=donation.id, driver_id=member.id, claimed_at=start))
    if receipt := kw.get("receipt"):
        (place,) = await key_ids(s, Association, "epicerie-ixelles")
        delivery = Delivery(
            donation_id=donation.id,
            association_id=place,
            planned_kg=12,
            delivered_kg=12,
            delivered_at=start + timedelta(hours=2),
        )
        s.add(delivery)
        await s.flush()
        s.add(Receipt(delivery_id=delivery.id, status=receipt))
    await s.commit()
    return donation.id


def claim_ids(markup) -> list[int]:
    message = {"reply_markup": markup.model_dump() if markup else None}
    return [ClaimCb.unpack(data).donation_id for _, data in buttons(message)]


async def count(s, model, *where) -> int:
    return (await s.exec(select(func.count()).select_from(model).where(*where))).one()


async def test_contents_order_and_few_queries(settings, session_factory, engine):
    async with session_factory() as s:
        late = await add_pickup(s, "super-flagey", local(TUESDAY, 18))
        early = await add_pickup(
            s, "super-jourdan", local(TUESDAY, 8), "claimed", driver=SOFIE, cold=True
        )
        noon = await add_pickup(
            s, "boulangerie-chatelain", local(TUESDAY, 12), "picked_up", driver=SOFIE
        )
        for status in ("draft", "cancelled", "expired"):
            await add_pickup(s, "super-flagey", local(TUESDAY, 9), status)
        await add_pickup(s, "super-flagey", local(TUESDAY + timedelta(days=1), 0, 30))
        await add_pickup(s, "super-flagey", local(TUESDAY - timedelta(days=1), 23, 30))
        await add_pickup(s, "super-helmet", local(TUESDAY, 10))  # the other antenna
        waiting = await add_pickup(
            s,
            "super-jourdan",
            local(TUESDAY - timedelta(days=1), 14),
            "delivered",
            receipt="pending",
        )
        await add_pickup(
            s,
            "super-jourdan",
            local(TUESDAY - timedelta(days=1), 15),
            "delivered",
            receipt="confirmed",
        )
        await add_pickup(
            s,
            "super-jourdan",
            local(TUESDAY - timedelta(days=2), 15),
            "delivered",
            receipt="pending",
        )
        (ixelles,) = await key_ids(s, Antenna, "ixelles")
        statements = []

        def counted(*args) -> None:
            statements.append(args[2])

        event.listen(engine.sync_engine, "before_cursor_execute", counted)
        sheet = await run_sheet(s, antenna_id=ixelles, day=TUESDAY)
        event.remove(engine.sync_engine, "before_cursor_execute", counted)
    assert [p.id for p in sheet.pickups] == [early, noon, late]
    assert [p.donation.id for p in sheet.pending] == [waiting]
    assert len(statements) <= 9, "a fixed number of queries, none per pickup"

    i18n = create_i18n()
    (part,) = render_sheet(i18n, sheet, ("fr", "nl"))
    text = part.text
    assert text.index("Jourdan") < text.index("Châtelain") < text.index("Flagey")
    for words in (
        "Feuille de route du mardi 10 mars",
        "Ritblad van dinsdag 10 maart",
        "Pris par Sofie",
        "PERSONNE N'A PRIS",
        "NOG NIET OPGENOMEN",
        "frigorifique",
        "08:00–09:00",
        "Réceptions d'hier encore à confirmer",
        "Épicerie sociale",
    ):
        assert words.lower() in text.lower(), words
    assert claim_ids(part.reply_markup) == [late]


async def sixty_pickups(session_factory) -> int:
    async with session_factory() as s:
        for n in range(60):
            start = local(TUESDAY, 6 + n // 5, (n % 5) * 10)
            status, driver = ("claimed", SOFIE) if n % 3 == 0 else ("announced", None)
            await add_pickup(s, "super-flagey", start, status, driver=driver, items=4, cold=n % 2)
        (ixelles,) = await key_ids(s, Antenna, "ixelles")
    return ixelles


@pytest.mark.parametrize("languages", [("fr",), ("nl",), ("fr", "nl")])
async def test_a_long_sheet_is_split_between_pickups(settings, session_factory, languages):
    ixelles = await sixty_pickups(session_factory)
    async with session_factory() as s:
        sheet = await run_sheet(s, antenna_id=ixelles, day=TUESDAY)
    parts = render_sheet(create_i18n(), sheet, languages)
    assert len(parts) > 1
    shown, claimable = [], []
    for part in parts:
        visible, _ = parse_html(part.text)
        assert utf16(visible) <= 4096
        blocks = part.text.count("🕕 <b>")
        assert blocks % len(languages) == 0
        shown.append(blocks // len(languages))
        claimable += claim_ids(part.reply_markup)
    assert sum(shown) == 60
    assert claimable == [p.id for p in sheet.pickups if p.status == "announced"]


async def test_the_group_gets_every_part_once(settings, session_factory, fake_api, clock):
    fake_api.group(GROUP)
    ixelles = await sixty_pickups(session_factory)
    async with running_bot(settings, clock=clock) as app:
        async with session_factory() as s:
            assert await queue_run_sheet(s, antenna_id=ixelles, now=clock.now())
        app.dp["outbox"].wake()
        async with session_factory() as s:
            sheet = await run_sheet(s, antenna_id=ixelles, day=TUESDAY)
        expected = len(render_sheet(create_i18n(), sheet, ("fr", "nl")))
        await fake_api.wait_for(lambda: len(fake_api.sent(GROUP)) >= expected, timeout=20)
    # the bot has stopped: an extra part would still be pending in the outbox
    async with session_factory() as s:
        pending = Outbox.status == "pending"
        assert await count(s, Outbox, Outbox.chat_id == GROUP, pending) == 0
    messages = fake_api.sent(GROUP)
    assert len(messages) == expected
    assert "(partie 1 sur" in messages[0]["text"] and "(deel 2 van" in messages[1]["text"]
    assert sum(len(buttons(m)) for m in messages) == 40
    assert fake_api.refused == []


async def test_exactly_once_even_from_two_schedulers(settings, session_factory, clock):
    async with session_factory() as s:
        ixelles, schaerbeek = await key_ids(s, Antenna, "ixelles", "schaerbeek")
        assert await queue_run_sheet(s, antenna_id=ixelles, now=clock.now())
        assert not await queue_run_sheet(
            s, antenna_id=ixelles, now=clock.now() + timedelta(hours=1)
        )

    async def one_scheduler() -> bool:
        async with session_factory() as s:
            return await queue_run_sheet(s, antenna_id=schaerbeek, now=clock.now())

    assert sorted(await asyncio.gather(one_scheduler(), one_scheduler())) == [False, True]
    async with session_factory() as s:
        assert await count(s, BroadcastLog) == 2
        entries = (await s.exec(select(Outbox))).all()
        assert sorted(e.chat_id for e in entries) == sorted([GROUP, OTHER_GROUP])
        assert entries[0].payload["day"] == "2026-03-10"
        assert await claim_broadcast(s, antenna_id=ixelles, day=TUESDAY, kind="x", now=clock.now())
        assert not await claim_broadcast(
            s, antenna_id=ixelles, day=TUESDAY, kind="x", now=clock.now()
        )


@pytest.mark.parametrize(
    ("day", "utc_hour"),
    [
        (date(2026, 3, 29), 5),
        (date(2026, 10, 25), 6),
        (date(2027, 3, 28), 5),
        (date(2027, 10, 31), 6),
    ],
)
def test_seven_o_clock_stays_seven_o_clock(day, utc_hour):
    trigger = run_sheet_trigger(Antenna(key="a", name="A", run_sheet_time="07:00"))
    the_eve = datetime(day.year, day.month, day.day, 12, tzinfo=BRUSSELS) - timedelta(days=1)
    fire = trigger.get_next_fire_time(None, the_eve)
    assert fire.astimezone(BRUSSELS).replace(tzinfo=None) == datetime(
        day.year, day.month, day.day, 7
    )
    assert fire.astimezone(UTC).hour == utc_hour
    after = trigger.get_next_fire_time(fire, fire + timedelta(seconds=1))
    assert after.astimezone(BRUSSELS).hour == 7 and after.date() == day + timedelta(days=1)


async def test_the_autumn_hour_twice_sends_once(settings, session_factory):
    async with session_factory() as s:
        antenna = (await s.exec(select(Antenna).where(Antenna.key == "ixelles"))).one()
        antenna.run_sheet_time = "02:30"
        s.add(antenna)
        await s.commit()
        trigger = run_sheet_trigger(antenna)
        antenna_id = antenna.id
    first = trigger.get_next_fire_time(None, datetime(2026, 10, 24, 12, tzinfo=UTC))
    second = trigger.get_next_fire_time(first, first + timedelta(seconds=1))
    assert second.astimezone(UTC) - first.astimezone(UTC) == timedelta(hours=1), (
        "APScheduler fires in both 02:30s"
    )
    woken = []
    for fire in (first, second):
        await send_run_sheet(
            session_factory=session_factory,
            clock=FixedClock(fire),
            on_queued=lambda: woken.append(1),
            antenna_id=antenna_id,
        )
    async with session_factory() as s:
        assert await count(s, Outbox, Outbox.chat_id == GROUP) == 1
    assert woken == [1]


@pytest.mark.parametrize(("hour", "queued"), [(6, 0), (9, 2), (13, 0)])
async def test_catch_up_after_downtime(settings, session_factory, hour, queued):
    now = local(TUESDAY, hour)
    scheduler = AsyncIOScheduler(timezone=UTC)
    woken = []
    done = await start_broadcasts(
        scheduler,
        session_factory=session_factory,
        clock=FixedClock(now),
        on_queued=lambda: woken.append(1),
    )
    assert done == queued and len(woken) == min(queued, 1)
    assert {j.id for j in scheduler.get_jobs()} >= {"run-sheet:ixelles", "run-sheet:schaerbeek"}
    async with session_factory() as s:
        assert await catch_up(s, now=now + timedelta(minutes=5)) == 0, "never twice"
        assert await count(s, Outbox) == queued


async def test_the_started_scheduler_schedules_and_catches_up(settings, session_factory):
    woken = []
    caught_up = asyncio.Event()

    def on_queued() -> None:
        woken.append(1)
        caught_up.set()

    clock = FixedClock(local(TUESDAY, 8))
    scheduler = create_scheduler(session_factory=session_factory, clock=clock, on_queued=on_queued)
    scheduler.start(paused=True)
    try:
        await asyncio.wait_for(caught_up.wait(), timeout=10)
        job = scheduler.get_job("run-sheet:ixelles")
        assert job is not None and str(job.trigger.timezone) == "Europe/Brussels"
        assert woken == [1]
    finally:
        scheduler.shutdown(wait=False)
    async with session_factory() as s:
        assert await count(s, Outbox) == 2


async def test_runsheet_command(settings, session_factory, fake_api, clock):
    async with session_factory() as s:
        await add_pickup(s, "super-flagey", local(TUESDAY, 18))
    claire = fake_api.user(CLAIRE, language_code="fr")
    sofie = fake_api.user(SOFIE, language_code="nl")
    async with running_bot(settings, clock=clock):
        fake_api.send_text(claire, "/runsheet")
        await fake_api.wait_for(method="sendMessage", chat_id=CLAIRE)
        fake_api.send_text(sofie, "/runsheet")
        await fake_api.wait_for(method="sendMessage", chat_id=SOFIE)
    sheet = fake_api.last_message(CLAIRE)
    assert "Feuille de route du mardi 10 mars" in sheet["text"]
    assert "Ritblad" not in sheet["text"] and "Flagey" in sheet["text"]
    assert [d for _, d in buttons(sheet)] == [ClaimCb(donation_id=1).pack()]
    assert "ritblad is er voor de coördinatoren" in fake_api.last_message(SOFIE)["text"]
    assert fake_api.refused == []
