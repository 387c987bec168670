"""``python -m bot demo``: the whole bot on a local Bot API emulator, no token, no internet.

The emulator (``bot.emulator.FakeTelegram``, the one the tests use) listens on loopback; the
example network of config.toml is migrated and seeded into a fresh SQLite file, which is
left behind for ``python -m bot report``; the real application (``create_application``)
serves by long polling against the emulator, its clock set and moved by the script.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import sys
from collections.abc import AsyncIterator
from datetime import date, datetime, time
from pathlib import Path
from typing import TextIO
from zoneinfo import ZoneInfo

from pydantic import SecretStr
from sqlalchemy.engine import make_url

from bot.app import Application, create_application
from bot.config import Settings
from bot.demo.cast import cast, demo_network, missing_players
from bot.demo.script import play
from bot.demo.stage import DemoFailed, Stage
from bot.demo.transcript import Transcript
from bot.emulator import FakeTelegram
from logistics.clock import FixedClock
from logistics.network.seed import seed_network
from logistics.people.reachability import everyone_opened
from storage.engine import create_engine, create_session_factory
from storage.migrate import upgrade

DAY = date(2026, 3, 10)  # a Tuesday: every store, association and hub is open
DEMO_TOKEN = "123456:DEMO"
PAUSE = 1.5  # seconds between steps, for a person to read


def sqlite_url(path: Path) -> str:
    return f"sqlite+aiosqlite:///{path.resolve()}"


def is_bots_database(settings: Settings, path: Path) -> bool:
    """Whether ``path`` is the SQLite file the configured bot serves from."""
    url = make_url(settings.database_url)
    if url.get_backend_name() != "sqlite" or not url.database:
        return False
    return Path(url.database).resolve() == path.resolve()


def fresh_database(path: Path) -> None:
    """Remove the previous run's file (and its WAL companions): each run starts anew."""
    path.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


async def seed(settings: Settings, *, now: datetime) -> None:
    await upgrade(settings.database_url)
    engine = create_engine(settings.database_url)
    try:
        async with create_session_factory(engine)() as session:
            await seed_network(session, settings.network, now=now)
            await everyone_opened(session, now=now)  # a day of a network already at work
            await session.commit()
    finally:
        await engine.dispose()


@contextlib.asynccontextmanager
async def serving(
    settings: Settings, clock: FixedClock, fake: FakeTelegram
) -> AsyncIterator[Application]:
    """The production application, long polling the emulator until the block ends; the
    scheduler's jobs are called by the script at their time instead of by a timer."""
    app = await create_application(settings, clock=clock, schedule=False)
    task = asyncio.create_task(app.serve(handle_signals=False, polling_timeout=1))
    try:
        try:
            await fake.wait_for(lambda: fake.polling or task.done(), timeout=30)
        except AssertionError as exc:
            raise DemoFailed("the bot did not start polling the emulator within 30 s") from exc
        if task.done():
            task.result()  # the error that stopped it
            raise DemoFailed("the bot stopped as soon as it started")
        yield app
    finally:
        if not task.done():
            try:
                await app.stop()
            except RuntimeError:  # stopped before its polling started
                task.cancel()
            await asyncio.gather(asyncio.wait_for(task, timeout=10), return_exceptions=True)


async def play_day(settings: Settings, database: Path, *, fast: bool, out: TextIO) -> None:
    network = demo_network(settings.network)
    ixelles = next(a for a in network.antennas if a.key == "ixelles")
    tz = ixelles.timezone
    clock = FixedClock(datetime.combine(DAY, time(6, 0), tzinfo=ZoneInfo(tz)))
    people, chats = cast(network)
    fake = FakeTelegram(token=DEMO_TOKEN, bot_username="antenna_demo_bot")
    await fake.start()
    try:
        for antenna in network.antennas:
            if antenna.group_chat_id is not None:
                fake.group(antenna.group_chat_id, title=antenna.name)
        settings = settings.model_copy(
            update={
                "network": network,
                "database_url": sqlite_url(database),
                "telegram_api_url": fake.base_url,
                "bot_token": SecretStr(DEMO_TOKEN),
                "redis_url": None,
            }
        )
        await seed(settings, now=clock.now())
        transcript = Transcript(now=clock.now, tz=tz, chats=chats, out=out)
        transcript.cast([p.speaker for p in people.values()])
        async with serving(settings, clock, fake) as app:
            stage = Stage(
                fake=fake,
                dp=app.dp,
                clock=clock,
                transcript=transcript,
                people=people,
                day=DAY,
                tz=tz,
                pause=0.0 if fast else PAUSE,
            )
            groups = {a.key: a.group_chat_id for a in network.antennas if a.group_chat_id}
            await play(stage, groups)
        transcript.echo(fake.requests)
        if fake.refused:
            refused = "; ".join(c.describe() for c in fake.refused[:3])
            raise DemoFailed(f"the emulator refused {len(fake.refused)} call(s): {refused}")
        out.write(f"\nThe emulator answered {len(fake.requests)} calls of the bot, refused none.\n")
    finally:
        await fake.stop()


def run_demo(settings: Settings, *, database: Path, fast: bool, out: TextIO | None = None) -> int:
    """Play the day: 0 when every step happened; 1 when one did not, 2 when this
    configuration cannot play it (the reason on stderr, in one line)."""
    out = out or sys.stdout
    missing = missing_players(settings.network)
    if missing:
        print(
            "the demo plays the example network shipped in config.toml; this configuration "
            f"lacks: {', '.join(missing)} (use --config with the shipped file)",
            file=sys.stderr,
        )
        return 2
    if is_bots_database(settings, database):
        print(
            f"{database} is the bot's own database (DATABASE_URL or config.toml): the demo "
            "replaces its file at each run, so give it another one with --database",
            file=sys.stderr,
        )
        return 2
    if settings.log_level != "DEBUG":
        logging.getLogger().setLevel(logging.WARNING)
    out.write(
        "Demo: the bot against a local Telegram emulator (no token, no internet).\n"
        f"Database: {database} (replaced at each run).\n"
    )
    fresh_database(database)
    try:
        asyncio.run(play_day(settings, database, fast=fast, out=out))
    except DemoFailed as exc:
        print(f"\ndemo failed: {exc}", file=sys.stderr)
        return 1
    except BrokenPipeError:  # the reader closed the pipe (`| head`): stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except KeyboardInterrupt:
        print(f"\ndemo interrupted; {database} holds the day so far", file=sys.stderr)
        return 130
    month = DAY.strftime("%Y-%m")
    out.write(
        f"\nThe day is over. Its data stays in {database}; see the month's figures with:\n"
        f"  python -m bot report --month {month} --database {database}\n"
    )
    return 0
