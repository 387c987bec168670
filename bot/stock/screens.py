"""/stock: each hub the person handles, a page at a time, and the buttons under it: a lot and
what can be done about it, a loss (its reason, then all of the lot or the kg typed) or a
count (the kg typed). What was recorded is said, and the stock is shown again as it is now.
Only the hub's staff and the coordinators of its antenna; anyone else is told so. The typed
kilograms are read in ``bot.stock.weights``; the texts are built in ``bot.stock.text``."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.callbacks import StockCb, StockLossCb, StockLotCb
from bot.refusals import explain, stock_only, stock_short
from bot.stock.text import (
    amount_view,
    back_markup,
    count_question,
    loss_done,
    loss_question,
    lot_view,
    reasons_view,
    stock_view,
)
from bot.stock.weights import StockFlow, leave_step
from bot.telegram.edits import edit_text, holds_button
from logistics.clock import Clock
from logistics.errors import DomainError, NotAllowed
from logistics.people.identity import Identity
from logistics.stock.access import hubs_handled, may_see_stock
from logistics.stock.moves import record_loss
from logistics.stock.views import HubStock, hub_stock, hub_stocks, lot_stock
from storage.models import LOSS_REASONS

AMOUNTS = ("-", "all", "kg")
NOTICE = 200  # characters Telegram shows of a button's notice


async def stock(
    message: Message, identity: Identity | None, session: AsyncSession, clock: Clock
) -> None:
    """Every hub the person handles, one message each (a page at a time)."""
    if not may_see_stock(identity):
        await message.answer(stock_only())
        return
    hubs = await hubs_handled(session, identity)
    if not hubs:
        await message.answer(_("Your antenna has no hub yet: there is no stock to show."))
        return
    for found in await hub_stocks(session, hubs, now=clock.now()):
        text, markup = stock_view(found)
        await message.answer(text, reply_markup=markup)


async def show(query: CallbackQuery, text: str, markup: InlineKeyboardMarkup | None) -> None:
    """In place, on the message whose button was pressed; a press carrying a button that
    message never showed gets a message of its own."""
    if holds_button(query.message, query.data):
        await edit_text(query.message, text, markup)
    elif query.message is not None:
        await query.bot.send_message(query.from_user.id, text, reply_markup=markup)


async def refuse(query: CallbackQuery, error: DomainError) -> None:
    text = stock_only() if isinstance(error, NotAllowed) else explain(error)
    await query.answer(text, show_alert=True)


async def gone(query: CallbackQuery, found: HubStock, page: int) -> None:
    """Nothing of the lot is left (someone took the last of it): the stock as it is now."""
    await query.answer(stock_short(0), show_alert=True)
    await show(query, *stock_view(found, page))


async def page_pressed(
    query: CallbackQuery,
    callback_data: StockCb,
    state: FSMContext,
    identity: Identity | None,
    session: AsyncSession,
    clock: Clock,
) -> None:
    """A page of the stock, or back to it (leaving a typed step about one of its lots)."""
    try:
        found = await hub_stock(session, identity, callback_data.hub_id, now=clock.now())
    except DomainError as error:
        await refuse(query, error)
        return
    await leave_step(state)
    await query.answer()
    await show(query, *stock_view(found, callback_data.page))


async def lot_pressed(
    query: CallbackQuery,
    callback_data: StockLotCb,
    state: FSMContext,
    identity: Identity | None,
    session: AsyncSession,
    clock: Clock,
) -> None:
    page, action = callback_data.page, callback_data.action
    if action not in ("v", "l", "c"):
        await query.answer(_("This button is no longer valid."), show_alert=True)
        return
    try:
        found, line = await lot_stock(session, identity, callback_data.lot_id, now=clock.now())
    except DomainError as error:
        await refuse(query, error)
        return
    if line is None:
        await gone(query, found, page)
        return
    if action == "v":
        text, markup = lot_view(found, line, page)
    elif action == "l":
        text, markup = reasons_view(found, line, page)
    else:  # the count is checked against the figure this question shows
        await state.set_state(StockFlow.count_kg)
        await state.set_data({"lot_id": line.lot_id, "seen_kg": line.on_hand_kg, "page": page})
        text, markup = count_question(found, line), back_markup(found, page)
    await query.answer()
    await show(query, text, markup)


async def loss_pressed(
    query: CallbackQuery,
    callback_data: StockLossCb,
    state: FSMContext,
    identity: Identity | None,
    session: AsyncSession,
    clock: Clock,
) -> None:
    reason, amount, page = callback_data.reason, callback_data.amount, callback_data.page
    if reason not in LOSS_REASONS or amount not in AMOUNTS:
        await query.answer(_("This button is no longer valid."), show_alert=True)
        return
    now = clock.now()
    try:
        found, line = await lot_stock(session, identity, callback_data.lot_id, now=now)
        if line is None:
            await gone(query, found, page)
            return
        if amount == "all":
            result = await record_loss(
                session, lot_id=line.lot_id, reason=reason, identity=identity, now=now
            )
    except DomainError as error:
        await refuse(query, error)
        return
    if amount == "-":
        text, markup = amount_view(found, line, reason, page)
    elif amount == "kg":
        await state.set_state(StockFlow.loss_kg)
        await state.set_data({"lot_id": line.lot_id, "reason": reason, "page": page})
        text, markup = loss_question(found, line, reason), back_markup(found, page)
    else:
        done = loss_done(line, result, reason)
        await query.answer(done[:NOTICE])
        await show(
            query,
            *stock_view(await hub_stock(session, identity, found.hub_id, now=now), page, done),
        )
        return
    await query.answer()
    await show(query, text, markup)


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.register(stock, F.chat.type == "private", Command("stock"))
    router.callback_query.register(page_pressed, StockCb.filter())
    router.callback_query.register(lot_pressed, StockLotCb.filter())
    router.callback_query.register(loss_pressed, StockLossCb.filter())
    return router
