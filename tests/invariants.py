"""What must hold in the database whatever people did: a checker for any test to call.

    problems = await check_invariants(session)
    assert problems == [], "\\n".join(problems)

or ``await assert_consistent(database_url)``. The checks themselves are the product's
(logistics/invariants/, the same as ``python -m bot check``), here with every notification
kind the bot renders.

``snapshot`` gives every row of every table (plumbing tables left out on request), to show
that a refused action changed nothing.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.notifications import RENDERERS
from logistics import invariants
from storage.engine import create_engine, create_session_factory
from storage.models import ALL_TABLES

PLUMBING = frozenset({"processed_update", "fsm_record", "outbox", "broadcast_log"})


async def check_invariants(session: AsyncSession) -> list[str]:
    """Every broken rule, in words; an empty list when the database is consistent."""
    return await invariants.check_invariants(session, notify_kinds=RENDERERS)


async def snapshot(session: AsyncSession, *, skip: frozenset[str] = PLUMBING) -> dict[str, list]:
    """Every row of every table but ``skip``, in a stable order, as plain tuples."""
    tables: dict[str, list] = {}
    for table in ALL_TABLES.sorted_tables:
        if table.name in skip:
            continue
        columns = [c for c in table.columns if c.name != "group_message_id"]
        rows = (await session.exec(select(*columns))).all()
        tables[table.name] = sorted((tuple(row) for row in rows), key=repr)
    return tables


async def assert_consistent(database_url: str) -> None:
    engine = create_engine(database_url)
    try:
        async with create_session_factory(engine)() as session:
            problems = await check_invariants(session)
    finally:
        await engine.dispose()
    assert problems == [], "\n".join(problems)


async def database_snapshot(database_url: str, *, skip: frozenset[str] = PLUMBING) -> dict:
    engine = create_engine(database_url)
    try:
        async with create_session_factory(engine)() as session:
            return await snapshot(session, skip=skip)
    finally:
        await engine.dispose()
