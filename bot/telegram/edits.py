"""Editing a message a button belongs to, only when something changes.

Telegram refuses an edit that leaves a message as it is ("message is not modified"), which a
button pressed twice, or an old button pressed again, would otherwise cause. A button tapped
twice quickly even brings two presses carrying the message as it was before either edit: so
the bot also remembers what it last put on each message (per bot, in this process), and the
edits of one message are made one at a time.
"""

from __future__ import annotations

import asyncio
import html
import re
import weakref
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from aiogram import Bot
from aiogram.types import InlineKeyboardMarkup, MaybeInaccessibleMessageUnion, Message

_TAG = re.compile(r"<[^>]*>")
KEPT = 5000  # messages whose last edit is remembered
LOCKS = 64  # edits of messages sharing a lock wait for each other, those of one always do

Key = tuple[int, int]  # chat id, message id


def visible(text: str) -> str:
    """What Telegram shows of an HTML text: without tags, entities decoded, trimmed."""
    return html.unescape(_TAG.sub("", text)).strip()


def _markup(markup: Any) -> Any:
    if markup is None or not getattr(markup, "inline_keyboard", None):
        return None
    return markup.model_dump(exclude_none=True)


@dataclass
class Shown:
    text: str | None  # as sent (HTML); None when only the buttons were edited
    markup: Any


class Edits:
    """What the bot last put on its messages, and a lock per message for editing them."""

    def __init__(self) -> None:
        self._shown: OrderedDict[Key, Shown] = OrderedDict()
        self._locks = [asyncio.Lock() for _ in range(LOCKS)]

    def lock(self, key: Key) -> asyncio.Lock:
        return self._locks[hash(key) % LOCKS]

    def get(self, key: Key) -> Shown | None:
        return self._shown.get(key)

    def remember(self, key: Key, text: str | None, markup: Any) -> None:
        known = self._shown.pop(key, None)
        if text is None and known is not None:
            text = known.text
        self._shown[key] = Shown(text, _markup(markup))
        while len(self._shown) > KEPT:
            self._shown.popitem(last=False)

    def shows(self, key: Key, text: str, markup: Any) -> bool:
        """Whether the message is known to show exactly this text and these buttons."""
        known = self._shown.get(key)
        return known is not None and known.text == text and known.markup == _markup(markup)


_EDITS: dict[int, Edits] = {}  # by bot object (two bots of one token compare equal)


def edits_of(bot: Bot) -> Edits:
    """The memory of the edits this bot object made, forgotten with it."""
    key = id(bot)
    if key not in _EDITS:
        _EDITS[key] = Edits()
        weakref.finalize(bot, _EDITS.pop, key, None)
    return _EDITS[key]


def _memory(message: Message) -> Edits:
    return edits_of(message.bot) if message.bot is not None else Edits()


async def edit_markup(
    message: MaybeInaccessibleMessageUnion | None, markup: InlineKeyboardMarkup | None
) -> bool:
    """Replace the buttons (None: remove them); False when there was nothing to change."""
    if not isinstance(message, Message):
        return False
    memory, key = _memory(message), (message.chat.id, message.message_id)
    async with memory.lock(key):
        known = memory.get(key)
        current = known.markup if known is not None else _markup(message.reply_markup)
        if current == _markup(markup):
            return False
        await message.edit_reply_markup(reply_markup=markup)
        memory.remember(key, None, markup)
    return True


async def edit_text(
    message: MaybeInaccessibleMessageUnion | None,
    text: str,
    markup: InlineKeyboardMarkup | None = None,
) -> bool:
    """Replace the text and the buttons; False when the message already shows them."""
    if not isinstance(message, Message):
        return False
    memory, key = _memory(message), (message.chat.id, message.message_id)
    async with memory.lock(key):
        known = memory.get(key)
        if known is not None:
            same_markup = known.markup == _markup(markup)
        else:
            same_markup = _markup(message.reply_markup) == _markup(markup)
        if known is not None and known.text is not None:
            same_text = known.text == text
        else:
            same_text = (message.text or "").strip() == visible(text)
        if same_markup and same_text:
            return False
        await message.edit_text(text, reply_markup=markup)
        memory.remember(key, text, markup)
    return True


def holds_button(message: MaybeInaccessibleMessageUnion | None, data: str | None) -> bool:
    """Whether the message shows a button with this callback data: a forged or stray press
    carries data the message it came with never showed, and that message is left alone."""
    if not isinstance(message, Message) or message.reply_markup is None or not data:
        return False
    return any(
        button.callback_data == data
        for row in message.reply_markup.inline_keyboard
        for button in row
    )
