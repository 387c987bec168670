"""Alerts and reminders from the periodic check: each at its moment, each exactly once, and
the missed-collection check answered through the bot."""

from __future__ import annotations

import asyncio
from datetime import time, timedelta

from sqlalchemy import event
from sqlmodel import col, select

from bot.app import create_application
from bot.callbacks import MissedCb, PickupCb
from bot.config import ReminderTimes
from bot.i18n import create_i18n
from bot.notifications import render
from logistics.broadcasts.reminders import UNCLAIMED_BEFORE, Timing, due_reminders
from scheduler.jobs import REMINDERS
from storage.models import AuditLog, Donation, Outbox
from tests.broadcasts.test_runsheet import GROUP, TUESDAY, add_pickup, local
from tests.harness import buttons, running_bot

CLAIRE, SOFIE, LUCAS = 100001, 100004, 100007
WEDNESDAY = TUESDAY + timedelta(days=1)


async def run(session_factory, at) -> int:
    async with session_factory() as s:
        return await due_reminders(s, now=at)


async def entries(session_factory, kind: str) -> list[Outbox]:
    async with session_factory() as s:
        rows = (await s.exec(select(Outbox).order_by(col(Outbox.id)))).all()
    return [r for r in rows if r.payload.get("kind") == kind]


async def pickup(session_factory, start, status="announced", **kw) -> int:
    async with session_factory() as s:
        return await add_pickup(s, "super-flagey", start, status, **kw)


async def test_unclaimed_alert_three_hours_before_and_once(settings, session_factory):
    start = local(TUESDAY, 18)
    donation = await pickup(session_factory, start)
    assert await run(session_factory, start - UNCLAIMED_BEFORE - timedelta(minutes=1)) == 0
    assert await entries(session_factory, "unclaimed_alert") == []

    assert await run(session_factory, start - UNCLAIMED_BEFORE) == 2
    assert await run(session_factory, start - UNCLAIMED_BEFORE + timedelta(minutes=5)) == 0
    alerts = await entries(session_factory, "unclaimed_alert")
    assert sorted(e.chat_id for e in alerts) == sorted([GROUP, CLAIRE])
    assert {e.payload["donation_id"] for e in alerts} == {donation}

    async with session_factory() as s:
        i18n = create_i18n()
        group = await render(s, i18n, GROUP, alerts[0].payload)
        personal = await render(s, i18n, CLAIRE, alerts[1].payload)
    texts = [group.text, personal.text]
    assert "Personne n'a encore pris" in group.text and "Niemand heeft" in group.text
    assert any("Niemand" not in t and "Personne" in t for t in texts)
    assert "Super Flagey" in group.text or "Flagey" in group.text
    assert group.reply_markup is not None


async def test_two_passes_at_once_queue_once(settings, session_factory):
    start = local(TUESDAY, 18)
    await pickup(session_factory, start)
    at = start - timedelta(hours=1)
    counts = await asyncio.gather(*(run(session_factory, at) for _ in range(2)))
    assert sorted(counts) == [0, 2]
    assert len(await entries(session_factory, "unclaimed_alert")) == 2


async def test_the_evening_before_then_three_hours_before(settings, session_factory):
    await pickup(session_factory, local(WEDNESDAY, 10))
    assert await run(session_factory, local(TUESDAY, 18, 59)) == 0
    assert await run(session_factory, local(TUESDAY, 19)) == 2
    assert await run(session_factory, local(TUESDAY, 23, 55)) == 0
    assert await run(session_factory, local(WEDNESDAY, 6, 55)) == 0
    assert await run(session_factory, local(WEDNESDAY, 7)) == 2
    assert await run(session_factory, local(WEDNESDAY, 9, 55)) == 0
    assert len(await entries(session_factory, "unclaimed_alert")) == 4


