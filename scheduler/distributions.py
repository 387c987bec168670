"""Each hub's morning distribution proposal, at the hub's local distribution time.

One cron job per hub with a van, in its antenna's time zone (06:00 stays 06:00 across the
daylight-saving changes); the proposal's broadcast key makes a second firing tell nobody
twice. At start, a morning missed while the bot was down is proposed until 11:00.
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

from logistics.clock import Clock
from logistics.errors import DomainError
from logistics.tours.distances import RoutingSettings
from logistics.tours.morning import distribution_due, hubs_to_propose, propose_morning

log = logging.getLogger(__name__)

DISTRIBUTION_JOB = "distribution:{key}"
LATE_FIRING = 3600


async def send_distribution(
    *,
    session_factory: async_sessionmaker,
    clock: Clock,
    on_queued: Callable[[], None],
    routing: RoutingSettings,
    hub_id: int,
) -> int | None:
    try:
        async with session_factory() as session:
            tour_id = await propose_morning(
                session, hub_id=hub_id, now=clock.now(), routing=routing
            )
    except DomainError as error:  # e.g. the van's tour is confirmed already: nothing to do
        log.info("no distribution proposed for hub %s: %r", hub_id, error)
        return None
    if tour_id is not None:
        log.info("distribution of hub %s proposed (tour %s)", hub_id, tour_id)
        on_queued()
    return tour_id


def register_distributions(
    scheduler: BaseScheduler,
    *,
    session_factory: async_sessionmaker,
    clock: Clock,
    on_queued: Callable[[], None],
    routing: RoutingSettings,
) -> None:
    """Build the hubs' jobs when the scheduler starts, then catch a missed morning up."""
    tasks: set[asyncio.Task] = set()
    kwargs = {
        "session_factory": session_factory,
        "clock": clock,
        "on_queued": on_queued,
        "routing": routing,
    }

    async def build() -> None:
        try:
            async with session_factory() as session:
                hubs = await hubs_to_propose(session)
            for hub, tz in hubs:
                hour, minute = (int(x) for x in hub.distribution_time.split(":"))
                scheduler.add_job(
                    send_distribution,
                    trigger=CronTrigger(hour=hour, minute=minute, timezone=ZoneInfo(tz)),
                    kwargs={**kwargs, "hub_id": hub.id},
                    id=DISTRIBUTION_JOB.format(key=hub.key),
                    name=f"morning distribution of {hub.key}",
                    coalesce=True,
                    max_instances=1,
                    misfire_grace_time=LATE_FIRING,
                    replace_existing=True,
                )
            for hub, tz in hubs:
                if distribution_due(hub, tz, clock.now()):
                    await send_distribution(**kwargs, hub_id=hub.id)
        except Exception:
            log.exception("the hubs' morning distributions could not be scheduled")

    def on_start(_event) -> None:
        task = asyncio.get_running_loop().create_task(build(), name="schedule-distributions")
        tasks.add(task)
        task.add_done_callback(tasks.discard)

    scheduler.add_listener(on_start, EVENT_SCHEDULER_START)
