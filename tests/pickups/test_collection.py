"""Recording the pickup and the deliveries: who may, what is stored, who is told."""

from __future__ import annotations

import asyncio
import math
from dataclasses import dataclass
from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlmodel import col, select

from logistics.errors import AlreadyDone, InvalidInput, NotAllowed, NotFound, NotOpen
from logistics.people.identity import identify
from logistics.pickups.collection import record_delivery, record_pickup
from logistics.pickups.weights import spread_kg, validate_kg
from logistics.stock.balance import stock_balances
from storage.models import (
    Antenna,
    Association,
    AuditLog,
    Category,
    Claim,
    Delivery,
    Donation,
    DonationItem,
    Hub,
    Member,
    Membership,
    Outbox,
    Receipt,
    StockLot,
    StockMove,
    Store,
)

GROUP = -100_111
# Telegram ids of the people of the world below.
DRIVER, OTHER_DRIVER, COORDINATOR, FAR_COORDINATOR, STRANGER = 101, 102, 301, 302, 401
ALICE, ANNA, PENDING_A, BOB = 201, 202, 203, 211  # Alice, Anna: association A; Bob: B
ASSOCIATES = (ALICE, ANNA, PENDING_A, BOB)


@dataclass
class World:
    antenna: int
    donation: int
    items: tuple[int, int]  # bread (est. 20 kg), yoghurt (est. 10 kg)
    stop_a: int  # to association A, planned 18 kg
    stop_b: int  # to association B, planned 12 kg
    association_a: int
    association_b: int
    hub: int
    store: int
    driver: int  # member ids
    coordinator: int


async def build_world(session_factory, now) -> World:
    """An antenna with a store, two associations, a hub, people, and a claimed donation."""
    async with session_factory() as s:
        antenna = Antenna(key="ixelles", name="Ixelles", group_chat_id=GROUP)
        far = Antenna(key="liege", name="Liège", group_chat_id=GROUP - 1)
        s.add_all([antenna, far])
        await s.flush()
        store = Store(key="delhaize", antenna_id=antenna.id, name="Delhaize Flagey")
        assoc_a = Association(key="epicerie", antenna_id=antenna.id, name="Épicerie sociale")
        assoc_b = Association(key="resto", antenna_id=antenna.id, name="Resto du cœur")
        hub = Hub(key="depot", antenna_id=antenna.id, name="Dépôt")
        bread = Category(key="bread", name_fr="Pain", name_nl="Brood")
        yoghurt = Category(key="dairy", name_fr="Yaourts", name_nl="Yoghurt", cold_chain="chilled")
        s.add_all([store, assoc_a, assoc_b, hub, bread, yoghurt])
        people = {
            tg: Member(telegram_id=tg, name=f"P{tg}", language="fr", created_at=now, opened_at=now)
            for tg in (DRIVER, OTHER_DRIVER, COORDINATOR, FAR_COORDINATOR, STRANGER, *ASSOCIATES)
        }
        s.add_all(people.values())
        await s.flush()

        def role(tg, role, antenna_id=antenna.id, status="active", association=None):
            return Membership(
                member_id=people[tg].id,
                antenna_id=antenna_id,
                role=role,
                association_id=association,
                status=status,
                created_at=now,
            )

        s.add_all(
            [
                role(DRIVER, "driver"),
                role(OTHER_DRIVER, "driver"),
                role(COORDINATOR, "coordinator"),
                role(FAR_COORDINATOR, "coordinator", antenna_id=far.id),
                role(ALICE, "association", association=assoc_a.id),
                role(ANNA, "association", association=assoc_a.id),
                role(PENDING_A, "association", status="pending", association=assoc_a.id),
                role(BOB, "association", association=assoc_b.id),
            ]
        )
        donation = Donation(
            antenna_id=antenna.id,
            store_id=store.id,
            status="claimed",
            window_start=now - timedelta(minutes=30),  # open: the driver is at the store
            window_end=now + timedelta(minutes=30),
            estimated_kg=30,
            created_at=now,
            updated_at=now,
        )
        s.add(donation)
        await s.flush()
        items = [
            DonationItem(
                donation_id=donation.id,
                category_id=category.id,
                quantity=kg,
                unit="kg",
                cold_chain=category.cold_chain,
                estimated_kg=kg,
            )
            for category, kg in ((bread, 20), (yoghurt, 10))
        ]
        stop_a = Delivery(donation_id=donation.id, association_id=assoc_a.id, planned_kg=18)
        stop_b = Delivery(donation_id=donation.id, association_id=assoc_b.id, planned_kg=12)
        claim = Claim(donation_id=donation.id, driver_id=people[DRIVER].id, claimed_at=now)
        s.add_all([*items, stop_a, stop_b, claim])
        await s.commit()
        return World(
            antenna=antenna.id,
            donation=donation.id,
            items=(items[0].id, items[1].id),
            stop_a=stop_a.id,
            stop_b=stop_b.id,
            association_a=assoc_a.id,
            association_b=assoc_b.id,
            hub=hub.id,
            store=store.id,
            driver=people[DRIVER].id,
            coordinator=people[COORDINATOR].id,
        )


