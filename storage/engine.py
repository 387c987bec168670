"""Database engines and sessions for SQLite (single host) and PostgreSQL."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlmodel.ext.asyncio.session import AsyncSession

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///data/antenna.db"


def create_engine(url: str) -> AsyncEngine:
    """An async engine; SQLite gets WAL, enforced foreign keys and a busy timeout."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _create_sqlite_engine(parsed)
    return create_async_engine(parsed, pool_pre_ping=True)


def create_session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, class_=AsyncSession, expire_on_commit=False)


async def checkpoint(session: AsyncSession, *, attempts: int = 20) -> bool:
    """On SQLite, copy the write-ahead log into the database file and empty it, so that what
    was just erased leaves the disk at once rather than at the next automatic checkpoint.
    True when done (always on PostgreSQL, which has no such log file); a reader still in the
    old snapshot makes SQLite report busy, and the checkpoint is tried again shortly."""
    connection = await session.connection()
    if connection.dialect.name != "sqlite":
        return True
    for _ in range(attempts):
        busy, _log, _moved = (
            await connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        ).one()
        if not busy:
            return True
        await asyncio.sleep(0.05)
    return False


def safe_url(url: str | URL) -> str:
    """The URL with its password masked, for logs."""
    return make_url(url).render_as_string(hide_password=True)


def _is_file_database(url: URL) -> bool:
    database = url.database or ""
    return database not in ("", ":memory:") and url.query.get("mode") != "memory"


def _create_sqlite_engine(url: URL) -> AsyncEngine:
    file_database = _is_file_database(url)
    if file_database and not url.database.startswith("file:"):
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_async_engine(url)

    @event.listens_for(engine.sync_engine, "connect")
    def _set_pragmas(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        if file_database:
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        # Deleted and overwritten values are zeroed on disk, not left in free space: an
        # erased person's name does not stay readable in the file.
        cursor.execute("PRAGMA secure_delete=ON")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.close()

    return engine
