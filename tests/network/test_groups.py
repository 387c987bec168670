"""The antenna's group: linked with /linkgroup by one of its coordinators, from the group itself;
unlinked (and the coordinators told) when the bot is removed; moved when the group becomes a
supergroup. Anyone else gets a polite refusal and nothing changes."""

from __future__ import annotations

import asyncio

from sqlmodel import select

from bot.callbacks import LinkGroupCb
from bot.commands import COMMANDS
from storage.engine import create_engine, create_session_factory
from storage.models import Antenna, AuditLog, Member, Membership
from tests.harness import buttons, running_bot
from tests.people.test_invites import add_suspended_coordinator

OLD_GROUP, NEW_GROUP, BASIC_GROUP = -1001000000001, -1001000000009, -4000001
CONFIG_GROUP = OLD_GROUP  # the Ixelles antenna's group in config.toml
CLAIRE, JORIS, SOFIE = 100001, 100002, 100004
STRANGER, DEPUTY = 555, 200010
IXELLES, SCHAERBEEK = 1, 2


async def groups(database_url: str) -> dict[int, int | None]:
    engine = create_engine(database_url)
    async with create_session_factory(engine)() as session:
        found = (await session.exec(select(Antenna).order_by(Antenna.id))).all()
    await engine.dispose()
    return {a.id: a.group_chat_id for a in found}


async def reply_in(fake, user, chat, text: str) -> str:
    fake.send_text(user, text, chat=chat)
    await fake.wait_for(method="sendMessage", chat_id=chat["id"])
    return fake.last_message(chat["id"])["text"]


def bot_removed(fake, chat: dict, by: dict, status: str) -> None:
    """Telegram's my_chat_member update: the bot's own membership of the chat changed."""
    membership_changed(fake, chat, by, "member", status)


def bot_added(fake, chat: dict, by: dict) -> None:
    membership_changed(fake, chat, by, "left", "member")


def membership_changed(fake, chat: dict, by: dict, old: str, status: str) -> None:
    bot_user = dict(fake.bot_user)
    new = {"status": status, "user": bot_user}
    if status == "kicked":
        new["until_date"] = 0
    fake.queue_update(
        {
            "my_chat_member": {
                "chat": chat,
                "from": by,
                "date": 1_773_000_000,
                "old_chat_member": {"status": old, "user": bot_user},
                "new_chat_member": new,
            }
        }
    )


async def test_a_coordinator_links_a_group_and_others_cannot(settings, fake_api, clock):
    claire = fake_api.user(CLAIRE)
    await add_suspended_coordinator(settings.database_url, clock.now())
    others = [fake_api.user(t) for t in (STRANGER, SOFIE, DEPUTY)]
    joris = fake_api.user(JORIS)
    new_group = fake_api.group(NEW_GROUP, title="Nouveau groupe")
    old_group = fake_api.group(OLD_GROUP)
    async with running_bot(settings, clock=clock):
        before = await groups(settings.database_url)
        for user in others:
            text = await reply_in(fake_api, user, new_group, "/linkgroup")
            assert "seul·e un·e coordinateur·rice" in text or "alleen een coördinator" in text
        # Joris coordinates Schaerbeek: Ixelles' group is not his to take
        assert "een andere antenne" in await reply_in(fake_api, joris, old_group, "/linkgroup")
        assert await groups(settings.database_url) == before

        assert "en privé" not in await reply_in(fake_api, claire, new_group, "/linkgroup")
        linked = fake_api.last_message(NEW_GROUP)["text"]
        assert "Antenne Ixelles-Etterbeek" in linked and "ritbladen" in linked
        assert (await groups(settings.database_url))[IXELLES] == NEW_GROUP
        assert "déjà celui" in await reply_in(fake_api, claire, new_group, "/linkgroup")

        fake_api.send_text(claire, "/linkgroup")
        await fake_api.wait_for(method="sendMessage", chat_id=CLAIRE)
        assert "dans le groupe lui-même" in fake_api.last_message(CLAIRE)["text"]
    audit = [a.model_dump() for a in await _audit(settings.database_url)]
    assert [a["action"] for a in audit] == ["group.linked"]
    assert fake_api.refused == []


async def test_a_coordinator_of_two_antennas_chooses(settings, fake_api, clock):
    engine = create_engine(settings.database_url)
    async with create_session_factory(engine)() as session:
        claire = (await session.exec(select(Member).where(Member.telegram_id == CLAIRE))).one()
        session.add(
            Membership(
                member_id=claire.id,
                antenna_id=SCHAERBEEK,
                role="coordinator",
                created_at=clock.now(),
            )
        )
        await session.commit()
    await engine.dispose()
    claire = fake_api.user(CLAIRE)
    stranger = fake_api.user(STRANGER)
    group = fake_api.group(NEW_GROUP)
    async with running_bot(settings, clock=clock):
        await reply_in(fake_api, claire, group, "/linkgroup")
        question = fake_api.last_message(NEW_GROUP)
        choices = [d for _, d in buttons(question)]
        assert choices == [LinkGroupCb(antenna_id=a).pack() for a in (IXELLES, SCHAERBEEK)]
        fake_api.press_button(stranger, question, choices[1])
        await fake_api.wait_for(method="editMessageText", chat_id=NEW_GROUP)
        assert "seul·e" in fake_api.last_message(NEW_GROUP)["text"]
        assert (await groups(settings.database_url))[SCHAERBEEK] != NEW_GROUP
        fake_api.press_button(claire, question, choices[1])
        await fake_api.wait_for(method="editMessageText", chat_id=NEW_GROUP)
        assert "Schaerbeek-Evere" in fake_api.last_message(NEW_GROUP)["text"]
        assert (await groups(settings.database_url))[SCHAERBEEK] == NEW_GROUP
    assert fake_api.refused == []