@pytest.fixture
async def world(session_factory, now) -> World:
    return await build_world(session_factory, now)


async def call(session_factory, use_case, telegram_id: int, **kwargs):
    """Run a use case as the person with this Telegram id, in a session of its own."""
    async with session_factory() as s:
        identity = await identify(s, telegram_id=telegram_id)
        return await use_case(s, identity=identity, **kwargs)


async def snapshot(session_factory) -> dict[str, list[dict]]:
    """Every row a use case of this module may touch, to prove a refusal changed nothing."""
    async with session_factory() as s:
        tables = (Donation, DonationItem, Delivery, Receipt, Claim, Outbox, AuditLog)
        return {
            t.__tablename__: [
                row.model_dump() for row in (await s.exec(select(t).order_by(col(t.id)))).all()
            ]
            for t in tables
        }


async def rows(session_factory, model, *where):
    async with session_factory() as s:
        return (await s.exec(select(model).where(*where).order_by(col(model.id)))).all()


async def notices(session_factory, kind: str) -> list[tuple[int, dict]]:
    return [
        (o.chat_id, o.payload)
        for o in await rows(session_factory, Outbox)
        if o.payload.get("kind") == kind
    ]


# --- Weights ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given_kg", "kept"), [(0, 0.0), (12.34, 12.3), (12.36, 12.4), (10_000, 10_000.0), (-0.0, 0.0)]
)
def test_validate_kg_rounds_to_a_tenth(given_kg, kept):
    assert validate_kg(given_kg) == kept


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf, -0.1, 10_000.1, "lots", None])
def test_validate_kg_refuses_nonsense(bad):
    with pytest.raises(InvalidInput, match="kg_invalid"):
        validate_kg(bad)


def test_spread_is_pro_rata_and_the_last_share_takes_the_remainder():
    assert spread_kg(10, [1, 1, 1]) == [3.3, 3.3, 3.4]
    assert spread_kg(24.5, [20, 10]) == [16.3, 8.2]
    assert spread_kg(9, [0, 0, 0]) == [3.0, 3.0, 3.0]
    assert spread_kg(5, [0, 2]) == [0.0, 5.0]
    assert spread_kg(5, []) == []


@given(
    st.integers(min_value=0, max_value=100_000),
    st.lists(st.floats(min_value=0, max_value=5_000), min_size=1, max_size=8),
)
def test_spread_never_loses_nor_invents_a_gram(tenths, weights):
    shares = spread_kg(tenths / 10, weights)
    assert all(share >= 0 for share in shares)
    assert round(sum(share * 10 for share in shares)) == tenths


# --- Pickup -------------------------------------------------------------------------------


