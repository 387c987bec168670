"""A store manager's own announcements through the bot, over HTTP, in French and in Dutch.

Marc announces for Flagey, then from /mine changes the quantities (the /surplus echo, then
confirm) and the window (a past one is refused first); the group card follows. Sofie claims:
changing is refused, Marc is told who comes. Sofie releases (Marc is told), Lucas claims
(Marc is told again). Another store's manager, a driver, a suspended manager and a stranger
pressing Marc's buttons are refused and nothing changes. Marc cancels after confirming:
Lucas and the group are told, the card says cancelled without a button, and an old claim
button gets a clear answer. Nothing is refused by the fake Telegram.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import update
from sqlmodel import col, select

from bot.callbacks import (
    AnnounceCb,
    ClaimCb,
    ReleaseAnswerCb,
    ReleaseCb,
    StoreCancelCb,
    StoreItemsCb,
    StoreWindowCb,
)
from storage.engine import create_engine, create_session_factory
from storage.models import AuditLog, Donation, Member, Membership
from tests.announcements.test_store_announcements import NADIA, PAUL, add_managers
from tests.harness import buttons, running_bot

GROUP = -1001000000001  # the Ixelles antenna's group in config.toml
MARC, SOFIE, LUCAS, STRANGER = 100003, 100004, 100007, 999001
OFFER_CHANGED = {
    "fr": "✏️ Le magasin a modifié cette collecte\u202f; vous pouvez la prendre\u202f:",
    "nl": "✏️ De winkel heeft deze ophaling gewijzigd; je kunt ze opnemen:",
}
OTHERS = {100001: "Claire", 100006: "Anne", 100008: "Pieter"}

WORDS = {
    "fr": {
        "announce": "/surplus 20 kg pain 18h-19h",
        "understood": "Voici ce que j'ai compris",
        "open": "Ouverte\u202f: aucun chauffeur",
        "quantities": "3 caisses pain, 10 kg légumes",
        "changed": "Modifié. La fiche dans le groupe",
        "total": "Total ≈ 22 kg",
        "past": "8h-9h",
        "window_over": "Ce créneau est déjà passé",
        "window": "19h-20h",
        "window_shown": "de 19:00 à 20:00",
        "coming": "viendra chercher vos invendus",
        "no_change": "a pris cette collecte\u202f: ses quantités et son créneau",
        "released": "ne vient plus chercher vos invendus",
        "claimed_by": "Pris par Lucas Exemple",
        "not_yours": "Ce n'est pas à vous de le faire",
        "confirm": "Annuler cette collecte\u202f?",
        "told": "Le chauffeur et le groupe sont prévenus.",
        "cancelled_note": "est annulée\u202f: personne ne doit y aller",
        "cancelled_card": "✖️ Annulé",
        "old_claim": "Cette collecte est annulée",
    },
    "nl": {
        "announce": "/surplus 20 kg brood 18u-19u",
        "understood": "Dit heb ik begrepen",
        "open": "Open: nog geen chauffeur",
        "quantities": "3 bakken brood, 10 kg groenten",
        "changed": "Gewijzigd. De kaart in de groep",
        "total": "Totaal ± 22 kg",
        "past": "8u-9u",
        "window_over": "Dit ophaalmoment is al voorbij",
        "window": "19u-20u",
        "window_shown": "van 19:00 tot 20:00",
        "coming": "komt je overschotten ophalen",
        "no_change": "heeft deze ophaling opgenomen: de hoeveelheden en het ophaalmoment",
        "released": "komt je overschotten niet meer ophalen",
        "claimed_by": "Opgenomen door Lucas Exemple",
        "not_yours": "Dat is niet aan jou",
        "confirm": "Deze ophaling annuleren?",
        "told": "De chauffeur en de groep zijn verwittigd.",
        "cancelled_note": "is geannuleerd: niemand hoeft te gaan",
        "cancelled_card": "✖️ Geannuleerd",
        "old_claim": "Deze ophaling is geannuleerd",
    },
}


async def prepare(database_url: str, language: str) -> None:
    """Everyone speaks the language; Nadia manages Jourdan, Paul's Flagey role is suspended."""
    engine = create_engine(database_url)
    async with create_session_factory(engine)() as session:
        await session.exec(update(Member).values(language=language))
        await add_managers(session, datetime.now(UTC), language)
        await session.commit()
    await engine.dispose()


