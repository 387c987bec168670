"""The weekdays each association hands food out, set by the coordinators of its antenna:
short-dated food goes first to the associations that distribute soonest."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from logistics.errors import InvalidInput, NotFound
from logistics.network.antenna_settings import check_settings_editor
from logistics.people.identity import Identity
from logistics.transaction import transaction
from storage.models import Association, AuditLog


@dataclass(frozen=True)
class DistributionDays:
    association_id: int
    antenna_id: int
    name: str
    days: tuple[int, ...]  # 0 is Monday, sorted


def _view(association: Association) -> DistributionDays:
    return DistributionDays(
        association_id=association.id,
        antenna_id=association.antenna_id,
        name=association.name,
        days=tuple(sorted(set(association.distribution_days or ()))),
    )


async def antenna_distribution_days(
    session: AsyncSession, *, identity: Identity | None, antenna_id: int
) -> list[DistributionDays]:
    """The active associations of the antenna and their days, for one of its coordinators
    (one query)."""
    check_settings_editor(identity, antenna_id)
    rows = await session.exec(
        select(Association)
        .where(Association.antenna_id == antenna_id, col(Association.active).is_(True))
        .order_by(Association.name, Association.id)
    )
    return [_view(a) for a in rows.all()]


async def _association(session: AsyncSession, association_id: int, *, lock: bool) -> Association:
    statement = select(Association).where(Association.id == association_id)
    if lock:
        statement = statement.with_for_update().execution_options(populate_existing=True)
    association = (await session.exec(statement)).first()
    if association is None:
        raise NotFound("association")
    return association


async def distribution_days(
    session: AsyncSession, *, identity: Identity | None, association_id: int
) -> DistributionDays:
    """One association's days, for a coordinator of its antenna."""
    association = await _association(session, association_id, lock=False)
    check_settings_editor(identity, association.antenna_id)
    return _view(association)


@transaction
async def toggle_distribution_day(
    session: AsyncSession,
    *,
    identity: Identity | None,
    association_id: int,
    weekday: int,
    now: datetime,
) -> DistributionDays:
    """Add the weekday to the association's distribution days, or take it away."""
    association = await _association(session, association_id, lock=True)
    actor_id = check_settings_editor(identity, association.antenna_id)
    if not 0 <= weekday <= 6:
        raise InvalidInput("weekday_invalid")
    before = sorted(set(association.distribution_days or ()))
    after = sorted(set(before) ^ {weekday})
    association.distribution_days = after
    session.add(association)
    session.add(
        AuditLog(
            at=now,
            actor_id=actor_id,
            action="association.distribution_days",
            entity="association",
            entity_id=association.id,
            detail={"before": before, "after": after},
        )
    )
    return _view(association)
