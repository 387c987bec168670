"""Duplicate updates take effect once: each update id is recorded before it is handled.

Telegram may deliver an update again (a restart before the offset was confirmed, a webhook
retried). The id goes into ``processed_update`` with an insert that ignores a conflict, in
its own short transaction committed before the update is handled: whoever inserts it
handles it, a later copy finds it there and is skipped.

Rows older than ``KEEP`` are pruned by the middleware itself, at most once per
``PRUNE_EVERY`` (and once after each start): Telegram's update ids grow, so the delete is
bounded by the primary key below the current update, and the table never holds more than
a few days of ids.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject, Update
from sqlalchemy import delete
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import ProcessedUpdate

log = logging.getLogger(__name__)

KEEP = timedelta(days=2)  # how long an update id is remembered
PRUNE_EVERY = timedelta(hours=1)  # how often old ids are deleted


async def record_update(session: AsyncSession, *, update_id: int, now: datetime) -> bool:
    """Remember the update id; False when it was already there (a duplicate)."""
    dialect = (await session.connection()).dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = (
        insert(ProcessedUpdate)
        .values(update_id=update_id, processed_at=now)
        .on_conflict_do_nothing(index_elements=["update_id"])
        .returning(ProcessedUpdate.update_id)
    )
    inserted = (await session.exec(statement)).first() is not None
    await session.commit()
    return inserted


async def prune_updates(session: AsyncSession, *, below_id: int, now: datetime) -> int:
    """Forget the ids older than ``KEEP``, all below ``below_id``; returns how many."""
    result = await session.exec(
        delete(ProcessedUpdate).where(
            ProcessedUpdate.update_id < below_id,
            ProcessedUpdate.processed_at < now - KEEP,
        )
    )
    await session.commit()
    return result.rowcount or 0


class DedupeMiddleware(BaseMiddleware):
    """An outer update middleware: an update id already recorded is not handled again."""

    def __init__(self) -> None:
        self._next_prune: datetime | None = None

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        if not isinstance(event, Update):
            return await handler(event, data)
        now = data["clock"].now()
        async with data["session_factory"]() as session:
            fresh = await record_update(session, update_id=event.update_id, now=now)
            if fresh and (self._next_prune is None or now >= self._next_prune):
                self._next_prune = now + PRUNE_EVERY
                pruned = await prune_updates(session, below_id=event.update_id, now=now)
                if pruned:
                    log.info("forgot %s update ids older than %s", pruned, KEEP)
        if not fresh:
            log.info("update %s was already handled: skipped", event.update_id)
            return None
        return await handler(event, data)