async def test_the_bot_removed_from_the_group(settings, fake_api, clock):
    claire = fake_api.user(CLAIRE)
    fake_api.user(JORIS)
    group = fake_api.group(OLD_GROUP)
    async with running_bot(settings, clock=clock):
        bot_removed(fake_api, group, claire, "kicked")
        await fake_api.wait_for(
            lambda: any("retiré du groupe" in t for t in fake_api.texts(CLAIRE))
        )
        assert (await groups(settings.database_url))[IXELLES] is None
        assert not fake_api.texts(JORIS)  # Schaerbeek's coordinator has nothing to do with it
        # a group the bot was never linked to: nothing happens
        other = fake_api.group(-1001000000055)
        bot_removed(fake_api, other, claire, "left")
        await fake_api.wait_idle()
        assert len([t for t in fake_api.texts(CLAIRE) if "retiré du groupe" in t]) == 1

        # added back: the bot says how to link it again, and Claire does
        bot_added(fake_api, group, claire)
        await fake_api.wait_for(method="sendMessage", chat_id=OLD_GROUP)
        assert "/linkgroup" in fake_api.last_message(OLD_GROUP)["text"]
        await reply_in(fake_api, claire, group, "/linkgroup")
        assert (await groups(settings.database_url))[IXELLES] == OLD_GROUP
    assert [a.action for a in await _audit(settings.database_url)] == ["group.lost", "group.linked"]
    assert fake_api.refused == []


async def test_a_group_becoming_a_supergroup_keeps_its_antenna(settings, fake_api, clock):
    claire = fake_api.user(CLAIRE)
    basic = fake_api.group(BASIC_GROUP)
    async with running_bot(settings, clock=clock):
        await reply_in(fake_api, claire, basic, "/linkgroup")
        assert (await groups(settings.database_url))[IXELLES] == BASIC_GROUP
        fake_api.group(NEW_GROUP)
        fake_api.queue_update(
            {
                "message": {
                    "message_id": 500,
                    "date": 1_773_000_000,
                    "chat": basic,
                    "from": claire,
                    "migrate_to_chat_id": NEW_GROUP,
                }
            }
        )
        # the migration sends nothing: wait for the database, not for a call
        for _ in range(200):
            if (await groups(settings.database_url))[IXELLES] == NEW_GROUP:
                break
            await asyncio.sleep(0.05)
        assert (await groups(settings.database_url))[IXELLES] == NEW_GROUP
    assert fake_api.refused == []


async def _audit(database_url: str) -> list[AuditLog]:
    engine = create_engine(database_url)
    async with create_session_factory(engine)() as session:
        found = (
            await session.exec(
                select(AuditLog).where(AuditLog.entity == "antenna").order_by(AuditLog.id)
            )
        ).all()
    await engine.dispose()
    return list(found)


async def test_private_commands_in_the_group_point_to_the_private_chat(settings, fake_api, clock):
    claire = fake_api.user(CLAIRE)
    group = fake_api.group(OLD_GROUP)
    names = [c.name for c in COMMANDS if c.name != "linkgroup"]
    async with running_bot(settings, clock=clock):
        for name in names:
            clock.advance(seconds=1)  # a person going through the menu, not a flood
            text = await reply_in(fake_api, claire, group, f"/{name}")
            assert "en privé" in text and "privébericht" in text, (name, text)
        await fake_api.wait_idle()
    pointers = [m for m in fake_api.sent(OLD_GROUP) if "en privé" in m.get("text", "")]
    assert len(pointers) == len(names), "one answer per command, in the group only"
    assert fake_api.sent(CLAIRE) == [], "nothing sent to the private chat"
    assert fake_api.refused == []


async def test_a_group_of_the_config_is_greeted_as_the_antennas_not_asked_to_link(
    settings, fake_api, clock
):
    """The group of config.toml is already the antenna's: added there, the bot says so in the
    group's languages; a group of no antenna is told how to link it."""
    claire = fake_api.user(CLAIRE)
    configured = fake_api.group(CONFIG_GROUP, title="Ixelles")
    unknown = fake_api.group(-1001000000077, title="Autre")
    async with running_bot(settings, clock=clock):
        bot_added(fake_api, configured, claire)
        await fake_api.wait_for(method="sendMessage", chat_id=CONFIG_GROUP)
        greeting = fake_api.last_message(CONFIG_GROUP)["text"]
        assert "/linkgroup" not in greeting
        assert "Antenne Ixelles-Etterbeek" in greeting
        assert "feuille de route" in greeting and "ritblad" in greeting
        bot_added(fake_api, unknown, claire)
        await fake_api.wait_for(method="sendMessage", chat_id=unknown["id"])
        assert "/linkgroup" in fake_api.last_message(unknown["id"])["text"]
    assert fake_api.refused == []
