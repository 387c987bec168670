"""A small network with hubs, for the stock rules' tests: an antenna with two hubs (a depot
and a cold room), two associations and a store; another antenna with a hub of its own;
everyone who may or may not move stock; and food delivered to a hub through the real pickup
and delivery.

    world = await build_stock_world(session_factory, now)
    lots = await stock_at(session_factory, world, now, [Item("dairy", 10, use_by=day)])
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlmodel import col, select

from logistics.people.identity import identify
from logistics.pickups.collection import record_delivery, record_pickup
from logistics.stock.balance import stock_balances
from logistics.stock.moves import take
from logistics.stock.receiving import receive_at_hub
from logistics.transaction import transaction
from storage.models import (
    Antenna,
    Association,
    Category,
    Claim,
    Delivery,
    Donation,
    DonationItem,
    Hub,
    Member,
    Membership,
    StockLot,
    Store,
)

# Telegram ids of the people of the world.
COORDINATOR, FAR_COORDINATOR = 301, 302
STAFF, FRIGO_STAFF, SUSPENDED_STAFF, FAR_STAFF = 501, 502, 503, 504  # depot, frigo, depot, far
DRIVER, ASSOCIATE, STORE_MANAGER, STRANGER = 101, 201, 601, 401  # the stranger has no role
NOBODY = 999  # never wrote to the bot: no member at all
PEOPLE = (COORDINATOR, FAR_COORDINATOR, STAFF, FRIGO_STAFF, SUSPENDED_STAFF, FAR_STAFF, DRIVER,
          ASSOCIATE, STORE_MANAGER, STRANGER)  # fmt: skip

CATEGORIES = {  # key: (cold chain, date kind)
    "bread": ("ambient", "none"),
    "tins": ("ambient", "best_before"),
    "dairy": ("chilled", "use_by"),
    "frozen": ("frozen", "best_before"),
}


@dataclass(frozen=True)
class Item:
    """One line of a pickup as collected: its category (key) and kg, its dates and lot."""

    category: str
    kg: float
    use_by: date | None = None
    best_before: date | None = None
    lot: str | None = None
    label: str = ""


@dataclass(frozen=True)
class StockWorld:
    antenna: int
    far_antenna: int
    hubs: dict[str, int]  # depot, frigo (cold room) of the antenna; far, of the other one
    associations: dict[str, int]  # epicerie, resto; far
    stores: dict[str, int]  # delhaize; far
    categories: dict[str, int]
    members: dict[int, int]  # Telegram id -> member id

    def antenna_of(self, hub: str) -> int:
        return self.far_antenna if hub == "far" else self.antenna


@dataclass(frozen=True)
class Delivered:
    donation: int
    items: tuple[int, ...]
    stops: tuple[int, ...]


async def build_stock_world(session_factory, now: datetime) -> StockWorld:
    async with session_factory() as s:
        antenna = Antenna(key="ixelles", name="Ixelles", group_chat_id=-100_201)
        far = Antenna(key="liege", name="Liège", group_chat_id=-100_202)
        s.add_all([antenna, far])
        await s.flush()
        hubs = {
            "depot": Hub(key="depot", antenna_id=antenna.id, name="Dépôt"),
            "frigo": Hub(key="frigo", antenna_id=antenna.id, name="Frigo", cold_storage=True),
            "far": Hub(key="far-hub", antenna_id=far.id, name="Hub de Liège", cold_storage=True),
        }
        associations = {
            "epicerie": Association(key="epicerie", antenna_id=antenna.id, name="Épicerie"),
            "resto": Association(key="resto", antenna_id=antenna.id, name="Resto du cœur"),
            "far": Association(key="far-assoc", antenna_id=far.id, name="Liège solidaire"),
        }
        stores = {
            "delhaize": Store(key="delhaize", antenna_id=antenna.id, name="Delhaize Flagey"),
            "far": Store(key="far-store", antenna_id=far.id, name="Colruyt Liège"),
        }
        categories = {
            key: Category(key=key, name_fr=key, name_nl=key, cold_chain=cold, date_kind=kind)
            for key, (cold, kind) in CATEGORIES.items()
        }
        people = {
            tg: Member(telegram_id=tg, name=f"P{tg}", language="fr", created_at=now, opened_at=now)
            for tg in PEOPLE
        }
        s.add_all([*hubs.values(), *associations.values(), *stores.values()])
        s.add_all([*categories.values(), *people.values()])
        await s.flush()

        def role(tg, role, antenna_id=antenna.id, status="active", **place):
            return Membership(
                member_id=people[tg].id,
                antenna_id=antenna_id,
                role=role,
                status=status,
                created_at=now,
                **place,
            )

        s.add_all(
            [
                role(COORDINATOR, "coordinator"),
                role(FAR_COORDINATOR, "coordinator", antenna_id=far.id),
                role(STAFF, "hub_staff", hub_id=hubs["depot"].id),
                role(FRIGO_STAFF, "hub_staff", hub_id=hubs["frigo"].id),
                role(SUSPENDED_STAFF, "hub_staff", status="suspended", hub_id=hubs["depot"].id),
                role(FAR_STAFF, "hub_staff", antenna_id=far.id, hub_id=hubs["far"].id),
                role(DRIVER, "driver"),
                role(DRIVER, "driver", antenna_id=far.id),
                role(ASSOCIATE, "association", association_id=associations["epicerie"].id),
                role(STORE_MANAGER, "store_manager", store_id=stores["delhaize"].id),
            ]
        )
        await s.commit()
        return StockWorld(
            antenna=antenna.id,
            far_antenna=far.id,
            hubs={k: v.id for k, v in hubs.items()},
            associations={k: v.id for k, v in associations.items()},
            stores={k: v.id for k, v in stores.items()},
            categories={k: v.id for k, v in categories.items()},
            members={tg: m.id for tg, m in people.items()},
        )


async def act(session_factory, use_case, telegram_id: int, **kwargs):
    """Run a use case as the person with this Telegram id, in a session of its own."""
    async with session_factory() as s:
        identity = await identify(s, telegram_id=telegram_id)
        return await use_case(s, identity=identity, **kwargs)


async def _pickup(session, world, now, items, antenna, *, status):
    """A donation of the antenna's store with these items (weighed as given once received)."""
    total = sum(item.kg for item in items)
    weighed = status != "claimed"
    donation = Donation(
        antenna_id=antenna,
        store_id=world.stores["far" if antenna == world.far_antenna else "delhaize"],
        status=status,
        window_start=now - timedelta(minutes=30),
        window_end=now + timedelta(minutes=30),
        estimated_kg=total,
        collected_kg=total if weighed else None,
        created_at=now,
        updated_at=now,
    )
    session.add(donation)
    await session.flush()
    rows = [
        DonationItem(
            donation_id=donation.id,
            category_id=world.categories[item.category],
            label=item.label,
            quantity=item.kg or 1,
            unit="kg",
            cold_chain=CATEGORIES[item.category][0],
            estimated_kg=item.kg,
            collected_kg=item.kg if weighed else None,
            use_by=item.use_by,
            best_before=item.best_before,
            lot=item.lot,
        )
        for item in items
    ]
    session.add_all(rows)
    return donation, rows


