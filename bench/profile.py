"""Where the real bot's time goes under the mix (``python -m bench.profile``): the network of
the load benchmark is seeded, ``python -m bot run`` started against the emulator, and py-spy
samples that process (``py-spy record --format raw``; the samples of threads waiting, on a
queue or in epoll, left out, so that the shares
are shares of the time the process was busy) while the crowd plays at saturation.

It prints and writes to ``bench/profile-<database>.txt``: the share of samples by package of
the frame running at that instant (self time), the modules and functions of the project by
share of the samples they are on the stack of (inclusive), and the top functions by self time.
The raw stacks go to ``bench/profile-<database>.raw.txt`` (not kept in git), for a flame graph
(``flamegraph.pl`` or speedscope).
"""

from __future__ import annotations

import argparse
import asyncio
import re
import shutil
import sys
import tempfile
from collections import Counter
from pathlib import Path

from bench import processes
from bench.databases import database
from bench.emulated import BenchTelegram
from bench.load import Sizes, _seed, network_people
from bench.mix import crowd, play
from bench.network import ROOT, cast, write_config

HERE = Path(__file__).parent
FRAME = re.compile(r"^(?P<function>.*) \((?P<file>[^:()]+)(?::\d+)?\)$")
OURS = ("bot", "logistics", "storage", "scheduler")
# Frames that wait, which py-spy does not always see as idle: the aiosqlite connection's and
# the thread pool's threads blocked on their queues, the event loop waiting in epoll.
WAITING = (
    "_connection_worker_thread (aiosqlite/core.py:59)",
    "_worker (concurrent/futures/thread.py:81)",
    "EpollSelector.select (selectors.py:",
)


def _parts(path: str) -> list[str]:
    path = path.replace("\\", "/").removeprefix(str(ROOT) + "/")
    return path.removesuffix(".py").split("/")


def package(path: str) -> str:
    """The package a frame's file belongs to: ``bot.telegram`` for the project's modules (two
    levels), ``stdlib:asyncio`` for the standard library, else the library's name (py-spy names
    a library's files from its package: ``sqlalchemy/orm/session.py``)."""
    parts = _parts(path)
    if parts[0] in OURS:
        return ".".join(parts[:2])
    if parts[0] in sys.stdlib_module_names or parts[0].startswith("<"):
        return "stdlib:" + parts[0]
    return parts[0]


def module(path: str) -> str | None:
    """The project's module of a frame (``bot.telegram.outbox``), or None; the command line's
    ``bot.__main__``, under every stack of the main thread, is left out."""
    parts = _parts(path)
    name = ".".join(parts)
    return name if parts[0] in OURS and name != "bot.__main__" else None


def summarize(raw: str, top: int = 15) -> str:
    total = 0
    by_package: Counter[str] = Counter()
    leaves: Counter[str] = Counter()
    inclusive_modules: Counter[str] = Counter()
    inclusive_functions: Counter[str] = Counter()
    for line in raw.splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit() or stack.rsplit(";", 1)[-1].startswith(WAITING):
            continue
        n = int(count)
        frames = [FRAME.match(f) for f in stack.split(";")]
        frames = [f for f in frames if f is not None and not f["function"].startswith("process ")]
        if not frames:
            continue
        total += n
        leaf = frames[-1]
        by_package[package(leaf["file"])] += n
        leaves[f"{leaf['function']} ({leaf['file']})"] += n
        mods = {m for f in frames if (m := module(f["file"]))}
        for m in mods:
            inclusive_modules[m] += n
        funcs = {f"{module(f['file'])}.{f['function']}" for f in frames if module(f["file"])}
        for name in funcs:
            inclusive_functions[name] += n

    def block(title: str, counter: Counter[str]) -> list[str]:
        lines = [title]
        for name, n in counter.most_common(top):
            lines.append(f"  {100 * n / max(total, 1):5.1f} %  {name}")
        return lines

    out = [f"{total} samples of the bot process busy (waiting threads left out)"]
    out += block("self time by package:", by_package)
    out += block("the project's modules, inclusive:", inclusive_modules)
    out += block("the project's functions, inclusive:", inclusive_functions)
    out += block("functions by self time:", leaves)
    return "\n".join(out)


async def profile(kind: str, sizes: Sizes, seconds: float, workdir: Path, rate: int) -> str:
    spy = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
    raw = HERE / f"profile-{kind}.raw.txt"
    async with database(kind, workdir) as url:
        await _seed(url, sizes)
        fake = BenchTelegram()
        await fake.start()
        try:
            for a in range(sizes.antennas):
                fake.group(cast(a).group, f"Antenne {a:03}")
            for person in network_people(sizes.antennas):
                fake.user(person, language_code="fr")
            config = write_config(workdir / "config.toml")
            bot = await processes.start(
                fake, "bot", config=config, database_url=url, log=workdir / "bot.log"
            )
            await fake.wait_idle(grace=1.0, timeout=60)
            people = crowd(fake, sizes.people, echo=False)
            await play(people, seconds=5, rate=None)  # warm up
            spy_process = await asyncio.create_subprocess_exec(
                spy, "record", "--pid", str(bot.process.pid), "--format", "raw", "--nonblocking",
                "--rate", str(rate), "--duration", str(int(seconds)), "--output", str(raw),
                stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL,
            )  # fmt: skip
            tally, took = await play(people, seconds=seconds, rate=None)
            await spy_process.wait()
            await processes.stop(bot.process)
        finally:
            await fake.stop()
    head = (
        f"{kind}, {sizes.people} people at saturation for {took:.0f} s: "
        f"{tally.answered} updates answered ({tally.answered / took:.1f}/s)"
    )
    return head + "\n" + summarize(raw.read_text())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.profile")
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--rate", type=int, default=200, help="py-spy's samples a second")
    parser.add_argument("--antennas", type=int, default=Sizes.antennas)
    args = parser.parse_args(argv)
    sizes = Sizes(antennas=args.antennas)
    with tempfile.TemporaryDirectory(prefix="bench-profile-") as tmp:
        text = asyncio.run(profile(args.database, sizes, args.seconds, Path(tmp), args.rate))
    print(text)
    (HERE / f"profile-{args.database}.txt").write_text(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
