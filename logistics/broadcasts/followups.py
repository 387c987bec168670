"""Follow-ups of work left half done: weights not recorded, receipts not confirmed.

Part of the periodic check (next to ``logistics.broadcasts.reminders``), each entry queued
exactly once under its ``dedupe_key``:

- a collected pickup (``picked_up``) whose deliveries are still not recorded ``WEIGHTS_AFTER``
  its window ended: ``weights_reminder`` to its driver, again every ``WEIGHTS_EVERY``;
- a delivery whose receipt is still ``pending`` ``RECEIPT_AFTER`` it was delivered:
  ``receipt_reminder`` to the association's active members, again every ``RECEIPT_EVERY``;
- a claimed pickup whose driver answered the missed-collection check "collected" but has
  recorded no kg ``WEIGHTS_AFTER`` that answer: ``kg_reminder`` to the driver, on the same
  rhythm, then ``kg_missing`` to the coordinators;
- after ``REMINDERS_BEFORE_ESCALATION`` reminders and one more interval without an answer (or
  when nobody can be reminded), the antenna's coordinators are told once:
  ``weights_overdue`` / ``receipt_overdue``.

The reminders already queued are read back from the outbox by their keys, so a pass after
downtime sends the next reminder only, never a burst of the missed ones.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from logistics.broadcasts.reminders import _coordinators, _Queue
from logistics.notify import reachable
from logistics.pickups.said_collected import said_collected_at
from logistics.transaction import take_write_lock
from storage.models import Claim, Delivery, Donation, Member, Membership, Outbox, Receipt

WEIGHTS_AFTER = timedelta(hours=1)  # after the window's end
WEIGHTS_EVERY = timedelta(hours=3)
RECEIPT_AFTER = timedelta(hours=6)  # after the delivery
RECEIPT_EVERY = timedelta(hours=24)
REMINDERS_BEFORE_ESCALATION = 2
WEIGHTS_LOOKBACK = timedelta(days=2)  # by window start: older pickups are left alone
RECEIPT_LOOKBACK = timedelta(days=7)  # covers the reminders and the escalation of a receipt
RECEIPT_STATUSES = ("picked_up", "delivered")  # a donation with a stop that may await a receipt


@dataclass(frozen=True)
class Timing:
    after: timedelta
    every: timedelta
    times: int = REMINDERS_BEFORE_ESCALATION


WEIGHTS = Timing(WEIGHTS_AFTER, WEIGHTS_EVERY)
RECEIPTS = Timing(RECEIPT_AFTER, RECEIPT_EVERY)


def next_step(
    timing: Timing,
    *,
    since: datetime,
    sent: dict[int, datetime],
    reachable: bool,
    now: datetime,
) -> int | None:
    """What is due now for a thing left undone ``since``: the number of the next reminder,
    0 to tell the coordinators, or None. ``sent`` holds the reminders queued so far."""
    first = since + timing.after
    if now < first:
        return None
    count = max(sent, default=0)
    if count >= timing.times:
        return 0 if now >= sent[count] + timing.every else None
    if not reachable:
        return 0 if now >= first + timing.times * timing.every else None
    due = first if count == 0 else sent[count] + timing.every
    return count + 1 if now >= due else None


async def _sent(
    session: AsyncSession, keys: dict[str, tuple[int, int]]
) -> dict[int, dict[int, datetime]]:
    """The reminders already queued, by thing and number, from their keys (one query)."""
    found: dict[int, dict[int, datetime]] = defaultdict(dict)
    if not keys:
        return found
    rows = await session.exec(
        select(Outbox.dedupe_key, Outbox.created_at).where(col(Outbox.dedupe_key).in_(keys))
    )
    for key, at in rows.all():
        thing, number = keys[key]
        found[thing][number] = min(at, found[thing].get(number, at))
    return found


async def _weights(session: AsyncSession, queue: _Queue, now: datetime) -> list[Donation]:
    """Queue the weight reminders due; the pickups to escalate."""
    rows = (
        await session.exec(
            select(Donation, Member)
            .outerjoin(
                Claim,
                and_(col(Claim.donation_id) == Donation.id, col(Claim.released_at).is_(None)),
            )
            .outerjoin(Member, col(Member.id) == Claim.driver_id)
            .where(
                Donation.status == "picked_up",
                Donation.window_start >= now - WEIGHTS_LOOKBACK,
                Donation.window_start <= now - WEIGHTS_AFTER,
            )
        )
    ).all()
    rows = [(d, m, d.window_end) for d, m in rows if d.window_end + WEIGHTS_AFTER <= now]
    return await _remind_drivers(session, queue, rows, "weights_reminder", now)


async def _remind_drivers(
    session: AsyncSession,
    queue: _Queue,
    rows: list[tuple[Donation, Member | None, datetime]],
    kind: str,
    now: datetime,
) -> list[Donation]:
    """Queue the driver's next ``kind`` reminder of each (pickup, driver, counted from) row
    when due, on the WEIGHTS schedule; the pickups to escalate."""
    steps = range(1, WEIGHTS.times + 1)
    keys = {f"{kind}:{d.id}:{n}": (d.id, n) for d, _, _ in rows for n in steps}
    sent = await _sent(session, keys)
    escalate = []
    for donation, driver, since in rows:
        step = next_step(
            WEIGHTS, since=since, sent=sent[donation.id], reachable=reachable(driver), now=now
        )
        if step == 0:
            escalate.append(donation)
        elif step is not None:
            key = f"{kind}:{donation.id}:{step}"
            queue.add(driver.telegram_id, kind, key, donation_id=donation.id, n=step)
    return escalate


async def _said_collected(session: AsyncSession, queue: _Queue, now: datetime) -> list[Donation]:
    """Pickups the driver said were collected, kg still missing: queue the kg reminders due
    (timed from the answer, like the weights); the pickups to escalate."""
    rows = (
        await session.exec(
            select(Donation, Member)
            .join(
                Claim,
                and_(col(Claim.donation_id) == Donation.id, col(Claim.released_at).is_(None)),
            )
            .join(Member, col(Member.id) == Claim.driver_id)
            .where(
                Donation.status == "claimed",
                Donation.window_start >= now - WEIGHTS_LOOKBACK,
                Donation.window_start <= now,
            )
        )
    ).all()
    said = await said_collected_at(session, [d.id for d, _ in rows])
    rows = [(d, m, said[d.id]) for d, m in rows if d.id in said]
    return await _remind_drivers(session, queue, rows, "kg_reminder", now)


async def _receipts(
    session: AsyncSession, queue: _Queue, now: datetime
) -> list[tuple[Delivery, int]]:
    """Queue the receipt reminders due; the (delivery, antenna id) pairs to escalate."""
    rows = (
        await session.exec(
            select(Delivery, Donation.antenna_id)
            .join(Donation, col(Donation.id) == Delivery.donation_id)
            .join(Receipt, col(Receipt.delivery_id) == Delivery.id)
            .where(
                col(Donation.status).in_(RECEIPT_STATUSES),
                Donation.window_start >= now - RECEIPT_LOOKBACK,
                Donation.window_start <= now - RECEIPT_AFTER,
                Receipt.status == "pending",
                col(Delivery.association_id).is_not(None),
                Delivery.delivered_at <= now - RECEIPT_AFTER,
            )
        )
    ).all()
    members = await _association_members(session, {d.association_id for d, _ in rows})
    keys = {
        f"receipt_reminder:{d.id}:{n}:{chat}": (d.id, n)
        for d, _ in rows
        for chat in members.get(d.association_id, [])
        for n in range(1, RECEIPTS.times + 1)
    }
    sent = await _sent(session, keys)
    escalate = []
    for delivery, antenna_id in rows:
        chats = members.get(delivery.association_id, [])
        step = next_step(
            RECEIPTS,
            since=delivery.delivered_at,
            sent=sent[delivery.id],
            reachable=bool(chats),
            now=now,
        )
        if step == 0:
            escalate.append((delivery, antenna_id))
        elif step is not None:
            for chat_id in chats:
                key = f"receipt_reminder:{delivery.id}:{step}:{chat_id}"
                queue.add(chat_id, "receipt_reminder", key, delivery_id=delivery.id, n=step)
    return escalate


async def _association_members(
    session: AsyncSession, association_ids: set[int]
) -> dict[int, list[int]]:
    """The chat ids of each association's reachable active members (one query)."""
    if not association_ids:
        return {}
    rows = await session.exec(
        select(Membership.association_id, Member)
        .join(Member, col(Member.id) == Membership.member_id)
        .where(
            col(Membership.association_id).in_(association_ids),
            Membership.role == "association",
            Membership.status == "active",
        )
        .order_by(col(Member.id))
    )
    found: dict[int, list[int]] = {}
    for association_id, member in rows.all():
        if reachable(member) and member.telegram_id not in found.get(association_id, []):
            found.setdefault(association_id, []).append(member.telegram_id)
    return found


