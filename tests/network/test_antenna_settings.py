"""/antenna: a coordinator changes the antenna's times and group languages; the daily jobs
follow at once, and a change made elsewhere is picked up by the periodic reconcile."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from sqlmodel import select

from bot.callbacks import AntennaCb
from logistics.clock import FixedClock
from logistics.errors import InvalidInput, NotAllowed
from logistics.network.antenna_settings import parse_time, set_antenna_time, set_group_languages
from logistics.people.identity import identify
from scheduler.broadcasts import BroadcastJobs, schedule_broadcasts, start_broadcasts
from storage.models import Antenna, AuditLog
from tests.harness import buttons, running_bot

BRUSSELS = ZoneInfo("Europe/Brussels")
GROUP, OTHER_GROUP = -1001000000001, -1001000000002
CLAIRE, JORIS, SOFIE, STRANGER = 100001, 100002, 100004, 555555


@pytest.mark.parametrize(
    ("typed", "value"),
    [("7:30", "07:30"), ("07h30", "07:30"), ("7u30", "07:30"), (" 19h ", "19:00"), ("0", "00:00")],
)
def test_times_as_people_write_them(typed, value):
    assert parse_time(typed) == value


@pytest.mark.parametrize("typed", ["25:00", "abc", "7:60", "", "7:5", "-1:00", "12:00:00"])
def test_times_that_are_refused(typed):
    with pytest.raises(InvalidInput):
        parse_time(typed)


async def ixelles(s) -> Antenna:
    return (await s.exec(select(Antenna).where(Antenna.key == "ixelles"))).one()


async def test_only_a_coordinator_of_that_antenna_changes_it(settings, session_factory, clock):
    async with session_factory() as s:
        antenna_id = (await ixelles(s)).id
        for telegram_id in (JORIS, SOFIE, STRANGER):
            who = await identify(s, telegram_id=telegram_id)
            with pytest.raises(NotAllowed):
                await set_antenna_time(
                    s,
                    identity=who,
                    antenna_id=antenna_id,
                    setting="run_sheet_time",
                    text="6:00",
                    now=clock.now(),
                )
            with pytest.raises(NotAllowed):
                await set_group_languages(
                    s, identity=who, antenna_id=antenna_id, languages="nl", now=clock.now()
                )
        claire = await identify(s, telegram_id=CLAIRE)
        with pytest.raises(InvalidInput):
            await set_antenna_time(
                s,
                identity=claire,
                antenna_id=antenna_id,
                setting="summary_time",
                text="25:00",
                now=clock.now(),
            )
    async with session_factory() as s:
        antenna = await ixelles(s)
        assert (antenna.run_sheet_time, antenna.summary_time) == ("07:00", "19:00")
        assert antenna.group_languages == "fr,nl"
        assert (await s.exec(select(AuditLog).where(AuditLog.entity == "antenna"))).all() == []

        done = await set_antenna_time(
            s,
            identity=claire,
            antenna_id=antenna_id,
            setting="summary_time",
            text="20h15",
            now=clock.now(),
        )
        assert done.summary_time == "20:15"
        (audit,) = (await s.exec(select(AuditLog).where(AuditLog.entity == "antenna"))).all()
        assert audit.actor_id == claire.member_id and audit.entity_id == antenna_id
        assert audit.detail == {"setting": "summary_time", "before": "19:00", "after": "20:15"}


async def test_the_reconcile_job_picks_up_a_change_made_elsewhere(settings, session_factory):
    now = datetime(2026, 3, 10, 9, tzinfo=UTC)
    scheduler = AsyncIOScheduler(timezone=UTC)
    scheduler.start(paused=True)  # jobs are replaced in a started scheduler
    try:
        await reconcile_after_a_change(scheduler, session_factory, now)
    finally:
        scheduler.shutdown(wait=False)


async def reconcile_after_a_change(scheduler, session_factory, now) -> None:
    jobs = BroadcastJobs(scheduler, session_factory, FixedClock(now), lambda: None)
    await schedule_broadcasts(
        scheduler, session_factory=session_factory, clock=jobs.clock, on_queued=jobs.on_queued
    )
    assert await jobs.reconcile() == [], "nothing changed"

    async with session_factory() as s:  # another process changes the summary time
        antenna = await ixelles(s)
        antenna.summary_time = "21:45"
        s.add(antenna)
        await s.commit()
    assert await jobs.reconcile() == ["ixelles"]
    assert await jobs.reconcile() == []
    job = scheduler.get_job("summary:ixelles")
    fire = job.trigger.get_next_fire_time(None, now).astimezone(BRUSSELS)
    assert (fire.date().isoformat(), fire.strftime("%H:%M")) == ("2026-03-10", "21:45")
    assert job.kwargs["antenna_id"] == antenna.id
    other = scheduler.get_job("summary:schaerbeek").trigger.get_next_fire_time(None, now)
    assert other.astimezone(BRUSSELS).strftime("%H:%M") == "19:00"


async def test_start_registers_the_reconcile_job(settings, session_factory):
    scheduler = AsyncIOScheduler(timezone=UTC)
    await start_broadcasts(
        scheduler,
        session_factory=session_factory,
        clock=FixedClock(datetime(2026, 3, 10, 5, tzinfo=UTC)),
        on_queued=lambda: None,
    )
    job = scheduler.get_job("daily-jobs-in-line")
    assert job is not None and job.trigger.interval == timedelta(minutes=5)


def button(message: dict, action: str) -> str:
    return next(
        d
        for _, d in buttons(message)
        if d.startswith("ae:") and AntennaCb.unpack(d).action == action
    )


async def test_the_command_moves_the_job(settings, session_factory, fake_api, clock):
    claire = fake_api.user(CLAIRE, first_name="Claire", language_code="fr")
    joris = fake_api.user(JORIS, first_name="Joris", language_code="nl")
    sofie = fake_api.user(SOFIE, first_name="Sofie", language_code="nl")
    stranger = fake_api.user(STRANGER, first_name="Eve", language_code="fr")
    fake_api.group(GROUP)
    fake_api.group(OTHER_GROUP)
    async with session_factory() as s:
        antenna_id = (await ixelles(s)).id

    async with running_bot(settings, clock=clock, schedule=True) as app:
        scheduler = app.dp["broadcasts"].scheduler
        await fake_api.wait_for(lambda: scheduler.get_job("run-sheet:ixelles") is not None)

        fake_api.send_text(claire, "/antenna")
        await fake_api.wait_for(lambda: "réglages" in (fake_api.texts(CLAIRE) or [""])[-1])
        board = fake_api.last_message(CLAIRE)
        assert "07:00" in board["text"] and "19:00" in board["text"]

        # others: refused politely, nothing changes
        fake_api.send_text(sofie, "/antenna")
        await fake_api.wait_for(lambda: "coördinatoren" in (fake_api.texts(SOFIE) or [""])[-1])
        fake_api.send_text(joris, "/antenna")
        await fake_api.wait_for(lambda: "Schaerbeek" in (fake_api.texts(JORIS) or [""])[-1])
        forged = AntennaCb(antenna_id=antenna_id, action="rs").pack()
        for person in (joris, stranger):
            fake_api.press_button(person, fake_api.last_message(JORIS), forged)
            (refusal,) = await fake_api.wait_for(method="answerCallbackQuery")
            assert refusal.params.get("show_alert")
        fake_api.press_button(stranger, board, AntennaCb(antenna_id=antenna_id, action="nl").pack())
        await fake_api.wait_for(method="answerCallbackQuery")
        fake_api.send_text(joris, "6:00")  # no question was asked: not taken as a time
        await fake_api.wait_for(chat_id=JORIS)

        fake_api.press_button(claire, board, button(board, "rs"), check=True)
        await fake_api.wait_for(lambda: "7u30" in fake_api.texts(CLAIRE)[-1])
        for bad in ("25:00", "abc"):
            fake_api.send_text(claire, bad)
            await fake_api.wait_for(lambda: "pas pu lire" in fake_api.texts(CLAIRE)[-1])
        fake_api.send_text(claire, "7h30")
        await fake_api.wait_for(lambda: "Enregistré" in fake_api.texts(CLAIRE)[-1])
        job = scheduler.get_job("run-sheet:ixelles")
        assert job.next_run_time.astimezone(BRUSSELS).strftime("%H:%M") == "07:30"
        other = scheduler.get_job("run-sheet:schaerbeek")
        assert other.next_run_time.astimezone(BRUSSELS).strftime("%H:%M") == "07:00"

        fake_api.press_button(claire, board, button(board, "nl"), check=True)
        await fake_api.wait_for(method="answerCallbackQuery")

    async with session_factory() as s:
        antenna = await ixelles(s)
        assert (antenna.run_sheet_time, antenna.group_languages) == ("07:30", "nl")
        audits = (await s.exec(select(AuditLog).where(AuditLog.entity == "antenna"))).all()
        assert [a.detail["setting"] for a in audits] == ["run_sheet_time", "group_languages"]
    assert fake_api.refused == []
