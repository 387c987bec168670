"""The two bots as processes: started against the emulator, timed to their first
``getUpdates``, their resident memory read from ``/proc``, stopped by SIGTERM.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from bench.emulated import BenchTelegram
from bench.network import ROOT

TOKEN = "123456:TEST"


@dataclass
class Running:
    name: str
    process: asyncio.subprocess.Process
    started: float  # perf_counter at spawn
    first_poll_s: float  # spawn to the first getUpdates reaching the emulator

    def rss_mb(self) -> float:
        """Resident memory of the process now (VmRSS), in MB."""
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        return float("nan")


def _env(api_url: str, database_url: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "BOT_TOKEN")}
    env.update(BOT_TOKEN=TOKEN, TELEGRAM_API_URL=api_url, PYTHONUNBUFFERED="1")
    if database_url is not None:
        env["DATABASE_URL"] = database_url
    return env


async def start(
    fake: BenchTelegram,
    name: str,
    *,
    config: Path | None = None,
    database_url: str | None = None,
    timeout: float = 60.0,  # noqa: ASYNC109
    log: Path | None = None,
) -> Running:
    """Start the echo bot (``name`` "echo") or the real bot ("bot", with its config file and
    database) and wait for its first long poll."""
    if name == "echo":
        argv = [sys.executable, "-m", "bench.echo"]
    else:
        argv = [sys.executable, "-m", "bot", "run", "--config", str(config)]
    fake.first_poll = None
    stderr = open(log, "ab") if log else asyncio.subprocess.DEVNULL  # noqa: ASYNC230
    started = time.perf_counter()
    process = await asyncio.create_subprocess_exec(
        *argv,
        cwd=ROOT,
        env=_env(fake.base_url, database_url),
        stdout=asyncio.subprocess.DEVNULL,
        stderr=stderr,
    )
    if log:
        stderr.close()
    deadline = started + timeout
    while fake.first_poll is None:
        if process.returncode is not None or time.perf_counter() > deadline:
            await stop(process)
            raise RuntimeError(f"{name} did not start polling (see {log})")
        await asyncio.sleep(0.005)
    return Running(name, process, started, fake.first_poll - started)


async def stop(process: asyncio.subprocess.Process) -> None:
    if process.returncode is None:
        process.send_signal(signal.SIGTERM)
        try:
            await asyncio.wait_for(process.wait(), timeout=10)
        except TimeoutError:
            process.kill()
            await process.wait()
