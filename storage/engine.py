"""Database engines and sessions for SQLite (single host) and PostgreSQL."""

from __future__ import annotations

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
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.close()

    return engine
