"""/antenna → vehicles: a coordinator of the vehicle's antenna changes its cold unit, capacity,
home hub and use; everyone else is refused and nothing changes; each change has its audit line,
and a vehicle out of use is no longer offered in /tours."""

from __future__ import annotations

import pytest
from sqlalchemy import update
from sqlmodel import col, select

from bot.callbacks import TourPlanCb
from bot.i18n import create_i18n
from bot.tours.menu import tours_menu
from logistics.errors import InvalidInput, NotAllowed, NotFound
from logistics.people.identity import identify
from logistics.tours.vehicles import (
    antenna_vehicles,
    set_capacity,
    set_home_hub,
    toggle_active,
    toggle_refrigerated,
    validate_capacity,
    vehicle,
)
from storage.models import Antenna, AuditLog, Hub, Member, Membership, Vehicle
from tests.harness import buttons
from tests.stock.stock_world import add_other_hub

CLAIRE, JORIS, SOFIE, STRANGER = 100001, 100002, 100004, 555555


@pytest.mark.parametrize(("typed", "kg"), [(800, 800.0), ("1200.04", 1200.0), (0.26, 0.3)])
def test_capacities_that_are_kept(typed, kg):
    assert validate_capacity(typed) == kg


@pytest.mark.parametrize("typed", [0, -5, 0.01, 40_000.5, 1e9, float("nan"), float("inf"), None])
def test_capacities_that_are_refused(typed):
    with pytest.raises(InvalidInput):
        validate_capacity(typed)


async def van(s) -> Vehicle:
    found = select(Vehicle).where(Vehicle.key == "van-ixelles")
    return (await s.exec(found.execution_options(populate_existing=True))).one()


async def audit(s) -> list[AuditLog]:
    found = await s.exec(
        select(AuditLog).where(AuditLog.action == "vehicle.settings").order_by(AuditLog.id)
    )
    return list(found.all())


def as_row(v: Vehicle) -> tuple:
    return (v.refrigerated, v.capacity_kg, v.home_hub_id, v.active)


async def test_a_coordinator_changes_each_setting(settings, session_factory, clock):
    now = clock.now()
    async with session_factory() as s:
        second = await add_other_hub(s, now)
        await s.commit()
        claire = await identify(s, telegram_id=CLAIRE)
        first = (await van(s)).home_hub_id
        van_id = (await van(s)).id
        [listed] = await antenna_vehicles(s, identity=claire, antenna_id=(await van(s)).antenna_id)
        assert (listed.name, listed.refrigerated, listed.capacity_kg) == (
            "Camionnette frigo 1",
            True,
            800,
        )
        assert (listed.home_hub, listed.active) == ("Hub Exemple Ixelles", True)

        shown = await toggle_refrigerated(s, identity=claire, vehicle_id=van_id, now=now)
        assert shown.refrigerated is False
        shown = await set_capacity(s, identity=claire, vehicle_id=van_id, kg=1250.5, now=now)
        assert shown.capacity_kg == 1250.5
        shown = await set_home_hub(s, identity=claire, vehicle_id=van_id, hub_id=second, now=now)
        assert (shown.home_hub_id, shown.home_hub) == (second, "Hub Voorbeeld Etterbeek")
        shown = await toggle_active(s, identity=claire, vehicle_id=van_id, now=now)
        assert shown.active is False
        # the same hub again changes nothing and writes no line
        await set_home_hub(s, identity=claire, vehicle_id=van_id, hub_id=second, now=now)
    async with session_factory() as s:
        assert as_row(await van(s)) == (False, 1250.5, second, False)
        actor = claire.member_id
        lines = await audit(s)
        assert [a.detail for a in lines] == [
            {"setting": "refrigerated", "before": True, "after": False},
            {"setting": "capacity_kg", "before": 800, "after": 1250.5},
            {"setting": "home_hub_id", "before": first, "after": second},
            {"setting": "active", "before": True, "after": False},
        ]
        assert {(a.actor_id, a.entity, a.entity_id, a.at) for a in lines} == {
            (actor, "vehicle", van_id, now)
        }
        # and back: an inactive vehicle can be put back in use, and is listed last till then
        shown = await toggle_active(s, identity=claire, vehicle_id=van_id, now=now)
        assert shown.active is True and (await van(s)).active is True