async def flagey_pickup(database_url: str) -> tuple[Donation, list[str]]:
    """Flagey's announced pickup, and the audit actions about it."""
    engine = create_engine(database_url)
    async with create_session_factory(engine)() as session:
        donation = (
            await session.exec(select(Donation).where(col(Donation.raw_text).is_not(None)))
        ).one()
        actions = await session.exec(
            select(AuditLog.action)
            .where(AuditLog.entity == "donation", AuditLog.entity_id == donation.id)
            .order_by(col(AuditLog.id))
        )
        found = donation, list(actions.all())
    await engine.dispose()
    return found


class Chat:
    def __init__(self, fake, clock) -> None:
        self.fake = fake
        self.clock = clock

    async def say(self, user: dict, text: str, expected: str) -> dict:
        """Send a text; wait for the reply holding ``expected`` and return it."""
        self.clock.advance(seconds=2)
        before = len(self.fake.sent(user["id"]))
        self.fake.send_text(user, text)
        return await self.reply(user["id"], expected, before)

    async def reply(self, chat_id: int, expected: str, before: int) -> dict:
        def found():
            return next(
                (m for m in self.fake.sent(chat_id)[before:] if expected in m["text"]), None
            )

        return await self.fake.wait_for(found)

    async def press(self, user: dict, message: dict, data: str, *, check: bool = True) -> str:
        """Press a button; returns the notice of its answer (empty when silent)."""
        self.clock.advance(seconds=2)
        answers = len(self.fake.calls("answerCallbackQuery"))
        self.fake.press_button(user, message, data, check=check)
        await self.fake.wait_for(lambda: len(self.fake.calls("answerCallbackQuery")) > answers)
        return self.fake.calls("answerCallbackQuery")[answers].params.get("text", "")


def with_prefix(message: dict, prefix: str) -> list[str]:
    return [data for _, data in buttons(message) if data.startswith(prefix + ":")]


