"""Invitations: a coordinator makes a single-use link, a person opens it and joins; drivers
give their vehicle and wait for a coordinator's approval. Bad links and bad answers get a
clear reply and change nothing; two people racing for one link: exactly one joins."""

from __future__ import annotations

import asyncio
import re
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

from sqlmodel import select

from bot.callbacks import ApprovalCb, InviteCb, JoinCb
from logistics.errors import DomainError
from logistics.people.identity import identify
from logistics.people.invites import InviteUsed, create_invite, hash_token
from logistics.people.joining import JoinResult, join
from storage.engine import create_engine, create_session_factory
from storage.models import Invite, Member, Membership
from tests.harness import buttons, running_bot

CLAIRE, JORIS, MARC, SOFIE, ANNE = 100001, 100002, 100003, 100004, 100006
STRANGER, DEPUTY = 555, 200010
IXELLES, FLAGEY = 1, 1
LINK = re.compile(r"https://t\.me/antenna_test_bot\?start=([A-Za-z0-9_-]+)")


async def rows(database_url: str, model) -> list[dict]:
    engine = create_engine(database_url)
    async with create_session_factory(engine)() as session:
        found = (await session.exec(select(model).order_by(model.id))).all()
    await engine.dispose()
    return [r.model_dump() for r in found]


def only_coordinators(text: str) -> bool:
    return "Seul·es les coordinateur·rices" in text or "Alleen de coördinatoren" in text


async def add_suspended_coordinator(database_url: str, now) -> None:
    engine = create_engine(database_url)
    async with create_session_factory(engine)() as session:
        member = Member(telegram_id=DEPUTY, name="Deputy", language="fr", created_at=now)
        session.add(member)
        await session.flush()
        session.add(
            Membership(
                member_id=member.id,
                antenna_id=IXELLES,
                role="coordinator",
                status="suspended",
                created_at=now,
            )
        )
        await session.commit()
    await engine.dispose()


async def invite_token(session, claire, role: str, place_id: int | None, now) -> str:
    """A 48-hour invitation made by Claire at ``now``, without the bot; its token."""
    invitation = await create_invite(
        session,
        identity=claire,
        antenna_id=IXELLES,
        role=role,
        place_id=place_id,
        now=now,
        valid_for=timedelta(hours=48),
    )
    return invitation.token


async def press(fake, user, message, data) -> str:
    fake.press_button(user, message, data if isinstance(data, str) else data.pack())
    answer = (await fake.wait_for(method="answerCallbackQuery"))[-1]
    return answer.params.get("text", "")


async def say(fake, user, text: str) -> str:
    fake.send_text(user, text)
    await fake.wait_for(method="sendMessage", chat_id=user["id"])
    return fake.last_message(user["id"])["text"]


async def make_link(fake, claire, role: str, place_id: int = 0) -> str:
    """Claire goes through /invite's buttons; returns the token of the link she gets."""
    await say(fake, claire, "/invite")
    menu = fake.last_message(CLAIRE)
    assert InviteCb(antenna_id=IXELLES, role=role).pack() in [d for _, d in buttons(menu)]
    await press(fake, claire, menu, InviteCb(antenna_id=IXELLES, role=role))
    if place_id:
        await fake.wait_for(
            lambda: (
                "magasin" in fake.last_message(CLAIRE)["text"]
                or "asso" in fake.last_message(CLAIRE)["text"]
            )
        )
        await press(
            fake,
            claire,
            fake.last_message(CLAIRE),
            InviteCb(antenna_id=IXELLES, role=role, place_id=place_id),
        )
    await fake.wait_for(lambda: LINK.search(fake.last_message(CLAIRE)["text"]))
    message = fake.last_message(CLAIRE)
    assert len(buttons(message)) == 1
    share = message["reply_markup"]["inline_keyboard"][0][0]["url"]
    assert parse_qs(urlsplit(share).query)["url"][0].startswith("https://t.me/antenna_test_bot")
    return LINK.search(message["text"]).group(1)