async def test_driver_records_kg_per_item_and_the_stops_follow(session_factory, world, now):
    bread, yoghurt = world.items
    result = await call(
        session_factory,
        record_pickup,
        DRIVER,
        donation_id=world.donation,
        now=now,
        item_kg={bread: 14.04, yoghurt: 6},
    )

    assert result.status == "picked_up"
    assert result.collected_kg == 20.0
    assert not result.needs_destination and not result.on_behalf
    assert [(s.delivery_id, s.planned_kg) for s in result.stops] == [
        (world.stop_a, 12.0),
        (world.stop_b, 8.0),
    ]
    donation = (await rows(session_factory, Donation, Donation.id == world.donation))[0]
    assert (donation.status, donation.collected_kg, donation.zero_reason) == ("picked_up", 20, None)
    assert [i.collected_kg for i in await rows(session_factory, DonationItem)] == [14.0, 6.0]
    assert [d.planned_kg for d in await rows(session_factory, Delivery)] == [12.0, 8.0]
    [audit] = await rows(session_factory, AuditLog)
    assert (audit.action, audit.actor_id, audit.on_behalf_of_id) == (
        "donation.picked_up",
        world.driver,
        None,
    )
    assert await notices(session_factory, "donation_card") == [
        (GROUP, {"kind": "donation_card", "donation_id": world.donation})
    ]


async def test_a_total_is_spread_over_the_items_pro_rata(session_factory, world, now):
    result = await call(
        session_factory, record_pickup, DRIVER, donation_id=world.donation, now=now, total_kg=25
    )

    assert result.collected_kg == 25.0
    assert [i.collected_kg for i in await rows(session_factory, DonationItem)] == [16.7, 8.3]
    stops = [d.planned_kg for d in await rows(session_factory, Delivery)]
    assert stops == [15.0, 10.0]


async def test_a_total_is_spread_equally_when_nothing_was_estimated(session_factory, world, now):
    async with session_factory() as s:
        for item in (await s.exec(select(DonationItem))).all():
            item.estimated_kg = 0
            s.add(item)
        await s.commit()

    await call(
        session_factory, record_pickup, DRIVER, donation_id=world.donation, now=now, total_kg=7
    )

    assert [i.collected_kg for i in await rows(session_factory, DonationItem)] == [3.5, 3.5]


async def test_stops_without_a_plan_share_the_weight_equally(session_factory, world, now):
    async with session_factory() as s:
        for stop in (await s.exec(select(Delivery))).all():
            stop.planned_kg = None
            s.add(stop)
        await s.commit()

    await call(
        session_factory, record_pickup, DRIVER, donation_id=world.donation, now=now, total_kg=10.1
    )

    assert [d.planned_kg for d in await rows(session_factory, Delivery)] == [5.1, 5.0]


async def test_a_coordinator_records_for_the_driver(session_factory, world, now):
    result = await call(
        session_factory, record_pickup, COORDINATOR, donation_id=world.donation, now=now, total_kg=3
    )

    assert result.on_behalf
    [audit] = await rows(session_factory, AuditLog)
    assert (audit.actor_id, audit.on_behalf_of_id) == (world.coordinator, world.driver)


@pytest.mark.parametrize("telegram_id", [OTHER_DRIVER, FAR_COORDINATOR, ALICE, STRANGER, 999])
async def test_nobody_else_records_the_pickup(session_factory, world, now, telegram_id):
    before = await snapshot(session_factory)

    with pytest.raises(NotAllowed):
        await call(
            session_factory,
            record_pickup,
            telegram_id,
            donation_id=world.donation,
            now=now,
            total_kg=10,
        )

    assert await snapshot(session_factory) == before


async def test_a_released_claim_no_longer_lets_the_driver_record(session_factory, world, now):
    async with session_factory() as s:
        claim = (await s.exec(select(Claim))).one()
        claim.released_at = now
        s.add(claim)
        await s.commit()

    with pytest.raises(NotAllowed):
        await call(
            session_factory, record_pickup, DRIVER, donation_id=world.donation, now=now, total_kg=1
        )


async def test_a_suspended_driver_no_longer_records(session_factory, world, now):
    async with session_factory() as s:
        membership = (
            await s.exec(select(Membership).where(Membership.member_id == world.driver))
        ).one()
        membership.status = "suspended"
        s.add(membership)
        await s.commit()

    with pytest.raises(NotAllowed):
        await call(
            session_factory, record_pickup, DRIVER, donation_id=world.donation, now=now, total_kg=1
        )


