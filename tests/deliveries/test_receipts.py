"""Receipts: the receiving association confirms, corrects the weight, or reports a problem."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event

from logistics.deliveries.receipts import (
    PendingReceipt,
    check_receiver,
    confirm_receipt,
    pending_receipts,
    report_difference,
    report_problem,
)
from logistics.errors import AlreadyDone, InvalidInput, NotAllowed, NotFound
from logistics.people.identity import identify
from logistics.pickups.collection import record_delivery, record_pickup
from storage.models import AuditLog, Claim, Delivery, Donation, Member, Receipt
from tests.pickups.test_collection import (
    ALICE,
    ANNA,
    BOB,
    COORDINATOR,
    DRIVER,
    FAR_COORDINATOR,
    OTHER_DRIVER,
    PENDING_A,
    STRANGER,
    World,
    build_world,
    call,
    notices,
    rows,
    snapshot,
)


@pytest.fixture
async def delivered(session_factory, now) -> World:
    """The world's donation picked up (30 kg: 18 for A, 12 for B) and delivered to A and B."""
    world = await build_world(session_factory, now)
    await call(
        session_factory, record_pickup, DRIVER, donation_id=world.donation, now=now, total_kg=30
    )
    for minutes, stop in ((30, world.stop_a), (50, world.stop_b)):
        await call(
            session_factory,
            record_delivery,
            DRIVER,
            delivery_id=stop,
            now=now + timedelta(minutes=minutes),
        )
    return world


async def receipt_of(session_factory, delivery_id: int) -> Receipt:
    [receipt] = await rows(session_factory, Receipt, Receipt.delivery_id == delivery_id)
    return receipt


async def donation_status(session_factory, world: World) -> str:
    return (await rows(session_factory, Donation, Donation.id == world.donation))[0].status


async def test_a_member_confirms_what_arrived(session_factory, delivered, now):
    result = await call(
        session_factory, confirm_receipt, ALICE, delivery_id=delivered.stop_a, now=now
    )

    assert (result.status, result.received_kg, result.problem) == ("confirmed", 18.0, None)
    assert (result.donation_status, result.on_behalf) == ("delivered", False)
    receipt = await receipt_of(session_factory, delivered.stop_a)
    alice = (await rows(session_factory, Member, Member.telegram_id == ALICE))[0]
    assert (receipt.status, receipt.received_kg) == ("confirmed", 18.0)
    assert (receipt.confirmed_by_id, receipt.confirmed_at) == (alice.id, now)
    audit = (await rows(session_factory, AuditLog))[-1]
    assert (audit.action, audit.actor_id, audit.entity_id) == (
        "receipt.confirmed",
        alice.id,
        receipt.id,
    )
    assert await notices(session_factory, "receipt_disputed") == []
    assert (await notices(session_factory, "donation_card"))[-1][1] == {
        "kind": "donation_card",
        "donation_id": delivered.donation,
    }


async def test_the_donation_is_received_when_every_receipt_is_settled(
    session_factory, delivered, now
):
    await call(session_factory, confirm_receipt, ANNA, delivery_id=delivered.stop_a, now=now)
    assert await donation_status(session_factory, delivered) == "delivered"

    result = await call(
        session_factory,
        report_difference,
        BOB,
        delivery_id=delivered.stop_b,
        now=now,
        received_kg=10,
    )

    assert (result.status, result.received_kg, result.donation_status) == (
        "disputed",
        10.0,
        "received",
    )
    assert await donation_status(session_factory, delivered) == "received"
    assert await notices(session_factory, "receipt_disputed") == [
        (COORDINATOR, {"kind": "receipt_disputed", "delivery_id": delivered.stop_b})
    ]
    assert [a.action for a in await rows(session_factory, AuditLog)][-2:] == [
        "receipt.disputed",
        "donation.received",
    ]


async def test_the_same_weight_is_simply_a_confirmation(session_factory, delivered, now):
    result = await call(
        session_factory,
        report_difference,
        ALICE,
        delivery_id=delivered.stop_a,
        now=now,
        received_kg=17.96,
    )

    assert (result.status, result.received_kg) == ("confirmed", 18.0)
    assert await notices(session_factory, "receipt_disputed") == []


async def test_a_problem_disputes_the_receipt_and_tells_the_coordinators(
    session_factory, delivered, now
):
    result = await call(
        session_factory,
        report_problem,
        BOB,
        delivery_id=delivered.stop_b,
        now=now,
        problem="too_warm",
        note="  " + "x" * 1_200 + "  ",
    )

    assert (result.status, result.problem, result.received_kg) == ("disputed", "too_warm", None)
    receipt = await receipt_of(session_factory, delivered.stop_b)
    assert (receipt.status, receipt.problem, receipt.note) == ("disputed", "too_warm", "x" * 1_000)
    assert await notices(session_factory, "receipt_problem") == [
        (COORDINATOR, {"kind": "receipt_problem", "delivery_id": delivered.stop_b})
    ]


