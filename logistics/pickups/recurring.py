"""Recurring pickups: each day of a standing weekly slot opens by itself.

``open_due_slots`` runs every few minutes. It opens today's and tomorrow's day of every active
slot as a "draft" donation (in the antenna's local time), asks the store's managers a few hours
before the window what they have, and lets the days nobody answered expire. The store answers
with its quantities (``announce`` fills the draft) or with ``nothing_today``.

Opening is safe to run twice at once: the unique (slot, day) drops the second insert, and the
conditional update that marks a day as asked lets only one run ask.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import insert, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from logistics.errors import AlreadyDone, NotFound
from logistics.notify import notify_member
from logistics.people.identity import Identity
from logistics.people.permissions import acting_as
from logistics.transaction import transaction
from storage.models import Antenna, AuditLog, Donation, Member, Membership, RecurringSlot, Store

PROMPT_BEFORE = timedelta(hours=3)  # the store is asked this long before the window
DAYS_OPEN = 2  # today and tomorrow
INSERT_BATCH = 500  # rows per INSERT statement


@transaction
async def open_due_slots(session: AsyncSession, *, now: datetime) -> list[int]:
    """Expire unanswered days, open the missing ones, ask the stores; ids of the opened days."""
    await _expire_unanswered(session, now)
    slots = (await session.exec(_active_slots())).all()
    opened = await _open_missing(session, list(_slot_days(slots, now)), now)
    await _ask_stores(session, now)
    return opened


@transaction
async def nothing_today(
    session: AsyncSession, *, donation_id: int, identity: Identity, now: datetime
) -> None:
    """The store has nothing for this recurring day: it is cancelled."""
    donation = await _slot_day(session, donation_id)
    acting = acting_as(
        identity,
        "store_manager",
        donation.antenna_id,
        store_id=donation.store_id,
        reason="not_store_manager",
    )
    if donation.status != "draft":
        raise AlreadyDone()
    cancelled = await session.exec(
        update(Donation)
        .where(col(Donation.id) == donation_id, col(Donation.status) == "draft")
        .values(status="cancelled", updated_at=now)
    )
    if cancelled.rowcount != 1:
        raise AlreadyDone()
    session.add(
        AuditLog(
            at=now,
            actor_id=acting.member_id,
            action="donation.nothing_today",
            entity="donation",
            entity_id=donation_id,
            detail={"on_behalf": acting.on_behalf},
        )
    )


async def slot_to_fill(session: AsyncSession, *, donation_id: int, identity: Identity) -> int:
    """The store whose recurring day this person may now give the quantities of."""
    donation = await _slot_day(session, donation_id)
    acting_as(
        identity,
        "store_manager",
        donation.antenna_id,
        store_id=donation.store_id,
        reason="not_store_manager",
    )
    if donation.status != "draft":
        raise AlreadyDone()
    return donation.store_id


async def _slot_day(session: AsyncSession, donation_id: int) -> Donation:
    donation = await session.get(Donation, donation_id, populate_existing=True)
    if donation is None or donation.recurring_slot_id is None:
        raise NotFound("donation")
    return donation


def _active_slots() -> Any:
    """(slot, antenna id, time zone) of every active slot of an active store."""
    return (
        select(RecurringSlot, Store.antenna_id, Antenna.timezone)
        .join(Store, col(Store.id) == RecurringSlot.store_id)
        .join(Antenna, col(Antenna.id) == Store.antenna_id)
        .where(col(RecurringSlot.active).is_(True), col(Store.active).is_(True))
        .order_by(col(RecurringSlot.id))
    )


def _slot_days(slots: Sequence[Any], now: datetime) -> Iterator[dict[str, Any]]:
    """The donation rows of the slots' days, today and tomorrow locally, not yet over."""
    for slot, antenna_id, timezone in slots:
        zone = ZoneInfo(timezone)
        today = now.astimezone(zone).date()
        for day in (today + timedelta(days=n) for n in range(DAYS_OPEN)):
            if day.weekday() != slot.weekday:
                continue
            window = slot_window(slot, day, zone)
            if window is None or window[1] <= now:
                continue
            start, end = window
            yield {
                "antenna_id": antenna_id,
                "store_id": slot.store_id,
                "recurring_slot_id": slot.id,
                "service_day": day,
                "status": "draft",
                "window_start": start,
                "window_end": end,
                "estimated_kg": 0.0,
                "created_at": now,
                "updated_at": now,
            }


