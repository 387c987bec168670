"""A store's own announcements: what its managers see in /mine, and what they may still do.

Before a driver claims it, the store changes an announcement's quantities (a draft made by
``draft_from_text`` with the pickup's id, as for /surplus) or its window; at any time before
collection it cancels it (``logistics.announcements.store_cancellation``). Every rule checks
the person against the database (a manager of that store, or a coordinator of its antenna)
and writes the audit log; the group card follows each change.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from logistics.announcements.announce import Draft, add_items, announcing_stores, check_dates
from logistics.announcements.announce_items import window_from_text
from logistics.deliveries import allocation
from logistics.errors import DriverComing, InvalidInput, NotFound, NotOpen
from logistics.notify import refresh_card
from logistics.people.identity import Identity
from logistics.people.permissions import Acting, acting_as
from logistics.pickups.claim_queries import active_claim
from logistics.pickups.driver_offers import offer_to_drivers
from logistics.safety.date_limits import USE_BY_IDEAL_DAYS
from logistics.transaction import transaction
from storage.models import Antenna, AuditLog, Delivery, Donation, DonationItem, Member

LIST_LIMIT = 20
SHOWN = ("announced", "claimed", "picked_up", "delivered", "received")
SHOWN_TODAY = ("cancelled", "expired", "missed")  # gone, but still said on the day


async def store_pickups(session: AsyncSession, *, identity: Identity, now: datetime) -> list[int]:
    """The announcements of the person's stores whose window ends today or later (local
    time of each antenna), soonest first; those called off are shown on their day only."""
    stores = [store_id for store_id, _name in announcing_stores(identity)]
    if not stores:
        return []
    rows = await session.exec(
        select(Donation, Antenna.timezone)
        .join(Antenna, col(Antenna.id) == Donation.antenna_id)
        .where(
            col(Donation.store_id).in_(stores),
            col(Donation.status).in_(SHOWN + SHOWN_TODAY),
            col(Donation.window_end) > now - timedelta(days=1),
        )
        .order_by(col(Donation.window_start), col(Donation.id))
    )
    found = []
    for donation, timezone in rows.all():
        zone = ZoneInfo(timezone)
        if donation.window_end.astimezone(zone).date() >= now.astimezone(zone).date():
            found.append(donation.id)
    return found[:LIST_LIMIT]


async def store_pickup_for(
    session: AsyncSession, identity: Identity, donation_id: int
) -> tuple[Donation, Acting]:
    donation = await session.get(Donation, donation_id, populate_existing=True)
    if donation is None or donation.status == "draft":
        raise NotFound("donation")
    acting = acting_as(
        identity,
        "store_manager",
        donation.antenna_id,
        store_id=donation.store_id,
        reason="not_store_manager",
    )
    return donation, acting


async def _driver_name(session: AsyncSession, donation_id: int) -> str | None:
    claim = (await session.exec(active_claim(donation_id))).first()
    driver = await session.get(Member, claim.driver_id) if claim else None
    return driver.name if driver else None


async def _still_open(session: AsyncSession, donation: Donation) -> None:
    """Quantities and window change only before a claim."""
    if donation.status == "claimed":
        raise DriverComing(await _driver_name(session, donation.id))
    if donation.status != "announced":
        raise NotOpen(donation.status)


async def check_changeable(session: AsyncSession, *, identity: Identity, donation_id: int) -> int:
    """Before asking for new quantities or a new window; returns the store's id. The change
    itself checks it all again."""
    donation, _acting = await store_pickup_for(session, identity, donation_id)
    await _still_open(session, donation)
    return donation.store_id


async def _changed(session: AsyncSession, donation: Donation, now: datetime, **values: Any) -> None:
    """Write the change if nobody claimed the pickup meanwhile."""
    written = await session.exec(
        update(Donation)
        .where(col(Donation.id) == donation.id, col(Donation.status) == "announced")
        .values(updated_at=now, **values)
    )
    if written.rowcount != 1:
        donation = await session.get(Donation, donation.id, populate_existing=True)
        await _still_open(session, donation)
        raise NotOpen(donation.status)
    await session.refresh(donation)


async def _replan(
    session: AsyncSession, donation: Donation, antenna: Antenna, now: datetime, ideal_days: int
) -> None:
    """Destinations follow the new quantities or window: by the antenna's rule, unless a
    coordinator chose the place (it stays, with the new weight)."""
    stops = (await session.exec(select(Delivery).where(Delivery.donation_id == donation.id))).all()
    chosen = [s for s in stops if s.overridden_by_id is not None]
    if chosen:
        for stop in chosen:
            stop.planned_kg = round(donation.estimated_kg / len(chosen), 1)
            session.add(stop)
        return
    plan = await allocation.plan_delivery(
        session, donation_id=donation.id, now=now, tz=antenna.timezone, ideal_days=ideal_days
    )
    await allocation.apply_plan(session, donation_id=donation.id, plan=plan, actor_id=None, now=now)


async def _followed(
    session: AsyncSession,
    acting: Acting,
    donation: Donation,
    antenna: Antenna,
    now: datetime,
    action: str,
    ideal_days: int = USE_BY_IDEAL_DAYS,
    **detail: Any,
) -> None:
    """After a change: the destinations, the group card and the audit log follow, and the
    drivers who may take it get the pickup as it is now (their earlier offer is out of date)."""
    await _replan(session, donation, antenna, now, ideal_days)
    refresh_card(session, antenna=antenna, donation_id=donation.id, now=now)
    await offer_to_drivers(session, donation_id=donation.id, now=now, changed=True)
    audit_store_change(session, acting, donation, now, action, **detail)


def audit_store_change(
    session: AsyncSession, acting: Acting, donation: Donation, now: datetime, action: str, **detail
) -> None:
    session.add(
        AuditLog(
            at=now,
            actor_id=acting.member_id,
            action=action,
            entity="donation",
            entity_id=donation.id,
            detail={"on_behalf": acting.on_behalf, **detail},
        )
    )


@transaction
async def change_items(
    session: AsyncSession,
    *,
    identity: Identity,
    draft: Draft,
    now: datetime,
    ideal_days: int = USE_BY_IDEAL_DAYS,
) -> None:
    """The confirmed new quantities of an open announcement replace the old ones."""
    if draft.donation_id is None:
        raise NotFound("donation")
    donation, acting = await store_pickup_for(session, identity, draft.donation_id)
    await _still_open(session, donation)
    if draft.store_id != donation.store_id:
        raise NotFound("donation")
    if not draft.items or draft.window_start is None or draft.window_end is None:
        raise InvalidInput("draft_incomplete")
    if draft.window_end <= now:
        raise InvalidInput("window_past")
    antenna = await session.get(Antenna, donation.antenna_id)
    await check_dates(session, draft.items, now=now, tz=antenna.timezone)
    before = donation.estimated_kg
    await _changed(
        session,
        donation,
        now,
        estimated_kg=draft.estimated_kg,
        window_start=draft.window_start,
        window_end=draft.window_end,
        raw_text=draft.text,
    )
    old = (
        await session.exec(select(DonationItem).where(DonationItem.donation_id == donation.id))
    ).all()
    for item in old:
        await session.delete(item)
    await session.flush()
    add_items(session, donation.id, draft.items)
    await session.flush()
    await _followed(
        session,
        acting,
        donation,
        antenna,
        now,
        "donation.items_changed",
        ideal_days,
        estimated_kg_before=before,
        estimated_kg=draft.estimated_kg,
        items=[f"{i.quantity:g} {i.unit} {i.category_key}" for i in draft.items],
    )


@transaction
async def change_window(
    session: AsyncSession,
    *,
    identity: Identity,
    donation_id: int,
    text: str,
    now: datetime,
    ideal_days: int = USE_BY_IDEAL_DAYS,
) -> tuple[datetime, datetime]:
    """A new window typed alone (``19h-20h``, ``demain 18h-19h``); the pickup keeps its day
    unless another one is written. Returns the new window."""
    donation, acting = await store_pickup_for(session, identity, donation_id)
    await _still_open(session, donation)
    window = window_from_text(text or "")
    if window is None:
        raise InvalidInput("window_unreadable")
    antenna = await session.get(Antenna, donation.antenna_id)
    zone = ZoneInfo(antenna.timezone)
    day = donation.window_start.astimezone(zone).date()
    if window.day_offset:
        day = now.astimezone(zone).date() + timedelta(days=window.day_offset)
    if donation.service_day is not None and day != donation.service_day:
        raise InvalidInput("window_other_day")  # a weekly slot's day stays that day
    start = datetime.combine(day, window.start, tzinfo=zone)
    end = datetime.combine(day, window.end, tzinfo=zone)
    if end <= now:
        raise InvalidInput("window_past")
    before = (donation.window_start.isoformat(), donation.window_end.isoformat())
    await _changed(session, donation, now, window_start=start, window_end=end)
    await _followed(
        session,
        acting,
        donation,
        antenna,
        now,
        "donation.window_changed",
        ideal_days,
        before=list(before),
        after=[start.isoformat(), end.isoformat()],
    )
    return start, end
