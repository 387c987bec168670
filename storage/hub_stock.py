"""What a hub holds: lots of food received from pickups, and every move of them; and the
vehicles that collect into a hub and deliver out of it.

A lot is one item of one pickup (or a share of it) received at a hub: its category, cold chain,
dates and lot number travel with it, so the stock is handed out first expired, first out, and
traced one step back. Each move is in kilograms, positive for in, out and loss, signed for a
count correction, so that per hub and category: in + corrections = out + losses + on hand.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Index
from sqlmodel import Field, SQLModel

from storage.columns import one_of, utc

STOCK_MOVE_KINDS = ("in", "out", "loss", "count")
LOSS_REASONS = ("past_date", "damaged", "cold_chain")


class StockLot(SQLModel, table=True):
    __tablename__ = "stock_lot"
    __table_args__ = (
        CheckConstraint("on_hand_kg >= 0", name="stock_lot_on_hand"),
        CheckConstraint("received_kg > 0", name="stock_lot_received"),
        CheckConstraint(one_of("cold_chain", ("ambient", "chilled", "frozen")), name="lot_cold"),
        Index("ix_stock_lot_hub_on_hand", "hub_id", "on_hand_kg"),
    )
    id: int | None = Field(default=None, primary_key=True)
    hub_id: int = Field(foreign_key="hub.id")
    category_id: int = Field(foreign_key="category.id")
    cold_chain: str = Field(max_length=8)
    label: str = Field(default="", max_length=200)
    use_by: date | None = Field(default=None)
    best_before: date | None = Field(default=None)
    lot: str | None = Field(default=None, max_length=64)
    donation_id: int | None = Field(default=None, foreign_key="donation.id", index=True)
    donation_item_id: int | None = Field(default=None, foreign_key="donation_item.id")
    delivery_id: int | None = Field(default=None, foreign_key="delivery.id", index=True)
    received_at: datetime = utc()
    received_kg: float
    on_hand_kg: float


class StockMove(SQLModel, table=True):
    __tablename__ = "stock_move"
    __table_args__ = (
        CheckConstraint(one_of("kind", STOCK_MOVE_KINDS), name="stock_move_kind"),
        CheckConstraint("kind = 'count' OR kg > 0", name="stock_move_positive"),
        CheckConstraint("kg <> 0", name="stock_move_not_zero"),
        CheckConstraint(
            "(kind = 'loss') = (reason IS NOT NULL) AND (reason IS NULL OR "
            + one_of("reason", LOSS_REASONS)
            + ")",
            name="stock_move_loss_reason",
        ),
        Index("ix_stock_move_hub_at", "hub_id", "at"),
    )
    id: int | None = Field(default=None, primary_key=True)
    lot_id: int = Field(foreign_key="stock_lot.id", index=True)
    hub_id: int = Field(foreign_key="hub.id")
    category_id: int = Field(foreign_key="category.id")
    kind: str = Field(max_length=8)
    kg: float
    reason: str | None = Field(default=None, max_length=16)
    association_id: int | None = Field(default=None, foreign_key="association.id")
    member_id: int | None = Field(default=None, foreign_key="member.id")
    at: datetime = utc()


class Vehicle(SQLModel, table=True):
    """A van or car of the antenna; tours are driven with it from its home hub."""

    __table_args__ = (CheckConstraint("capacity_kg > 0", name="vehicle_capacity"),)
    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=64, unique=True, index=True)
    antenna_id: int = Field(foreign_key="antenna.id", index=True)
    name: str = Field(max_length=200)
    refrigerated: bool = Field(default=False)
    capacity_kg: float
    home_hub_id: int | None = Field(default=None, foreign_key="hub.id")
    active: bool = Field(default=True)
