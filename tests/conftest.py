"""Shared fixtures: a clean migrated database per test, a fixed clock, the fake Bot API.

Migrating an empty database takes about a second, once per test: instead, a SQLite test gets
a copy of one file migrated once for the session, and the PostgreSQL database, when already at
the newest revision, is emptied table by table. A test of the migrations themselves asks for
an empty database with ``@pytest.mark.unmigrated``.
"""

from __future__ import annotations

import asyncio
import os
import shutil
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

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


async def _empty_postgres(url: str) -> None:
    """Every table emptied and its ids restarted, when the schema is at the newest revision;
    otherwise wiped and migrated again."""
    from storage.migrate import head_revision, upgrade

    engine = create_async_engine(url)
    try:
        async with engine.begin() as conn:
            found = await conn.execute(
                text("SELECT to_regclass('public.alembic_version') IS NOT NULL")
            )
            at_head = (
                found.scalar()
                and (await conn.execute(text("SELECT version_num FROM alembic_version"))).scalar()
                == head_revision()
            )
            if at_head:
                tables = await conn.execute(
                    text(
                        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
                        "AND tablename <> 'alembic_version'"
                    )
                )
                names = ", ".join(f'"{name}"' for (name,) in tables)
                await conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    finally:
        await engine.dispose()
    if not at_head:
        await _reset_postgres(url)
        await upgrade(url)


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory) -> Path:
    """One SQLite file migrated to the newest revision, copied for each test."""
    from storage.migrate import upgrade

    path = tmp_path_factory.mktemp("migrated") / "template.db"
    asyncio.run(upgrade(f"sqlite+aiosqlite:///{path}"))
    return path


@pytest.fixture
async def database_url(request, tmp_path, migrated_sqlite) -> str:
    """A database at the newest revision holding no row (an empty one, not migrated, for a
    test marked ``unmigrated``): a SQLite file, or the PostgreSQL test database."""
    empty = request.node.get_closest_marker("unmigrated") is not None
    if TEST_DATABASE_URL:
        await (_reset_postgres if empty else _empty_postgres)(TEST_DATABASE_URL)
        return TEST_DATABASE_URL
    path = tmp_path / "test.db"
    if not empty:
        shutil.copyfile(migrated_sqlite, path)
    return f"sqlite+aiosqlite:///{path}"


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