async def test_a_store_manager_joins_through_a_link_used_once(settings, fake_api, clock):
    claire = fake_api.user(CLAIRE)
    newcomer = fake_api.user(200001, first_name="Nadia")
    other = fake_api.user(200002, first_name="Omar")
    async with running_bot(settings, clock=clock):
        token = await make_link(fake_api, claire, "store_manager", FLAGEY)
        invites = await rows(settings.database_url, Invite)
        assert invites[-1]["token_hash"] == hash_token(token)
        assert token not in str(invites)  # only the hash is kept
        assert invites[-1]["expires_at"] - invites[-1]["created_at"] == timedelta(hours=48)

        invitation = fake_api.last_message(CLAIRE)
        assert "Antenne Ixelles-Etterbeek" in invitation["text"]
        assert "Supermarché Exemple Flagey" in invitation["text"]
        share = invitation["reply_markup"]["inline_keyboard"][0][0]["url"]
        shared = parse_qs(urlsplit(share).query)["text"][0]
        assert "invendus de Supermarché Exemple Flagey" in shared  # French and Dutch: the
        assert "onverkochte producten van Supermarché Exemple Flagey" in shared  # coordinator
        # does not know the invitee's language

        text = await say(fake_api, newcomer, f"/start {token}")
        assert "Bienvenue dans Antenne Ixelles-Etterbeek" in text
        assert "gérant·e de magasin (Supermarché Exemple Flagey)" in text
        assert "/surplus 20 kg pain, 3 caisses yaourts 18h-19h30" in text  # the first step
        assert "Already" not in text
        await fake_api.wait_for(lambda: any("Nadia" in t for t in fake_api.texts(CLAIRE)))
        told = next(t for t in fake_api.texts(CLAIRE) if "Nadia" in t)
        assert "a rejoint Antenne Ixelles-Etterbeek" in told and "Flagey" in told
        assert "déjà été utilisé" in await say(fake_api, other, f"/start {token}")
        assert "déjà été utilisé" in await say(fake_api, newcomer, f"/start {token}")
    seeded = len(settings.network.people)  # the newcomers come after the example network's
    memberships = [
        m for m in await rows(settings.database_url, Membership) if m["member_id"] > seeded
    ]
    assert [(m["role"], m["store_id"], m["status"]) for m in memberships] == [
        ("store_manager", FLAGEY, "active")
    ]
    assert fake_api.refused == []


async def test_bad_links_get_a_clear_answer(settings, fake_api, clock):
    stranger = fake_api.user(STRANGER)
    marc = fake_api.user(MARC)
    engine = create_engine(settings.database_url)
    async with create_session_factory(engine)() as session:
        claire = await identify(session, telegram_id=CLAIRE)
        old = await invite_token(session, claire, "driver", None, clock.now() - timedelta(hours=49))
        again = await invite_token(session, claire, "store_manager", FLAGEY, clock.now())
    await engine.dispose()
    before = await rows(settings.database_url, Invite)
    async with running_bot(settings, clock=clock):
        assert "a expiré" in await say(fake_api, stranger, f"/start {old}")
        for garbage in ("abc", "x" * 64, old[:-1] + ("A" if old[-1] != "A" else "B"), "<b>&</b>"):
            assert "pas valable" in await say(fake_api, stranger, f"/start {garbage}"), garbage
        assert "déjà ce rôle" in await say(fake_api, marc, f"/start {again}")
        # someone whose language is not known yet chooses it first; the link stays unused
        english = fake_api.user(200009, language_code="en")
        prompt = await say(fake_api, english, f"/start {again}")
        assert "Ouvrez ensuite à nouveau" in prompt and "Open daarna" in prompt
        assert len(buttons(fake_api.last_message(200009))) == 2
    assert await rows(settings.database_url, Invite) == before
    assert fake_api.refused == []


