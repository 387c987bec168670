"""The date buttons of an announcement's echo: the use-by date of an item that needs one, or
a date that is past (today, tomorrow, in 2 or 3 days, another date typed, or remove the line).

The echo is shown again with the item dated, and asks about the next one. Only inside the
store's own announcement: a button of someone else's echo finds no announcement waiting.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from aiogram import F, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.announcements.surplus import confirming
from bot.announcements.surplus_echo import (
    OTHER_DATE,
    REMOVE_ITEM,
    draft_keyboard,
    item_name,
    render_draft,
)
from bot.announcements.surplus_reading import SurplusFlow
from bot.callbacks import DateCb
from bot.refusals import explain
from bot.telegram.edits import edit_markup, edit_text
from logistics.announcements.announce import Draft
from logistics.announcements.announce_dates import item_check, remove_item, set_item_date
from logistics.announcements.parsing.dates import parse_date
from logistics.clock import Clock
from logistics.errors import DomainError
from logistics.safety.food_dates import DateRules, local_today
from storage.models import Antenna, Store


async def _today(session: AsyncSession, draft: Draft, clock: Clock) -> tuple[str, object]:
    store = await session.get(Store, draft.store_id)
    antenna = await session.get(Antenna, store.antenna_id)
    return antenna.timezone, local_today(clock.now(), antenna.timezone)


async def date_pressed(
    query: CallbackQuery,
    callback_data: DateCb,
    state: FSMContext,
    session: AsyncSession,
    clock: Clock,
) -> None:
    data = await confirming(query, state)
    if data is None:
        return
    draft = Draft.from_data(data["draft"])
    tz, today = await _today(session, draft, clock)
    n, check, days = callback_data.item, callback_data.check, callback_data.days
    if not 0 <= n < len(draft.items) or item_check(draft.items[n]) != check:
        await query.answer(_("This line was already settled."), show_alert=True)
        return
    if days == OTHER_DATE:
        await state.set_state(SurplusFlow.dating)
        await state.update_data(date_item=n, date_check=check)
        await query.answer()
        await edit_markup(query.message, None)
        await query.message.answer(ask_date(draft, n))
        return
    try:
        if days == REMOVE_ITEM:
            draft = remove_item(draft, index=n, check=check)
        elif 0 <= days <= 3:
            day = today + timedelta(days=days)
            draft = set_item_date(draft, index=n, check=check, day=day, today=today)
        else:
            raise DomainError(days)
    except DomainError as error:
        await query.answer(explain(error), show_alert=True)
        return
    draft = replace(draft, today=today)
    await state.set_state(SurplusFlow.confirming)
    await state.update_data(draft=draft.to_data())
    await query.answer()
    await edit_text(query.message, render_draft(draft, tz), draft_keyboard(draft))


def ask_date(draft: Draft, n: int) -> str:
    return _(
        "Write the date of {item}, for example <code>05/12</code> or <code>5 décembre</code>."
    ).format(item=item_name(draft.items[n]))


async def date_typed(
    message: Message,
    state: FSMContext,
    session: AsyncSession,
    clock: Clock,
    date_rules: DateRules | None = None,
) -> None:
    data = await state.get_data()
    if "draft" not in data or "date_item" not in data:
        await state.clear()
        await message.answer(_("This announcement was already sent or cancelled.") + " /surplus")
        return
    draft = Draft.from_data(data["draft"])
    tz, today = await _today(session, draft, clock)
    n, check = data["date_item"], data["date_check"]
    past_days = (date_rules or DateRules()).past_date_days
    day = parse_date(message.text or "", today, past_days=past_days)
    if day is None:
        await message.answer(_("I could not read this date.") + " " + ask_date(draft, n))
        return
    try:
        draft = set_item_date(draft, index=n, check=check, day=day, today=today)
    except DomainError as error:
        await message.answer(explain(error) + " " + ask_date(draft, n))
        return
    draft = replace(draft, today=today)
    await state.set_state(SurplusFlow.confirming)
    await state.update_data(draft=draft.to_data())
    await message.answer(render_draft(draft, tz), reply_markup=draft_keyboard(draft))


def create_router() -> Router:
    router = Router(name=__name__)
    router.callback_query.register(date_pressed, DateCb.filter())
    router.message.register(date_typed, SurplusFlow.dating, F.chat.type == "private")
    return router