async def test_a_claimed_pickup_is_not_an_unclaimed_one(settings, session_factory):
    start = local(TUESDAY, 18)
    await pickup(session_factory, start, "claimed", driver=SOFIE)
    assert await run(session_factory, start - timedelta(hours=3, minutes=1)) == 0
    assert await run(session_factory, start - timedelta(hours=3)) == 1
    assert await run(session_factory, start - timedelta(hours=2)) == 0
    assert await entries(session_factory, "unclaimed_alert") == []
    (reminder,) = await entries(session_factory, "pickup_reminder")
    assert reminder.chat_id == SOFIE
    async with session_factory() as s:
        text = (await render(s, create_i18n(), SOFIE, reminder.payload)).text
    assert "Herinnering" in text and "Rappel" not in text  # Sofie reads Dutch


async def test_missed_check_then_the_flag_without_an_answer(settings, session_factory):
    start = local(TUESDAY, 12)
    donation = await pickup(session_factory, start, "claimed", driver=SOFIE)
    await run(session_factory, start - timedelta(hours=1))  # the driver's reminder
    assert await run(session_factory, start + timedelta(minutes=89)) == 0
    assert await run(session_factory, start + timedelta(minutes=90)) == 1
    (check,) = await entries(session_factory, "missed_check")
    assert check.chat_id == SOFIE

    asked = start + timedelta(minutes=90)
    assert await run(session_factory, asked + timedelta(hours=2, minutes=-1)) == 0
    assert await run(session_factory, asked + timedelta(hours=2)) == 2  # coordinator, card
    assert await run(session_factory, asked + timedelta(hours=3)) == 0
    async with session_factory() as s:
        assert (await s.get(Donation, donation)).status == "missed"
        audit = (await s.exec(select(AuditLog).where(AuditLog.action == "donation.missed"))).all()
        assert [a.entity_id for a in audit] == [donation]
        (told,) = await entries(session_factory, "missed_pickup")
        assert told.chat_id == CLAIRE
        text = (await render(s, create_i18n(), CLAIRE, told.payload)).text
        assert "manquée" in text and "Sofie" in text
        assert await render(s, create_i18n(), SOFIE, check.payload) is None  # outdated


def answer_data(message: dict) -> dict[str, str]:
    return {MissedCb.unpack(data).action: data for _, data in buttons(message) if data[:3] == "mc:"}


async def test_the_three_answers_through_the_bot(settings, session_factory, fake_api, clock):
    sofie = fake_api.user(SOFIE, first_name="Sofie", language_code="nl")
    lucas = fake_api.user(LUCAS, first_name="Lucas", language_code="fr")
    fake_api.user(CLAIRE, first_name="Claire", language_code="fr")
    fake_api.group(GROUP)
    start = local(TUESDAY, 8)

    def shown(message: dict) -> dict:
        return next(m for m in fake_api.sent(SOFIE) if m["message_id"] == message["message_id"])

    ids = [
        await pickup(session_factory, start + timedelta(minutes=n), "claimed", driver=SOFIE)
        for n in range(3)
    ]
    clock.set(start + timedelta(hours=2))
    async with running_bot(settings, clock=clock) as app:
        assert await run(session_factory, clock.now()) == 3
        app.dp["outbox"].wake()
        await fake_api.wait_for(lambda: len(fake_api.sent(SOFIE)) >= 3)
        asks = {
            MissedCb.unpack(next(iter(answer_data(m).values()))).donation_id: m
            for m in fake_api.sent(SOFIE)
        }
        assert set(asks) == set(ids)
        got, nothing, absent = (asks[i] for i in ids)

        # a stranger presses: refused, nothing changes
        fake_api.press_button(lucas, absent, answer_data(absent)["no"])
        (refusal,) = await fake_api.wait_for(method="answerCallbackQuery")
        assert refusal.params.get("show_alert")
        async with session_factory() as s:
            assert (await s.get(Donation, ids[2])).status == "claimed"

        fake_api.press_button(sofie, got, answer_data(got)["got"])
        await fake_api.wait_for(lambda: any(d.startswith("pu:") for _, d in buttons(shown(got))))
        fake_api.press_button(sofie, nothing, answer_data(nothing)["none"])
        await fake_api.wait_for(method="answerCallbackQuery")
        fake_api.press_button(sofie, absent, answer_data(absent)["no"])
        await fake_api.wait_for(method="answerCallbackQuery")

    panel = shown(got)
    actions = {PickupCb.unpack(d).action for _, d in buttons(panel) if d.startswith("pu:")}
    assert "as_announced" in actions
    async with session_factory() as s:
        statuses = [(await s.get(Donation, i)) for i in ids]
    assert [(d.status, d.zero_reason) for d in statuses] == [
        ("claimed", None),
        ("cancelled", "no_food"),
        ("missed", "did_not_happen"),
    ]
    assert fake_api.refused == []


