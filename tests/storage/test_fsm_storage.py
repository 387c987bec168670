"""FSM state and data kept in the database, and the Redis alternative."""

from __future__ import annotations

import asyncio
import os

import pytest
from aiogram.fsm.state import State, StatesGroup
from aiogram.fsm.storage.base import StorageKey
from aiogram.fsm.storage.redis import RedisStorage
from redis.exceptions import ConnectionError as RedisConnectionError
from sqlalchemy import func
from sqlmodel import select

from storage.engine import create_engine, create_session_factory
from storage.fsm import SQLStorage, create_fsm_storage
from storage.models import FsmRecord

KEY = StorageKey(bot_id=1, chat_id=-100123, user_id=42)
REDIS_URL = "redis://127.0.0.1:6379/15"


class Announce(StatesGroup):
    items = State()
    window = State()


async def _row_count(session_factory) -> int:
    async with session_factory() as session:
        return await session.scalar(select(func.count()).select_from(FsmRecord))


async def test_state_and_data(session_factory):
    storage = create_fsm_storage(redis_url=None, session_factory=session_factory)
    assert isinstance(storage, SQLStorage)
    assert await storage.get_state(KEY) is None
    assert await storage.get_data(KEY) == {}

    await storage.set_state(KEY, Announce.items)
    assert await storage.get_state(KEY) == "Announce:items"
    await storage.set_state(KEY, "Announce:window")
    assert await storage.get_state(KEY) == Announce.window.state

    await storage.set_data(KEY, {"store": 7, "items": [{"kg": 2.5}]})
    assert await storage.get_data(KEY) == {"store": 7, "items": [{"kg": 2.5}]}
    assert await storage.update_data(KEY, {"note": "à l'arrière"}) == {
        "store": 7,
        "items": [{"kg": 2.5}],
        "note": "à l'arrière",
    }
    assert await storage.get_value(KEY, "note") == "à l'arrière"
    assert await storage.get_state(KEY) == "Announce:window"
    await storage.close()


async def test_keys_are_separate(session_factory):
    storage = SQLStorage(session_factory)
    other_user = StorageKey(bot_id=1, chat_id=-100123, user_id=43)
    other_destiny = StorageKey(bot_id=1, chat_id=-100123, user_id=42, destiny="scenes")
    await storage.set_state(KEY, Announce.items)
    await storage.set_data(other_user, {"a": 1})
    assert await storage.get_state(other_user) is None
    assert await storage.get_state(other_destiny) is None
    assert await storage.get_data(KEY) == {}


async def test_clear_deletes_the_row(session_factory):
    storage = SQLStorage(session_factory)
    await storage.set_state(KEY, Announce.items)
    await storage.set_data(KEY, {"store": 7})
    assert await _row_count(session_factory) == 1

    await storage.set_state(KEY, None)
    assert await _row_count(session_factory) == 1
    assert await storage.get_data(KEY) == {"store": 7}

    await storage.set_data(KEY, {})
    assert await _row_count(session_factory) == 0
    assert await storage.get_state(KEY) is None

    await storage.set_data(KEY, {"store": 8})
    await storage.set_data(KEY, {})
    await storage.set_state(KEY, None)
    assert await _row_count(session_factory) == 0


async def test_concurrent_first_writes_do_not_collide(session_factory):
    storage = SQLStorage(session_factory)
    await asyncio.gather(*(storage.set_data(KEY, {"n": n}) for n in range(10)))
    assert (await storage.get_data(KEY))["n"] in range(10)
    assert await _row_count(session_factory) == 1


async def test_survives_restart(database_url, engine):
    before = SQLStorage(create_session_factory(engine))
    await before.set_state(KEY, Announce.window)
    await before.set_data(KEY, {"store": 7})
    await before.close()

    restarted_engine = create_engine(database_url)
    try:
        after = SQLStorage(create_session_factory(restarted_engine))
        assert await after.get_state(KEY) == "Announce:window"
        assert await after.get_data(KEY) == {"store": 7}
    finally:
        await restarted_engine.dispose()


async def test_redis_storage_smoke():
    storage = create_fsm_storage(redis_url=REDIS_URL, session_factory=None)
    assert isinstance(storage, RedisStorage)
    try:
        await storage.redis.ping()
    except (RedisConnectionError, OSError) as error:
        await storage.close()
        pytest.skip(f"Redis is not reachable at {REDIS_URL}: {error}")

    # a key of this run only: another suite may use the same Redis at the same time
    key = StorageKey(bot_id=1, chat_id=-100123, user_id=os.getpid())
    made = [storage.key_builder.build(key, part) for part in ("state", "data")]
    try:
        await storage.set_state(key, Announce.items)
        await storage.set_data(key, {"store": 7})
        assert await storage.get_state(key) == "Announce:items"
        assert await storage.update_data(key, {"kg": 3}) == {"store": 7, "kg": 3}
        assert await storage.redis.exists(*made) == len(made)
    finally:
        await storage.redis.delete(*made)
        await storage.close()
