"""/members: a coordinator lists the antenna's people and suspends, reactivates, removes them or
changes their role. A suspended driver's pickups are open again and the group is told; nobody
else can do any of it, and an antenna keeps at least one coordinator."""

from __future__ import annotations

from sqlmodel import select

from bot.callbacks import AnnounceCb, ClaimCb, MemberCb, MembersCb
from bot.emulator import utf16_len
from logistics.people.identity import identify
from storage.engine import create_engine, create_session_factory
from storage.models import AuditLog, Claim, Donation, Member, Membership
from tests.harness import buttons, running_bot

GROUP = -1001000000001
CLAIRE, JORIS, MARC, SOFIE, LUCAS, ANNE = 100001, 100002, 100003, 100004, 100007, 100006
STRANGER = 555
IXELLES = 1


async def rows(database_url: str, model) -> list[dict]:
    engine = create_engine(database_url)
    async with create_session_factory(engine)() as session:
        found = (await session.exec(select(model).order_by(model.id))).all()
    await engine.dispose()
    return [r.model_dump(exclude={"group_message_id"}) for r in found]


async def membership_of(database_url: str, telegram_id: int) -> dict:
    engine = create_engine(database_url)
    async with create_session_factory(engine)() as session:
        found = (
            await session.exec(
                select(Membership)
                .join(Member, Member.id == Membership.member_id)
                .where(Member.telegram_id == telegram_id)
            )
        ).first()
    await engine.dispose()
    return found.model_dump() if found else {}


async def roles_of(database_url: str, telegram_id: int) -> list[str]:
    engine = create_engine(database_url)
    async with create_session_factory(engine)() as session:
        identity = await identify(session, telegram_id=telegram_id)
    await engine.dispose()
    return identity.role_names


async def press(fake, user, message, data) -> str:
    fake.press_button(user, message, data if isinstance(data, str) else data.pack())
    answer = (await fake.wait_for(method="answerCallbackQuery"))[-1]
    return answer.params.get("text", "")


async def say(fake, user, text: str) -> dict:
    fake.send_text(user, text)
    await fake.wait_for(method="sendMessage", chat_id=user["id"])
    return fake.last_message(user["id"])


def only_coordinators(text: str) -> bool:
    return "Seul·es les coordinateur·rices" in text or "Alleen de coördinatoren" in text


async def test_suspending_a_driver_opens_their_pickups_and_tells_the_group(
    settings, fake_api, clock
):
    fake_api.group(GROUP)
    claire, marc, sofie = (fake_api.user(t) for t in (CLAIRE, MARC, SOFIE))
    fake_api.user(LUCAS)
    async with running_bot(settings, clock=clock):
        fake_api.send_text(marc, "/surplus 20 kg pain 18h-19h30")
        await fake_api.wait_for(method="sendMessage", chat_id=MARC)
        fake_api.press_button(marc, fake_api.last_message(MARC), AnnounceCb(action="ok").pack())
        await fake_api.wait_for(lambda: fake_api.sent(GROUP), timeout=15)
        card = fake_api.sent(GROUP)[0]
        await press(fake_api, sofie, card, ClaimCb(donation_id=1))
        assert (await rows(settings.database_url, Donation))[0]["status"] == "claimed"

        listing = await say(fake_api, claire, "/members")
        for name in ("Claire", "Marc", "Sofie", "Lucas", "Anne", "Pieter"):
            assert name in listing["text"], name
        assert "Karim" not in listing["text"] and "Joris" not in listing["text"]
        sofie_id = (await membership_of(settings.database_url, SOFIE))["id"]
        view = MemberCb(membership_id=sofie_id, action="v")
        assert view.pack() in [d for _, d in buttons(listing)]
        await press(fake_api, claire, listing, view)
        await fake_api.wait_for(lambda: "Suspendre" in str(fake_api.last_message(CLAIRE)))
        card_message = fake_api.last_message(CLAIRE)
        suspend = MemberCb(membership_id=sofie_id, action="s")
        assert "Suspendu" in await press(fake_api, claire, card_message, suspend)

        def reopened() -> bool:
            return any("de nouveau libres" in t for t in fake_api.texts(GROUP))

        await fake_api.wait_for(reopened)
        note = next(t for t in fake_api.texts(GROUP) if "de nouveau libres" in t)
        assert "Sofie" in note and "weer vrij" in note  # the group reads both languages
        await fake_api.wait_for(lambda: any("geschorst" in t for t in fake_api.texts(SOFIE)))
        card_message = fake_api.message(CLAIRE, card_message["message_id"])
        assert "Réactiver" in str(card_message)
        assert "déjà" in await press(fake_api, claire, card_message, suspend)  # pressed twice

        assert (await rows(settings.database_url, Donation))[0]["status"] == "announced"
        claim = (await rows(settings.database_url, Claim))[0]
        assert claim["released_at"] is not None
        assert claim["late_release"] is False, "the coordinator's decision, not Sofie's"
        assert await roles_of(settings.database_url, SOFIE) == []
        text = await press(fake_api, sofie, card, ClaimCb(donation_id=1))
        assert "pas à vous" in text or "niet aan jou" in text.lower() or "Niet" in text, text

        reactivate = MemberCb(membership_id=sofie_id, action="a")
        assert "De nouveau actif" in await press(fake_api, claire, card_message, reactivate)
        assert await roles_of(settings.database_url, SOFIE) == ["driver"]
    actions = [a["action"] for a in await rows(settings.database_url, AuditLog)]
    assert "membership.suspended" in actions and "membership.reactivated" in actions
    assert "claim.released" in actions
    assert fake_api.refused == []


