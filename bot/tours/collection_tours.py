"""/tours: coordinators propose a van's evening collection tour, adjust it with buttons and
confirm it with a driver; the driver gets the tour as one sheet with the buttons to record
each stop and to unload at the hub."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext
from sqlmodel.ext.asyncio.session import AsyncSession

from bot import cards, formatting
from bot.callbacks import TourCb, TourDriverCb, TourPlanCb, TourStopCb
from bot.config import Settings
from bot.refusals import explain
from bot.telegram.edits import edit_text
from bot.tours import distribution_tours
from bot.tours.menu import tours_menu
from bot.tours.text import drivers_keyboard, proposal_keyboard, sheet_keyboard, tour_text
from logistics.clock import Clock
from logistics.errors import DomainError, InvalidInput, NotAllowed
from logistics.people.identity import Identity
from logistics.people.permissions import coordinated_antennas, is_coordinator
from logistics.tours.collection import propose_collection_tour
from logistics.tours.confirmation import confirm_collection_tour, load_tour, tour_drivers
from logistics.tours.distribution.proposal import propose_distribution
from logistics.tours.distribution.view import distribution_tour
from logistics.tours.editing import edit_stop
from logistics.tours.menu import driven_tours, vehicle_day
from logistics.tours.unloading import unload_at_hub
from logistics.tours.views import TourView, left_out_names, tour_view, visible_tour
from storage.models import Tour, TourStop

LIMIT = 4096


async def _render(session: AsyncSession, view: TourView, identity: Identity | None) -> tuple:
    """The tour's text and buttons for this person: the coordinator's (with what was left
    out and the buttons to adjust), or the driver's sheet."""
    if is_coordinator(identity, view.antenna_id) and view.status == "proposed":
        text = tour_text(view, await left_out_names(session, view))
        markup = proposal_keyboard(view)
    elif identity is not None and view.driver_id == identity.member_id:
        text, markup = tour_text(view), sheet_keyboard(view)
    else:
        text = tour_text(view, await left_out_names(session, view))
        markup = proposal_keyboard(view)
    if len(text) > LIMIT:  # a very long tour: the stops without their addresses
        text = tour_text(view, await left_out_names(session, view), compact=True)
    return text, markup


async def tours_command(
    message: Message, identity: Identity | None, session: AsyncSession, clock: Clock
) -> None:
    if coordinated_antennas(identity):
        text, markup = await tours_menu(session, identity, clock)
        await message.answer(text, reply_markup=markup)
        return
    driven = await _driven(session, identity, clock)
    if driven is None:
        await message.answer(_("Tours are for the coordinators and the drivers of an antenna."))
    elif not driven:
        await message.answer(_("You have no tour to drive today or tomorrow."))
    for view in driven or []:
        if view.kind == "distribution":
            whole = await distribution_tour(
                session, identity=identity, tour_id=view.tour_id, now=clock.now()
            )
            text, markup = distribution_tours.render(whole, identity)
        else:
            text, markup = await _render(session, view, identity)
        await message.answer(text, reply_markup=markup)


async def _driven(session: AsyncSession, identity: Identity | None, clock: Clock):
    """The confirmed tours this driver drives from today on; None when not a driver."""
    if identity is None or not identity.has_role("driver"):
        return None
    ids = await driven_tours(session, identity.member_id, now=clock.now())
    return [view for i in ids if (view := await tour_view(session, i)) is not None]


async def plan(
    query: CallbackQuery,
    callback_data: TourPlanCb,
    identity: Identity | None,
    session: AsyncSession,
    clock: Clock,
    settings: Settings,
) -> None:
    try:
        vehicle, day = await vehicle_day(
            session, vehicle_id=callback_data.vehicle_id, days_ahead=callback_data.day,
            identity=identity, now=clock.now(),
        )  # fmt: skip
        if callback_data.kind == "d":  # the hub's stock, out to the associations
            if vehicle.home_hub_id is None:
                raise InvalidInput("vehicle_without_hub")
            view = await propose_distribution(
                session, hub_id=vehicle.home_hub_id, service_day=day, now=clock.now(),
                identity=identity, vehicle_id=vehicle.id, routing=settings.routing,
            )  # fmt: skip
            await query.answer()
            text, markup = distribution_tours.render(view, identity)
            await edit_text(query.message, text, markup)
            return
        tour_id = await propose_collection_tour(
            session,
            vehicle_id=vehicle.id,
            service_day=day,
            identity=identity,
            now=clock.now(),
            routing=settings.routing,
        )
    except DomainError as error:
        await query.answer(explain(error), show_alert=True)
        return
    await _show(query, session, identity, tour_id)


