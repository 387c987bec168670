"""Announcing surplus: from a store manager's words to an announced donation.

``draft_from_text`` understands the message and returns a draft to echo; nothing is stored
until ``announce`` is called with the confirmed draft. ``announce`` plans the destinations,
posts the card in the antenna group and offers the pickup to the drivers who may take it.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import update
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from logistics.announcements.drafts import Draft, DraftItem
from logistics.announcements.parsing.dates import PAST_DAYS
from logistics.announcements.parsing.surplus import CatalogEntry, parse_surplus
from logistics.deliveries import allocation
from logistics.errors import AlreadyDone, InvalidInput, NotFound, NotOpen
from logistics.notify import refresh_card
from logistics.people.identity import Identity
from logistics.people.permissions import acting_as
from logistics.pickups import driver_offers
from logistics.safety.date_limits import USE_BY_IDEAL_DAYS
from logistics.safety.food_dates import PastDate, local_today, out_of_date
from storage.models import (
    Antenna,
    AuditLog,
    Category,
    Donation,
    DonationItem,
    RecurringSlot,
    Store,
)

MAX_WINDOW_DAYS_AHEAD = 7


async def load_catalog(session: AsyncSession) -> list[CatalogEntry]:
    rows = (await session.exec(select(Category).order_by(Category.id))).all()
    return [
        CatalogEntry(
            id=c.id,
            key=c.key,
            name_fr=c.name_fr,
            name_nl=c.name_nl,
            synonyms_fr=tuple(c.synonyms_fr),
            synonyms_nl=tuple(c.synonyms_nl),
            cold_chain=c.cold_chain,
            kg_per_crate=c.kg_per_crate,
            kg_per_piece=c.kg_per_piece,
            kg_per_pallet=c.kg_per_pallet,
            kg_per_litre=c.kg_per_litre,
            date_kind=c.date_kind,
            grace_days=c.grace_days,
        )
        for c in rows
    ]


def announcing_stores(identity: Identity | None) -> list[tuple[int, str]]:
    """(store id, name) of the stores this person manages."""
    if identity is None:
        return []
    return sorted(
        {(r.store_id, r.place_name or "") for r in identity.roles if r.role == "store_manager"}
    )


def _at(day: date, clock_time: time, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, clock_time, tzinfo=tz)


def _hhmm(text: str) -> time:
    hours, minutes = text.split(":")
    return time(int(hours), int(minutes))


async def store_and_antenna(session: AsyncSession, store_id: int) -> tuple[Store, Antenna]:
    store = await session.get(Store, store_id)
    if store is None or not store.active:
        raise NotFound("store")
    antenna = await session.get(Antenna, store.antenna_id)
    return store, antenna


async def draft_from_text(
    session: AsyncSession,
    *,
    identity: Identity,
    store_id: int,
    text: str,
    now: datetime,
    donation_id: int | None = None,
    past_days: int = PAST_DAYS,
) -> Draft:
    """What the text says; with ``donation_id``, the quantities of a recurring slot's day,
    whose window is then the default (the store's usual window otherwise). Dates without a
    year are read from the antenna's today (``past_days``: see
    logistics/announcements/parsing/dates.py)."""
    store, antenna = await store_and_antenna(session, store_id)
    acting_as(identity, "store_manager", antenna.id, store_id=store.id, reason="not_store_manager")
    tz = ZoneInfo(antenna.timezone)
    slot_day = (
        await _opened_slot(session, donation_id, store.id, open_too=True) if donation_id else None
    )
    if slot_day is not None:
        usual = (slot_day.window_start.astimezone(tz), slot_day.window_end.astimezone(tz))
        default_window = (usual[0].time(), usual[1].time())
    else:
        default_window = (_hhmm(store.window_start), _hhmm(store.window_end))
    catalog = await load_catalog(session)
    entries = {c.id: c for c in catalog}
    today = local_today(now, antenna.timezone)
    parsed = parse_surplus(
        text, catalog, default_window=default_window, today=today, past_days=past_days
    )
    problems = list(parsed.problems)
    start = end = None
    if parsed.window is not None:
        if slot_day is not None:
            day = slot_day.window_start.astimezone(tz).date()
        else:
            day = now.astimezone(tz).date() + timedelta(days=parsed.window.day_offset)
        start = _at(day, parsed.window.start, tz)
        end = _at(day, parsed.window.end, tz)
        if end <= now:
            problems.append("window_past")
    items = tuple(
        DraftItem(
            category_id=i.category_id,
            category_key=i.category_key,
            name_fr=entries[i.category_id].name_fr,
            name_nl=entries[i.category_id].name_nl,
            text=i.text,
            quantity=i.quantity,
            unit=i.unit,
            cold_chain=i.cold_chain,
            estimated_kg=i.estimated_kg,
            use_by=i.use_by,
            best_before=i.best_before,
            lot=i.lot,
            date_kind=entries[i.category_id].date_kind,
            grace_days=entries[i.category_id].grace_days,
        )
        for i in parsed.items
    )
    source = parsed.window.source if parsed.window else None
    if slot_day is not None and slot_day.status == "announced" and source == "default":
        source = "kept"  # new quantities of an announcement: its own window stays
    return Draft(
        store_id=store.id,
        items=items,
        window_start=start,
        window_end=end,
        window_source=source,
        not_understood=parsed.not_understood,
        problems=tuple(problems),
        text=text[:4096],
        donation_id=slot_day.id if slot_day is not None else None,
        today=today,
    )


async def _take_slot_day(session: AsyncSession, donation_id: int, now: datetime) -> None:
    """Draft → announced only if nobody changed it meanwhile ("nothing today" pressed)."""
    taken = await session.exec(
        update(Donation)
        .where(Donation.id == donation_id, Donation.status == "draft")
        .values(status="announced", updated_at=now)
    )
    if taken.rowcount != 1:
        await session.rollback()
        raise AlreadyDone("donation")


async def _opened_slot(
    session: AsyncSession, donation_id: int, store_id: int, *, open_too: bool = False
) -> Donation:
    """The day of a recurring slot that this draft fills in, if it still waits for it; with
    ``open_too``, also an open announcement whose quantities the store changes
    (logistics/announcements/store_announcements.py)."""
    donation = await session.get(Donation, donation_id)
    if donation is None or donation.store_id != store_id:
        raise NotFound("donation")
    if open_too and donation.status in ("announced", "claimed", "picked_up"):
        if donation.status != "announced":
            raise NotOpen(donation.status)
        return donation
    if donation.status != "draft":
        raise AlreadyDone("donation")
    return donation


async def announce(
    session: AsyncSession,
    *,
    identity: Identity,
    draft: Draft,
    now: datetime,
    ideal_days: int = USE_BY_IDEAL_DAYS,
) -> int:
    """Store the confirmed draft as an announced donation; returns its id. Food whose use-by
    date is within ``ideal_days`` of the pickup goes first where it is handed out soonest."""
    store, antenna = await store_and_antenna(session, draft.store_id)
    acting = acting_as(
        identity, "store_manager", antenna.id, store_id=store.id, reason="not_store_manager"
    )
    if not draft.items or draft.window_start is None or draft.window_end is None:
        raise InvalidInput("draft_incomplete")
    if draft.window_end <= now or draft.window_start > now + timedelta(days=MAX_WINDOW_DAYS_AHEAD):
        raise InvalidInput("window_past")
    await check_dates(session, draft.items, now=now, tz=antenna.timezone)
    donation = (
        await _opened_slot(session, draft.donation_id, store.id) if draft.donation_id else None
    )
    if donation is None:
        donation = Donation(antenna_id=antenna.id, store_id=store.id, created_at=now)
    else:
        await _take_slot_day(session, donation.id, now)
    donation.status = "announced"
    donation.window_start, donation.window_end = draft.window_start, draft.window_end
    donation.announced_by_id = acting.member_id
    donation.raw_text = draft.text
    donation.photo_file_id = draft.photo_file_id
    donation.estimated_kg = draft.estimated_kg
    donation.updated_at = now
    session.add(donation)
    await session.flush()
    add_items(session, donation.id, draft.items)
    session.add(
        AuditLog(
            at=now,
            actor_id=acting.member_id,
            action="donation.announced",
            entity="donation",
            entity_id=donation.id,
            detail={"on_behalf": acting.on_behalf, "estimated_kg": draft.estimated_kg},
        )
    )
    await session.flush()
    plan = await allocation.plan_delivery(
        session, donation_id=donation.id, now=now, tz=antenna.timezone, ideal_days=ideal_days
    )
    await allocation.apply_plan(
        session, donation_id=donation.id, plan=plan, actor_id=acting.member_id, now=now
    )
    await _claim_for_standing_driver(session, donation, now)
    refresh_card(session, antenna=antenna, donation_id=donation.id, now=now)
    await driver_offers.offer_to_drivers(session, donation_id=donation.id, now=now)
    await session.commit()
    return donation.id


async def check_dates(
    session: AsyncSession, items: tuple[DraftItem, ...], *, now: datetime, tz: str
) -> None:
    """Refuses (PastDate) the items past their use-by date, or their best-before date and
    their category's grace, as the catalogue says now, on the antenna's day at ``now``."""
    ids = {i.category_id for i in items if i.use_by or i.best_before}
    if not ids:
        return
    rows = await session.exec(select(Category.id, Category.grace_days).where(Category.id.in_(ids)))
    refused = out_of_date(items, dict(rows.all()), local_today(now, tz))
    if refused:
        raise PastDate(refused)


def add_items(session: AsyncSession, donation_id: int, items: tuple[DraftItem, ...]) -> None:
    for item in items:
        session.add(
            DonationItem(
                donation_id=donation_id,
                category_id=item.category_id,
                label=item.text[:200],
                quantity=item.quantity,
                unit=item.unit,
                cold_chain=item.cold_chain,
                estimated_kg=item.estimated_kg or 0,
                use_by=item.use_by,
                best_before=item.best_before,
                lot=item.lot,
            )
        )


async def _claim_for_standing_driver(
    session: AsyncSession, donation: Donation, now: datetime
) -> None:
    """A recurring day goes straight to the driver who holds its weekly slot, if they can."""
    if donation.recurring_slot_id is None:
        return
    slot = await session.get(RecurringSlot, donation.recurring_slot_id)
    if slot is not None and slot.standing_driver_id is not None:
        await driver_offers.claim_for_standing_driver(
            session, donation_id=donation.id, driver_id=slot.standing_driver_id, now=now
        )
