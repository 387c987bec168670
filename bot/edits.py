"""Editing a message a button belongs to, only when something changes.

Telegram refuses an edit that leaves a message as it is ("message is not modified"), which a
button pressed twice, or an old button pressed again, would otherwise cause.
"""

from __future__ import annotations

import html
import re
from typing import Any

from aiogram.types import InlineKeyboardMarkup, MaybeInaccessibleMessageUnion, Message

_TAG = re.compile(r"<[^>]*>")


def visible(text: str) -> str:
    """What Telegram shows of an HTML text: without tags, entities decoded, trimmed."""
    return html.unescape(_TAG.sub("", text)).strip()


def _markup(markup: InlineKeyboardMarkup | None) -> Any:
    if markup is None or not markup.inline_keyboard:
        return None
    return markup.model_dump(exclude_none=True)


async def edit_markup(
    message: MaybeInaccessibleMessageUnion | None, markup: InlineKeyboardMarkup | None
) -> bool:
    """Replace the buttons (None: remove them); False when there was nothing to change."""
    if not isinstance(message, Message) or _markup(message.reply_markup) == _markup(markup):
        return False
    await message.edit_reply_markup(reply_markup=markup)
    return True


async def edit_text(
    message: MaybeInaccessibleMessageUnion | None,
    text: str,
    markup: InlineKeyboardMarkup | None = None,
) -> bool:
    """Replace the text and the buttons; False when the message already shows them."""
    if not isinstance(message, Message):
        return False
    same_markup = _markup(message.reply_markup) == _markup(markup)
    if same_markup and (message.text or "").strip() == visible(text):
        return False
    await message.edit_text(text, reply_markup=markup)
    return True