@pytest.mark.parametrize(
    ("weights", "code"),
    [
        ({}, "kg_items_or_total"),
        ({"item_kg": {}, "total_kg": 3}, "kg_items_or_total"),
        ({"total_kg": -1}, "kg_invalid"),
        ({"total_kg": math.nan}, "kg_invalid"),
        ({"total_kg": 10_001}, "kg_invalid"),
        ({"item_kg": {"first": math.inf}}, "kg_invalid"),
        ({"item_kg": {"first": 3, 9_999: 1}}, "item_unknown"),
        ({"total_kg": 0}, "zero_needs_reason"),
        ({"total_kg": 0.04, "zero_reason": "lunch"}, "zero_needs_reason"),
        ({"item_kg": {"first": 0}}, "zero_needs_reason"),
    ],
)
async def test_bad_weights_are_refused_and_change_nothing(
    session_factory, world, now, weights, code
):
    if "item_kg" in weights:
        weights["item_kg"] = {
            world.items[0] if k == "first" else k: v for k, v in weights["item_kg"].items()
        }
    before = await snapshot(session_factory)

    with pytest.raises(InvalidInput, match=code):
        await call(
            session_factory, record_pickup, DRIVER, donation_id=world.donation, now=now, **weights
        )

    assert await snapshot(session_factory) == before


async def test_an_item_of_another_donation_is_refused(session_factory, world, now):
    async with session_factory() as s:
        other = Donation(
            antenna_id=world.antenna,
            store_id=world.store,
            window_start=now,
            window_end=now + timedelta(hours=1),
            created_at=now,
            updated_at=now,
        )
        s.add(other)
        await s.flush()
        bread = (await s.exec(select(Category).where(Category.key == "bread"))).one()
        foreign = DonationItem(
            donation_id=other.id,
            category_id=bread.id,
            quantity=1,
            unit="kg",
            cold_chain="ambient",
            estimated_kg=1,
        )
        s.add(foreign)
        await s.commit()

    with pytest.raises(InvalidInput, match="item_unknown"):
        await call(
            session_factory,
            record_pickup,
            DRIVER,
            donation_id=world.donation,
            now=now,
            item_kg={foreign.id: 5},
        )


@pytest.mark.parametrize(
    ("reason", "status"),
    [("no_food", "cancelled"), ("store_closed", "cancelled"), ("did_not_happen", "missed")],
)
async def test_a_zero_pickup_with_a_reason_closes_the_donation(
    session_factory, world, now, reason, status
):
    result = await call(
        session_factory,
        record_pickup,
        DRIVER,
        donation_id=world.donation,
        now=now,
        total_kg=0,
        zero_reason=reason,
    )

    assert (result.status, result.collected_kg, result.zero_reason) == (status, 0, reason)
    assert result.stops == () and not result.needs_destination
    donation = (await rows(session_factory, Donation))[0]
    assert (donation.status, donation.collected_kg, donation.zero_reason) == (status, 0, reason)
    assert [i.collected_kg for i in await rows(session_factory, DonationItem)] == [0, 0]
    assert await rows(session_factory, Delivery) == []
    assert await notices(session_factory, "pickup_zero") == [
        (COORDINATOR, {"kind": "pickup_zero", "donation_id": world.donation, "reason": reason})
    ]
    assert [a.action for a in await rows(session_factory, AuditLog)] == ["donation.pickup_zero"]
    assert len(await notices(session_factory, "donation_card")) == 1


async def test_without_a_planned_stop_the_caller_must_route_it(session_factory, world, now):
    async with session_factory() as s:
        for stop in (await s.exec(select(Delivery))).all():
            await s.delete(stop)
        await s.commit()

    result = await call(
        session_factory, record_pickup, DRIVER, donation_id=world.donation, now=now, total_kg=9
    )

    assert result.needs_destination and result.stops == ()
    assert result.status == "picked_up"


async def test_an_old_pickup_button_is_already_done(session_factory, world, now):
    await call(
        session_factory, record_pickup, DRIVER, donation_id=world.donation, now=now, total_kg=9
    )
    before = await snapshot(session_factory)

    with pytest.raises(AlreadyDone):
        await call(
            session_factory, record_pickup, DRIVER, donation_id=world.donation, now=now, total_kg=5
        )

    assert await snapshot(session_factory) == before


