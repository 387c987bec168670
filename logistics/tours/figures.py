"""Tours in figures: each tour of a day for the evening summary, each vehicle's tours of a
month for the monthly report.

Only the tours that were driven or are being driven count: confirmed or done. A proposed
tour was never given to a driver and a cancelled one did not run.

- *Estimated km*: the planner's length of the round trip from the hub and back
  (``Tour.planned_m``: road distances from OSRM when one is configured, great-circle × a
  detour factor otherwise). It is an estimate made before leaving, never an odometer
  reading, and every text that shows it says so.
- *kg carried*: a collection tour's pickups as weighed at the stores (``collected_kg`` of its
  stops' pickups that were collected); a distribution tour's loads taken from the hub's stock
  for its stops recorded done. These are the same kg as the tonnage collected and the hub's
  stock out: they tell how the vehicles moved the food, and are never added to the tonnage.
- *kg per km*: the kg carried for each estimated km driven, how much food one km of driving
  moves. Higher means fuller vehicles on shorter rounds; given only when the estimate is
  above zero.

One grouped query by tour, read through the tours' ``(antenna_id, service_day)`` index, with
each tour's stops, pickups and loads joined in: the stops are counted distinct (a delivery
stop has a row per lot it takes) and a pickup stop never has loads, so no kg is counted
twice. A month's vehicles are the sums of their tours.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import and_, case, distinct, func, or_
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import Antenna, Donation, Member, Tour, TourLoad, TourStop, Vehicle

COUNTED = ("confirmed", "done")
COLLECTED = ("picked_up", "delivered", "received")  # a pickup weighed at the store


def kg_per_km(kg: float, metres: int) -> float | None:
    """The kg carried for each estimated km (None when there is no distance to divide by)."""
    if metres <= 0:
        return None
    return round(kg / (metres / 1000), 2)


@dataclass(frozen=True)
class TourFigures:
    """One tour: how many of its stops were made, what it carried, how far it was planned."""

    tour_id: int
    antenna: str
    kind: str  # "collection" | "distribution"
    status: str  # "confirmed" | "done"
    vehicle_id: int
    vehicle: str
    driver: str | None
    service_day: date
    starts_at: datetime
    stops: int
    stops_done: int
    kg: float
    planned_m: int  # estimated, see the module's docstring

    @property
    def km(self) -> float:
        """Estimated km, one decimal."""
        return round(self.planned_m / 1000, 1)

    @property
    def kg_per_km(self) -> float | None:
        return kg_per_km(self.kg, self.planned_m)


@dataclass(frozen=True)
class VehicleMonth:
    """A vehicle's tours over a month (or every vehicle's, for a total: ``vehicle`` empty)."""

    antenna: str
    vehicle: str
    tours: int
    collection_tours: int
    distribution_tours: int
    stops: int
    stops_done: int
    collected_kg: float  # carried by its collection tours
    delivered_kg: float  # carried by its distribution tours
    planned_m: int  # estimated, the sum of its tours'

    @property
    def kg(self) -> float:
        return round(self.collected_kg + self.delivered_kg, 3)

    @property
    def km(self) -> float:
        """Estimated km, one decimal."""
        return round(self.planned_m / 1000, 1)

    @property
    def kg_per_km(self) -> float | None:
        return kg_per_km(self.kg, self.planned_m)


async def tour_figures(
    session: AsyncSession, *, antenna_ids: list[int], first: date, last: date
) -> list[TourFigures]:
    """The confirmed and done tours of these antennas whose service day is between ``first``
    and ``last`` (both included), by antenna, day and start."""
    made = or_(TourStop.status == "done", col(Donation.status).in_(COLLECTED))
    collected = case(
        (col(Donation.status).in_(COLLECTED), func.coalesce(Donation.collected_kg, 0)), else_=0
    )
    loaded = and_(
        col(TourLoad.stop_id) == TourStop.id,
        col(TourStop.association_id).is_not(None),
        TourStop.status == "done",
    )
    rows = await session.exec(
        select(
            Tour.id,
            Antenna.name,
            Tour.kind,
            Tour.status,
            Tour.vehicle_id,
            Vehicle.name,
            Member.name,
            Tour.service_day,
            Tour.starts_at,
            Tour.planned_m,
            func.count(distinct(TourStop.id)),
            func.count(distinct(case((made, TourStop.id)))),
            func.coalesce(func.sum(collected), 0),
            func.coalesce(func.sum(TourLoad.kg), 0),
        )
        .select_from(Tour)
        .join(Antenna, col(Antenna.id) == Tour.antenna_id)
        .join(Vehicle, col(Vehicle.id) == Tour.vehicle_id)
        .outerjoin(Member, col(Member.id) == Tour.driver_id)
        .outerjoin(TourStop, col(TourStop.tour_id) == Tour.id)
        .outerjoin(Donation, col(Donation.id) == TourStop.donation_id)
        .outerjoin(TourLoad, loaded)
        .where(
            col(Tour.antenna_id).in_(antenna_ids),
            Tour.service_day >= first,
            Tour.service_day <= last,
            col(Tour.status).in_(COUNTED),
        )
        .group_by(
            Tour.id,
            Antenna.name,
            Tour.kind,
            Tour.status,
            Tour.vehicle_id,
            Vehicle.name,
            Member.name,
            Tour.service_day,
            Tour.starts_at,
            Tour.planned_m,
        )
    )
    tours = [
        TourFigures(
            tour_id=tour_id,
            antenna=antenna,
            kind=kind,
            status=status,
            vehicle_id=vehicle_id,
            vehicle=vehicle,
            driver=driver,
            service_day=day,
            starts_at=starts_at,
            stops=int(stops),
            stops_done=int(done),
            kg=round(float(picked) + float(loads), 3),
            planned_m=int(planned_m),
        )
        for (
            tour_id, antenna, kind, status, vehicle_id, vehicle, driver, day, starts_at,
            planned_m, stops, done, picked, loads,
        ) in rows.all()
    ]  # fmt: skip
    return sorted(tours, key=lambda t: (t.antenna, t.service_day, t.starts_at, t.tour_id))


async def day_tours_figures(
    session: AsyncSession, *, antenna_id: int, day: date
) -> tuple[TourFigures, ...]:
    """The antenna's tours of one service day, by start."""
    return tuple(await tour_figures(session, antenna_ids=[antenna_id], first=day, last=day))


