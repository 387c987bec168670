"""The guided announcement's pickup window: after "That's all", the usual window or tonight's
(a button) or a time typed, then the same echo as a typed announcement, handed over to its
confirmation in :mod:`bot.announcements.surplus`.
"""

from __future__ import annotations

from datetime import time

from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.announcements.guided_items import GuidedFlow, _keyboard, _taken, ask_category
from bot.announcements.surplus_echo import draft_keyboard, render_draft
from bot.announcements.surplus_reading import SurplusFlow
from bot.callbacks import WindowCb
from bot.refusals import explain, invalid_input
from logistics.announcements import announce_items as rules
from logistics.clock import Clock
from logistics.errors import DomainError
from logistics.people.identity import Identity
from storage.models import Antenna, Store


def _ask_time() -> str:
    return _("Type the time, for example <code>18h-19h30</code> or <code>tomorrow 9h-10h</code>.")


async def items_done(
    query: CallbackQuery, state: FSMContext, session: AsyncSession, clock: Clock
) -> None:
    data = await _taken(query, state)
    if not data.get("items"):
        await ask_category(query.message, state, session)
        return
    choices = await rules.window_choices(session, store_id=data["store_id"], now=clock.now())
    labels = {"usual": _("Usual window {start}–{end}"), "evening": _("Tonight {start}–{end}")}
    buttons = [
        (labels[c].format(start=f"{s:%H:%M}", end=f"{e:%H:%M}"), WindowCb(choice=c))
        for c, (s, e) in choices.items()
    ]
    keyboard = _keyboard([*buttons, (_("🕒 Other time"), WindowCb(choice="other"))], 1)
    await state.set_state(GuidedFlow.window)
    text = _("When can it be collected?") + "\n" + _("Tap a time, or type it.")
    await query.message.answer(text, reply_markup=keyboard)


async def window_chosen(
    query: CallbackQuery,
    callback_data: WindowCb,
    state: FSMContext,
    identity: Identity,
    session: AsyncSession,
    clock: Clock,
) -> None:
    data = await _taken(query, state)
    choices = await rules.window_choices(session, store_id=data["store_id"], now=clock.now())
    if callback_data.choice in choices:
        await _echo(query.message, state, identity, session, clock, choices[callback_data.choice])
        return
    over = callback_data.choice != "other"  # a window that ended since it was offered
    await query.message.answer(
        invalid_input("window_past") + "\n" + _ask_time() if over else _ask_time()
    )


async def window_typed(
    message: Message, state: FSMContext, identity: Identity, session: AsyncSession, clock: Clock
) -> None:
    window = rules.window_from_text(message.text or "")
    if window is None:
        await message.answer(_("I did not understand this time.") + "\n" + _ask_time())
        return
    times = (window.start, window.end)
    await _echo(message, state, identity, session, clock, times, window.day_offset)


async def _echo(
    message: Message,
    state: FSMContext,
    identity: Identity,
    session: AsyncSession,
    clock: Clock,
    window: tuple[time, time],
    day_offset: int = 0,
) -> None:
    """The same echo as a typed announcement, handed over to its confirmation."""
    data = await state.get_data()
    try:
        draft = await rules.draft_from_choices(
            session,
            identity=identity,
            store_id=data["store_id"],
            items=[tuple(item) for item in data["items"]],
            window=window,
            now=clock.now(),
            day_offset=day_offset,
        )
    except DomainError as error:
        await state.clear()
        await message.answer(explain(error))
        return
    if not draft.ready:  # the window is over
        await message.answer(invalid_input("window_past") + "\n" + _ask_time())
        return
    store = await session.get(Store, draft.store_id)
    antenna = await session.get(Antenna, store.antenna_id)
    await state.set_state(SurplusFlow.confirming)
    # the items stay, so that "Correct" goes back to them (bot/announcements/guided_correction.py)
    await state.set_data(
        {"store_id": draft.store_id, "draft": draft.to_data(), "items": data["items"]}
    )
    keyboard = draft_keyboard(draft, correct="back")
    await message.answer(render_draft(draft, antenna.timezone), reply_markup=keyboard)
