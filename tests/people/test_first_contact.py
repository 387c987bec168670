"""People listed before they ever opened the bot: Telegram lets no bot write first, so the bot
does not try (no offer lost in a refusal, nobody wrongly marked as having blocked it). Their
first /start shows at once what waited for them, with its buttons, and the coordinators hear
that the bot can now write to them."""

from __future__ import annotations

from sqlmodel import col, select

from bot.callbacks import AnnounceCb, ClaimCb
from storage.engine import create_engine, create_session_factory
from storage.models import AuditLog, Claim, Member, RecurringSlot
from tests.chat_steps import never_opened
from tests.harness import buttons, running_bot

GROUP = -1001000000001
CLAIRE, MARC, SOFIE, LUCAS = 100001, 100003, 100004, 100007


async def audit(database_url: str, action: str) -> list[AuditLog]:
    engine = create_engine(database_url)
    async with create_session_factory(engine)() as session:
        rows = (await session.exec(select(AuditLog).where(AuditLog.action == action))).all()
    await engine.dispose()
    return list(rows)


async def claims(database_url: str) -> list[Claim]:
    engine = create_engine(database_url)
    async with create_session_factory(engine)() as session:
        rows = (await session.exec(select(Claim))).all()
    await engine.dispose()
    return list(rows)


def claim_buttons(message: dict) -> list[str]:
    return [data for _, data in buttons(message) if data.startswith("cl:")]


async def test_a_drivers_first_start_shows_the_open_pickup_to_claim(settings, fake_api, clock):
    await never_opened(settings.database_url, SOFIE, LUCAS)
    fake_api.group(GROUP)
    fake_api.user(CLAIRE)
    marc = fake_api.user(MARC)
    sofie = fake_api.user(SOFIE, first_name="Sofie", language_code="nl")
    lucas = fake_api.user(LUCAS, first_name="Lucas", language_code="fr")
    async with running_bot(settings, clock=clock):
        fake_api.send_text(marc, "/surplus 20 kg pain 18h-19h30")
        await fake_api.wait_for(method="sendMessage", chat_id=MARC)
        fake_api.press_button(marc, fake_api.last_message(MARC), AnnounceCb(action="ok").pack())
        await fake_api.wait_for(lambda: fake_api.sent(GROUP), timeout=15)
        await fake_api.wait_idle()
        # The bot did not write first to the drivers who never opened it.
        assert fake_api.sent(SOFIE) == [] and fake_api.sent(LUCAS) == []

        fake_api.send_text(lucas, "/start")
        await fake_api.wait_for(lambda: any(claim_buttons(m) for m in fake_api.sent(LUCAS)))
        offer = next(m for m in fake_api.sent(LUCAS) if claim_buttons(m))
        assert (
            "Collectes à prendre" in offer["text"] and "Supermarché Exemple Flagey" in offer["text"]
        )
        assert claim_buttons(offer) == [ClaimCb(donation_id=1).pack()]
        await fake_api.wait_for(
            lambda: any("Lucas Exemple a ouvert le bot" in t for t in fake_api.texts(CLAIRE))
        )

        fake_api.send_text(sofie, "/start")
        await fake_api.wait_for(lambda: any(claim_buttons(m) for m in fake_api.sent(SOFIE)))
        offer = next(m for m in fake_api.sent(SOFIE) if claim_buttons(m))
        assert "Open ophalingen" in offer["text"]
        await fake_api.wait_for(
            lambda: any("Sofie Voorbeeld" in t and "bot" in t for t in fake_api.texts(CLAIRE))
        )

        # The button works; a second /start is an ordinary greeting, and nobody is told again.
        fake_api.press_button(sofie, offer, claim_buttons(offer)[0])
        await fake_api.wait_for(method="answerCallbackQuery")
        told = len(fake_api.texts(CLAIRE))
        fake_api.send_text(lucas, "/start")
        await fake_api.wait_for(method="sendMessage", chat_id=LUCAS)
        await fake_api.wait_idle()
        assert not claim_buttons(fake_api.last_message(LUCAS))
        assert len(fake_api.texts(CLAIRE)) == told
    [claim] = await claims(settings.database_url)
    assert claim.released_at is None
    reasons = [a.detail["reason"] for a in await audit(settings.database_url, "member.reachable")]
    assert reasons == ["first_message", "first_message"]
    assert fake_api.refused == []


async def hold_a_slot_and_set_contact(database_url: str, telegram_id: int, slot: int) -> None:
    engine = create_engine(database_url)
    async with create_session_factory(engine)() as session:
        member = (await session.exec(select(Member).where(Member.telegram_id == telegram_id))).one()
        slots = (await session.exec(select(RecurringSlot).order_by(col(RecurringSlot.id)))).all()
        slots[slot].standing_driver_id = member.id
        member.phone = "+32 470 11 22 33"
        session.add_all([slots[slot], member])
        await session.commit()
    await engine.dispose()


async def test_coordinators_see_who_the_bot_cannot_reach(settings, fake_api, clock):
    """/members marks who never opened the bot (with the link to forward), a driver's page
    gives the phone, the slots held and a way to write; the run sheet names those drivers."""
    await never_opened(settings.database_url, LUCAS)
    await hold_a_slot_and_set_contact(settings.database_url, LUCAS, 0)
    await hold_a_slot_and_set_contact(settings.database_url, SOFIE, 1)
    claire = fake_api.user(CLAIRE)
    fake_api.group(GROUP)
    async with running_bot(settings, clock=clock):
        fake_api.send_text(claire, "/members")
        await fake_api.wait_for(method="sendMessage", chat_id=CLAIRE)
        listing = fake_api.last_message(CLAIRE)
        lucas_line = next(line for line in listing["text"].splitlines() if "Lucas" in line)
        assert "n'a pas ouvert le bot" in lucas_line
        sofie_line = next(line for line in listing["text"].splitlines() if "Sofie" in line)
        assert "ouvert" not in sofie_line

        lucas_button = next(d for label, d in buttons(listing) if "Lucas" in label)
        fake_api.press_button(claire, listing, lucas_button)
        await fake_api.wait_for(lambda: "Véhicule" in fake_api.last_message(CLAIRE)["text"])
        page = fake_api.last_message(CLAIRE)["text"]
        assert "N'a pas encore ouvert le bot" in page
        assert "https://t.me/antenna_test_bot" in page
        assert "+32 470 11 22 33" in page and "Téléphone" in page
        assert "Créneaux hebdomadaires tenus\u202f:\n• " in page

        fake_api.send_text(claire, "/runsheet")
        await fake_api.wait_for(method="sendMessage", chat_id=CLAIRE)
        sheet = fake_api.last_message(CLAIRE)["text"]
        assert "Le bot ne peut pas écrire à ces chauffeur·euses" in sheet
        assert "Lucas Exemple\u202f: n'a pas encore ouvert le bot" in sheet
        assert "Sofie Voorbeeld" not in sheet.split("Le bot ne peut pas écrire")[1]
    assert fake_api.refused == []
