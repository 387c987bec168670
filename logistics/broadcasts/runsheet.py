"""The morning run sheet of an antenna, and the key that sends each broadcast exactly once.

A broadcast is keyed by (antenna, local day, kind) in ``broadcast_log``: the row is inserted
in the same transaction as the outbox entry it guards, so a restart, a second scheduler on the
same database or the autumn hour that the scheduler runs twice can never send it twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import and_, or_
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from logistics.notify import REACHABLE, notify_coordinators, notify_group
from logistics.pickups.claim_queries import drivers_of
from logistics.pickups.views import DonationView, StopView, donation_views
from logistics.tours.views import TourLine, day_tours
from logistics.transaction import take_write_lock
from storage.models import Antenna, BroadcastLog, Delivery, Donation, Member, Receipt

RUN_SHEET = "run_sheet"
SHEET_STATUSES = ("announced", "claimed", "picked_up")
# A day of a weekly slot is on the sheet from the moment it opens ("draft": the store has not
# given its quantities yet); one the store answered "nothing today" is listed apart.
WAITING, NOTHING_TODAY = "draft", "cancelled"
# After downtime, a run sheet whose time has passed is still sent until this local hour:
# later in the day the pickups are under way and the group has moved on.
CATCH_UP_UNTIL = time(12, 0)


@dataclass(frozen=True)
class PendingReceipt:
    donation: DonationView
    stop: StopView


@dataclass(frozen=True)
class RunSheet:
    antenna_id: int
    antenna_name: str
    tz: str
    day: date
    languages: tuple[str, ...]
    pickups: tuple[DonationView, ...]  # by window start
    nothing_today: tuple[DonationView, ...]  # weekly slots' days the store has nothing for
    pending: tuple[PendingReceipt, ...]  # yesterday's deliveries still awaiting their receipt
    unreachable: tuple[Unreachable, ...] = ()  # drivers the bot cannot write to (offers lost)
    tours: tuple[TourLine, ...] = ()  # the vans' tours leaving that day


@dataclass(frozen=True)
class Unreachable:
    name: str | None
    opened: bool  # False: never opened the bot; True: blocked it or left Telegram


def day_bounds(day: date, tz: str) -> tuple[datetime, datetime]:
    """The instants a local day starts and ends (23 or 25 hours on a DST change)."""
    zone = ZoneInfo(tz)
    start = datetime.combine(day, time(0), tzinfo=zone)
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone)
    return start, end


def local_day(now: datetime, tz: str) -> date:
    return now.astimezone(ZoneInfo(tz)).date()


async def run_sheet(session: AsyncSession, *, antenna_id: int, day: date) -> RunSheet:
    """The antenna's pickups starting that local day (the opened days of its weekly slots
    included), the slot days the stores have nothing for, and yesterday's unconfirmed
    receipts."""
    antenna = await session.get(Antenna, antenna_id)
    if antenna is None:
        raise LookupError(f"no antenna {antenna_id}")
    start, end = day_bounds(day, antenna.timezone)
    yesterday, _ = day_bounds(day - timedelta(days=1), antenna.timezone)
    day_rows = (
        await session.exec(
            select(Donation.id, Donation.status)
            .where(
                Donation.antenna_id == antenna_id,
                or_(
                    Donation.status.in_(SHEET_STATUSES),
                    and_(
                        Donation.status.in_((WAITING, NOTHING_TODAY)),
                        Donation.recurring_slot_id.is_not(None),
                    ),
                ),
                Donation.window_start >= start,
                Donation.window_start < end,
            )
            .order_by(Donation.window_start, Donation.id)
        )
    ).all()
    pending_rows = (
        await session.exec(
            select(Delivery.id, Delivery.donation_id)
            .join(Receipt, Receipt.delivery_id == Delivery.id)
            .join(Donation, Donation.id == Delivery.donation_id)
            .where(
                Donation.antenna_id == antenna_id,
                Receipt.status == "pending",
                Delivery.delivered_at >= yesterday,
                Delivery.delivered_at < start,
            )
            .order_by(Delivery.delivered_at, Delivery.id)
        )
    ).all()
    pickup_ids = [i for i, status in day_rows if status != NOTHING_TODAY]
    nothing_ids = [i for i, status in day_rows if status == NOTHING_TODAY]
    views = await donation_views(
        session, [*pickup_ids, *nothing_ids, *(d for _, d in pending_rows)]
    )
    drivers = await session.exec(
        drivers_of(antenna_id)
        .where(~REACHABLE)
        .distinct()
        .order_by(col(Member.name), col(Member.id))
    )
    unreachable = tuple(
        Unreachable(name=d.name, opened=d.opened_at is not None)
        for d in drivers.all()
        if d.telegram_id is not None  # an erased person is nobody to call
    )
    pending = []
    for delivery_id, donation_id in pending_rows:
        view = views[donation_id]
        stop = next(s for s in view.stops if s.delivery_id == delivery_id)
        pending.append(PendingReceipt(donation=view, stop=stop))
    return RunSheet(
        antenna_id=antenna.id,
        antenna_name=antenna.name,
        tz=antenna.timezone,
        day=day,
        languages=tuple(x for x in antenna.group_languages.split(",") if x),
        pickups=tuple(views[i] for i in pickup_ids),
        nothing_today=tuple(views[i] for i in nothing_ids),
        pending=tuple(pending),
        unreachable=unreachable,
        tours=await day_tours(session, antenna_id=antenna_id, start=start, end=end),
    )


async def todays_run_sheet(session: AsyncSession, *, antenna_id: int, now: datetime) -> RunSheet:
    """The run sheet of the antenna's current local day."""
    antenna = await session.get(Antenna, antenna_id)
    if antenna is None:
        raise LookupError(f"no antenna {antenna_id}")
    return await run_sheet(session, antenna_id=antenna_id, day=local_day(now, antenna.timezone))


