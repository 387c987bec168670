"""The measures (a), (d) and (e) of the load benchmark, each a function over a running
emulator; (c) is in :mod:`bench.render`.

- ``start_time``: (e) seconds from spawning a bot to its first ``getUpdates``;
- ``memory``: (d) resident memory of a bot process, idle and after the load;
- ``mix``: (a) the realistic mix at a fixed rate and at saturation, per kind of update.

(b), every antenna's morning run sheet under Telegram's limits, is in :mod:`bench.sheets`.
"""

from __future__ import annotations

import statistics
from typing import Any

from sqlmodel import col, func, select

from bench.emulated import BenchTelegram
from bench.mix import crowd, play
from bench.processes import Running


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


async def pending(database_url: str) -> int:
    """Outbox entries not yet sent (what the bot still owes after a load)."""
    from storage.engine import create_engine, create_session_factory

    engine = create_engine(database_url)
    try:
        return await pending_in(create_session_factory(engine))
    finally:
        await engine.dispose()


async def pending_in(factory) -> int:
    """Outbox entries not yet sent, read through a session factory."""
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
