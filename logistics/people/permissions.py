"""Who may act: every rule checks the acting person against their current roles.

A coordinator may act for anyone in their antenna; the rule then records it as such
(``Acting.on_behalf`` is True and the audit log says so).
"""

from __future__ import annotations

from dataclasses import dataclass

from logistics.errors import NotAllowed
from logistics.people.identity import Identity


@dataclass(frozen=True)
class Acting:
    member_id: int
    on_behalf: bool  # a coordinator acting in someone else's place


def has_role(
    identity: Identity | None,
    role: str,
    antenna_id: int,
    *,
    store_id: int | None = None,
    association_id: int | None = None,
    hub_id: int | None = None,
) -> bool:
    if identity is None:
        return False
    return any(
        r.role == role
        and r.antenna_id == antenna_id
        and (store_id is None or r.store_id == store_id)
        and (association_id is None or r.association_id == association_id)
        and (hub_id is None or r.hub_id == hub_id)
        for r in identity.roles
    )


def is_coordinator(identity: Identity | None, antenna_id: int) -> bool:
    return has_role(identity, "coordinator", antenna_id)


def holds_any(identity: Identity | None, roles: tuple[str, ...]) -> bool:
    """The person holds one of these roles (active) in some antenna."""
    return identity is not None and any(r.role in roles for r in identity.roles)


def drives(identity: Identity | None) -> bool:
    """/calendar: the drivers, of the pickups they hold themselves."""
    return holds_any(identity, ("driver",))


def may_take_pickups(identity: Identity | None) -> bool:
    """/runs and /mine: the drivers, and the coordinators who may drive in their place."""
    return holds_any(identity, ("driver", "coordinator"))


def may_confirm_receipts(identity: Identity | None) -> bool:
    """/receipts: the associations, and the coordinators who answer for them."""
    return holds_any(identity, ("association", "coordinator"))


def may_route_pickups(identity: Identity | None) -> bool:
    """/pickups: the coordinators, who send pickups elsewhere."""
    return holds_any(identity, ("coordinator",))


def coordinated_antennas(identity: Identity | None) -> list[int]:
    """The antennas this person coordinates, in id order."""
    if identity is None:
        return []
    return sorted({r.antenna_id for r in identity.roles if r.role == "coordinator"})


def acting_as(
    identity: Identity | None,
    role: str,
    antenna_id: int,
    *,
    store_id: int | None = None,
    association_id: int | None = None,
    reason: str,
) -> Acting:
    """The person holds the role here, or coordinates the antenna; else ``NotAllowed(reason)``."""
    if identity is None or identity.member_id is None:
        raise NotAllowed(reason)
    if has_role(identity, role, antenna_id, store_id=store_id, association_id=association_id):
        return Acting(member_id=identity.member_id, on_behalf=False)
    if is_coordinator(identity, antenna_id):
        return Acting(member_id=identity.member_id, on_behalf=True)
    raise NotAllowed(reason)
