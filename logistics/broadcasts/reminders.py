"""The periodic check of pickups: alerts and reminders, each queued exactly once.

One pass looks at the pickups around ``now`` and queues what is due:

- an announced pickup nobody took, 3 hours before its window, and the evening before (from
  19:00 local on the day before): ``unclaimed_alert`` to the antenna group and coordinators;
- a claimed pickup, 3 hours before its window: ``pickup_reminder`` to its driver;
- a claimed pickup with nothing recorded 90 minutes after its window started:
  ``missed_check`` to its driver; still unanswered 2 hours later, the pickup is flagged
  missed and the coordinators get ``missed_pickup``; unless the driver answered the food was
  collected (``logistics.pickups.said_collected``): the kg are then followed up instead.

Every entry has a ``dedupe_key`` inserted with "insert or ignore": two passes, even at the same
moment on two processes, queue it once. A flag is a conditional update (only a pickup still
claimed), so it too happens once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from logistics.notify import CARD, reachable
from logistics.pickups.said_collected import said_collected_at
from logistics.transaction import take_write_lock
from storage.models import Antenna, AuditLog, Claim, Donation, Member, Membership, Outbox

UNCLAIMED_BEFORE = timedelta(hours=3)
EVENING_FROM = time(19, 0)  # local time of the evening-before alert
REMINDER_BEFORE = timedelta(hours=3)
CHECK_AFTER = timedelta(minutes=90)  # after the window start, nothing recorded: ask the driver
ANSWER_WITHIN = timedelta(hours=2)  # after the question, no answer: the pickup is missed
LOOKBACK = timedelta(days=2)  # older pickups are left alone
LOOKAHEAD = timedelta(hours=30)  # covers the evening before the window's day, DST included


@dataclass(frozen=True)
class Timing:
    """When alerts and reminders are due (``[reminders]`` of config.toml; the constants above
    are the defaults)."""

    unclaimed_before: timedelta = UNCLAIMED_BEFORE
    evening_from: time = EVENING_FROM
    reminder_before: timedelta = REMINDER_BEFORE
    check_after: timedelta = CHECK_AFTER
    answer_within: timedelta = ANSWER_WITHIN

    @property
    def lookahead(self) -> timedelta:
        return max(LOOKAHEAD, self.unclaimed_before, self.reminder_before)


DEFAULT_TIMING = Timing()


def _evening_before(start: datetime, now: datetime, tz: str, evening_from: time) -> bool:
    """``now`` is on the evening before the window's local day (from 19:00 until midnight)."""
    zone = ZoneInfo(tz)
    local_now, window_day = now.astimezone(zone), start.astimezone(zone).date()
    return local_now.date() == window_day - timedelta(days=1) and local_now.time() >= evening_from


class _Queue:
    """The outbox entries of one pass, each under its key."""

    def __init__(self, now: datetime) -> None:
        self.now = now
        self.rows: list[dict[str, Any]] = []

    def add(self, chat_id: int, kind: str, key: str, **data: Any) -> None:
        self.rows.append(
            {
                "chat_id": chat_id,
                "method": "notify",
                "payload": {"kind": kind, **data},
                "dedupe_key": key,
                "status": "pending",
                "attempts": 0,
                "next_attempt_at": self.now,
                "created_at": self.now,
            }
        )

    async def write(self, session: AsyncSession) -> int:
        """Insert every entry whose key is new; how many were."""
        if not self.rows:
            return 0
        dialect = (await session.connection()).dialect.name
        make = postgresql.insert if dialect == "postgresql" else sqlite.insert
        statement = (
            make(Outbox)
            .values(self.rows)
            .on_conflict_do_nothing(index_elements=["dedupe_key"])
            .returning(col(Outbox.id))
        )
        return len((await session.exec(statement)).scalars().all())


async def _coordinators(session: AsyncSession, antenna_ids: set[int]) -> dict[int, list[int]]:
    """The chat ids of each antenna's reachable active coordinators (one query)."""
    if not antenna_ids:
        return {}
    rows = await session.exec(
        select(Membership.antenna_id, Member)
        .join(Member, col(Member.id) == Membership.member_id)
        .where(
            col(Membership.antenna_id).in_(antenna_ids),
            Membership.role == "coordinator",
            Membership.status == "active",
        )
    )
    found: dict[int, list[int]] = {}
    for antenna_id, member in rows.all():
        if reachable(member) and member.telegram_id not in found.get(antenna_id, []):
            found.setdefault(antenna_id, []).append(member.telegram_id)
    return found


async def _unclaimed(
    session: AsyncSession, now: datetime, timing: Timing
) -> list[tuple[Donation, Antenna, str]]:
    """The announced pickups with an alert due now, and the phase of each alert."""
    rows = await session.exec(
        select(Donation, Antenna)
        .join(Antenna, col(Antenna.id) == Donation.antenna_id)
        .where(
            Donation.status == "announced",
            Donation.window_start > now,
            Donation.window_start <= now + timing.lookahead,
        )
    )
    due = []
    for donation, antenna in rows.all():
        if donation.window_start - timing.unclaimed_before <= now:
            due.append((donation, antenna, "soon"))
        if _evening_before(donation.window_start, now, antenna.timezone, timing.evening_from):
            due.append((donation, antenna, "evening"))
    return due


