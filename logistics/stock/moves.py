"""Stock leaving a hub or corrected: out to an association, a loss with its reason, a count.

Each move changes one lot's ``on_hand_kg`` with a guarded UPDATE (never below zero, and a count
only against the figure its author saw), so that two people moving the same lot at once cannot
take more than is there; each is a ``StockMove`` and an audit line.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import update
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from logistics.audit import audit
from logistics.errors import DomainError, InvalidInput, NotFound
from logistics.people.identity import Identity
from logistics.pickups.weights import validate_kg
from logistics.stock.access import handled_hub
from logistics.transaction import transaction
from storage.models import LOSS_REASONS, StockLot, StockMove

TAKEN = ("out", "loss")  # the moves that take from a lot; "in" and "count" do not


class StockShort(DomainError):
    """More than the lot holds: ``on_hand_kg`` is what is there."""

    def __init__(self, on_hand_kg: float) -> None:
        super().__init__(f"on hand: {on_hand_kg}")
        self.on_hand_kg = on_hand_kg


class CountChanged(DomainError):
    """Someone moved the lot since the count was started: counted against an old figure."""


@dataclass(frozen=True)
class MoveResult:
    lot_id: int
    hub_id: int
    kind: str
    kg: float  # signed for a count
    on_hand_kg: float


async def _lot(session: AsyncSession, lot_id: int) -> StockLot:
    """The lot as it is now, not as this session may have read it before the transaction."""
    lot = await session.get(StockLot, lot_id, populate_existing=True)
    if lot is None:
        raise NotFound("stock_lot")
    return lot


async def take(
    session: AsyncSession,
    lot: StockLot,
    *,
    kind: str,
    kg: float | None,
    member_id: int | None,
    now: datetime,
    reason: str | None = None,
    association_id: int | None = None,
) -> MoveResult:
    """Take ``kg`` out of the lot (out or loss), never more than it holds; ``None``: all that
    is left of it."""
    if kind not in TAKEN:
        raise ValueError(f"a {kind!r} move does not take from a lot")
    await session.refresh(lot)  # the figure now, whatever the caller read before
    if kg is None:
        if lot.on_hand_kg <= 0:
            raise StockShort(lot.on_hand_kg)
        kg = lot.on_hand_kg
    else:
        kg = validate_kg(kg)
        if kg <= 0:
            raise InvalidInput("kg_invalid")
        if abs(lot.on_hand_kg - kg) < 0.05:  # the whole lot, to the last float crumb
            kg = lot.on_hand_kg
    taken = await session.exec(
        update(StockLot)
        .where(col(StockLot.id) == lot.id, col(StockLot.on_hand_kg) >= kg)
        .values(on_hand_kg=StockLot.on_hand_kg - kg)
        .execution_options(synchronize_session=False)
    )
    if taken.rowcount != 1:
        await session.refresh(lot)
        raise StockShort(lot.on_hand_kg)
    await session.refresh(lot)
    return _moved(session, lot, kind, kg, member_id, now, reason, association_id)


def _moved(
    session: AsyncSession,
    lot: StockLot,
    kind: str,
    kg: float,
    member_id: int | None,
    now: datetime,
    reason: str | None = None,
    association_id: int | None = None,
) -> MoveResult:
    session.add(
        StockMove(
            lot_id=lot.id,
            hub_id=lot.hub_id,
            category_id=lot.category_id,
            kind=kind,
            kg=kg,
            reason=reason,
            association_id=association_id,
            member_id=member_id,
            at=now,
        )
    )
    detail = {"kg": kg, "hub_id": lot.hub_id, "on_hand_kg": lot.on_hand_kg}
    if reason:
        detail["reason"] = reason
    if association_id:
        detail["association_id"] = association_id
    audit(session, now, member_id, f"stock.{kind}", lot, **detail)
    return MoveResult(lot.id, lot.hub_id, kind, kg, lot.on_hand_kg)


@transaction
async def record_loss(
    session: AsyncSession,
    *,
    lot_id: int,
    reason: str,
    identity: Identity,
    now: datetime,
    kg: float | None = None,
) -> MoveResult:
    """Food discarded from a lot (all that is left of it when ``kg`` is not given)."""
    if reason not in LOSS_REASONS:
        raise InvalidInput("loss_reason")
    lot = await _lot(session, lot_id)
    await handled_hub(session, identity, lot.hub_id)
    return await take(
        session, lot, kind="loss", kg=kg, reason=reason, member_id=identity.member_id, now=now
    )


@transaction
async def correct_count(
    session: AsyncSession,
    *,
    lot_id: int,
    counted_kg: float,
    seen_kg: float,
    identity: Identity,
    now: datetime,
) -> MoveResult:
    """What a count found in a lot, against the figure shown to the person who counted
    (``seen_kg``): refused if the lot moved meanwhile, so no move is counted twice. The move
    is the change really made (from what the lot held), so that the balance stays whole."""
    lot = await _lot(session, lot_id)
    await handled_hub(session, identity, lot.hub_id)
    counted = validate_kg(counted_kg)
    if round(counted - seen_kg, 1) == 0:
        raise InvalidInput("count_unchanged")
    held = lot.on_hand_kg
    if not abs(held - seen_kg) < 0.05:
        raise CountChanged()
    if round(counted - held, 1) == 0:
        raise InvalidInput("count_unchanged")
    changed = await session.exec(
        update(StockLot)
        .where(col(StockLot.id) == lot.id, col(StockLot.on_hand_kg) == held)
        .values(on_hand_kg=counted)
        .execution_options(synchronize_session=False)
    )
    if changed.rowcount != 1:  # moved between the read and the update (PostgreSQL)
        raise CountChanged()
    await session.refresh(lot)
    return _moved(session, lot, "count", counted - held, identity.member_id, now)
