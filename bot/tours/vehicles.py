"""/antenna → vehicles: a coordinator keeps the antenna's vans and cars up to date (refrigerated
or not, capacity typed in kg, home hub, in use or not). A vehicle out of use is no longer
offered in /tours; the capacity step waits for a number, asks again after anything else, and
/cancel leaves it."""

from __future__ import annotations

from html import escape

from aiogram import F, Router
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder
from sqlmodel.ext.asyncio.session import AsyncSession

from bot import cards, formatting
from bot.callbacks import VehicleCb, VehicleHubCb, VehiclesCb
from bot.refusals import explain, invalid_input
from bot.telegram.edits import edit_text
from logistics.clock import Clock
from logistics.errors import DomainError, InvalidInput
from logistics.people.identity import Identity
from logistics.pickups.driver_lists import parse_weight
from logistics.tours.vehicles import (
    HubChoice,
    VehicleView,
    antenna_hubs,
    antenna_vehicles,
    set_capacity,
    set_home_hub,
    toggle_active,
    toggle_refrigerated,
    vehicle,
)

TOGGLES = {"r": toggle_refrigerated, "a": toggle_active}


class VehicleFlow(StatesGroup):
    capacity = State()  # data: vehicle_id


def summary(found: VehicleView) -> str:
    """Refrigerated or not, capacity, home hub: one line."""
    cold = _("refrigerated") if found.refrigerated else _("not refrigerated")
    hub = escape(found.home_hub) if found.home_hub else _("no home hub")
    return _("{cold}, {kg}, home hub: {hub}").format(
        cold=cold, kg=formatting.kg(found.capacity_kg, cards.locale()), hub=hub
    )


def list_text(vehicles: list[VehicleView]) -> str:
    if not vehicles:
        return _("This antenna has no vehicle yet: add them under [[vehicles]] in config.toml.")
    lines = [_("🚐 The antenna's vehicles (press one to change it):")]
    for found in vehicles:
        line = f"• <b>{escape(found.name)}</b>: {summary(found)}"
        if not found.active:
            line += " · " + _("out of use")
        lines.append(line)
    return "\n".join(lines)


def list_keyboard(vehicles: list[VehicleView]) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for found in vehicles:
        mark = "" if found.active else "⏸ "
        builder.button(
            text=(mark + found.name)[:60], callback_data=VehicleCb(vehicle_id=found.vehicle_id)
        )
    builder.adjust(1)
    return builder.as_markup()


def vehicle_text(found: VehicleView) -> str:
    if found.active:
        use = _("✅ In use: offered for tours in /tours.")
    else:
        use = _("⏸ Out of use: not offered for tours.")
    return "\n".join([f"🚐 <b>{escape(found.name)}</b>", summary(found), use])


def vehicle_keyboard(found: VehicleView) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    vehicle_id = found.vehicle_id
    if found.refrigerated:
        cold = _("❄️ Mark as not refrigerated")
    else:
        cold = _("❄️ Mark as refrigerated")
    builder.button(text=cold, callback_data=VehicleCb(vehicle_id=vehicle_id, action="r"))
    builder.button(
        text=_("⚖️ Change the capacity"), callback_data=VehicleCb(vehicle_id=vehicle_id, action="c")
    )
    builder.button(
        text=_("🏠 Change the home hub"), callback_data=VehicleCb(vehicle_id=vehicle_id, action="h")
    )
    use = _("⏸ Take out of use") if found.active else _("▶️ Put back in use")
    builder.button(text=use, callback_data=VehicleCb(vehicle_id=vehicle_id, action="a"))
    builder.button(
        text=_("↩️ All the vehicles"), callback_data=VehiclesCb(antenna_id=found.antenna_id)
    )
    builder.adjust(1)
    return builder.as_markup()


def hubs_text(found: VehicleView, hubs: list[HubChoice]) -> str:
    if not hubs:
        return _("This antenna has no hub: add one under [[hubs]] in config.toml.")
    return _("🏠 From which hub does {vehicle} start its tours?").format(vehicle=escape(found.name))


def hubs_keyboard(found: VehicleView, hubs: list[HubChoice]) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for hub in hubs:
        mark = "✓ " if hub.hub_id == found.home_hub_id else ""
        builder.button(
            text=(mark + hub.name)[:60],
            callback_data=VehicleHubCb(vehicle_id=found.vehicle_id, hub_id=hub.hub_id),
        )
    builder.button(text=_("↩️ Back"), callback_data=VehicleCb(vehicle_id=found.vehicle_id))
    builder.adjust(1)
    return builder.as_markup()