async def deliver(
    session_factory,
    world: StockWorld,
    now: datetime,
    items: Sequence[Item],
    stops: Sequence[tuple[str, str, float | None]] = (("hub", "depot", None),),
) -> Delivered:
    """A pickup of these items, collected and delivered to these stops (("hub" or
    "association", key, kg delivered, or None for the planned share)) by the driver, at
    ``now``: through record_pickup and record_delivery, as the bot does."""
    antenna = world.antenna_of(next((key for kind, key, _ in stops if kind == "hub"), "depot"))
    total = sum(item.kg for item in items)
    async with session_factory() as s:
        donation, rows = await _pickup(s, world, now, items, antenna, status="claimed")
        places = {"hub": world.hubs, "association": world.associations}
        deliveries = [
            Delivery(
                donation_id=donation.id,
                planned_kg=total / len(stops),
                **{f"{kind}_id": places[kind][key]},
            )
            for kind, key, _ in stops
        ]
        claim = Claim(donation_id=donation.id, driver_id=world.members[DRIVER], claimed_at=now)
        s.add_all([*deliveries, claim])
        await s.commit()
        item_ids = tuple(row.id for row in rows)
        stop_ids = tuple(d.id for d in deliveries)
    await act(
        session_factory,
        record_pickup,
        DRIVER,
        donation_id=donation.id,
        now=now,
        item_kg={row: item.kg for row, item in zip(item_ids, items, strict=True)},
    )
    for stop, (_, _, kg) in zip(stop_ids, stops, strict=True):
        await act(session_factory, record_delivery, DRIVER, delivery_id=stop, now=now, kg=kg)
    return Delivered(donation.id, item_ids, stop_ids)


@transaction
async def hand_out(session, *, lot_id, kg, association_id, now, kind="out"):
    """Food of a lot handed out to an association (the building block the distribution uses)."""
    found = await session.get(StockLot, lot_id)
    return await take(
        session, found, kind=kind, kg=kg, member_id=None, association_id=association_id, now=now
    )


async def stock_at(
    session_factory, world: StockWorld, now: datetime, items: Sequence[Item], hub: str = "depot"
) -> list[StockLot]:
    """The items delivered whole to the hub: its new lots, in item order."""
    delivered = await deliver(session_factory, world, now, items, stops=(("hub", hub, None),))
    return await lots_of(session_factory, col(StockLot.donation_id) == delivered.donation)


async def received_at_hub(
    session_factory, world: StockWorld, now: datetime, items: Sequence[Item], hub: str = "depot"
) -> list[StockLot]:
    """The items of a pickup delivered whole to the hub, received in one transaction (the
    pickup's own steps taken as done): its new lots, in item order. Quicker than
    ``stock_at``, for tests that make many."""
    async with session_factory() as s:
        donation, _ = await _pickup(s, world, now, items, world.antenna_of(hub), status="received")
        delivery = Delivery(
            donation_id=donation.id,
            hub_id=world.hubs[hub],
            planned_kg=donation.collected_kg,
            delivered_kg=donation.collected_kg,
            delivered_at=now,
        )
        s.add(delivery)
        await s.flush()
        lots = await receive_at_hub(
            s, delivery=delivery, donation=donation, member_id=world.members[DRIVER], now=now
        )
        await s.commit()
        return lots


async def lots_of(session_factory, *where) -> list[StockLot]:
    async with session_factory() as s:
        return list((await s.exec(select(StockLot).where(*where).order_by(col(StockLot.id)))).all())


async def lot(session_factory, lot_id: int) -> StockLot:
    async with session_factory() as s:
        return await s.get(StockLot, lot_id)


async def balances(session_factory):
    async with session_factory() as s:
        return await stock_balances(s)