async def _claimed(
    session: AsyncSession, now: datetime, timing: Timing
) -> list[tuple[Donation, Antenna, Member]]:
    """The claimed pickups from ``LOOKBACK`` ago to the reminder's time ahead, with drivers."""
    rows = await session.exec(
        select(Donation, Antenna, Member)
        .join(Antenna, col(Antenna.id) == Donation.antenna_id)
        .join(Claim, col(Claim.donation_id) == Donation.id)
        .join(Member, col(Member.id) == Claim.driver_id)
        .where(
            Donation.status == "claimed",
            col(Claim.released_at).is_(None),
            Donation.window_start >= now - LOOKBACK,
            Donation.window_start <= now + timing.reminder_before,
        )
    )
    return list(rows.all())


async def _checks_asked(session: AsyncSession, donation_ids: list[int]) -> dict[int, datetime]:
    """When each pickup's driver was asked whether it happened (one query)."""
    if not donation_ids:
        return {}
    keys = {f"missed_check:{i}": i for i in donation_ids}
    rows = await session.exec(
        select(Outbox.dedupe_key, Outbox.created_at).where(col(Outbox.dedupe_key).in_(keys))
    )
    return {keys[key]: at for key, at in rows.all()}


async def _flag_missed(session: AsyncSession, donation_ids: list[int], now: datetime) -> list[int]:
    """Mark the pickups missed, those still claimed only; the ids that were."""
    if not donation_ids:
        return []
    flagged = await session.exec(
        update(Donation)
        .where(col(Donation.id).in_(donation_ids), Donation.status == "claimed")
        .values(status="missed", updated_at=now)
        .returning(col(Donation.id))
    )
    ids = sorted(flagged.scalars().all())
    for donation_id in ids:
        session.add(
            AuditLog(
                at=now,
                action="donation.missed",
                entity="donation",
                entity_id=donation_id,
                detail={"reason": "no_answer"},
            )
        )
    return ids


async def due_reminders(
    session: AsyncSession, *, now: datetime, timing: Timing = DEFAULT_TIMING
) -> int:
    """One pass of the check: queue what is due, flag what was missed; how many entries."""
    await take_write_lock(session)
    queue = _Queue(now)
    unclaimed = await _unclaimed(session, now, timing)
    claimed = await _claimed(session, now, timing)
    late = [(d, a, m) for d, a, m in claimed if d.window_start + timing.check_after <= now]
    said = await said_collected_at(session, [d.id for d, _, _ in late])
    late = [(d, a, m) for d, a, m in late if d.id not in said]  # collected, kg to come
    asked = await _checks_asked(session, [d.id for d, _, _ in late])

    to_flag, antenna_of = [], {}
    for donation, antenna, driver in late:
        antenna_of[donation.id] = antenna
        if donation.id in asked:
            if asked[donation.id] + timing.answer_within <= now:
                to_flag.append(donation.id)
        elif reachable(driver):
            key = f"missed_check:{donation.id}"
            queue.add(driver.telegram_id, "missed_check", key, donation_id=donation.id)
        elif donation.window_start + timing.check_after + timing.answer_within <= now:
            to_flag.append(donation.id)  # nobody to ask
    flagged = await _flag_missed(session, to_flag, now)

    coordinators = await _coordinators(
        session, {a.id for _, a, _ in unclaimed} | {antenna_of[i].id for i in flagged}
    )
    for donation, antenna, phase in unclaimed:
        chats = [antenna.group_chat_id] if antenna.group_chat_id else []
        for chat_id in chats + coordinators.get(antenna.id, []):
            key = f"unclaimed:{phase}:{donation.id}:{chat_id}"
            queue.add(chat_id, "unclaimed_alert", key, donation_id=donation.id)
    for donation, _antenna, driver in claimed:
        starts_in = donation.window_start - now
        if timedelta(0) < starts_in <= timing.reminder_before and reachable(driver):
            key = f"pickup_reminder:{donation.id}:{driver.id}"
            queue.add(driver.telegram_id, "pickup_reminder", key, donation_id=donation.id)
    for donation_id in flagged:
        antenna = antenna_of[donation_id]
        for chat_id in coordinators.get(antenna.id, []):
            key = f"missed_pickup:{donation_id}:{chat_id}"
            queue.add(chat_id, "missed_pickup", key, donation_id=donation_id)
        if antenna.group_chat_id:
            key = f"missed_card:{donation_id}"
            queue.add(antenna.group_chat_id, CARD, key, donation_id=donation_id)
    queued = await queue.write(session)
    await session.commit()
    return queued
