"""The benchmark's own databases: a SQLite file in a temporary directory, or a PostgreSQL
database named ``bench_<pid>`` created on the server of ``BENCH_POSTGRES_URL`` (by default
``postgresql+asyncpg://postgres@127.0.0.1:5432/postgres``) and dropped afterwards.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import AsyncIterator
from pathlib import Path

from sqlalchemy.engine import make_url

DEFAULT_SERVER = "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"


async def _admin(statement: str) -> None:
    import asyncpg

    url = make_url(os.environ.get("BENCH_POSTGRES_URL", DEFAULT_SERVER))
    connection = await asyncpg.connect(
        host=url.host,
        port=url.port or 5432,
        user=url.username,
        password=url.password,
        database=url.database or "postgres",
    )
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


@contextlib.asynccontextmanager
async def database(kind: str, workdir: Path) -> AsyncIterator[str]:
    """An empty database of that kind ("sqlite" or "postgresql"); yields its URL."""
    if kind == "sqlite":
        yield f"sqlite+aiosqlite:///{workdir / 'bench.db'}"
        return
    name = f"bench_{os.getpid()}"
    await _admin(f'DROP DATABASE IF EXISTS "{name}"')
    await _admin(f'CREATE DATABASE "{name}"')
    url = make_url(os.environ.get("BENCH_POSTGRES_URL", DEFAULT_SERVER)).set(database=name)
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        await _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
