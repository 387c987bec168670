"""Weights typed by a driver or an association: the real kg of a pickup, a delivery or a
receipt. The step waits for a number; anything else gets an example, and /cancel leaves."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import Message
from aiogram.utils.i18n import gettext as _
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.driver_panel import panel_keyboard, panel_text
from bot.refusals import explain, invalid_input
from logistics.clock import Clock
from logistics.collection import record_delivery, record_pickup
from logistics.errors import DomainError, InvalidInput
from logistics.people import Identity
from logistics.pickups import parse_weight
from logistics.receipts import report_difference
from logistics.views import donation_view


class WeightFlow(StatesGroup):
    pickup_total = State()  # data: donation_id
    delivery_kg = State()  # data: delivery_id
    received_kg = State()  # data: delivery_id


def ask_kg() -> str:
    return _("How many kilograms? Send a number, for example <code>18,5</code>. /cancel to stop.")


async def typed(
    message: Message, state: FSMContext, identity: Identity, session: AsyncSession, clock: Clock
) -> None:
    kg = parse_weight(message.text or "")
    if kg is None:
        await message.answer(invalid_input("kg_invalid") + "\n" + ask_kg())
        return
    current, data = await state.get_state(), await state.get_data()
    now = clock.now()
    try:
        if current == WeightFlow.pickup_total.state:
            result = await record_pickup(
                session, donation_id=data["donation_id"], identity=identity, now=now, total_kg=kg
            )
            donation_id = result.donation_id
        elif current == WeightFlow.delivery_kg.state:
            result = await record_delivery(
                session, delivery_id=data["delivery_id"], identity=identity, now=now, kg=kg
            )
            donation_id = result.donation_id
        else:
            await report_difference(
                session, delivery_id=data["delivery_id"], identity=identity, now=now, received_kg=kg
            )
            await state.clear()
            await message.answer(_("Thank you. The coordinator is told about the difference."))
            return
    except DomainError as error:
        if isinstance(error, InvalidInput) and str(error) == "kg_invalid":
            await message.answer(explain(error) + "\n" + ask_kg())
            return
        await state.clear()
        await message.answer(explain(error))
        return
    await state.clear()
    view = await donation_view(session, donation_id)
    await message.answer(
        _("Recorded.") + "\n\n" + panel_text(view), reply_markup=panel_keyboard(view)
    )


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.filter(F.chat.type == "private")
    router.message.register(
        typed,
        WeightFlow.pickup_total,
        ~F.text.startswith("/"),
    )
    router.message.register(typed, WeightFlow.delivery_kg, ~F.text.startswith("/"))
    router.message.register(typed, WeightFlow.received_kg, ~F.text.startswith("/"))
    return router