async def test_food_that_never_arrived_counts_zero(session_factory, delivered, now):
    result = await call(
        session_factory,
        report_problem,
        ALICE,
        delivery_id=delivered.stop_a,
        now=now,
        problem="not_arrived",
        note="   ",
    )

    assert (result.status, result.received_kg) == ("disputed", 0.0)
    assert (await receipt_of(session_factory, delivered.stop_a)).note is None


async def test_a_coordinator_answers_for_an_association(session_factory, delivered, now):
    result = await call(
        session_factory, confirm_receipt, COORDINATOR, delivery_id=delivered.stop_b, now=now
    )

    assert result.on_behalf and result.status == "confirmed"
    audit = (await rows(session_factory, AuditLog))[-1]
    assert audit.actor_id == delivered.coordinator
    assert audit.detail["on_behalf"] is True


@pytest.mark.parametrize(
    ("use_case", "extra"),
    [
        (confirm_receipt, {}),
        (report_difference, {"received_kg": 3}),
        (report_problem, {"problem": "damaged"}),
    ],
)
@pytest.mark.parametrize(
    "telegram_id", [BOB, PENDING_A, DRIVER, OTHER_DRIVER, FAR_COORDINATOR, STRANGER]
)
async def test_nobody_else_answers_a_receipt(
    session_factory, delivered, now, use_case, extra, telegram_id
):
    before = await snapshot(session_factory)

    with pytest.raises(NotAllowed):
        await call(
            session_factory, use_case, telegram_id, delivery_id=delivered.stop_a, now=now, **extra
        )

    assert await snapshot(session_factory) == before


@pytest.mark.parametrize(
    ("use_case", "extra"),
    [
        (confirm_receipt, {}),
        (report_difference, {"received_kg": 3}),
        (report_problem, {"problem": "other"}),
    ],
)
async def test_an_old_receipt_button_is_already_done(
    session_factory, delivered, now, use_case, extra
):
    await call(session_factory, confirm_receipt, ALICE, delivery_id=delivered.stop_a, now=now)
    before = await snapshot(session_factory)

    with pytest.raises(AlreadyDone):
        await call(session_factory, use_case, ANNA, delivery_id=delivered.stop_a, now=now, **extra)

    assert await snapshot(session_factory) == before


@pytest.mark.parametrize(
    ("use_case", "extra", "code"),
    [
        (report_difference, {"received_kg": -1}, "kg_invalid"),
        (report_difference, {"received_kg": float("nan")}, "kg_invalid"),
        (report_problem, {"problem": "stolen"}, "problem_unknown"),
    ],
)
async def test_bad_answers_are_refused(session_factory, delivered, now, use_case, extra, code):
    before = await snapshot(session_factory)

    with pytest.raises(InvalidInput, match=code):
        await call(session_factory, use_case, ALICE, delivery_id=delivered.stop_a, now=now, **extra)

    assert await snapshot(session_factory) == before


async def test_a_stop_not_yet_delivered_has_no_receipt(session_factory, now):
    world = await build_world(session_factory, now)

    with pytest.raises(NotFound):
        await call(session_factory, confirm_receipt, ALICE, delivery_id=world.stop_a, now=now)
    with pytest.raises(NotFound):
        await call(session_factory, confirm_receipt, ALICE, delivery_id=9_999, now=now)


async def test_a_hub_receipt_is_not_for_associations(session_factory, now):
    world = await build_world(session_factory, now)
    async with session_factory() as s:
        stop_b = await s.get(Delivery, world.stop_b)
        stop_b.association_id, stop_b.hub_id = None, world.hub
        s.add(stop_b)
        await s.commit()
    await call(
        session_factory, record_pickup, DRIVER, donation_id=world.donation, now=now, total_kg=30
    )
    await call(session_factory, record_delivery, DRIVER, delivery_id=world.stop_b, now=now)

    for associate in (ALICE, BOB):
        with pytest.raises(NotAllowed):
            await call(
                session_factory, confirm_receipt, associate, delivery_id=world.stop_b, now=now
            )
    with pytest.raises(AlreadyDone):
        await call(session_factory, confirm_receipt, COORDINATOR, delivery_id=world.stop_b, now=now)


