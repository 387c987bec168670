"""A donation's history for its antenna's coordinators, read from the audit log.

Every change of a donation is an audit line: on the donation itself (announced, allocated,
claimed, released, collected, delivered, received...), on its deliveries and on their
receipts. Each line says when, who (nobody for the bot's own changes), and for whom a
coordinator acted. A person erased by /forgetme stays in the history as an erased person.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, or_
from sqlalchemy.orm import aliased
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from logistics.errors import NotAllowed, NotFound
from logistics.people.identity import Identity
from logistics.people.permissions import coordinated_antennas, is_coordinator
from storage.models import Antenna, AuditLog, Delivery, Donation, Member, Receipt, Store

RECENT = 10  # pickups offered by /history without a number
MAX_ID = 2**31 - 1  # ids are 32-bit integers on PostgreSQL: anything larger cannot exist


@dataclass(frozen=True)
class Person:
    name: str | None
    erased: bool


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime
    action: str
    actor: Person | None  # None: the bot itself
    on_behalf_of: Person | None
    detail: dict[str, Any]


@dataclass(frozen=True)
class DonationHistory:
    donation_id: int
    store_name: str
    window_start: datetime
    tz: str
    status: str
    entries: tuple[HistoryEntry, ...]  # oldest first


@dataclass(frozen=True)
class RecentDonation:
    donation_id: int
    store_name: str
    window_start: datetime
    tz: str


def _person(member: Member | None) -> Person | None:
    if member is None:
        return None
    return Person(name=member.name, erased=member.forgotten_at is not None)


async def donation_history(
    session: AsyncSession, *, donation_id: int, identity: Identity | None
) -> DonationHistory:
    """The donation's audit lines, for a coordinator of its antenna (three queries)."""
    if not coordinated_antennas(identity):
        raise NotAllowed("not_coordinator")
    if not 0 < donation_id <= MAX_ID:
        raise NotFound("donation")
    found = (
        await session.exec(
            select(Donation, Store.name, Antenna.timezone)
            .join(Store, col(Store.id) == Donation.store_id)
            .join(Antenna, col(Antenna.id) == Donation.antenna_id)
            .where(col(Donation.id) == donation_id)
        )
    ).first()
    if found is None:
        raise NotFound("donation")
    donation, store_name, tz = found
    if not is_coordinator(identity, donation.antenna_id):
        raise NotAllowed("not_coordinator")
    deliveries = select(Delivery.id).where(Delivery.donation_id == donation_id)
    receipts = select(Receipt.id).where(col(Receipt.delivery_id).in_(deliveries))
    actor, behalf = aliased(Member), aliased(Member)
    rows = await session.exec(
        select(AuditLog, actor, behalf)
        .outerjoin(actor, col(actor.id) == AuditLog.actor_id)
        .outerjoin(behalf, col(behalf.id) == AuditLog.on_behalf_of_id)
        .where(
            or_(
                and_(AuditLog.entity == "donation", AuditLog.entity_id == donation_id),
                and_(AuditLog.entity == "delivery", col(AuditLog.entity_id).in_(deliveries)),
                and_(AuditLog.entity == "receipt", col(AuditLog.entity_id).in_(receipts)),
            )
        )
        .order_by(col(AuditLog.at), col(AuditLog.id))
    )
    entries = tuple(
        HistoryEntry(
            at=line.at,
            action=line.action,
            actor=_person(who),
            on_behalf_of=_person(whom),
            detail=dict(line.detail or {}),
        )
        for line, who, whom in rows.all()
    )
    return DonationHistory(
        donation_id=donation.id,
        store_name=store_name,
        window_start=donation.window_start,
        tz=tz,
        status=donation.status,
        entries=entries,
    )


async def recent_donations(
    session: AsyncSession, *, identity: Identity | None, limit: int = RECENT
) -> list[RecentDonation]:
    """The latest pickups of the antennas this person coordinates, newest first."""
    antennas = coordinated_antennas(identity)
    if not antennas:
        raise NotAllowed("not_coordinator")
    rows = await session.exec(
        select(Donation.id, Store.name, Donation.window_start, Antenna.timezone)
        .join(Store, col(Store.id) == Donation.store_id)
        .join(Antenna, col(Antenna.id) == Donation.antenna_id)
        .where(col(Donation.antenna_id).in_(antennas), Donation.status != "draft")
        .order_by(col(Donation.window_start).desc(), col(Donation.id).desc())
        .limit(limit)
    )
    return [RecentDonation(*row) for row in rows.all()]