@pytest.mark.parametrize("lang", ["fr", "nl"])
async def test_a_store_follows_and_changes_its_announcement(settings, fake_api, clock, lang):
    words = WORDS[lang]
    await prepare(settings.database_url, lang)
    fake_api.group(GROUP, title="Antenne Ixelles-Etterbeek")
    names = {MARC: "Marc", SOFIE: "Sofie", LUCAS: "Lucas", NADIA: "Nadia", PAUL: "Paul"}
    people = {
        tid: fake_api.user(tid, first_name=name, language_code=lang)
        for tid, name in {**names, **OTHERS, STRANGER: "Eve"}.items()
    }
    marc = people[MARC]
    chat = Chat(fake_api, clock)

    async with running_bot(settings, clock=clock):
        # Marc announces (Tuesday 10:00): the card reaches the group.
        echo = await chat.say(marc, words["announce"], words["understood"])
        await chat.press(marc, echo, AnnounceCb(action="ok").pack())
        await fake_api.wait_for(lambda: any("20 kg" in t for t in fake_api.texts(GROUP)))
        card = next(m for m in fake_api.sent(GROUP) if with_prefix(m, "cl"))
        donation_id = ClaimCb.unpack(with_prefix(card, "cl")[0]).donation_id

        def card_now() -> dict:
            return fake_api.message(GROUP, card["message_id"])

        # /mine shows it open, with its three buttons.
        mine = await chat.say(marc, "/mine", words["open"])
        assert f"#{donation_id}" in mine["text"]
        assert [d.split(":")[0] for _, d in buttons(mine)] == ["sq", "sw", "sx"]

        # New quantities: the /surplus echo, confirmed; the group card follows.
        assert await chat.press(marc, mine, StoreItemsCb(donation_id=donation_id).pack()) == ""
        echo = await chat.say(marc, words["quantities"], words["understood"])
        assert words["total"] in echo["text"]
        await chat.press(marc, echo, AnnounceCb(action="ok").pack())
        await chat.reply(MARC, words["changed"], 0)
        await fake_api.wait_for(lambda: "≈ 22 kg" in card_now()["text"])
        assert "20 kg" not in card_now()["text"]
        # the drivers who may take it get it as it is now, said to be changed
        await fake_api.wait_for(
            lambda: any(
                OFFER_CHANGED[lang] in text and "22 kg" in text for text in fake_api.texts(SOFIE)
            )
        )

        # A new window: one already over is refused, then the card follows the next one.
        await chat.press(marc, mine, StoreWindowCb(donation_id=donation_id).pack())
        await chat.say(marc, words["past"], words["window_over"])
        await chat.say(marc, words["window"], words["changed"])
        await fake_api.wait_for(lambda: words["window_shown"] in card_now()["text"])

        # Sofie claims from the group: Marc is told; changing is refused from now on.
        before = len(fake_api.sent(MARC))
        await chat.press(people[SOFIE], card_now(), ClaimCb(donation_id=donation_id).pack())
        await chat.reply(MARC, words["coming"], before)
        for data in (StoreItemsCb, StoreWindowCb):
            answer = await chat.press(marc, mine, data(donation_id=donation_id).pack())
            assert words["no_change"] in answer and "Sofie Voorbeeld" in answer

        # Sofie releases (late: the window is today), Lucas claims: Marc is told both.
        before = len(fake_api.sent(MARC))
        await chat.press(people[SOFIE], card_now(), ReleaseCb(donation_id=donation_id).pack())
        question = fake_api.last_message(SOFIE)  # asked in private, with the reasons
        ill = ReleaseAnswerCb(donation_id=donation_id, answer="ill").pack()
        assert ill in with_prefix(question, "ry")
        await chat.press(people[SOFIE], question, ill)
        await chat.reply(MARC, words["released"], before)
        await fake_api.wait_for(lambda: with_prefix(card_now(), "cl"))
        await chat.press(people[LUCAS], card_now(), ClaimCb(donation_id=donation_id).pack())
        await chat.reply(MARC, "Lucas Exemple", before)

        # Nobody else may cancel it: another store's manager, a driver, a suspended manager
        # of Flagey, a stranger.
        cancel = StoreCancelCb(donation_id=donation_id, step=1).pack()
        for tid in (NADIA, SOFIE, PAUL, STRANGER):
            await chat.say(people[tid], "/help", "/")
            answer = await chat.press(people[tid], fake_api.last_message(tid), cancel, check=False)
            assert words["not_yours"] in answer, (tid, answer)
        pickup, _actions = await flagey_pickup(settings.database_url)
        assert (pickup.status, pickup.estimated_kg) == ("claimed", 22)

        # Marc's /mine says who comes; only cancelling is offered. He confirms it.
        mine = await chat.say(marc, "/mine", words["claimed_by"])
        assert with_prefix(mine, "sx") == [StoreCancelCb(donation_id=donation_id).pack()]
        assert with_prefix(mine, "sq") == with_prefix(mine, "sw") == []
        before = len(fake_api.sent(MARC))
        await chat.press(marc, mine, with_prefix(mine, "sx")[0])
        question = await chat.reply(MARC, words["confirm"], before)
        lucas_before = len(fake_api.sent(LUCAS))
        await chat.press(marc, question, cancel)
        await fake_api.wait_for(
            lambda: words["told"] in fake_api.message(MARC, question["message_id"])["text"]
        )
        await chat.reply(LUCAS, words["cancelled_note"], lucas_before)
        await chat.reply(GROUP, words["cancelled_note"], 0)
        await fake_api.wait_for(lambda: words["cancelled_card"] in card_now()["text"])
        assert buttons(card_now()) == []

        # An old claim button gets a clear answer.
        answer = await chat.press(
            people[SOFIE], card, ClaimCb(donation_id=donation_id).pack(), check=False
        )
        assert words["old_claim"] in answer

    pickup, actions = await flagey_pickup(settings.database_url)
    assert pickup.status == "cancelled"
    for action in ("donation.items_changed", "donation.window_changed", "donation.cancelled"):
        assert action in actions
    assert fake_api.refused == [], "\n".join(c.describe() for c in fake_api.refused)


async def test_a_store_manager_who_also_drives_sees_both_lists(settings, fake_api, clock):
    """/mine is chosen by role: a store manager gets the store's view, and their pickups as a
    driver too when they also drive; a driver alone keeps the driver's list."""
    engine = create_engine(settings.database_url)
    async with create_session_factory(engine)() as session:
        marc = (await session.exec(select(Member).where(Member.telegram_id == MARC))).one()
        role = (await session.exec(select(Membership).where(Membership.member_id == marc.id))).one()
        session.add(
            Membership(
                member_id=marc.id, antenna_id=role.antenna_id, role="driver", created_at=clock.now()
            )
        )
        await session.commit()
    await engine.dispose()
    marc = fake_api.user(MARC, first_name="Marc", language_code="fr")
    sofie = fake_api.user(SOFIE, first_name="Sofie", language_code="nl")
    chat = Chat(fake_api, clock)
    async with running_bot(settings, clock=clock):
        await chat.say(marc, "/mine", "Vous n'avez aucune collecte")
        assert any("Rien d'annoncé pour votre magasin" in t for t in fake_api.texts(MARC))
        await chat.say(sofie, "/mine", "Je hebt op dit moment geen ophaling")
        assert not any("winkel" in t for t in fake_api.texts(SOFIE))
    assert fake_api.refused == []
