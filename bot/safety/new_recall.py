"""Starting a recall, one step at a time: the store (a store manager's own, not asked), the
product (typed) or its category (a button), the days received (today, the last 3 or 7 days, or
typed), the lot (typed, or "no lot"); then who received matching food, to confirm or cancel.

Buttons are checked against the step the person is at; who may recall what is checked by the
rules at the preview and again at the confirmation.
"""

from __future__ import annotations

from datetime import date
from html import escape

from aiogram import F, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _
from sqlmodel.ext.asyncio.session import AsyncSession

from bot import cards, formatting
from bot.callbacks import RecallStepCb
from bot.safety.recall_steps import (
    DAY_CHOICES,
    RecallFlow,
    decided,
    lot_typed,
    no_lot,
    step_keyboard,
    take_button,
)
from bot.safety.recall_text import explain_not_allowed, recall_problem, recall_refusal
from logistics.announcements.announce import load_catalog
from logistics.clock import Clock
from logistics.errors import InvalidInput
from logistics.people.identity import Identity
from logistics.safety.recall_days import last_days, parse_days
from logistics.safety.recalls import may_recall, recall_stores
from storage.models import Antenna, Store


async def start_recall(
    message: Message, state: FSMContext, identity: Identity | None, session: AsyncSession
) -> None:
    """Ask the store, unless the person may recall for one store only."""
    stores = await recall_stores(session, identity)
    if not may_recall(identity) or not stores:
        await message.answer(recall_refusal())
        return
    await state.clear()
    if len(stores) == 1:
        await _store_chosen(message, state, session, stores[0])
        return
    await state.set_state(RecallFlow.store)
    buttons = [(s.name, RecallStepCb(step="store", value=s.id)) for s in stores]
    await message.answer(
        _("📣 New recall. Which store's food?"), reply_markup=step_keyboard(buttons, 1)
    )


async def _store_chosen(
    message: Message, state: FSMContext, session: AsyncSession, store: Store
) -> None:
    antenna = await session.get(Antenna, store.antenna_id)
    await state.set_state(RecallFlow.what)
    await state.set_data(
        {
            "store_id": store.id,
            "antenna_id": antenna.id,
            "tz": antenna.timezone,
            "store": store.name,
        }
    )
    catalog = await load_catalog(session)
    lc = cards.locale()
    buttons = [
        (e.name_nl if lc == "nl" else e.name_fr, RecallStepCb(step="cat", value=e.id))
        for e in catalog
    ]
    await message.answer(
        _(
            "📣 Recall of food from {store}. Type the product's name as it was announced "
            "(for example: yaourts nature), or tap its category."
        ).format(store=escape(store.name)),
        reply_markup=step_keyboard(buttons, 2),
    )


async def store_tapped(
    query: CallbackQuery,
    callback_data: RecallStepCb,
    state: FSMContext,
    identity: Identity | None,
    session: AsyncSession,
) -> None:
    stores = {s.id: s for s in await recall_stores(session, identity)}
    if callback_data.value not in stores:
        await query.answer(explain_not_allowed(), show_alert=True)
        return
    await take_button(query, state)
    await _store_chosen(query.message, state, session, stores[callback_data.value])


async def _ask_days(message: Message, state: FSMContext, **chosen) -> None:
    await state.update_data(**chosen)
    await state.set_state(RecallFlow.days)
    labels = (_("Today"), _("Last 3 days"), _("Last 7 days"))
    buttons = [
        (label, RecallStepCb(step="days", value=days))
        for label, days in zip(labels, DAY_CHOICES, strict=True)
    ]
    await message.answer(
        _("Received on which days? Tap, or type them, for example 1/3-5/3."),
        reply_markup=step_keyboard(buttons, 3),
    )


async def category_tapped(
    query: CallbackQuery, callback_data: RecallStepCb, state: FSMContext, session: AsyncSession
) -> None:
    if callback_data.value not in {e.id for e in await load_catalog(session)}:
        await query.answer(_("This no longer exists."), show_alert=True)
        return
    await take_button(query, state)
    await _ask_days(query.message, state, category_id=callback_data.value, product=None)


async def product_typed(message: Message, state: FSMContext) -> None:
    product = " ".join((message.text or "").split())
    if not 2 <= len(product) <= 200:
        await message.answer(recall_problem(InvalidInput("recall_product")))
        return
    await _ask_days(message, state, category_id=None, product=product)


def _today(data: dict, clock: Clock) -> date:
    return formatting.local(clock.now(), data["tz"]).date()


async def _ask_lot(message: Message, state: FSMContext, first: date, last: date) -> None:
    await state.update_data(first=first.isoformat(), last=last.isoformat())
    await state.set_state(RecallFlow.lot)
    await message.answer(
        _("Which lot? Type its number, or tap “No lot” to recall every lot."),
        reply_markup=step_keyboard([(_("No lot"), RecallStepCb(step="lot"))], 1),
    )


async def days_tapped(
    query: CallbackQuery, callback_data: RecallStepCb, state: FSMContext, clock: Clock
) -> None:
    if callback_data.value not in DAY_CHOICES:
        await query.answer(_("This button is no longer valid."), show_alert=True)
        return
    data = await take_button(query, state)
    first, last = last_days(callback_data.value, today=_today(data, clock))
    await _ask_lot(query.message, state, first, last)


async def days_typed(message: Message, state: FSMContext, clock: Clock) -> None:
    data = await state.get_data()
    try:
        first, last = parse_days(message.text or "", today=_today(data, clock))
    except InvalidInput as error:
        await message.answer(recall_problem(error))
        return
    await _ask_lot(message, state, first, last)


async def not_now(query: CallbackQuery, identity: Identity | None) -> None:
    """A button of this flow tapped outside its step: say why, change nothing."""
    if may_recall(identity):
        refusal = _("This question is no longer open. Send /recall to start again.")
    else:
        refusal = recall_refusal()
    await query.answer(refusal, show_alert=True)


async def use_buttons(message: Message) -> None:
    await message.answer(_("Please tap one of the buttons above, or /cancel to stop."))


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.filter(F.chat.type == "private")
    text = F.text & ~F.text.startswith("/")
    step = RecallStepCb.filter
    router.message.register(use_buttons, RecallFlow.store, text)
    router.message.register(product_typed, RecallFlow.what, text)
    router.message.register(days_typed, RecallFlow.days, text)
    router.message.register(lot_typed, RecallFlow.lot, text)
    router.message.register(use_buttons, RecallFlow.confirm, text)
    router.callback_query.register(store_tapped, step(F.step == "store"), RecallFlow.store)
    router.callback_query.register(category_tapped, step(F.step == "cat"), RecallFlow.what)
    router.callback_query.register(days_tapped, step(F.step == "days"), RecallFlow.days)
    router.callback_query.register(no_lot, step(F.step == "lot"), RecallFlow.lot)
    router.callback_query.register(decided, step(F.step.in_({"ok", "no"})), RecallFlow.confirm)
    router.callback_query.register(not_now, step())
    return router
