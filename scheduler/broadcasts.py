"""The daily broadcasts of each antenna, at its local wall-clock time.

One cron job per antenna, in the antenna's time zone, so that 07:00 stays 07:00 across the
daylight-saving changes. The scheduler may still fire twice (the autumn hour that happens
twice, two processes on one database, a restart): the broadcast's key in the database makes
the second firing a no-op. Downtime is made up for once at start by ``catch_up`` (run
sheets) and ``catch_up_summaries``. A change of an antenna's times rebuilds its jobs at once
(``BroadcastJobs.rebuild``); a change made by another process is picked up within
``RECONCILE_EVERY`` by the job that compares the triggers with the database.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, timedelta
from zoneinfo import ZoneInfo

from apscheduler.events import EVENT_SCHEDULER_START
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import select

from logistics.broadcasts.runsheet import catch_up, queue_run_sheet
from logistics.broadcasts.summary import catch_up_summaries, queue_summary
from logistics.broadcasts.weekly import queue_summary_chart
from logistics.clock import Clock
from storage.models import Antenna

log = logging.getLogger(__name__)

RUN_SHEET_JOB = "run-sheet:{key}"
SUMMARY_JOB = "summary:{key}"
LATE_FIRING = 3600  # seconds a firing may be late (a busy loop) and still run
RECONCILE_JOB = "daily-jobs-in-line"
RECONCILE_EVERY = timedelta(minutes=5)


def _daily(antenna: Antenna, hh_mm: str) -> CronTrigger:
    hour, minute = (int(x) for x in hh_mm.split(":"))
    return CronTrigger(hour=hour, minute=minute, timezone=ZoneInfo(antenna.timezone))


def run_sheet_trigger(antenna: Antenna) -> CronTrigger:
    return _daily(antenna, antenna.run_sheet_time)


def summary_trigger(antenna: Antenna) -> CronTrigger:
    return _daily(antenna, antenna.summary_time)


def schedule_antenna(
    scheduler: BaseScheduler,
    antenna: Antenna,
    *,
    session_factory: async_sessionmaker,
    clock: Clock,
    on_queued: Callable[[], None],
) -> None:
    """(Re)build the run-sheet and summary jobs of one antenna from its settings."""
    for send, trigger, job_id, what in DAILY:
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
    for antenna in antennas:
        schedule_antenna(
            scheduler,
            antenna,
            session_factory=session_factory,
            clock=clock,
            on_queued=on_queued,
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
    async with session_factory() as session:  # the weekly chart, next to the summary
        charts = await queue_summary_chart(session, antenna_id=antenna_id, now=clock.now())
    if queued or charts:
        log.info("summary of antenna %s queued for %d coordinators", antenna_id, queued)
        on_queued()
    return queued


DAILY = (
    (send_run_sheet, run_sheet_trigger, RUN_SHEET_JOB, "run sheet"),
    (send_summary, summary_trigger, SUMMARY_JOB, "summary"),
)


async def start_broadcasts(
    scheduler: BaseScheduler,
    *,
    session_factory: async_sessionmaker,
    clock: Clock,
    on_queued: Callable[[], None],
) -> int:
    """At start: the antennas' jobs and the job that keeps them in line with the database,
    then what was missed while the bot was down (run sheets, then summaries); how many
    messages were queued."""
    await schedule_broadcasts(
        scheduler, session_factory=session_factory, clock=clock, on_queued=on_queued
    )
    BroadcastJobs(scheduler, session_factory, clock, on_queued).keep_in_line()
    async with session_factory() as session:
        sheets = await catch_up(session, now=clock.now())
    async with session_factory() as session:
        summaries = await catch_up_summaries(session, now=clock.now())
    if sheets or summaries:
        log.info("%d missed run sheets and %d summary messages queued", sheets, summaries)
        on_queued()
    return sheets + summaries


@dataclass(frozen=True)
class BroadcastJobs:
    """The daily jobs of the antennas, kept in line with their settings in the database."""

    scheduler: BaseScheduler
    session_factory: async_sessionmaker
    clock: Clock
    on_queued: Callable[[], None]

    def _schedule(self, antenna: Antenna) -> None:
        schedule_antenna(
            self.scheduler,
            antenna,
            session_factory=self.session_factory,
            clock=self.clock,
            on_queued=self.on_queued,
        )

    def _in_line(self, antenna: Antenna) -> bool:
        for _send, trigger, job_id, _what in DAILY:
            job = self.scheduler.get_job(job_id.format(key=antenna.key))
            wanted = trigger(antenna)
            if job is None or (str(job.trigger), str(job.trigger.timezone)) != (
                str(wanted),
                str(wanted.timezone),
            ):
                return False
        return True

    async def rebuild(self, antenna_id: int) -> bool:
        """Rebuild one antenna's jobs from the database now (its settings just changed)."""
        async with self.session_factory() as session:
            antenna = await session.get(Antenna, antenna_id)
        if antenna is None:
            return False
        self._schedule(antenna)
        log.info("daily jobs of %s rebuilt", antenna.key)
        return True

    async def reconcile(self) -> list[str]:
        """Rebuild the jobs of every antenna whose settings no longer match them (changed by
        another process, or a new antenna); the keys of those antennas."""
        async with self.session_factory() as session:
            antennas = (await session.exec(select(Antenna).order_by(Antenna.id))).all()
        rebuilt = [a for a in antennas if not self._in_line(a)]
        for antenna in rebuilt:
            self._schedule(antenna)
        if rebuilt:
            log.info("daily jobs rebuilt: %s", ", ".join(a.key for a in rebuilt))
        return [a.key for a in rebuilt]

    def keep_in_line(self) -> None:
        """The periodic job that reconciles the daily jobs with the database."""
        self.scheduler.add_job(
            self.reconcile,
            trigger=IntervalTrigger(seconds=RECONCILE_EVERY.total_seconds(), timezone=UTC),
            id=RECONCILE_JOB,
            name="daily jobs in line with the antennas' settings",
            coalesce=True,
            max_instances=1,
            misfire_grace_time=int(RECONCILE_EVERY.total_seconds()),
            replace_existing=True,
        )


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
