"""A store manager's /mine: their store's announcements of today and the coming days, with
who comes and the buttons to change them (bot/announcements/store_changes.py) or, until collection,
to cancel them (after a confirmation)."""

from __future__ import annotations

from html import escape

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder
from sqlmodel.ext.asyncio.session import AsyncSession

from bot import cards, formatting
from bot.callbacks import StoreCancelCb, StoreItemsCb, StoreWindowCb
from bot.pickups import claiming as pickups
from bot.refusals import explain
from bot.telegram.edits import edit_text
from logistics.announcements.announce import announcing_stores
from logistics.announcements.store_announcements import (
    store_pickups,
)
from logistics.announcements.store_cancellation import cancel_pickup, check_cancellable
from logistics.clock import Clock
from logistics.errors import DomainError
from logistics.people.identity import Identity
from logistics.pickups.views import DonationView, donation_view, donation_views


def store_text(view: DonationView) -> str:
    locale = cards.locale()
    lines = [f"🛒 <b>{escape(view.store_name)}</b> · #{view.id}", cards.window_line(view)]
    lines += [cards.item_line(i) for i in view.item_lines[: cards.MAX_ITEMS_SHOWN]]
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
    router.callback_query.register(cancel_pressed, StoreCancelCb.filter())
    return router
