"""Follow-ups of the periodic check: weights still to record and receipts still to confirm,
reminded at their moment, repeated, escalated once to the coordinators, and silent once done."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlalchemy import event
from sqlmodel import col, select

from bot.callbacks import DeliverCb, ReceiptCb
from bot.i18n import create_i18n
from bot.notifications import render
from logistics.broadcasts.followups import (
    RECEIPT_AFTER,
    RECEIPT_EVERY,
    WEIGHTS_AFTER,
    WEIGHTS_EVERY,
    due_followups,
)
from scheduler.jobs import check_reminders
from storage.models import Association, Delivery, Donation, Member, Outbox, Receipt
from tests.broadcasts.test_runsheet import TUESDAY, add_pickup, local
from tests.harness import buttons, running_bot

CLAIRE, SOFIE, ANNE = 100001, 100004, 100006


async def run(session_factory, at) -> int:
    async with session_factory() as s:
        return await due_followups(s, now=at)


async def entries(session_factory, kind: str) -> list[Outbox]:
    async with session_factory() as s:
        rows = (await s.exec(select(Outbox).order_by(col(Outbox.id)))).all()
    return [r for r in rows if r.payload.get("kind") == kind]


async def collected(session_factory, start) -> tuple[int, int]:
    """A pickup collected by Sofie, its one stop (at the épicerie) not yet delivered."""
    async with session_factory() as s:
        donation_id = await add_pickup(s, "super-flagey", start, "picked_up", driver=SOFIE)
        place = (
            await s.exec(select(Association.id).where(Association.key == "epicerie-ixelles"))
        ).one()
        donation = await s.get(Donation, donation_id)
        donation.collected_kg = 12
        delivery = Delivery(donation_id=donation_id, association_id=place, planned_kg=12)
        s.add_all([donation, delivery])
        await s.commit()
        return donation_id, delivery.id


async def delivered(session_factory, start) -> tuple[int, int]:
    """A pickup delivered to the épicerie two hours after its start, its receipt pending."""
    async with session_factory() as s:
        donation_id = await add_pickup(
            s, "super-flagey", start, "delivered", driver=SOFIE, receipt="pending"
        )
        delivery = (await s.exec(select(Delivery).where(Delivery.donation_id == donation_id))).one()
        return donation_id, delivery.id


async def rendered(session_factory, chat_id: int, entry: Outbox):
    async with session_factory() as s:
        return await render(s, create_i18n(), chat_id, entry.payload)


async def test_weights_reminded_twice_then_the_coordinator_once(settings, session_factory):
    start = local(TUESDAY, 12)
    _, delivery_id = await collected(session_factory, start)
    first = start + timedelta(hours=1) + WEIGHTS_AFTER  # the window ends at 13:00
    assert await run(session_factory, first - timedelta(minutes=1)) == 0
    assert await run(session_factory, first) == 1
    assert await run(session_factory, first + timedelta(minutes=5)) == 0
    assert await run(session_factory, first + WEIGHTS_EVERY - timedelta(minutes=1)) == 0
    assert await run(session_factory, first + WEIGHTS_EVERY) == 1
    assert await run(session_factory, first + 2 * WEIGHTS_EVERY - timedelta(minutes=1)) == 0
    assert await run(session_factory, first + 2 * WEIGHTS_EVERY) == 1  # Claire
    assert await run(session_factory, first + 3 * WEIGHTS_EVERY) == 0
    assert await run(session_factory, first + 6 * WEIGHTS_EVERY) == 0

    reminders = await entries(session_factory, "weights_reminder")
    assert [(e.chat_id, e.payload["n"]) for e in reminders] == [(SOFIE, 1), (SOFIE, 2)]
    (told,) = await entries(session_factory, "weights_overdue")
    assert told.chat_id == CLAIRE

    reminder = await rendered(session_factory, SOFIE, reminders[0])
    assert "Herinnering" in reminder.text and "Rappel" not in reminder.text  # Sofie reads Dutch
    message = {"reply_markup": reminder.reply_markup.model_dump()}
    deliver = [DeliverCb.unpack(d) for _, d in buttons(message) if d.startswith("dl:")]
    assert {(b.delivery_id, b.action) for b in deliver} == {
        (delivery_id, "planned"),
        (delivery_id, "kg"),
    }
    escalation = await rendered(session_factory, CLAIRE, told)
    assert "n'a toujours pas enregistré" in escalation.text and "2 rappels" in escalation.text
    assert "Sofie" in escalation.text


async def test_nothing_once_the_weights_are_recorded(settings, session_factory):
    start = local(TUESDAY, 12)
    donation_id, _ = await collected(session_factory, start)
    first = start + timedelta(hours=1) + WEIGHTS_AFTER
    assert await run(session_factory, first) == 1
    async with session_factory() as s:
        donation = await s.get(Donation, donation_id)
        donation.status = "delivered"
        s.add(donation)
        await s.commit()
    (reminder,) = await entries(session_factory, "weights_reminder")
    assert await rendered(session_factory, SOFIE, reminder) is None, "outdated: says nothing"
    for n in range(1, 5):
        assert await run(session_factory, first + n * WEIGHTS_EVERY) == 0


async def test_an_unreachable_driver_goes_straight_to_the_coordinator(settings, session_factory):
    start = local(TUESDAY, 12)
    await collected(session_factory, start)
    async with session_factory() as s:
        sofie = (await s.exec(select(Member).where(Member.telegram_id == SOFIE))).one()
        sofie.unreachable = True
        s.add(sofie)
        await s.commit()
    first = start + timedelta(hours=1) + WEIGHTS_AFTER
    assert await run(session_factory, first) == 0
    assert await run(session_factory, first + 2 * WEIGHTS_EVERY - timedelta(minutes=1)) == 0
    assert await run(session_factory, first + 2 * WEIGHTS_EVERY) == 1
    assert [e.chat_id for e in await entries(session_factory, "weights_overdue")] == [CLAIRE]


async def test_receipts_reminded_then_escalated_once(settings, session_factory):
    start = local(TUESDAY, 8)
    _, delivery_id = await delivered(session_factory, start)
    first = start + timedelta(hours=2) + RECEIPT_AFTER
    assert await run(session_factory, first - timedelta(minutes=1)) == 0
    assert await run(session_factory, first) == 1
    assert await run(session_factory, first + RECEIPT_EVERY - timedelta(minutes=5)) == 0
    assert await run(session_factory, first + RECEIPT_EVERY) == 1
    assert await run(session_factory, first + 2 * RECEIPT_EVERY) == 1  # Claire
    assert await run(session_factory, first + 2 * RECEIPT_EVERY + timedelta(hours=5)) == 0

    reminders = await entries(session_factory, "receipt_reminder")
    assert [(e.chat_id, e.payload["n"]) for e in reminders] == [(ANNE, 1), (ANNE, 2)]
    reminder = await rendered(session_factory, ANNE, reminders[0])
    assert "Rappel" in reminder.text and "bien reçu" in reminder.text
    message = {"reply_markup": reminder.reply_markup.model_dump()}
    answers = [ReceiptCb.unpack(d) for _, d in buttons(message)]
    assert [(a.delivery_id, a.action) for a in answers] == [
        (delivery_id, "ok"),
        (delivery_id, "diff"),
        (delivery_id, "problem"),
    ]
    (told,) = await entries(session_factory, "receipt_overdue")
    assert told.chat_id == CLAIRE
    escalation = await rendered(session_factory, CLAIRE, told)
    assert "n'a toujours pas confirmé" in escalation.text and "Épicerie" in escalation.text

    async with session_factory() as s:
        receipt = (await s.exec(select(Receipt).where(Receipt.delivery_id == delivery_id))).one()
        receipt.status = "confirmed"
        s.add(receipt)
        await s.commit()
    assert await rendered(session_factory, ANNE, reminders[1]) is None
    assert await rendered(session_factory, CLAIRE, told) is None


async def test_nothing_after_the_receipt_is_answered(settings, session_factory):
    start = local(TUESDAY, 8)
    _, delivery_id = await delivered(session_factory, start)
    first = start + timedelta(hours=2) + RECEIPT_AFTER
    assert await run(session_factory, first) == 1
    async with session_factory() as s:
        receipt = (await s.exec(select(Receipt).where(Receipt.delivery_id == delivery_id))).one()
        receipt.status = "disputed"
        s.add(receipt)
        await s.commit()
    for n in range(1, 4):
        assert await run(session_factory, first + n * RECEIPT_EVERY) == 0


async def test_two_passes_at_once_queue_once(settings, session_factory):
    start = local(TUESDAY, 8)
    await delivered(session_factory, start)
    await collected(session_factory, start)
    at = start + timedelta(hours=2) + RECEIPT_AFTER
    counts = await asyncio.gather(*(run(session_factory, at) for _ in range(2)))
    assert sorted(counts) == [0, 2]
    assert len(await entries(session_factory, "receipt_reminder")) == 1
    assert len(await entries(session_factory, "weights_reminder")) == 1


async def test_old_things_are_left_alone(settings, session_factory):
    start = local(TUESDAY, 8)
    await delivered(session_factory, start)
    await collected(session_factory, start)
    assert await run(session_factory, start + timedelta(days=10)) == 0


async def test_the_reminder_arrives_and_its_button_records_the_weight(
    settings, session_factory, fake_api, clock
):
    sofie = fake_api.user(SOFIE, first_name="Sofie", language_code="nl")
    fake_api.user(ANNE, first_name="Anne", language_code="fr")
    fake_api.user(CLAIRE, first_name="Claire", language_code="fr")
    fake_api.group(-1001000000001)
    start = local(TUESDAY, 7)
    donation_id, delivery_id = await collected(session_factory, start)
    clock.set(start + timedelta(hours=1) + WEIGHTS_AFTER)
    async with running_bot(settings, clock=clock) as app:
        assert await run(session_factory, clock.now()) == 1
        app.dp["outbox"].wake()
        await fake_api.wait_for(method="sendMessage", chat_id=SOFIE)
        reminder = fake_api.last_message(SOFIE)
        assert "Herinnering" in reminder["text"]
        other_kg = next(
            d for _, d in buttons(reminder) if d.startswith("dl:") and d.endswith(":kg")
        )
        fake_api.press_button(sofie, reminder, other_kg, check=True)
        await fake_api.wait_for(lambda: "18,5" in fake_api.last_message(SOFIE)["text"])
        fake_api.send_text(sofie, "11,5")
        await fake_api.wait_for(lambda: fake_api.texts(ANNE))  # the receipt is asked for
    async with session_factory() as s:
        delivery = await s.get(Delivery, delivery_id)
        assert delivery.delivered_kg == 11.5
        assert (await s.get(Donation, donation_id)).status == "delivered"
    assert await run(session_factory, clock.now() + WEIGHTS_EVERY) == 0
    assert fake_api.refused == []


async def test_one_pass_makes_a_fixed_number_of_queries(settings, session_factory, engine):
    start = local(TUESDAY, 8)
    for n in range(6):
        await collected(session_factory, start + timedelta(minutes=10 * n))
        await delivered(session_factory, start + timedelta(minutes=10 * n))
    statements = []

    def counted(*args) -> None:
        statements.append(args[2])

    event.listen(engine.sync_engine, "before_cursor_execute", counted)
    queued = await run(session_factory, start + timedelta(hours=3) + RECEIPT_AFTER)
    event.remove(engine.sync_engine, "before_cursor_execute", counted)
    assert queued == 6 + 6  # a weights reminder to Sofie and a receipt reminder to Anne each
    assert len(statements) <= 8, "a fixed number of queries, none per pickup"


async def test_the_receipt_reminder_arrives_and_its_button_confirms(
    settings, session_factory, fake_api, clock
):
    anne = fake_api.user(ANNE, first_name="Anne", language_code="fr")
    fake_api.group(-1001000000001)
    start = local(TUESDAY, 8)
    _, delivery_id = await delivered(session_factory, start)
    clock.set(start + timedelta(hours=2) + RECEIPT_AFTER)
    woken = []
    async with running_bot(settings, clock=clock) as app:
        await check_reminders(
            session_factory=session_factory, clock=clock, on_queued=lambda: woken.append(1)
        )
        assert woken == [1], "the reminders job runs the follow-ups too"
        app.dp["outbox"].wake()
        await fake_api.wait_for(method="sendMessage", chat_id=ANNE)
        reminder = fake_api.last_message(ANNE)
        assert "Rappel" in reminder["text"]
        ok = next(d for _, d in buttons(reminder) if ReceiptCb.unpack(d).action == "ok")
        fake_api.press_button(anne, reminder, ok, check=True)
        await fake_api.wait_for(method="answerCallbackQuery")
    async with session_factory() as s:
        receipt = (await s.exec(select(Receipt).where(Receipt.delivery_id == delivery_id))).one()
        assert receipt.status == "confirmed"
    assert await run(session_factory, clock.now() + 3 * RECEIPT_EVERY) == 0
    assert fake_api.refused == []
