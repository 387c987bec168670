"""Who may see and move a hub's stock: the coordinators of its antenna and its own staff."""

from __future__ import annotations

from sqlmodel import col, or_, select
from sqlmodel.ext.asyncio.session import AsyncSession

from logistics.errors import NotAllowed, NotFound
from logistics.people.identity import Identity
from logistics.people.permissions import coordinated_antennas, has_role, is_coordinator
from storage.models import Hub


def may_handle(identity: Identity | None, hub: Hub) -> bool:
    return is_coordinator(identity, hub.antenna_id) or has_role(
        identity, "hub_staff", hub.antenna_id, hub_id=hub.id
    )


def may_see_stock(identity: Identity | None) -> bool:
    """/stock: the coordinators and the hub staff."""
    return identity is not None and any(
        r.role in ("coordinator", "hub_staff") for r in identity.roles
    )


async def hubs_handled(session: AsyncSession, identity: Identity) -> list[Hub]:
    """The hubs whose stock this person may see and move, by name."""
    antennas = coordinated_antennas(identity)
    staffed = sorted({r.hub_id for r in identity.roles if r.role == "hub_staff" and r.hub_id})
    if not antennas and not staffed:
        return []
    rows = await session.exec(
        select(Hub)
        .where(or_(col(Hub.antenna_id).in_(antennas), col(Hub.id).in_(staffed)))
        .order_by(col(Hub.name), col(Hub.id))
    )
    return list(rows.all())


async def handled_hub(session: AsyncSession, identity: Identity, hub_id: int) -> Hub:
    """The hub, if this person may move its stock; refused otherwise."""
    hub = await session.get(Hub, hub_id)
    if hub is None:
        raise NotFound("hub")
    if not may_handle(identity, hub):
        raise NotAllowed("not_hub_staff")
    return hub
