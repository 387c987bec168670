"""Per-person throttling: a flood gets one polite warning, then silence for a while.

A person who sends more than ``FLOOD_UPDATES`` updates (messages, button presses) within
``FLOOD_WINDOW`` is warned once, in their language, and their updates are then ignored for
``SILENCE``; everybody else goes on as usual, since each person is counted on their own.
A button pressed during the silence is still answered (with no effect), so that the
button's spinner stops.

The counts are kept in memory, per process: with several bot processes each one counts the
updates it receives. Time comes from the injected clock (``clock`` in the dispatcher's data).
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any

from aiogram import BaseMiddleware, Bot
from aiogram.exceptions import TelegramAPIError
from aiogram.types import Chat, TelegramObject, Update, User

from bot.i18n import N_, pick_locale
from logistics.people.identity import identify

log = logging.getLogger(__name__)

FLOOD_UPDATES = 20  # more updates than this from one person...
FLOOD_WINDOW = timedelta(seconds=10)  # ...within this span is a flood
SILENCE = timedelta(seconds=30)  # how long a flooding person's updates are then ignored
SWEEP_EVERY = 1000  # forget people who went quiet, once in so many updates

# kept under 200 characters: it may be the answer of a button (Telegram's limit there)
WARNING = N_("Too many messages at once: I will ignore yours for a short while. Please wait.")


class ThrottleMiddleware(BaseMiddleware):
    """An outer update middleware; place it first, before any database work."""

    def __init__(
        self,
        *,
        limit: int = FLOOD_UPDATES,
        window: timedelta = FLOOD_WINDOW,
        silence: timedelta = SILENCE,
    ) -> None:
        self.limit = limit
        self.window = window
        self.silence = silence
        self._recent: dict[int, deque[datetime]] = {}
        self._silent_until: dict[int, datetime] = {}
        self._seen = 0

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        user: User | None = data.get("event_from_user")
        if user is None or user.is_bot or not isinstance(event, Update):
            return await handler(event, data)
        now = data["clock"].now()
        self._sweep(now)
        until = self._silent_until.get(user.id)
        if until is not None:
            if now < until:
                await _quiet(event, data["bot"])
                return None
            del self._silent_until[user.id]
            self._recent.pop(user.id, None)
        recent = self._recent.setdefault(user.id, deque())
        while recent and now - recent[0] >= self.window:
            recent.popleft()
        recent.append(now)
        if len(recent) <= self.limit:
            return await handler(event, data)
        log.warning("user %s is flooding: silenced for %s", user.id, self.silence)
        self._silent_until[user.id] = now + self.silence
        self._recent.pop(user.id, None)
        await _warn(event, user, data)
        return None

    def _sweep(self, now: datetime) -> None:
        self._seen += 1
        if self._seen % SWEEP_EVERY:
            return
        for user_id in [u for u, until in self._silent_until.items() if until <= now]:
            del self._silent_until[user_id]
        for user_id in [u for u, q in self._recent.items() if not q or now - q[-1] >= self.window]:
            del self._recent[user_id]


async def _quiet(update: Update, bot: Bot) -> None:
    """During the silence: a pressed button still gets its (empty) answer."""
    if update.callback_query is None:
        return
    try:
        await update.callback_query.as_(bot).answer()
    except TelegramAPIError as exc:
        log.info("could not answer a silenced button: %s", exc)


async def _warn(update: Update, user: User, data: dict[str, Any]) -> None:
    """The one warning, in the person's language: on the button, else in the chat."""
    i18n = data["i18n"]
    saved = None
    try:
        async with data["session_factory"]() as session:
            saved = (await identify(session, telegram_id=user.id)).language
    except Exception:  # the warning matters more than the saved language
        log.exception("language of user %s unknown", user.id)
    locale = pick_locale(saved, user.language_code) or i18n.default_locale
    text = i18n.gettext(WARNING, locale=locale)
    bot: Bot = data["bot"]
    chat: Chat | None = data.get("event_chat")
    try:
        if update.callback_query is not None:
            await update.callback_query.as_(bot).answer(text, show_alert=True)
        elif chat is not None:
            await bot.send_message(chat.id, text)
    except TelegramAPIError as exc:
        log.info("could not warn user %s: %s", user.id, exc)
