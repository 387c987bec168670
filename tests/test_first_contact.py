"""People listed before they ever opened the bot: Telegram lets no bot write first, so the bot
does not try (no offer lost in a refusal, nobody wrongly marked as having blocked it). Their
first /start shows at once what waited for them, with its buttons, and the coordinators hear
that the bot can now write to them."""

from __future__ import annotations

from sqlalchemy import update
from sqlmodel import col, select

from bot.callbacks import AnnounceCb, ClaimCb
from storage.engine import create_engine, create_session_factory
from storage.models import AuditLog, Claim, Member
from tests.harness import buttons, running_bot

GROUP = -1001000000001
CLAIRE, MARC, SOFIE, LUCAS = 100001, 100003, 100004, 100007


async def never_opened(database_url: str, *telegram_ids: int) -> None:
    engine = create_engine(database_url)
    async with create_session_factory(engine)() as session:
        await session.exec(
            update(Member).where(col(Member.telegram_id).in_(telegram_ids)).values(opened_at=None)
        )
        await session.commit()
    await engine.dispose()


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
