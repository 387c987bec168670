"""The bot's own bookkeeping: messages to send, updates handled, broadcasts made, the audit
log and the conversations' state."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, CheckConstraint, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.columns import one_of, utc

OUTBOX_STATUSES = ("pending", "sent", "failed", "unreachable")


class Outbox(SQLModel, table=True):
    """A message the bot sends on its own, written in the transaction that caused it."""

    __table_args__ = (
        CheckConstraint(one_of("status", OUTBOX_STATUSES), name="outbox_status"),
        CheckConstraint("attempts >= 0", name="outbox_attempts"),
        Index("ix_outbox_due", "status", "next_attempt_at"),
    )
    id: int | None = Field(default=None, primary_key=True)
    chat_id: int = Field(sa_type=BigInteger)
    method: str = Field(default="sendMessage", max_length=32)
    payload: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    dedupe_key: str | None = Field(default=None, max_length=128, unique=True)
    status: str = Field(default="pending", max_length=12)
    attempts: int = Field(default=0)
    next_attempt_at: datetime = utc()
    created_at: datetime = utc()
    sent_at: datetime | None = utc(default=None)
    last_error: str | None = Field(default=None, max_length=500)


class ProcessedUpdate(SQLModel, table=True):
    """Telegram update ids already handled: a duplicate delivery takes effect once."""

    __tablename__ = "processed_update"
    update_id: int = Field(
        sa_type=BigInteger, primary_key=True, sa_column_kwargs={"autoincrement": False}
    )
    processed_at: datetime = utc()


class BroadcastLog(SQLModel, table=True):
    """One row per antenna, local day and kind of broadcast: the exactly-once key."""

    __tablename__ = "broadcast_log"
    __table_args__ = (UniqueConstraint("antenna_id", "day", "kind", name="uq_broadcast"),)
    id: int | None = Field(default=None, primary_key=True)
    antenna_id: int = Field(foreign_key="antenna.id")
    day: date
    kind: str = Field(max_length=32)
    created_at: datetime = utc()


class AuditLog(SQLModel, table=True):
    """Every state change: who, what, when, on behalf of whom."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_entity", "entity", "entity_id"),)
    id: int | None = Field(default=None, primary_key=True)
    at: datetime = utc()
    actor_id: int | None = Field(default=None, foreign_key="member.id")
    on_behalf_of_id: int | None = Field(default=None, foreign_key="member.id")
    action: str = Field(max_length=64)
    entity: str = Field(max_length=32)
    entity_id: int | None = Field(default=None)
    detail: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)


class FsmRecord(SQLModel, table=True):
    """aiogram FSM state and data per storage key, so conversations survive a restart."""

    __tablename__ = "fsm_record"
    key: str = Field(max_length=255, primary_key=True)
    state: str | None = Field(default=None, max_length=255)
    data: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    updated_at: datetime = utc()
