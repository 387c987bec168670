"""Runs the real bot in-process against the fake Bot API server, over real HTTP."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from pathlib import Path

from pydantic import SecretStr

from bot.app import Application, create_application
from bot.config import Settings, load_settings
from bot.emulator import FakeTelegram
from logistics.clock import Clock
from logistics.reachability import everyone_opened
from logistics.seed import seed_network
from storage.engine import create_engine, create_session_factory
from storage.migrate import upgrade

ROOT = Path(__file__).resolve().parents[1]
TOKEN = "123456:TEST"


def example_settings(*, database_url: str, api_url: str) -> Settings:
    """The shipped example network, pointed at the test database and the fake server."""
    settings = load_settings(ROOT / "config.toml")
    return settings.model_copy(
        update={
            "database_url": database_url,
            "telegram_api_url": api_url,
            "bot_token": SecretStr(TOKEN),
            "redis_url": None,
        }
    )


async def prepare_database(settings: Settings, *, clock: Clock, opened: bool = True) -> None:
    """Migrate and seed the example network, as `make run` does; its people have opened the
    bot already, unless ``opened`` is False (as right after `make run`)."""
    await upgrade(settings.database_url)
    engine = create_engine(settings.database_url)
    try:
        async with create_session_factory(engine)() as session:
            await seed_network(session, settings.network, now=clock.now())
            if opened:
                await everyone_opened(session, now=clock.now())
            await session.commit()
    finally:
        await engine.dispose()


@contextlib.asynccontextmanager
async def running_bot(
    settings: Settings, *, clock: Clock, schedule: bool = False
) -> AsyncIterator[Application]:
    """The application serving by long polling until the block ends; its periodic jobs only
    with ``schedule`` (tests run the rules themselves, at the fixed clock's time)."""
    app = await create_application(settings, clock=clock, schedule=schedule)
    task = asyncio.create_task(app.serve(handle_signals=False, polling_timeout=1))
    try:
        yield app
    finally:
        await app.stop()
        await asyncio.wait_for(task, timeout=10)


def texts(fake: FakeTelegram, chat_id: int) -> list[str]:
    return [m.get("text", "") for m in fake.sent(chat_id)]


def buttons(message: dict) -> list[tuple[str, str]]:
    """(label, callback data) of an inline keyboard, row by row."""
    markup = message.get("reply_markup") or {}
    return [
        (b["text"], b.get("callback_data", ""))
        for row in markup.get("inline_keyboard", [])
        for b in row
    ]
