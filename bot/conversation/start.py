"""/start: a greeting by role, or how to join for people the network does not know yet.
``/start <token>`` (an invitation link opened) joins the antenna; drivers first answer a few
questions about their vehicle (bot/people/joining.py)."""

from __future__ import annotations

from html import escape

from aiogram import Bot, F, Router
from aiogram.filters import CommandObject, CommandStart
from aiogram.fsm.context import FSMContext
from aiogram.types import Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.commands import set_personal_menu
from bot.deliveries import receipts
from bot.people import joining
from bot.pickups import claiming as pickups
from bot.stock import screens as stock
from bot.texts import first_step, greeting, role_label
from logistics.clock import Clock
from logistics.errors import DomainError
from logistics.people.identity import Identity, identify
from logistics.people.invites import check_invite
from logistics.people.joining import join


async def start(
    message: Message,
    identity: Identity,
    bot: Bot,
    i18n: I18n,
    locale: str,
    session: AsyncSession,
    clock: Clock,
    first_contact: bool = False,
) -> None:
    await message.answer(greeting(identity, message.from_user.first_name))
    if identity.is_member:
        await set_personal_menu(
            bot, i18n, chat_id=message.chat.id, locale=locale, roles=identity.role_names
        )
    if first_contact:
        await what_waits(message, identity, session, clock)


async def what_waits(
    message: Message, identity: Identity, session: AsyncSession, clock: Clock
) -> None:
    """A person listed before they ever opened the bot: what waited for them, at once (the
    bot could not write to them until now)."""
    roles = set(identity.role_names)
    if "driver" in roles:
        await pickups.mine(message, identity, session)
        await pickups.runs(message, identity, session, clock)
    if "association" in roles:
        await receipts.receipts(message, identity, session)
    if "hub_staff" in roles:
        await stock.stock(message, identity, session, clock)


async def start_with_invite(
    message: Message,
    command: CommandObject,
    state: FSMContext,
    session: AsyncSession,
    clock: Clock,
    bot: Bot,
    i18n: I18n,
    locale: str,
    locale_known: bool,
) -> None:
    user = message.from_user
    try:
        view = await check_invite(
            session, token=command.args or "", telegram_id=user.id, now=clock.now()
        )
        if view.role == "driver":
            await joining.begin(message, state, view)
            return
        await join(
            session,
            token_hash=view.token_hash,
            telegram_id=user.id,
            name=user.full_name,
            username=user.username,
            language=locale if locale_known else None,
            now=clock.now(),
        )
    except DomainError as error:
        await message.answer(joining.refusal(error))
        return
    await state.clear()
    identity = await identify(session, telegram_id=user.id)
    place = f" ({escape(view.place_name)})" if view.place_name else ""
    await message.answer(
        "\n\n".join(
            [
                _("Welcome to {antenna}: you are now {role}.").format(
                    antenna=escape(view.antenna_name), role=role_label(view.role) + place
                ),
                first_step(view.role),
                greeting(identity, user.first_name),
            ]
        )
    )
    await set_personal_menu(
        bot, i18n, chat_id=message.chat.id, locale=locale, roles=identity.role_names
    )


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.filter(F.chat.type == "private")
    router.message.register(start_with_invite, CommandStart(deep_link=True))
    router.message.register(start, CommandStart())
    return router