async def test_remove_asks_first_and_roles_change(settings, fake_api, clock):
    claire = fake_api.user(CLAIRE)
    fake_api.user(LUCAS)
    async with running_bot(settings, clock=clock):
        message = await say(fake_api, claire, "/members")
        lucas_id = (await membership_of(settings.database_url, LUCAS))["id"]
        await press(fake_api, claire, message, MemberCb(membership_id=lucas_id, action="r"))
        await fake_api.wait_for(lambda: "Retirer le rôle" in fake_api.last_message(CLAIRE)["text"])
        await press(fake_api, claire, message, MemberCb(membership_id=lucas_id, action="r"))
        await fake_api.wait_idle()  # a second tap on the same button changes nothing
        assert (await membership_of(settings.database_url, LUCAS))["status"] == "active"
        await press(fake_api, claire, message, MemberCb(membership_id=lucas_id, action="c"))
        await fake_api.wait_for(lambda: "Quel rôle" in fake_api.last_message(CLAIRE)["text"])
        await press(
            fake_api,
            claire,
            message,
            MemberCb(membership_id=lucas_id, action="c", role="association"),
        )
        await fake_api.wait_for(
            lambda: "Quelle association" in fake_api.last_message(CLAIRE)["text"]
        )
        assert "Rôle changé" in await press(
            fake_api,
            claire,
            message,
            MemberCb(membership_id=lucas_id, action="c", role="association", place_id=1),
        )
        assert await roles_of(settings.database_url, LUCAS) == ["association"]
        await fake_api.wait_for(lambda: any("au lieu de" in t for t in fake_api.texts(LUCAS)))

        assert "Retiré" in await press(
            fake_api, claire, message, MemberCb(membership_id=lucas_id, action="R")
        )
        assert await membership_of(settings.database_url, LUCAS) == {}
        await fake_api.wait_for(
            lambda: any("a retiré votre rôle" in t for t in fake_api.texts(LUCAS))
        )
        gone = await press(fake_api, claire, message, MemberCb(membership_id=lucas_id, action="s"))
        assert "n'existe plus" in gone
    assert fake_api.refused == []


async def test_the_last_coordinator_stays(settings, fake_api, clock):
    claire = fake_api.user(CLAIRE)
    async with running_bot(settings, clock=clock):
        message = await say(fake_api, claire, "/members")
        claire_id = (await membership_of(settings.database_url, CLAIRE))["id"]
        before = await rows(settings.database_url, Membership)
        for data in (
            MemberCb(membership_id=claire_id, action="s"),
            MemberCb(membership_id=claire_id, action="R"),
            MemberCb(membership_id=claire_id, action="c", role="driver"),
        ):
            assert "au moins un·e coordinateur·rice" in await press(fake_api, claire, message, data)
        assert await rows(settings.database_url, Membership) == before
    assert fake_api.refused == []


