"""Group chats. Commands meant for private chats get a pointer there, in both languages;
``/linkgroup`` links the group to a coordinator's antenna; the bot notices when it is removed
from a group or the group becomes a supergroup. Otherwise the bot stays quiet in groups: they
are for the run sheet and the announcements."""

from __future__ import annotations

from html import escape

from aiogram import F, Router
from aiogram.filters import Command, CommandStart
from aiogram.types import CallbackQuery, ChatMemberUpdated, Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.callbacks import LinkGroupCb
from bot.commands import COMMANDS
from bot.i18n import LOCALES, N_
from bot.people.invites import antenna_keyboard, not_coordinator, show
from logistics.clock import Clock
from logistics.errors import AlreadyDone, DomainError
from logistics.network.groups import (
    GroupTaken,
    antenna_of_group,
    group_lost,
    group_migrated,
    link_group,
)
from logistics.people.identity import Identity
from logistics.people.permissions import coordinated_antennas

GROUPS = F.chat.type.in_({"group", "supergroup"})


def both(i18n: I18n, msgid: str, locales: tuple[str, ...] = LOCALES, **values: str) -> str:
    return "\n".join(i18n.gettext(msgid, locale=lc).format(**values) for lc in locales)


async def private_only(message: Message, i18n: I18n) -> None:
    await message.reply(both(i18n, N_("Please write to me in a private chat for this.")))


async def linkgroup(
    message: Message, identity: Identity | None, session: AsyncSession, clock: Clock, i18n: I18n
) -> None:
    antennas = coordinated_antennas(identity)
    if not antennas:
        await message.reply(
            _("Sorry, only a coordinator of the antenna can link this group to it.")
        )
        return
    if len(antennas) > 1:
        await message.reply(
            _("Which antenna is this group for?"),
            reply_markup=antenna_keyboard(identity, lambda a: LinkGroupCb(antenna_id=a)),
        )
        return
    await message.reply(await link(identity, antennas[0], message.chat.id, session, clock, i18n))


async def link(
    identity: Identity,
    antenna_id: int,
    chat_id: int,
    session: AsyncSession,
    clock: Clock,
    i18n: I18n,
) -> str:
    try:
        result = await link_group(
            session, identity=identity, antenna_id=antenna_id, chat_id=chat_id, now=clock.now()
        )
    except AlreadyDone:
        return _("This group is already the antenna's group.")
    except GroupTaken:
        return _("This group is the group of another antenna, which you do not coordinate.")
    except DomainError:
        return _("Sorry, only a coordinator of the antenna can link this group to it.")
    return both(
        i18n,
        N_(
            "This group is now the group of the antenna {antenna}: run sheets, announcements "
            "and alerts will come here."
        ),
        antenna=escape(result.antenna_name),
    )


async def link_pressed(
    query: CallbackQuery,
    callback_data: LinkGroupCb,
    identity: Identity | None,
    session: AsyncSession,
    clock: Clock,
    i18n: I18n,
) -> None:
    chat = query.message.chat if query.message else None
    if chat is None or chat.type not in ("group", "supergroup"):
        await query.answer(_("This button is no longer valid."), show_alert=True)
        return
    text = await link(identity, callback_data.antenna_id, chat.id, session, clock, i18n)
    await query.answer()
    await show(query, text, None)


async def linkgroup_in_private(message: Message, identity: Identity | None) -> None:
    if not coordinated_antennas(identity):
        await message.answer(not_coordinator())
        return
    await message.answer(
        _(
            "Add me to your antenna's Telegram group, then send /linkgroup in the group "
            "itself (as a coordinator of the antenna)."
        )
    )


async def bot_membership(
    event: ChatMemberUpdated, session: AsyncSession, clock: Clock, i18n: I18n
) -> None:
    """The bot removed from a group (kicked or left): its antenna is told it has none."""
    if event.chat.type not in ("group", "supergroup"):
        return
    if event.new_chat_member.status in ("left", "kicked"):
        await group_lost(session, chat_id=event.chat.id, now=clock.now())
    elif event.old_chat_member.status in ("left", "kicked"):
        await event.bot.send_message(event.chat.id, await greeting(session, event.chat.id, i18n))


async def greeting(session: AsyncSession, chat_id: int, i18n: I18n) -> str:
    """What the bot says when added to a group: whose group it is already (config.toml or an
    earlier /linkgroup), or how a coordinator links it."""
    linked = await antenna_of_group(session, chat_id=chat_id)
    if linked is None:
        return both(
            i18n,
            N_(
                "Hello! A coordinator of the antenna sends /linkgroup here to link "
                "this group to it."
            ),
        )
    return both(
        i18n,
        N_(
            "Hello! This is the group of {antenna}: the morning run sheet, the pickups "
            "to claim and the alerts come here."
        ),
        linked.languages or LOCALES,
        antenna=escape(linked.antenna_name),
    )


async def migrated(message: Message, session: AsyncSession, clock: Clock) -> None:
    """The group became a supergroup: its antenna follows it to the new chat id."""
    if message.migrate_to_chat_id:
        old, new = message.chat.id, message.migrate_to_chat_id
    else:
        old, new = message.migrate_from_chat_id, message.chat.id
    await group_migrated(session, old_chat_id=old, new_chat_id=new, now=clock.now())


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.register(migrated, GROUPS, F.migrate_to_chat_id | F.migrate_from_chat_id)
    router.message.register(private_only, GROUPS, CommandStart())
    # every command but /linkgroup is for the private chat: a pointer there, in both languages
    router.message.register(
        private_only, GROUPS, Command(*(c.name for c in COMMANDS if c.name != "linkgroup"))
    )
    router.message.register(linkgroup, GROUPS, Command("linkgroup"))
    router.message.register(linkgroup_in_private, F.chat.type == "private", Command("linkgroup"))
    router.callback_query.register(link_pressed, LinkGroupCb.filter())
    router.my_chat_member.register(bot_membership)
    return router
