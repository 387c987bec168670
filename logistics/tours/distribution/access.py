"""Who may do what with a distribution tour, checked by the rules themselves:

- its antenna's coordinators propose, adjust and confirm it, and may record its stops;
- its driver records its stops (delivered, or nobody there);
- they, and the staff of its hub (who load the van), may read it;
- anyone else, a coordinator of another antenna included, is refused (``NotAllowed``).
"""

from __future__ import annotations

from typing import TypeVar

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from logistics.audit import audit  # noqa: F401 (the tours' modules import it from here)
from logistics.errors import NotAllowed, NotFound
from logistics.people.identity import Identity
from logistics.people.permissions import has_role, is_coordinator
from storage.models import Tour

T = TypeVar("T")


def coordinator_of(identity: Identity | None, antenna_id: int) -> int:
    """The acting coordinator's member id; refused to anyone else."""
    if identity is None or identity.member_id is None or not is_coordinator(identity, antenna_id):
        raise NotAllowed("not_coordinator")
    return identity.member_id


def recorder_of(identity: Identity | None, tour: Tour) -> int:
    """The member who records a stop: the tour's driver or a coordinator of its antenna."""
    if identity is None or identity.member_id is None:
        raise NotAllowed("not_tour_driver")
    if tour.driver_id == identity.member_id or is_coordinator(identity, tour.antenna_id):
        return identity.member_id
    raise NotAllowed("not_tour_driver")


def may_read(identity: Identity | None, tour: Tour) -> bool:
    if identity is None or identity.member_id is None:
        return False
    return (
        is_coordinator(identity, tour.antenna_id)
        or tour.driver_id == identity.member_id
        or has_role(identity, "hub_staff", tour.antenna_id, hub_id=tour.hub_id)
    )


async def distribution_tour_row(session: AsyncSession, tour_id: int, *, lock: bool = False) -> Tour:
    """The tour (a distribution one), locked until the end of the transaction when asked,
    so that two people changing it at once take turns."""
    statement = select(Tour).where(Tour.id == tour_id)
    if lock:
        statement = statement.with_for_update().execution_options(populate_existing=True)
    tour = (await session.exec(statement)).first()
    if tour is None or tour.kind != "distribution":
        raise NotFound("tour")
    return tour


async def fresh(session: AsyncSession, model: type[T], row_id: int) -> T:
    """The row as the database now holds it (not as an earlier read left it)."""
    row = (
        await session.exec(
            select(model).where(model.id == row_id).execution_options(populate_existing=True)
        )
    ).first()
    if row is None:
        raise NotFound(model.__tablename__)
    return row
