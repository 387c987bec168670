"""In a group chat the bot answers commands meant for private chats with a pointer, in both
languages, and otherwise stays quiet: the group is for the run sheet and the announcements."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command, CommandStart
from aiogram.types import Message
from aiogram.utils.i18n import I18n

from bot.i18n import LOCALES


async def private_only(message: Message, i18n: I18n) -> None:
    await message.reply(
        "\n".join(
            i18n.gettext("Please write to me in a private chat for this.", locale=locale)
            for locale in LOCALES
        )
    )


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.filter(F.chat.type.in_({"group", "supergroup"}))
    router.message.register(private_only, CommandStart())
    router.message.register(private_only, Command("start", "help", "lang", "cancel"))
    return router
