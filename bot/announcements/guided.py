"""The guided announcement, for people who do not type: one tap at a time.

``/surplus`` alone → a kind of food → its unit → the quantity (tapped or typed) → more food or
"That's all" → the pickup window → the same echo as a typed message, confirmed or cancelled
by :mod:`bot.announcements.surplus`; "Correct" comes back to the items entered
(guided_correction.py).
A message typed at the first step is read as a whole announcement instead. Buttons are
checked against the person and the step, never trusted. This module routes each message and
button to its step: the items are in guided_items.py, the pickup window in guided_window.py.
"""

from __future__ import annotations

from aiogram import F, Router
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _

from bot.announcements.guided_items import (
    GuidedFlow,
    category_chosen,
    quantity_tapped,
    quantity_typed,
    typed_first,
    unit_chosen,
)
from bot.announcements.guided_window import items_done, window_chosen, window_typed
from bot.callbacks import CategoryCb, ItemsDoneCb, QuantityCb, UnitCb, WindowCb
from logistics.announcements.announce import announcing_stores
from logistics.people.identity import Identity


async def not_now(query: CallbackQuery, identity: Identity | None) -> None:
    """A button of this flow tapped by someone else, or after its step: say why, change nothing."""
    if announcing_stores(identity):
        refusal = _("This question is no longer open. Send /surplus to start again.")
    else:
        refusal = _("Only the managers of a store can announce surplus here. Ask your coordinator.")
    await query.answer(refusal, show_alert=True)


async def use_buttons(message: Message) -> None:
    await message.answer(_("Please tap one of the buttons above, or /cancel to stop."))


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.filter(F.chat.type == "private")
    not_command = ~F.text.startswith("/")
    router.message.register(typed_first, GuidedFlow.category, not_command)
    router.message.register(use_buttons, GuidedFlow.unit, not_command)
    router.message.register(quantity_typed, GuidedFlow.quantity, not_command)
    router.message.register(window_typed, GuidedFlow.window, not_command)
    router.callback_query.register(category_chosen, CategoryCb.filter(), GuidedFlow.category)
    router.callback_query.register(unit_chosen, UnitCb.filter(), GuidedFlow.unit)
    router.callback_query.register(quantity_tapped, QuantityCb.filter(), GuidedFlow.quantity)
    router.callback_query.register(items_done, ItemsDoneCb.filter(), GuidedFlow.category)
    router.callback_query.register(window_chosen, WindowCb.filter(), GuidedFlow.window)
    for factory in (CategoryCb, UnitCb, QuantityCb, ItemsDoneCb, WindowCb):
        router.callback_query.register(not_now, factory.filter())
    return router
