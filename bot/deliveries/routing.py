"""/pickups for coordinators: the antenna's pickups on the way, and where each one goes."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder
from sqlmodel.ext.asyncio.session import AsyncSession

from bot import cards
from bot.callbacks import RouteCb
from bot.pickups import slot_days
from bot.refusals import coordinators_only, explain
from bot.telegram.edits import edit_markup, edit_text
from logistics.clock import Clock
from logistics.deliveries.routing import check_router, places_of, replan, send_to
from logistics.errors import DomainError
from logistics.people.identity import Identity
from logistics.people.permissions import may_route_pickups
from logistics.pickups.driver_lists import antenna_pickups
from logistics.pickups.views import donation_view, donation_views
from logistics.safety.food_dates import DateRules

KINDS = {"a": "association", "h": "hub"}


async def pickups(
    message: Message, identity: Identity, session: AsyncSession, clock: Clock
) -> None:
    if not may_route_pickups(identity):
        await message.answer(coordinators_only())
        return
    ids = await antenna_pickups(session, identity=identity, now=clock.now())
    if not ids:
        await message.answer(_("No pickup on the way in your antenna."))
        return
    views = await donation_views(session, ids)
    for donation_id in ids[:10]:
        view = views[donation_id]
        if slot_days.is_waiting(view):  # no destination before the store's quantities
            await message.answer(slot_days.slot_day_text(view))
            continue
        builder = InlineKeyboardBuilder()
        builder.button(
            text=_("🔀 Change the destination"),
            callback_data=RouteCb(donation_id=donation_id, kind="m"),
        )
        await message.answer(cards.card_text(view), reply_markup=builder.as_markup())


async def route(
    query: CallbackQuery,
    callback_data: RouteCb,
    identity: Identity,
    session: AsyncSession,
    clock: Clock,
    date_rules: DateRules | None = None,
) -> None:
    donation_id, kind = callback_data.donation_id, callback_data.kind
    try:
        antenna_id = await check_router(session, identity=identity, donation_id=donation_id)
        if kind == "m":
            await query.answer()
            await edit_markup(
                query.message, await places_keyboard(session, donation_id, antenna_id)
            )
            return
        if kind == "r":
            await replan(
                session,
                donation_id=donation_id,
                identity=identity,
                now=clock.now(),
                ideal_days=(date_rules or DateRules()).use_by_ideal_days,
            )
        else:
            await send_to(
                session,
                donation_id=donation_id,
                identity=identity,
                kind=KINDS[kind],
                place_id=callback_data.place_id,
                now=clock.now(),
            )
    except DomainError as error:
        await query.answer(explain(error), show_alert=True)
        return
    await query.answer(_("Destination changed. The driver sees it on the pickup."))
    view = await donation_view(session, donation_id)
    await edit_text(query.message, cards.card_text(view))


async def places_keyboard(session: AsyncSession, donation_id: int, antenna_id: int):
    builder = InlineKeyboardBuilder()
    for place in await places_of(session, antenna_id=antenna_id):
        label = ("❄️ " if place.cold_storage else "") + place.name
        builder.button(
            text=label[:60],
            callback_data=RouteCb(donation_id=donation_id, kind=place.kind[0], place_id=place.id),
        )
    builder.button(
        text=_("↺ Back to the antenna's rule"),
        callback_data=RouteCb(donation_id=donation_id, kind="r"),
    )
    builder.adjust(1)
    return builder.as_markup()


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.register(pickups, F.chat.type == "private", Command("pickups"))
    router.callback_query.register(route, RouteCb.filter(F.kind.in_({"m", "r", "a", "h"})))
    return router
