"""/start: a greeting by role, or how to join for people the network does not know yet."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import CommandStart
from aiogram.types import Message
from aiogram.utils.i18n import I18n

from bot.commands import set_personal_menu
from bot.texts import greeting
from logistics.people import Identity


async def start(message: Message, identity: Identity, bot: Bot, i18n: I18n, locale: str) -> None:
    await message.answer(greeting(identity, message.from_user.first_name))
    if identity.is_member:
        await set_personal_menu(
            bot, i18n, chat_id=message.chat.id, locale=locale, roles=identity.role_names
        )


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.filter(F.chat.type == "private")
    router.message.register(start, CommandStart())
    return router
