"""The missed-collection check answered "food collected" without kg: the pickup is not
flagged missed; the driver is reminded of the kg, then the coordinators are told they are
missing (not that the pickup was missed)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import col, select

from bot.callbacks import MissedCb, PickupCb
from bot.i18n import create_i18n
from bot.notifications import render
from logistics.broadcasts.followups import WEIGHTS_AFTER, WEIGHTS_EVERY, due_followups
from logistics.broadcasts.reminders import ANSWER_WITHIN, CHECK_AFTER, due_reminders
from logistics.errors import NotAllowed
from logistics.people.identity import identify
from logistics.pickups.said_collected import SAID, say_collected
from storage.models import AuditLog, Donation, Outbox
from tests.broadcasts.test_runsheet import GROUP, TUESDAY, add_pickup, local
from tests.harness import buttons, running_bot

CLAIRE, SOFIE, LUCAS = 100001, 100004, 100007


async def reminders(session_factory, at) -> int:
    async with session_factory() as s:
        return await due_reminders(s, now=at)


async def followups(session_factory, at) -> int:
    async with session_factory() as s:
        return await due_followups(s, now=at)


async def entries(session_factory, kind: str) -> list[Outbox]:
    async with session_factory() as s:
        rows = (await s.exec(select(Outbox).order_by(col(Outbox.id)))).all()
    return [r for r in rows if r.payload.get("kind") == kind]


async def say(session_factory, telegram_id: int, donation_id: int, at) -> bool:
    async with session_factory() as s:
        identity = await identify(s, telegram_id=telegram_id)
        return await say_collected(s, donation_id=donation_id, identity=identity, now=at)


async def audits(session_factory, action: str) -> list[AuditLog]:
    async with session_factory() as s:
        return list((await s.exec(select(AuditLog).where(AuditLog.action == action))).all())


async def test_collected_said_is_followed_by_kg_reminders_not_a_missed_flag(
    settings, session_factory
):
    start = local(TUESDAY, 12)
    async with session_factory() as s:
        donation = await add_pickup(s, "super-flagey", start, "claimed", driver=SOFIE)
    asked = start + CHECK_AFTER
    assert await reminders(session_factory, asked) == 1  # the missed-collection check
    said = asked + timedelta(minutes=20)

    with pytest.raises(NotAllowed):  # another driver cannot answer for Sofie
        await say(session_factory, LUCAS, donation, said)
    assert await audits(session_factory, SAID) == []
    assert await say(session_factory, SOFIE, donation, said) is True
    assert await say(session_factory, SOFIE, donation, said) is False  # once
    [audit] = await audits(session_factory, SAID)
    assert audit.entity == "donation" and audit.entity_id == donation

    # the check's deadline passes: not flagged missed, nobody told it was missed
    assert await reminders(session_factory, asked + ANSWER_WITHIN) == 0
    assert await reminders(session_factory, asked + 3 * ANSWER_WITHIN) == 0
    async with session_factory() as s:
        assert (await s.get(Donation, donation)).status == "claimed"
    assert await audits(session_factory, "donation.missed") == []
    assert await entries(session_factory, "missed_pickup") == []

    # the kg: reminded twice, exactly once each, then the coordinator once
    first = said + WEIGHTS_AFTER
    assert await followups(session_factory, first - timedelta(minutes=1)) == 0
    assert await followups(session_factory, first) == 1
    assert await followups(session_factory, first + timedelta(minutes=5)) == 0
    assert await followups(session_factory, first + WEIGHTS_EVERY) == 1
    assert await followups(session_factory, first + WEIGHTS_EVERY + timedelta(minutes=5)) == 0
    assert await followups(session_factory, first + 2 * WEIGHTS_EVERY) == 1
    assert await followups(session_factory, first + 3 * WEIGHTS_EVERY) == 0
    kg = await entries(session_factory, "kg_reminder")
    assert [(e.chat_id, e.payload["n"]) for e in kg] == [(SOFIE, 1), (SOFIE, 2)]
    [told] = await entries(session_factory, "kg_missing")
    assert told.chat_id == CLAIRE
    async with session_factory() as s:
        i18n = create_i18n()
        reminder = await render(s, i18n, SOFIE, kg[0].payload)
        note = await render(s, i18n, CLAIRE, told.payload)
    assert "Herinnering" in reminder.text and "kg" in reminder.text  # Sofie reads Dutch
    assert any(
        d.startswith("pu:")
        for row in reminder.reply_markup.inline_keyboard
        for d in [b.callback_data for b in row]
    )
    assert "Sofie" in note.text and "kg manquent" in note.text and "manquée" not in note.text


async def test_once_the_kg_are_recorded_the_reminders_stop(settings, session_factory):
    start = local(TUESDAY, 12)
    async with session_factory() as s:
        donation = await add_pickup(s, "super-flagey", start, "claimed", driver=SOFIE)
    said = start + CHECK_AFTER
    await say(session_factory, SOFIE, donation, said)
    assert await followups(session_factory, said + WEIGHTS_AFTER) == 1
    [entry] = await entries(session_factory, "kg_reminder")
    async with session_factory() as s:
        row = await s.get(Donation, donation)
        row.status, row.collected_kg = "picked_up", 12
        s.add(row)
        await s.commit()
        assert await render(s, create_i18n(), SOFIE, entry.payload) is None  # outdated
    later = said + WEIGHTS_AFTER + 2 * WEIGHTS_EVERY
    assert await followups(session_factory, later) >= 0
    assert len(await entries(session_factory, "kg_reminder")) == 1
    assert await entries(session_factory, "kg_missing") == []


async def test_collected_answered_through_the_bot(settings, session_factory, fake_api, clock):
    sofie = fake_api.user(SOFIE, first_name="Sofie", language_code="nl")
    fake_api.user(CLAIRE, first_name="Claire", language_code="fr")
    fake_api.group(GROUP)
    start = local(TUESDAY, 8)
    async with session_factory() as s:
        donation = await add_pickup(s, "super-flagey", start, "claimed", driver=SOFIE)
    clock.set(start + CHECK_AFTER)
    async with running_bot(settings, clock=clock) as app:
        assert await reminders(session_factory, clock.now()) == 1
        app.dp["outbox"].wake()
        await fake_api.wait_for(method="sendMessage", chat_id=SOFIE)
        check = fake_api.last_message(SOFIE)
        got = MissedCb(donation_id=donation, action="got").pack()
        fake_api.press_button(sofie, check, got, check=True)
        [answer] = await fake_api.wait_for(method="answerCallbackQuery")
        assert "Genoteerd" in answer.params.get("text", "")

        clock.set(clock.now() + ANSWER_WITHIN)
        assert await reminders(session_factory, clock.now()) == 0  # not missed
        assert await followups(session_factory, clock.now()) == 1  # the kg reminder
        app.dp["outbox"].wake()
        await fake_api.wait_for(
            lambda: "Herinnering" in fake_api.last_message(SOFIE).get("text", "")
        )
        reminder = fake_api.last_message(SOFIE)
        assert "Herinnering" in reminder["text"]
        as_announced = PickupCb(donation_id=donation, action="as_announced").pack()
        assert as_announced in [d for _, d in buttons(reminder)]
        fake_api.press_button(sofie, reminder, as_announced, check=True)
        await fake_api.wait_for(method="answerCallbackQuery")
        await fake_api.wait_idle()
    async with session_factory() as s:
        assert (await s.get(Donation, donation)).status == "picked_up"
    assert await entries(session_factory, "missed_pickup") == []
    assert fake_api.texts(CLAIRE) == []
    assert fake_api.refused == []


async def test_a_coordinator_answers_for_the_driver_a_stranger_cannot(settings, session_factory):
    start = local(TUESDAY, 12)
    async with session_factory() as s:
        donation = await add_pickup(s, "super-flagey", start, "claimed", driver=SOFIE)
        sofie = await identify(s, telegram_id=SOFIE)
    with pytest.raises(NotAllowed):
        await say(session_factory, 555, donation, start + CHECK_AFTER)
    with pytest.raises(NotAllowed):  # the coordinator of another antenna
        await say(session_factory, 100002, donation, start + CHECK_AFTER)
    assert await audits(session_factory, SAID) == []
    assert await say(session_factory, CLAIRE, donation, start + CHECK_AFTER) is True
    [audit] = await audits(session_factory, SAID)
    assert audit.on_behalf_of_id == sofie.member_id and audit.actor_id != sofie.member_id
