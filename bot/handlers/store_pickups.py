"""A store manager's /mine: their store's announcements of today and the coming days, with
who comes; before a claim they change the quantities (typed again and echoed, as /surplus)
or the window, and until collection they cancel (after a confirmation)."""

from __future__ import annotations

from html import escape

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder
from sqlmodel.ext.asyncio.session import AsyncSession

from bot import cards, formatting
from bot.callbacks import AnnounceCb, StoreCancelCb, StoreItemsCb, StoreWindowCb
from bot.edits import edit_markup, edit_text
from bot.flows.surplus import SurplusFlow
from bot.handlers import pickups
from bot.refusals import explain
from logistics.announce import Draft, announcing_stores
from logistics.clock import Clock
from logistics.errors import DomainError, InvalidInput
from logistics.people import Identity
from logistics.store_announcements import (
    cancel_pickup,
    change_items,
    change_window,
    check_cancellable,
    check_changeable,
    store_pickups,
)
from logistics.views import DonationView, donation_view, donation_views


class StoreChange(StatesGroup):
    window = State()  # data: donation_id


def store_text(view: DonationView) -> str:
    locale = cards.locale()
    lines = [f"🛒 <b>{escape(view.store_name)}</b> · #{view.id}", cards.window_line(view)]
    lines += [cards.item_line(i) for i in view.items[: cards.MAX_ITEMS_SHOWN]]
    lines.append(_("Total ≈ {kg}").format(kg=formatting.kg(view.estimated_kg, locale)))
    if view.status == "announced":
        lines.append(_("🔓 Open: no driver has claimed it yet."))
    else:
        lines.append(cards.status_line(view))
    return "\n".join(lines)


def store_keyboard(view: DonationView):
    builder = InlineKeyboardBuilder()
    if view.status == "announced":
        builder.button(text=_("✏️ Quantities"), callback_data=StoreItemsCb(donation_id=view.id))
        builder.button(text=_("🕕 Window"), callback_data=StoreWindowCb(donation_id=view.id))
    if view.status in ("announced", "claimed"):
        builder.button(text=_("✖️ Cancel it"), callback_data=StoreCancelCb(donation_id=view.id))
    builder.adjust(2, 1)
    return builder.as_markup() if view.status in ("announced", "claimed") else None


async def show(message: Message, view: DonationView) -> None:
    await message.answer(store_text(view), reply_markup=store_keyboard(view))


async def mine(message: Message, identity: Identity, session: AsyncSession, clock: Clock) -> None:
    ids = await store_pickups(session, identity=identity, now=clock.now())
    if not ids:
        await message.answer(
            _("Nothing announced for your store today or in the coming days. /surplus announces.")
        )
    views = await donation_views(session, ids)
    for donation_id in ids:
        await show(message, views[donation_id])
    if identity.has_role("driver"):  # a store manager who also drives: their pickups too
        await pickups.mine(message, identity, session)


def is_store_manager(_event: object, identity: Identity) -> bool:
    return bool(announcing_stores(identity))


async def items_pressed(
    query: CallbackQuery,
    callback_data: StoreItemsCb,
    state: FSMContext,
    identity: Identity,
    session: AsyncSession,
) -> None:
    try:
        store_id = await check_changeable(
            session, identity=identity, donation_id=callback_data.donation_id
        )
    except DomainError as error:
        await query.answer(explain(error), show_alert=True)
        return
    await state.set_state(SurplusFlow.writing)  # the /surplus echo, for this pickup
    donation_id = callback_data.donation_id
    await state.set_data(
        {"store_id": store_id, "donation_id": donation_id, "changing": donation_id}
    )
    await query.answer()
    await query.message.answer(
        _(
            "Write all the quantities again, for example <code>15 kg bread, 2 crates "
            "vegetables</code>: they replace the current ones. The window stays unless you "
            "write another one."
        )
    )


async def changing(_event: object, state: FSMContext) -> bool:
    """The echo being answered is a change of an announced pickup."""
    return "changing" in await state.get_data()


