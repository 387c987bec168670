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
time). Each list is one grouped
query per kind, whatever the number of rows.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import and_, case, func, or_
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from logistics.periods import Month, this_month
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


def _per_period(window: Window, conditions: list) -> list[object]:
    """One count per condition and period: the month's first, then the 90 days'."""
    return [_count(and_(p, c)) for p in window.periods() for c in conditions]


def _split(values, kind: type) -> tuple:
    """The counts of ``_per_period`` as the month's figures and the 90 days'."""
    half = len(values) // 2
    return kind(*map(int, values[:half])), kind(*map(int, values[half:]))


DRIVER_PICKUPS = [
    and_(col(Donation.status).in_(DONE_STATUSES), Donation.collected_kg > 0),
    Donation.status == "missed",
    *(Donation.zero_reason == reason for reason in ZERO_REASONS),
]


async def _driver_counts(session: AsyncSession, window: Window, *where) -> dict[tuple, dict]:
    """(antenna, member id, name) → {"month": DriverFigures, "recent": DriverFigures}."""
    key = (Antenna.name, Member.id, Member.name)
    counts: dict[tuple, dict[str, list[int]]] = defaultdict(lambda: {"p": [0] * 10, "l": [0] * 2})
    pickups = await session.exec(
        select(*key, *_per_period(window, DRIVER_PICKUPS))
        .select_from(Donation)
        .join(Claim, and_(Claim.donation_id == Donation.id, col(Claim.released_at).is_(None)))
        .join(Member, Member.id == Claim.driver_id)
        .join(Antenna, Antenna.id == Donation.antenna_id)
        .where(*window.scope(), *where)
        .group_by(*key)
    )
    for row in pickups.all():
        counts[tuple(row[:3])]["p"] = list(row[3:])
    late = await session.exec(
        select(*key, *_per_period(window, [col(Claim.late_release)]))
        .select_from(Claim)
        .join(Donation, Donation.id == Claim.donation_id)
        .join(Member, Member.id == Claim.driver_id)
        .join(Antenna, Antenna.id == Donation.antenna_id)
        .where(*window.scope(), *where, col(Claim.late_release))
        .group_by(*key)
    )
    for row in late.all():
        counts[tuple(row[:3])]["l"] = list(row[3:])
    figures = {}
    for who, found in counts.items():
        p, late_counts = found["p"], found["l"]
        month = DriverFigures(p[0], p[1], late_counts[0], *p[2:5])
        recent = DriverFigures(p[5], p[6], late_counts[1], *p[7:10])
        figures[who] = {"month": month, "recent": recent}
    return figures


NOTHING_TODAY = and_(
    Donation.status == "cancelled",
    col(Donation.recurring_slot_id).is_not(None),
    col(Donation.zero_reason).is_(None),
)
STORE_PICKUPS = [
    col(Donation.announced_by_id).is_not(None),
    and_(Donation.status == "cancelled", ~NOTHING_TODAY),
    NOTHING_TODAY,
    Donation.status == "missed",
]


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
        month, recent = _split(values, StoreFigures)
        if month != StoreFigures() or recent != StoreFigures():
            lines.append(StoreReliability(antenna, name, month, recent))
    return lines


async def reliability(session: AsyncSession, windows: list[Window]) -> Reliability:
    """The drivers and stores of these antennas (one window per time zone)."""
    drivers: list[DriverReliability] = []
    stores: list[StoreReliability] = []
    for window in windows:
        for (antenna, member_id, name), f in (await _driver_counts(session, window)).items():
            if f["month"] != DriverFigures() or f["recent"] != DriverFigures():
                drivers.append(DriverReliability(antenna, member_id, name, **f))
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
    for figures in found.values():
        return figures["month"], figures["recent"]
    return DriverFigures(), DriverFigures()