@pytest.mark.parametrize("status", ["announced", "cancelled", "expired", "missed"])
async def test_a_pickup_not_claimed_is_not_open(session_factory, world, now, status):
    async with session_factory() as s:
        donation = await s.get(Donation, world.donation)
        donation.status = status
        s.add(donation)
        await s.commit()

    with pytest.raises(NotOpen) as refused:
        await call(
            session_factory, record_pickup, DRIVER, donation_id=world.donation, now=now, total_kg=5
        )
    assert refused.value.status == status


async def test_an_unknown_donation_is_not_found(session_factory, world, now):
    with pytest.raises(NotFound):
        await call(session_factory, record_pickup, DRIVER, donation_id=9_999, now=now, total_kg=5)


# --- Delivery -----------------------------------------------------------------------------


async def picked_up(session_factory, world, now, total_kg=30.0):
    await call(
        session_factory,
        record_pickup,
        DRIVER,
        donation_id=world.donation,
        now=now,
        total_kg=total_kg,
    )


async def test_partial_then_full_delivery(session_factory, world, now):
    await picked_up(session_factory, world, now)
    later = now + timedelta(hours=1)

    first = await call(
        session_factory, record_delivery, DRIVER, delivery_id=world.stop_a, now=later
    )

    assert (first.delivered_kg, first.receipt_status, first.receipt_requests) == (
        18.0,
        "pending",
        2,
    )
    assert (first.status, first.remaining_stops, first.all_delivered) == ("picked_up", 1, False)
    stop_a = (await rows(session_factory, Delivery, Delivery.id == world.stop_a))[0]
    assert (stop_a.delivered_kg, stop_a.delivered_at) == (18.0, later)
    [receipt] = await rows(session_factory, Receipt)
    assert (receipt.delivery_id, receipt.status, receipt.received_kg) == (
        world.stop_a,
        "pending",
        None,
    )
    request = {"kind": "receipt_request", "delivery_id": world.stop_a}
    assert await notices(session_factory, "receipt_request") == [(ALICE, request), (ANNA, request)]

    second = await call(
        session_factory, record_delivery, DRIVER, delivery_id=world.stop_b, now=later, kg=11.96
    )

    assert (second.delivered_kg, second.status, second.all_delivered) == (12.0, "delivered", True)
    assert (await rows(session_factory, Donation))[0].status == "delivered"
    assert (await notices(session_factory, "receipt_request"))[-1] == (
        BOB,
        {"kind": "receipt_request", "delivery_id": world.stop_b},
    )
    assert [a.action for a in await rows(session_factory, AuditLog)] == [
        "donation.picked_up",
        "delivery.delivered",
        "delivery.delivered",
        "donation.delivered",
    ]
    assert len(await notices(session_factory, "donation_card")) == 3


async def test_unreachable_association_members_are_not_asked(session_factory, world, now):
    async with session_factory() as s:
        alice = (await s.exec(select(Member).where(Member.telegram_id == ALICE))).one()
        alice.unreachable = True
        s.add(alice)
        await s.commit()
    await picked_up(session_factory, world, now)

    result = await call(session_factory, record_delivery, DRIVER, delivery_id=world.stop_a, now=now)

    assert result.receipt_requests == 1
    assert [chat for chat, _ in await notices(session_factory, "receipt_request")] == [ANNA]


async def test_the_hub_takes_the_drivers_word(session_factory, world, now):
    async with session_factory() as s:
        stop_b = await s.get(Delivery, world.stop_b)
        stop_b.association_id, stop_b.hub_id = None, world.hub
        s.add(stop_b)
        await s.commit()
    await picked_up(session_factory, world, now)

    result = await call(
        session_factory, record_delivery, DRIVER, delivery_id=world.stop_b, now=now, kg=11
    )

    assert (result.receipt_status, result.receipt_requests, result.status) == (
        "confirmed",
        0,
        "picked_up",
    )
    [receipt] = await rows(session_factory, Receipt)
    assert (receipt.status, receipt.received_kg, receipt.confirmed_by_id) == (
        "confirmed",
        11,
        world.driver,
    )
    assert await notices(session_factory, "receipt_request") == []
    # what stays at the hub is its stock: the 11 kg over the items as they were collected
    lots = await rows(session_factory, StockLot)
    assert [(lot.donation_item_id, lot.received_kg, lot.on_hand_kg) for lot in lots] == [
        (world.items[0], 7.3, 7.3),
        (world.items[1], 3.7, 3.7),
    ]
    moves = await rows(session_factory, StockMove)
    assert [(m.kind, m.kg, m.lot_id, m.member_id) for m in moves] == [
        ("in", lot.received_kg, lot.id, world.driver) for lot in lots
    ]
    assert all(b.holds for b in await stock_balances_of(session_factory))