async def items_decided(
    query: CallbackQuery,
    callback_data: AnnounceCb,
    state: FSMContext,
    identity: Identity,
    session: AsyncSession,
    clock: Clock,
) -> None:
    data = await state.get_data()
    if callback_data.action == "cancel":
        await state.clear()
        await query.answer()
        await edit_text(query.message, _("Nothing changed: the pickup stays as it was."))
        return
    try:
        draft = Draft.from_data(data["draft"])
        await change_items(session, identity=identity, draft=draft, now=clock.now())
    except DomainError as error:
        await query.answer(explain(error), show_alert=True)
        return
    await state.clear()
    await query.answer(_("Changed."))
    await edit_markup(query.message, None)
    await changed(query.message, session, data["changing"])


async def changed(message: Message, session: AsyncSession, donation_id: int) -> None:
    view = await donation_view(session, donation_id)
    await message.answer(_("✅ Changed. The card in the group shows it too."))
    await show(message, view)


async def window_pressed(
    query: CallbackQuery,
    callback_data: StoreWindowCb,
    state: FSMContext,
    identity: Identity,
    session: AsyncSession,
) -> None:
    try:
        await check_changeable(session, identity=identity, donation_id=callback_data.donation_id)
    except DomainError as error:
        await query.answer(explain(error), show_alert=True)
        return
    await state.set_state(StoreChange.window)
    await state.set_data({"donation_id": callback_data.donation_id})
    await query.answer()
    await query.message.answer(_ask_window())


def _ask_window() -> str:
    return _(
        "Write the new window, for example <code>19h-20h30</code>, or "
        "<code>demain 18h-19h</code> for tomorrow."
    )


async def window_written(
    message: Message, state: FSMContext, identity: Identity, session: AsyncSession, clock: Clock
) -> None:
    donation_id = (await state.get_data())["donation_id"]
    try:
        await change_window(
            session,
            identity=identity,
            donation_id=donation_id,
            text=message.text or "",
            now=clock.now(),
        )
    except InvalidInput as error:  # another try
        await message.answer(explain(error), parse_mode=None)
        await message.answer(_ask_window())
        return
    except DomainError as error:
        await state.clear()
        await message.answer(explain(error), parse_mode=None)
        return
    await state.clear()
    await changed(message, session, donation_id)


async def cancel_pressed(
    query: CallbackQuery,
    callback_data: StoreCancelCb,
    identity: Identity,
    session: AsyncSession,
    clock: Clock,
) -> None:
    donation_id = callback_data.donation_id
    if callback_data.step == 2:
        await query.answer(_("Kept."))
        await edit_text(query.message, _("Kept: nothing changed."))
        return
    try:
        if callback_data.step == 1:
            driver_id = await cancel_pickup(
                session, identity=identity, donation_id=donation_id, now=clock.now()
            )
        else:
            await check_cancellable(session, identity=identity, donation_id=donation_id)
    except DomainError as error:
        await query.answer(explain(error), show_alert=True)
        return
    await query.answer()
    view = await donation_view(session, donation_id)
    if callback_data.step == 0:
        await query.message.answer(
            _("Cancel this pickup? The driver who comes, if any, and the group are told.")
            + "\n\n"
            + store_text(view),
            reply_markup=_confirm_keyboard(donation_id),
        )
        return
    told = _("The driver and the group are told.") if driver_id else _("The group is told.")
    await edit_text(query.message, store_text(view) + "\n\n" + told)


def _confirm_keyboard(donation_id: int):
    builder = InlineKeyboardBuilder()
    builder.button(
        text=_("✖️ Yes, cancel it"), callback_data=StoreCancelCb(donation_id=donation_id, step=1)
    )
    builder.button(
        text=_("↩️ No, keep it"), callback_data=StoreCancelCb(donation_id=donation_id, step=2)
    )
    builder.adjust(1)
    return builder.as_markup()


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.register(mine, F.chat.type == "private", Command("mine"), is_store_manager)
    router.callback_query.register(items_pressed, StoreItemsCb.filter())
    router.callback_query.register(
        items_decided,
        AnnounceCb.filter(F.action.in_(("ok", "cancel"))),
        SurplusFlow.confirming,
        changing,
    )
    router.callback_query.register(window_pressed, StoreWindowCb.filter())
    router.message.register(
        window_written, F.chat.type == "private", StoreChange.window, ~F.text.startswith("/")
    )
    router.callback_query.register(cancel_pressed, StoreCancelCb.filter())
    return router
