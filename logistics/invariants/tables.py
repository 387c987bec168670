"""The rows a check reads, each table loaded once however many checks read it."""

from __future__ import annotations

import math
from collections.abc import Collection
from typing import Any

from sqlalchemy import select
from sqlmodel.ext.asyncio.session import AsyncSession


class Tables:
    """A read-only view of the database for the checks: every row of a table, loaded on first
    use and kept, and the notification kinds the bot knows how to render."""

    def __init__(self, session: AsyncSession, *, notify_kinds: Collection[str]) -> None:
        self.session = session
        self.notify_kinds = frozenset(notify_kinds)
        self._rows: dict[Any, list[Any]] = {}

    async def all(self, model: Any) -> list[Any]:
        if model not in self._rows:
            result = await self.session.exec(select(model).order_by(model.id))
            self._rows[model] = list(result.scalars().all())
        return self._rows[model]

    async def by_id(self, model: Any) -> dict[int, Any]:
        return {row.id: row for row in await self.all(model)}


def kg_problems(where: str, values: dict[str, float | None]) -> list[str]:
    """Each value that is not a weight: infinite, not a number, or below zero."""
    problems = []
    for name, value in values.items():
        if value is None:
            continue
        if not math.isfinite(value) or value < 0:
            problems.append(f"{where}: {name} = {value!r} is not a weight")
    return problems
