"""The last steps of a recall: who received matching food, then "send" or "cancel"; and the
states and keyboards the whole /recall flow shares."""

from __future__ import annotations

from datetime import date

from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder
from sqlmodel.ext.asyncio.session import AsyncSession

from bot import cards
from bot.callbacks import RecallStepCb
from bot.safety.recall_text import preview_text, recall_problem, what_text
from bot.telegram.edits import edit_markup
from logistics.announcements.announce import load_catalog
from logistics.clock import Clock
from logistics.errors import DomainError, InvalidInput
from logistics.people.identity import Identity
from logistics.safety.recall_matches import RecallQuery
from logistics.safety.recalls import confirm_recall, preview_recall

DAY_CHOICES = (1, 3, 7)  # today, the last 3 days, the last 7 days


class RecallFlow(StatesGroup):
    store = State()
    what = State()  # data: store_id, antenna_id, tz, store
    days = State()  # + category_id or product
    lot = State()  # + first, last (ISO days)
    confirm = State()  # + lot


def step_keyboard(buttons: list[tuple[str, RecallStepCb]], width: int) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for text, data in buttons:
        builder.button(text=text, callback_data=data)
    builder.adjust(width)
    return builder.as_markup()


async def take_button(query: CallbackQuery, state: FSMContext) -> dict:
    await query.answer()
    await edit_markup(query.message, None)
    return await state.get_data()


def query_of(data: dict) -> RecallQuery:
    return RecallQuery(
        antenna_id=data["antenna_id"],
        store_id=data["store_id"],
        received_from=date.fromisoformat(data["first"]),
        received_to=date.fromisoformat(data["last"]),
        category_id=data.get("category_id"),
        product=data.get("product"),
        lot=data.get("lot"),
    )


async def _preview(
    message: Message,
    state: FSMContext,
    identity: Identity | None,
    session: AsyncSession,
    lot: str | None,
) -> None:
    await state.update_data(lot=lot)
    data = await state.get_data()
    try:
        places = await preview_recall(session, identity=identity, query=query_of(data))
    except DomainError as error:
        await message.answer(recall_problem(error))
        return
    catalog = {e.id: e for e in await load_catalog(session)}
    entry = catalog.get(data.get("category_id"))
    category = (entry.name_nl if cards.locale() == "nl" else entry.name_fr) if entry else None
    what = what_text(
        product=data.get("product"),
        category=category,
        store=data["store"],
        first=date.fromisoformat(data["first"]),
        last=date.fromisoformat(data["last"]),
        lot=lot,
    )
    if not places:
        await state.clear()
        nobody = _("No association or hub received matching food on those days: nothing to send.")
        await message.answer(what + "\n\n" + nobody)
        return
    await state.set_state(RecallFlow.confirm)
    buttons = [
        (_("📣 Send the recall"), RecallStepCb(step="ok")),
        (_("Cancel"), RecallStepCb(step="no")),
    ]
    await message.answer(
        preview_text(what, places, data["tz"]), reply_markup=step_keyboard(buttons, 2)
    )


async def lot_typed(
    message: Message, state: FSMContext, identity: Identity | None, session: AsyncSession
) -> None:
    lot = " ".join((message.text or "").split())
    if not lot or len(lot) > 64:
        await message.answer(recall_problem(InvalidInput("recall_lot")))
        return
    await _preview(message, state, identity, session, lot)


async def no_lot(
    query: CallbackQuery, state: FSMContext, identity: Identity | None, session: AsyncSession
) -> None:
    await take_button(query, state)
    await _preview(query.message, state, identity, session, None)


async def decided(
    query: CallbackQuery,
    callback_data: RecallStepCb,
    state: FSMContext,
    identity: Identity | None,
    session: AsyncSession,
    clock: Clock,
) -> None:
    data = await take_button(query, state)
    await state.clear()
    if callback_data.step == "no":
        await query.message.answer(_("Cancelled. Nothing was sent."))
        return
    try:
        done = await confirm_recall(
            session, identity=identity, query=query_of(data), now=clock.now()
        )
    except DomainError as error:
        await query.message.answer(recall_problem(error))
        return
    await query.message.answer(
        _(
            "📣 Recall #{id} sent to {count} places. Each must answer; /recall shows who did."
        ).format(id=done.recall_id, count=len(done.places))
    )