async def _show(query, session, identity, tour_id: int, *, answered: bool = False) -> None:
    try:
        view = await visible_tour(session, identity, tour_id)
    except DomainError as error:
        if not answered:
            await query.answer(explain(error), show_alert=True)
        return
    if not answered:
        await query.answer()
    text, markup = await _render(session, view, identity)
    await edit_text(query.message, text, markup)


async def pressed(
    query: CallbackQuery,
    callback_data: TourCb,
    identity: Identity | None,
    session: AsyncSession,
    clock: Clock,
    settings: Settings,
) -> None:
    tour_id, action = callback_data.tour_id, callback_data.action
    try:
        tour = await session.get(Tour, tour_id)
        if tour is not None and tour.kind == "distribution":
            await distribution_tours.act(query, tour, action, identity, session, clock, settings)
            return
        if action in ("show", "sheet"):
            await _show(query, session, identity, tour_id)
            return
        if action == "unload":
            done = await unload_at_hub(session, tour_id=tour_id, identity=identity, now=clock.now())
            await query.answer(
                ngettext(
                    "Unloaded into the hub: {kg} from {count} pickup.",
                    "Unloaded into the hub: {kg} from {count} pickups.",
                    done.pickups,
                ).format(kg=formatting.kg(done.kg, cards.locale()), count=done.pickups),
                show_alert=True,
            )
            await _show(query, session, identity, tour_id, answered=True)
            return
        tour = await load_tour(session, tour_id, identity)
        if action == "replan":
            new = await propose_collection_tour(
                session,
                vehicle_id=tour.vehicle_id,
                service_day=tour.service_day,
                identity=identity,
                now=clock.now(),
                routing=settings.routing,
            )
            await _show(query, session, identity, new)
            return
        if action == "drivers":
            drivers = await tour_drivers(session, tour.antenna_id)
            await query.answer()
            names = [(member_id, name or "—") for member_id, name in drivers]
            keyboard = drivers_keyboard(tour.id, names)
            await edit_text(query.message, _("Who drives this tour?"), keyboard)
            return
        raise NotAllowed("unknown")
    except DomainError as error:
        await query.answer(explain(error), show_alert=True)


async def moved(
    query: CallbackQuery,
    callback_data: TourStopCb,
    identity: Identity | None,
    session: AsyncSession,
    clock: Clock,
    settings: Settings,
) -> None:
    try:
        stop = await session.get(TourStop, callback_data.stop_id)
        tour = await session.get(Tour, stop.tour_id) if stop else None
        if tour is not None and tour.kind == "distribution":
            move = callback_data.move
            await distribution_tours.move(query, stop.id, move, identity, session, clock, settings)
            return
        edited = await edit_stop(
            session,
            stop_id=callback_data.stop_id,
            move=callback_data.move,
            identity=identity,
            now=clock.now(),
            routing=settings.routing,
        )
    except DomainError as error:
        await query.answer(explain(error), show_alert=True)
        return
    if edited.late or edited.overloaded:
        warning = _("In this order some stops are reached after their window.")
        if edited.overloaded:
            warning = _("In this order the vehicle is over its capacity at some stops.")
        await query.answer(warning, show_alert=True)
    else:
        await query.answer(_("Saved."))
    await _show(query, session, identity, edited.tour_id, answered=True)


async def driver_chosen(
    query: CallbackQuery,
    callback_data: TourDriverCb,
    identity: Identity | None,
    session: AsyncSession,
    clock: Clock,
) -> None:
    try:
        tour = await session.get(Tour, callback_data.tour_id)
        if tour is not None and tour.kind == "distribution":
            await distribution_tours.confirm(
                query, tour.id, callback_data.member_id, identity, session, clock
            )
            return
        done = await confirm_collection_tour(
            session,
            tour_id=callback_data.tour_id,
            driver_id=callback_data.member_id,
            identity=identity,
            now=clock.now(),
        )
    except DomainError as error:
        await query.answer(explain(error), show_alert=True)
        return
    if done.taken:
        await query.answer(
            ngettext(
                "Confirmed. {count} pickup was taken by a volunteer first: off the tour.",
                "Confirmed. {count} pickups were taken by volunteers first: off the tour.",
                len(done.taken),
            ).format(count=len(done.taken)),
            show_alert=True,
        )
    else:
        await query.answer(_("Confirmed: the driver has the tour."))
    await _show(query, session, identity, done.tour_id, answered=True)


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.register(tours_command, F.chat.type == "private", Command("tours"))
    router.callback_query.register(plan, TourPlanCb.filter())
    router.callback_query.register(pressed, TourCb.filter())
    router.callback_query.register(moved, TourStopCb.filter())
    router.callback_query.register(driver_chosen, TourDriverCb.filter())
    return router
