"""The network's places (antennas, hubs, stores, associations), the food categories and the
people; and, imported from their own modules, every other table of the domain (see the product
description), so that importing this module registers them all.

Times are aware UTC (``UTCDateTime``); local wall-clock settings (run-sheet time, store
windows, reception hours) are kept as ``HH:MM`` strings and interpreted in the antenna's
time zone by the rules. Enumerations are short strings guarded by CHECK constraints so that
SQLite and PostgreSQL refuse the same bad rows.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, BigInteger, CheckConstraint
from sqlmodel import Field, SQLModel

from storage.columns import COLD_CHAINS, one_of, utc

LANGUAGES = ("fr", "nl")
DATE_KINDS = ("use_by", "best_before", "none")  # the date a category's food must carry


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


# the tables of the other modules, so that importing this one registers every table
from storage.donations import (  # noqa: E402, F401
    DONATION_STATUSES,
    RECEIPT_STATUSES,
    SETTLEMENTS,
    UNITS,
    ZERO_REASONS,
    Claim,
    Delivery,
    Donation,
    DonationItem,
    Receipt,
    RecurringSlot,
)
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