async def test_nobody_else_manages_people(settings, fake_api, clock):
    """A stranger, a driver, a store manager, the other antenna's coordinator and a suspended
    coordinator are refused, and nothing changes."""
    claire = fake_api.user(CLAIRE)
    deputy = fake_api.user(200010, first_name="Deputy")
    engine = create_engine(settings.database_url)
    async with create_session_factory(engine)() as session:
        member = Member(telegram_id=200010, name="Deputy", language="fr", created_at=clock.now())
        session.add(member)
        await session.flush()
        session.add(
            Membership(
                member_id=member.id,
                antenna_id=IXELLES,
                role="coordinator",
                status="suspended",
                created_at=clock.now(),
            )
        )
        await session.commit()
    await engine.dispose()
    outsiders = [fake_api.user(t) for t in (STRANGER, SOFIE, MARC, JORIS, ANNE)] + [deputy]
    async with running_bot(settings, clock=clock):
        message = await say(fake_api, claire, "/members")
        sofie_id = (await membership_of(settings.database_url, SOFIE))["id"]
        before = await rows(settings.database_url, Membership)
        for user in outsiders:
            if user["id"] != JORIS:
                assert only_coordinators((await say(fake_api, user, "/members"))["text"])
            for data in (
                MembersCb(antenna_id=IXELLES),
                MemberCb(membership_id=sofie_id, action="v"),
                MemberCb(membership_id=sofie_id, action="s"),
                MemberCb(membership_id=sofie_id, action="R"),
                MemberCb(membership_id=sofie_id, action="c", role="coordinator"),
            ):
                assert only_coordinators(await press(fake_api, user, message, data)), user
        # Joris coordinates Schaerbeek: his list is Schaerbeek's only
        joris_list = (await say(fake_api, fake_api.user(JORIS), "/members"))["text"]
        assert "Karim" in joris_list and "Sofie" not in joris_list
        assert await rows(settings.database_url, Membership) == before
    assert fake_api.refused == []


async def test_a_long_list_comes_in_pages(settings, fake_api, clock):
    claire = fake_api.user(CLAIRE)
    engine = create_engine(settings.database_url)
    async with create_session_factory(engine)() as session:
        people = [
            Member(
                telegram_id=400000 + i,
                name=(f"<b>{i}</b> & " + "é" * 200)[:200],
                created_at=clock.now(),
            )
            for i in range(45)
        ]
        session.add_all(people)
        await session.flush()
        session.add_all(
            Membership(member_id=m.id, antenna_id=IXELLES, role="driver", created_at=clock.now())
            for m in people
        )
        await session.commit()
    await engine.dispose()
    async with running_bot(settings, clock=clock):
        first = await say(fake_api, claire, "/members")
        assert utf16_len(first["text"]) < 4096
        assert "&lt;b&gt;" not in first["text"] and "<b>0</b> &" in first["text"]
        assert MembersCb(antenna_id=IXELLES, page=1).pack() in [d for _, d in buttons(first)]
        await press(fake_api, claire, first, MembersCb(antenna_id=IXELLES, page=3))
        await fake_api.wait_for(lambda: "Page 4 sur 4" in fake_api.last_message(CLAIRE)["text"])
    assert fake_api.refused == []


async def test_a_role_changes_to_hub_staff_of_a_hub_and_back(settings, fake_api, clock):
    """The hub is asked like a store or an association; a hub of another antenna is refused,
    and a role without a hub keeps none."""
    claire = fake_api.user(CLAIRE)
    fake_api.user(LUCAS)
    async with running_bot(settings, clock=clock):
        message = await say(fake_api, claire, "/members")
        lucas_id = (await membership_of(settings.database_url, LUCAS))["id"]
        await press(fake_api, claire, message, MemberCb(membership_id=lucas_id, action="c"))
        await fake_api.wait_for(lambda: "Magasinier·ère" in str(fake_api.last_message(CLAIRE)))
        hub_staff = MemberCb(membership_id=lucas_id, action="c", role="hub_staff")
        await press(fake_api, claire, message, hub_staff)
        await fake_api.wait_for(lambda: "Quel hub" in fake_api.last_message(CLAIRE)["text"])
        [(name, data)] = buttons(fake_api.last_message(CLAIRE))[:1]
        assert name == "Hub Exemple Ixelles"
        elsewhere = MemberCb(membership_id=lucas_id, action="c", role="hub_staff", place_id=99)
        assert "n'existe plus" in await press(fake_api, claire, message, elsewhere)
        assert "Rôle changé" in await press(fake_api, claire, message, data)
        changed = await membership_of(settings.database_url, LUCAS)
        assert (changed["role"], changed["hub_id"], changed["store_id"]) == ("hub_staff", 1, None)
        await fake_api.wait_for(
            lambda: any("magasinier·ère (au lieu de" in t for t in fake_api.texts(LUCAS))
        )
        card = "magasinier·ère · Hub Exemple Ixelles"  # the person's page names the hub
        await fake_api.wait_for(lambda: card in fake_api.last_message(CLAIRE)["text"])
        driver = MemberCb(membership_id=lucas_id, action="c", role="driver")
        assert "Rôle changé" in await press(fake_api, claire, message, driver)
        back = await membership_of(settings.database_url, LUCAS)
        assert (back["role"], back["hub_id"]) == ("driver", None)
    assert fake_api.refused == []
