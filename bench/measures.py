"""The measures (a), (b), (d) and (e) of the load benchmark, each a function over a running
emulator; (c) is in :mod:`bench.render`.

- ``start_time``: (e) seconds from spawning a bot to its first ``getUpdates``;
- ``memory``: (d) resident memory of a bot process, idle and after the load;
- ``mix``: (a) the realistic mix at a fixed rate and at saturation, per kind of update;
- ``run_sheets``: (b) every antenna's morning run sheet under Telegram's limits.
"""

from __future__ import annotations

import asyncio
import statistics
import time
from datetime import UTC, datetime
from typing import Any

from sqlmodel import col, func, select

from bench.emulated import BenchTelegram
from bench.mix import crowd, play
from bench.processes import Running

FLOOR_RATE = 30.0  # Telegram's overall limit, messages a second


def percentiles(values: list[float]) -> dict[str, Any]:
    """Count, p50, p95, p99 and max in milliseconds (nearest rank)."""
    if not values:
        return {"n": 0}
    ordered = sorted(values)

    def rank(q: float) -> float:
        return round(1000 * ordered[min(len(ordered) - 1, int(q * len(ordered)))], 1)

    return {
        "n": len(ordered),
        "p50": rank(0.50),
        "p95": rank(0.95),
        "p99": rank(0.99),
        "max": round(1000 * ordered[-1], 1),
    }


def memory(running: Running) -> float:
    """(d) resident memory of the process now, in MB."""
    return round(running.rss_mb(), 1)


async def mix(
    fake: BenchTelegram, *, people: int, seconds: float, rate: float | None, echo: bool
) -> dict[str, Any]:
    """(a) the crowd of ``people`` playing for ``seconds`` at ``rate`` updates a second (None:
    as fast as the answers come): answered updates a second, latencies per kind and overall,
    replies lost (no answer within the timeout) and calls refused by the emulator."""
    refused_before = len(fake.refused)
    tally, took = await play(crowd(fake, people, echo=echo), seconds=seconds, rate=rate)
    lost = sum(tally.lost.values()) + fake.forget_waiting()
    everything = [v for values in tally.latencies.values() for v in values]
    return {
        "rate_asked": rate,
        "seconds": round(took, 2),
        "answered": tally.answered,
        "throughput": round(tally.answered / took, 1),
        "latency_ms": percentiles(everything),
        "by_kind": {kind: percentiles(v) for kind, v in sorted(tally.latencies.items())},
        "lost": lost,
        "lost_by_kind": dict(tally.lost),
        "steps_skipped": tally.skipped,
        "refused": len(fake.refused) - refused_before,
    }


async def run_sheets(
    fake: BenchTelegram, database_url: str, *, antennas: int, wake: dict, patience: float
) -> dict[str, Any]:
    """(b) Today's run sheet queued for every antenna (the scheduler's rule, ``queue_run_sheet``),
    the sender woken by one update, Telegram's limits on: seconds from that update to the
    last group's run sheet reaching the emulator, against the floor ``antennas / 30``, and the
    429s answered on the way."""
    from logistics.broadcasts.runsheet import queue_run_sheet
    from storage.engine import create_engine, create_session_factory
    from storage.models import Antenna

    engine = create_engine(database_url)
    factory = create_session_factory(engine)
    began = time.perf_counter()
    async with factory() as session:
        ids = (await session.exec(select(Antenna.id).order_by(Antenna.id))).all()
        groups = set((await session.exec(select(Antenna.group_chat_id))).all())
    for antenna_id in ids:
        async with factory() as session:
            await queue_run_sheet(session, antenna_id=antenna_id, now=datetime.now(UTC))
    queued_s = time.perf_counter() - began
    fake.limits, fake.too_many = True, 0
    first = len(fake.sends)
    start = time.perf_counter()
    fake.send_text(wake, "/help")  # the scheduler's job wakes the sender; here an update does
    reached: dict[int, float] = {}
    while len(reached) < len(groups) and time.perf_counter() - start < patience:
        for at, chat in fake.sends[first:]:
            if chat in groups:
                reached.setdefault(chat, at)
        first = len(fake.sends)
        await asyncio.sleep(0.01)
    took = max(reached.values(), default=start) - start
    await asyncio.sleep(1.0)  # a part or a retry still on its way
    fake.limits = False
    pending = await _pending(factory)
    await engine.dispose()
    floor = antennas / FLOOR_RATE
    return {
        "antennas": antennas,
        "queued_s": round(queued_s, 2),
        "seconds": round(took, 2),
        "floor_s": round(floor, 2),
        "ratio_to_floor": round(took / floor, 2),
        "groups_reached": len(reached),
        "too_many_requests": fake.too_many,
        "outbox_pending_after": pending,
    }


async def pending(database_url: str) -> int:
    """Outbox entries not yet sent (what the bot still owes after a load)."""
    from storage.engine import create_engine, create_session_factory

    engine = create_engine(database_url)
    try:
        return await _pending(create_session_factory(engine))
    finally:
        await engine.dispose()


async def _pending(factory) -> int:
    from storage.plumbing import Outbox

    async with factory() as session:
        return (
            await session.exec(
                select(func.count()).select_from(Outbox).where(col(Outbox.status) == "pending")
            )
        ).one()


def spread(values: list[float]) -> dict[str, float]:
    return {
        "median": round(statistics.median(values), 2),
        "min": round(min(values), 2),
        "max": round(max(values), 2),
        "n": len(values),
    }
