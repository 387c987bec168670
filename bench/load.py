"""The load benchmark (``python -m bench.load [--database sqlite|postgresql] [--smoke]``): the
real bot (``python -m bot run``) and a bare aiogram echo bot, each as its own process, against
the project's Bot API emulator running here, on a seeded network.

For each database asked (both by default): the network (:mod:`bench.network`) with a year of
history on its first antenna (:mod:`bench.history`) is seeded, then

1. the echo bot: (e) its start, (d) its memory idle, (a) the mix at 10 updates a second and
   at saturation, (d) its memory after;
2. the real bot: (e) its start, (d) idle, (b) the morning run sheets of every antenna under
   Telegram's limits (first, while the outbox is empty; :mod:`bench.sheets`), (a) the same
   mix, (d) after;
3. (c) the run sheet and the summary of the antenna with the history and of an ordinary one,
   timed, and the plans of their queries.

A table is printed (:mod:`bench.table`) and the figures are written to ``bench/results.json``.
``--smoke`` runs the same on SQLite with tiny numbers in under a minute, to keep it working.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime
from importlib.metadata import version
from pathlib import Path
from typing import Any

from bench import measures, processes, sheets
from bench.databases import database
from bench.emulated import BenchTelegram
from bench.history import build_year
from bench.network import cast, network, prepare, write_config
from bench.render import query_plans, render_times
from bench.table import table

RESULTS = Path(__file__).with_name("results.json")
SMOKE_RESULTS = Path(__file__).resolve().parents[1] / "data" / "bench-smoke.json"


@dataclass(frozen=True)
class Sizes:
    antennas: int = 200
    history_items: int = 100_000
    people: int = 50
    rate: float = 10.0
    seconds: float = 60.0  # of each phase of the mix
    starts: int = 3  # starts of each bot for (e)
    renders: int = 20  # repeats of each render for (c)
    scheduled_sheets: bool = True  # (b) by the bot's scheduler (see bench.sheets)


SMOKE = Sizes(
    antennas=4,
    history_items=2_000,
    people=10,
    seconds=3.0,
    starts=1,
    renders=3,
    scheduled_sheets=False,
)


async def _seed(url: str, sizes: Sizes) -> dict[str, Any]:
    from sqlmodel import select

    from storage.engine import create_engine, create_session_factory
    from storage.models import Antenna

    began = time.perf_counter()
    net = network(sizes.antennas)
    await prepare(url, net)
    seeded = time.perf_counter() - began
    engine = create_engine(url)
    async with create_session_factory(engine)() as session:
        ids = dict((await session.exec(select(Antenna.key, Antenna.id))).all())
        began = time.perf_counter()
        items = await build_year(
            session, antenna_id=ids["a000"], today=date.today(), items=sizes.history_items
        )
    await engine.dispose()
    return {
        "antennas": len(net.antennas),
        "members": len(net.people),
        "seed_s": round(seeded, 1),
        "history_items": items,
        "history_s": round(time.perf_counter() - began, 1),
        "history_antenna": ids["a000"],
        "ordinary_antenna": ids[f"a{sizes.antennas - 1:03}"],
    }


async def _starts(fake: BenchTelegram, name: str, sizes: Sizes, **kwargs) -> tuple[Any, list]:
    times = []
    for n in range(sizes.starts):
        running = await processes.start(fake, name, **kwargs)
        times.append(running.first_poll_s)
        if n < sizes.starts - 1:
            await processes.stop(running.process)
    return running, times


async def _load(fake: BenchTelegram, running, sizes: Sizes, url: str | None) -> dict[str, Any]:
    """(a) and (d) after it; ``url`` is the real bot's database (None: the echo bot)."""
    out: dict[str, Any] = {}
    for label, rate in (("rate", sizes.rate), ("saturation", None)):
        out[label] = await measures.mix(
            fake, people=sizes.people, seconds=sizes.seconds, rate=rate, database_url=url
        )
    out["rss_after_mb"] = measures.memory(running)
    return out