async def test_a_driver_gives_a_vehicle_and_waits_for_approval(settings, fake_api, clock):
    claire = fake_api.user(CLAIRE)
    joris = fake_api.user(JORIS, language_code="nl")
    sofie = fake_api.user(SOFIE)
    driver = fake_api.user(200003, first_name="Yasmine", username="yas")
    async with running_bot(settings, clock=clock):
        token = await make_link(fake_api, claire, "driver")
        assert "frigorifique" in await say(fake_api, driver, f"/start {token}")
        await press(fake_api, driver, fake_api.last_message(200003), JoinCb(answer="dry"))
        await fake_api.wait_for(lambda: "kilos" in fake_api.last_message(200003)["text"])
        for bad in ("-5", "0", "999999", "NaN", "1e9", "beaucoup", "12,5,3", "inf"):
            assert "entre 1 et 40 000" in await say(fake_api, driver, bad), bad
        assert not [
            m for m in await rows(settings.database_url, Member) if m["telegram_id"] == 200003
        ]
        assert "téléphone" in await say(fake_api, driver, "350 kg")
        assert "numéro de téléphone" in await say(fake_api, driver, "call me")
        waiting = await say(fake_api, driver, "+32 470 12 34 56")
        assert "en attente de l'accord" in waiting

        # Claire, the Ixelles coordinator, is asked; Joris (Schaerbeek) is not.
        await fake_api.wait_for(lambda: "Yasmine" in fake_api.last_message(CLAIRE)["text"])
        request = fake_api.last_message(CLAIRE)
        assert "350" in request["text"] and "+32470123456" in request["text"]
        assert not any("Yasmine" in t for t in fake_api.texts(JORIS))
        [membership] = [
            m for m in await rows(settings.database_url, Membership) if m["status"] == "pending"
        ]
        approve = ApprovalCb(membership_id=membership["id"], action="y")
        memberships = await rows(settings.database_url, Membership)
        for outsider in (joris, sofie, driver, fake_api.user(STRANGER)):
            assert only_coordinators(await press(fake_api, outsider, request, approve))
        assert await rows(settings.database_url, Membership) == memberships

        assert "Accepté" in await press(fake_api, claire, request, approve)
        await fake_api.wait_for(lambda: "Bienvenue" in fake_api.last_message(200003)["text"])
        assert "déjà" in await press(
            fake_api, claire, request, ApprovalCb(membership_id=membership["id"], action="n")
        )
    [member] = [m for m in await rows(settings.database_url, Member) if m["telegram_id"] == 200003]
    assert (member["vehicle_refrigerated"], member["vehicle_capacity_kg"]) == (False, 350)
    assert member["phone"] == "+32470123456" and member["username"] == "yas"
    [joined] = [
        m for m in await rows(settings.database_url, Membership) if m["member_id"] == member["id"]
    ]
    assert (joined["role"], joined["status"]) == ("driver", "active")
    assert fake_api.refused == []


async def test_only_coordinators_invite(settings, fake_api, clock):
    await add_suspended_coordinator(settings.database_url, clock.now())
    people = {tid: fake_api.user(tid) for tid in (STRANGER, SOFIE, MARC, ANNE, JORIS, DEPUTY)}
    claire = fake_api.user(CLAIRE)
    async with running_bot(settings, clock=clock):
        await say(fake_api, claire, "/invite")
        menu = fake_api.last_message(CLAIRE)
        for tid, user in people.items():
            if tid != JORIS:
                assert only_coordinators(await say(fake_api, user, "/invite")), tid
            for data in (
                InviteCb(antenna_id=IXELLES, role="coordinator"),
                InviteCb(antenna_id=IXELLES, role="store_manager", place_id=FLAGEY),
            ):
                assert only_coordinators(await press(fake_api, user, menu, data)), tid
        # a store of another antenna, forged into Claire's buttons
        text = await press(
            fake_api, claire, menu, InviteCb(antenna_id=IXELLES, role="store_manager", place_id=4)
        )
        assert "n'existe plus" in text
        assert "plus valable" in await press(fake_api, claire, menu, "iv:1:boss:0")
    assert await rows(settings.database_url, Invite) == []
    assert fake_api.refused == []


async def test_two_people_race_for_one_link(session_factory, settings, clock):
    """Exactly one joins, the other hears the link was used (SQLite and PostgreSQL)."""
    async with session_factory() as session:
        claire = await identify(session, telegram_id=CLAIRE)
        token = await invite_token(session, claire, "coordinator", None, clock.now())

    async def open_link(telegram_id: int) -> JoinResult | DomainError:
        async with session_factory() as session:
            try:
                return await join(
                    session,
                    token_hash=hash_token(token),
                    telegram_id=telegram_id,
                    name=f"P{telegram_id}",
                    username=None,
                    language="fr",
                    now=clock.now(),
                )
            except DomainError as error:
                return error

    outcomes = await asyncio.gather(*(open_link(300000 + i) for i in range(8)))
    winners = [o for o in outcomes if isinstance(o, JoinResult)]
    assert len(winners) == 1
    assert all(isinstance(o, InviteUsed) for o in outcomes if o not in winners)
    async with session_factory() as session:
        joined = (
            await session.exec(
                select(Membership).where(Membership.member_id == winners[0].member_id)
            )
        ).all()
        assert [(m.role, m.status) for m in joined] == [("coordinator", "active")]
        invite = (await session.exec(select(Invite))).one()
        assert invite.used_by_id == winners[0].member_id
        # the losers left nothing behind
        assert (
            len((await session.exec(select(Member).where(Member.telegram_id >= 300000))).all()) == 1
        )
