"""Measure (b): the morning run sheets of every antenna, with Telegram's limits enforced by the
emulator (429 with ``retry_after`` beyond 30 messages a second, one a second per private chat,
20 a minute per group), against the floor those limits set: ``antennas / 30`` seconds.

- ``scheduled`` (the measure): every antenna's ``run_sheet_time`` is set to the same coming
  minute and the bot started afresh; its scheduler fires the 200 jobs at that minute, each
  queueing its sheet (``queue_run_sheet``) and waking the sender. Timed from that minute to
  the last group's sheet reaching the emulator. It waits for the minute: up to 90 seconds.
- ``queued`` (the smoke's, quicker): the bench queues the sheets itself with the same rule,
  then one update wakes the bot's sender, as a job would; timed from that update.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import update
from sqlmodel import select

from bench.emulated import BenchTelegram
from bench.measures import pending_in

FLOOR_RATE = 30.0  # Telegram's overall limit, messages a second
MARGIN = 30.0  # seconds left to the bot to start before the run sheets' minute


def _engine(database_url: str):
    from storage.engine import create_engine, create_session_factory

    engine = create_engine(database_url)
    return engine, create_session_factory(engine)


async def _groups(factory) -> set[int]:
    from storage.models import Antenna

    async with factory() as session:
        return set((await session.exec(select(Antenna.group_chat_id))).all())


async def _reached(fake: BenchTelegram, groups: set[int], start: float, patience: float):
    """When each group got its first message after ``start`` (perf_counter)."""
    reached: dict[int, float] = {}
    first = 0
    while len(reached) < len(groups) and time.perf_counter() - start < patience:
        for at, chat in fake.sends[first:]:
            if chat in groups and at >= start:
                reached.setdefault(chat, at)
        first = len(fake.sends)
        await asyncio.sleep(0.01)
    return reached


async def _result(fake, factory, groups, start, patience, **extra) -> dict[str, Any]:
    reached = await _reached(fake, groups, start, patience)
    took = max(reached.values(), default=start) - start
    await asyncio.sleep(1.0)  # a part or a retry still on its way
    fake.limits = False
    floor = len(groups) / FLOOR_RATE
    return {
        "antennas": len(groups),
        "seconds": round(took, 2),
        "floor_s": round(floor, 2),
        "ratio_to_floor": round(took / floor, 2),
        "groups_reached": len(reached),
        "too_many_requests": fake.too_many,
        "outbox_pending_after": await pending_in(factory),
        **extra,
    }


async def queued(
    fake: BenchTelegram, database_url: str, *, wake: dict, patience: float
) -> dict[str, Any]:
    from logistics.broadcasts.runsheet import queue_run_sheet
    from storage.models import Antenna

    engine, factory = _engine(database_url)
    try:
        began = time.perf_counter()
        async with factory() as session:
            ids = (await session.exec(select(Antenna.id).order_by(Antenna.id))).all()
        for antenna_id in ids:
            async with factory() as session:
                await queue_run_sheet(session, antenna_id=antenna_id, now=datetime.now(UTC))
        queued_s = time.perf_counter() - began
        groups = await _groups(factory)
        fake.limits, fake.too_many = True, 0
        start = time.perf_counter()
        fake.send_text(wake, "/help")
        return await _result(
            fake, factory, groups, start, patience, how="queued", queued_s=round(queued_s, 2)
        )
    finally:
        await engine.dispose()


async def scheduled(
    fake: BenchTelegram,
    database_url: str,
    *,
    start_bot: Callable[[], Awaitable[Any]],
    patience: float,
) -> tuple[dict[str, Any], Any]:
    """Set every antenna's run sheet to the coming minute, start the bot (``start_bot``, which
    returns the running process), time the sheets; the result and the running bot."""
    from storage.models import Antenna

    engine, factory = _engine(database_url)
    try:
        brussels = ZoneInfo("Europe/Brussels")
        at = datetime.now(brussels) + timedelta(seconds=MARGIN + 60)
        at = at.replace(second=0, microsecond=0)
        async with factory() as session:
            await session.exec(update(Antenna).values(run_sheet_time=at.strftime("%H:%M")))
            await session.commit()
        groups = await _groups(factory)
        running = await start_bot()
        fake.limits, fake.too_many = True, 0
        start = time.perf_counter() + (at.timestamp() - time.time())
        await asyncio.sleep(max(0.0, start - time.perf_counter()))
        result = await _result(fake, factory, groups, start, patience, how="scheduled")
        return result, running
    finally:
        await engine.dispose()
