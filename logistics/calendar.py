"""A driver's claimed pickups as a calendar (ICS, RFC 5545) for the calendar apps people use.

The rule picks the pickups the driver holds from today on (claimed, or collected and still to
deliver today) and what an event needs about each: the store and its address, the window in
the antenna's time zone, the destinations and their addresses. The bot words the events in
the driver's language; ``build_ics`` writes them with the time zone declared (VTIMEZONE) and a
UID per pickup that stays the same, so that importing the file again updates the events.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from logistics.people import Identity
from logistics.views import DonationView, donation_views
from storage.models import Association, Claim, Delivery, Donation, Hub

CALENDAR_LIMIT = 100
HELD = ("claimed", "picked_up")
PRODUCT = "-//Antenna logistics bot//Food-aid pickups//FR-NL"


@dataclass(frozen=True)
class Destination:
    name: str
    address: str


@dataclass(frozen=True)
class CalendarPickup:
    view: DonationView
    destinations: tuple[Destination, ...]


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


def pickup_uid(donation_id: int) -> str:
    return f"pickup-{donation_id}@antenna-logistics"


async def driver_pickups(
    session: AsyncSession, *, identity: Identity, now: datetime
) -> list[CalendarPickup]:
    """The pickups the person holds whose window ends today (local) or later, soonest first."""
    if identity.member_id is None:
        return []
    ids = (
        await session.exec(
            select(Donation.id)
            .join(Claim, Claim.donation_id == Donation.id)
            .where(
                Claim.driver_id == identity.member_id,
                col(Claim.released_at).is_(None),
                col(Donation.status).in_(HELD),
                Donation.window_end > now - timedelta(days=1),
            )
            .order_by(Donation.window_start, Donation.id)
            .limit(CALENDAR_LIMIT)
        )
    ).all()
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


def build_ics(events: list[CalendarEvent], *, name: str, now: datetime) -> bytes:
    """The calendar file: every event's times with their TZID, each zone declared once."""
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
        event.add("status", "CONFIRMED")
        calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()
