"""The driver's answer to the missed-collection check: collected, no food, or did not go."""

from __future__ import annotations

from aiogram import Router
from aiogram.types import CallbackQuery
from aiogram.utils.i18n import gettext as _
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.callbacks import MissedCb
from bot.pickups.driver_panel import panel_keyboard, panel_text
from bot.refusals import explain
from bot.telegram.edits import edit_text
from logistics.clock import Clock
from logistics.errors import DomainError, NotFound
from logistics.people.identity import Identity
from logistics.pickups.collection import record_pickup
from logistics.pickups.said_collected import say_collected
from logistics.pickups.views import donation_view

ZERO_ANSWERS = {"none": "no_food", "no": "did_not_happen"}


async def answered(
    query: CallbackQuery,
    callback_data: MissedCb,
    identity: Identity,
    session: AsyncSession,
    clock: Clock,
) -> None:
    donation_id = callback_data.donation_id
    try:
        if callback_data.action in ZERO_ANSWERS:
            await record_pickup(
                session,
                donation_id=donation_id,
                identity=identity,
                now=clock.now(),
                total_kg=0,
                zero_reason=ZERO_ANSWERS[callback_data.action],
            )
            notice = _("Recorded. The coordinator is told.")
        else:  # collected: kept, so that the pickup is not flagged missed; the kg follow
            await say_collected(
                session, donation_id=donation_id, identity=identity, now=clock.now()
            )
            notice = _("Noted: the food was collected. Now record its kg with the buttons.")
        view = await donation_view(session, donation_id)
        if view is None:
            raise NotFound("donation")
    except DomainError as error:
        await query.answer(explain(error), show_alert=True)
        return
    await query.answer(notice)
    await edit_text(query.message, panel_text(view), panel_keyboard(view))


def create_router() -> Router:
    router = Router(name=__name__)
    router.callback_query.register(answered, MissedCb.filter())
    return router