def vehicle_months(tours: list[TourFigures]) -> list[VehicleMonth]:
    """Each vehicle's sums over these tours, by antenna and vehicle name."""
    groups: dict[tuple[str, int], list[VehicleMonth]] = {}
    for tour in tours:
        groups.setdefault((tour.antenna, tour.vehicle_id), []).append(_one(tour))
    lines = [summed(group, vehicle=group[0].vehicle) for group in groups.values()]
    return sorted(lines, key=lambda v: (v.antenna, v.vehicle))


def _one(tour: TourFigures) -> VehicleMonth:
    collection = tour.kind == "collection"
    return VehicleMonth(
        antenna=tour.antenna,
        vehicle=tour.vehicle,
        tours=1,
        collection_tours=int(collection),
        distribution_tours=int(not collection),
        stops=tour.stops,
        stops_done=tour.stops_done,
        collected_kg=tour.kg if collection else 0.0,
        delivered_kg=0.0 if collection else tour.kg,
        planned_m=tour.planned_m,
    )


def summed(lines: list[VehicleMonth], *, vehicle: str = "") -> VehicleMonth:
    """The sums of these lines: a vehicle's tours, or an antenna's vehicles (``vehicle``
    empty); ``antenna`` is empty when they are of several antennas."""
    antennas = {line.antenna for line in lines}
    return VehicleMonth(
        antenna=antennas.pop() if len(antennas) == 1 else "",
        vehicle=vehicle,
        tours=sum(line.tours for line in lines),
        collection_tours=sum(line.collection_tours for line in lines),
        distribution_tours=sum(line.distribution_tours for line in lines),
        stops=sum(line.stops for line in lines),
        stops_done=sum(line.stops_done for line in lines),
        collected_kg=round(sum(line.collected_kg for line in lines), 3),
        delivered_kg=round(sum(line.delivered_kg for line in lines), 3),
        planned_m=sum(line.planned_m for line in lines),
    )


def antenna_totals(vehicles: list[VehicleMonth]) -> dict[str, VehicleMonth]:
    """Each antenna's vehicles summed, by antenna name."""
    by_antenna: dict[str, list[VehicleMonth]] = {}
    for line in vehicles:
        by_antenna.setdefault(line.antenna, []).append(line)
    return {name: summed(lines) for name, lines in sorted(by_antenna.items())}
