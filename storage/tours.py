"""Tours: a vehicle and a driver doing an ordered list of stops on one service day.

A collection tour picks up the stores' surplus in the evening and brings it into the vehicle's
hub; a distribution tour takes the hub's stock to associations in the morning. A tour is
proposed (by the solver, changed by a coordinator), then confirmed: its pickups are then held
by its driver like a claim, so that a pickup is on a tour or claimed by a volunteer, never both.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, BigInteger, CheckConstraint, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.columns import one_of, utc

TOUR_KINDS = ("collection", "distribution")
TOUR_STATUSES = ("proposed", "confirmed", "done", "cancelled")
STOP_STATUSES = ("pending", "done", "nothing")


class Tour(SQLModel, table=True):
    __table_args__ = (
        CheckConstraint(one_of("kind", TOUR_KINDS), name="tour_kind"),
        CheckConstraint(one_of("status", TOUR_STATUSES), name="tour_status"),
        Index("ix_tour_antenna_day", "antenna_id", "service_day"),
    )
    id: int | None = Field(default=None, primary_key=True)
    antenna_id: int = Field(foreign_key="antenna.id")
    hub_id: int = Field(foreign_key="hub.id")
    vehicle_id: int = Field(foreign_key="vehicle.id", index=True)
    driver_id: int | None = Field(default=None, foreign_key="member.id", index=True)
    kind: str = Field(max_length=12)
    service_day: date
    status: str = Field(default="proposed", max_length=12)
    starts_at: datetime = utc()  # leaves the hub
    planned_m: int = Field(default=0)  # estimated length, metres
    planned_s: int = Field(default=0)  # estimated duration, seconds, waits included
    left_out: list = Field(default_factory=list, sa_type=JSON)  # [[stop key, reason], ...]
    created_by_id: int | None = Field(default=None, foreign_key="member.id")
    created_at: datetime = utc()
    confirmed_at: datetime | None = utc(default=None)
    message_id: int | None = Field(default=None, sa_type=BigInteger)  # the driver's tour sheet


class TourStop(SQLModel, table=True):
    __tablename__ = "tour_stop"
    __table_args__ = (
        CheckConstraint(one_of("status", STOP_STATUSES), name="tour_stop_status"),
        CheckConstraint(
            "(donation_id IS NULL) <> (association_id IS NULL)", name="tour_stop_place"
        ),
        # a pickup is on one tour at most
        UniqueConstraint("donation_id", name="uq_tour_stop_donation"),
    )
    id: int | None = Field(default=None, primary_key=True)
    tour_id: int = Field(foreign_key="tour.id", index=True)
    position: int
    donation_id: int | None = Field(default=None, foreign_key="donation.id")  # a pickup
    association_id: int | None = Field(default=None, foreign_key="association.id")  # a delivery
    arrival_at: datetime | None = utc(default=None)  # planned
    kg: float = Field(default=0)  # planned
    status: str = Field(default="pending", max_length=8)
    done_at: datetime | None = utc(default=None)


class TourLoad(SQLModel, table=True):
    """What a distribution stop takes from the hub's stock: kg of one lot."""

    __tablename__ = "tour_load"
    __table_args__ = (CheckConstraint("kg > 0", name="tour_load_kg"),)
    id: int | None = Field(default=None, primary_key=True)
    stop_id: int = Field(foreign_key="tour_stop.id", index=True)
    lot_id: int = Field(foreign_key="stock_lot.id", index=True)
    kg: float
