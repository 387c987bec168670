"""aiogram FSM storage in the database, so conversations survive a restart without Redis."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from aiogram.fsm.state import State
from aiogram.fsm.storage.base import (
    BaseStorage,
    DefaultKeyBuilder,
    KeyBuilder,
    StateType,
    StorageKey,
)
from aiogram.fsm.storage.redis import RedisStorage
from sqlalchemy import String, cast, delete, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import FsmRecord

_INSERTS = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


class SQLStorage(BaseStorage):
    """One ``fsm_record`` row per key; a row with no state and no data is deleted."""

    def __init__(
        self,
        session_factory: async_sessionmaker[AsyncSession],
        key_builder: KeyBuilder | None = None,
    ) -> None:
        self.session_factory = session_factory
        self.key_builder = key_builder or DefaultKeyBuilder(with_destiny=True)

    async def set_state(self, key: StorageKey, state: StateType = None) -> None:
        await self._write(key, state=state.state if isinstance(state, State) else state)

    async def get_state(self, key: StorageKey) -> str | None:
        return await self._read(key, FsmRecord.state)

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        await self._write(key, data=dict(data))

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        return dict(await self._read(key, FsmRecord.data) or {})

    async def close(self) -> None:
        """Nothing to release: the engine belongs to whoever made the session factory."""

    async def _read(self, key: StorageKey, column: Any) -> Any:
        async with self.session_factory() as session:
            return await session.scalar(
                select(column).where(FsmRecord.key == self.key_builder.build(key))
            )

    async def _write(self, key: StorageKey, **values: Any) -> None:
        record_key = self.key_builder.build(key)
        clearing = not any(values.values())
        values["updated_at"] = datetime.now(UTC)
        async with self.session_factory() as session, session.begin():
            if clearing:
                await session.exec(
                    update(FsmRecord).where(FsmRecord.key == record_key).values(values)
                )
                await session.exec(
                    delete(FsmRecord).where(
                        FsmRecord.key == record_key,
                        FsmRecord.state.is_(None),
                        cast(FsmRecord.data, String) == "{}",
                    )
                )
                return
            connection = await session.connection()
            insert = _INSERTS[connection.dialect.name]
            statement = insert(FsmRecord).values({"key": record_key, "state": None, "data": {}})
            statement = statement.values(values).on_conflict_do_update(
                index_elements=[FsmRecord.key],
                set_={name: statement.excluded[name] for name in values},
            )
            await session.exec(statement)


def create_fsm_storage(
    *, redis_url: str | None, session_factory: async_sessionmaker[AsyncSession]
) -> BaseStorage:
    """Redis when configured (several bot processes), the database otherwise."""
    if redis_url:
        return RedisStorage.from_url(redis_url, key_builder=DefaultKeyBuilder(with_destiny=True))
    return SQLStorage(session_factory)