async def insert_broadcast_key(
    session: AsyncSession, *, antenna_id: int, day: date, kind: str, now: datetime
) -> bool:
    """Add the broadcast's key to the open transaction; False (rolled back) when it exists."""
    session.add(BroadcastLog(antenna_id=antenna_id, day=day, kind=kind, created_at=now))
    try:
        await session.flush()
    except IntegrityError:
        await session.rollback()
        return False
    return True


async def claim_broadcast(
    session: AsyncSession, *, antenna_id: int, day: date, kind: str, now: datetime
) -> bool:
    """Take the (antenna, day, kind) key for good; False when it was already taken."""
    await take_write_lock(session)
    if not await insert_broadcast_key(session, antenna_id=antenna_id, day=day, kind=kind, now=now):
        return False
    await session.commit()
    return True


async def queue_coordinators_once(
    session: AsyncSession, *, antenna_id: int, kind: str, now: datetime
) -> int:
    """Queue today's ``kind`` for the antenna's coordinators under its (antenna, day, kind)
    key, once; how many entries were queued (0 when already done, or no such antenna)."""
    await take_write_lock(session)
    antenna = await session.get(Antenna, antenna_id)
    if antenna is None:
        await session.rollback()
        return 0
    day = local_day(now, antenna.timezone)
    if not await insert_broadcast_key(session, antenna_id=antenna_id, day=day, kind=kind, now=now):
        return 0
    queued = await notify_coordinators(
        session,
        antenna_id=antenna_id,
        kind=kind,
        now=now,
        antenna=antenna_id,  # ``antenna_id`` names whose coordinators are told
        day=day.isoformat(),
    )
    await session.commit()
    return queued


async def queue_run_sheet(session: AsyncSession, *, antenna_id: int, now: datetime) -> bool:
    """Queue today's run sheet for the antenna's group, once; whether it was queued."""
    await take_write_lock(session)
    antenna = await session.get(Antenna, antenna_id)
    if antenna is None or antenna.group_chat_id is None:
        await session.rollback()
        return False
    day = local_day(now, antenna.timezone)
    if not await insert_broadcast_key(
        session, antenna_id=antenna_id, day=day, kind=RUN_SHEET, now=now
    ):
        return False
    notify_group(
        session,
        antenna=antenna,
        kind=RUN_SHEET,
        now=now,
        antenna_id=antenna_id,
        day=day.isoformat(),
        queued_at=now.isoformat(),
    )
    await session.commit()
    return True


def run_sheet_due(antenna: Antenna, now: datetime) -> datetime:
    """The instant of today's run sheet in the antenna's time zone."""
    local = now.astimezone(ZoneInfo(antenna.timezone))
    hour, minute = (int(x) for x in antenna.run_sheet_time.split(":"))
    return datetime.combine(local.date(), time(hour, minute), tzinfo=local.tzinfo)


async def catch_up(session: AsyncSession, *, now: datetime) -> int:
    """After downtime: queue the run sheets whose time has passed today while still useful
    (before ``CATCH_UP_UNTIL`` local); those already sent are left alone by their key."""
    antennas = (await session.exec(select(Antenna).where(Antenna.group_chat_id.is_not(None)))).all()
    due = [
        a.id
        for a in antennas
        if run_sheet_due(a, now) <= now
        and now.astimezone(ZoneInfo(a.timezone)).time() < CATCH_UP_UNTIL
    ]
    await session.rollback()  # end the read before each antenna's own transaction
    queued = 0
    for antenna_id in due:
        queued += await queue_run_sheet(session, antenna_id=antenna_id, now=now)
    return queued
