"""Who keeps doing it: per driver, pickups done, missed, released late and recorded at 0 kg
(by reason); per store, pickups announced, cancelled, "nothing today" and missed by drivers;
over a report's month and over the last 90 days.

The figures are read from what the rules record: a pickup's driver is the one holding its
active (unreleased) claim; *missed* is the donation's status; a late release is a claim's
``late_release``; a 0 kg reason is the donation's ``zero_reason``. A store's *nothing today*
is a recurring day it answered so (``recurring.nothing_today``: the draft day cancelled, no
weight recorded); *cancelled* is every other cancelled pickup of the store (at 0 kg, no food
or store closed); *announced* is a pickup the store announced (``announced_by_id``). Every
figure counts the pickups whose window started in the period, which ends with today (local
time). Each list takes one grouped query per kind of figure, whatever the number of rows.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import and_, case, func, or_
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from logistics.reports.periods import Month, this_month
from storage.models import ZERO_REASONS, Antenna, Claim, Donation, Member, Store

RECENT = timedelta(days=90)  # local days: today and the 89 before
DONE_STATUSES = ("picked_up", "delivered", "received")


@dataclass(frozen=True)
class DriverFigures:
    done: int = 0
    missed: int = 0
    released_late: int = 0
    no_food: int = 0
    store_closed: int = 0
    did_not_happen: int = 0

    @property
    def zero(self) -> dict[str, int]:
        """0 kg pickups by reason."""
        return {reason: getattr(self, reason) for reason in ZERO_REASONS}

    @property
    def problems(self) -> int:
        return self.missed + self.released_late + sum(self.zero.values())


@dataclass(frozen=True)
class StoreFigures:
    announced: int = 0
    cancelled: int = 0
    nothing_today: int = 0
    missed: int = 0

    @property
    def problems(self) -> int:
        return self.cancelled + self.nothing_today + self.missed


@dataclass(frozen=True)
class DriverReliability:
    antenna: str
    member_id: int
    name: str | None  # None once the person is erased
    month: DriverFigures
    recent: DriverFigures  # the last 90 days


@dataclass(frozen=True)
class StoreReliability:
    antenna: str
    name: str
    month: StoreFigures
    recent: StoreFigures


@dataclass(frozen=True)
class Reliability:
    drivers: tuple[DriverReliability, ...]  # most problems over 90 days first
    stores: tuple[StoreReliability, ...]


@dataclass(frozen=True)
class Window:
    """The antennas of one time zone, the month's instants and the last 90 days'."""

    antenna_ids: list[int]
    month: tuple[datetime, datetime]
    recent: tuple[datetime, datetime]

    @staticmethod
    def of(month: Month, tz: str, now: datetime, antenna_ids: list[int]) -> Window:
        """Both periods end with today (local): the current month runs to date, and the last
        90 days are today and the 89 days before."""
        zone = ZoneInfo(tz)
        tomorrow = datetime.combine(
            now.astimezone(zone).date() + timedelta(days=1), time(0), tzinfo=zone
        )
        start, end = month.bounds(tz)
        return Window(antenna_ids, (start, min(end, tomorrow)), (tomorrow - RECENT, tomorrow))

    def periods(self) -> tuple[object, object]:
        return tuple(
            and_(Donation.window_start >= start, Donation.window_start < end)
            for start, end in (self.month, self.recent)
        )

    def scope(self) -> tuple[object, ...]:
        return col(Donation.antenna_id).in_(self.antenna_ids), or_(*self.periods())


def _count(condition) -> object:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _per_period(window: Window, conditions: dict[str, object]) -> list[object]:
    """One count per condition and period: the month's first, then the 90 days'."""
    return [_count(and_(p, c)) for p in window.periods() for c in conditions.values()]


def _named(values, conditions: dict[str, object]) -> tuple[dict[str, int], dict[str, int]]:
    """The counts of ``_per_period`` by name: the month's and the 90 days'."""
    half = len(conditions)
    return (
        dict(zip(conditions, map(int, values[:half]), strict=True)),
        dict(zip(conditions, map(int, values[half:]), strict=True)),
    )


DRIVER_PICKUPS = {
    "done": and_(col(Donation.status).in_(DONE_STATUSES), Donation.collected_kg > 0),
    "missed": Donation.status == "missed",
    **{reason: Donation.zero_reason == reason for reason in ZERO_REASONS},
}
DRIVER_RELEASES = {"released_late": col(Claim.late_release)}


async def _driver_counts(
    session: AsyncSession, window: Window, *where
) -> dict[tuple, tuple[DriverFigures, DriverFigures]]:
    """(antenna, member id, name) → the month's figures and the 90 days'. The pickups are
    counted for the driver of the active claim, the late releases for who released."""
    key = (Antenna.name, Member.id, Member.name)
    pickups = (
        select(*key, *_per_period(window, DRIVER_PICKUPS))
        .select_from(Donation)
        .join(Claim, and_(Claim.donation_id == Donation.id, col(Claim.released_at).is_(None)))
    )
    releases = (
        select(*key, *_per_period(window, DRIVER_RELEASES))
        .select_from(Claim)
        .join(Donation, Donation.id == Claim.donation_id)
        .where(col(Claim.late_release))
    )
    counts: dict[tuple, tuple[dict, dict]] = defaultdict(lambda: ({}, {}))
    for query, conditions in ((pickups, DRIVER_PICKUPS), (releases, DRIVER_RELEASES)):
        rows = await session.exec(
            query.join(Member, Member.id == Claim.driver_id)
            .join(Antenna, Antenna.id == Donation.antenna_id)
            .where(*window.scope(), *where)
            .group_by(*key)
        )
        for antenna, member_id, name, *values in rows.all():
            month, recent = _named(values, conditions)
            counts[(antenna, member_id, name)][0].update(month)
            counts[(antenna, member_id, name)][1].update(recent)
    return {who: (DriverFigures(**m), DriverFigures(**r)) for who, (m, r) in counts.items()}


NOTHING_TODAY = and_(
    Donation.status == "cancelled",
    col(Donation.recurring_slot_id).is_not(None),
    col(Donation.zero_reason).is_(None),
)
STORE_PICKUPS = {
    "announced": col(Donation.announced_by_id).is_not(None),
    "cancelled": and_(Donation.status == "cancelled", ~NOTHING_TODAY),
    "nothing_today": NOTHING_TODAY,
    "missed": Donation.status == "missed",
}


async def _store_lines(session: AsyncSession, window: Window) -> list[StoreReliability]:
    key = (Antenna.name, Store.id, Store.name)
    rows = await session.exec(
        select(*key, *_per_period(window, STORE_PICKUPS))
        .select_from(Donation)
        .join(Store, Store.id == Donation.store_id)
        .join(Antenna, Antenna.id == Donation.antenna_id)
        .where(*window.scope())
        .group_by(*key)
    )
    lines = []
    for antenna, _, name, *values in rows.all():
        month, recent = (StoreFigures(**named) for named in _named(values, STORE_PICKUPS))
        if month != StoreFigures() or recent != StoreFigures():
            lines.append(StoreReliability(antenna, name, month, recent))
    return lines


async def reliability(session: AsyncSession, windows: list[Window]) -> Reliability:
    """The drivers and stores of these antennas (one window per time zone)."""
    drivers: list[DriverReliability] = []
    stores: list[StoreReliability] = []
    for window in windows:
        for (antenna, member_id, name), (month, recent) in (
            await _driver_counts(session, window)
        ).items():
            if month != DriverFigures() or recent != DriverFigures():
                drivers.append(DriverReliability(antenna, member_id, name, month, recent))
        stores += await _store_lines(session, window)
    return Reliability(
        drivers=tuple(
            sorted(drivers, key=lambda d: (-d.recent.problems, -d.month.problems, d.name or ""))
        ),
        stores=tuple(sorted(stores, key=lambda s: (-s.recent.problems, -s.month.problems, s.name))),
    )


async def driver_figures(
    session: AsyncSession, *, antenna_id: int, member_id: int, now: datetime
) -> tuple[DriverFigures, DriverFigures]:
    """One driver's figures in one antenna: this month (to date) and the last 90 days."""
    antenna = await session.get(Antenna, antenna_id)
    window = Window.of(this_month(now, antenna.timezone), antenna.timezone, now, [antenna_id])
    found = await _driver_counts(session, window, Claim.driver_id == member_id)
    return next(iter(found.values()), (DriverFigures(), DriverFigures()))