async def test_everyone_else_is_refused_and_nothing_changes(settings, session_factory, clock):
    now = clock.now()
    async with session_factory() as s:
        car = await van(s)
        van_id, antenna_id, before = car.id, car.antenna_id, as_row(car)
        schaerbeek = (await s.exec(select(Antenna).where(Antenna.key == "schaerbeek"))).one()
        theirs = Hub(key="hub-schaerbeek", antenna_id=schaerbeek.id, name="Hub Schaerbeek")
        s.add(theirs)
        await s.commit()
        theirs_id = theirs.id
    async with session_factory() as s:
        for telegram_id in (JORIS, SOFIE, STRANGER):
            who = await identify(s, telegram_id=telegram_id)
            await refused_everything(s, who, van_id, antenna_id, now)
        claire = await identify(s, telegram_id=CLAIRE)
        with pytest.raises(NotAllowed):  # a hub of another antenna
            await set_home_hub(s, identity=claire, vehicle_id=van_id, hub_id=theirs_id, now=now)
        with pytest.raises(NotFound):
            await set_home_hub(s, identity=claire, vehicle_id=van_id, hub_id=2**31 - 1, now=now)
        with pytest.raises(NotFound):
            await toggle_active(s, identity=claire, vehicle_id=2**31 - 1, now=now)
        for typed in (0, -1, 40_001, None):
            with pytest.raises(InvalidInput):
                await set_capacity(s, identity=claire, vehicle_id=van_id, kg=typed, now=now)
        claire_id = (await s.exec(select(Member.id).where(Member.telegram_id == CLAIRE))).one()
        await s.exec(
            update(Membership)
            .where(col(Membership.member_id) == claire_id)
            .values(status="suspended")
        )
        await s.commit()
        suspended = await identify(s, telegram_id=CLAIRE)
        await refused_everything(s, suspended, van_id, antenna_id, now)
    async with session_factory() as s:
        assert as_row(await van(s)) == before
        assert await audit(s) == []


async def refused_everything(s, who, van_id: int, antenna_id: int, now) -> None:
    hub_id = (await van(s)).home_hub_id
    with pytest.raises(NotAllowed):
        await antenna_vehicles(s, identity=who, antenna_id=antenna_id)
    with pytest.raises(NotAllowed):
        await vehicle(s, identity=who, vehicle_id=van_id)
    for toggle in (toggle_refrigerated, toggle_active):
        with pytest.raises(NotAllowed):
            await toggle(s, identity=who, vehicle_id=van_id, now=now)
    with pytest.raises(NotAllowed):
        await set_capacity(s, identity=who, vehicle_id=van_id, kg=1000, now=now)
    with pytest.raises(NotAllowed):
        await set_home_hub(s, identity=who, vehicle_id=van_id, hub_id=hub_id, now=now)


async def test_a_vehicle_out_of_use_is_not_offered_in_tours(settings, session_factory, clock):
    i18n = create_i18n()

    async def offered(s, claire) -> list[str]:
        with i18n.context(), i18n.use_locale("fr"):
            _, markup = await tours_menu(s, claire, clock)
        return [d for _, d in buttons({"reply_markup": markup.model_dump()})]

    async with session_factory() as s:
        claire = await identify(s, telegram_id=CLAIRE)
        van_id = (await van(s)).id
        plan = TourPlanCb(vehicle_id=van_id, day=0).pack()
        assert plan in await offered(s, claire)
        await toggle_active(s, identity=claire, vehicle_id=van_id, now=clock.now())
        assert plan not in await offered(s, claire)
        await toggle_active(s, identity=claire, vehicle_id=van_id, now=clock.now())
        assert plan in await offered(s, claire)
