"""The audit line every change writes: who, what, on which row, with its details."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import AuditLog


def audit(
    session: AsyncSession, now: datetime, actor_id: int | None, action: str, row: Any, **detail
) -> None:
    """The audit line of a change made to ``row`` (flushed, so that it has its id)."""
    session.add(
        AuditLog(
            at=now,
            actor_id=actor_id,
            action=action,
            entity=row.__tablename__,
            entity_id=row.id,
            detail=detail,
        )
    )
