"""A hub's world for the morning distribution tests, built through the database: an antenna
with a hub (cold room) in Ixelles, a refrigerated van, four associations around it, people
with every role, and lots with dates."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlmodel import select

from logistics.people.identity import identify
from storage.models import (
    Antenna,
    Association,
    Category,
    Hub,
    Member,
    Membership,
    StockLot,
    StockMove,
    Vehicle,
)

WEDNESDAY = date(2026, 3, 11)  # the service day: the morning after the `now` fixture
# Telegram ids
COORDINATOR, DRIVER, OTHER_DRIVER, STAFF, FAR_COORDINATOR, STRANGER, ALICE = (
    301,
    101,
    102,
    501,
    302,
    401,
    201,
)


@dataclass
class World:
    antenna: int
    far_antenna: int
    hub: int
    van: int
    associations: dict[str, int]  # epicerie, resto, colis, soir
    categories: dict[str, int]  # bread, yoghurt, tins
    members: dict[int, int] = field(default_factory=dict)  # Telegram id → member id


# Places around the Place Flagey: the hub, then the associations within 3 km.
HUB_AT = (50.8275, 4.3725)
PLACES = {
    # key: (beneficiaries, cold storage, reception hours, (lat, lon))
    "epicerie": (100, True, "mon-sat 08:00-11:00", (50.8350, 4.3650)),
    "resto": (50, False, "mon-sat 09:00-12:00", (50.8200, 4.3900)),
    "colis": (50, True, "mon-fri 07:30-10:00", (50.8400, 4.3950)),
    "soir": (80, True, "mon-sat 14:00-17:00", (50.8300, 4.3500)),  # closed in the morning
}


async def build_world(session_factory, now: datetime, *, capacity_kg: float = 800) -> World:
    async with session_factory() as s:
        antenna = Antenna(key="ixelles", name="Ixelles", group_chat_id=-100_200)
        far = Antenna(key="liege", name="Liège", group_chat_id=-100_201)
        s.add_all([antenna, far])
        await s.flush()
        hub = Hub(
            key="depot",
            antenna_id=antenna.id,
            name="Dépôt CPAS",
            cold_storage=True,
            latitude=HUB_AT[0],
            longitude=HUB_AT[1],
        )
        s.add(hub)
        await s.flush()
        van = Vehicle(
            key="van",
            antenna_id=antenna.id,
            name="Camionnette frigo",
            refrigerated=True,
            capacity_kg=capacity_kg,
            home_hub_id=hub.id,
        )
        associations = {
            key: Association(
                key=key,
                antenna_id=antenna.id,
                name=key.capitalize(),
                beneficiaries=b,
                cold_storage=cold,
                reception_hours=hours,
                latitude=at[0],
                longitude=at[1],
            )
            for key, (b, cold, hours, at) in PLACES.items()
        }
        categories = {
            "bread": Category(key="bread", name_fr="Pain", name_nl="Brood"),
            "yoghurt": Category(
                key="yoghurt",
                name_fr="Yaourts",
                name_nl="Yoghurt",
                cold_chain="chilled",
                date_kind="use_by",
            ),
            "tins": Category(
                key="tins",
                name_fr="Conserves",
                name_nl="Conserven",
                date_kind="best_before",
                grace_days=30,
            ),
        }
        s.add_all([van, *associations.values(), *categories.values()])
        people = {
            tg: Member(telegram_id=tg, name=f"P{tg}", language="fr", created_at=now, opened_at=now)
            for tg in (COORDINATOR, DRIVER, OTHER_DRIVER, STAFF, FAR_COORDINATOR, STRANGER, ALICE)
        }
        s.add_all(people.values())
        await s.flush()

        def role(tg, name, antenna_id=antenna.id, **place):
            return Membership(
                member_id=people[tg].id,
                antenna_id=antenna_id,
                role=name,
                status="active",
                created_at=now,
                **place,
            )

        s.add_all(
            [
                role(COORDINATOR, "coordinator"),
                role(DRIVER, "driver"),
                role(OTHER_DRIVER, "driver"),
                role(STAFF, "hub_staff", hub_id=hub.id),
                role(FAR_COORDINATOR, "coordinator", antenna_id=far.id),
                role(ALICE, "association", association_id=associations["epicerie"].id),
            ]
        )
        await s.commit()
        return World(
            antenna=antenna.id,
            far_antenna=far.id,
            hub=hub.id,
            van=van.id,
            associations={k: a.id for k, a in associations.items()},
            categories={k: c.id for k, c in categories.items()},
            members={tg: m.id for tg, m in people.items()},
        )


async def add_lot(
    session_factory,
    world: World,
    now: datetime,
    category: str,
    kg: float,
    *,
    use_by: date | None = None,
    best_before: date | None = None,
    received_at: datetime | None = None,
    label: str = "",
) -> int:
    """A lot received at the hub, with its move in, as receiving writes them."""
    async with session_factory() as s:
        cat = await s.get(Category, world.categories[category])
        lot = StockLot(
            hub_id=world.hub,
            category_id=cat.id,
            cold_chain=cat.cold_chain,
            label=label or category,
            use_by=use_by,
            best_before=best_before,
            received_at=received_at or now - timedelta(hours=12),
            received_kg=kg,
            on_hand_kg=kg,
        )
        s.add(lot)
        await s.flush()
        s.add(
            StockMove(
                lot_id=lot.id,
                hub_id=world.hub,
                category_id=cat.id,
                kind="in",
                kg=kg,
                at=lot.received_at,
            )
        )
        await s.commit()
        return lot.id


async def call(session_factory, use_case, telegram_id: int | None, **kwargs):
    """Run a use case as the person with this Telegram id (None: the scheduler), in a
    session of its own."""
    async with session_factory() as s:
        identity = None if telegram_id is None else await identify(s, telegram_id=telegram_id)
        return await use_case(s, identity=identity, **kwargs)


async def evaluated(session_factory, tour, capacity_kg: float = 800, refrigerated: bool = True):
    """The solver's own evaluation of the tour's stored order (great-circle roads): what the
    stored arrivals and the view's problems must say."""
    from logistics.tours.distances import Point, travel_matrix
    from logistics.tours.distribution.plan import SERVICE_S
    from logistics.tours.distribution.times import morning_of
    from logistics.tours.solver import TourStop, TourVehicle, evaluate_order

    async with session_factory() as s:
        places = {a.id: a for a in (await s.exec(select(Association))).all()}
    points = [Point(*HUB_AT)] + [
        Point(places[x.association_id].latitude, places[x.association_id].longitude)
        for x in tour.stops
    ]
    morning = morning_of(tour.service_day, "06:00", tour.tz)
    order = [
        TourStop(
            id=x.stop_id,
            point=n,
            window=(morning.seconds(x.window[0]), morning.seconds(x.window[1])),
            service=SERVICE_S,
            kg=x.kg,
            kind="delivery",
            cold=any(load.lot.cold_chain != "ambient" for load in x.loads),
        )
        for n, x in enumerate(tour.stops, start=1)
    ]
    vehicle = TourVehicle(capacity_kg, refrigerated, 0, morning.shift)
    plan = evaluate_order(order, vehicle, travel_matrix(points))
    return plan, [morning.instant(p.arrival) for p in plan.stops]
