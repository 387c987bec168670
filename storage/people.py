"""People's roles in the antennas, and the invitations that give them.

A role is held in one antenna; a store manager's is for one store, an association member's for
one association, and a hub staff member's for one hub.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.columns import one_of, utc

ROLES = ("coordinator", "store_manager", "driver", "association", "hub_staff")
MEMBERSHIP_STATUSES = ("pending", "active", "suspended", "rejected")


class Membership(SQLModel, table=True):
    """A role of a person in one antenna, for a store or an association where it applies."""

    __table_args__ = (
        CheckConstraint(one_of("role", ROLES), name="membership_role"),
        CheckConstraint(one_of("status", MEMBERSHIP_STATUSES), name="membership_status"),
        CheckConstraint(
            "(role = 'store_manager') = (store_id IS NOT NULL)", name="membership_store"
        ),
        CheckConstraint(
            "(role = 'association') = (association_id IS NOT NULL)",
            name="membership_association",
        ),
        CheckConstraint("(role = 'hub_staff') = (hub_id IS NOT NULL)", name="membership_hub"),
        UniqueConstraint(
            "member_id", "antenna_id", "role", "store_id", "association_id", name="uq_membership"
        ),
    )
    id: int | None = Field(default=None, primary_key=True)
    member_id: int = Field(foreign_key="member.id", index=True)
    antenna_id: int = Field(foreign_key="antenna.id", index=True)
    role: str = Field(max_length=16)
    store_id: int | None = Field(default=None, foreign_key="store.id")
    association_id: int | None = Field(default=None, foreign_key="association.id")
    hub_id: int | None = Field(default=None, foreign_key="hub.id")
    status: str = Field(default="active", max_length=12)
    created_at: datetime = utc()


class Invite(SQLModel, table=True):
    """A single-use, expiring invitation; only the hash of the token is kept."""

    __table_args__ = (CheckConstraint(one_of("role", ROLES), name="invite_role"),)
    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True, index=True)
    antenna_id: int = Field(foreign_key="antenna.id", index=True)
    role: str = Field(max_length=16)
    store_id: int | None = Field(default=None, foreign_key="store.id")
    association_id: int | None = Field(default=None, foreign_key="association.id")
    hub_id: int | None = Field(default=None, foreign_key="hub.id")
    created_by_id: int | None = Field(default=None, foreign_key="member.id")
    created_at: datetime = utc()
    expires_at: datetime = utc()
    used_at: datetime | None = utc(default=None)
    used_by_id: int | None = Field(default=None, foreign_key="member.id")
