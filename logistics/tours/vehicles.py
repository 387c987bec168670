"""An antenna's vehicles, kept up to date by its coordinators: refrigerated or not, capacity,
home hub, and whether it is still in use.

The vehicles are seeded from ``[[vehicles]]`` of ``config.toml``; from then on the database is
what counts, so a van that gets a cold unit, a new home hub or leaves the antenna is changed
here. Each change is one transaction with its audit line; an inactive vehicle is no longer
offered for tours.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from logistics.audit import audit
from logistics.errors import InvalidInput, NotAllowed, NotFound
from logistics.network.antenna_settings import check_settings_editor
from logistics.people.identity import Identity
from logistics.transaction import transaction
from storage.models import Hub, Vehicle

MAX_CAPACITY_KG = 40_000  # a 40-tonne lorry's load: anything above is a typing slip


@dataclass(frozen=True)
class HubChoice:
    hub_id: int
    name: str


@dataclass(frozen=True)
class VehicleView:
    vehicle_id: int
    antenna_id: int
    name: str
    refrigerated: bool
    capacity_kg: float
    home_hub_id: int | None
    home_hub: str | None  # its name
    active: bool


def validate_capacity(value: float | None) -> float:
    """A capacity a coordinator typed: finite, above 0 and at most 40 000 kg, rounded to
    0.1 kg; ``InvalidInput("capacity_invalid")`` otherwise."""
    try:
        kg = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise InvalidInput("capacity_invalid") from None
    if not math.isfinite(kg) or round(kg, 1) <= 0 or kg > MAX_CAPACITY_KG:
        raise InvalidInput("capacity_invalid")
    return round(kg, 1)


def _view(vehicle: Vehicle, hubs: dict[int, str]) -> VehicleView:
    return VehicleView(
        vehicle_id=vehicle.id,
        antenna_id=vehicle.antenna_id,
        name=vehicle.name,
        refrigerated=vehicle.refrigerated,
        capacity_kg=vehicle.capacity_kg,
        home_hub_id=vehicle.home_hub_id,
        home_hub=hubs.get(vehicle.home_hub_id) if vehicle.home_hub_id else None,
        active=vehicle.active,
    )


async def antenna_hubs(
    session: AsyncSession, *, identity: Identity | None, antenna_id: int
) -> list[HubChoice]:
    """The hubs a vehicle of this antenna may start from, for one of its coordinators."""
    check_settings_editor(identity, antenna_id)
    return await _hubs(session, antenna_id)


async def _hubs(session: AsyncSession, antenna_id: int) -> list[HubChoice]:
    rows = await session.exec(
        select(Hub.id, Hub.name).where(Hub.antenna_id == antenna_id).order_by(Hub.name, Hub.id)
    )
    return [HubChoice(hub_id=hub_id, name=name) for hub_id, name in rows.all()]


async def antenna_vehicles(
    session: AsyncSession, *, identity: Identity | None, antenna_id: int
) -> list[VehicleView]:
    """Every vehicle of the antenna, the inactive ones too (they can be put back), for one of
    its coordinators (two queries)."""
    check_settings_editor(identity, antenna_id)
    hubs = {h.hub_id: h.name for h in await _hubs(session, antenna_id)}
    rows = await session.exec(
        select(Vehicle)
        .where(Vehicle.antenna_id == antenna_id)
        .order_by(col(Vehicle.active).desc(), Vehicle.name, Vehicle.id)
    )
    return [_view(v, hubs) for v in rows.all()]


async def _vehicle(session: AsyncSession, vehicle_id: int, *, lock: bool) -> Vehicle:
    statement = select(Vehicle).where(Vehicle.id == vehicle_id)
    if lock:
        statement = statement.with_for_update().execution_options(populate_existing=True)
    vehicle = (await session.exec(statement)).first()
    if vehicle is None:
        raise NotFound("vehicle")
    return vehicle


async def _shown(session: AsyncSession, vehicle: Vehicle) -> VehicleView:
    hubs = {h.hub_id: h.name for h in await _hubs(session, vehicle.antenna_id)}
    return _view(vehicle, hubs)


async def vehicle(
    session: AsyncSession, *, identity: Identity | None, vehicle_id: int
) -> VehicleView:
    """One vehicle, for a coordinator of its antenna."""
    found = await _vehicle(session, vehicle_id, lock=False)
    check_settings_editor(identity, found.antenna_id)
    return await _shown(session, found)


async def _change(
    session: AsyncSession,
    vehicle: Vehicle,
    actor_id: int,
    now: datetime,
    setting: str,
    after: object,
) -> None:
    """Set one field of the vehicle, with its audit line; nothing when it is unchanged."""
    before = getattr(vehicle, setting)
    if before == after:
        return
    setattr(vehicle, setting, after)
    session.add(vehicle)
    audit(
        session, now, actor_id, "vehicle.settings", vehicle,
        setting=setting, before=before, after=after,
    )  # fmt: skip


@transaction
async def toggle_refrigerated(
    session: AsyncSession, *, identity: Identity | None, vehicle_id: int, now: datetime
) -> VehicleView:
    """The vehicle gets a cold unit, or no longer has one: chilled and frozen food follows."""
    found = await _vehicle(session, vehicle_id, lock=True)
    actor_id = check_settings_editor(identity, found.antenna_id)
    await _change(session, found, actor_id, now, "refrigerated", not found.refrigerated)
    return await _shown(session, found)


@transaction
async def toggle_active(
    session: AsyncSession, *, identity: Identity | None, vehicle_id: int, now: datetime
) -> VehicleView:
    """Take the vehicle out of use (no longer offered for tours), or put it back."""
    found = await _vehicle(session, vehicle_id, lock=True)
    actor_id = check_settings_editor(identity, found.antenna_id)
    await _change(session, found, actor_id, now, "active", not found.active)
    return await _shown(session, found)


@transaction
async def set_capacity(
    session: AsyncSession,
    *,
    identity: Identity | None,
    vehicle_id: int,
    kg: float | None,
    now: datetime,
) -> VehicleView:
    """Set the load the vehicle can carry, in kg, as the coordinator typed it."""
    found = await _vehicle(session, vehicle_id, lock=True)
    actor_id = check_settings_editor(identity, found.antenna_id)
    capacity = validate_capacity(kg)
    await _change(session, found, actor_id, now, "capacity_kg", capacity)
    return await _shown(session, found)


@transaction
async def set_home_hub(
    session: AsyncSession,
    *,
    identity: Identity | None,
    vehicle_id: int,
    hub_id: int,
    now: datetime,
) -> VehicleView:
    """Set the hub the vehicle's tours start from and come back to: one of its antenna's."""
    found = await _vehicle(session, vehicle_id, lock=True)
    actor_id = check_settings_editor(identity, found.antenna_id)
    hub = await session.get(Hub, hub_id)
    if hub is None:
        raise NotFound("hub")
    if hub.antenna_id != found.antenna_id:
        raise NotAllowed("hub_other_antenna")
    await _change(session, found, actor_id, now, "home_hub_id", hub.id)
    return await _shown(session, found)
