"""Announcing surplus: one message, echoed back for confirmation (confirm / correct / cancel).

``/surplus 20 kg pain, 3 caisses yaourts 18h-19h30`` → what was understood, what was not,
and three buttons. Nothing is stored before the store manager confirms.
"""

from __future__ import annotations

from html import escape

from aiogram import F, Router
from aiogram.filters import Command, CommandObject
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder
from sqlmodel.ext.asyncio.session import AsyncSession

from bot import cards, formatting
from bot.callbacks import AnnounceCb, LineCb, StoreCb
from bot.edits import edit_markup, edit_text
from bot.refusals import explain, parse_problem
from logistics.announce import Draft, announce, announcing_stores, draft_from_text
from logistics.announce_lines import line_check, open_lines
from logistics.clock import Clock
from logistics.errors import DomainError
from logistics.people import Identity
from storage.models import Antenna, Store

QUOTE_CHARS = 80  # of each part not understood, quoted back
QUOTED_PARTS = 10
LINE_LABEL_CHARS = 28  # of a line not understood, on its button


class SurplusFlow(StatesGroup):
    choosing_store = State()
    writing = State()
    confirming = State()


def example() -> str:
    return _("For example: <code>20 kg bread, 3 crates yoghurt, 12 kg vegetables 18h-19h30</code>")


async def start(
    message: Message,
    command: CommandObject,
    state: FSMContext,
    identity: Identity,
    session: AsyncSession,
    clock: Clock,
) -> None:
    stores = announcing_stores(identity)
    if not stores:
        await message.answer(
            _("Only the managers of a store can announce surplus here. Ask your coordinator.")
        )
        return
    text = (command.args or "").strip()
    await state.set_data({"text": text})
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
        await echo(message, state, text, identity, session, clock)
    else:
        await ask_items(message, state, session)


async def ask_items(message: Message, state: FSMContext, session: AsyncSession) -> None:
    """Nothing written after /surplus: the guided announcement, which also takes a typed one."""
    from bot.flows.guided_items import ask_category  # the guided flow builds on this module's echo

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


async def written(
    message: Message, state: FSMContext, identity: Identity, session: AsyncSession, clock: Clock
) -> None:
    if not message.text:
        await message.answer(_("Please write it as a text message.") + "\n" + example())
        return
    await echo(message, state, message.text, identity, session, clock)


async def echo(
    message: Message,
    state: FSMContext,
    text: str,
    identity: Identity,
    session: AsyncSession,
    clock: Clock,
) -> None:
    """Understand the text and show it back, with what was not understood."""
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
        )
    except DomainError as error:
        await state.clear()
        await message.answer(explain(error))
        return
    store = await session.get(Store, store_id)
    antenna = await session.get(Antenna, store.antenna_id)
    await state.set_state(SurplusFlow.confirming)
    await state.update_data(draft=draft.to_data(), lines_asked=False)
    await message.answer(render_draft(draft, antenna.timezone), reply_markup=draft_keyboard(draft))


