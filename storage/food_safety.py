"""Product recalls: what a store or supplier withdrew, and the notice each place that received
it gets, until it answers (see the food-safety part of the product description)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.columns import one_of, utc

RECALL_ANSWERS = ("seen", "distributed", "set_aside")


class Recall(SQLModel, table=True):
    """A withdrawn product: from a store, of a category or named product, received between two
    days, optionally one lot. Confirmed, its notices go out; closed, it is over."""

    __table_args__ = (
        CheckConstraint("received_to >= received_from", name="recall_days"),
        Index("ix_recall_antenna_created", "antenna_id", "created_at"),
    )
    id: int | None = Field(default=None, primary_key=True)
    antenna_id: int = Field(foreign_key="antenna.id")
    started_by_id: int | None = Field(default=None, foreign_key="member.id")
    store_id: int | None = Field(default=None, foreign_key="store.id")
    category_id: int | None = Field(default=None, foreign_key="category.id")
    product: str | None = Field(default=None, max_length=200)  # matched in the items' labels
    lot: str | None = Field(default=None, max_length=64)
    received_from: date
    received_to: date
    reason: str | None = Field(default=None, max_length=500)
    created_at: datetime = utc()
    confirmed_at: datetime | None = utc(default=None)
    closed_at: datetime | None = utc(default=None)


class RecallNotice(SQLModel, table=True):
    """One place that received recalled food (an association or a hub), with how much and
    when, and its answer."""

    __tablename__ = "recall_notice"
    __table_args__ = (
        CheckConstraint(
            "(association_id IS NULL) <> (hub_id IS NULL)", name="recall_notice_destination"
        ),
        CheckConstraint(
            "answer IS NULL OR " + one_of("answer", RECALL_ANSWERS), name="recall_notice_answer"
        ),
        UniqueConstraint("recall_id", "association_id", "hub_id", name="uq_recall_notice_place"),
        Index("ix_recall_notice_waiting", "answered_at", "reminded_at", "escalated_at"),
    )
    id: int | None = Field(default=None, primary_key=True)
    recall_id: int = Field(foreign_key="recall.id", index=True)
    association_id: int | None = Field(default=None, foreign_key="association.id")
    hub_id: int | None = Field(default=None, foreign_key="hub.id")
    kg: float = Field(default=0)
    first_received_at: datetime | None = utc(default=None)
    last_received_at: datetime | None = utc(default=None)
    answer: str | None = Field(default=None, max_length=12)
    answered_at: datetime | None = utc(default=None)
    answered_by_id: int | None = Field(default=None, foreign_key="member.id")
    sent_at: datetime | None = utc(default=None)
    reminded_at: datetime | None = utc(default=None)
    escalated_at: datetime | None = utc(default=None)
