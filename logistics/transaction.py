"""Every write use case is one transaction: committed when it succeeds, rolled back when it
refuses, so nothing is ever stored half-way.

SQLite has no ``SELECT ... FOR UPDATE``: the write lock is taken before the first read
(``BEGIN IMMEDIATE``), so that concurrent use cases wait in turn (the busy timeout) and read
what the previous one wrote. Should the lock outlast the busy timeout, the whole use case is
tried again from the start, a bounded number of times.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import wraps
from typing import Concatenate, ParamSpec, TypeVar

from sqlalchemy.exc import OperationalError
from sqlmodel.ext.asyncio.session import AsyncSession

ATTEMPTS = 3  # whole attempts on SQLite, should the write lock outlast the busy timeout

P = ParamSpec("P")
T = TypeVar("T")


def transaction(
    use_case: Callable[Concatenate[AsyncSession, P], Awaitable[T]],
) -> Callable[Concatenate[AsyncSession, P], Awaitable[T]]:
    @wraps(use_case)
    async def run(session: AsyncSession, *args: P.args, **kwargs: P.kwargs) -> T:
        for attempt in range(1, ATTEMPTS + 1):
            try:
                await take_write_lock(session)
                result = await use_case(session, *args, **kwargs)
                await session.commit()
                return result
            except OperationalError as error:
                await session.rollback()
                if attempt == ATTEMPTS or "locked" not in str(error.orig):
                    raise
            except Exception:
                await session.rollback()
                raise
        raise AssertionError("unreachable")

    return run


async def take_write_lock(session: AsyncSession) -> None:
    """On SQLite, begin by taking the write lock, waiting for it (the busy timeout)."""
    connection = await session.connection()
    if connection.dialect.name == "sqlite":
        raw = await connection.get_raw_connection()
        if not raw.driver_connection.in_transaction:
            await connection.exec_driver_sql("BEGIN IMMEDIATE")
