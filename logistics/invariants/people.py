"""People and their roles: each role for a place of its own antenna, and a forgotten person
keeping no personal data."""

from __future__ import annotations

from logistics.invariants.tables import Tables, kg_problems
from storage.models import Association, Hub, Member, Membership, Store


async def membership_problems(tables: Tables) -> list[str]:
    problems = []
    members = await tables.by_id(Member)
    places = {
        "store": await tables.by_id(Store),
        "association": await tables.by_id(Association),
        "hub": await tables.by_id(Hub),
    }
    roles = {"store": "store_manager", "association": "association", "hub": "hub_staff"}
    for m in await tables.all(Membership):
        where = f"membership {m.id} ({m.role})"
        if m.member_id not in members:
            problems.append(f"{where}: unknown member")
        for kind, role in roles.items():
            place_id = getattr(m, f"{kind}_id")
            if (m.role == role) != (place_id is not None):
                problems.append(f"{where}: {kind} given or missing")
            place = places[kind].get(place_id)
            if place_id is not None and (place is None or place.antenna_id != m.antenna_id):
                problems.append(
                    f"{where}: {'an' if kind == 'association' else 'a'} {kind} of another antenna"
                )
    return problems


async def member_problems(tables: Tables) -> list[str]:
    problems = []
    for member in await tables.all(Member):
        if member.forgotten_at is not None and any(
            (member.telegram_id, member.name, member.username, member.phone)
        ):
            problems.append(f"member {member.id}: forgotten but personal data kept")
        if member.vehicle_capacity_kg is not None:
            problems += kg_problems(f"member {member.id}", {"capacity": member.vehicle_capacity_kg})
    return problems
