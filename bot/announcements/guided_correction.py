"""The guided announcement corrected: "Correct" on its echo goes back to the items entered.

The list shows each item with a 🗑 button (remove it), then the kinds of food (add one, e.g.
the removed one with another quantity) and "That's all", which leads to the pickup window and
a new echo, as in :mod:`bot.announcements.guided`. The answer and the draft are in the person's own
conversation state: a button pressed by someone else, or after the announcement was sent or
cancelled, changes nothing and is answered.
"""

from __future__ import annotations

from html import escape

from aiogram import F, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _
from sqlmodel.ext.asyncio.session import AsyncSession

from bot import cards
from bot.announcements.guided_items import GuidedFlow, _keyboard, _name, _taken, ask_category
from bot.announcements.surplus_reading import SurplusFlow
from bot.callbacks import AnnounceCb, CategoryCb, ItemsDoneCb
from logistics.announcements.announce import load_catalog


async def correct(query: CallbackQuery, state: FSMContext, session: AsyncSession) -> None:
    """The echo's "Correct": back to the list of items, as entered."""
    data = await state.get_data()
    if await state.get_state() != SurplusFlow.confirming.state or not data.get("items"):
        await gone(query)
        return
    await _taken(query, state)
    await state.set_data({"store_id": data["store_id"], "items": data["items"]})
    await _correction(query.message, state, session, data["items"])


async def drop(
    query: CallbackQuery, callback_data: AnnounceCb, state: FSMContext, session: AsyncSession
) -> None:
    """🗑 on the list being corrected: that item leaves the announcement."""
    data = await _taken(query, state)
    items = list(data.get("items", []))
    suffix = callback_data.action.removeprefix("drop")
    index = int(suffix) if suffix.isdigit() else -1
    if 0 <= index < len(items):
        del items[index]
    await state.set_data({"store_id": data["store_id"], "items": items})
    if items:
        await _correction(query.message, state, session, items)
    else:
        await ask_category(query.message, state, session)


async def _correction(
    message: Message, state: FSMContext, session: AsyncSession, items: list
) -> None:
    """The items with a 🗑 button each, then the kinds of food and "That's all"."""
    await state.set_state(GuidedFlow.category)
    catalog = await load_catalog(session)
    names = {e.id: _name(e) for e in catalog}
    shown = [f"{names[c]}: {cards.quantity(q, unit)}" for c, q, unit in items]
    lines = [_("So far:"), *(f"• {escape(line)}" for line in shown)]
    lines.append(_("Tap 🗑 to remove an item, a kind of food to add one, or ✅ That's all."))
    drops = [
        (_("🗑 {item}").format(item=line)[:64], AnnounceCb(action=f"drop{n}"))
        for n, line in enumerate(shown)
    ]
    more = [(_name(e), CategoryCb(category_id=e.id)) for e in catalog]
    keyboard = _keyboard(
        [*drops, *more, (_("✅ That's all"), ItemsDoneCb())],
        *[1] * len(drops),
        *[2] * (len(catalog) // 2),
        1,
    )
    await message.answer("\n".join(lines), reply_markup=keyboard)


async def gone(query: CallbackQuery) -> None:
    """An echo or list button after its announcement was sent, cancelled or left."""
    await query.answer(_("This announcement was already sent or cancelled."), show_alert=True)


def create_router() -> Router:
    router = Router(name=__name__)
    router.callback_query.register(correct, AnnounceCb.filter(F.action == "back"))
    dropping = AnnounceCb.filter(F.action.startswith("drop"))
    router.callback_query.register(drop, dropping, GuidedFlow.category)
    router.callback_query.register(gone, AnnounceCb.filter())
    return router