def capacity_question(found: VehicleView) -> str:
    return _(
        "How many kilograms can {vehicle} carry? Now {kg}. Write a number, for example "
        "1200. /cancel to stop."
    ).format(vehicle=escape(found.name), kg=formatting.kg(found.capacity_kg, cards.locale()))


async def leave_step(state: FSMContext) -> None:
    """Another button of the vehicles: the capacity question is no longer waiting."""
    if await state.get_state() == VehicleFlow.capacity.state:
        await state.clear()


async def vehicles_pressed(
    query: CallbackQuery,
    callback_data: VehiclesCb,
    state: FSMContext,
    identity: Identity | None,
    session: AsyncSession,
) -> None:
    try:
        vehicles = await antenna_vehicles(
            session, identity=identity, antenna_id=callback_data.antenna_id
        )
    except DomainError as error:
        await query.answer(explain(error), show_alert=True)
        return
    await leave_step(state)
    await query.answer()
    await edit_text(query.message, list_text(vehicles), list_keyboard(vehicles))


async def vehicle_pressed(
    query: CallbackQuery,
    callback_data: VehicleCb,
    state: FSMContext,
    identity: Identity | None,
    session: AsyncSession,
    clock: Clock,
) -> None:
    vehicle_id, action = callback_data.vehicle_id, callback_data.action
    try:
        if action in TOGGLES:
            found = await TOGGLES[action](
                session, identity=identity, vehicle_id=vehicle_id, now=clock.now()
            )
        elif action in ("v", "c", "h"):
            found = await vehicle(session, identity=identity, vehicle_id=vehicle_id)
        else:
            raise InvalidInput("setting_unknown")
        hubs = await antenna_hubs(session, identity=identity, antenna_id=found.antenna_id)
    except DomainError as error:
        await query.answer(explain(error), show_alert=True)
        return
    await leave_step(state)
    if action == "c":
        await state.set_state(VehicleFlow.capacity)
        await state.set_data({"vehicle_id": vehicle_id})
        await query.answer()
        await query.message.answer(capacity_question(found))
        return
    await query.answer(_("Saved.") if action in TOGGLES else None)
    if action == "h":
        await edit_text(query.message, hubs_text(found, hubs), hubs_keyboard(found, hubs))
        return
    await edit_text(query.message, vehicle_text(found), vehicle_keyboard(found))


async def hub_pressed(
    query: CallbackQuery,
    callback_data: VehicleHubCb,
    state: FSMContext,
    identity: Identity | None,
    session: AsyncSession,
    clock: Clock,
) -> None:
    try:
        found = await set_home_hub(
            session,
            identity=identity,
            vehicle_id=callback_data.vehicle_id,
            hub_id=callback_data.hub_id,
            now=clock.now(),
        )
    except DomainError as error:
        await query.answer(explain(error), show_alert=True)
        return
    await leave_step(state)
    await query.answer(_("Saved."))
    await edit_text(query.message, vehicle_text(found), vehicle_keyboard(found))


async def capacity_typed(
    message: Message,
    state: FSMContext,
    identity: Identity | None,
    session: AsyncSession,
    clock: Clock,
) -> None:
    data = await state.get_data()
    if "vehicle_id" not in data:  # the step was left meanwhile
        await state.clear()
        await message.answer(_("This step is over: send /antenna again."))
        return
    try:
        found = await set_capacity(
            session,
            identity=identity,
            vehicle_id=data["vehicle_id"],
            kg=parse_weight(message.text or ""),
            now=clock.now(),
        )
    except DomainError as error:
        if isinstance(error, InvalidInput) and str(error) == "capacity_invalid":
            try:  # the same question again; the step waits for a good number
                found = await vehicle(session, identity=identity, vehicle_id=data["vehicle_id"])
            except DomainError as gone:
                error = gone
            else:
                await message.answer(
                    invalid_input("capacity_invalid") + "\n\n" + capacity_question(found)
                )
                return
        await state.clear()
        await message.answer(explain(error))
        return
    await state.clear()
    done = _("Saved: {vehicle} can carry {kg}.").format(
        vehicle=escape(found.name), kg=formatting.kg(found.capacity_kg, cards.locale())
    )
    await message.answer(done + "\n\n" + vehicle_text(found), reply_markup=vehicle_keyboard(found))


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.register(
        capacity_typed,
        VehicleFlow.capacity,
        F.chat.type == "private",
        F.text,
        ~F.text.startswith("/"),
    )
    router.callback_query.register(vehicles_pressed, VehiclesCb.filter())
    router.callback_query.register(vehicle_pressed, VehicleCb.filter())
    router.callback_query.register(hub_pressed, VehicleHubCb.filter())
    return router