async def due_followups(session: AsyncSession, *, now: datetime) -> int:
    """One pass: queue the reminders and escalations due now; how many entries were new."""
    await take_write_lock(session)
    queue = _Queue(now)
    weights = await _weights(session, queue, now)
    unweighed = await _said_collected(session, queue, now)
    receipts = await _receipts(session, queue, now)
    coordinators = await _coordinators(
        session,
        {d.antenna_id for d in weights + unweighed} | {a for _, a in receipts},
    )
    for donation in unweighed:
        for chat_id in coordinators.get(donation.antenna_id, []):
            key = f"kg_missing:{donation.id}:{chat_id}"
            queue.add(chat_id, "kg_missing", key, donation_id=donation.id, n=WEIGHTS.times)
    for donation in weights:
        for chat_id in coordinators.get(donation.antenna_id, []):
            key = f"weights_overdue:{donation.id}:{chat_id}"
            queue.add(chat_id, "weights_overdue", key, donation_id=donation.id, n=WEIGHTS.times)
    for delivery, antenna_id in receipts:
        for chat_id in coordinators.get(antenna_id, []):
            key = f"receipt_overdue:{delivery.id}:{chat_id}"
            queue.add(chat_id, "receipt_overdue", key, delivery_id=delivery.id, n=RECEIPTS.times)
    queued = await queue.write(session)
    await session.commit()
    return queued