async def one_database(kind: str, sizes: Sizes, workdir: Path) -> dict[str, Any]:
    async with database(kind, workdir) as url:
        result: dict[str, Any] = {"network": await _seed(url, sizes)}
        fake = BenchTelegram()
        await fake.start()
        try:
            for a in range(sizes.antennas):
                fake.group(cast(a).group, f"Antenne {a:03}")
            for person in network_people(sizes.antennas):
                fake.user(person, first_name=f"P{person}", language_code="fr")
            echo, times = await _starts(fake, "echo", sizes, log=workdir / "echo.log")
            await asyncio.sleep(1.0)
            result["echo"] = {"start_s": measures.spread(times), "rss_idle_mb": echo.rss_mb()}
            result["echo"].update(await _load(fake, echo, sizes, None))
            await processes.stop(echo.process)

            config = write_config(workdir / "config.toml")
            kwargs = {"config": config, "database_url": url, "log": workdir / "bot.log"}
            real, times = await _starts(fake, "bot", sizes, **kwargs)
            await fake.wait_idle(grace=1.0, timeout=60)
            result["bot"] = {"start_s": measures.spread(times), "rss_idle_mb": real.rss_mb()}
            patience = 10 * sizes.antennas / sheets.FLOOR_RATE + 30
            if sizes.scheduled_sheets:
                await processes.stop(real.process)
                result["bot"]["run_sheets"], real = await sheets.scheduled(
                    fake,
                    url,
                    start_bot=lambda: processes.start(fake, "bot", **kwargs),
                    patience=patience,
                )
            else:
                wake = fake._users[cast(sizes.antennas - 1).coordinator]
                result["bot"]["run_sheets"] = await sheets.queued(
                    fake, url, wake=wake, patience=patience
                )
            result["bot"].update(await _load(fake, real, sizes, url))
            result["bot"]["outbox_pending_after"] = await measures.pending(url)
            await processes.stop(real.process)
            result["crashes"] = len(fake.crashes)
        finally:
            await fake.stop()
        result["render"] = await _renders(url, result["network"], sizes)
    return result


def network_people(antennas: int) -> list[int]:
    out: list[int] = []
    for a in range(antennas):
        who = cast(a)
        out += [who.coordinator, *who.store_managers, *who.association_people, *who.drivers]
    return out


async def _renders(url: str, net: dict[str, Any], sizes: Sizes) -> dict[str, Any]:
    from storage.engine import create_engine, create_session_factory

    engine = create_engine(url)
    factory = create_session_factory(engine)
    try:
        antennas = {"history": net["history_antenna"], "ordinary": net["ordinary_antenna"]}
        return {
            "times": await render_times(factory, antennas, sizes.renders),
            "plans": await query_plans(engine, factory, net["history_antenna"]),
        }
    finally:
        await engine.dispose()


def machine() -> dict[str, Any]:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    return {
        "cores": os.cpu_count(),
        "cpu": cpu,
        "system": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "aiogram": version("aiogram"),
        "sqlalchemy": version("sqlalchemy"),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.load", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--database", choices=("sqlite", "postgresql"), action="append")
    parser.add_argument("--smoke", action="store_true", help="tiny numbers, SQLite, < 60 s")
    parser.add_argument(
        "--output", type=Path, help=f"default {RESULTS}, or {SMOKE_RESULTS} with --smoke"
    )
    args = parser.parse_args(argv)
    sizes = SMOKE if args.smoke else Sizes()
    output = args.output or (SMOKE_RESULTS if args.smoke else RESULTS)
    output.parent.mkdir(parents=True, exist_ok=True)
    kinds = args.database or (["sqlite"] if args.smoke else ["sqlite", "postgresql"])
    began = datetime.now(UTC)
    results: dict[str, Any] = {
        "command": "python -m bench.load " + " ".join(sys.argv[1:] if argv is None else argv),
        "date": began.isoformat(timespec="seconds"),
        "machine": machine(),
        "sizes": asdict(sizes),
        "databases": {},
    }
    with tempfile.TemporaryDirectory(prefix="bench-load-") as tmp:
        for kind in kinds:
            workdir = Path(tmp) / kind
            workdir.mkdir()
            results["databases"][kind] = asyncio.run(one_database(kind, sizes, workdir))
    results["seconds"] = round((datetime.now(UTC) - began).total_seconds(), 1)
    print(table(results))
    output.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    print(f"figures written to {output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
