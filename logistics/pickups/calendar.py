"""A driver's claimed pickups as a calendar (ICS, RFC 5545) for the calendar apps people use.

The rule picks the pickups the driver holds from today on (claimed, or collected and still to
deliver today) and what an event needs about each: the store and its address, the window in
the antenna's time zone, the destinations and their addresses. The weekly slots the driver
holds are there too: their opened days (waiting for the store's quantities, or cancelled when
the store has nothing that day) and their next weeks, each day at the slot's local time
whatever the daylight-saving change. The bot words the events in the driver's language;
``build_ics`` writes them with the time zone declared (VTIMEZONE) and a UID that stays the
same (per pickup, or per slot and day for a weekly slot, from the week ahead to the day it is
collected), so that importing the file again updates the events.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar import Alarm, Calendar, Event
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from logistics.people.identity import Identity
from logistics.pickups.driver_lists import held_slot_days
from logistics.pickups.recurring import slot_window
from logistics.pickups.views import DonationView, donation_views
from storage.models import (
    Antenna,
    Association,
    Claim,
    Delivery,
    Donation,
    Hub,
    RecurringSlot,
    Store,
)

CALENDAR_LIMIT = 100
CALENDAR_WEEKS = 8  # how many weeks of a held weekly slot the calendar shows
HELD = ("claimed", "picked_up")
SLOT_DAYS = ("draft", "cancelled")  # a held slot's opened days not claimed yet, or called off
PRODUCT = "-//Antenna logistics bot//Food-aid pickups//FR-NL"


@dataclass(frozen=True)
class Destination:
    name: str
    address: str


@dataclass(frozen=True)
class CalendarPickup:
    view: DonationView
    destinations: tuple[Destination, ...]

    @property
    def uid(self) -> str:
        if self.view.recurring_slot_id is not None and self.view.service_day is not None:
            return slot_day_uid(self.view.recurring_slot_id, self.view.service_day)
        return pickup_uid(self.view.id)

    @property
    def window_start(self) -> datetime:
        return self.view.window_start


@dataclass(frozen=True)
class SlotWeek:
    """A coming day of a weekly slot the driver holds, not opened yet."""

    slot_id: int
    day: date  # local
    store_name: str
    store_address: str
    tz: str
    window_start: datetime
    window_end: datetime

    @property
    def uid(self) -> str:
        return slot_day_uid(self.slot_id, self.day)


@dataclass(frozen=True)
class CalendarEvent:
    """One event, already worded."""

    uid: str
    start: datetime
    end: datetime
    tz: str
    summary: str
    location: str
    description: str
    status: str = "CONFIRMED"  # or TENTATIVE, CANCELLED (RFC 5545)


def pickup_uid(donation_id: int) -> str:
    return f"pickup-{donation_id}@antenna-logistics"


def slot_day_uid(slot_id: int, day: date) -> str:
    return f"slot-{slot_id}-{day:%Y%m%d}@antenna-logistics"


async def driver_calendar(
    session: AsyncSession, *, identity: Identity, now: datetime
) -> list[CalendarPickup | SlotWeek]:
    """Everything of the driver's calendar from today on, soonest first: the pickups they
    hold, the opened days of their weekly slots and the weeks ahead of those slots."""
    pickups = await driver_pickups(session, identity=identity, now=now)
    weeks = await slot_weeks_ahead(session, identity=identity, now=now)
    entries: list[CalendarPickup | SlotWeek] = [*pickups, *weeks]
    return sorted(entries, key=lambda e: (e.window_start, e.uid))[:CALENDAR_LIMIT]


async def slot_weeks_ahead(
    session: AsyncSession, *, identity: Identity, now: datetime
) -> list[SlotWeek]:
    """The next ``CALENDAR_WEEKS`` days of each active weekly slot the person holds that are
    not opened yet (an opened day is a pickup of its own), at the slot's local time."""
    if identity.member_id is None:
        return []
    slots = (
        await session.exec(
            select(RecurringSlot, Store.name, Store.address, Antenna.timezone)
            .join(Store, col(Store.id) == RecurringSlot.store_id)
            .join(Antenna, col(Antenna.id) == Store.antenna_id)
            .where(
                RecurringSlot.standing_driver_id == identity.member_id,
                col(RecurringSlot.active).is_(True),
                col(Store.active).is_(True),
            )
        )
    ).all()
    if not slots:
        return []
    first = min(now.astimezone(ZoneInfo(tz)).date() for *_, tz in slots)
    opened = await session.exec(
        select(Donation.recurring_slot_id, Donation.service_day).where(
            col(Donation.recurring_slot_id).in_([slot.id for slot, *_ in slots]),
            col(Donation.service_day) >= first,
        )
    )
    known = {tuple(row) for row in opened.all()}
    weeks = []
    for slot, store_name, store_address, tz in slots:
        zone = ZoneInfo(tz)
        today = now.astimezone(zone).date()
        next_day = today + timedelta(days=(slot.weekday - today.weekday()) % 7)
        for week in range(CALENDAR_WEEKS):
            day = next_day + timedelta(weeks=week)
            window = slot_window(slot, day, zone)
            if (slot.id, day) in known or window is None or window[1] <= now:
                continue
            weeks.append(SlotWeek(slot.id, day, store_name, store_address, tz, *window))
    return weeks


