"""A distribution tour as the screens show it: its stops in order with their window, planned
arrival, loads and problems; the stock it leaves at the hub and why; who drives it.

The problems are worked out from the stored order and arrivals the way the solver's
``evaluate_order`` finds them: a stop reached after its window ("window"), the van arriving
with more than its capacity ("capacity"), chilled or frozen food in a van without cooling
("cold_chain"). A load whose lot no longer holds what the tours still to come will take from
it (a loss was recorded meanwhile) is marked ``short``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from logistics.deliveries.allocation_plan import COLD_CHAINS_COLD
from logistics.errors import NotAllowed
from logistics.people.identity import Identity
from logistics.safety.food_dates import local_today
from logistics.tours.distribution.access import distribution_tour_row, may_read
from logistics.tours.distribution.reading import reserved_kg
from logistics.tours.distribution.times import morning_of, reception_window
from storage.models import (
    Antenna,
    Association,
    Category,
    Hub,
    Member,
    StockLot,
    Tour,
    TourLoad,
    TourStop,
    Vehicle,
)

NOT_PLANNED = "not_planned"  # free stock the tour has no reason for (it came in later)


@dataclass(frozen=True)
class LotInfo:
    lot_id: int
    category_key: str
    category_fr: str
    category_nl: str
    label: str
    cold_chain: str
    use_by: date | None
    best_before: date | None


@dataclass(frozen=True)
class LoadLine:
    load_id: int
    lot: LotInfo
    kg: float
    short: bool  # the lot holds less than the tours still to come will take from it


@dataclass(frozen=True)
class StopLine:
    stop_id: int
    position: int
    association_id: int
    association_name: str
    address: str
    window: tuple[datetime, datetime] | None  # reception that morning, UTC; None: closed
    arrival_at: datetime | None  # planned, UTC
    kg: float
    status: str  # pending | done | nothing
    done_at: datetime | None
    loads: tuple[LoadLine, ...]
    problems: tuple[str, ...]  # "window", "capacity", "cold_chain"
    coordinates: tuple[float, float] | None = None  # the association's, for a map link


@dataclass(frozen=True)
class UnplannedLot:
    lot: LotInfo
    kg: float  # free: on hand less what the tours still to come take
    reasons: tuple[str, ...]  # distribution_rule's codes, or NOT_PLANNED


@dataclass(frozen=True)
class LeftPlace:
    association_id: int
    name: str
    reason: str  # closed | no_location | out_of_reach | removed


@dataclass(frozen=True)
class DistributionTour:
    tour_id: int
    antenna_id: int
    hub_id: int
    hub_name: str
    vehicle_id: int
    vehicle_name: str
    refrigerated: bool
    capacity_kg: float
    service_day: date
    tz: str
    status: str  # proposed | confirmed | done | cancelled
    driver_id: int | None
    driver_name: str | None
    starts_at: datetime  # leaves the hub, UTC
    planned_m: int
    planned_s: int
    confirmed_at: datetime | None
    stops: tuple[StopLine, ...]
    unplanned: tuple[UnplannedLot, ...]
    left_places: tuple[LeftPlace, ...]

    @property
    def total_kg(self) -> float:
        return round(sum(stop.kg for stop in self.stops), 1)

    @property
    def problems(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(p for stop in self.stops for p in stop.problems))


async def distribution_tour(
    session: AsyncSession, *, identity: Identity | None, tour_id: int, now: datetime
) -> DistributionTour:
    """The tour, for its antenna's coordinators, its driver and its hub's staff."""
    tour = await distribution_tour_row(session, tour_id)
    if not may_read(identity, tour):
        raise NotAllowed("not_coordinator")
    return await view_of_tour(session, tour, now=now)


async def view_of_tour(session: AsyncSession, tour: Tour, *, now: datetime) -> DistributionTour:
    """The view of a tour already checked (eight small queries)."""
    hub = await session.get(Hub, tour.hub_id)
    vehicle = await session.get(Vehicle, tour.vehicle_id)
    tz = (await session.get(Antenna, tour.antenna_id)).timezone
    driver = await session.get(Member, tour.driver_id) if tour.driver_id else None
    morning = morning_of(tour.service_day, hub.distribution_time, tz)
    stops = (
        await session.exec(
            select(TourStop, Association)
            .join(Association, col(Association.id) == TourStop.association_id)
            .where(TourStop.tour_id == tour.id)
            .order_by(col(TourStop.position), col(TourStop.id))
        )
    ).all()
    loads = (
        await session.exec(
            select(TourLoad)
            .where(col(TourLoad.stop_id).in_([s.id for s, _ in stops]))
            .order_by(col(TourLoad.id))
        )
    ).all()
    lots = await _lots(session, hub.id, {x.lot_id for x in loads})
    reserved = await reserved_kg(session, hub.id, since=local_today(now, tz))
    short = {i for i, kg in reserved.items() if i in lots and lots[i][0].on_hand_kg + 0.05 < kg}
    capacity = round(vehicle.capacity_kg * 10)
    on_board = round(sum(s.kg for s, _ in stops) * 10)
    lines = []
    for stop, association in stops:
        window = reception_window(association.reception_hours, morning)
        mine = [x for x in loads if x.stop_id == stop.id]
        problems = []
        if any(lots[x.lot_id][0].cold_chain in COLD_CHAINS_COLD for x in mine):
            if not vehicle.refrigerated:
                problems.append("cold_chain")
        if on_board > capacity:
            problems.append("capacity")
        if window is None or (stop.arrival_at is not None and stop.arrival_at > window[1]):
            problems.append("window")
        on_board -= round(stop.kg * 10)
        lines.append(
            StopLine(
                stop_id=stop.id,
                position=stop.position,
                association_id=association.id,
                association_name=association.name,
                address=association.address,
                window=window,
                arrival_at=stop.arrival_at,
                kg=round(stop.kg, 1),
                status=stop.status,
                done_at=stop.done_at,
                loads=tuple(
                    LoadLine(x.id, lots[x.lot_id][1], round(x.kg, 1), x.lot_id in short)
                    for x in mine
                ),
                problems=tuple(problems),
                coordinates=(
                    (association.latitude, association.longitude)
                    if association.latitude is not None and association.longitude is not None
                    else None
                ),
            )
        )
    return DistributionTour(
        tour_id=tour.id,
        antenna_id=tour.antenna_id,
        hub_id=hub.id,
        hub_name=hub.name,
        vehicle_id=vehicle.id,
        vehicle_name=vehicle.name,
        refrigerated=vehicle.refrigerated,
        capacity_kg=vehicle.capacity_kg,
        service_day=tour.service_day,
        tz=tz,
        status=tour.status,
        driver_id=tour.driver_id,
        driver_name=driver.name if driver else None,
        starts_at=tour.starts_at,
        planned_m=tour.planned_m,
        planned_s=tour.planned_s,
        confirmed_at=tour.confirmed_at,
        stops=tuple(lines),
        unplanned=await _unplanned(session, tour, reserved),
        left_places=await _left_places(session, tour),
    )


async def _lots(
    session: AsyncSession, hub_id: int, lot_ids: set[int], *, on_hand: bool = False
) -> dict[int, tuple[StockLot, LotInfo]]:
    """The lots asked for (or every lot the hub holds), with what a screen says of them."""
    statement = select(StockLot, Category).join(Category, col(Category.id) == StockLot.category_id)
    if on_hand:
        statement = statement.where(StockLot.hub_id == hub_id, col(StockLot.on_hand_kg) > 0)
    else:
        statement = statement.where(col(StockLot.id).in_(list(lot_ids)))
    return {
        lot.id: (
            lot,
            LotInfo(
                lot.id,
                category.key,
                category.name_fr,
                category.name_nl,
                lot.label,
                lot.cold_chain,
                lot.use_by,
                lot.best_before,
            ),
        )
        for lot, category in (await session.exec(statement)).all()
    }


def _reasons(tour: Tour, prefix: str) -> dict[int, list[str]]:
    found: dict[int, list[str]] = {}
    for key, reason in tour.left_out or ():
        kind, _, number = str(key).partition(":")
        if kind == prefix and number.isdigit():
            found.setdefault(int(number), []).append(reason)
    return found


async def _unplanned(
    session: AsyncSession, tour: Tour, reserved: dict[int, float]
) -> tuple[UnplannedLot, ...]:
    """The hub's stock no tour still to come takes, first expired first."""
    reasons = _reasons(tour, "lot")
    lines = []
    for lot, info in (await _lots(session, tour.hub_id, set(), on_hand=True)).values():
        free = round(lot.on_hand_kg - reserved.get(lot.id, 0.0), 1)
        if free > 0:
            why = tuple(dict.fromkeys(reasons.get(lot.id, [NOT_PLANNED])))
            lines.append(UnplannedLot(info, free, why))
    return tuple(
        sorted(
            lines,
            key=lambda x: (
                (x.lot.use_by or x.lot.best_before) is None,
                x.lot.use_by or x.lot.best_before or date.max,
                x.lot.lot_id,
            ),
        )
    )


async def _left_places(session: AsyncSession, tour: Tour) -> tuple[LeftPlace, ...]:
    reasons = _reasons(tour, "association")
    if not reasons:
        return ()
    names = dict(
        (
            await session.exec(
                select(Association.id, Association.name).where(
                    col(Association.id).in_(list(reasons))
                )
            )
        ).all()
    )
    return tuple(
        LeftPlace(i, names.get(i, ""), reasons[i][-1]) for i in sorted(reasons) if i in names
    )
