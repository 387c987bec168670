"""Announcing surplus: one message, echoed back for confirmation (confirm / correct / cancel).

``/surplus 20 kg pain, 3 caisses yaourts 18h-19h30`` → what was understood, what was not,
and three buttons. Nothing is stored before the store manager confirms.
"""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command, CommandObject
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.announcements.guided_items import ask_category
from bot.announcements.surplus_echo import example, quoted
from bot.announcements.surplus_reading import SurplusFlow, date_question, echo, written
from bot.callbacks import AnnounceCb, StoreCb
from bot.refusals import explain
from bot.telegram.edits import edit_markup, edit_text
from logistics.announcements.announce import Draft, announce, announcing_stores
from logistics.announcements.announce_lines import open_lines
from logistics.clock import Clock
from logistics.errors import DomainError
from logistics.people.identity import Identity
from logistics.safety.food_dates import DateRules, PastDate


async def start(
    message: Message,
    command: CommandObject,
    state: FSMContext,
    identity: Identity,
    session: AsyncSession,
    clock: Clock,
    date_rules: DateRules | None = None,
) -> None:
    text = (command.args or "").strip()
    await begin(message, text, state, identity, session, clock, date_rules=date_rules)


async def begin(
    message: Message,
    text: str,
    state: FSMContext,
    identity: Identity,
    session: AsyncSession,
    clock: Clock,
    *,
    photo_file_id: str | None = None,
    date_rules: DateRules | None = None,
) -> None:
    """An announcement of ``text`` (empty: the guided one), by /surplus, plain words or a
    photo's caption (the photo then goes with the pickup)."""
    stores = announcing_stores(identity)
    if not stores:
        await message.answer(
            _("Only the managers of a store can announce surplus here. Ask your coordinator.")
        )
        return
    await state.set_data({"text": text, "photo_file_id": photo_file_id})
    if len(stores) > 1:
        builder = InlineKeyboardBuilder()
        for store_id, name in stores:
            builder.button(text=name, callback_data=StoreCb(store_id=store_id))
        builder.adjust(1)
        await state.set_state(SurplusFlow.choosing_store)
        await message.answer(_("For which store?"), reply_markup=builder.as_markup())
        return
    await state.update_data(store_id=stores[0][0])
    if text:
        await echo(message, state, text, identity, session, clock, date_rules=date_rules)
    else:
        await ask_items(message, state, session)


async def ask_items(message: Message, state: FSMContext, session: AsyncSession) -> None:
    """Nothing written after /surplus: the guided announcement, which also takes a typed one."""
    await ask_category(message, state, session)


async def store_chosen(
    query: CallbackQuery,
    callback_data: StoreCb,
    state: FSMContext,
    identity: Identity,
    session: AsyncSession,
    clock: Clock,
) -> None:
    if callback_data.store_id not in {store_id for store_id, _name in announcing_stores(identity)}:
        await query.answer(_("This is not one of your stores."), show_alert=True)
        return
    await query.answer()
    await state.update_data(store_id=callback_data.store_id)
    text = (await state.get_data()).get("text", "")
    if text:
        await echo(query.message, state, text, identity, session, clock)
    else:
        await ask_items(query.message, state, session)


async def confirming(query: CallbackQuery, state: FSMContext) -> dict | None:
    """The conversation's data while an echo waits for its answer; else says so, None."""
    data = await state.get_data()
    waiting = (SurplusFlow.confirming.state, SurplusFlow.dating.state)
    if await state.get_state() not in waiting or "draft" not in data:
        await query.answer(_("This announcement was already sent or cancelled."), show_alert=True)
        return None
    return data


async def decided(
    query: CallbackQuery,
    callback_data: AnnounceCb,
    state: FSMContext,
    identity: Identity,
    session: AsyncSession,
    clock: Clock,
    date_rules: DateRules | None = None,
) -> None:
    data = await confirming(query, state)
    if data is None:
        return
    if callback_data.action == "cancel":
        await state.clear()
        await query.answer()
        await edit_text(query.message, _("Cancelled. Nothing was announced."))
        return
    if callback_data.action == "edit":
        await state.set_state(SurplusFlow.writing)
        await query.answer()
        await edit_markup(query.message, None)
        await query.message.answer(_("Send the corrected message.") + "\n" + example())
        return
    draft = Draft.from_data(data["draft"])
    if question := await date_question(draft, session, clock):
        await query.answer()
        await query.message.answer(question)
        return
    left = [draft.not_understood[n] for n in open_lines(draft)]
    if left and not data.get("lines_asked"):  # asked once: confirming again leaves them out
        await state.update_data(lines_asked=True)
        await query.answer()
        await query.message.answer(
            _(
                "⚠️ Still not understood: {parts}. Choose their kind of food or drop them with "
                "the buttons above; or tap ✅ Confirm again to announce without them."
            ).format(parts=quoted(tuple(left)))
        )
        return
    try:
        await announce(
            session,
            identity=identity,
            draft=draft,
            now=clock.now(),
            ideal_days=(date_rules or DateRules()).use_by_ideal_days,
        )
    except PastDate as error:  # the day changed since the echo: said in full, not in an alert
        await query.answer()
        await query.message.answer(explain(error))
        return
    except DomainError as error:
        await query.answer(explain(error), show_alert=True)
        return
    await state.clear()
    await query.answer(_("Announced."))
    await edit_markup(query.message, None)
    done = _("✅ Announced. The drivers of the antenna are told.")
    if left or draft.dropped:
        done += "\n" + _("🗑 Left out: {parts}").format(parts=quoted((*draft.dropped, *left)))
    await query.message.answer(done)


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.filter(F.chat.type == "private")
    router.message.register(start, Command("surplus"))
    router.message.register(written, SurplusFlow.writing)
    router.message.register(written, SurplusFlow.confirming, ~F.text.startswith("/"))
    router.callback_query.register(store_chosen, StoreCb.filter(), SurplusFlow.choosing_store)
    decisions = ("ok", "edit", "cancel")  # the others belong to the guided announcement
    router.callback_query.register(decided, AnnounceCb.filter(F.action.in_(decisions)))
    return router
