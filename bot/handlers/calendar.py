"""/calendar: a driver's claimed pickups as an ICS file, in the driver's language."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.types import BufferedInputFile, Message
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext
from sqlmodel.ext.asyncio.session import AsyncSession

from bot import cards, formatting
from logistics.calendar import (
    CalendarEvent,
    CalendarPickup,
    build_ics,
    driver_pickups,
    pickup_uid,
)
from logistics.clock import Clock
from logistics.people import Identity
from logistics.permissions import drives


def _event(pickup: CalendarPickup) -> CalendarEvent:
    view, lc = pickup.view, cards.locale()
    where = ", ".join(x for x in (view.store_name, view.store_address) if x)
    lines = [_("Pickup at {store}").format(store=view.store_name)]
    if view.store_address:
        lines.append(_("Address: {address}").format(address=view.store_address))
    for item in view.items:
        name = item.name_nl if lc == "nl" else item.name_fr
        kg = item.collected_kg if item.collected_kg is not None else item.estimated_kg
        lines.append(f"- {name}: {formatting.kg(kg, lc)}")
    for place in pickup.destinations:
        target = ", ".join(x for x in (place.name, place.address) if x)
        lines.append(_("Deliver to: {place}").format(place=target))
    if view.cold:
        lines.append(_("Cold chain: bring a refrigerated vehicle."))
    return CalendarEvent(
        uid=pickup_uid(view.id),
        start=view.window_start,
        end=view.window_end,
        tz=view.tz,
        summary=_("🚐 Pickup: {store}").format(store=view.store_name),
        location=where,
        description="\n".join(lines),
    )


async def send_calendar(
    message: Message, identity: Identity | None, session: AsyncSession, clock: Clock
) -> None:
    if not drives(identity):
        await message.answer(_("The calendar of pickups is for drivers."))
        return
    pickups = await driver_pickups(session, identity=identity, now=clock.now())
    if not pickups:
        await message.answer(
            _(
                "You hold no pickup from today on: there is nothing to put in a calendar. "
                "/runs shows the open pickups."
            )
        )
        return
    data = build_ics([_event(p) for p in pickups], name=_("My food-aid pickups"), now=clock.now())
    await message.answer_document(
        BufferedInputFile(data, filename="pickups.ics"),
        caption=ngettext(
            "📅 Your pickup from today on. Open the file to add it to your calendar; "
            "opening a newer file later updates it.",
            "📅 Your {count} pickups from today on. Open the file to add them to your calendar; "
            "opening a newer file later updates them.",
            len(pickups),
        ).format(count=len(pickups)),
    )


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.register(send_calendar, F.chat.type == "private", Command("calendar"))
    return router
