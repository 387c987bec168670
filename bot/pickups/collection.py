"""The driver's buttons: collected (as announced, real kg, nothing) and each delivery."""

from __future__ import annotations

from aiogram import Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.callbacks import DeliverCb, PickupCb, ZeroCb
from bot.notifications import zero_reason_label
from bot.pickups.driver_panel import panel_keyboard, panel_text
from bot.pickups.weights import WeightFlow, ask_kg, start_items
from bot.refusals import explain
from bot.telegram.edits import edit_text
from logistics.clock import Clock
from logistics.errors import AlreadyDone, DomainError, NotAllowed, NotFound, NotOpen
from logistics.people.identity import Identity
from logistics.pickups.collection import check_collectable, record_delivery, record_pickup
from logistics.pickups.donation_progress import PROGRESSING
from logistics.pickups.driver_lists import check_recorder
from logistics.pickups.views import donation_view
from storage.models import ZERO_REASONS, Delivery, Donation


async def _show(query: CallbackQuery, session: AsyncSession, donation_id: int) -> None:
    view = await donation_view(session, donation_id)
    await edit_text(query.message, panel_text(view), panel_keyboard(view))


async def picked_up(
    query: CallbackQuery,
    callback_data: PickupCb,
    state: FSMContext,
    identity: Identity,
    session: AsyncSession,
    clock: Clock,
) -> None:
    donation_id = callback_data.donation_id
    try:
        if callback_data.action == "as_announced":
            view = await donation_view(session, donation_id)
            if view is None:
                raise NotAllowed("unknown")
            await record_pickup(
                session,
                donation_id=donation_id,
                identity=identity,
                now=clock.now(),
                item_kg={i.id: i.estimated_kg for i in view.items},
                estimated=True,  # as announced: nobody weighed it
            )
            await query.answer(_("Recorded."))
            await _show(query, session, donation_id)
            return
        await check_recorder(session, identity=identity, donation_id=donation_id)
        donation = await session.get(Donation, donation_id)
        await check_collectable(session, donation=donation, identity=identity, now=clock.now())
    except DomainError as error:
        await query.answer(explain(error), show_alert=True)
        return
    await query.answer()
    if callback_data.action == "items":
        await start_items(query.message, state, session, donation_id)
    elif callback_data.action == "total":
        await state.set_state(WeightFlow.pickup_total)
        await state.set_data({"donation_id": donation_id})
        await query.message.answer(ask_kg())
    elif callback_data.action == "zero":
        builder = InlineKeyboardBuilder()
        for reason in ZERO_REASONS:
            builder.button(
                text=zero_reason_label(reason),
                callback_data=ZeroCb(donation_id=donation_id, reason=reason),
            )
        builder.adjust(1)
        await query.message.answer(
            _("Why was nothing collected?"), reply_markup=builder.as_markup()
        )


async def nothing(
    query: CallbackQuery,
    callback_data: ZeroCb,
    identity: Identity,
    session: AsyncSession,
    clock: Clock,
) -> None:
    try:
        await record_pickup(
            session,
            donation_id=callback_data.donation_id,
            identity=identity,
            now=clock.now(),
            total_kg=0,
            zero_reason=callback_data.reason,
        )
    except DomainError as error:
        await query.answer(explain(error), show_alert=True)
        return
    await query.answer(_("Recorded. The coordinator is told."))
    await _show(query, session, callback_data.donation_id)


async def delivered(
    query: CallbackQuery,
    callback_data: DeliverCb,
    state: FSMContext,
    identity: Identity,
    session: AsyncSession,
    clock: Clock,
) -> None:
    if callback_data.action == "kg":
        delivery = await session.get(Delivery, callback_data.delivery_id)
        try:
            if delivery is None:
                raise NotFound("delivery")
            await check_recorder(session, identity=identity, donation_id=delivery.donation_id)
            if delivery.delivered_at is not None:
                raise AlreadyDone()
            donation = await session.get(Donation, delivery.donation_id)
            if donation.status not in PROGRESSING:
                raise NotOpen(donation.status)
        except DomainError as error:
            await query.answer(explain(error), show_alert=True)
            return
        await query.answer()
        await state.set_state(WeightFlow.delivery_kg)
        await state.set_data({"delivery_id": callback_data.delivery_id})
        await query.message.answer(ask_kg())
        return
    try:
        result = await record_delivery(
            session, delivery_id=callback_data.delivery_id, identity=identity, now=clock.now()
        )
    except DomainError as error:
        await query.answer(explain(error), show_alert=True)
        return
    await query.answer(_("Delivery recorded. The association is asked to confirm."))
    await _show(query, session, result.donation_id)


def create_router() -> Router:
    router = Router(name=__name__)
    router.callback_query.register(picked_up, PickupCb.filter())
    router.callback_query.register(nothing, ZeroCb.filter())
    router.callback_query.register(delivered, DeliverCb.filter())
    return router