async def driver_pickups(
    session: AsyncSession, *, identity: Identity, now: datetime
) -> list[CalendarPickup]:
    """The pickups the person holds whose window ends today (local) or later, soonest first,
    with the opened days of the weekly slots they hold (waiting for the store, or cancelled)."""
    if identity.member_id is None:
        return []
    since = now - timedelta(days=1)
    claimed = await session.exec(
        select(Donation.id, Donation.window_start)
        .join(Claim, Claim.donation_id == Donation.id)
        .where(
            Claim.driver_id == identity.member_id,
            col(Claim.released_at).is_(None),
            col(Donation.status).in_(HELD),
            Donation.window_end > since,
        )
        .order_by(Donation.window_start, Donation.id)
        .limit(CALENDAR_LIMIT)
    )
    slot_days = await session.exec(
        held_slot_days(identity.member_id, SLOT_DAYS)
        .where(Donation.window_end > since)
        .limit(CALENDAR_LIMIT)
    )
    rows = sorted({*claimed.all(), *slot_days.all()}, key=lambda row: (row[1], row[0]))
    ids = [donation_id for donation_id, _ in rows[:CALENDAR_LIMIT]]
    views = await donation_views(session, ids)
    kept = [
        views[i]
        for i in ids
        if views[i].window_end.astimezone(ZoneInfo(views[i].tz)).date()
        >= now.astimezone(ZoneInfo(views[i].tz)).date()
    ]
    places: dict[int, list[Destination]] = defaultdict(list)
    rows = await session.exec(
        select(Delivery.donation_id, Association.name, Association.address, Hub.name, Hub.address)
        .outerjoin(Association, Association.id == Delivery.association_id)
        .outerjoin(Hub, Hub.id == Delivery.hub_id)
        .where(col(Delivery.donation_id).in_([v.id for v in kept]))
        .order_by(Delivery.id)
    )
    for donation_id, a_name, a_address, h_name, h_address in rows.all():
        places[donation_id].append(
            Destination(a_name or h_name or "", a_address or h_address or "")
        )
    return [CalendarPickup(v, tuple(places[v.id])) for v in kept]


ALARM_BEFORE = timedelta(hours=1)  # the phone reminds the driver an hour before the window


def build_ics(events: list[CalendarEvent], *, name: str, now: datetime) -> bytes:
    """The calendar file: every event's times with their TZID and a reminder before it, each
    zone declared once (without the library's English comment on its own zone data)."""
    calendar = Calendar()
    calendar.add("prodid", PRODUCT)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    for item in events:
        zone = ZoneInfo(item.tz)
        event = Event()
        event.add("uid", item.uid)
        event.add("dtstamp", now)
        event.add("dtstart", item.start.astimezone(zone))
        event.add("dtend", item.end.astimezone(zone))
        event.add("summary", item.summary)
        event.add("location", item.location)
        event.add("description", item.description)
        event.add("status", item.status)
        if item.status != "CANCELLED":
            alarm = Alarm()
            alarm.add("action", "DISPLAY")
            alarm.add("description", item.summary)
            alarm.add("trigger", -ALARM_BEFORE)
            event.add_component(alarm)
        calendar.add_component(event)
    calendar.add_missing_timezones()
    for zone_component in calendar.walk("VTIMEZONE"):
        zone_component.pop("COMMENT", None)
    return calendar.to_ical()
