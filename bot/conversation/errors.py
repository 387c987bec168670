"""The global error handler: log with the update id, apologise in the person's language."""

from __future__ import annotations

import logging

from aiogram import Bot, Router
from aiogram.exceptions import TelegramAPIError, TelegramBadRequest
from aiogram.types import ErrorEvent
from aiogram.utils.i18n import I18n
from sqlalchemy.ext.asyncio import async_sessionmaker

from bot.i18n import pick_locale
from logistics.people.identity import identify

log = logging.getLogger(__name__)


def _where(event: ErrorEvent) -> tuple[int | None, object | None]:
    update = event.update
    if update.message:
        return update.message.chat.id, update.message.from_user
    if update.callback_query:
        query = update.callback_query
        chat_id = query.message.chat.id if query.message else query.from_user.id
        return chat_id, query.from_user
    return None, None


def _harmless(exception: Exception) -> bool:
    """A button pressed twice asks to show again what is already shown: nothing to say."""
    return isinstance(exception, TelegramBadRequest) and "message is not modified" in str(exception)


async def apologise(
    event: ErrorEvent, bot: Bot, i18n: I18n, session_factory: async_sessionmaker
) -> bool:
    if _harmless(event.exception):
        log.info("update %s: the message already showed this", event.update.update_id)
        return True
    log.error(
        "update %s failed: %r", event.update.update_id, event.exception, exc_info=event.exception
    )
    chat_id, user = _where(event)
    if chat_id is None or user is None:
        return True
    try:
        async with session_factory() as session:
            identity = await identify(session, telegram_id=user.id)
        saved = identity.language
    except Exception:  # the database may be what failed
        saved = None
    locale = pick_locale(saved, user.language_code) or i18n.default_locale
    text = i18n.gettext(
        "Sorry, something went wrong on our side. Please try again in a moment; "
        "if it happens again, tell your coordinator.",
        locale=locale,
    )
    try:
        if event.update.callback_query:
            await event.update.callback_query.answer()
        await bot.send_message(chat_id, text)
    except TelegramAPIError as exc:
        log.warning("could not apologise for update %s: %s", event.update.update_id, exc)
    return True


def create_router() -> Router:
    router = Router(name=__name__)
    router.errors.register(apologise)
    return router
