"""Thin middlewares: a session per update, who is writing, and their language.

No business rules and no Telegram calls here.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import Chat, TelegramObject, User
from aiogram.utils.i18n import I18nMiddleware

from bot.i18n import pick_locale
from logistics.people.identity import Identity, identify
from logistics.people.reachability import mark_reachable


class SessionMiddleware(BaseMiddleware):
    """Opens one database session for the update; the use cases commit. Afterwards the
    outbox sender is woken, since the update may have queued messages."""

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        try:
            async with data["session_factory"]() as session:
                data["session"] = session
                return await handler(event, data)
        finally:
            if data.get("outbox") is not None:
                data["outbox"].wake()


class IdentityMiddleware(BaseMiddleware):
    """Puts the acting person (``identity``) in the handler data, or None for no user."""

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        user: User | None = data.get("event_from_user")
        identity: Identity | None = None
        data["first_contact"] = False  # the person's first message to the bot, ever
        if user is not None and not user.is_bot:
            chat: Chat | None = data.get("event_chat")
            if chat is not None and chat.type == "private":  # they have not blocked the bot
                data["first_contact"] = await mark_reachable(
                    data["session"], telegram_id=user.id, now=data["clock"].now()
                )
            identity = await identify(data["session"], telegram_id=user.id)
        data["identity"] = identity
        return await handler(event, data)


class LocaleMiddleware(I18nMiddleware):
    """Saved choice, else Telegram's language_code, else French with ``locale_known`` False."""

    async def get_locale(self, event: TelegramObject, data: dict[str, Any]) -> str:
        identity: Identity | None = data.get("identity")
        user: User | None = data.get("event_from_user")
        locale = pick_locale(
            identity.language if identity else None, user.language_code if user else None
        )
        data["locale_known"] = locale is not None
        data["locale"] = locale or self.i18n.default_locale
        return data["locale"]
