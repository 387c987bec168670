"""The bot's periodic work, on APScheduler, calling the same rules as everything else.

Jobs have fixed ids and are rebuilt at each start (nothing is kept in a job store): what must
happen once (a day opened, a store asked) is guarded by the database, not by the scheduler.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy.ext.asyncio import async_sessionmaker

from logistics.broadcasts.followups import due_followups
from logistics.broadcasts.reminders import DEFAULT_TIMING, Timing, due_reminders
from logistics.clock import Clock
from logistics.pickups.recurring import open_due_slots
from logistics.safety.recall_followups import due_recall_followups
from logistics.tours.distances import RoutingSettings
from scheduler.broadcasts import register_broadcasts
from scheduler.distributions import register_distributions

log = logging.getLogger(__name__)

RECURRING_SLOTS = "recurring-slots"
RECURRING_EVERY = timedelta(minutes=5)
REMINDERS = "reminders"
REMINDERS_EVERY = timedelta(minutes=5)


def create_scheduler(
    *,
    session_factory: async_sessionmaker,
    clock: Clock,
    on_queued: Callable[[], None],
    timing: Timing = DEFAULT_TIMING,
    routing: RoutingSettings | None = None,
) -> AsyncIOScheduler:
    """The scheduler with its jobs registered, not started (``start()`` needs a running loop)."""
    scheduler = AsyncIOScheduler(timezone=UTC)
    scheduler.add_job(
        open_recurring_slots,
        trigger=IntervalTrigger(seconds=RECURRING_EVERY.total_seconds(), timezone=UTC),
        kwargs={"session_factory": session_factory, "clock": clock, "on_queued": on_queued},
        id=RECURRING_SLOTS,
        name="open recurring pickups and ask the stores",
        coalesce=True,
        max_instances=1,
        misfire_grace_time=int(RECURRING_EVERY.total_seconds()),  # late is better than skipped
        next_run_time=datetime.now(UTC),
        replace_existing=True,
    )
    scheduler.add_job(
        check_reminders,
        trigger=IntervalTrigger(seconds=REMINDERS_EVERY.total_seconds(), timezone=UTC),
        kwargs={
            "session_factory": session_factory,
            "clock": clock,
            "on_queued": on_queued,
            "timing": timing,
        },
        id=REMINDERS,
        name="alerts, reminders, the missed-collection check and follow-ups",
        coalesce=True,
        max_instances=1,
        misfire_grace_time=int(REMINDERS_EVERY.total_seconds()),
        next_run_time=datetime.now(UTC),
        replace_existing=True,
    )
    register_broadcasts(
        scheduler, session_factory=session_factory, clock=clock, on_queued=on_queued
    )
    register_distributions(
        scheduler,
        session_factory=session_factory,
        clock=clock,
        on_queued=on_queued,
        routing=routing or RoutingSettings(),
    )
    return scheduler


async def open_recurring_slots(
    *, session_factory: async_sessionmaker, clock: Clock, on_queued: Callable[[], None]
) -> None:
    """Open the coming days of the weekly slots, ask the stores, then wake the sender."""
    async with session_factory() as session:
        opened = await open_due_slots(session, now=clock.now())
    if opened:
        log.info("opened %d recurring pickups", len(opened))
    on_queued()


async def check_reminders(
    *,
    session_factory: async_sessionmaker,
    clock: Clock,
    on_queued: Callable[[], None],
    timing: Timing = DEFAULT_TIMING,
) -> None:
    """Queue the alerts, reminders and follow-ups due now, then wake the sender."""
    now = clock.now()
    queued = 0
    try:
        async with session_factory() as session:  # each rule in its own transaction
            queued += await due_reminders(session, now=now, timing=timing)
        async with session_factory() as session:
            queued += await due_followups(session, now=now)
        async with session_factory() as session:
            queued += await due_recall_followups(session, now=now)
    finally:
        if queued:
            log.info("%d alerts, reminders and follow-ups queued", queued)
            on_queued()
