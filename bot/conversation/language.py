"""Language: asked first when unknown, changed any time with /lang, remembered per person."""

from __future__ import annotations

from typing import Any

from aiogram import Bot, F, Router
from aiogram.filters import Command, Filter
from aiogram.types import CallbackQuery, Message, TelegramObject
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.callbacks import LanguageCb
from bot.commands import set_personal_menu
from bot.i18n import LOCALES
from bot.keyboards import language_keyboard
from bot.telegram.edits import edit_text, holds_button
from bot.texts import greeting, language_prompt
from logistics.clock import Clock
from logistics.people.identity import identify, set_language


class LocaleUnknown(Filter):
    async def __call__(self, event: TelegramObject, locale_known: bool = True, **_: Any) -> bool:
        return not locale_known


async def ask_first(message: Message, i18n: I18n) -> None:
    """Nothing else happens until the person has chosen; their message is not lost for that."""
    await message.answer(language_prompt(i18n), reply_markup=language_keyboard())


async def ask(message: Message, i18n: I18n) -> None:
    await message.answer(language_prompt(i18n), reply_markup=language_keyboard())


async def choose(
    query: CallbackQuery,
    callback_data: LanguageCb,
    session: AsyncSession,
    clock: Clock,
    i18n: I18n,
    bot: Bot,
    locale_known: bool,
) -> None:
    code = callback_data.code
    await set_language(session, telegram_id=query.from_user.id, language=code, now=clock.now())
    with i18n.use_locale(code):
        await query.answer(_("Language saved."))
        if query.message is None or query.message.chat.type != "private":
            return
        if holds_button(query.message, query.data):  # its own question, not another message
            await edit_text(query.message, _("I will speak to you in English from now on."))
        identity = await identify(session, telegram_id=query.from_user.id)
        if not locale_known:
            await bot.send_message(
                query.message.chat.id, greeting(identity, query.from_user.first_name)
            )
        await set_personal_menu(
            bot, i18n, chat_id=query.message.chat.id, locale=code, roles=identity.role_names
        )


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.register(ask_first, F.chat.type == "private", LocaleUnknown())
    router.message.register(ask, F.chat.type == "private", Command("lang"))
    router.callback_query.register(choose, LanguageCb.filter(F.code.in_(LOCALES)))
    return router