def render_draft(draft: Draft, tz: str) -> str:
    locale = cards.locale()
    lines = [_("Here is what I understood:")]
    for item in draft.items:
        name = item.name_fr if locale == "fr" else item.name_nl
        amount = cards.quantity(item.quantity, item.unit)
        shown = f"<b>{escape(name)}: {amount}</b>"
        text = escape(_short(item.text))
        line = f"• {text} → {shown}" if item.text else f"• {shown}"  # guided: no text
        if item.unit != "kg":
            if item.estimated_kg is None:
                line += " " + _("(weight unknown)")
            else:
                line += " " + _("(≈ {kg})").format(kg=formatting.kg(item.estimated_kg, locale))
        if cold := cards.cold_label(item.cold_chain):
            line += " " + cold
        lines.append(line)
    if not draft.items:
        lines.append(_("• no item with a quantity"))
    if draft.window_start and draft.window_end:
        window = _("🕕 {day}, {start}–{end}").format(
            day=formatting.short_day(draft.window_start, locale, tz),
            start=formatting.hour(draft.window_start, locale, tz),
            end=formatting.hour(draft.window_end, locale, tz),
        )
        if draft.window_source == "default":
            window += " " + _("(your usual window)")
        lines.append(window)
    else:
        lines.append(_("🕕 no time window: please add one, e.g. 18h-19h30"))
    lines.append(_("Total ≈ {kg}").format(kg=formatting.kg(draft.estimated_kg, locale)))
    if draft.not_understood:
        lines.append(_("❓ Not understood: {parts}").format(parts=_quoted(draft.not_understood)))
    if draft.dropped:
        lines.append(_("🗑 Left out: {parts}").format(parts=_quoted(draft.dropped)))
    if open_lines(draft):
        lines.append(_("For each line below, choose its kind of food or drop it."))
    lines += [f"⚠️ {parse_problem(code)}" for code in dict.fromkeys(draft.problems)]
    if draft.ready:
        lines.append(_("Is this right?"))
    else:
        lines.append(_("Please send a corrected message.") + "\n" + example())
    return "\n".join(lines)


def _short(text: str) -> str:
    return text if len(text) <= QUOTE_CHARS else text[:QUOTE_CHARS] + "…"


def _quoted(parts: tuple[str, ...]) -> str:
    """The parts not understood, each cut short, so that the echo stays one message."""
    shown = [f"«{escape(_short(part))}»" for part in parts[:QUOTED_PARTS]]
    if len(parts) > QUOTED_PARTS:
        shown.append("…")
    return ", ".join(shown)


def draft_keyboard(draft: Draft, *, correct: str = "edit"):
    """Confirm, correct, cancel; ``correct`` is "back" for the guided announcement, whose
    correction goes back to its list of items (bot/flows/guided_correction.py)."""
    builder = InlineKeyboardBuilder()
    lines = open_lines(draft)
    for line in lines:
        text = draft.not_understood[line]
        check = line_check(text)
        label = text if len(text) <= LINE_LABEL_CHARS else text[:LINE_LABEL_CHARS] + "…"
        builder.button(text=f"❓ {label}", callback_data=LineCb(line=line, check=check, step=0))
        builder.button(text=_("🗑 Drop"), callback_data=LineCb(line=line, check=check, step=2))
    if draft.ready:
        builder.button(text=_("✅ Confirm"), callback_data=AnnounceCb(action="ok"))
    builder.button(text=_("✏️ Correct"), callback_data=AnnounceCb(action=correct))
    builder.button(text=_("✖️ Cancel"), callback_data=AnnounceCb(action="cancel"))
    builder.adjust(*[2] * len(lines), 1 if draft.ready else 2, 2)
    return builder.as_markup()


async def confirming(query: CallbackQuery, state: FSMContext) -> dict | None:
    """The conversation's data while an echo waits for its answer; else says so, None."""
    data = await state.get_data()
    if await state.get_state() != SurplusFlow.confirming.state or "draft" not in data:
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
    left = [draft.not_understood[n] for n in open_lines(draft)]
    if left and not data.get("lines_asked"):  # asked once: confirming again leaves them out
        await state.update_data(lines_asked=True)
        await query.answer()
        await query.message.answer(
            _(
                "⚠️ Still not understood: {parts}. Choose their kind of food or drop them with "
                "the buttons above; or tap ✅ Confirm again to announce without them."
            ).format(parts=_quoted(tuple(left)))
        )
        return
    try:
        await announce(session, identity=identity, draft=draft, now=clock.now())
    except DomainError as error:
        await query.answer(explain(error), show_alert=True)
        return
    await state.clear()
    await query.answer(_("Announced."))
    await edit_markup(query.message, None)
    done = _("✅ Announced. The drivers of the antenna are told.")
    if left or draft.dropped:
        done += "\n" + _("🗑 Left out: {parts}").format(parts=_quoted((*draft.dropped, *left)))
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
