"""Alembic environment: migrates the tables of ``storage.models`` over an async engine."""

from __future__ import annotations

import asyncio
from typing import Any

from alembic import context
from sqlalchemy.engine import Connection, make_url
from sqlmodel import SQLModel

import storage.models  # noqa: F401  (registers the tables on SQLModel.metadata)
from storage.engine import create_engine
from storage.types import UTCDateTime

config = context.config
target_metadata = SQLModel.metadata


def _render_item(kind: str, obj: Any, _autogen_context: Any) -> str | bool:
    """Scripts spell the storage type plainly, so they never import application code."""
    if kind == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def _options(dialect_name: str) -> dict[str, Any]:
    return {
        "target_metadata": target_metadata,
        "render_as_batch": dialect_name == "sqlite",
        "compare_type": True,
        "render_item": _render_item,
    }


def run_migrations_offline() -> None:
    url = config.get_main_option("sqlalchemy.url")
    context.configure(
        url=url,
        literal_binds=True,
        dialect_opts={"paramstyle": "named"},
        **_options(make_url(url).get_backend_name()),
    )
    with context.begin_transaction():
        context.run_migrations()


def _run_migrations(connection: Connection) -> None:
    context.configure(connection=connection, **_options(connection.dialect.name))
    with context.begin_transaction():
        context.run_migrations()
    if connection.dialect.name == "sqlite":
        broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
        if broken:
            raise RuntimeError(f"migration left dangling foreign keys: {broken}")


async def run_migrations_online() -> None:
    engine = create_engine(config.get_main_option("sqlalchemy.url"))
    try:
        async with engine.connect() as connection:
            if connection.dialect.name == "sqlite":
                # Batch mode rebuilds tables; SQLite wants foreign keys off meanwhile.
                await connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
                await connection.commit()
            await connection.run_sync(_run_migrations)
    finally:
        await engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    asyncio.run(run_migrations_online())
