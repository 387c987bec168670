"""Kilograms typed about a lot of /stock: part of it lost, or what a count found. The step
waits for a number: anything else, or more than the lot holds, gets an answer and the same
question again; /cancel or the question's "Back" leaves it. Once recorded, what was recorded
is said above the stock as it is now; a lot moved by someone else meanwhile shows the stock
again, so that nobody counts against a figure that is no longer true."""

from __future__ import annotations

from datetime import datetime
from html import escape

from aiogram import F, Router
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import Message
from aiogram.utils.i18n import gettext as _
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.refusals import explain, invalid_input, stock_only, stock_short
from bot.stock.text import count_done, count_question, loss_done, loss_question, stock_view
from logistics.clock import Clock
from logistics.errors import DomainError, InvalidInput, NotAllowed
from logistics.people.identity import Identity
from logistics.pickups.driver_lists import parse_weight
from logistics.stock.moves import StockShort, correct_count, record_loss
from logistics.stock.views import HubStock, hub_stock, lot_stock


class StockFlow(StatesGroup):
    loss_kg = State()  # data: lot_id, reason, page
    count_kg = State()  # data: lot_id, seen_kg (the figure the question showed), page


async def leave_step(state: FSMContext) -> None:
    """Back to the stock: a question about one of its lots is no longer waiting."""
    if await state.get_state() in (StockFlow.loss_kg.state, StockFlow.count_kg.state):
        await state.clear()


async def typed(
    message: Message, state: FSMContext, identity: Identity, session: AsyncSession, clock: Clock
) -> None:
    current, data = await state.get_state(), await state.get_data()
    if "lot_id" not in data:  # the step was left meanwhile
        await state.clear()
        await message.answer(_("This step is over: send /stock again."))
        return
    losing, now = current == StockFlow.loss_kg.state, clock.now()
    try:
        found, line = await lot_stock(session, identity, data["lot_id"], now=now)
    except DomainError as error:
        await state.clear()
        await message.answer(refusal(error))
        return
    if line is None:  # someone took the last of it meanwhile
        await after(message, state, session, identity, found, data, stock_short(0), now)
        return
    ask = loss_question(found, line, data["reason"]) if losing else count_question(found, line)
    kg = parse_weight(message.text or "")
    if kg is None or (losing and kg <= 0):
        await message.answer(invalid_input("kg_invalid") + "\n\n" + ask)
        return
    try:
        if losing:
            result = await record_loss(
                session,
                lot_id=line.lot_id,
                reason=data["reason"],
                identity=identity,
                now=now,
                kg=kg,
            )
            done = loss_done(line, result, data["reason"])
        else:
            result = await correct_count(
                session,
                lot_id=line.lot_id,
                counted_kg=kg,
                seen_kg=data["seen_kg"],
                identity=identity,
                now=now,
            )
            done = count_done(line, result)
    except DomainError as error:
        more_than_held = isinstance(error, StockShort) and error.on_hand_kg > 0
        if more_than_held or (isinstance(error, InvalidInput) and str(error) == "kg_invalid"):
            await message.answer(explain(error) + "\n\n" + ask)  # the same question again
            return
        if isinstance(error, NotAllowed):
            await state.clear()
            await message.answer(refusal(error))
            return
        done = explain(error)  # moved meanwhile, or nothing to correct: the stock as it is
    await after(message, state, session, identity, found, data, done, now)


def refusal(error: DomainError) -> str:
    return stock_only() if isinstance(error, NotAllowed) else explain(error)


async def after(
    message: Message,
    state: FSMContext,
    session: AsyncSession,
    identity: Identity,
    found: HubStock,
    data: dict,
    said: str,
    now: datetime,
) -> None:
    """The step is over: what happened, above the stock of the lot's hub as it is now."""
    await state.clear()
    try:
        found = await hub_stock(session, identity, found.hub_id, now=now)
    except DomainError as error:  # no longer theirs to see
        await message.answer(escape(said) + "\n" + refusal(error))
        return
    text, markup = stock_view(found, data.get("page", 0), said)
    await message.answer(text, reply_markup=markup)


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.filter(F.chat.type == "private")
    router.message.register(typed, StockFlow.loss_kg, ~F.text.startswith("/"))
    router.message.register(typed, StockFlow.count_kg, ~F.text.startswith("/"))
    return router
