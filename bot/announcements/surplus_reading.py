"""A store's typed announcement, read and echoed back: the steps of an announcement, the
echo of what was understood, and the date question asked before it is announced.

Both ways of announcing (a typed message and the guided buttons) end here.
"""

from __future__ import annotations

from dataclasses import replace

from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import Message
from aiogram.utils.i18n import gettext as _
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.announcements.surplus_echo import draft_keyboard, example, item_name, render_draft
from bot.refusals import explain
from logistics.announcements.announce import Draft, draft_from_text
from logistics.announcements.announce_dates import refused_items, waiting_item
from logistics.clock import Clock
from logistics.errors import DomainError
from logistics.people.identity import Identity
from logistics.safety.food_dates import DateRules, PastDate, local_today
from storage.models import Antenna, Store


class SurplusFlow(StatesGroup):
    choosing_store = State()
    writing = State()
    confirming = State()
    dating = State()  # another date of an item is being typed (bot/announcements/surplus_dates.py)


async def written(
    message: Message,
    state: FSMContext,
    identity: Identity,
    session: AsyncSession,
    clock: Clock,
    date_rules: DateRules | None = None,
) -> None:
    if not message.text:
        await message.answer(_("Please write it as a text message.") + "\n" + example())
        return
    await echo(message, state, message.text, identity, session, clock, date_rules=date_rules)


async def echo(
    message: Message,
    state: FSMContext,
    text: str,
    identity: Identity,
    session: AsyncSession,
    clock: Clock,
    *,
    date_rules: DateRules | None = None,
) -> None:
    """Understand the text and show it back, with what was not understood; dates without a
    year are read with ``date_rules`` ([food_safety] of config.toml)."""
    data = await state.get_data()
    store_id = data.get("store_id")
    if store_id is None:  # the step was left meanwhile (/cancel, another flow)
        await state.clear()
        await message.answer(_("This announcement was already sent or cancelled.") + " /surplus")
        return
    try:
        draft = await draft_from_text(
            session,
            identity=identity,
            store_id=store_id,
            text=text,
            now=clock.now(),
            donation_id=data.get("donation_id"),  # a recurring day's quantities
            past_days=(date_rules or DateRules()).past_date_days,
        )
        draft = replace(draft, photo_file_id=data.get("photo_file_id"))
    except DomainError as error:
        await state.clear()
        await message.answer(explain(error))
        return
    store = await session.get(Store, store_id)
    antenna = await session.get(Antenna, store.antenna_id)
    await state.set_state(SurplusFlow.confirming)
    await state.update_data(draft=draft.to_data(), lines_asked=False)
    await message.answer(render_draft(draft, antenna.timezone), reply_markup=draft_keyboard(draft))


async def date_question(draft: Draft, session: AsyncSession, clock: Clock) -> str | None:
    """What to ask before announcing: the items refused for their date, or the use-by date
    of the first item that needs one (both answered with the echo's buttons)."""
    store = await session.get(Store, draft.store_id)
    antenna = await session.get(Antenna, store.antenna_id)
    today = local_today(clock.now(), antenna.timezone)
    refused = refused_items(draft, today)
    if refused:
        return explain(PastDate(refused))
    waiting = waiting_item(draft, today)
    if waiting is None:
        return None
    return _("📅 Which use-by date for {item}? Choose it with the buttons above.").format(
        item=item_name(draft.items[waiting])
    )
