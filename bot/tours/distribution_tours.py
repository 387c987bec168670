"""The morning distribution tour in the chat: the coordinators move or take off stops, ask
for the solver's order or a new proposal of the stock, and confirm it with a driver; the
driver records each stop delivered or nobody there. /tours and the tours' buttons come here
when the tour is a distribution."""

from __future__ import annotations

from aiogram import Router
from aiogram.types import CallbackQuery
from aiogram.utils.i18n import gettext as _
from sqlmodel.ext.asyncio.session import AsyncSession

from bot import cards, formatting
from bot.callbacks import TourDeliverCb
from bot.config import Settings
from bot.refusals import explain
from bot.telegram.edits import edit_text
from bot.tours.distribution_text import (
    distribution_keyboard,
    distribution_sheet_keyboard,
    distribution_text,
    fit,
)
from bot.tours.text import drivers_keyboard
from logistics.clock import Clock
from logistics.errors import DomainError, NotAllowed
from logistics.people.identity import Identity
from logistics.people.permissions import is_coordinator
from logistics.tours.confirmation import tour_drivers
from logistics.tours.distribution.adjust import (
    confirm_tour,
    move_stop,
    remove_stop,
    reorder_tour,
)
from logistics.tours.distribution.proposal import propose_distribution
from logistics.tours.distribution.record import record_stop_delivered, record_stop_nothing
from logistics.tours.distribution.view import DistributionTour, distribution_tour
from storage.models import Tour

LIMIT = 4096


def render(view: DistributionTour, identity: Identity | None) -> tuple:
    """The coordinator's view with its buttons, or the driver's sheet."""
    driving = identity is not None and view.driver_id == identity.member_id
    if driving and view.status == "confirmed":
        text = distribution_text(view, for_driver=True)
        markup = distribution_sheet_keyboard(view)
    else:
        text, markup = distribution_text(view), None
        if is_coordinator(identity, view.antenna_id):
            markup = distribution_keyboard(view)
    if len(text) > LIMIT:  # a very long tour: the driver's shorter wording, then cut at a stop
        text = fit(distribution_text(view, for_driver=True), LIMIT)
    return text, markup


async def show(query: CallbackQuery, session, identity, tour_id: int, clock: Clock) -> None:
    view = await distribution_tour(session, identity=identity, tour_id=tour_id, now=clock.now())
    await query.answer()
    text, markup = render(view, identity)
    await edit_text(query.message, text, markup)


async def act(
    query: CallbackQuery,
    tour: Tour,
    action: str,
    identity: Identity | None,
    session: AsyncSession,
    clock: Clock,
    settings: Settings,
) -> None:
    """A tour button on a distribution tour: show, sheet, reorder, replan or drivers."""
    now = clock.now()
    if action in ("show", "sheet"):
        await show(query, session, identity, tour.id, clock)
        return
    if not is_coordinator(identity, tour.antenna_id):
        raise NotAllowed("not_coordinator")
    if action == "reorder":
        view = await reorder_tour(session, identity=identity, tour_id=tour.id, now=now,
                                  routing=settings.routing)  # fmt: skip
    elif action == "replan":
        view = await propose_distribution(
            session, hub_id=tour.hub_id, service_day=tour.service_day, now=now,
            identity=identity, vehicle_id=tour.vehicle_id, routing=settings.routing,
        )  # fmt: skip
    elif action == "drivers":
        drivers = await tour_drivers(session, tour.antenna_id)
        names = [(member_id, name or "—") for member_id, name in drivers]
        await query.answer()
        await edit_text(query.message, _("Who drives this tour?"), drivers_keyboard(tour.id, names))
        return
    else:
        raise NotAllowed("unknown")
    await query.answer(_("Saved."))
    text, markup = render(view, identity)
    await edit_text(query.message, text, markup)


async def move(query, stop_id: int, how: str, identity, session, clock, settings) -> None:
    now, routing = clock.now(), settings.routing
    if how == "remove":
        view = await remove_stop(
            session, identity=identity, stop_id=stop_id, now=now, routing=routing
        )
    else:
        view = await move_stop(
            session, identity=identity, stop_id=stop_id, up=how == "up", now=now, routing=routing
        )
    if view.problems:
        await query.answer(
            _("In this order some stops are reached after their window."), show_alert=True
        )
    else:
        await query.answer(_("Saved."))
    text, markup = render(view, identity)
    await edit_text(query.message, text, markup)


async def confirm(query, tour_id: int, member_id: int, identity, session, clock) -> None:
    view = await confirm_tour(
        session, identity=identity, tour_id=tour_id, driver_id=member_id, now=clock.now()
    )
    await query.answer(_("Confirmed: the driver has the tour."))
    text, markup = render(view, identity)
    await edit_text(query.message, text, markup)


async def recorded(
    query: CallbackQuery,
    callback_data: TourDeliverCb,
    identity: Identity | None,
    session: AsyncSession,
    clock: Clock,
) -> None:
    record = record_stop_delivered if callback_data.action == "done" else record_stop_nothing
    try:
        view = await record(
            session, identity=identity, stop_id=callback_data.stop_id, now=clock.now()
        )
    except DomainError as error:
        await query.answer(explain(error), show_alert=True)
        return
    stop = next(s for s in view.stops if s.stop_id == callback_data.stop_id)
    if callback_data.action == "done":
        said = _("Delivered: {kg} to {association}.").format(
            kg=formatting.kg(stop.kg, cards.locale()), association=stop.association_name
        )
    else:
        said = _("Recorded: the food stays at the hub.")
    await query.answer(said[:200])
    text, markup = render(view, identity)
    await edit_text(query.message, text, markup)


def create_router() -> Router:
    router = Router(name=__name__)
    router.callback_query.register(recorded, TourDeliverCb.filter())
    return router
