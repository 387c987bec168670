"""Shared fixtures: a clean migrated database per test, a fixed clock, the fake Bot API."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")


async def _reset_postgres(url: str) -> None:
    engine = create_async_engine(url)
    async with engine.begin() as conn:
        await conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        await conn.execute(text("CREATE SCHEMA public"))
    await engine.dispose()


@pytest.fixture
async def database_url(tmp_path) -> str:
    """An empty database: a fresh SQLite file, or the PostgreSQL test database wiped clean."""
    if TEST_DATABASE_URL:
        await _reset_postgres(TEST_DATABASE_URL)
        return TEST_DATABASE_URL
    return f"sqlite+aiosqlite:///{tmp_path / 'test.db'}"


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    """The engine of a database migrated to the newest revision."""
    from storage.engine import create_engine
    from storage.migrate import upgrade

    await upgrade(database_url)
    eng = create_engine(database_url)
    yield eng
    await eng.dispose()


@pytest.fixture
def session_factory(engine):
    from storage.engine import create_session_factory

    return create_session_factory(engine)


@pytest.fixture
def now() -> datetime:
    """A fixed instant: Tuesday 2026-03-10 10:00 in Brussels."""
    return datetime(2026, 3, 10, 9, 0, tzinfo=UTC)


@pytest.fixture
def clock(now):
    from logistics.clock import FixedClock

    return FixedClock(now)


@pytest.fixture
async def fake_api():
    """The fake Bot API server on loopback; every test using it checks nothing was refused."""
    from bot.emulator import FakeTelegram
    from tests.harness import TOKEN

    fake = FakeTelegram(token=TOKEN)
    await fake.start()
    yield fake
    await fake.stop()


@pytest.fixture
async def settings(database_url, fake_api, clock):
    """The example network of config.toml, migrated and seeded, pointed at the fake server."""
    from tests.harness import example_settings, prepare_database

    settings = example_settings(database_url=database_url, api_url=fake_api.base_url)
    await prepare_database(settings, clock=clock)
    return settings
