"""A pickup's life: a store's standing weekly slots, the donation (announced surplus or a
recurring day's pickup) and its items, the driver's claim on it, its deliveries to associations
or hubs, and each delivery's receipt.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, CheckConstraint, Index, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from storage.columns import COLD_CHAINS, one_of, utc

UNITS = ("kg", "crate", "piece", "pallet", "litre")
DONATION_STATUSES = (
    "draft",
    "announced",
    "claimed",
    "picked_up",
    "delivered",
    "received",
    "cancelled",
    "expired",
    "missed",
)
RECEIPT_STATUSES = ("pending", "confirmed", "disputed")
SETTLEMENTS = ("association", "driver", "lost")  # how a coordinator settled a disputed receipt
ZERO_REASONS = ("no_food", "store_closed", "did_not_happen")


class RecurringSlot(SQLModel, table=True):
    """A store's standing weekly pickup (weekday 0 = Monday), local wall-clock times."""

    __tablename__ = "recurring_slot"
    __table_args__ = (
        CheckConstraint("weekday BETWEEN 0 AND 6", name="slot_weekday"),
        UniqueConstraint("store_id", "weekday", "window_start", name="uq_slot"),
    )
    id: int | None = Field(default=None, primary_key=True)
    store_id: int = Field(foreign_key="store.id", index=True)
    weekday: int
    window_start: str = Field(max_length=5)
    window_end: str = Field(max_length=5)
    standing_driver_id: int | None = Field(default=None, foreign_key="member.id", index=True)
    active: bool = Field(default=True)


class Donation(SQLModel, table=True):
    """One pickup at a store: announced surplus or a day's recurring slot."""

    __table_args__ = (
        CheckConstraint(one_of("status", DONATION_STATUSES), name="donation_status"),
        CheckConstraint("window_end > window_start", name="donation_window"),
        CheckConstraint("estimated_kg >= 0", name="donation_estimated"),
        CheckConstraint("collected_kg IS NULL OR collected_kg >= 0", name="donation_collected"),
        CheckConstraint(
            "zero_reason IS NULL OR " + one_of("zero_reason", ZERO_REASONS), name="donation_zero"
        ),
        UniqueConstraint("recurring_slot_id", "service_day", name="uq_donation_slot_day"),
        Index("ix_donation_antenna_window", "antenna_id", "window_start"),
        Index("ix_donation_status_window", "status", "window_start"),
    )
    id: int | None = Field(default=None, primary_key=True)
    antenna_id: int = Field(foreign_key="antenna.id")
    store_id: int = Field(foreign_key="store.id", index=True)
    status: str = Field(default="announced", max_length=12)
    window_start: datetime = utc()
    window_end: datetime = utc()
    service_day: date | None = Field(default=None)
    recurring_slot_id: int | None = Field(default=None, foreign_key="recurring_slot.id")
    announced_by_id: int | None = Field(default=None, foreign_key="member.id")
    raw_text: str | None = Field(default=None, max_length=4096)
    photo_file_id: str | None = Field(default=None, max_length=255)  # sent with the announcement
    estimated_kg: float = Field(default=0)
    collected_kg: float | None = Field(default=None)
    zero_reason: str | None = Field(default=None, max_length=16)
    group_message_id: int | None = Field(default=None, sa_type=BigInteger)
    prompted_at: datetime | None = utc(default=None)  # a recurring day's store was asked
    created_at: datetime = utc()
    updated_at: datetime = utc()


class DonationItem(SQLModel, table=True):
    __tablename__ = "donation_item"
    __table_args__ = (
        CheckConstraint("quantity > 0", name="item_quantity"),
        CheckConstraint(one_of("unit", UNITS), name="item_unit"),
        CheckConstraint(one_of("cold_chain", COLD_CHAINS), name="item_cold_chain"),
        CheckConstraint("estimated_kg >= 0", name="item_estimated"),
        CheckConstraint("collected_kg IS NULL OR collected_kg >= 0", name="item_collected"),
    )
    id: int | None = Field(default=None, primary_key=True)
    donation_id: int = Field(foreign_key="donation.id", index=True)
    category_id: int = Field(foreign_key="category.id", index=True)
    label: str = Field(default="", max_length=200)
    quantity: float
    unit: str = Field(max_length=8)
    cold_chain: str = Field(max_length=8)
    estimated_kg: float
    collected_kg: float | None = Field(default=None)
    collected_estimated: bool = Field(default=False)  # a share of a total, not weighed
    use_by: date | None = Field(default=None)
    best_before: date | None = Field(default=None)
    lot: str | None = Field(default=None, max_length=64)


class Claim(SQLModel, table=True):
    """A driver's claim on a donation; at most one active (unreleased) claim per donation."""

    __table_args__ = (
        Index(
            "uq_claim_active",
            "donation_id",
            unique=True,
            sqlite_where=text("released_at IS NULL"),
            postgresql_where=text("released_at IS NULL"),
        ),
        Index("ix_claim_driver", "driver_id", "claimed_at"),
    )
    id: int | None = Field(default=None, primary_key=True)
    donation_id: int = Field(foreign_key="donation.id", index=True)
    driver_id: int = Field(foreign_key="member.id")
    claimed_at: datetime = utc()
    released_at: datetime | None = utc(default=None)
    late_release: bool = Field(default=False)
    release_reason: str | None = Field(default=None, max_length=16)  # a late one's
    on_behalf_of_id: int | None = Field(default=None, foreign_key="member.id")


class Delivery(SQLModel, table=True):
    """One stop of a donation: to an association or to a hub, never both."""

    __table_args__ = (
        CheckConstraint(
            "(association_id IS NULL) <> (hub_id IS NULL)", name="delivery_destination"
        ),
        CheckConstraint("planned_kg IS NULL OR planned_kg >= 0", name="delivery_planned"),
        CheckConstraint("delivered_kg IS NULL OR delivered_kg >= 0", name="delivery_delivered"),
    )
    id: int | None = Field(default=None, primary_key=True)
    donation_id: int = Field(foreign_key="donation.id", index=True)
    association_id: int | None = Field(default=None, foreign_key="association.id", index=True)
    hub_id: int | None = Field(default=None, foreign_key="hub.id")
    planned_kg: float | None = Field(default=None)
    delivered_kg: float | None = Field(default=None)
    delivered_at: datetime | None = utc(default=None)
    # a receipt said it came too warm: its chilled food must not be handed out
    chilled_withheld_at: datetime | None = utc(default=None)
    overridden_by_id: int | None = Field(default=None, foreign_key="member.id")


class Receipt(SQLModel, table=True):
    """The association's acknowledgement of one delivery."""

    __table_args__ = (
        CheckConstraint(one_of("status", RECEIPT_STATUSES), name="receipt_status"),
        CheckConstraint("received_kg IS NULL OR received_kg >= 0", name="receipt_kg"),
        CheckConstraint(
            "settlement IS NULL OR " + one_of("settlement", SETTLEMENTS), name="receipt_settlement"
        ),
    )
    id: int | None = Field(default=None, primary_key=True)
    delivery_id: int = Field(foreign_key="delivery.id", unique=True)
    status: str = Field(default="pending", max_length=12)
    received_kg: float | None = Field(default=None)
    problem: str | None = Field(default=None, max_length=32)
    note: str | None = Field(default=None, max_length=1000)
    confirmed_by_id: int | None = Field(default=None, foreign_key="member.id")
    confirmed_at: datetime | None = utc(default=None)
    settlement: str | None = Field(default=None, max_length=12)
    settled_by_id: int | None = Field(default=None, foreign_key="member.id")
    settled_at: datetime | None = utc(default=None)
