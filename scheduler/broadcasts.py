"""The daily broadcasts of each antenna, at its local wall-clock time.

One cron job per antenna, in the antenna's time zone, so that 07:00 stays 07:00 across the
daylight-saving changes. The scheduler may still fire twice (the autumn hour that happens
twice, two processes on one database, a restart): the broadcast's key in the database makes
the second firing a no-op. Downtime is made up for once at start by ``catch_up``.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from zoneinfo import ZoneInfo

from apscheduler.events import EVENT_SCHEDULER_START
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.triggers.cron import CronTrigger
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import select

from logistics.clock import Clock
from logistics.runsheet import catch_up, queue_run_sheet
from logistics.summary import queue_summary
from storage.models import Antenna

log = logging.getLogger(__name__)

RUN_SHEET_JOB = "run-sheet:{key}"
SUMMARY_JOB = "summary:{key}"
LATE_FIRING = 3600  # seconds a firing may be late (a busy loop) and still run


def _daily(antenna: Antenna, hh_mm: str) -> CronTrigger:
    hour, minute = (int(x) for x in hh_mm.split(":"))
    return CronTrigger(hour=hour, minute=minute, timezone=ZoneInfo(antenna.timezone))


def run_sheet_trigger(antenna: Antenna) -> CronTrigger:
    return _daily(antenna, antenna.run_sheet_time)


def summary_trigger(antenna: Antenna) -> CronTrigger:
    return _daily(antenna, antenna.summary_time)


async def schedule_broadcasts(
    scheduler: BaseScheduler,
    *,
    session_factory: async_sessionmaker,
    clock: Clock,
    on_queued: Callable[[], None],
) -> int:
    """(Re)build the run-sheet and summary jobs of every antenna; returns how many antennas."""
    async with session_factory() as session:
        antennas = (await session.exec(select(Antenna).order_by(Antenna.id))).all()
    daily = (
        (send_run_sheet, run_sheet_trigger, RUN_SHEET_JOB, "run sheet"),
        (send_summary, summary_trigger, SUMMARY_JOB, "summary"),
    )
    for antenna in antennas:
        for send, trigger, job_id, what in daily:
            scheduler.add_job(
                send,
                trigger=trigger(antenna),
                kwargs={
                    "session_factory": session_factory,
                    "clock": clock,
                    "on_queued": on_queued,
                    "antenna_id": antenna.id,
                },
                id=job_id.format(key=antenna.key),
                name=f"{what} of {antenna.key}",
                coalesce=True,
                max_instances=1,
                misfire_grace_time=LATE_FIRING,
                replace_existing=True,
            )
    return len(antennas)


async def send_run_sheet(
    *,
    session_factory: async_sessionmaker,
    clock: Clock,
    on_queued: Callable[[], None],
    antenna_id: int,
) -> bool:
    async with session_factory() as session:
        queued = await queue_run_sheet(session, antenna_id=antenna_id, now=clock.now())
    if queued:
        log.info("run sheet of antenna %s queued", antenna_id)
        on_queued()
    return queued


async def send_summary(
    *,
    session_factory: async_sessionmaker,
    clock: Clock,
    on_queued: Callable[[], None],
    antenna_id: int,
) -> int:
    async with session_factory() as session:
        queued = await queue_summary(session, antenna_id=antenna_id, now=clock.now())
    if queued:
        log.info("summary of antenna %s queued for %d coordinators", antenna_id, queued)
        on_queued()
    return queued


async def start_broadcasts(
    scheduler: BaseScheduler,
    *,
    session_factory: async_sessionmaker,
    clock: Clock,
    on_queued: Callable[[], None],
) -> int:
    """At start: the antennas' jobs, then what was missed while the bot was down."""
    await schedule_broadcasts(
        scheduler, session_factory=session_factory, clock=clock, on_queued=on_queued
    )
    async with session_factory() as session:
        queued = await catch_up(session, now=clock.now())
    if queued:
        log.info("%d missed run sheets queued", queued)
        on_queued()
    return queued


def register_broadcasts(
    scheduler: BaseScheduler,
    *,
    session_factory: async_sessionmaker,
    clock: Clock,
    on_queued: Callable[[], None],
) -> None:
    """Build the broadcast jobs when the scheduler starts (they need the database, read in
    the running loop), then catch up once."""
    tasks: set[asyncio.Task] = set()

    async def build() -> None:
        try:
            await start_broadcasts(
                scheduler, session_factory=session_factory, clock=clock, on_queued=on_queued
            )
        except Exception:
            log.exception("the daily broadcasts could not be scheduled")

    def on_start(_event) -> None:
        task = asyncio.get_running_loop().create_task(build(), name="schedule-broadcasts")
        tasks.add(task)
        task.add_done_callback(tasks.discard)

    scheduler.add_listener(on_start, EVENT_SCHEDULER_START)
