"""Weights typed by a driver or an association: the real kg of a pickup, a delivery or a
receipt. The step waits for a number; anything else gets an example, and /cancel leaves."""

from __future__ import annotations

from html import escape

from aiogram import F, Router
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import Message
from aiogram.utils.i18n import gettext as _
from sqlmodel.ext.asyncio.session import AsyncSession

from bot import cards
from bot.pickups.driver_panel import panel_keyboard, panel_text
from bot.refusals import explain, invalid_input
from logistics.clock import Clock
from logistics.deliveries.receipts import report_difference
from logistics.errors import DomainError, InvalidInput
from logistics.people.identity import Identity
from logistics.pickups.collection import record_delivery, record_pickup
from logistics.pickups.driver_lists import parse_weight
from logistics.pickups.views import donation_view


class WeightFlow(StatesGroup):
    pickup_total = State()  # data: donation_id
    pickup_items = State()  # data: donation_id, items (ids in order), kg (id -> kg so far)
    delivery_kg = State()  # data: delivery_id
    received_kg = State()  # data: delivery_id


def ask_kg() -> str:
    return _("How many kilograms? Send a number, for example <code>18,5</code>. /cancel to stop.")


def step_over() -> str:
    return _("This step is over: press the pickup's button again (/mine).")


async def typed(
    message: Message, state: FSMContext, identity: Identity, session: AsyncSession, clock: Clock
) -> None:
    kg = parse_weight(message.text or "")
    if kg is None:
        await message.answer(invalid_input("kg_invalid") + "\n" + ask_kg())
        return
    current, data = await state.get_state(), await state.get_data()
    if not data.keys() & {"donation_id", "delivery_id"}:  # the step was left meanwhile
        await state.clear()
        await message.answer(step_over())
        return
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
            receipt = await report_difference(
                session, delivery_id=data["delivery_id"], identity=identity, now=now, received_kg=kg
            )
            await state.clear()
            if receipt.status == "confirmed":  # the same weight after all
                await message.answer(_("Thank you: receipt confirmed."))
            else:
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


async def start_items(
    message: Message, state: FSMContext, session: AsyncSession, donation_id: int
) -> None:
    """Ask the real kg of each item in turn, then record them together."""
    view = await donation_view(session, donation_id)
    await state.set_state(WeightFlow.pickup_items)
    await state.set_data(
        {"donation_id": donation_id, "items": [i.id for i in view.items], "kg": {}}
    )
    await message.answer(item_question(view, view.items[0].id))


def item_question(view, item_id: int) -> str:
    item = next(i for i in view.items if i.id == item_id)
    name = item.name_fr if cards.locale() == "fr" else item.name_nl
    return _("<b>{item}</b> (announced: {quantity}): how many kilograms?").format(
        item=escape(name), quantity=cards.quantity(item.quantity, item.unit)
    )


async def item_typed(
    message: Message, state: FSMContext, identity: Identity, session: AsyncSession, clock: Clock
) -> None:
    data = await state.get_data()
    if not {"donation_id", "items", "kg"} <= data.keys():
        await state.clear()
        await message.answer(step_over())
        return
    kg = parse_weight(message.text or "")
    done = dict(data["kg"])
    current = data["items"][len(done)]
    view = await donation_view(session, data["donation_id"])
    if kg is None or kg > 10_000:
        await message.answer(invalid_input("kg_invalid") + "\n" + item_question(view, current))
        return
    done[str(current)] = kg
    if len(done) < len(data["items"]):
        await state.update_data(kg=done)
        await message.answer(item_question(view, data["items"][len(done)]))
        return
    await state.clear()
    try:
        await record_pickup(
            session,
            donation_id=data["donation_id"],
            identity=identity,
            now=clock.now(),
            item_kg={int(item_id): value for item_id, value in done.items()},
        )
    except DomainError as error:
        await message.answer(explain(error))
        return
    view = await donation_view(session, data["donation_id"])
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
    router.message.register(item_typed, WeightFlow.pickup_items, ~F.text.startswith("/"))
    router.message.register(typed, WeightFlow.delivery_kg, ~F.text.startswith("/"))
    router.message.register(typed, WeightFlow.received_kg, ~F.text.startswith("/"))
    return router
