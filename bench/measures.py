"""The measures (a), (d) and (e) of the load benchmark, each a function over a running
emulator; (c) is in :mod:`bench.render`.

- ``start_time``: (e) seconds from spawning a bot to its first ``getUpdates``;
- ``memory``: (d) resident memory of a bot process, idle and after the load;
- ``mix``: (a) the realistic mix at a fixed rate and at saturation, per kind of update.

(b), every antenna's morning run sheet under Telegram's limits, is in :mod:`bench.sheets`.
"""

from __future__ import annotations

import statistics
from datetime import UTC, datetime
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
    fake: BenchTelegram,
    *,
    people: int,
    seconds: float,
    rate: float | None,
    database_url: str | None = None,
) -> dict[str, Any]:
    """(a) the crowd of ``people`` playing for ``seconds`` at ``rate`` updates a second (None:
    as fast as the answers come): answered updates a second, latencies per kind and overall,
    replies lost (no answer within the timeout) and calls refused by the emulator. With the
    real bot's database: how many outbox messages reached the crowd's chats meanwhile (each
    may have been taken for the answer to a text, see bench/README.md)."""
    refused_before = len(fake.refused)
    crowd_ = crowd(fake, people, echo=database_url is None)
    began = datetime.now(UTC)
    tally, took = await play(crowd_, seconds=seconds, rate=rate)
    lost = sum(tally.lost.values()) + fake.forget_waiting()
    ended = datetime.now(UTC)
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
        "outbox_to_crowd": None
        if database_url is None
        else await _outbox_sent_to(database_url, [p.id for p in crowd_], began, ended),
    }


async def _outbox_sent_to(database_url: str, chats: list[int], began, ended) -> int:
    from storage.engine import create_engine, create_session_factory
    from storage.plumbing import Outbox

    engine = create_engine(database_url)
    try:
        async with create_session_factory(engine)() as session:
            return (
                await session.exec(
                    select(func.count())
                    .select_from(Outbox)
                    .where(
                        col(Outbox.chat_id).in_(chats),
                        col(Outbox.sent_at) >= began,
                        col(Outbox.sent_at) <= ended,
                    )
                )
            ).one()
    finally:
        await engine.dispose()


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