async def test_the_receiver_is_checked_before_any_question(session_factory, delivered, now):
    async def check(telegram_id: int, delivery_id: int) -> None:
        async with session_factory() as s:
            identity = await identify(s, telegram_id=telegram_id)
            await check_receiver(s, delivery_id=delivery_id, identity=identity)

    before = await snapshot(session_factory)
    await check(ALICE, delivered.stop_a)
    await check(COORDINATOR, delivered.stop_a)
    with pytest.raises(NotAllowed):
        await check(BOB, delivered.stop_a)
    with pytest.raises(NotFound):
        await check(ALICE, 9_999)
    assert await snapshot(session_factory) == before

    await call(session_factory, confirm_receipt, ALICE, delivery_id=delivered.stop_a, now=now)
    with pytest.raises(AlreadyDone):
        await check(ANNA, delivered.stop_a)


# --- What is waiting ----------------------------------------------------------------------


async def waiting(session_factory, telegram_id: int) -> list[PendingReceipt]:
    async with session_factory() as s:
        identity = await identify(s, telegram_id=telegram_id)
        return await pending_receipts(s, identity=identity)


async def test_each_association_sees_its_own_pending_receipts(session_factory, delivered, now):
    driver_name = f"P{DRIVER}"
    expected_a = PendingReceipt(
        delivery_id=delivered.stop_a,
        donation_id=delivered.donation,
        association_id=delivered.association_a,
        association_name="Épicerie sociale",
        store_name="Delhaize Flagey",
        delivered_kg=18.0,
        delivered_at=now + timedelta(minutes=30),
        driver_name=driver_name,
    )
    expected_b = PendingReceipt(
        delivery_id=delivered.stop_b,
        donation_id=delivered.donation,
        association_id=delivered.association_b,
        association_name="Resto du cœur",
        store_name="Delhaize Flagey",
        delivered_kg=12.0,
        delivered_at=now + timedelta(minutes=50),
        driver_name=driver_name,
    )

    assert await waiting(session_factory, ALICE) == [expected_a]
    assert await waiting(session_factory, BOB) == [expected_b]
    assert await waiting(session_factory, COORDINATOR) == [expected_a, expected_b]
    for nobody in (PENDING_A, DRIVER, FAR_COORDINATOR, STRANGER, 999):
        assert await waiting(session_factory, nobody) == []

    await call(session_factory, confirm_receipt, ALICE, delivery_id=delivered.stop_a, now=now)

    assert await waiting(session_factory, ALICE) == []
    assert await waiting(session_factory, COORDINATOR) == [expected_b]


async def test_pending_receipts_take_one_query_however_many(session_factory, engine, now):
    world = await build_world(session_factory, now)
    async with session_factory() as s:
        template = await s.get(Donation, world.donation)
        stops = []
        for day in range(1, 6):
            copy = Donation(
                **template.model_dump(exclude={"id"}),
            )
            copy.window_start = template.window_start + timedelta(days=day)
            copy.window_end = template.window_end + timedelta(days=day)
            s.add(copy)
            await s.flush()
            s.add(Claim(donation_id=copy.id, driver_id=world.driver, claimed_at=now))
            stop = Delivery(
                donation_id=copy.id,
                association_id=world.association_a,
                delivered_kg=day,
                delivered_at=datetime(2026, 3, 10 + day, tzinfo=UTC),
            )
            s.add(stop)
            await s.flush()
            stops.append(stop.id)
            s.add(Receipt(delivery_id=stop.id))
        await s.commit()

    async with session_factory() as s:
        identity = await identify(s, telegram_id=COORDINATOR)
        statements: list[str] = []

        def count(conn, cursor, statement, *args):
            statements.append(statement)

        event.listen(engine.sync_engine, "before_cursor_execute", count)
        try:
            found = await pending_receipts(s, identity=identity)
        finally:
            event.remove(engine.sync_engine, "before_cursor_execute", count)

    assert [p.delivery_id for p in found] == stops
    assert all(p.driver_name == f"P{DRIVER}" for p in found)
    assert len(statements) <= 2, statements


# --- Presses at the same moment -----------------------------------------------------------


async def test_two_members_pressing_at_once_confirm_once(session_factory, delivered, now):
    results = await asyncio.gather(
        *(
            call(session_factory, confirm_receipt, person, delivery_id=delivered.stop_a, now=now)
            for person in (ALICE, ANNA)
        ),
        return_exceptions=True,
    )

    assert sorted(type(r).__name__ for r in results) == ["AlreadyDone", "ReceiptResult"]
    audits = await rows(session_factory, AuditLog)
    assert [a.action for a in audits].count("receipt.confirmed") == 1


async def test_both_associations_answering_at_once_settle_the_donation(
    session_factory, delivered, now
):
    await asyncio.gather(
        call(session_factory, confirm_receipt, ALICE, delivery_id=delivered.stop_a, now=now),
        call(session_factory, confirm_receipt, BOB, delivery_id=delivered.stop_b, now=now),
    )

    assert await donation_status(session_factory, delivered) == "received"
