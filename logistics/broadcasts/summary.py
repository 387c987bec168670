"""The evening summary of an antenna for its coordinators: what one local day brought in.

Every figure is read with a fixed number of aggregate queries (one per kind of figure, grouped
in the database), never one per donation, and counted between the antenna's local midnights.
The hubs' stock of the day comes with it (``logistics.stock.day_figures``): moves apart from
the kg collected, which already hold the food delivered to a hub; and so do the day's tours
(``logistics.tours.figures``): each vehicle's stops made, kg carried and estimated km.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import and_, case
from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from logistics.broadcasts.runsheet import day_bounds, local_day, queue_coordinators_once
from logistics.broadcasts.weekly import queue_summary_chart
from logistics.deliveries.settlement import kept_kg, kept_kg_of_item
from logistics.stock.day_figures import HubDay, hub_days
from logistics.tours.figures import TourFigures, day_tours_figures
from storage.models import Antenna, Category, Claim, Delivery, Donation, DonationItem, Receipt

SUMMARY = "summary"
DONE_STATUSES = ("picked_up", "delivered", "received")


@dataclass(frozen=True)
class CategoryKg:
    name_fr: str
    name_nl: str
    kg: float


@dataclass(frozen=True)
class Summary:
    antenna_id: int
    antenna_name: str
    tz: str
    day: date
    by_category: tuple[CategoryKg, ...]  # heaviest first
    today_kg: float
    week_kg: float  # local Monday to the end of the day
    last_week_kg: float  # the same days of the week before
    month_kg: float  # the 1st to the end of the day
    done: int
    missed: int
    unclaimed: int
    released_late: int
    disputed: int  # delivered that day, disputed and not settled yet
    hubs: tuple[HubDay, ...] = ()  # the hubs holding stock now or moving some that day
    tours: tuple[TourFigures, ...] = ()  # confirmed or done, by start


def _collected():
    """A donation whose collection weighed something."""
    return and_(Donation.status.in_(DONE_STATUSES), Donation.collected_kg > 0)


def _kg_between(start: datetime, end: datetime):
    inside = and_(Donation.window_start >= start, Donation.window_start < end)
    return func.coalesce(func.sum(case((inside, kept_kg()), else_=0)), 0)


async def summary(session: AsyncSession, *, antenna_id: int, day: date) -> Summary:
    """The figures of the antenna's local ``day``."""
    antenna = await session.get(Antenna, antenna_id)
    if antenna is None:
        raise LookupError(f"no antenna {antenna_id}")
    tz = antenna.timezone
    start, end = day_bounds(day, tz)
    monday = day - timedelta(days=day.weekday())
    week_start, _ = day_bounds(monday, tz)
    last_week_start, _ = day_bounds(monday - timedelta(days=7), tz)
    last_week_end, _ = day_bounds(day + timedelta(days=1) - timedelta(days=7), tz)
    month_start, _ = day_bounds(day.replace(day=1), tz)
    of_day = (Donation.antenna_id == antenna_id, Donation.window_start >= start)
    of_day += (Donation.window_start < end,)

    categories = (
        await session.exec(
            select(Category.name_fr, Category.name_nl, func.sum(kept_kg_of_item()))
            .join(DonationItem, DonationItem.category_id == Category.id)
            .join(Donation, Donation.id == DonationItem.donation_id)
            .where(*of_day, _collected(), DonationItem.collected_kg > 0)
            .group_by(Category.id, Category.name_fr, Category.name_nl)
        )
    ).all()
    earliest = min(last_week_start, month_start)
    today_kg, week_kg, last_week_kg, month_kg = (
        await session.exec(
            select(
                _kg_between(start, end),
                _kg_between(week_start, end),
                _kg_between(last_week_start, last_week_end),
                _kg_between(month_start, end),
            ).where(
                Donation.antenna_id == antenna_id,
                Donation.window_start >= earliest,
                Donation.window_start < end,
                _collected(),
            )
        )
    ).one()
    by_status = dict(
        (
            await session.exec(
                select(Donation.status, func.count())
                .where(*of_day)
                .where(_collected() | Donation.status.in_(("missed", "expired")))
                .group_by(Donation.status)
            )
        ).all()
    )
    released_late = (
        await session.exec(
            select(func.count())
            .select_from(Claim)
            .join(Donation, Donation.id == Claim.donation_id)
            .where(
                Donation.antenna_id == antenna_id,
                Claim.late_release,
                Claim.released_at >= start,
                Claim.released_at < end,
            )
        )
    ).one()
    disputed = (
        await session.exec(
            select(func.count())
            .select_from(Receipt)
            .join(Delivery, Delivery.id == Receipt.delivery_id)
            .join(Donation, Donation.id == Delivery.donation_id)
            .where(
                Donation.antenna_id == antenna_id,
                Receipt.status == "disputed",
                col(Receipt.settlement).is_(None),
                Delivery.delivered_at >= start,
                Delivery.delivered_at < end,
            )
        )
    ).one()
    return Summary(
        antenna_id=antenna_id,
        antenna_name=antenna.name,
        tz=tz,
        day=day,
        by_category=tuple(
            sorted(
                (CategoryKg(fr, nl, float(kg)) for fr, nl, kg in categories),
                key=lambda c: (-c.kg, c.name_fr),
            )
        ),
        today_kg=float(today_kg),
        week_kg=float(week_kg),
        last_week_kg=float(last_week_kg),
        month_kg=float(month_kg),
        done=sum(by_status.get(s, 0) for s in DONE_STATUSES),
        missed=by_status.get("missed", 0),
        unclaimed=by_status.get("expired", 0),
        released_late=released_late,
        disputed=disputed,
        hubs=await hub_days(session, antenna_id=antenna_id, day=day, tz=tz),
        tours=await day_tours_figures(session, antenna_id=antenna_id, day=day),
    )


async def todays_summary(session: AsyncSession, *, antenna_id: int, now: datetime) -> Summary:
    """The summary of the antenna's current local day."""
    antenna = await session.get(Antenna, antenna_id)
    if antenna is None:
        raise LookupError(f"no antenna {antenna_id}")
    return await summary(session, antenna_id=antenna_id, day=local_day(now, antenna.timezone))


async def queue_summary(session: AsyncSession, *, antenna_id: int, now: datetime) -> int:
    """Queue today's summary for the antenna's coordinators, once; how many were queued."""
    return await queue_coordinators_once(session, antenna_id=antenna_id, kind=SUMMARY, now=now)


def summary_due(antenna: Antenna, now: datetime) -> datetime:
    """The instant of today's summary in the antenna's time zone."""
    local = now.astimezone(ZoneInfo(antenna.timezone))
    hour, minute = (int(x) for x in antenna.summary_time.split(":"))
    return datetime.combine(local.date(), time(hour, minute), tzinfo=local.tzinfo)


async def catch_up_summaries(session: AsyncSession, *, now: datetime) -> int:
    """After downtime: queue today's summaries whose time has passed. They stay useful until
    the local midnight that ends their day: a summary of yesterday is never sent. Those already
    sent are left alone by their key; the weekly chart goes with each. Returns how many
    messages were queued."""
    antennas = (await session.exec(select(Antenna).order_by(Antenna.id))).all()
    due = [a.id for a in antennas if summary_due(a, now) <= now]
    await session.rollback()  # end the read before each antenna's own transaction
    queued = 0
    for antenna_id in due:
        queued += await queue_summary(session, antenna_id=antenna_id, now=now)
        queued += await queue_summary_chart(session, antenna_id=antenna_id, now=now)
    return queued
