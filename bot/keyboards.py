"""Inline keyboards. Button labels are translated; routing uses callback data only."""

from __future__ import annotations

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.callbacks import LanguageCb

LANGUAGE_LABELS = {"fr": "Français", "nl": "Nederlands"}  # no flags: neither is Belgium's


def language_keyboard() -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for code, label in LANGUAGE_LABELS.items():
        builder.button(text=label, callback_data=LanguageCb(code=code))
    builder.adjust(2)
    return builder.as_markup()
