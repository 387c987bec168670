"""The truth of a stop's figures: the sums, the settlement of a dispute by a coordinator,
what "lost" takes out of the tonnage, the estimated split of a total, one line per category,
and no weights before the pickup window opens."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update
from sqlmodel import select

from logistics.broadcasts.summary import summary
from logistics.deliveries.receipts import (
    confirm_receipt,
    explain_problem,
    report_difference,
    report_problem,
)
from logistics.deliveries.settlement import StopFigures, counted_kg, delivered_total, settle_receipt
from logistics.errors import AlreadyDone, InvalidInput, NotAllowed, NotOpen, NotYetOpen
from logistics.pickups.collection import record_pickup
from logistics.pickups.views import ItemView, donation_view, item_lines
from logistics.reports.monthly import Factors, monthly_report
from logistics.reports.periods import Month
from storage.models import AuditLog, Donation, DonationItem, Member, Membership, Receipt
from tests.deliveries.test_receipts import delivered  # noqa: F401  (the fixture)
from tests.pickups.test_collection import (
    ALICE,
    BOB,
    COORDINATOR,
    DRIVER,
    FAR_COORDINATOR,
    STRANGER,
    build_world,
    call,
    notices,
    rows,
    snapshot,
)

FACTORS = Factors(meals_per_kg=2.0, co2e_kg_per_kg=2.5)


# --- The sums -----------------------------------------------------------------------------


def test_the_delivered_total_is_the_sum_of_the_stops():
    # collected 58,5 kg, delivered 39 + 19 kg: the card must say 58 kg delivered
    stops = [StopFigures(39.0, None), StopFigures(19.0, 19.0)]
    assert delivered_total(stops) == 58.0
    assert delivered_total([StopFigures(39.0, None), StopFigures(None, None)]) == 39.0
    assert delivered_total([]) == 0.0


@pytest.mark.parametrize(
    ("settlement", "received", "counted"),
    [
        (None, 10.0, 12.0),  # not settled: the driver's figure stands
        ("driver", 10.0, 12.0),
        ("association", 10.0, 10.0),
        ("association", None, 12.0),  # a problem without a weight: nothing else to count
        ("lost", 10.0, 0.0),
    ],
)
def test_a_settlement_decides_what_a_stop_counts(settlement, received, counted):
    assert counted_kg(StopFigures(12.0, received, settlement)) == counted
    assert delivered_total([StopFigures(12.0, received, settlement), StopFigures(5.0, 5.0)]) == (
        counted + 5.0
    )


# --- One line per category ----------------------------------------------------------------


def item(id_, key, quantity, unit, kg, collected=None, estimated=False, cold="ambient"):
    return ItemView(
        id=id_,
        category_key=key,
        name_fr=key,
        name_nl=key,
        quantity=quantity,
        unit=unit,
        cold_chain=cold,
        estimated_kg=kg,
        collected_kg=collected,
        collected_estimated=estimated,
    )


def test_one_category_is_one_line():
    lines = item_lines(
        [
            item(1, "dairy", 3, "crate", 15, 14.0, cold="chilled"),
            item(2, "bread", 10, "kg", 10, 9.5),
            item(3, "dairy", 2, "crate", 10, 11.0, estimated=True),
            item(4, "dairy", 4, "kg", 4, None),
        ]
    )
    assert [line.category_key for line in lines] == ["dairy", "bread"]
    dairy = lines[0]
    assert dairy.quantities == ((5, "crate"), (4, "kg"))
    assert (dairy.estimated_kg, dairy.collected_kg) == (29.0, 25.0)
    assert dairy.collected_estimated and dairy.cold_chain == "chilled"
    assert (lines[1].collected_kg, lines[1].collected_estimated) == (9.5, False)


def test_lines_not_yet_collected_have_no_collected_weight():
    [line] = item_lines([item(1, "dairy", 1, "kg", 1), item(2, "dairy", 2, "kg", 2)])
    assert (line.quantities, line.collected_kg) == (((3, "kg"),), None)


# --- The estimated split of a total -------------------------------------------------------


async def collected_flags(session_factory, donation_id) -> list[tuple[float, bool]]:
    items = await rows(session_factory, DonationItem, DonationItem.donation_id == donation_id)
    return [(i.collected_kg, i.collected_estimated) for i in items]


async def test_a_total_over_several_items_is_an_estimated_split(session_factory, now):
    world = await build_world(session_factory, now)
    await call(
        session_factory, record_pickup, DRIVER, donation_id=world.donation, now=now, total_kg=33
    )
    assert await collected_flags(session_factory, world.donation) == [(22.0, True), (11.0, True)]
    view = await _view(session_factory, world.donation)
    assert all(line.collected_estimated for line in view.item_lines)


async def test_weights_given_per_item_are_measured(session_factory, now):
    world = await build_world(session_factory, now)
    kg = {world.items[0]: 21, world.items[1]: 9}
    await call(
        session_factory, record_pickup, DRIVER, donation_id=world.donation, now=now, item_kg=kg
    )
    assert await collected_flags(session_factory, world.donation) == [(21.0, False), (9.0, False)]


async def test_weights_as_announced_are_estimates(session_factory, now):
    world = await build_world(session_factory, now)
    kg, pickup = {world.items[0]: 20, world.items[1]: 10}, dict(donation_id=world.donation, now=now)
    await call(session_factory, record_pickup, DRIVER, item_kg=kg, estimated=True, **pickup)
    assert await collected_flags(session_factory, world.donation) == [(20.0, True), (10.0, True)]


async def test_a_total_for_a_single_item_is_its_measured_weight(session_factory, now):
    world = await build_world(session_factory, now)
    async with session_factory() as s:
        await s.delete(await s.get(DonationItem, world.items[1]))
        await s.commit()
    await call(
        session_factory, record_pickup, DRIVER, donation_id=world.donation, now=now, total_kg=17
    )
    assert await collected_flags(session_factory, world.donation) == [(17.0, False)]


async def _view(session_factory, donation_id):
    async with session_factory() as s:
        return await donation_view(s, donation_id)


# --- No weights before the window opens ---------------------------------------------------


async def test_no_weights_before_the_window_opens(session_factory, now):
    world = await build_world(session_factory, now)
    early = now - timedelta(hours=1)  # the window opened half an hour before ``now``
    before = await snapshot(session_factory)
    for ways in ({"total_kg": 30}, {"total_kg": 0, "zero_reason": "no_food"}):
        with pytest.raises(NotYetOpen) as refused:
            await call(
                session_factory,
                record_pickup,
                DRIVER,
                donation_id=world.donation,
                now=early,
                **ways,
            )
        assert refused.value.opens_at == now - timedelta(minutes=30)
        assert refused.value.tz == "Europe/Brussels"
    assert await snapshot(session_factory) == before

    opening = now - timedelta(minutes=30)
    result = await call(
        session_factory, record_pickup, DRIVER, donation_id=world.donation, now=opening, total_kg=30
    )
    assert result.status == "picked_up"
    audit = (await rows(session_factory, AuditLog, AuditLog.action == "donation.picked_up"))[-1]
    assert "override" not in audit.detail


async def test_a_coordinator_may_record_early_as_an_override(session_factory, now):
    world = await build_world(session_factory, now)
    early = now - timedelta(hours=3)
    result = await call(
        session_factory,
        record_pickup,
        COORDINATOR,
        donation_id=world.donation,
        now=early,
        total_kg=30,
    )
    assert (result.status, result.on_behalf) == ("picked_up", True)
    [audit] = await rows(session_factory, AuditLog, AuditLog.action == "donation.picked_up")
    assert audit.detail["override"] == "before_window"
    assert (audit.actor_id, audit.on_behalf_of_id, audit.at) == (
        world.coordinator,
        world.driver,
        early,
    )


async def test_a_coordinator_of_another_antenna_cannot_override(session_factory, now):
    world = await build_world(session_factory, now)
    with pytest.raises(NotAllowed):
        await call(
            session_factory,
            record_pickup,
            FAR_COORDINATOR,
            donation_id=world.donation,
            now=now - timedelta(hours=3),
            total_kg=30,
        )


# --- Settling a dispute -------------------------------------------------------------------


async def settle(session_factory, who: int, delivery_id: int, now, outcome: str):
    return await call(
        session_factory, settle_receipt, who, delivery_id=delivery_id, now=now, outcome=outcome
    )


@pytest.fixture
async def disputed(session_factory, delivered, now):  # noqa: F811
    """Stop A confirmed (18 kg); stop B (12 kg delivered) received as 10 kg: disputed."""
    await call(session_factory, confirm_receipt, ALICE, delivery_id=delivered.stop_a, now=now)
    await call(
        session_factory,
        report_difference,
        BOB,
        delivery_id=delivered.stop_b,
        now=now,
        received_kg=10,
    )
    return delivered


@pytest.mark.parametrize(
    ("outcome", "counted", "lost"),
    [("association", 10.0, 0.0), ("driver", 12.0, 0.0), ("lost", 0.0, 12.0)],
)
async def test_a_coordinator_settles_a_dispute(
    session_factory, disputed, now, outcome, counted, lost
):
    later = now + timedelta(hours=2)
    result = await settle(session_factory, COORDINATOR, disputed.stop_b, later, outcome)
    assert (result.settlement, result.counted_kg, result.lost_kg) == (outcome, counted, lost)
    [receipt] = await rows(session_factory, Receipt, Receipt.delivery_id == disputed.stop_b)
    assert (receipt.status, receipt.settlement) == ("disputed", outcome)
    assert (receipt.settled_by_id, receipt.settled_at) == (disputed.coordinator, later)
    audit = (await rows(session_factory, AuditLog))[-1]
    assert (audit.action, audit.actor_id, audit.entity_id) == (
        "receipt.settled",
        disputed.coordinator,
        receipt.id,
    )
    assert audit.detail == {
        "outcome": outcome,
        "delivered_kg": 12.0,
        "received_kg": 10.0,
        "problem": None,
        "counted_kg": counted,
        "lost_kg": lost,
    }
    view = await _view(session_factory, disputed.donation)
    assert view.delivered_kg == 18.0 + counted
    assert view.disputed == 0


async def test_a_dispute_is_settled_once(session_factory, disputed, now):
    await settle(session_factory, COORDINATOR, disputed.stop_b, now, "driver")
    with pytest.raises(AlreadyDone):
        await settle(session_factory, COORDINATOR, disputed.stop_b, now, "lost")
    with pytest.raises(NotOpen):  # a confirmed receipt has nothing to settle
        await settle(session_factory, COORDINATOR, disputed.stop_a, now, "lost")
    with pytest.raises(InvalidInput):
        await settle(session_factory, COORDINATOR, disputed.stop_b, now, "split")


async def suspend_coordinator(session_factory) -> int:
    async with session_factory() as s:
        member = (await s.exec(select(Member).where(Member.telegram_id == COORDINATOR))).one()
        await s.exec(
            update(Membership)
            .where(Membership.member_id == member.id, Membership.role == "coordinator")
            .values(status="suspended")
        )
        await s.commit()
    return COORDINATOR


@pytest.mark.parametrize("who", [DRIVER, BOB, ALICE, FAR_COORDINATOR, STRANGER, "suspended"])
async def test_nobody_else_settles_a_dispute(session_factory, disputed, now, who):
    if who == "suspended":
        who = await suspend_coordinator(session_factory)
    before = await snapshot(session_factory)
    with pytest.raises(NotAllowed):
        await settle(session_factory, who, disputed.stop_b, now, "lost")
    assert await snapshot(session_factory) == before


async def test_food_recorded_as_lost_leaves_the_report_and_the_summary(
    session_factory, disputed, now
):
    month, day = Month(2026, 3), now.date()

    async def figures():
        async with session_factory() as s:
            report = await monthly_report(
                s, antenna_ids=[disputed.antenna], month=month, factors=FACTORS, now=now
            )
            today = await summary(s, antenna_id=disputed.antenna, day=day)
        by_destination = {d.name: d.delivered_kg for d in report.destinations}
        categories = round(sum(c.kg for c in report.categories), 6)
        assert categories == report.kg, "the kg per category add up to the tonnage"
        assert round(sum(c.kg for c in today.by_category), 6) == today.today_kg
        figures.open_disputes = today.disputed
        return report, report.kg, today.today_kg, by_destination

    report, kg, today, by_destination = await figures()
    assert (kg, today) == (30.0, 30.0)
    assert figures.open_disputes == 1
    assert by_destination == {"Épicerie sociale": 18.0, "Resto du cœur": 12.0}
    [dispute] = report.disputes
    assert (dispute.destination, dispute.delivered_kg, dispute.received_kg) == (
        "Resto du cœur",
        12.0,
        10.0,
    )
    assert dispute.settlement is None

    await settle(session_factory, COORDINATOR, disputed.stop_b, now, "lost")
    report, kg, today, by_destination = await figures()
    assert (kg, today) == (18.0, 18.0)
    assert figures.open_disputes == 0, "settled: no longer to settle"
    assert by_destination == {"Épicerie sociale": 18.0, "Resto du cœur": 0.0}
    assert report.meals == 36.0
    assert report.disputes[0].settlement == "lost"


async def test_the_reason_of_a_problem_is_kept_for_the_report(session_factory, delivered, now):  # noqa: F811
    problem = dict(delivery_id=delivered.stop_b, now=now, problem="too_warm")
    await call(session_factory, report_problem, BOB, note="  le yaourt était à 12 °C  ", **problem)
    async with session_factory() as s:
        report = await monthly_report(
            s, antenna_ids=[delivered.antenna], month=Month(2026, 3), factors=FACTORS, now=now
        )
    [dispute] = report.disputes
    assert (dispute.problem, dispute.note) == ("too_warm", "le yaourt était à 12 °C")
    audit = (await rows(session_factory, AuditLog, AuditLog.action == "receipt.disputed"))[-1]
    assert (audit.detail["problem"], audit.detail["note"]) == (
        "too_warm",
        "le yaourt était à 12 °C",
    )
    status = (await rows(session_factory, Donation, Donation.id == delivered.donation))[0].status
    assert status == "delivered"  # stop A still awaits its receipt


async def test_the_association_explains_its_problem_once(session_factory, delivered, now):  # noqa: F811
    problem = dict(delivery_id=delivered.stop_b, now=now)
    await call(session_factory, report_problem, BOB, problem="other", **problem)
    before = await snapshot(session_factory)
    for who, note, refused in (
        (BOB, "   ", InvalidInput),
        (ALICE, "cassé", NotAllowed),  # another association
        (DRIVER, "cassé", NotAllowed),
        (STRANGER, "cassé", NotAllowed),
    ):
        with pytest.raises(refused):
            await call(session_factory, explain_problem, who, note=note, **problem)
    assert await snapshot(session_factory) == before

    await call(session_factory, explain_problem, BOB, note=" la caisse était cassée ", **problem)
    [receipt] = await rows(session_factory, Receipt, Receipt.delivery_id == delivered.stop_b)
    assert (receipt.problem, receipt.note) == ("other", "la caisse était cassée")
    audit = (await rows(session_factory, AuditLog))[-1]
    assert (audit.action, audit.detail) == (
        "receipt.explained",
        {"problem": "other", "note": "la caisse était cassée"},
    )
    assert await notices(session_factory, "receipt_note") == [
        (COORDINATOR, {"kind": "receipt_note", "delivery_id": delivered.stop_b})
    ]
    with pytest.raises(AlreadyDone):
        await call(session_factory, explain_problem, BOB, note="encore", **problem)


async def test_no_explanation_after_the_settlement(session_factory, delivered, now):  # noqa: F811
    problem = dict(delivery_id=delivered.stop_b, now=now)
    await call(session_factory, report_problem, BOB, problem="damaged", **problem)
    await settle(session_factory, COORDINATOR, delivered.stop_b, now, "lost")
    with pytest.raises(AlreadyDone):
        await call(session_factory, explain_problem, BOB, note="x", **problem)
