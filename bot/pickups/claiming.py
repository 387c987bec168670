"""Claiming pickups (from the group, offers, /runs) and the driver's lists."""

from __future__ import annotations

import logging

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramBadRequest, TelegramForbiddenError
from aiogram.filters import Command
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder
from sqlmodel.ext.asyncio.session import AsyncSession

from bot import cards, formatting
from bot.callbacks import ClaimCb
from bot.pickups.driver_panel import panel_keyboard, panel_text
from bot.refusals import drivers_only, explain
from bot.telegram.edits import edit_text
from logistics.clock import Clock
from logistics.errors import DomainError, NotAllowed
from logistics.people.identity import Identity
from logistics.people.permissions import may_take_pickups
from logistics.pickups.claimable import claim_choices
from logistics.pickups.claims import claim_pickup
from logistics.pickups.driver_lists import my_pickups, open_pickups
from logistics.pickups.views import donation_view, donation_views

log = logging.getLogger(__name__)
MESSAGE_BUDGET = 3800  # characters of one message, below Telegram's 4096


async def claim(
    query: CallbackQuery,
    callback_data: ClaimCb,
    identity: Identity,
    session: AsyncSession,
    clock: Clock,
    bot: Bot,
) -> None:
    try:
        await claim_pickup(
            session, donation_id=callback_data.donation_id, identity=identity, now=clock.now()
        )
    except DomainError as error:
        await query.answer(explain(error), show_alert=True)
        return
    view = await donation_view(session, callback_data.donation_id)
    private = query.message is not None and query.message.chat.type == "private"
    if private:
        await query.answer(_("It is yours. Thank you!"))
        await edit_text(query.message, panel_text(view), panel_keyboard(view))
        return
    try:
        await bot.send_message(
            query.from_user.id, panel_text(view), reply_markup=panel_keyboard(view)
        )
    except (TelegramForbiddenError, TelegramBadRequest):
        log.info("driver %s has no private chat with the bot yet", query.from_user.id)
        await query.answer(
            _("It is yours. Open a private chat with me to record the weights (/mine)."),
            show_alert=True,
        )
        return
    await query.answer(_("It is yours. Thank you!"))


async def runs(message: Message, identity: Identity, session: AsyncSession, clock: Clock) -> None:
    if not may_take_pickups(identity):
        await message.answer(drivers_only())
        return
    ids = await open_pickups(session, identity=identity, now=clock.now())
    if not ids:
        await message.answer(_("No open pickup right now. You will get a message when one comes."))
        return
    views = await donation_views(session, ids)
    choices = await claim_choices(session, identity=identity, ids=ids, now=clock.now())
    locale = cards.locale()
    text = _("Open pickups:")
    builder = InlineKeyboardBuilder()
    for donation_id in ids:
        view = views[donation_id]
        card = "\n\n" + cards.card_text(view)
        refusal = choices.get(donation_id)
        if refusal is not None:
            card += "\n" + _("🚫 Not for you: {reason}").format(reason=why_not(refusal))
        if len(text) + len(card) > MESSAGE_BUDGET:
            break  # the rest stays reachable from the group and the offers
        text += card
        if refusal is not None:
            continue
        when = formatting.hour(view.window_start, locale, view.tz)
        builder.button(
            text=f"✋ {view.store_name[:40]} {when}", callback_data=ClaimCb(donation_id=view.id)
        )
    builder.adjust(1)
    await message.answer(text, reply_markup=builder.as_markup())


def why_not(refusal: DomainError) -> str:
    """Why a listed pickup has no claim button, in the person's language."""
    if isinstance(refusal, NotAllowed):
        return _("you are not a driver of this antenna.")
    return explain(refusal)


async def mine(message: Message, identity: Identity, session: AsyncSession) -> None:
    if not may_take_pickups(identity):
        await message.answer(drivers_only())
        return
    ids = await my_pickups(session, identity=identity)
    if not ids:
        await message.answer(_("You have no pickup at the moment. See /runs for open ones."))
        return
    views = await donation_views(session, ids)
    for donation_id in ids:
        view = views[donation_id]
        await message.answer(panel_text(view), reply_markup=panel_keyboard(view))


def create_router() -> Router:
    router = Router(name=__name__)
    router.callback_query.register(claim, ClaimCb.filter())
    router.message.register(runs, F.chat.type == "private", Command("runs"))
    router.message.register(mine, F.chat.type == "private", Command("mine"))
    return router