async def test_one_pass_makes_a_fixed_number_of_queries(settings, session_factory, engine):
    start = local(TUESDAY, 12)
    for n in range(12):
        status, driver = ("claimed", SOFIE) if n % 2 else ("announced", None)
        await pickup(session_factory, start + timedelta(minutes=30 * n), status, driver=driver)
    statements = []

    def counted(*args) -> None:
        statements.append(args[2])

    event.listen(engine.sync_engine, "before_cursor_execute", counted)
    queued = await run(session_factory, start + timedelta(hours=2))
    event.remove(engine.sync_engine, "before_cursor_execute", counted)
    assert queued == 1 + 3 + 3 * 2  # a check, three reminders, three alerts to two chats
    assert len(statements) <= 8, "a fixed number of queries, none per pickup"


async def test_the_times_follow_the_settings(settings, session_factory):
    """[reminders] of config.toml: an alert one hour before, no evening alert before 22:00,
    the driver reminded 30 minutes before, the check 30 minutes into the window."""
    assert settings.reminders.timing() == Timing(), "the shipped values are the defaults"
    timing = Timing(
        unclaimed_before=timedelta(hours=1),
        evening_from=time(22, 0),
        reminder_before=timedelta(minutes=30),
        check_after=timedelta(minutes=30),
    )

    async def run_with(at) -> int:
        async with session_factory() as s:
            return await due_reminders(s, now=at, timing=timing)

    tomorrow = await pickup(session_factory, local(WEDNESDAY, 10))
    assert await run_with(local(TUESDAY, 21, 55)) == 0, "not yet evening"
    assert await run_with(local(TUESDAY, 22)) == 2
    assert await run_with(local(WEDNESDAY, 7)) == 0, "three hours before: not with this timing"
    assert await run_with(local(WEDNESDAY, 9)) == 2

    start = local(TUESDAY, 18)
    claimed = await pickup(session_factory, start, status="claimed", driver=SOFIE)
    assert await run_with(start - timedelta(minutes=31)) == 0
    assert await run_with(start - timedelta(minutes=30)) == 1
    assert [
        e.payload["donation_id"] for e in await entries(session_factory, "pickup_reminder")
    ] == [claimed]
    assert await run_with(start + timedelta(minutes=29)) == 0
    assert await run_with(start + timedelta(minutes=30)) == 1
    [check] = await entries(session_factory, "missed_check")
    assert check.payload["donation_id"] == claimed
    alerts = await entries(session_factory, "unclaimed_alert")
    assert {e.payload["donation_id"] for e in alerts} == {tomorrow}


async def test_the_running_bot_takes_its_times_from_the_settings(settings, clock):
    configured = settings.model_copy(
        update={"reminders": ReminderTimes(driver_reminder_hours_before=1)}
    )
    app = await create_application(configured, clock=clock, schedule=True)
    try:
        job = app.dp["broadcasts"].scheduler.get_job(REMINDERS)
        assert job.kwargs["timing"].reminder_before == timedelta(hours=1)
        assert job.kwargs["timing"].check_after == timedelta(minutes=90)
    finally:
        await app.dp.emit_shutdown()
        await app.bot.session.close()
