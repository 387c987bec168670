"""The evening summary: its figures against totals computed here from the rows inserted, its
local day boundaries (across the autumn change too), exactly once, its wording, /summary."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from sqlalchemy import event, func
from sqlmodel import select

from bot.broadcasts.summary import render_summary
from bot.formatting import kg as format_kg
from bot.formatting import number
from bot.i18n import create_i18n
from logistics.broadcasts.summary import queue_summary, summary
from logistics.clock import FixedClock
from scheduler.broadcasts import start_broadcasts, summary_trigger
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
from tests.harness import running_bot

BRUSSELS = ZoneInfo("Europe/Brussels")
CLAIRE, JORIS, SOFIE = 100001, 100002, 100004
TUESDAY = date(2026, 3, 10)
DONE = ("picked_up", "delivered", "received")


def local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=BRUSSELS).astimezone(UTC)


def before(n: int, hour: int, minute: int = 0) -> datetime:
    return local(TUESDAY - timedelta(days=n), hour, minute)


async def one_id(s, model, key: str) -> int:
    return (await s.exec(select(model.id).where(model.key == key))).one()


async def add(s, store_key: str, start: datetime, status: str, items: dict[str, float]) -> int:
    """A donation whose items were collected with these kg by category key."""
    store = (await s.exec(select(Store).where(Store.key == store_key))).one()
    donation = Donation(
        antenna_id=store.antenna_id,
        store_id=store.id,
        status=status,
        window_start=start,
        window_end=start + timedelta(hours=1),
        estimated_kg=sum(items.values()),
        collected_kg=sum(items.values()) if status in DONE else None,
        created_at=start,
        updated_at=start,
    )
    s.add(donation)
    await s.flush()
    for key, kg in items.items():
        s.add(
            DonationItem(
                donation_id=donation.id,
                category_id=await one_id(s, Category, key),
                quantity=kg or 1,
                unit="kg",
                cold_chain="ambient",
                estimated_kg=kg or 1,
                collected_kg=kg if status in DONE else None,
            )
        )
    await s.commit()
    return donation.id


# (store, window start, status, collected kg by category): Ixelles unless the store says not.
ROWS = [
    ("super-flagey", local(TUESDAY, 0, 10), "received", {"pain": 3}),
    ("super-flagey", local(TUESDAY, 10), "delivered", {"pain": 12, "produits-laitiers": 8.5}),
    ("super-jourdan", local(TUESDAY, 23, 30), "picked_up", {"viande": 5}),
    ("super-jourdan", local(TUESDAY, 14), "delivered", {"pain": 0}),  # nothing collected
    ("super-jourdan", local(TUESDAY, 15), "missed", {"pain": 10}),
    ("super-flagey", local(TUESDAY, 16), "expired", {"pain": 6}),
    ("super-flagey", local(TUESDAY, 17), "claimed", {"pain": 6}),
    ("super-helmet", local(TUESDAY, 11), "delivered", {"pain": 30}),  # Schaerbeek
    ("super-flagey", before(-1, 0, 5), "delivered", {"pain": 100}),  # tomorrow
    ("super-flagey", before(1, 23, 50), "delivered", {"pain": 7}),  # Monday, this week
    ("super-flagey", before(1, 12), "missed", {"pain": 7}),
    ("super-flagey", before(8, 9), "delivered", {"pain": 10}),  # last Monday
    ("super-jourdan", before(7, 20), "received", {"produits-laitiers": 6}),  # last Tuesday
    ("super-jourdan", before(6, 9), "delivered", {"pain": 50}),  # last Wednesday: not compared
    ("super-flagey", before(9, 9), "delivered", {"pain": 4}),  # Sunday 1 March
    ("super-flagey", before(10, 9), "delivered", {"pain": 9}),  # February
]


def expected(day: date) -> dict:
    """The figures, computed from ``ROWS`` without the database."""

    def on(when: datetime) -> date:
        return when.astimezone(BRUSSELS).date()

    ixelles = [r for r in ROWS if r[0] != "super-helmet"]
    done = [r for r in ixelles if r[2] in DONE and sum(r[3].values()) > 0]
    today = [r for r in done if on(r[1]) == day]
    by_category: dict[str, float] = {}
    for row in today:
        for key, kg in row[3].items():
            by_category[key] = by_category.get(key, 0) + kg
    monday = day - timedelta(days=day.weekday())

    def kg(first: date, last: date) -> float:
        return sum(sum(r[3].values()) for r in done if first <= on(r[1]) <= last)

    week = timedelta(days=7)
    return {
        "by_category": by_category,
        "today_kg": kg(day, day),
        "week_kg": kg(monday, day),
        "last_week_kg": kg(monday - week, day - week),
        "month_kg": kg(day.replace(day=1), day),
        "done": len(today),
        "missed": sum(1 for r in ixelles if r[2] == "missed" and on(r[1]) == day),
        "unclaimed": sum(1 for r in ixelles if r[2] == "expired" and on(r[1]) == day),
    }


async def insert_rows(session_factory) -> list[int]:
    async with session_factory() as s:
        return [await add(s, *row) for row in ROWS]


async def add_releases_and_disputes(session_factory, ids: list[int]) -> None:
    async with session_factory() as s:
        driver = (await s.exec(select(Member.id).where(Member.telegram_id == SOFIE))).one()
        place = await one_id(s, Association, "epicerie-ixelles")
        for donation_id, released_at, late in (
            (ids[6], local(TUESDAY, 15), True),  # counted
            (ids[6], before(1, 23, 30), True),  # yesterday
            (ids[5], local(TUESDAY, 9), False),  # in time
        ):
            s.add(
                Claim(
                    donation_id=donation_id,
                    driver_id=driver,
                    claimed_at=released_at - timedelta(days=2),
                    released_at=released_at,
                    late_release=late,
                )
            )
        for donation_id, delivered_at, status in (
            (ids[1], local(TUESDAY, 11), "disputed"),  # counted
            (ids[0], local(TUESDAY, 2), "confirmed"),
            (ids[9], before(1, 23, 55), "disputed"),  # yesterday
        ):
            delivery = Delivery(
                donation_id=donation_id,
                association_id=place,
                delivered_kg=5,
                delivered_at=delivered_at,
            )
            s.add(delivery)
            await s.flush()
            s.add(Receipt(delivery_id=delivery.id, status=status))
        await s.commit()


async def test_figures_match_the_rows_in_a_few_queries(settings, session_factory, engine):
    ids = await insert_rows(session_factory)
    await add_releases_and_disputes(session_factory, ids)
    want = expected(TUESDAY)
    statements = []

    def counted(*args) -> None:
        statements.append(args[2])

    async with session_factory() as s:
        ixelles = await one_id(s, Antenna, "ixelles")
        names = {c.name_fr: c.key for c in (await s.exec(select(Category))).all()}
        event.listen(engine.sync_engine, "before_cursor_execute", counted)
        figures = await summary(s, antenna_id=ixelles, day=TUESDAY)
        event.remove(engine.sync_engine, "before_cursor_execute", counted)
    # six for the pickups, two for the hubs' stock (the day's moves, what is on hand), one
    # for the day's tours
    assert len(statements) <= 9, "a fixed number of aggregate queries, none per donation"
    assert {names[c.name_fr]: c.kg for c in figures.by_category} == want["by_category"]
    assert [c.kg for c in figures.by_category] == sorted(want["by_category"].values())[::-1]
    for field in ("today_kg", "week_kg", "last_week_kg", "month_kg"):
        assert getattr(figures, field) == want[field], field
    assert (figures.done, figures.missed, figures.unclaimed) == (
        want["done"],
        want["missed"],
        want["unclaimed"],
    )
    assert (figures.released_late, figures.disputed) == (1, 1)
    assert (figures.today_kg, figures.week_kg, figures.last_week_kg) == (28.5, 35.5, 16)

    i18n = create_i18n()
    fr = render_summary(i18n, figures, ("fr",))
    nl = render_summary(i18n, figures, ("nl",))
    percent = (figures.week_kg - figures.last_week_kg) / figures.last_week_kg * 100
    for text, lc, words in (
        (fr, "fr", ("Bilan du mardi 10 mars", "Pain", "Produits laitiers", "manquées\u202f: 1")),
        (nl, "nl", ("Overzicht van dinsdag 10 maart", "Brood", "Zuivel", "gemist: 1")),
    ):
        for word in words:
            assert word in text, (lc, word)
        for kg in (15, 8.5, 5, 28.5, 35.5, 16, want["month_kg"]):
            assert format_kg(kg, lc) in text, (lc, kg)
        assert f"+{number(percent, lc)} %" in text
        assert len(text) < 4096
    assert "8,5 kg" in fr and "8,5 kg" in nl and "+121,9 %" in fr
    both = render_summary(i18n, figures, ("fr", "nl"))
    assert "Bilan" in both and "Overzicht" in both


async def test_local_days_across_the_autumn_change(settings, session_factory):
    sunday = date(2026, 10, 25)  # 25 hours long in Brussels
    rows = [
        (datetime(2026, 10, 24, 21, 59, tzinfo=UTC), 1),  # Saturday 23:59 local
        (datetime(2026, 10, 24, 22, 0, tzinfo=UTC), 2),  # Sunday 00:00 local
        (datetime(2026, 10, 25, 1, 30, tzinfo=UTC), 4),  # the second 02:30
        (datetime(2026, 10, 25, 22, 59, tzinfo=UTC), 8),  # Sunday 23:59 local
        (datetime(2026, 10, 25, 23, 0, tzinfo=UTC), 16),  # Monday 00:00 local
    ]
    async with session_factory() as s:
        for start, kg in rows:
            await add(s, "super-flagey", start, "delivered", {"pain": kg})
        ixelles = await one_id(s, Antenna, "ixelles")
        figures = await summary(s, antenna_id=ixelles, day=sunday)
        monday = await summary(s, antenna_id=ixelles, day=sunday + timedelta(days=1))
    assert (figures.today_kg, figures.done) == (14, 3)
    assert figures.week_kg == 15 and figures.month_kg == 15, "Monday 19 to Sunday 25"
    assert (monday.today_kg, monday.week_kg, monday.last_week_kg) == (16, 16, 0)


async def test_exactly_once_even_concurrently(settings, session_factory, clock):
    async with session_factory() as s:
        ixelles = await one_id(s, Antenna, "ixelles")
        schaerbeek = await one_id(s, Antenna, "schaerbeek")
        assert await queue_summary(s, antenna_id=ixelles, now=clock.now()) == 1
        later = clock.now() + timedelta(hours=3)
        assert await queue_summary(s, antenna_id=ixelles, now=later) == 0

    async def one_scheduler() -> int:
        async with session_factory() as s:
            return await queue_summary(s, antenna_id=schaerbeek, now=clock.now())

    assert sorted(await asyncio.gather(one_scheduler(), one_scheduler())) == [0, 1]
    async with session_factory() as s:
        kinds = (await s.exec(select(BroadcastLog.kind))).all()
        assert kinds == ["summary", "summary"]
        entries = (await s.exec(select(Outbox).order_by(Outbox.id))).all()
        assert sorted(e.chat_id for e in entries) == [CLAIRE, JORIS]
        assert entries[0].payload == {"kind": "summary", "antenna": ixelles, "day": "2026-03-10"}
        assert (await s.exec(select(func.count()).select_from(Outbox))).one() == 2


async def test_summary_command_and_the_queued_message(settings, session_factory, fake_api, clock):
    await insert_rows(session_factory)
    claire = fake_api.user(CLAIRE, language_code="fr")
    sofie = fake_api.user(SOFIE, language_code="nl")
    async with running_bot(settings, clock=clock) as app:
        fake_api.send_text(claire, "/summary")
        await fake_api.wait_for(method="sendMessage", chat_id=CLAIRE)
        fake_api.send_text(sofie, "/summary")
        await fake_api.wait_for(method="sendMessage", chat_id=SOFIE)
        shown = fake_api.last_message(CLAIRE)["text"]
        async with session_factory() as s:
            ixelles = await one_id(s, Antenna, "ixelles")
            assert await queue_summary(s, antenna_id=ixelles, now=clock.now()) == 1
        app.dp["outbox"].wake()
        await fake_api.wait_for(lambda: len(fake_api.sent(CLAIRE)) >= 2, timeout=10)
    assert "Bilan du mardi 10 mars" in shown and "Overzicht" not in shown
    assert "28,5 kg" in shown and "Pain" in shown
    assert fake_api.sent(CLAIRE)[-1]["text"] == shown
    assert "dagoverzicht is er voor de coördinatoren" in fake_api.last_message(SOFIE)["text"]
    assert fake_api.refused == []


def test_the_summary_fires_at_its_local_time():
    trigger = summary_trigger(Antenna(key="a", name="A", summary_time="19:00"))
    fire = trigger.get_next_fire_time(None, datetime(2026, 10, 24, 20, tzinfo=BRUSSELS))
    assert fire.astimezone(BRUSSELS).replace(tzinfo=None) == datetime(2026, 10, 25, 19)
    assert fire.astimezone(UTC).hour == 18, "winter time from that Sunday on"
    earlier = trigger.get_next_fire_time(None, datetime(2026, 10, 23, 20, tzinfo=BRUSSELS))
    assert earlier.astimezone(UTC).hour == 17, "summer time the day before"


@pytest.mark.parametrize(
    ("at", "queued"),
    [
        (local(TUESDAY, 18, 59), 0),  # not yet time: the job will send it
        (local(TUESDAY, 19), 4),  # a summary and its chart to each coordinator
        (local(TUESDAY, 23, 59), 4),  # still that day: sent late rather than never
        (local(TUESDAY + timedelta(days=1), 0, 30), 0),  # the day is over: skipped
    ],
)
async def test_a_missed_summary_is_caught_up_at_start(settings, session_factory, at, queued):
    scheduler = AsyncIOScheduler(timezone=UTC)
    woken = []
    done = await start_broadcasts(
        scheduler,
        session_factory=session_factory,
        clock=FixedClock(at),
        on_queued=lambda: woken.append(1),
    )
    assert done == queued and len(woken) == min(queued, 1)
    async with session_factory() as s:
        entries = (await s.exec(select(Outbox))).all()
        assert sorted(e.chat_id for e in entries) == ([CLAIRE] * 2 + [JORIS] * 2 if queued else [])
        assert sorted(e.payload["kind"] for e in entries) == (
            ["summary"] * 2 + ["summary_chart"] * 2 if queued else []
        )
        assert all(e.payload["day"] == "2026-03-10" for e in entries)
    again = await start_broadcasts(
        scheduler,
        session_factory=session_factory,
        clock=FixedClock(at),
        on_queued=lambda: None,
    )
    assert again == 0, "a restart never sends it twice"
    async with session_factory() as s:
        ixelles = await one_id(s, Antenna, "ixelles")
        logged = (await s.exec(select(BroadcastLog.day, BroadcastLog.kind))).all()
        expected = [(TUESDAY, "summary")] * 2 + [(TUESDAY, "summary_chart")] * 2
        assert sorted(logged) == (expected if queued else [])
        if queued:  # the job firing after the catch-up sends nothing more
            assert await queue_summary(s, antenna_id=ixelles, now=at) == 0
