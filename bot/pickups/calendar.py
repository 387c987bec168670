"""/calendar: a driver's pickups and weekly slots as an ICS file, in the driver's language."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.types import BufferedInputFile, Message
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext
from sqlmodel.ext.asyncio.session import AsyncSession

from bot import cards, formatting
from bot.pickups.slot_days import NOTHING_TODAY, WAITING
from logistics.clock import Clock
from logistics.people.identity import Identity
from logistics.people.permissions import drives
from logistics.pickups.calendar import (
    CalendarEvent,
    CalendarPickup,
    SlotWeek,
    build_ics,
    driver_calendar,
)


def _where(name: str, address: str) -> str:
    return ", ".join(x for x in (name, address) if x)


def _head(name: str, address: str) -> list[str]:
    lines = [_("Pickup at {store}").format(store=name)]
    if address:
        lines.append(_("Address: {address}").format(address=address))
    return lines


def _event(pickup: CalendarPickup) -> CalendarEvent:
    view, lc = pickup.view, cards.locale()
    lines = _head(view.store_name, view.store_address)
    status = "CONFIRMED"
    if view.status == WAITING:
        lines.append(_("Your weekly slot: the store has not given its quantities yet."))
        status = "TENTATIVE"
    elif view.status == NOTHING_TODAY:
        lines.append(_("Nothing to collect: the store has nothing to give that day."))
        status = "CANCELLED"
    for item in view.items:
        name = item.name_nl if lc == "nl" else item.name_fr
        kg = item.collected_kg if item.collected_kg is not None else item.estimated_kg
        lines.append(f"- {name}: {formatting.kg(kg, lc)}")
    for place in pickup.destinations:
        lines.append(_("Deliver to: {place}").format(place=_where(place.name, place.address)))
    if view.cold:
        lines.append(_("Cold chain: bring a refrigerated vehicle."))
    return CalendarEvent(
        uid=pickup.uid,
        start=view.window_start,
        end=view.window_end,
        tz=view.tz,
        summary=_("🚐 Pickup: {store}").format(store=view.store_name),
        location=_where(view.store_name, view.store_address),
        description="\n".join(lines),
        status=status,
    )


def _week_event(week: SlotWeek) -> CalendarEvent:
    lines = _head(week.store_name, week.store_address)
    lines.append(_("Your weekly slot: the store gives its quantities on the day."))
    return CalendarEvent(
        uid=week.uid,
        start=week.window_start,
        end=week.window_end,
        tz=week.tz,
        summary=_("🚐 Pickup: {store}").format(store=week.store_name),
        location=_where(week.store_name, week.store_address),
        description="\n".join(lines),
        status="TENTATIVE",
    )


async def send_calendar(
    message: Message, identity: Identity | None, session: AsyncSession, clock: Clock
) -> None:
    if not drives(identity):
        await message.answer(_("The calendar of pickups is for drivers."))
        return
    entries = await driver_calendar(session, identity=identity, now=clock.now())
    events = [_event(e) if isinstance(e, CalendarPickup) else _week_event(e) for e in entries]
    count = sum(event.status != "CANCELLED" for event in events)
    if not count:
        await message.answer(
            _(
                "You hold no pickup from today on: there is nothing to put in a calendar. "
                "/runs shows the open pickups."
            )
        )
        return
    data = build_ics(events, name=_("My food-aid pickups"), now=clock.now())
    await message.answer_document(
        BufferedInputFile(data, filename="pickups.ics"),
        caption=ngettext(
            "📅 Your pickup from today on. Open the file to add it to your calendar; "
            "opening a newer file later updates it.",
            "📅 Your {count} pickups from today on. Open the file to add them to your calendar; "
            "opening a newer file later updates them.",
            count,
        ).format(count=count),
    )


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.register(send_calendar, F.chat.type == "private", Command("calendar"))
    return router
