"""A donation's progress after pickup, and the locked loading its changes rely on.

The statuses a donation goes through once picked up, the ``Actor`` who records a change (with
its audit line), the locked loading of a donation or a stop, the move to "delivered" then
"received" once every stop is delivered and every receipt settled, and the request to bring
the donation's card in the antenna group up to date. Collection and receipts share them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from logistics.errors import NotFound
from logistics.notify import refresh_card
from storage.models import Antenna, AuditLog, Delivery, Donation, Receipt

PICKED_UP_OR_LATER = ("picked_up", "delivered", "received")
PROGRESSING = ("picked_up", "delivered")
SETTLED = ("confirmed", "disputed")


@dataclass(frozen=True)
class Actor:
    """Who records a change, and the person a coordinator acts for (if anyone)."""

    member_id: int
    on_behalf: bool = False
    on_behalf_of_id: int | None = None

    def log(self, session: AsyncSession, now: datetime, action: str, row: Any, **detail) -> None:
        """The audit line of a change made to ``row`` (flushed, so that it has its id)."""
        session.add(
            AuditLog(
                at=now,
                actor_id=self.member_id,
                on_behalf_of_id=self.on_behalf_of_id,
                action=action,
                entity=row.__tablename__,
                entity_id=row.id,
                detail=detail,
            )
        )


async def advance_donation(
    session: AsyncSession, *, donation: Donation, now: datetime, actor: Actor
) -> int:
    """Every stop delivered: the donation is "delivered"; every receipt settled too: it is
    "received". Returns how many stops are still to deliver."""
    await session.flush()
    rows = (
        await session.exec(
            select(Delivery.delivered_at, Receipt.status)
            .outerjoin(Receipt, col(Receipt.delivery_id) == Delivery.id)
            .where(Delivery.donation_id == donation.id)
        )
    ).all()
    remaining = sum(1 for delivered_at, _ in rows if delivered_at is None)
    steps = []
    if rows and remaining == 0:
        if donation.status == "picked_up":
            steps.append("delivered")
        if all(status in SETTLED for _, status in rows) and donation.status in PROGRESSING:
            steps.append("received")
    for status in steps:
        donation.status, donation.updated_at = status, now
        session.add(donation)
        actor.log(session, now, f"donation.{status}", donation)
    return remaining


async def load_one(session: AsyncSession, statement: Any, what: str, *, lock: bool = True) -> Any:
    """The one row (or tuple of rows) of ``statement``, by default locked until the commit."""
    if lock:
        statement = statement.with_for_update().execution_options(populate_existing=True)
    row = (await session.exec(statement)).first()
    if row is None:
        raise NotFound(what)
    return row


async def load_delivery(
    session: AsyncSession, delivery_id: int, *, lock: bool = True
) -> tuple[Delivery, Donation]:
    """A stop and its donation, by default locked: every change of a donation locks its row."""
    statement = (
        select(Delivery, Donation)
        .join(Donation, col(Donation.id) == Delivery.donation_id)
        .where(Delivery.id == delivery_id)
    )
    return await load_one(session, statement, "delivery", lock=lock)


async def load_receipt(session: AsyncSession, delivery_id: int) -> Receipt:
    """The stop's receipt, read again (its stop is locked by ``load_delivery``)."""
    receipt = (
        await session.exec(
            select(Receipt)
            .where(Receipt.delivery_id == delivery_id)
            .execution_options(populate_existing=True)
        )
    ).first()
    if receipt is None:
        raise NotFound("receipt")
    return receipt


async def refresh(session: AsyncSession, donation: Donation, now: datetime) -> None:
    """Ask for the donation's card in the antenna group to be brought up to date."""
    antenna = await session.get(Antenna, donation.antenna_id)
    refresh_card(session, antenna=antenna, donation_id=donation.id, now=now)