def slot_window(slot: RecurringSlot, day: date, zone: ZoneInfo) -> tuple[datetime, datetime] | None:
    """The slot's window on that local day, in UTC; None when a clock change swallows it."""
    start, end = _utc(day, slot.window_start, zone), _utc(day, slot.window_end, zone)
    return (start, end) if start < end else None


def _utc(day: date, wall_clock: str, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time.fromisoformat(wall_clock), tzinfo=zone).astimezone(UTC)


async def _open_missing(
    session: AsyncSession, rows: list[dict[str, Any]], now: datetime
) -> list[int]:
    """Insert the days not opened yet; one opened meanwhile by another run is left alone."""
    if not rows:
        return []
    existing = await session.exec(
        select(Donation.recurring_slot_id, Donation.service_day).where(
            col(Donation.service_day).in_({r["service_day"] for r in rows}),
            col(Donation.recurring_slot_id).is_not(None),
        )
    )
    known = {tuple(row) for row in existing.all()}
    missing = [r for r in rows if (r["recurring_slot_id"], r["service_day"]) not in known]
    dialect = (await session.connection()).dialect.name
    upsert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    opened: list[int] = []
    for first in range(0, len(missing), INSERT_BATCH):
        statement = (
            upsert(Donation)
            .values(missing[first : first + INSERT_BATCH])
            .on_conflict_do_nothing(index_elements=["recurring_slot_id", "service_day"])
            .returning(col(Donation.id))
        )
        opened += (await session.exec(statement)).scalars().all()
    await _audit(session, now, "donation.opened", opened)
    return sorted(opened)


async def _ask_stores(session: AsyncSession, now: datetime) -> None:
    """Mark the days whose question is due as asked, then queue it to the store managers."""
    active_slots = (
        select(RecurringSlot.id)
        .join(Store, col(Store.id) == RecurringSlot.store_id)
        .where(col(RecurringSlot.active).is_(True), col(Store.active).is_(True))
    )
    asked = await session.exec(
        update(Donation)
        .where(
            col(Donation.status) == "draft",
            col(Donation.prompted_at).is_(None),
            col(Donation.recurring_slot_id).in_(active_slots),
            col(Donation.window_start) <= now + PROMPT_BEFORE,
            col(Donation.window_end) > now,
        )
        .values(prompted_at=now, updated_at=now)
        .returning(col(Donation.id), col(Donation.store_id))
        .execution_options(synchronize_session=False)
    )
    days = sorted(asked.all())
    if not days:
        return
    await _audit(session, now, "donation.prompted", [donation_id for donation_id, _ in days])
    managers = await session.exec(
        select(Membership.store_id, Member)
        .join(Member, col(Member.id) == Membership.member_id)
        .where(
            col(Membership.store_id).in_({store_id for _, store_id in days}),
            Membership.role == "store_manager",
            Membership.status == "active",
        )
        .order_by(col(Member.id))
    )
    by_store: dict[int, list[Member]] = defaultdict(list)
    for store_id, member in managers.all():
        by_store[store_id].append(member)
    for donation_id, store_id in days:
        for member in by_store[store_id]:
            notify_member(
                session, member=member, kind="slot_prompt", now=now, donation_id=donation_id
            )


async def _expire_unanswered(session: AsyncSession, now: datetime) -> None:
    expired = await session.exec(
        update(Donation)
        .where(col(Donation.status) == "draft", col(Donation.window_end) <= now)
        .values(status="expired", updated_at=now)
        .returning(col(Donation.id))
        .execution_options(synchronize_session=False)
    )
    await _audit(session, now, "donation.expired", list(expired.scalars()))


async def _audit(session: AsyncSession, now: datetime, action: str, ids: list[int]) -> None:
    """The system's audit lines, one per donation, in one statement."""
    if ids:
        rows = [
            {"at": now, "action": action, "entity": "donation", "entity_id": i, "detail": {}}
            for i in ids
        ]
        await session.exec(insert(AuditLog).values(rows))
