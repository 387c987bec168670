"""The tables of the whole domain (see the product description).

Times are aware UTC (``UTCDateTime``); local wall-clock settings (run-sheet time, store
windows, reception hours) are kept as ``HH:MM`` strings and interpreted in the antenna's
time zone by the rules. Enumerations are short strings guarded by CHECK constraints so that
SQLite and PostgreSQL refuse the same bad rows.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, BigInteger, CheckConstraint, Index, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from storage.columns import one_of, utc

COLD_CHAINS = ("ambient", "chilled", "frozen")
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
LANGUAGES = ("fr", "nl")
DATE_KINDS = ("use_by", "best_before", "none")  # the date a category's food must carry
ZERO_REASONS = ("no_food", "store_closed", "did_not_happen")


# --- Places -------------------------------------------------------------------------------


class AntennaBase(SQLModel):
    key: str = Field(max_length=64, unique=True, index=True)
    name: str = Field(max_length=200)
    communes: list[str] = Field(default_factory=list, sa_type=JSON)
    group_chat_id: int | None = Field(default=None, sa_type=BigInteger, unique=True)
    group_languages: str = Field(default="fr,nl", max_length=16)
    timezone: str = Field(default="Europe/Brussels", max_length=64)
    run_sheet_time: str = Field(default="07:00", max_length=5)
    summary_time: str = Field(default="19:00", max_length=5)
    max_claims_per_day: int | None = Field(default=None)
    max_claims_per_week: int | None = Field(default=None)
    cap_lift_hours: int = Field(default=3)


class Antenna(AntennaBase, table=True):
    __table_args__ = (
        CheckConstraint(
            "max_claims_per_day IS NULL OR max_claims_per_day > 0", name="antenna_cap_day"
        ),
        CheckConstraint(
            "max_claims_per_week IS NULL OR max_claims_per_week > 0", name="antenna_cap_week"
        ),
        CheckConstraint("cap_lift_hours >= 0", name="antenna_cap_lift"),
    )
    id: int | None = Field(default=None, primary_key=True)


class HubBase(SQLModel):
    key: str = Field(max_length=64, unique=True, index=True)
    antenna_id: int = Field(foreign_key="antenna.id", index=True)
    name: str = Field(max_length=200)
    address: str = Field(default="", max_length=300)
    cold_storage: bool = Field(default=False)
    reception_hours: str = Field(default="", max_length=200)
    distribution_time: str = Field(default="06:00", max_length=5)  # the morning plan, local
    latitude: float | None = Field(default=None)
    longitude: float | None = Field(default=None)


class Hub(HubBase, table=True):
    id: int | None = Field(default=None, primary_key=True)


class StoreBase(SQLModel):
    key: str = Field(max_length=64, unique=True, index=True)
    antenna_id: int = Field(foreign_key="antenna.id", index=True)
    name: str = Field(max_length=200)
    address: str = Field(default="", max_length=300)
    window_start: str = Field(default="18:00", max_length=5)
    window_end: str = Field(default="19:00", max_length=5)
    active: bool = Field(default=True)
    latitude: float | None = Field(default=None)
    longitude: float | None = Field(default=None)


class Store(StoreBase, table=True):
    id: int | None = Field(default=None, primary_key=True)


class AssociationBase(SQLModel):
    key: str = Field(max_length=64, unique=True, index=True)
    antenna_id: int = Field(foreign_key="antenna.id", index=True)
    name: str = Field(max_length=200)
    kind: str = Field(default="", max_length=64)
    address: str = Field(default="", max_length=300)
    beneficiaries: int = Field(default=0)
    cold_storage: bool = Field(default=False)
    reception_hours: str = Field(default="", max_length=200)
    distribution_days: list[int] = Field(default_factory=list, sa_type=JSON)  # 0 is Monday
    active: bool = Field(default=True)
    latitude: float | None = Field(default=None)
    longitude: float | None = Field(default=None)


class Association(AssociationBase, table=True):
    __table_args__ = (CheckConstraint("beneficiaries >= 0", name="association_beneficiaries"),)
    id: int | None = Field(default=None, primary_key=True)


class CategoryBase(SQLModel):
    key: str = Field(max_length=64, unique=True, index=True)
    name_fr: str = Field(max_length=100)
    name_nl: str = Field(max_length=100)
    synonyms_fr: list[str] = Field(default_factory=list, sa_type=JSON)
    synonyms_nl: list[str] = Field(default_factory=list, sa_type=JSON)
    cold_chain: str = Field(default="ambient", max_length=8)
    kg_per_crate: float | None = Field(default=None)
    kg_per_piece: float | None = Field(default=None)
    kg_per_pallet: float | None = Field(default=None)
    kg_per_litre: float | None = Field(default=None)
    date_kind: str = Field(default="none", max_length=12)
    grace_days: int = Field(default=0)  # a best-before date may be passed by this many days


class Category(CategoryBase, table=True):
    __table_args__ = (
        CheckConstraint(one_of("date_kind", DATE_KINDS), name="category_date_kind"),
        CheckConstraint("grace_days >= 0", name="category_grace_days"),
        CheckConstraint(one_of("cold_chain", COLD_CHAINS), name="category_cold_chain"),
        CheckConstraint("kg_per_crate IS NULL OR kg_per_crate > 0", name="category_kg_crate"),
        CheckConstraint("kg_per_piece IS NULL OR kg_per_piece > 0", name="category_kg_piece"),
        CheckConstraint("kg_per_pallet IS NULL OR kg_per_pallet > 0", name="category_kg_pallet"),
        CheckConstraint("kg_per_litre IS NULL OR kg_per_litre > 0", name="category_kg_litre"),
    )
    id: int | None = Field(default=None, primary_key=True)


# --- People -------------------------------------------------------------------------------


class MemberBase(SQLModel):
    telegram_id: int | None = Field(default=None, sa_type=BigInteger, unique=True, index=True)
    name: str | None = Field(default=None, max_length=200)
    username: str | None = Field(default=None, max_length=64)
    phone: str | None = Field(default=None, max_length=32)
    language: str | None = Field(default=None, max_length=2)
    vehicle_refrigerated: bool = Field(default=False)
    vehicle_capacity_kg: float | None = Field(default=None)
    unreachable: bool = Field(default=False)


class Member(MemberBase, table=True):
    """A person. ``telegram_id`` and the personal fields are erased by /forgetme."""

    __table_args__ = (
        CheckConstraint(
            "language IS NULL OR " + one_of("language", LANGUAGES), name="member_language"
        ),
        CheckConstraint(
            "vehicle_capacity_kg IS NULL OR vehicle_capacity_kg > 0", name="member_capacity"
        ),
    )
    id: int | None = Field(default=None, primary_key=True)
    created_at: datetime = utc()
    opened_at: datetime | None = utc(default=None)  # first wrote to the bot: reachable since
    forgotten_at: datetime | None = utc(default=None)


# --- Donations ----------------------------------------------------------------------------


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


# the tables of the other modules, so that importing this one registers every table
from storage.food_safety import RECALL_ANSWERS, Recall, RecallNotice  # noqa: E402, F401
from storage.hub_stock import (  # noqa: E402, F401
    LOSS_REASONS,
    STOCK_MOVE_KINDS,
    StockLot,
    StockMove,
    Vehicle,
)
from storage.people import MEMBERSHIP_STATUSES, ROLES, Invite, Membership  # noqa: E402, F401
from storage.plumbing import (  # noqa: E402, F401
    OUTBOX_STATUSES,
    AuditLog,
    BroadcastLog,
    FsmRecord,
    Outbox,
    ProcessedUpdate,
)
from storage.tours import (  # noqa: E402, F401
    STOP_STATUSES,
    TOUR_KINDS,
    TOUR_STATUSES,
    Tour,
    TourLoad,
    TourStop,
)

ALL_TABLES = SQLModel.metadata
