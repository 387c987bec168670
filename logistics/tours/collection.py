"""Proposing an evening collection tour: the day's open pickups of the antenna's stores,
ordered by the solver for one vehicle from its hub and back.

The pickups' places and windows are read first; the travel matrix (maybe from an OSRM server)
and the solver (CPU, in a thread so the event loop goes on) run outside any transaction; the
proposal is then written in one short transaction that keeps only the pickups still open.
A proposal holds nothing: volunteers may still claim its pickups until it is confirmed.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from logistics.errors import InvalidInput, NotFound
from logistics.people.identity import Identity
from logistics.people.permissions import acting_as
from logistics.tours.collection_saving import save_collection_proposal
from logistics.tours.distances import Point, RoutingSettings, TravelMatrix, travel_matrix_for
from logistics.tours.geography import Clock, evening_shift, point_of
from logistics.tours.plans import TourPlan, TourVehicle, evaluate_order
from logistics.tours.solver import TourStop as SolverStop
from logistics.tours.solver import plan_tour
from storage.models import Antenna, Donation, DonationItem, Hub, Store, Tour, TourStop, Vehicle

SERVICE_S = 600  # ten minutes at a store: parking, loading the crates, a word with the staff
COLD = ("chilled", "frozen")


@dataclass(frozen=True)
class Pickup:
    donation_id: int
    store_name: str
    point: Point | None  # None: the store has no coordinates
    window: tuple[int, int]
    kg: float
    cold: bool


@dataclass(frozen=True)
class CollectionInputs:
    antenna: Antenna
    hub: Hub
    vehicle: Vehicle
    clock: Clock
    pickups: tuple[Pickup, ...]

    @property
    def placed(self) -> tuple[Pickup, ...]:
        return tuple(p for p in self.pickups if p.point is not None)

    def points(self) -> list[Point]:
        hub = point_of(self.hub)
        assert hub is not None
        return [hub, *(p.point for p in self.placed)]

    def solver_stops(self) -> list[SolverStop]:
        return [
            SolverStop(
                id=p.donation_id,
                point=n,
                window=p.window,
                service=SERVICE_S,
                kg=p.kg,
                kind="pickup",
                cold=p.cold,
            )
            for n, p in enumerate(self.placed, start=1)
        ]

    def solver_vehicle(self) -> TourVehicle:
        return TourVehicle(
            capacity_kg=self.vehicle.capacity_kg,
            refrigerated=self.vehicle.refrigerated,
            depot=0,
            shift=evening_shift(self.hub, self.clock),
        )


async def vehicle_and_hub(
    session: AsyncSession, identity: Identity, vehicle_id: int
) -> tuple[Vehicle, Hub, Antenna]:
    """The vehicle a coordinator of its antenna plans for, its home hub and antenna."""
    vehicle = await session.get(Vehicle, vehicle_id)
    if vehicle is None or not vehicle.active:
        raise NotFound("vehicle")
    acting_as(identity, "coordinator", vehicle.antenna_id, reason="not_coordinator")
    hub = await session.get(Hub, vehicle.home_hub_id) if vehicle.home_hub_id else None
    if hub is None:
        raise InvalidInput("vehicle_without_hub")
    if point_of(hub) is None:
        raise InvalidInput("hub_without_coordinates")
    antenna = await session.get(Antenna, vehicle.antenna_id)
    return vehicle, hub, antenna


async def collection_inputs(
    session: AsyncSession, *, vehicle_id: int, service_day: date, identity: Identity
) -> CollectionInputs:
    """The open pickups of the antenna's stores whose window starts on the service day, not
    on another tour (those of this vehicle's proposal for that day are planned again)."""
    vehicle, hub, antenna = await vehicle_and_hub(session, identity, vehicle_id)
    clock = Clock(service_day, antenna.timezone)
    start = clock.midnight
    on_other_tours = (
        select(TourStop.donation_id)
        .join(Tour, col(Tour.id) == TourStop.tour_id)
        .where(
            col(TourStop.donation_id).is_not(None),
            ~(
                (col(Tour.vehicle_id) == vehicle.id)
                & (col(Tour.service_day) == service_day)
                & (col(Tour.status) == "proposed")
            ),
        )
    )
    rows = await session.exec(
        select(Donation, Store)
        .join(Store, col(Store.id) == Donation.store_id)
        .where(
            col(Donation.antenna_id) == antenna.id,
            col(Donation.status) == "announced",
            col(Donation.window_start) >= start,
            col(Donation.window_start) < start + timedelta(days=1, hours=1),
            col(Donation.id).not_in(on_other_tours),
        )
        .order_by(col(Donation.window_start), col(Donation.id))
    )
    found = [(d, s) for d, s in rows.all() if clock.seconds(d.window_start) < 86400]
    cold = set()
    if found:
        cold = set(
            (
                await session.exec(
                    select(DonationItem.donation_id).where(
                        col(DonationItem.donation_id).in_([d.id for d, _ in found]),
                        col(DonationItem.cold_chain).in_(COLD),
                    )
                )
            ).all()
        )
    pickups = tuple(
        Pickup(
            donation_id=d.id,
            store_name=s.name,
            point=point_of(s),
            window=(clock.seconds(d.window_start), clock.seconds(d.window_end)),
            kg=d.estimated_kg,
            cold=d.id in cold,
        )
        for d, s in found
    )
    return CollectionInputs(antenna, hub, vehicle, clock, pickups)


def left_out_of(inputs: CollectionInputs, plan: TourPlan) -> list[list]:
    """[donation id, reason] of each pickup not on the tour: the solver's reasons, and
    "no_coordinates" for a store without them, "no_cold_room" for cold food when the hub
    has no cold room."""
    left = [[p.donation_id, "no_coordinates"] for p in inputs.pickups if p.point is None]
    return left + [[u.stop.id, u.reason] for u in plan.unassigned]


async def propose_collection_tour(
    session: AsyncSession,
    *,
    vehicle_id: int,
    service_day: date,
    identity: Identity,
    now: datetime,
    routing: RoutingSettings,
) -> int:
    """Propose (or propose again) the vehicle's collection tour of the day; its id."""
    inputs = await collection_inputs(
        session, vehicle_id=vehicle_id, service_day=service_day, identity=identity
    )
    session.expunge_all()  # read as they are: kept, not expired, by the rollback
    await session.rollback()  # no transaction stays open over the network and the solver
    stops = inputs.solver_stops()
    if not inputs.hub.cold_storage:
        stops = [s for s in stops if not s.cold]
    matrix = await travel_matrix_for(inputs.points(), routing)
    plan = await asyncio.to_thread(plan_tour, stops, inputs.solver_vehicle(), matrix)
    left = left_out_of(inputs, plan)
    if not inputs.hub.cold_storage:
        left += [[p.donation_id, "no_cold_room"] for p in inputs.placed if p.cold]
    return await save_collection_proposal(
        session,
        kind="collection",
        inputs=inputs,
        plan=plan,
        left_out=left,
        still_open=lambda order: _replan(order, inputs, matrix),
        identity=identity,
        now=now,
    )


def _replan(order: list[int], inputs: CollectionInputs, matrix: TravelMatrix) -> TourPlan:
    """The tour of the pickups still open, in the solver's order, evaluated again."""
    by_id = {s.id: s for s in inputs.solver_stops()}
    return evaluate_order([by_id[i] for i in order], inputs.solver_vehicle(), matrix)
