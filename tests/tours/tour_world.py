"""A SOREAL-like evening to plan tours on: an antenna with a hub (cold room) and a refrigerated
van, stores spread over a few Brussels communes with their evening pickups announced, drivers,
a volunteer and a coordinator (built directly in the database, no bot)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from logistics.people.identity import identify
from storage.models import (
    Antenna,
    Association,
    Category,
    Donation,
    DonationItem,
    Hub,
    Member,
    Membership,
    Store,
    Vehicle,
)

BRUSSELS = ZoneInfo("Europe/Brussels")
COORDINATOR, STAFF_DRIVER, VOLUNTEER, OTHER_COORDINATOR, STRANGER = 301, 101, 102, 302, 401
# name, latitude, longitude, window (local), kg, cold
STORES = (
    ("Delhaize Flagey", 50.8274, 4.3722, "18:00", "19:00", 40.0, True),
    ("Carrefour Jourdan", 50.8377, 4.3818, "18:30", "19:30", 35.0, False),
    ("Colruyt Evere", 50.8712, 4.4031, "19:00", "20:30", 60.0, True),
    ("Aldi Helmet", 50.8683, 4.3797, "19:00", "20:00", 25.0, False),
    ("Lidl Anderlecht", 50.8365, 4.3090, "18:00", "20:30", 50.0, False),
)


@dataclass
class TourWorld:
    antenna: int
    other_antenna: int
    hub: int
    van: int
    small_car: int  # not refrigerated, 60 kg
    stores: list[int]
    pickups: list[int]  # one announced pickup per store, in STORES order
    associations: list[int]
    day: date
    members: dict[int, int]  # telegram id -> member id


def local(day: date, hhmm: str) -> datetime:
    return datetime.combine(day, time.fromisoformat(hhmm), BRUSSELS).astimezone(UTC)


async def build_tour_world(session_factory, now: datetime, day: date) -> TourWorld:
    async with session_factory() as s:
        antenna = Antenna(key="ixelles", name="Ixelles", group_chat_id=-100_500)
        other = Antenna(key="mons", name="Mons", group_chat_id=-100_501)
        s.add_all([antenna, other])
        await s.flush()
        hub = Hub(
            key="hub", antenna_id=antenna.id, name="Hub CPAS", address="Rue du Hub 1",
            cold_storage=True, reception_hours="mon-sun 07:00-12:00; mon-sun 17:00-23:00",
            latitude=50.8321, longitude=4.3702,
        )  # fmt: skip
        s.add(hub)
        await s.flush()
        van = Vehicle(
            key="van", antenna_id=antenna.id, name="Camionnette frigo", refrigerated=True,
            capacity_kg=800, home_hub_id=hub.id,
        )  # fmt: skip
        car = Vehicle(
            key="car", antenna_id=antenna.id, name="Petite voiture", refrigerated=False,
            capacity_kg=60, home_hub_id=hub.id,
        )  # fmt: skip
        bread = Category(key="bread", name_fr="Pain", name_nl="Brood")
        dairy = Category(
            key="dairy", name_fr="Produits laitiers", name_nl="Zuivel", cold_chain="chilled",
            date_kind="use_by",
        )  # fmt: skip
        s.add_all([van, car, bread, dairy])
        stores = [
            Store(key=f"s{n}", antenna_id=antenna.id, name=name, address=f"Rue {n}",
                  latitude=lat, longitude=lon)
            for n, (name, lat, lon, *_rest) in enumerate(STORES)
        ]  # fmt: skip
        associations = [
            Association(
                key=f"a{n}", antenna_id=antenna.id, name=name, beneficiaries=b,
                cold_storage=cold, reception_hours="mon-sat 08:00-12:00",
                latitude=lat, longitude=lon,
            )
            for n, (name, b, cold, lat, lon) in enumerate(
                (
                    ("Épicerie sociale", 180, True, 50.8301, 4.3651),
                    ("Restaurant social", 90, True, 50.8362, 4.3887),
                    ("Colis Schaerbeek", 250, False, 50.8652, 4.3748),
                )
            )
        ]  # fmt: skip
        s.add_all([*stores, *associations])
        people = {
            tg: Member(
                telegram_id=tg,
                name=f"P{tg}",
                language="fr",
                created_at=now,
                opened_at=now,
                vehicle_refrigerated=tg == VOLUNTEER,
            )
            for tg in (COORDINATOR, STAFF_DRIVER, VOLUNTEER, OTHER_COORDINATOR, STRANGER)
        }
        s.add_all(people.values())
        await s.flush()
        for tg, role, antenna_id in (
            (COORDINATOR, "coordinator", antenna.id),
            (STAFF_DRIVER, "driver", antenna.id),
            (VOLUNTEER, "driver", antenna.id),
            (OTHER_COORDINATOR, "coordinator", other.id),
        ):
            s.add(
                Membership(
                    member_id=people[tg].id, antenna_id=antenna_id, role=role, created_at=now
                )
            )
        pickups = []
        for store, (_, _, _, start, end, kg, cold) in zip(stores, STORES, strict=True):
            donation = Donation(
                antenna_id=antenna.id, store_id=store.id, status="announced",
                window_start=local(day, start), window_end=local(day, end),
                estimated_kg=kg, created_at=now, updated_at=now,
            )  # fmt: skip
            s.add(donation)
            await s.flush()
            category = dairy if cold else bread
            s.add(
                DonationItem(
                    donation_id=donation.id, category_id=category.id, quantity=kg, unit="kg",
                    cold_chain=category.cold_chain, estimated_kg=kg,
                )
            )  # fmt: skip
            pickups.append(donation.id)
        await s.commit()
        return TourWorld(
            antenna=antenna.id,
            other_antenna=other.id,
            hub=hub.id,
            van=van.id,
            small_car=car.id,
            stores=[x.id for x in stores],
            pickups=pickups,
            associations=[a.id for a in associations],
            day=day,
            members={tg: m.id for tg, m in people.items()},
        )


async def as_person(session_factory, use_case, telegram_id: int, **kwargs):
    """Run a use case as the person with this Telegram id, in a session of its own."""
    async with session_factory() as s:
        identity = await identify(s, telegram_id=telegram_id)
        return await use_case(s, identity=identity, **kwargs)
