"""A store's answer to a recurring pickup's question, with one tap.

"🚫 Nothing today" cancels the day; "✍️ Give the quantities" opens the surplus flow for that
day, so that the confirmed message fills it in (its usual window unless another is written).
"""

from __future__ import annotations

from aiogram import Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.announcements.surplus_reading import SurplusFlow
from bot.callbacks import SlotCb
from bot.refusals import explain
from bot.telegram.edits import edit_text
from logistics.clock import Clock
from logistics.errors import DomainError
from logistics.people.identity import Identity
from logistics.pickups.recurring import nothing_today, slot_to_fill


async def answered(
    query: CallbackQuery,
    callback_data: SlotCb,
    state: FSMContext,
    identity: Identity,
    session: AsyncSession,
    clock: Clock,
) -> None:
    if callback_data.action == "none":
        await nothing(query, callback_data.donation_id, identity, session, clock)
    else:
        await quantities(query, callback_data.donation_id, state, identity, session)


async def nothing(
    query: CallbackQuery, donation_id: int, identity: Identity, session: AsyncSession, clock: Clock
) -> None:
    try:
        await nothing_today(session, donation_id=donation_id, identity=identity, now=clock.now())
    except DomainError as error:
        await query.answer(explain(error), show_alert=True)
        return
    await query.answer(_("Noted: nothing today. Thank you!"))
    if isinstance(query.message, Message):
        await edit_text(
            query.message,
            query.message.html_text + "\n\n" + _("🚫 Nothing today: the pickup is cancelled."),
        )


async def quantities(
    query: CallbackQuery,
    donation_id: int,
    state: FSMContext,
    identity: Identity,
    session: AsyncSession,
) -> None:
    try:
        store_id = await slot_to_fill(session, donation_id=donation_id, identity=identity)
    except DomainError as error:
        await query.answer(explain(error), show_alert=True)
        return
    await state.set_state(SurplusFlow.writing)
    await state.set_data({"store_id": store_id, "donation_id": donation_id})
    await query.answer()
    if isinstance(query.message, Message):
        await query.message.answer(
            _(
                "What do you have? Write the quantities, for example: "
                "<code>15 kg bread, 2 crates vegetables</code>. The pickup keeps its usual "
                "time unless you write another one."
            )
        )


def create_router() -> Router:
    router = Router(name=__name__)
    router.callback_query.register(answered, SlotCb.filter())
    return router
