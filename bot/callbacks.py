"""Every callback-data factory of the bot: short prefixes, typed fields, ids never names.

Telegram refuses callback data over 64 bytes; tests pack the longest value of each factory.
"""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData


class LanguageCb(CallbackData, prefix="lg"):
    """Choose the language of the bot (``fr`` or ``nl``)."""

    code: str
