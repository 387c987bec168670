"""Receipts: the receiving association says what arrived, in weight and condition.

A receipt is opened pending when its stop is delivered. The association confirms it, gives
the weight it really received, or reports a problem; a difference or a problem disputes the
receipt and the coordinators are told. Food that came too warm has its chilled part withheld:
the association must not hand it out. Once every stop is delivered and every receipt settled,
the donation is received.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, or_
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from logistics.errors import AlreadyDone, InvalidInput, NotAllowed
from logistics.notify import notify_coordinators
from logistics.people.identity import Identity
from logistics.people.permissions import has_role, is_coordinator
from logistics.pickups.donation_progress import (
    Actor,
    advance_donation,
    load_delivery,
    load_receipt,
    refresh,
)
from logistics.pickups.weights import validate_kg
from logistics.transaction import transaction
from storage.models import Association, Claim, Delivery, Donation, Member, Receipt, Store

TOO_WARM = "too_warm"
PROBLEMS = (TOO_WARM, "damaged", "not_arrived", "other")
MAX_NOTE = 1000


@dataclass(frozen=True)
class ReceiptResult:
    delivery_id: int
    donation_id: int
    status: str  # the receipt's: "confirmed" or "disputed"
    received_kg: float | None
    problem: str | None
    donation_status: str
    on_behalf: bool


@dataclass(frozen=True)
class PendingReceipt:
    delivery_id: int
    donation_id: int
    association_id: int
    association_name: str
    store_name: str
    delivered_kg: float | None
    delivered_at: datetime | None
    driver_name: str | None


async def confirm_receipt(
    session: AsyncSession, *, delivery_id: int, identity: Identity, now: datetime
) -> ReceiptResult:
    """Everything arrived as delivered."""
    return await _settle(
        session, delivery_id=delivery_id, identity=identity, now=now, received_kg=None
    )


async def report_difference(
    session: AsyncSession,
    *,
    delivery_id: int,
    identity: Identity,
    now: datetime,
    received_kg: float,
) -> ReceiptResult:
    """Another weight arrived than the driver recorded (the same weight simply confirms)."""
    kg = validate_kg(received_kg)
    return await _settle(
        session, delivery_id=delivery_id, identity=identity, now=now, received_kg=kg
    )


async def report_problem(
    session: AsyncSession,
    *,
    delivery_id: int,
    identity: Identity,
    now: datetime,
    problem: str,
    note: str | None = None,
) -> ReceiptResult:
    """The food arrived in a bad state, or not at all ("not_arrived" records 0 kg received)."""
    if problem not in PROBLEMS:
        raise InvalidInput("problem_unknown")
    note = (note or "").strip()[:MAX_NOTE] or None
    return await _settle(
        session,
        delivery_id=delivery_id,
        identity=identity,
        now=now,
        received_kg=0.0 if problem == "not_arrived" else None,
        problem=problem,
        note=note,
    )


@transaction
async def explain_problem(
    session: AsyncSession, *, delivery_id: int, identity: Identity, now: datetime, note: str
) -> ReceiptResult:
    """The association says in its own words what the problem it reported was; kept with the
    receipt, shown on the card, told to the coordinators. Once, and before it is settled."""
    note = (note or "").strip()[:MAX_NOTE]
    if not note:
        raise InvalidInput("note_empty")
    delivery, donation = await load_delivery(session, delivery_id)
    actor = _receiver(identity, delivery, donation)
    receipt = await load_receipt(session, delivery.id)
    if receipt.problem is None or receipt.settlement is not None or receipt.note:
        raise AlreadyDone()
    receipt.note = note
    session.add(receipt)
    actor.log(session, now, "receipt.explained", receipt, problem=receipt.problem, note=note)
    await notify_coordinators(
        session,
        antenna_id=donation.antenna_id,
        kind="receipt_note",
        now=now,
        delivery_id=delivery.id,
    )
    await refresh(session, donation, now)
    return _result(delivery, donation, receipt, actor)


async def pending_receipts(session: AsyncSession, *, identity: Identity) -> list[PendingReceipt]:
    """Receipts awaiting an answer from the person's associations (a coordinator: from every
    association of their antennas), oldest delivery first, in one query."""
    association_ids = {r.association_id for r in identity.roles if r.role == "association"}
    antenna_ids = {r.antenna_id for r in identity.roles if r.role == "coordinator"}
    if identity.member_id is None or not (association_ids or antenna_ids):
        return []
    scope = []
    if association_ids:
        scope.append(col(Delivery.association_id).in_(association_ids))
    if antenna_ids:
        scope.append(col(Donation.antenna_id).in_(antenna_ids))
    rows = await session.exec(
        select(
            Delivery.id,
            Delivery.donation_id,
            Association.id,
            Association.name,
            Store.name,
            Delivery.delivered_kg,
            Delivery.delivered_at,
            Member.name,
        )
        .join(Receipt, col(Receipt.delivery_id) == Delivery.id)
        .join(Donation, col(Donation.id) == Delivery.donation_id)
        .join(Store, col(Store.id) == Donation.store_id)
        .join(Association, col(Association.id) == Delivery.association_id)
        .outerjoin(
            Claim,
            and_(col(Claim.donation_id) == Donation.id, col(Claim.released_at).is_(None)),
        )
        .outerjoin(Member, col(Member.id) == Claim.driver_id)
        .where(Receipt.status == "pending", or_(*scope))
        .order_by(col(Delivery.delivered_at), col(Delivery.id))
    )
    return [PendingReceipt(*row) for row in rows.all()]


async def check_receiver(session: AsyncSession, *, delivery_id: int, identity: Identity) -> None:
    """Refuse now what answering this receipt would refuse (``NotFound``, ``NotAllowed``,
    ``AlreadyDone``), before the person is asked for a weight or a problem. Changes nothing."""
    delivery, donation = await load_delivery(session, delivery_id, lock=False)
    await _pending(session, identity, delivery, donation)


@transaction
async def _settle(
    session: AsyncSession,
    *,
    delivery_id: int,
    identity: Identity,
    now: datetime,
    received_kg: float | None,
    problem: str | None = None,
    note: str | None = None,
) -> ReceiptResult:
    """Close a pending receipt: confirmed when nothing differs, disputed otherwise."""
    delivery, donation = await load_delivery(session, delivery_id)
    actor, receipt = await _pending(session, identity, delivery, donation)
    if received_kg is None and problem is None:
        received_kg = delivery.delivered_kg
    disputed = problem is not None or received_kg != delivery.delivered_kg
    receipt.status = "disputed" if disputed else "confirmed"
    receipt.received_kg, receipt.problem, receipt.note = received_kg, problem, note
    receipt.confirmed_by_id, receipt.confirmed_at = actor.member_id, now
    session.add(receipt)
    if problem == TOO_WARM:  # the cold chain broke: its chilled food must not be handed out
        delivery.chilled_withheld_at = now
        session.add(delivery)
    actor.log(
        session,
        now,
        f"receipt.{receipt.status}",
        receipt,
        received_kg=received_kg,
        problem=problem,
        note=note,
        on_behalf=actor.on_behalf,
    )
    if disputed:
        await notify_coordinators(
            session,
            antenna_id=donation.antenna_id,
            kind="receipt_problem" if problem else "receipt_disputed",
            now=now,
            delivery_id=delivery.id,
        )
    await advance_donation(session, donation=donation, now=now, actor=actor)
    await refresh(session, donation, now)
    return _result(delivery, donation, receipt, actor)


def _result(
    delivery: Delivery, donation: Donation, receipt: Receipt, actor: Actor
) -> ReceiptResult:
    return ReceiptResult(
        delivery_id=delivery.id,
        donation_id=donation.id,
        status=receipt.status,
        received_kg=receipt.received_kg,
        problem=receipt.problem,
        donation_status=donation.status,
        on_behalf=actor.on_behalf,
    )


async def _pending(
    session: AsyncSession, identity: Identity, delivery: Delivery, donation: Donation
) -> tuple[Actor, Receipt]:
    """Who answers, and the receipt still waiting for the answer."""
    actor = _receiver(identity, delivery, donation)
    receipt = await load_receipt(session, delivery.id)
    if receipt.status != "pending":
        raise AlreadyDone()
    return actor, receipt


def _receiver(identity: Identity, delivery: Delivery, donation: Donation) -> Actor:
    """An active member of the receiving association, or a coordinator of the antenna."""
    member_id, antenna_id = identity.member_id, donation.antenna_id
    if member_id is not None:
        if delivery.association_id is not None and has_role(
            identity, "association", antenna_id, association_id=delivery.association_id
        ):
            return Actor(member_id)
        if is_coordinator(identity, antenna_id):
            return Actor(member_id, on_behalf=True)
    raise NotAllowed("not_your_receipt")
