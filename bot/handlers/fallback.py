"""Last in line: whatever no other handler took gets a clear answer, never silence."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _


async def not_understood(message: Message) -> None:
    if message.text and message.text.startswith("/"):
        await message.answer(_("I do not know this command. Send /help to see what you can do."))
    else:
        await message.answer(_("I did not understand that. Send /help to see what you can do."))


async def stale_button(query: CallbackQuery) -> None:
    await query.answer(_("This button is no longer valid."), show_alert=True)


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.register(not_understood, F.chat.type == "private")
    router.callback_query.register(stale_button)
    return router