async def test_a_donation_delivered_only_to_the_hub_is_received_at_once(
    session_factory, world, now
):
    async with session_factory() as s:
        await s.delete(await s.get(Delivery, world.stop_a))
        stop_b = await s.get(Delivery, world.stop_b)
        stop_b.association_id, stop_b.hub_id = None, world.hub
        s.add(stop_b)
        await s.commit()
    await picked_up(session_factory, world, now)

    result = await call(session_factory, record_delivery, DRIVER, delivery_id=world.stop_b, now=now)

    assert (result.status, result.delivered_kg, result.all_delivered) == ("received", 30.0, True)
    actions = [a.action for a in await rows(session_factory, AuditLog)]
    assert actions[-2:] == ["donation.delivered", "donation.received"]


async def test_a_coordinator_records_a_delivery_for_the_driver(session_factory, world, now):
    await picked_up(session_factory, world, now)

    result = await call(
        session_factory, record_delivery, COORDINATOR, delivery_id=world.stop_a, now=now
    )

    assert result.on_behalf
    audit = (await rows(session_factory, AuditLog))[-1]
    assert (audit.action, audit.actor_id, audit.on_behalf_of_id) == (
        "delivery.delivered",
        world.coordinator,
        world.driver,
    )


@pytest.mark.parametrize("telegram_id", [OTHER_DRIVER, FAR_COORDINATOR, ALICE, BOB, STRANGER])
async def test_nobody_else_records_a_delivery(session_factory, world, now, telegram_id):
    await picked_up(session_factory, world, now)
    before = await snapshot(session_factory)

    with pytest.raises(NotAllowed):
        await call(session_factory, record_delivery, telegram_id, delivery_id=world.stop_a, now=now)

    assert await snapshot(session_factory) == before


async def test_an_old_delivery_button_is_already_done(session_factory, world, now):
    await picked_up(session_factory, world, now)
    await call(session_factory, record_delivery, DRIVER, delivery_id=world.stop_a, now=now)
    before = await snapshot(session_factory)

    with pytest.raises(AlreadyDone):
        await call(session_factory, record_delivery, DRIVER, delivery_id=world.stop_a, now=now)

    assert await snapshot(session_factory) == before


async def test_nothing_is_delivered_before_the_pickup(session_factory, world, now):
    before = await snapshot(session_factory)

    with pytest.raises(NotOpen) as refused:
        await call(session_factory, record_delivery, DRIVER, delivery_id=world.stop_a, now=now)

    assert refused.value.status == "claimed"
    assert await snapshot(session_factory) == before


@pytest.mark.parametrize("kg", [-3, math.nan, 20_000])
async def test_a_bad_delivered_weight_is_refused(session_factory, world, now, kg):
    await picked_up(session_factory, world, now)
    before = await snapshot(session_factory)

    with pytest.raises(InvalidInput, match="kg_invalid"):
        await call(
            session_factory, record_delivery, DRIVER, delivery_id=world.stop_a, now=now, kg=kg
        )

    assert await snapshot(session_factory) == before


async def test_an_unknown_delivery_is_not_found(session_factory, world, now):
    with pytest.raises(NotFound):
        await call(session_factory, record_delivery, DRIVER, delivery_id=9_999, now=now)


async def test_a_double_tap_delivers_once(session_factory, world, now):
    await picked_up(session_factory, world, now)

    results = await asyncio.gather(
        *(
            call(session_factory, record_delivery, person, delivery_id=world.stop_a, now=now)
            for person in (DRIVER, COORDINATOR)
        ),
        return_exceptions=True,
    )

    assert sorted(type(r).__name__ for r in results) == ["AlreadyDone", "DeliveryResult"]
    assert len(await rows(session_factory, Receipt)) == 1


async def stock_balances_of(session_factory):
    async with session_factory() as s:
        return await stock_balances(s)
